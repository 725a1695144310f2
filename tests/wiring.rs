//! The modules agree with each other: default weights stated as constants equal what the
//! `ahp` module computes from the documented judgments (which AHPy and numpy also gave).

use wealthscore::ahp::{PairwiseMatrix, PriorityMethod};
use wealthscore::fuzzy::{
    DEFAULT_DIMENSION_WEIGHTS, DEFAULT_INDICATOR_WEIGHTS, DIMENSION_JUDGMENTS, INDICATOR_JUDGMENTS,
};

#[test]
fn satisfaction_default_weights_are_the_ahp_eigenvectors_of_their_judgments() {
    let p = PairwiseMatrix::from_rows(&DIMENSION_JUDGMENTS)
        .unwrap()
        .priorities(PriorityMethod::Eigenvector)
        .unwrap();
    for (a, b) in p.weights.iter().zip(DEFAULT_DIMENSION_WEIGHTS) {
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }
    assert!(p.consistency_ratio < 0.1);
    for (judgments, weights) in INDICATOR_JUDGMENTS.iter().zip(DEFAULT_INDICATOR_WEIGHTS) {
        let p = PairwiseMatrix::from_rows(judgments)
            .unwrap()
            .priorities(PriorityMethod::Eigenvector)
            .unwrap();
        for (a, b) in p.weights.iter().zip(weights) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }
}

#[test]
fn tiering_weights_can_come_from_ahp() {
    // The default composite weights (asset 0.35, activity 0.15, lifecycle 0.15,
    // complexity 0.10, loyalty 0.25) written as consistent judgments a_ij = w_i / w_j:
    // AHP must give them back, and so the same composite score as the default policy.
    let w = [0.35, 0.15, 0.15, 0.10, 0.25];
    let m = PairwiseMatrix::from_weights(&w).unwrap();
    let p = m.weights(PriorityMethod::Eigenvector).unwrap();
    let policy = wealthscore::TieringPolicy::default()
        .with_weights(&p)
        .unwrap();
    let c = wealthscore::ClientRecord::example();
    let t = policy.classify(&c, Some(0.3)).unwrap();
    let d = wealthscore::TieringPolicy::default()
        .classify(&c, Some(0.3))
        .unwrap();
    assert!((t.composite_score - d.composite_score).abs() < 1e-12);
    assert_eq!(t.composite, d.composite);
}
