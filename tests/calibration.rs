//! Platt scaling and isotonic regression against scikit-learn 1.9.1 on the same seeded
//! scores (reference and the script that made it: tests/data/calibration_sklearn_reference.json,
//! tests/data/scripts/calibration_sklearn_reference.py), and ECE before and after.

use wealthscore::churn::calibrate::{CalibrationMethod, CalibrationReport, Calibrator};

struct Reference {
    fit_p: Vec<f64>,
    fit_y: Vec<bool>,
    eval_p: Vec<f64>,
    eval_y: Vec<bool>,
    platt_a: f64,
    platt_b: f64,
    platt_eval: Vec<f64>,
    iso_eval: Vec<f64>,
}

fn reference() -> Reference {
    let text = include_str!("data/calibration_sklearn_reference.json");
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let f = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    Reference {
        fit_p: f(&v["fit_p"]),
        fit_y: v["fit_y"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64() == Some(1))
            .collect(),
        eval_p: f(&v["eval_p"]),
        eval_y: v["eval_y"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64() == Some(1))
            .collect(),
        platt_a: v["platt"]["a"].as_f64().unwrap(),
        platt_b: v["platt"]["b"].as_f64().unwrap(),
        platt_eval: f(&v["platt"]["eval"]),
        iso_eval: f(&v["isotonic"]["eval"]),
    }
}

#[test]
fn platt_matches_scikit_learn() {
    let r = reference();
    let c = Calibrator::fit(CalibrationMethod::Platt, &r.fit_p, &r.fit_y).unwrap();
    let Calibrator::Platt { a, b } = c else {
        panic!("not Platt")
    };
    // scikit-learn stops L-BFGS-B at gtol 1e-6; our Newton runs to machine precision.
    eprintln!(
        "Platt a {a} (sklearn {}), b {b} (sklearn {})",
        r.platt_a, r.platt_b
    );
    assert!((a - r.platt_a).abs() < 1e-5 && (b - r.platt_b).abs() < 1e-5);
    let ours = c.apply_all(&r.eval_p).unwrap();
    let worst = ours
        .iter()
        .zip(&r.platt_eval)
        .map(|(u, v)| (u - v).abs())
        .fold(0.0, f64::max);
    assert!(worst < 1e-6, "max |Δp| {worst}");
}

#[test]
fn isotonic_matches_scikit_learn() {
    let r = reference();
    let c = Calibrator::fit(CalibrationMethod::Isotonic, &r.fit_p, &r.fit_y).unwrap();
    let ours = c.apply_all(&r.eval_p).unwrap();
    let worst = ours
        .iter()
        .zip(&r.iso_eval)
        .map(|(u, v)| (u - v).abs())
        .fold(0.0, f64::max);
    assert!(worst < 1e-12, "max |Δp| {worst}");
}

#[test]
fn calibration_lowers_the_ece_of_miscalibrated_scores() {
    let r = reference();
    // Fitted on the first 1,000 scores, judged on the 500 held-out ones.
    let held_out = &r.eval_p[..r.eval_y.len()];
    for m in [CalibrationMethod::Platt, CalibrationMethod::Isotonic] {
        let c = Calibrator::fit(m, &r.fit_p, &r.fit_y).unwrap();
        let rep = CalibrationReport::new(&c, held_out, &r.eval_y, 10).unwrap();
        eprintln!("{}", rep.to_text());
        assert!(rep.before.ece > 0.05, "the scores were made miscalibrated");
        assert!(
            rep.after.ece < 0.5 * rep.before.ece,
            "{m:?}: {} → {}",
            rep.before.ece,
            rep.after.ece
        );
    }
}

#[test]
fn bad_inputs_name_the_field() {
    match Calibrator::fit(CalibrationMethod::Platt, &[0.1, f64::NAN], &[true, false]) {
        Err(wealthscore::Error::NonFinite { field }) => assert_eq!(field, "probabilities[1]"),
        other => panic!("unexpected {other:?}"),
    }
    match Calibrator::fit(CalibrationMethod::Isotonic, &[0.1, 1.5], &[true, false]) {
        Err(wealthscore::Error::InvalidInput { field, .. }) => {
            assert_eq!(field, "probabilities[1]")
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(Calibrator::fit(CalibrationMethod::Platt, &[0.1, 0.2], &[true, true]).is_err());
    let bad: Result<Calibrator, _> =
        serde_json::from_str(r#"{"method":"isotonic","x":[0.2,0.1],"y":[0.0,0.5]}"#);
    assert!(bad.unwrap().validate().is_err());
}
