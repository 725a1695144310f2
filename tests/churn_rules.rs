//! Features by hand, the scorecard, risk levels and reason codes.

use wealthscore::churn::features::{FEATURE_NAMES, N_FEATURES, extract, index_of};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::reasons::{explain, top_reasons};
use wealthscore::churn::risk::{RiskCutoffs, RiskLevel};
use wealthscore::churn::scorecard::{Scorecard, Signal};
use wealthscore::churn::{ChurnModel, Classifier, Fit};
use wealthscore::synth::{PortfolioConfig, cause_contributions, generate};
use wealthscore::{ChurnCause, ClientRecord};

fn f(x: &[f64; N_FEATURES], name: &str) -> f64 {
    x[index_of(name).unwrap()]
}

#[test]
fn features_of_the_example_client_by_hand() {
    let mut x = [0.0; N_FEATURES];
    extract(&ClientRecord::example(), &mut x).unwrap();
    // ClientRecord::example(): AUM 400k now; 455k, 498k, 520k 3, 6, 11 months ago
    // (12 months of history: the 12-month change uses the oldest month).
    assert!((f(&x, "aum_change_3m") - (400.0 / 455.0 - 1.0)).abs() < 1e-12);
    assert!((f(&x, "aum_change_6m") - (400.0 / 498.0 - 1.0)).abs() < 1e-12);
    assert!((f(&x, "aum_change_12m") - (400.0 / 520.0 - 1.0)).abs() < 1e-12);
    assert_eq!(f(&x, "transfers_out_90d"), 3.0);
    assert!((f(&x, "transfer_out_share") - 60.0 / 460.0).abs() < 1e-12);
    // Last 3 months 4, 3, 2; the 6 before 9, 7, 6, 6, 5, 4.
    let ratio: f64 = (3.0 + 0.5) / (37.0 / 6.0 + 0.5);
    assert!((f(&x, "activity_log_ratio") - ratio.ln()).abs() < 1e-12);
    assert!((f(&x, "months_inactive") - 21.0 / 30.0).abs() < 1e-12);
    assert_eq!(f(&x, "no_advisor_contact"), 0.0);
    assert_eq!(f(&x, "complaints_12m"), 2.0);
    assert!((f(&x, "underperformance") - 0.025).abs() < 1e-12);
    assert!((f(&x, "fee_rate_pct") - 1.2).abs() < 1e-12);
    assert!((f(&x, "excess_fee_pct") - 0.2).abs() < 1e-12);
    assert_eq!(f(&x, "product_breadth"), 4.0);
    assert_eq!(f(&x, "single_product"), 0.0);
    assert_eq!(f(&x, "tenure_years"), 7.0);
    assert_eq!(f(&x, "age_band"), 2.0); // 52
    assert_eq!(f(&x, "survey_mean"), 3.0); // (2+3+3+4+3)/5
    assert_eq!(f(&x, "survey_answered"), 1.0);
    assert!((f(&x, "log_aum") - 400_001f64.ln()).abs() < 1e-12);
}

#[test]
fn short_histories_get_the_documented_values() {
    let mut c = ClientRecord::example();
    c.tenure_months = 0;
    c.aum_history = vec![400_000.0];
    c.monthly_transactions = vec![2];
    c.days_since_last_activity = 3;
    c.survey = None;
    c.validate().unwrap();
    let mut x = [f64::NAN; N_FEATURES];
    extract(&c, &mut x).unwrap();
    for name in [
        "aum_change_3m",
        "aum_change_6m",
        "aum_change_12m",
        "activity_log_ratio",
    ] {
        assert_eq!(f(&x, name), 0.0, "{name}");
    }
    assert_eq!(f(&x, "survey_mean"), 0.0);
    assert_eq!(f(&x, "survey_answered"), 0.0);
    // Two months: every change is over the one month there is.
    c.tenure_months = 1;
    c.aum_history = vec![500_000.0, 400_000.0];
    c.monthly_transactions = vec![5, 2];
    extract(&c, &mut x).unwrap();
    assert!((f(&x, "aum_change_3m") + 0.2).abs() < 1e-12);
    assert!((f(&x, "aum_change_12m") + 0.2).abs() < 1e-12);
    assert_eq!(f(&x, "activity_log_ratio"), 0.0);
    // A non-finite field is an error naming the feature, not a NaN feature.
    c.fee_rate = f64::NAN;
    let err = extract(&c, &mut x).unwrap_err();
    assert!(err.to_string().contains("fee_rate_pct"), "{err}");
}

#[test]
fn linear_model_recovers_the_generator_mechanism() {
    // The generator's logit is linear in these features (synth docs): its coefficients on
    // the raw scale are known. Fitted on 50,000 clients without penalty, the model
    // recovers the big ones within a few standard errors.
    let p = generate(&PortfolioConfig::default().with_clients(50_000).with_seed(4)).unwrap();
    let params = LogisticParams::default().with_l2(0.0);
    let m = LogisticModel::fit_records(&params, &p.clients).unwrap();
    let beta = |name: &str| m.raw_coefficients()[index_of(name).unwrap()];
    for (name, truth, tol) in [
        ("complaints_12m", 0.70, 0.08),
        ("no_advisor_contact", 0.60, 0.12),
        ("months_inactive", 0.15, 0.05),
        ("activity_log_ratio", -0.8, 0.15),
        ("transfer_out_share", 4.0, 1.0),
        ("underperformance", 10.0, 2.5),
        ("excess_fee_pct", 0.80, 0.25),
        ("single_product", 0.35, 0.12),
        ("tenure_years", -0.072, 0.03),
    ] {
        let b = beta(name);
        assert!((b - truth).abs() < tol, "{name}: {b} vs {truth}");
    }
}

#[test]
fn scorecard_points_and_calibration() {
    let card = Scorecard::default();
    let mut x = [0.0; N_FEATURES];
    extract(&ClientRecord::example(), &mut x).unwrap();
    // Example client, by the default table: falling balance (−12 % ≤ −10 %) 20,
    // transfer-outs (3 ≥ 2) 10, money moving out (13 % ≥ 10 %) 20, complaint 20; not:
    // falling activity (ln 0.525 = −0.644 > −0.693), steep fall, inactivity, repeated
    // complaints, silence, satisfaction (3.0), performance (2.5 % < 5 %), fees (0.2 < 0.3).
    assert_eq!(card.points(&x), 70.0);
    assert_eq!(
        card.fired(&x),
        vec![
            "falling_balance",
            "transfer_outs",
            "money_moving_out",
            "complaint"
        ]
    );
    let p = card.predict_one(&x).unwrap();
    assert!((p - 1.0 / (1.0 + (3.0f64 - 0.03 * 70.0).exp())).abs() < 1e-12);
    // Contributions: slope × points per fired signal, adding up to the logit.
    let mut c = [0.0; N_FEATURES];
    card.contributions(&x, &mut c).unwrap();
    assert!((c.iter().sum::<f64>() - 0.03 * 70.0).abs() < 1e-12);

    // Calibrated on labelled data it ranks well above chance and matches the base rate.
    let pf = generate(&PortfolioConfig::default().with_clients(20_000).with_seed(6)).unwrap();
    let mut card = Scorecard::default();
    card.calibrate(&pf.clients).unwrap();
    let probs = card.predict_records(&pf.clients).unwrap();
    let y: Vec<bool> = pf.truth.iter().map(|t| t.churned).collect();
    let auc = wealthscore::churn::eval::roc_auc(&probs, &y).unwrap();
    assert!(auc > 0.70, "scorecard AUC {auc}");
    // Platt scaling with an intercept: the mean prediction equals the base rate.
    let mean: f64 = probs.iter().sum::<f64>() / probs.len() as f64;
    let base = y.iter().filter(|&&b| b).count() as f64 / y.len() as f64;
    assert!((mean - base).abs() < 1e-6, "{mean} vs {base}");

    // Configuration is data: JSON round trip, and unknown features are rejected on load.
    let json = serde_json::to_string(&card).unwrap();
    assert_eq!(serde_json::from_str::<Scorecard>(&json).unwrap(), card);
    let bad = json.replace("\"complaints_12m\"", "\"complaints\"");
    assert!(serde_json::from_str::<Scorecard>(&bad).is_err());
    let nothing = Signal::new("x", "complaints_12m", None, None, 1.0);
    assert!(Scorecard::new(vec![nothing], 0.0, 1.0).is_err());
}

#[test]
fn risk_levels_by_cutoff_and_by_alert_volume() {
    let cut = RiskCutoffs::new(0.1, 0.25, 0.5).unwrap();
    assert_eq!(cut.level(0.0999), RiskLevel::Low);
    assert_eq!(cut.level(0.1), RiskLevel::Medium);
    assert_eq!(cut.level(0.25), RiskLevel::High);
    assert_eq!(cut.level(0.9), RiskLevel::Critical);
    assert!(RiskCutoffs::new(0.1, f64::NAN, 0.5).is_err());
    assert!(
        serde_json::from_str::<RiskCutoffs>(r#"{"medium":0.5,"high":0.2,"critical":0.9}"#).is_err()
    );
    // 1,000 distinct probabilities: a 10 % alert volume flags exactly 100 clients,
    // 25 critical and 200 medium-or-worse.
    let probs: Vec<f64> = (0..1000).map(|i| (i as f64 + 0.5) / 1000.0).collect();
    let cut = RiskCutoffs::for_alert_volume(&probs, 0.10).unwrap();
    let c = cut.counts(&probs);
    assert_eq!(c, [800, 100, 75, 25]);
}

#[test]
fn reasons_name_the_generators_causes() {
    // Fitted logistic reasons against the generator's ground truth: for clients with a
    // dominant true cause (≥ 1.0 on the logit), the top reason's cause matches it in most
    // cases.
    let p = generate(
        &PortfolioConfig::default()
            .with_clients(30_000)
            .with_seed(12),
    )
    .unwrap();
    let m = ChurnModel::Logistic(
        LogisticModel::fit_records(&LogisticParams::default(), &p.clients).unwrap(),
    );
    let (mut checked, mut agree) = (0, 0);
    for c in &p.clients {
        let truth = cause_contributions(c);
        let (cause, v) = truth
            .iter()
            .copied()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        if v < 1.0 {
            continue;
        }
        let e = explain(&m, c, 3).unwrap();
        checked += 1;
        if e.causes.first().map(|c| c.0) == Some(cause) {
            agree += 1;
        }
    }
    let rate = agree as f64 / checked as f64;
    eprintln!("top cause agreement {rate:.3} over {checked} clients");
    assert!(checked > 1_000 && rate > 0.7, "{agree}/{checked}");

    // Reasons are positive, sorted, and carry the feature's cause.
    let mut x = [0.0; N_FEATURES];
    let mut contrib = [0.0; N_FEATURES];
    extract(&ClientRecord::example(), &mut x).unwrap();
    m.predict_with_contributions(&x, &mut contrib).unwrap();
    let r = top_reasons(&x, &contrib, 5);
    assert!(r.windows(2).all(|w| w[0].contribution >= w[1].contribution));
    assert!(r.iter().all(|r| r.contribution > 0.0));
    let complaints = r.iter().find(|r| r.feature == FEATURE_NAMES[9]).unwrap();
    assert_eq!(complaints.cause, ChurnCause::Service);
}

#[test]
fn every_feature_is_in_exactly_one_reason_signal_with_its_cause() {
    use wealthscore::churn::features::FEATURE_CAUSES;
    use wealthscore::churn::reasons::SIGNALS;
    let mut seen = [0; N_FEATURES];
    for s in SIGNALS {
        for &j in s.features {
            seen[j] += 1;
            assert_eq!(
                FEATURE_CAUSES[j], s.cause,
                "{} / {}",
                s.name, FEATURE_NAMES[j]
            );
        }
    }
    assert!(seen.iter().all(|&n| n == 1), "{seen:?}");
}

#[test]
fn public_types_are_send_sync_clone_debug() {
    fn check<T: Send + Sync + Clone + std::fmt::Debug>() {}
    check::<ChurnModel>();
    check::<LogisticModel>();
    check::<wealthscore::churn::forest::ForestModel>();
    check::<Scorecard>();
    check::<RiskCutoffs>();
    check::<wealthscore::churn::reasons::Explanation>();
    check::<wealthscore::churn::eval::Calibration>();
    check::<wealthscore::churn::features::Standardiser>();
}

mod auc_by_pairs {
    use proptest::prelude::*;
    use wealthscore::churn::eval::{average_precision, roc_auc};

    proptest! {
        // ROC AUC equals the share of (churner, non-churner) pairs ranked right, ties ½,
        // counted by brute force; scores drawn from a few values to force ties.
        #[test]
        fn roc_auc_is_the_pair_count(data in prop::collection::vec((0u8..6, any::<bool>()), 2..60)) {
            let s: Vec<f64> = data.iter().map(|(v, _)| f64::from(*v) / 5.0).collect();
            let y: Vec<bool> = data.iter().map(|(_, b)| *b).collect();
            let (pos, neg) = (y.iter().filter(|&&b| b).count(), y.iter().filter(|&&b| !b).count());
            prop_assume!(pos > 0 && neg > 0);
            let mut wins = 0.0;
            for i in 0..s.len() {
                for j in 0..s.len() {
                    if y[i] && !y[j] {
                        wins += if s[i] > s[j] { 1.0 } else if s[i] == s[j] { 0.5 } else { 0.0 };
                    }
                }
            }
            let want = wins / (pos * neg) as f64;
            prop_assert!((roc_auc(&s, &y).unwrap() - want).abs() < 1e-12);
            // Average precision lies in (0, 1].
            let ap = average_precision(&s, &y).unwrap();
            prop_assert!(ap > 0.0 && ap <= 1.0 + 1e-12);
        }
    }
}
