//! Hostile numeric inputs: model files that are not trees, numbers that overflow, counts
//! that wrap, sizes that would hang, and the solver's word on separable data. Each test
//! is named after the defect it pins down; each expected value is a closed form or a
//! documented limit.

use ndarray::Array2;
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::{Classifier, Fit};
use wealthscore::{ClientRecord, Error};

// ---------------------------------------------------------------- forest files

/// A fitted one-feature forest as JSON, to rewrite into hand-made trees.
fn forest_json() -> serde_json::Value {
    let x = Array2::from_shape_fn((40, 1), |(i, _)| i as f64);
    let y: Vec<bool> = (0..40).map(|i| i >= 20).collect();
    let params = ForestParams::default()
        .with_n_trees(1)
        .with_min_samples_leaf(1)
        .with_bootstrap(false);
    serde_json::to_value(ForestModel::fit(&params, x.view(), &y).unwrap()).unwrap()
}

/// One tree of 13 nodes given by `left` (right child = left + 1, 0 = leaf), every split
/// on feature 0 at 0.5, node `i` holding churn share `value[i]`.
fn tree(left: &[u32], value: &[f64]) -> serde_json::Value {
    let mut v = forest_json();
    let n = left.len();
    v["roots"] = serde_json::json!([0]);
    v["left"] = serde_json::json!(left);
    v["feature"] = serde_json::json!(vec![0; n]);
    v["threshold"] = serde_json::json!(vec![0.5; n]);
    v["value"] = serde_json::json!(value);
    // Covers: one training row per leaf, a split's the sum of its children's.
    let mut cover = vec![1.0; n];
    for i in (0..n).rev() {
        let l = left[i] as usize;
        if l != 0 {
            cover[i] = cover[l] + cover[l + 1];
        }
    }
    v["cover"] = serde_json::json!(cover);
    v
}

#[test]
fn forest_file_with_shared_child_is_rejected() {
    // Nodes 5 (depth 3) and 7 (depth 2) both claim children 9 and 10. Read as a tree,
    // node 9 sits at depth 3 or 4 depending on the path, so a walk of fixed length (the
    // batch path) stopped at node 9 (0.2) where the one-row walk went on to leaf 11 (0.9).
    //          0  1  2  3  4  5  6  7  8  9 10 11 12
    let left = [1, 3, 7, 5, 0, 9, 0, 9, 0, 11, 0, 0, 0];
    let value = [
        0.5, 0.5, 0.5, 0.5, 0.1, 0.5, 0.1, 0.5, 0.1, 0.2, 0.1, 0.9, 0.1,
    ];
    let r: Result<ForestModel, _> = serde_json::from_value(tree(&left, &value));
    let msg = r.unwrap_err().to_string();
    assert!(
        msg.contains("node 9") && msg.contains("two parents"),
        "{msg}"
    );
    // The same nodes with node 7 a leaf form a tree: it loads, and both paths agree.
    let mut ok = left;
    ok[7] = 0;
    let m: ForestModel = serde_json::from_value(tree(&ok, &value)).unwrap();
    let x = Array2::<f64>::zeros((9, 1)); // 8 rows take the interleaved path, 1 the other
    let batch = m.predict_proba(x.view()).unwrap();
    assert!(batch.iter().all(|&p| p == 0.9), "{batch}");
    assert_eq!(m.predict_one(&[0.0]).unwrap(), 0.9);
}

#[test]
fn forest_file_with_orphan_node_is_rejected() {
    // Nodes 7 and 8 have no parent: no walk reaches them, so the file is not one tree.
    let left = [1, 3, 0, 5, 0, 0, 0, 0, 0];
    let value = [0.5; 9];
    let r: Result<ForestModel, _> = serde_json::from_value(tree(&left, &value));
    let msg = r.unwrap_err().to_string();
    assert!(msg.contains("has no parent"), "{msg}");
}

// ---------------------------------------------------------------- max_features

#[test]
fn forest_max_features_default_is_floor_sqrt_as_scikit_learn() {
    // scikit-learn's max_features="sqrt" draws max(1, int(sqrt(p))) features per split
    // (sklearn/tree/_classes.py); for p = 5, 2 features, where ⌈√5⌉ would give 3.
    let (n, p) = (300, 5);
    let x = Array2::from_shape_fn((n, p), |(i, j)| ((i * (j + 3) * 7919) % 101) as f64);
    let y: Vec<bool> = (0..n).map(|i| x[[i, 0]] + x[[i, 1]] > 100.0).collect();
    let params = |m| {
        ForestParams::default()
            .with_n_trees(5)
            .with_max_depth(4)
            .with_min_samples_leaf(2)
            .with_max_features(m)
    };
    let default = ForestModel::fit(&params(None), x.view(), &y).unwrap();
    let floor = ForestModel::fit(&params(Some(2)), x.view(), &y).unwrap();
    let ceil = ForestModel::fit(&params(Some(3)), x.view(), &y).unwrap();
    assert_eq!(default, floor);
    assert_ne!(default, ceil);
}

// ---------------------------------------------------------------- separable data

#[test]
fn separable_data_without_penalty_is_not_converged_and_says_raise_l2() {
    // x separates the classes at 0: without a penalty the likelihood has no maximum.
    let n = 200;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| {
        let t = i as f64 - 99.5;
        if j == 0 { t } else { (i % 7) as f64 }
    });
    let y: Vec<bool> = (0..n).map(|i| i >= 100).collect();
    let none = LogisticParams::default().with_l2(0.0);
    match LogisticModel::fit(&none, x.view(), &y) {
        Err(Error::NotConverged { detail, .. }) => {
            assert!(detail.contains("raise the L2 penalty `l2`"), "{detail}")
        }
        other => panic!("expected NotConverged, got {other:?}"),
    }
    // The action the error names works: with the default penalty the fit is finite.
    let m = LogisticModel::fit(&LogisticParams::default(), x.view(), &y).unwrap();
    assert!(m.coefficients().iter().all(|c| c.is_finite()));
}

#[test]
fn constant_column_without_penalty_names_the_column() {
    let n = 100;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| if j == 0 { (i % 10) as f64 } else { 3.0 });
    let y: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
    let none = LogisticParams::default().with_l2(0.0);
    match LogisticModel::fit(&none, x.view(), &y) {
        Err(Error::Fit { reason, .. }) => {
            assert!(
                reason.contains("`x1` is constant") && reason.contains("l2 > 0"),
                "{reason}"
            )
        }
        other => panic!("expected Fit, got {other:?}"),
    }
}

// ---------------------------------------------------------------- counts

#[test]
fn monthly_transactions_of_u32_max_are_rejected_and_sums_do_not_wrap() {
    let mut c = ClientRecord::example();
    let months = c.monthly_transactions.len();
    c.monthly_transactions = vec![u32::MAX; months];
    match c.validate() {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "monthly_transactions[0]"),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    // Unvalidated records still sum without wrapping: 12 × (2³² − 1).
    assert_eq!(c.recent_transactions(12), 12 * u64::from(u32::MAX));
    // The bound itself is accepted.
    c.monthly_transactions = vec![wealthscore::client::MAX_MONTHLY_TRANSACTIONS; months];
    c.validate().unwrap();
}
