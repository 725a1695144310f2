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

#[test]
fn an_extreme_value_names_its_column_not_the_penalty() {
    // One 1e308 among ordinary values (as a corrupt money cell): the default penalty is
    // already on, so the error must point at the column, not at `l2`.
    let n = 200;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| match (i, j) {
        (7, 1) => 1e308,
        (_, 0) => (i % 10) as f64,
        _ => (i % 7) as f64 * 20.0,
    });
    let y: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
    match LogisticModel::fit(&LogisticParams::default(), x.view(), &y) {
        Err(Error::Fit { reason, .. }) => {
            assert!(
                reason.contains("`x1`") && reason.contains("extreme"),
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

// ---------------------------------------------------------------- overflow

use wealthscore::ahp::{
    CompletionMethod, ConsistencyConfig, FuzzyPairwiseMatrix, IncompleteMatrix, MAX_ITEMS,
    MAX_JUDGMENT, PairwiseMatrix, RepairOptions, Tfn,
};
use wealthscore::churn::lifetime::hyp2f1;
use wealthscore::fuzzy::Membership;
use wealthscore::metrics::{ChurnCost, retention_clv};

fn field_of<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    match r {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn pairwise_judgment_whose_reciprocal_overflows_is_rejected() {
    // 1/1e-320 is infinite: the matrix used to hold infinity in a[1][0].
    let r = PairwiseMatrix::from_upper_triangle(3, &[1e-320, 2.0, 3.0]);
    assert_eq!(field_of(r), "a[0][1]");
    assert_eq!(
        field_of(PairwiseMatrix::from_upper_triangle(
            2,
            &[MAX_JUDGMENT * 10.0]
        )),
        "a[0][1]"
    );
    assert_eq!(
        field_of(IncompleteMatrix::from_upper_triangle(2, &[Some(1e-320)])),
        "a[0][1]"
    );
    assert!(Tfn::new(1e-320, 1.0, 2.0).is_err());
    // The bounds themselves are judgments.
    let m = PairwiseMatrix::from_upper_triangle(2, &[MAX_JUDGMENT]).unwrap();
    assert_eq!(m.get(1, 0), Some(1.0 / MAX_JUDGMENT));
}

#[test]
fn pairwise_from_weights_with_overflowing_ratio_is_rejected() {
    // 1e308 / 1e-308 and 1 / 5e-324 are infinite.
    assert_eq!(
        field_of(PairwiseMatrix::from_weights(&[1e308, 1e-308, 1.0])),
        "weights[1]"
    );
    assert_eq!(
        field_of(PairwiseMatrix::from_weights(&[5e-324, 1.0])),
        "weights[0]"
    );
    // Tiny weights whose ratios are fine still build: every cell is w_i / w_j.
    let m = PairwiseMatrix::from_weights(&[4e-300, 1e-300, 2e-300]).unwrap();
    assert!(m.as_slice().iter().all(|v| v.is_finite()));
    assert!((m.get(0, 1).unwrap() - 4.0).abs() < 1e-12);
    assert!((m.get(2, 0).unwrap() - 0.5).abs() < 1e-12);
}

#[test]
fn retention_clv_overflow_is_an_error_naming_margin() {
    assert_eq!(field_of(retention_clv(f64::MAX, 0.5, 0.08)), "margin");
    // Closed form m (1 + d) / (1 + d − r) = m · 2 / 2 = m: finite, though m · (1 + d)
    // alone would overflow.
    assert_eq!(retention_clv(f64::MAX, 0.0, 1.0).unwrap(), f64::MAX);
    assert_eq!(
        field_of(ChurnCost::uniform(1e308, 10.0, 0.0)),
        "margin_per_client"
    );
    assert_eq!(
        field_of(ChurnCost::from_clients(&[1.0, 2.0], f64::MAX)),
        "replacement_cost_per_client"
    );
    assert_eq!(
        field_of(ChurnCost::from_clients(&[f64::MAX, f64::MAX], 0.0)),
        "lost_margins"
    );
}

#[test]
fn hyp2f1_overflow_is_an_error_not_infinity() {
    // The series' terms peak and shrink again, but their sum passes f64::MAX: the
    // stopping rule used to accept the infinite sum as converged.
    match hyp2f1(639.0, 639.0, 100.0, 0.3) {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "(a, b, c, z)"),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    // Closed form 2F1(a, b; b; z) = (1 − z)^(−a), large but finite.
    let v = hyp2f1(300.0, 2.0, 2.0, 0.9).unwrap();
    assert!((v / 10f64.powi(300) - 1.0).abs() < 1e-10, "{v}");
}

#[test]
fn gaussian_with_tiny_or_huge_sigma_is_finite() {
    // σ² underflowed to 0: 0/0 = NaN at the mean.
    let g = Membership::gaussian(0.0, 1e-200).unwrap();
    assert_eq!(g.eval(0.0), 1.0);
    assert!((g.eval(1e-200) - (-0.5f64).exp()).abs() < 1e-15);
    assert_eq!(g.eval(1.0), 0.0);
    // σ² overflowed to ∞: ∞/∞ = NaN one σ away, where the value is e^(−1/2).
    let g = Membership::gaussian(0.0, 1e200).unwrap();
    assert!((g.eval(1e200) - (-0.5f64).exp()).abs() < 1e-15);
}

#[test]
fn s_and_z_shapes_over_the_whole_f64_range_are_half_at_the_midpoint() {
    let (lo, hi) = (-f64::MAX, f64::MAX);
    // b − a overflows; at the midpoint both curves are 1/2 by definition.
    assert_eq!(Membership::s_shaped(lo, hi).unwrap().eval(0.0), 0.5);
    assert_eq!(Membership::z_shaped(lo, hi).unwrap().eval(0.0), 0.5);
    let pi = Membership::pi_shaped(lo, 0.0, 0.0, hi).unwrap();
    assert_eq!(pi.eval(lo / 2.0), 0.5);
    assert_eq!(pi.eval(hi / 2.0), 0.5);
    // Same pattern in the linear and other shapes: (x − a)/(b − a) = 1/2 here.
    let tri = Membership::triangular(lo, hi, hi).unwrap();
    assert_eq!(tri.eval(0.0), 0.5);
    assert_eq!(tri.eval_vec(&[0.0; 9]).unwrap(), vec![0.5; 9]);
    // |(x − c)/a| = 2 with x − c = 2·MAX: 1/(1 + 2²).
    assert_eq!(Membership::bell(hi, 1.0, lo).unwrap().eval(hi), 0.2);
    // c (x − b) = 1e-308 · 2·MAX ≈ 3.5954 (computed in Python as 2e-308 * MAX).
    let s = Membership::sigmoid(lo, 1e-308).unwrap().eval(hi);
    assert!((s - 0.9732832975715496).abs() < 1e-15, "{s}");
}

// ---------------------------------------------------------------- sizes

#[test]
fn pairwise_matrix_of_usize_max_items_is_an_error_not_a_panic() {
    // n(n−1)/2 used to wrap (debug: overflow panic) before the count was compared.
    assert_eq!(
        field_of(PairwiseMatrix::from_upper_triangle(usize::MAX, &[2.0])),
        "n"
    );
    assert_eq!(
        field_of(IncompleteMatrix::from_upper_triangle(
            usize::MAX,
            &[Some(2.0)]
        )),
        "n"
    );
    let t = Tfn::new(1.0, 2.0, 3.0).unwrap();
    assert_eq!(
        field_of(FuzzyPairwiseMatrix::from_upper_triangle(usize::MAX, &[t])),
        "n"
    );
    // One past the limit, with the right count, is refused too; the limit is accepted.
    let n = MAX_ITEMS + 1;
    let err = PairwiseMatrix::from_upper_triangle(n, &vec![2.0; n * (n - 1) / 2]).unwrap_err();
    assert!(err.to_string().contains("MAX_ITEMS = 100"), "{err}");
    assert_eq!(field_of(PairwiseMatrix::from_weights(&vec![1.0; n])), "n");
    PairwiseMatrix::from_weights(&vec![1.0; MAX_ITEMS]).unwrap();
}

/// A 21-item matrix, reversed judgments making it inconsistent.
fn inconsistent(n: usize) -> PairwiseMatrix {
    let w: Vec<f64> = (0..n).map(|i| 1.0 + (i % 5) as f64).collect();
    let mut m = PairwiseMatrix::from_weights(&w).unwrap();
    m.set(0, n - 1, 9.0).unwrap();
    m.set(1, n - 2, 1.0 / 9.0).unwrap();
    m
}

#[test]
fn repair_past_its_size_limit_is_an_error_naming_it() {
    use wealthscore::ahp::MAX_REPAIR_ITEMS;
    let cfg = ConsistencyConfig::with_random_index(wealthscore::ahp::RandomIndex::AlonsoLamata);
    let big = inconsistent(MAX_REPAIR_ITEMS + 1);
    let err = big.repair(&RepairOptions::default(), &cfg).unwrap_err();
    assert!(err.to_string().contains("MAX_REPAIR_ITEMS = 20"), "{err}");
    // At the limit it repairs (two reversed judgments, one change each at most).
    let r = inconsistent(MAX_REPAIR_ITEMS)
        .repair(&RepairOptions::default(), &cfg)
        .unwrap();
    assert!(r.reached);
}

#[test]
fn lambda_max_completion_past_its_size_limit_is_an_error_and_harker_still_works() {
    use wealthscore::ahp::MAX_COMPLETION_ITEMS;
    let n = MAX_COMPLETION_ITEMS + 1;
    // A chain 0–1–2–… of judgments 2: connected, everything else missing.
    let mut up = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            up.push(if j == i + 1 { Some(2.0) } else { None });
        }
    }
    let m = IncompleteMatrix::from_upper_triangle(n, &up).unwrap();
    let err = m.complete(CompletionMethod::LambdaMax).unwrap_err();
    assert!(
        err.to_string().contains("MAX_COMPLETION_ITEMS = 30"),
        "{err}"
    );
    // Harker fills the chain consistently: a[0][2] = 2 · 2.
    let done = m.complete(CompletionMethod::Harker).unwrap();
    assert!((done.matrix.get(0, 2).unwrap() - 4.0).abs() < 1e-9);
}

#[test]
fn silhouette_past_its_size_limit_is_an_error() {
    use wealthscore::segment::{ClusterParams, MAX_KMEANS_ITER, MAX_SILHOUETTE_POINTS, silhouette};
    let n = MAX_SILHOUETTE_POINTS + 1;
    let x = Array2::from_shape_fn((n, 1), |(i, _)| i as f64);
    let labels: Vec<usize> = (0..n).map(|i| i % 2).collect();
    assert_eq!(field_of(silhouette(&x, &labels)), "rows");
    let p = ClusterParams::default().with_silhouette_sample(n);
    assert!(
        matches!(p.validate(), Err(Error::InvalidConfig { field, .. }) if field == "silhouette_sample")
    );
    let p = ClusterParams::default().with_max_iter(MAX_KMEANS_ITER + 1);
    assert!(matches!(p.validate(), Err(Error::InvalidConfig { field, .. }) if field == "max_iter"));
}

#[test]
fn cohort_table_span_is_bounded_and_counts_match_a_direct_count() {
    use wealthscore::metrics::{CohortTable, MAX_COHORT_PERIODS};
    let last = MAX_COHORT_PERIODS as i64 + 1;
    assert_eq!(
        field_of(CohortTable::build(&[(0, None)], last)),
        "clients[0].joined"
    );
    // Seeded clients, compared cell by cell with the definition: active at offset k if
    // joined + k <= last and not left by joined + k.
    let mut s = 7u64;
    let mut next = || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1);
        (s >> 33) as i64
    };
    let clients: Vec<(i64, Option<i64>)> = (0..2_000)
        .map(|_| {
            let j = next() % 30;
            let l = next() % 45;
            (j, (l >= j && l % 3 != 0).then_some(l))
        })
        .collect();
    let t = CohortTable::build(&clients, 40).unwrap();
    for (c, &joined) in t.cohorts.iter().enumerate() {
        for (k, &got) in t.active[c].iter().enumerate() {
            let p = joined + k as i64;
            let want = clients
                .iter()
                .filter(|&&(j, l)| j == joined && l.is_none_or(|l| l > p))
                .count() as u64;
            assert_eq!(got, want, "cohort {joined}, offset {k}");
        }
    }
}

#[test]
fn anchors_whose_gap_cannot_be_divided_by_are_rejected() {
    use wealthscore::fuzzy::IndicatorScale;
    // A gap of 5e-324 has an infinite reciprocal: memberships between the anchors were NaN.
    let tiny = IndicatorScale::Anchors(vec![0.0, 5e-324, 1.0, 2.0, 3.0]);
    assert!(
        matches!(tiny.validate(5), Err(Error::InvalidConfig { field, .. }) if field == "anchors[1]")
    );
    // A gap wider than f64 (from −MAX to MAX) is infinite.
    let wide = IndicatorScale::Anchors(vec![-f64::MAX, f64::MAX]);
    assert!(
        matches!(wide.validate(2), Err(Error::InvalidConfig { field, .. }) if field == "anchors[1]")
    );
    // Gaps of f64::MAX are fine: x − lo never exceeds them.
    let huge = IndicatorScale::Anchors(vec![-f64::MAX, 0.0, f64::MAX]);
    let mut row = [0.0; 3];
    huge.row_into(f64::MAX / 2.0, &mut row).unwrap();
    assert_eq!(row, [0.0, 0.5, 0.5]);
    // Ordinary anchors still split linearly: 2.5 lies halfway between anchors 2 and 3.
    let ok = IndicatorScale::Anchors(vec![0.0, 1.0, 2.0, 3.0, 4.0]);
    let mut row = [0.0; 5];
    ok.row_into(2.5, &mut row).unwrap();
    assert_eq!(row, [0.0, 0.0, 0.5, 0.5, 0.0]);
}

#[test]
fn aum_trend_from_a_vanishing_balance_is_an_error_not_infinity() {
    use wealthscore::segment::TieringPolicy;
    let policy = TieringPolicy::default();
    let mut c = ClientRecord::example();
    let n = c.aum_history.len();
    // 400,000 / 5e-324 overflows: the trend was +∞ (serialised as null).
    c.aum_history[n - 1 - 6] = 5e-324;
    assert_eq!(
        field_of(policy.aum_trend(&c)),
        format!("aum_history[{}]", n - 7)
    );
    // A zero balance keeps its documented trend of 0.
    c.aum_history[n - 1 - 6] = 0.0;
    assert_eq!(policy.aum_trend(&c).unwrap(), 0.0);
}
