//! Churn models on the synthetic portfolio: AUC against the generator's Bayes-optimal AUC,
//! calibration, serde round trips and load-time validation.

use wealthscore::churn::eval::{calibration, roc_auc};
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::{ChurnModel, Classifier, Fit, features};
use wealthscore::synth::{PortfolioConfig, generate};

struct Data {
    x_train: ndarray::Array2<f64>,
    y_train: Vec<bool>,
    x_test: ndarray::Array2<f64>,
    y_test: Vec<bool>,
    bayes_test: Vec<f64>,
}

fn data(train: usize, test: usize, seed: u64) -> Data {
    let p = generate(
        &PortfolioConfig::default()
            .with_clients(train + test)
            .with_seed(seed),
    )
    .unwrap();
    let x = features::extract_batch(&p.clients).unwrap();
    let y = features::labels(&p.clients).unwrap();
    Data {
        x_train: x.slice(ndarray::s![..train, ..]).to_owned(),
        y_train: y[..train].to_vec(),
        x_test: x.slice(ndarray::s![train.., ..]).to_owned(),
        y_test: y[train..].to_vec(),
        bayes_test: p.truth[train..].iter().map(|t| t.probability).collect(),
    }
}

#[test]
fn both_models_reach_the_bayes_auc_and_are_calibrated() {
    let d = data(50_000, 50_000, 21);
    // The Bayes-optimal score is the generator's own probability (synth docs: ≈ 0.797).
    let bayes = roc_auc(&d.bayes_test, &d.y_test).unwrap();
    let lr = LogisticModel::fit_features(&LogisticParams::default(), d.x_train.view(), &d.y_train)
        .unwrap();
    let p_lr = lr.predict_proba(d.x_test.view()).unwrap().to_vec();
    let auc_lr = roc_auc(&p_lr, &d.y_test).unwrap();
    let forest =
        ForestModel::fit_features(&ForestParams::default(), d.x_train.view(), &d.y_train).unwrap();
    let p_rf = forest.predict_proba(d.x_test.view()).unwrap().to_vec();
    let auc_rf = roc_auc(&p_rf, &d.y_test).unwrap();
    let cal_lr = calibration(&p_lr, &d.y_test, 10).unwrap();
    let cal_rf = calibration(&p_rf, &d.y_test, 10).unwrap();
    eprintln!(
        "bayes {bayes:.4} lr {auc_lr:.4} (ece {:.4}, max {:.4}) forest {auc_rf:.4} (ece {:.4}, max {:.4})",
        cal_lr.ece, cal_lr.max_error, cal_rf.ece, cal_rf.max_error
    );
    assert!(bayes - auc_lr < 0.02, "logistic {auc_lr} vs Bayes {bayes}");
    assert!(bayes - auc_rf < 0.02, "forest {auc_rf} vs Bayes {bayes}");
    assert!(cal_lr.ece < 0.01, "logistic ECE {}", cal_lr.ece);
    assert!(cal_rf.ece < 0.015, "forest ECE {}", cal_rf.ece);
}

fn small_models() -> (Data, LogisticModel, ForestModel) {
    let d = data(5_000, 2_000, 5);
    let lr = LogisticModel::fit_features(&LogisticParams::default(), d.x_train.view(), &d.y_train)
        .unwrap();
    let params = ForestParams::default().with_n_trees(10);
    let rf = ForestModel::fit_features(&params, d.x_train.view(), &d.y_train).unwrap();
    (d, lr, rf)
}

#[test]
fn contributions_add_up_to_the_score() {
    let (d, lr, rf) = small_models();
    let mut c = [0.0; features::N_FEATURES];
    for row in d.x_test.rows().into_iter().take(200) {
        let x: [f64; features::N_FEATURES] = row.to_vec().try_into().unwrap();
        // Logistic: intercept (logit at the training mean) + Σ β_j (x_j − mean_j) = logit.
        let p = lr.contributions(&x, &mut c).unwrap();
        let z = lr.base_value() + c.iter().sum::<f64>();
        assert!((1.0 / (1.0 + (-z).exp()) - p).abs() < 1e-12);
        assert!((lr.predict_one(&x).unwrap() - p).abs() < 1e-12);
        // Forest: mean root share + Saabas path contributions = probability.
        let p = rf.contributions(&x, &mut c).unwrap();
        assert!((rf.base_value() + c.iter().sum::<f64>() - p).abs() < 1e-12);
        assert!((rf.predict_one(&x).unwrap() - p).abs() < 1e-12);
    }
    // The blocked, interleaved batch path gives exactly the one-row answers.
    for m in [ChurnModel::Logistic(lr), ChurnModel::Forest(rf)] {
        let batch = m.predict_proba(d.x_test.view()).unwrap();
        for (row, &b) in d.x_test.rows().into_iter().zip(batch.iter()) {
            let x: [f64; features::N_FEATURES] = row.to_vec().try_into().unwrap();
            assert_eq!(m.predict(&x).unwrap(), b);
        }
    }
}

#[test]
fn models_round_trip_with_stable_fingerprints() {
    let (d, lr, rf) = small_models();
    for m in [ChurnModel::Logistic(lr), ChurnModel::Forest(rf)] {
        let json = m.to_json().unwrap();
        let back = ChurnModel::from_json(&json).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.fingerprint().unwrap(), m.fingerprint().unwrap());
        assert_eq!(
            back.predict_proba(d.x_test.view()).unwrap(),
            m.predict_proba(d.x_test.view()).unwrap()
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_forest() {
    let d = data(3_000, 10, 8);
    let params = ForestParams::default().with_n_trees(5).with_seed(3);
    let a = ForestModel::fit_features(&params, d.x_train.view(), &d.y_train).unwrap();
    let b = ForestModel::fit_features(&params, d.x_train.view(), &d.y_train).unwrap();
    assert_eq!(a, b);
    let c = ForestModel::fit_features(&params.with_seed(4), d.x_train.view(), &d.y_train).unwrap();
    assert_ne!(a, c);
}

fn is_invalid_model(r: wealthscore::Result<ChurnModel>) -> bool {
    matches!(r, Err(wealthscore::Error::InvalidModel { .. }))
}

#[test]
fn corrupt_model_files_are_errors_not_panics() {
    let (_, lr, rf) = small_models();
    let lr_json: serde_json::Value =
        serde_json::from_str(&ChurnModel::Logistic(lr).to_json().unwrap()).unwrap();
    // A coefficient missing.
    let mut v = lr_json.clone();
    v["model"]["coefficients"].as_array_mut().unwrap().pop();
    assert!(is_invalid_model(ChurnModel::from_json(&v.to_string())));
    // A schema from another version.
    let mut v = lr_json.clone();
    v["model"]["schema"]["version"] = 99.into();
    assert!(is_invalid_model(ChurnModel::from_json(&v.to_string())));
    // A renamed feature.
    let mut v = lr_json;
    v["model"]["schema"]["names"][0] = "balance".into();
    assert!(is_invalid_model(ChurnModel::from_json(&v.to_string())));

    let rf_json: serde_json::Value =
        serde_json::from_str(&ChurnModel::Forest(rf).to_json().unwrap()).unwrap();
    // A node whose child is itself would loop forever.
    let mut v = rf_json.clone();
    let left = v["model"]["left"].as_array_mut().unwrap();
    // (skip the root: a root pointing at 0 just becomes a leaf)
    let i = (1..left.len())
        .find(|&k| left[k].as_u64() != Some(0))
        .unwrap();
    left[i] = (i as u64).into();
    assert!(is_invalid_model(ChurnModel::from_json(&v.to_string())));
    // A split on a feature the schema does not have.
    let mut v = rf_json.clone();
    let left = v["model"]["left"].as_array().unwrap().clone();
    let i = left.iter().position(|l| l.as_u64() != Some(0)).unwrap();
    v["model"]["feature"][i] = 500.into();
    assert!(is_invalid_model(ChurnModel::from_json(&v.to_string())));
    // Node arrays of different lengths.
    let mut v = rf_json.clone();
    v["model"]["value"].as_array_mut().unwrap().pop();
    assert!(is_invalid_model(ChurnModel::from_json(&v.to_string())));
    // Absurd sizes: more trees than MAX_TREES are rejected before any node is touched.
    let mut v = rf_json;
    v["model"]["roots"] = serde_json::Value::Array(vec![0.into(); 10_001]);
    assert!(is_invalid_model(ChurnModel::from_json(&v.to_string())));
}

#[test]
fn non_finite_inputs_name_the_cell() {
    let (d, lr, rf) = small_models();
    // Rows in the remainder and inside an interleaved group of eight.
    for (rows, bad) in [(3, 2), (17, 10), (300, 299)] {
        let mut x = d.x_test.slice(ndarray::s![..rows, ..]).to_owned();
        x[[bad, 4]] = f64::NAN;
        for m in [
            ChurnModel::Logistic(lr.clone()),
            ChurnModel::Forest(rf.clone()),
        ] {
            match m.predict_proba(x.view()) {
                Err(wealthscore::Error::NonFinite { field }) => {
                    assert_eq!(field, format!("x[{bad}][4]"))
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }
}

#[test]
fn models_not_on_the_schema_are_refused_by_churn_model() {
    let d = data(2_000, 10, 2);
    let x = d.x_train.slice(ndarray::s![.., ..5]).to_owned();
    let lr = LogisticModel::fit(&LogisticParams::default(), x.view(), &d.y_train).unwrap();
    assert!(ChurnModel::new(ChurnModel::Logistic(lr)).is_err());
    // One class only cannot be fitted.
    let y = vec![false; d.y_train.len()];
    assert!(matches!(
        LogisticModel::fit(&LogisticParams::default(), x.view(), &y),
        Err(wealthscore::Error::Fit { .. })
    ));
}
