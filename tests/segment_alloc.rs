//! `TieringPolicy::classify` allocates nothing on success (the scorer's hot path).
//!
//! A counting global allocator records allocations made by the current thread only, so
//! other tests running in parallel do not disturb the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCS.with(|c| c.get())
}

#[test]
fn classify_allocates_nothing() {
    use wealthscore::segment::{RfmModel, RfmValues, TieringPolicy};
    let p = wealthscore::synth::generate(&wealthscore::synth::PortfolioConfig {
        clients: 500,
        ..Default::default()
    })
    .unwrap();
    let policy = TieringPolicy::default();
    let values: Vec<RfmValues> = p.clients.iter().map(RfmValues::from_client).collect();
    let rfm = RfmModel::fit(&values).unwrap();
    let before = allocations();
    let mut premier = 0usize;
    for (c, t) in p.clients.iter().zip(&p.truth) {
        let tiering = policy.classify(c, Some(t.probability)).unwrap();
        premier += usize::from(tiering.composite_score > 0.75);
        let _ = rfm.score(&RfmValues::from_client(c)).unwrap();
    }
    assert_eq!(allocations() - before, 0);
    // Sanity check that the counter works at all.
    let v = std::hint::black_box(vec![premier]);
    assert!(allocations() - before >= 1 && v.len() == 1);
}
