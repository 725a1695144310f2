//! Gradient boosting: a closed-form first round, AUC against the generator's Bayes-optimal
//! AUC, monotone constraints, early stopping, seeds, TreeSHAP sums, serde and load-time
//! validation.

use ndarray::{Array2, array};
use wealthscore::churn::boost::{BoostParams, BoostedModel, EarlyStopping, Monotone};
use wealthscore::churn::eval::{calibration, roc_auc};
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::{ChurnModel, Classifier, Fit, features};
use wealthscore::synth::{PortfolioConfig, generate};

fn data(n: usize, seed: u64) -> (Array2<f64>, Vec<bool>, Vec<f64>) {
    let p = generate(&PortfolioConfig::default().with_clients(n).with_seed(seed)).unwrap();
    let x = features::extract_batch(&p.clients).unwrap();
    let y = features::labels(&p.clients).unwrap();
    (x, y, p.truth.iter().map(|t| t.probability).collect())
}

#[test]
fn one_stump_is_one_newton_step_from_the_base_rate() {
    // x = 0 holds 1 churner of 4, x = 1 holds 3 of 4 (one possible split); base rate q = 1/2.
    // Closed form of one Newton step on the log-loss from logit(q) = 0 with λ = 0 and
    // learning rate 1: leaf value = Σ(y − q) / Σ q(1 − q) = (k − 4·½) / (4·¼).
    let x = array![[0.0], [0.0], [0.0], [0.0], [1.0], [1.0], [1.0], [1.0]];
    let y = [true, false, false, false, false, true, true, true];
    let params = BoostParams::default()
        .with_trees(1)
        .with_learning_rate(1.0)
        .with_min_samples_leaf(1)
        .with_size(1, 2);
    let m = BoostedModel::fit(&params, x.view(), &y).unwrap();
    assert_eq!(m.n_leaves(), 2);
    assert!(m.base_score().abs() < 1e-15);
    assert!((m.margin(&[0.0]).unwrap() - (1.0 - 2.0) / 1.0).abs() < 1e-12);
    assert!((m.margin(&[1.0]).unwrap() - (3.0 - 2.0) / 1.0).abs() < 1e-12);
}

#[test]
fn boosting_reaches_the_bayes_auc_and_is_calibrated() {
    let (x, y, truth) = data(60_000, 31);
    let (xtr, xte) = (
        x.slice(ndarray::s![..30_000, ..]),
        x.slice(ndarray::s![30_000.., ..]),
    );
    let (ytr, yte) = (&y[..30_000], &y[30_000..]);
    let bayes = roc_auc(&truth[30_000..], yte).unwrap();
    let params = BoostParams::default().with_early_stopping(EarlyStopping::default());
    let t = std::time::Instant::now();
    let m = BoostedModel::fit_features(&params, xtr, ytr).unwrap();
    let fit = t.elapsed();
    let p = m.predict_proba(xte).unwrap().to_vec();
    let auc = roc_auc(&p, yte).unwrap();
    let cal = calibration(&p, yte, 10).unwrap();
    eprintln!(
        "boosted: {} trees, fit {fit:?}, AUC {auc:.4} vs Bayes {bayes:.4}, ECE {:.4}",
        m.n_trees(),
        cal.ece
    );
    // The generator's probability is the best any model can rank (synth docs).
    assert!(bayes - auc < 0.02, "boosted {auc} vs Bayes {bayes}");
    assert!(cal.ece < 0.02, "ECE {}", cal.ece);
    assert!(
        m.n_trees() < 100,
        "early stopping kept all {} rounds",
        m.n_trees()
    );
}

#[test]
fn monotone_constraints_hold_on_every_row() {
    let (x, y, _) = data(8_000, 5);
    let p = x.ncols();
    let complaints = features::index_of("complaints_12m").unwrap();
    let tenure = features::index_of("tenure_years").unwrap();
    let mut mono = vec![Monotone::None; p];
    mono[complaints] = Monotone::Increasing;
    mono[tenure] = Monotone::Decreasing;
    let params = BoostParams::default()
        .with_trees(60)
        .with_min_samples_leaf(5)
        .with_monotone(mono.clone());
    let m = BoostedModel::fit_features(&params, x.view(), &y).unwrap();
    assert_eq!(m.monotone(), &mono[..]);
    for row in x.rows().into_iter().take(500) {
        let mut r = row.to_vec();
        for (j, sign) in [(complaints, 1.0), (tenure, -1.0)] {
            let mut prev = f64::NEG_INFINITY;
            for step in 0..30 {
                r[j] = step as f64 * 0.5;
                let z = sign * m.margin(&r).unwrap();
                assert!(
                    z >= prev - 1e-12,
                    "feature {j} breaks its constraint at {}",
                    r[j]
                );
                prev = z;
            }
            r[j] = row[j];
        }
    }
    // Unconstrained, the same data breaks monotonicity somewhere (so the check can fail).
    let free = BoostedModel::fit_features(
        &BoostParams::default()
            .with_trees(60)
            .with_min_samples_leaf(5),
        x.view(),
        &y,
    )
    .unwrap();
    let mut broken = false;
    for row in x.rows().into_iter().take(500) {
        let mut r = row.to_vec();
        let mut prev = f64::NEG_INFINITY;
        for step in 0..30 {
            r[tenure] = step as f64 * 0.5;
            let z = -free.margin(&r).unwrap();
            broken |= z < prev - 1e-12;
            prev = z;
        }
    }
    assert!(broken);
}

#[test]
fn treeshap_adds_up_to_the_logit_and_probability() {
    let (x, y, _) = data(5_000, 8);
    let b =
        BoostedModel::fit_features(&BoostParams::default().with_trees(40), x.view(), &y).unwrap();
    let f =
        ForestModel::fit_features(&ForestParams::default().with_n_trees(20), x.view(), &y).unwrap();
    let mut c = [0.0; features::N_FEATURES];
    for row in x.rows().into_iter().take(300) {
        let r: [f64; features::N_FEATURES] = row.to_vec().try_into().unwrap();
        let cb = ChurnModel::Boosted(b.clone());
        let pb = cb.predict_with_contributions(&r, &mut c).unwrap();
        let z = cb.base_value() + c.iter().sum::<f64>();
        assert!((z - b.margin(&r).unwrap()).abs() < 1e-9);
        assert!((1.0 / (1.0 + (-z).exp()) - pb).abs() < 1e-12);
        let pf = f.contributions(&r, &mut c).unwrap();
        assert!((f.base_value() + c.iter().sum::<f64>() - pf).abs() < 1e-12);
    }
}

#[test]
fn seeds_subsampling_and_round_trips() {
    let (x, y, _) = data(3_000, 9);
    let params = BoostParams::default()
        .with_trees(20)
        .with_subsample(0.7, 0.5);
    let a = BoostedModel::fit_features(&params, x.view(), &y).unwrap();
    let b = BoostedModel::fit_features(&params, x.view(), &y).unwrap();
    assert_eq!(a, b);
    let c = BoostedModel::fit_features(&params.with_seed(7), x.view(), &y).unwrap();
    assert_ne!(a, c);
    let m = ChurnModel::Boosted(a);
    let back = ChurnModel::from_json(&m.to_json().unwrap()).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.fingerprint().unwrap(), m.fingerprint().unwrap());
    assert_eq!(m.kind(), "boosted");
}

fn is_invalid_model<T: std::fmt::Debug>(r: wealthscore::Result<T>) -> bool {
    matches!(r, Err(wealthscore::Error::InvalidModel { .. }))
}

#[test]
fn corrupt_models_are_refused_on_load() {
    let (x, y, _) = data(2_000, 4);
    let m = ChurnModel::Boosted(
        BoostedModel::fit_features(&BoostParams::default().with_trees(5), x.view(), &y).unwrap(),
    );
    let json: serde_json::Value = serde_json::from_str(&m.to_json().unwrap()).unwrap();
    let left = json["model"]["left"].as_array().unwrap().clone();
    let first_split = left.iter().position(|l| l.as_u64() != Some(0)).unwrap();
    let second_split = first_split
        + 1
        + left[first_split + 1..]
            .iter()
            .position(|l| l.as_u64() != Some(0))
            .unwrap();
    // A split pointing back at the first split (a cycle).
    let mut v = json.clone();
    v["model"]["left"][second_split] = first_split.into();
    assert!(is_invalid_model(ChurnModel::from_json(&v.to_string())));
    // A split turned into a leaf: its children become orphans.
    let mut v = json.clone();
    v["model"]["left"][second_split] = 0.into();
    assert!(is_invalid_model(ChurnModel::from_json(&v.to_string())));
    // A split on a feature the schema does not have.
    let mut v = json.clone();
    v["model"]["feature"][first_split] = 999.into();
    assert!(is_invalid_model(ChurnModel::from_json(&v.to_string())));
    // Covers that do not add up.
    let mut v = json.clone();
    v["model"]["cover"][first_split] = 1e9.into();
    assert!(is_invalid_model(ChurnModel::from_json(&v.to_string())));
    // A missing node.
    let mut v = json.clone();
    v["model"]["value"].as_array_mut().unwrap().pop();
    assert!(is_invalid_model(ChurnModel::from_json(&v.to_string())));
    // Unknown fields are refused.
    let mut v = json;
    v["model"]["extra"] = 1.into();
    assert!(ChurnModel::from_json(&v.to_string()).is_err());
}

#[test]
fn bad_settings_and_inputs_name_the_field() {
    let x = array![[0.0, 1.0], [1.0, f64::NAN], [2.0, 0.0], [3.0, 1.0]];
    let y = [false, true, false, true];
    match BoostedModel::fit(&BoostParams::default(), x.view(), &y) {
        Err(wealthscore::Error::NonFinite { field }) => assert_eq!(field, "x[1][1]"),
        other => panic!("unexpected {other:?}"),
    }
    let x = array![[0.0], [1.0], [2.0], [3.0]];
    let bad = BoostParams::default().with_monotone(vec![Monotone::Increasing; 2]);
    assert!(BoostedModel::fit(&bad, x.view(), &y).is_err());
    match BoostedModel::fit(
        &BoostParams::default().with_subsample(1.5, 1.0),
        x.view(),
        &y,
    ) {
        Err(wealthscore::Error::InvalidInput { field, .. }) => assert_eq!(field, "row_subsample"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(BoostedModel::fit(&BoostParams::default(), x.view(), &[true; 4]).is_err());
}
