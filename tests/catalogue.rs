//! The README's bad-input catalogue: each row feeds its input and matches the error.
//! (Rows for client records live in tests/client.rs, batches in tests/scorer.rs.)

use ndarray::{Array2, array};
use wealthscore::Error;
use wealthscore::ahp::{IncompleteMatrix, PairwiseMatrix};
use wealthscore::churn::eval::{log_loss, roc_auc};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::{ChurnModel, Fit};
use wealthscore::fuzzy::{MembershipMatrix, Normalisation, Operator};
use wealthscore::segment::TieringPolicy;

fn show<T: std::fmt::Debug>(r: &wealthscore::Result<T>) -> String {
    format!("{r:?}")
}

#[test]
fn ahp_rejects_bad_judgments() {
    // Non-reciprocal pair: a12 = 3 but a21 = 1/2.
    let r = PairwiseMatrix::from_rows(&[[1.0, 3.0], [0.5, 1.0]]);
    assert!(
        matches!(&r, Err(Error::InvalidInput { field, .. }) if field == "a[1][0]"),
        "{}",
        show(&r)
    );
    // Non-positive and NaN judgments.
    let r = PairwiseMatrix::from_upper_triangle(3, &[2.0, -1.0, 3.0]);
    assert!(matches!(r, Err(Error::InvalidInput { .. })), "{}", show(&r));
    let r = PairwiseMatrix::from_upper_triangle(3, &[2.0, f64::NAN, 3.0]);
    assert!(matches!(r, Err(Error::NonFinite { .. })), "{}", show(&r));
    // Empty matrix.
    let r = PairwiseMatrix::from_upper_triangle(0, &[]);
    assert!(
        matches!(
            r,
            Err(Error::Empty { .. }) | Err(Error::InvalidInput { .. })
        ),
        "{}",
        show(&r)
    );
    // Wrong number of upper-triangle values.
    let r = PairwiseMatrix::from_upper_triangle(3, &[2.0, 3.0]);
    assert!(
        matches!(r, Err(Error::DimensionMismatch { .. })),
        "{}",
        show(&r)
    );
    // Incomplete judgments whose graph is cut in two: {0,1} and {2,3}.
    let m =
        IncompleteMatrix::from_upper_triangle(4, &[Some(2.0), None, None, None, None, Some(3.0)])
            .unwrap();
    let r = m.check_connected();
    assert!(matches!(r, Err(Error::Disconnected { .. })), "{}", show(&r));
}

#[test]
fn fce_rejects_bad_weights_and_rows() {
    let r = array![[0.2, 0.5, 0.3], [0.1, 0.6, 0.3]];
    let m = MembershipMatrix::new(r.clone(), Normalisation::Require { tolerance: 1e-9 }).unwrap();
    // Weights that do not sum to 1.
    let b = m.compose(&[0.5, 0.6], Operator::WeightedAverage);
    assert!(matches!(b, Err(Error::InvalidInput { .. })), "{}", show(&b));
    // Weights of the wrong length.
    let b = m.compose(&[1.0], Operator::WeightedAverage);
    assert!(
        matches!(b, Err(Error::DimensionMismatch { .. })),
        "{}",
        show(&b)
    );
    // An R row that does not sum to 1 when sums are required.
    let bad = array![[0.2, 0.5, 0.4], [0.1, 0.6, 0.3]];
    let e = MembershipMatrix::new(bad, Normalisation::Require { tolerance: 1e-9 });
    assert!(matches!(e, Err(Error::InvalidInput { .. })), "{}", show(&e));
    // NaN in R.
    let nan = array![[0.2, f64::NAN, 0.3]];
    let e = MembershipMatrix::new(nan, Normalisation::RowSum);
    assert!(matches!(e, Err(Error::NonFinite { .. })), "{}", show(&e));
    // Empty R.
    let e = MembershipMatrix::new(Array2::zeros((0, 3)), Normalisation::RowSum);
    assert!(matches!(e, Err(Error::Empty { .. })), "{}", show(&e));
}

#[test]
fn tiering_policy_rejects_thresholds_out_of_order() {
    let mut v = serde_json::to_value(TieringPolicy::default()).unwrap();
    v["mass_upper"] = 6_000_000.0.into(); // above hnw_lower
    let r = serde_json::from_value::<TieringPolicy>(v);
    let msg = r.unwrap_err().to_string();
    assert!(
        msg.contains("hnw_lower") && msg.contains("mass_upper"),
        "{msg}"
    );
}

#[test]
fn model_files_with_wrong_shapes_are_rejected() {
    let book = wealthscore::synth::generate(
        &wealthscore::synth::PortfolioConfig::default().with_clients(2_000),
    )
    .unwrap();
    let m = ChurnModel::Logistic(
        LogisticModel::fit_records(&LogisticParams::default(), &book.clients).unwrap(),
    );
    let mut v: serde_json::Value = serde_json::from_str(&m.to_json().unwrap()).unwrap();
    // Drop one coefficient wherever the model stores them.
    fn drop_one(v: &mut serde_json::Value) -> bool {
        match v {
            serde_json::Value::Object(map) => {
                for (k, x) in map.iter_mut() {
                    if k.contains("coef")
                        && let Some(a) = x.as_array_mut()
                        && !a.is_empty()
                    {
                        a.pop();
                        return true;
                    }
                    if drop_one(x) {
                        return true;
                    }
                }
                false
            }
            _ => false,
        }
    }
    assert!(drop_one(&mut v));
    let r = ChurnModel::from_json(&v.to_string());
    assert!(
        matches!(
            r,
            Err(Error::InvalidModel { .. }) | Err(Error::DimensionMismatch { .. })
        ),
        "{}",
        show(&r)
    );
    // Not a model at all.
    let r = ChurnModel::from_json("{\"kind\":\"forest\",\"model\":{\"trees\":1e9}}");
    assert!(r.is_err());
}

#[test]
fn training_on_one_class_is_an_error() {
    let mut book = wealthscore::synth::generate(
        &wealthscore::synth::PortfolioConfig::default().with_clients(300),
    )
    .unwrap()
    .clients;
    for c in &mut book {
        if let Some(l) = c.churn.as_mut() {
            l.churned = false;
        }
    }
    let r = LogisticModel::fit_records(&LogisticParams::default(), &book);
    assert!(matches!(r, Err(Error::Fit { .. })), "{}", show(&r));
}

#[test]
fn evaluation_rejects_mismatch_and_keeps_log_loss_finite() {
    let r = roc_auc(&[0.1, 0.2], &[true]);
    assert!(
        matches!(r, Err(Error::DimensionMismatch { .. })),
        "{}",
        show(&r)
    );
    let r = roc_auc(&[0.1, f64::NAN], &[true, false]);
    assert!(matches!(r, Err(Error::NonFinite { .. })), "{}", show(&r));
    // Probabilities of exactly 0 and 1 on the wrong side: clipped, finite.
    let ll = log_loss(&[0.0, 1.0], &[true, false]).unwrap();
    assert!(ll.is_finite() && ll > 30.0);
}
