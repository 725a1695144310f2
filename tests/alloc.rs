//! The hot paths allocate nothing on success: tiering, RFM scoring, satisfaction
//! evaluation, membership over a slice, and the full assessment for each kind of model.
//!
//! A counting global allocator records allocations made by the current thread only, so
//! other tests running in parallel do not disturb the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use wealthscore::ClientRecord;
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::scorecard::Scorecard;
use wealthscore::churn::{ChurnModel, Fit};
use wealthscore::fuzzy::{Membership, SatisfactionIndex};
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
fn classify_allocates_nothing() {
    use wealthscore::segment::{RfmModel, RfmValues, TieringPolicy};
    let p = wealthscore::synth::generate(
        &wealthscore::synth::PortfolioConfig::default().with_clients(500),
    )
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

#[test]
fn evaluating_a_client_allocates_nothing() {
    let index = SatisfactionIndex::default();
    let with_survey = ClientRecord::example();
    let mut without = ClientRecord::example();
    without.survey = None;
    let m = Membership::pi_shaped(0.0, 1.0, 2.0, 3.0).unwrap();
    let xs = [0.5; 64];
    let mut out = [0.0; 64];
    let before = allocations();
    let mut total = 0.0;
    for _ in 0..100 {
        total += index.evaluate(&with_survey).unwrap().score;
        total += index.evaluate(&without).unwrap().score;
        m.eval_slice(&xs, &mut out).unwrap();
    }
    let after = allocations();
    assert!(total > 0.0);
    assert_eq!(after - before, 0, "the hot path allocated");
}

#[test]
fn assess_allocates_nothing() {
    let book = wealthscore::synth::generate(
        &wealthscore::synth::PortfolioConfig::default().with_clients(3_000),
    )
    .unwrap();
    let forest_params = ForestParams::default().with_n_trees(10);
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
