//! Numerical edge cases, each with a defined result: separable data, constant features,
//! probabilities at 0 and 1, huge AUM, a client with one month of history.

use ndarray::Array2;
use wealthscore::churn::eval::{brier, log_loss};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::{ChurnModel, Classifier, Fit};
use wealthscore::client::Holdings;
use wealthscore::scorer::{Scorer, ScorerConfig};
use wealthscore::{ClientRecord, Error};

/// Two columns: x0 separates the classes perfectly; x1 is constant.
fn separable() -> (Array2<f64>, Vec<bool>) {
    let n = 200;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| if j == 0 { i as f64 - 99.5 } else { 7.0 });
    let y = (0..n).map(|i| i >= 100).collect();
    (x, y)
}

#[test]
fn separable_data_is_well_posed_with_l2_and_reported_without() {
    let (x, y) = separable();
    // With the default L2 penalty the optimum exists: finite coefficients, the classes
    // ranked perfectly, and the constant column's coefficient exactly zero (its
    // standardised value is 0 for every row, so the penalty alone decides it).
    let m = LogisticModel::fit(&LogisticParams::default(), x.view(), &y).unwrap();
    assert!(m.coefficients().iter().all(|c| c.is_finite()));
    assert_eq!(m.coefficients()[1], 0.0);
    let p = m.predict_proba(x.view()).unwrap();
    assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
    assert!(p[99] < 0.5 && p[100] > 0.5);
    // Without a penalty the likelihood has no maximum: the fit says so.
    let none = LogisticParams::default().with_l2(0.0);
    let r = LogisticModel::fit(&none, x.view(), &y);
    assert!(
        matches!(r, Err(Error::NotConverged { .. }) | Err(Error::Fit { .. })),
        "{r:?}"
    );
}

#[test]
fn probabilities_at_zero_and_one_give_finite_losses() {
    let y = [true, false, true, false];
    // Right and confident: log-loss 0 (to clipping); wrong and confident: finite, large.
    let right = log_loss(&[1.0, 0.0, 1.0, 0.0], &y).unwrap();
    let wrong = log_loss(&[0.0, 1.0, 0.0, 1.0], &y).unwrap();
    assert!(right.is_finite() && right < 1e-12);
    // Clipped at machine epsilon as scikit-learn 1.9: −ln(2.22e-16) = 36.04.
    assert!((wrong - 36.04365338911715).abs() < 1e-9, "{wrong}");
    assert_eq!(brier(&[0.0, 1.0, 0.0, 1.0], &y).unwrap(), 1.0);
}

fn scorer() -> Scorer {
    let book = wealthscore::synth::generate(
        &wealthscore::synth::PortfolioConfig::default().with_clients(3_000),
    )
    .unwrap();
    let m = LogisticModel::fit_records(&LogisticParams::default(), &book.clients).unwrap();
    Scorer::new(ScorerConfig::with_model(ChurnModel::Logistic(m))).unwrap()
}

#[test]
fn huge_aum_and_one_month_of_history_are_scored() {
    let s = scorer();
    // 10^15 in AUM: finite probability, CLV and expected value lost; high-net-worth tier.
    let mut c = ClientRecord::example();
    let k = 2.5e9;
    c.aum = 400_000.0 * k;
    c.aum_history.iter_mut().for_each(|a| *a *= k);
    let h = c.holdings;
    c.holdings = Holdings::default()
        .with_deposits(h.deposits * k)
        .with_wealth_products(h.wealth_products * k)
        .with_funds(h.funds * k)
        .with_insurance(h.insurance * k);
    c.transfer_out_amount_90d *= k;
    let a = s.assess(&c).unwrap();
    assert!(
        a.churn_probability.is_finite() && a.clv.is_finite() && a.expected_value_lost.is_finite()
    );
    assert_eq!(
        a.tiering.asset,
        wealthscore::segment::AssetTier::HighNetWorth
    );
    assert!((0.0..=1.0).contains(&a.churn_probability));

    // A client in their first month: one month of history.
    let mut new = ClientRecord::example();
    new.tenure_months = 0;
    new.aum_history = vec![400_000.0];
    new.monthly_transactions = vec![2];
    new.days_since_last_activity = 5;
    let a = s.assess(&new).unwrap();
    assert!((0.0..=1.0).contains(&a.churn_probability));
    assert_eq!(a.tiering.lifecycle, wealthscore::segment::Lifecycle::New);
}

#[test]
fn confusion_rates_by_hand_and_with_empty_classes() {
    use wealthscore::churn::eval::confusion;
    // Scores ≥ 0.5 flagged: TP = 2 (0.9, 0.6), FP = 1 (0.7), FN = 1 (0.2), TN = 2 (0.1, 0.4).
    let s = [0.9, 0.6, 0.7, 0.2, 0.1, 0.4];
    let y = [true, true, false, true, false, false];
    let c = confusion(&s, &y, 0.5).unwrap();
    assert_eq!(
        (
            c.true_positives,
            c.false_positives,
            c.false_negatives,
            c.true_negatives
        ),
        (2, 1, 1, 2)
    );
    assert_eq!(c.precision(), 2.0 / 3.0);
    assert_eq!(c.recall(), 2.0 / 3.0);
    assert_eq!(c.false_positive_rate(), 1.0 / 3.0);
    assert_eq!(c.accuracy(), 4.0 / 6.0);
    // Nothing flagged and no churners: the rates are 0, not NaN.
    let c = confusion(&[0.1, 0.2], &[false, false], 0.5).unwrap();
    assert_eq!(
        (c.precision(), c.recall(), c.false_positive_rate()),
        (0.0, 0.0, 0.0)
    );
    assert_eq!(c.accuracy(), 1.0);
}
