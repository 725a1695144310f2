//! `Scorer::assess` allocates nothing on success, for each kind of model.
//!
//! A counting global allocator records allocations made by the current thread only, so
//! other tests running in parallel do not disturb the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::scorecard::Scorecard;
use wealthscore::churn::{ChurnModel, Fit};
use wealthscore::scorer::{Scorer, ScorerConfig};

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
fn assess_allocates_nothing() {
    let book = wealthscore::synth::generate(&wealthscore::synth::PortfolioConfig {
        clients: 3_000,
        ..Default::default()
    })
    .unwrap();
    let forest_params = ForestParams {
        n_trees: 10,
        ..Default::default()
    };
    let models = [
        ChurnModel::Logistic(
            LogisticModel::fit_records(&LogisticParams::default(), &book.clients).unwrap(),
        ),
        ChurnModel::Forest(ForestModel::fit_records(&forest_params, &book.clients).unwrap()),
        ChurnModel::Scorecard(Scorecard::default()),
    ];
    for model in models {
        let scorer = Scorer::new(ScorerConfig::with_model(model)).unwrap();
        let before = allocations();
        let mut alerts = 0;
        for c in &book.clients {
            let a = scorer.assess(c).unwrap();
            alerts += usize::from(a.risk_level.is_alert());
        }
        assert_eq!(allocations() - before, 0);
        assert!(alerts > 0);
    }
}
