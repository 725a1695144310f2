//! End to end: fit on a synthetic book, score the rest, check against the generator's
//! ground truth (its true churners and true causes are outside the scorer).

use std::sync::Arc;
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::{ChurnModel, Fit};
use wealthscore::scorer::{Assessment, PortfolioReport, Scorer, ScorerConfig};
use wealthscore::synth::{PortfolioConfig, generate};
use wealthscore::{ClientRecord, Error};

fn setup() -> (
    Scorer,
    Vec<ClientRecord>,
    Vec<wealthscore::synth::GroundTruth>,
) {
    let book = generate(
        &PortfolioConfig::default()
            .with_clients(40_000)
            .with_seed(2026),
    )
    .unwrap();
    let (train, test) = book.clients.split_at(20_000);
    let model = LogisticModel::fit_records(&LogisticParams::default(), train).unwrap();
    let scorer = Scorer::new(ScorerConfig::with_model(ChurnModel::Logistic(model))).unwrap();
    (scorer, test.to_vec(), book.truth[20_000..].to_vec())
}

#[test]
fn end_to_end_against_ground_truth() {
    let (scorer, test, truth) = setup();
    let results = scorer.assess_batch(&test);
    let a: Vec<Assessment> = results.iter().map(|r| r.clone().unwrap()).collect();

    // Top decile by expected value lost vs a random decile: share of the true churners' AUM.
    let churn_aum: f64 = test
        .iter()
        .zip(&truth)
        .filter(|(_, t)| t.churned)
        .map(|(c, _)| c.aum)
        .sum();
    let mut order: Vec<usize> = (0..test.len()).collect();
    order.sort_by(|&i, &j| {
        a[j].expected_value_lost
            .total_cmp(&a[i].expected_value_lost)
    });
    let decile = test.len() / 10;
    let top: f64 = order[..decile]
        .iter()
        .filter(|&&i| truth[i].churned)
        .map(|&i| test[i].aum)
        .sum();
    let top_share = top / churn_aum;
    // A random decile holds 10 % in expectation; the lift is top_share / 0.10.
    let lift = top_share / 0.10;
    eprintln!(
        "top decile holds {:.1}% of churned AUM: lift {lift:.2}",
        100.0 * top_share
    );
    assert!(lift > 3.0, "lift {lift}");

    // Reasons vs the generator's true causes, for the clients a manager would call
    // (high or critical risk): how often the top reason's cause is the client's largest
    // true cause, against the same rate with reasons shuffled across those clients
    // (chance).
    let called: Vec<usize> = (0..test.len())
        .filter(|&i| {
            a[i].risk_level.is_alert() && !truth[i].causes.is_empty() && a[i].reasons[0].is_some()
        })
        .collect();
    let n = called.len();
    assert!(n > 500, "{n} alerts");
    let hit = |i: usize, j: usize| a[j].reasons[0].map(|r| r.cause) == Some(truth[i].causes[0].0);
    let agree = called.iter().filter(|&&i| hit(i, i)).count() as f64 / n as f64;
    let chance = (0..n)
        .filter(|&k| hit(called[k], called[(k * 7919 + 13) % n]))
        .count() as f64
        / n as f64;
    eprintln!(
        "alerts {n}: top reason is the largest true cause for {:.1}% (chance {:.1}%)",
        100.0 * agree,
        100.0 * chance
    );
    assert!(agree > 1.5 * chance, "agree {agree} chance {chance}");

    let report = PortfolioReport::build(&test, &results, 500.0, 10).unwrap();
    assert_eq!(report.clients, test.len());
    assert_eq!(report.to_call.len(), 10);
    // Expected vs observed churn rate on held-out clients of the same book.
    let observed = report.observed_churn_rate.unwrap();
    assert!((report.expected_churn_rate - observed).abs() < 0.015);
    let vr: f64 = report.by_tier.iter().map(|g| g.expected_value_lost).sum();
    assert!(
        (vr - report.total.expected_value_lost).abs() < 1e-6 * report.total.expected_value_lost
    );
}

#[test]
fn batch_equals_single_and_keeps_good_records() {
    let (scorer, mut test, _) = setup();
    test.truncate(200);
    test[3].fee_rate = f64::NAN;
    test[7].aum_history.clear();
    let batch = scorer.assess_batch(&test);
    assert_eq!(batch.len(), 200);
    assert!(matches!(&batch[3], Err(Error::NonFinite { field }) if field == "fee_rate"));
    assert!(matches!(&batch[7], Err(Error::Empty { what }) if what == "aum_history"));
    for (c, b) in test.iter().zip(&batch) {
        assert_eq!(&scorer.assess(c), b);
    }
    assert_eq!(batch.iter().filter(|r| r.is_ok()).count(), 198);
}

#[test]
fn shared_across_threads_scores_the_same() {
    let (scorer, mut test, _) = setup();
    test.truncate(400);
    let scorer = Arc::new(scorer);
    let single: Vec<_> = test.iter().map(|c| scorer.assess(c)).collect();
    let test = Arc::new(test);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let s = Arc::clone(&scorer);
            let t = Arc::clone(&test);
            std::thread::spawn(move || t.iter().map(|c| s.assess(c)).collect::<Vec<_>>())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), single);
    }
}

#[test]
fn config_round_trips_and_keeps_the_model_fingerprint() {
    let (scorer, test, _) = setup();
    let json = serde_json::to_string(scorer.config()).unwrap();
    let back = Scorer::from_json(&json).unwrap();
    assert_eq!(
        back.model_fingerprint().unwrap(),
        scorer.model_fingerprint().unwrap()
    );
    for c in &test[..100] {
        assert_eq!(back.assess(c), scorer.assess(c));
    }
    // A config whose warning signal names a feature outside the schema is rejected.
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["warnings"]["signals"][0]["feature"] = "shoe_size".into();
    assert!(matches!(
        Scorer::from_json(&v.to_string()),
        Err(Error::InvalidConfig { .. }) | Err(Error::Parse { .. })
    ));
}
