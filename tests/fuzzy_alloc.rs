//! The per-client satisfaction path allocates nothing (counted by a global allocator).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use wealthscore::ClientRecord;
use wealthscore::fuzzy::{Membership, SatisfactionIndex};

struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn evaluating_a_client_allocates_nothing() {
    let index = SatisfactionIndex::default();
    let with_survey = ClientRecord::example();
    let mut without = ClientRecord::example();
    without.survey = None;
    let m = Membership::pi_shaped(0.0, 1.0, 2.0, 3.0).unwrap();
    let xs = [0.5; 64];
    let mut out = [0.0; 64];
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let mut total = 0.0;
    for _ in 0..100 {
        total += index.evaluate(&with_survey).unwrap().score;
        total += index.evaluate(&without).unwrap().score;
        m.eval_slice(&xs, &mut out).unwrap();
    }
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    assert!(total > 0.0);
    assert_eq!(after - before, 0, "the hot path allocated");
}
