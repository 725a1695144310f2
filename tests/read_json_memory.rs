//! `read_json` streams its array: peak memory stays proportional to the records it
//! returns, not to a tree of the whole document (issue 13: a 1M-element array peaked
//! at 358 MB). A tracking global allocator measures the peak of live heap bytes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Tracking;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Tracking = Tracking;

#[test]
fn read_json_streams_memory_proportional_to_input() {
    let book = wealthscore::synth::generate(
        &wealthscore::synth::PortfolioConfig::default()
            .with_clients(20_000)
            .with_seed(3),
    )
    .unwrap();
    let json = serde_json::to_vec(&book.clients).unwrap();
    drop(book);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let rows = wealthscore::client::read_json(json.as_slice()).unwrap();
    let retained = LIVE.load(Ordering::Relaxed) - before;
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert_eq!(rows.len(), 20_000);
    assert!(rows.iter().all(Result::is_ok));
    eprintln!(
        "input {} bytes, records {retained} bytes, peak {peak} bytes above the input",
        json.len()
    );
    // The records themselves, plus the growth of the result vector (at most one old
    // buffer besides the new) and one element's tree: within 2× the records.
    assert!(
        peak < 2 * retained,
        "peak {peak} bytes for {retained} bytes of records"
    );
}
