//! The generator's promises, checked against closed forms and an independent model.

use ndarray::{Array1, Array2};
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};
use wealthscore::ClientRecord;
use wealthscore::synth::{GeneratedTier, PortfolioConfig, churn_logit, generate};

fn portfolio(n: usize, seed: u64) -> wealthscore::synth::Portfolio {
    generate(&PortfolioConfig::default().with_clients(n).with_seed(seed))
        .expect("default config is valid")
}

/// Rank-based ROC AUC with mid-ranks for ties (Mann–Whitney U / (n+ n-)).
fn auc(score: &[f64], y: &[bool]) -> f64 {
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    let (mut rank_sum, mut npos) = (0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && score[idx[j + 1]] == score[idx[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            if y[k] {
                rank_sum += r;
                npos += 1.0;
            }
        }
        i = j + 1;
    }
    let nneg = score.len() as f64 - npos;
    (rank_sum - npos * (npos + 1.0) / 2.0) / (npos * nneg)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[test]
fn same_seed_same_portfolio_other_seed_differs() {
    let a = portfolio(2_000, 9);
    let b = portfolio(2_000, 9);
    let c = portfolio(2_000, 10);
    assert_eq!(a, b);
    assert_ne!(a.clients, c.clients);
    // A client's draw does not depend on the portfolio size.
    let small = portfolio(10, 9);
    assert_eq!(small.clients[..], a.clients[..10]);
}

#[test]
fn every_generated_record_is_valid_and_json_round_trips() {
    let p = portfolio(20_000, 3);
    for c in &p.clients {
        c.validate().expect("generated records are valid");
    }
    let json = serde_json::to_string(&p.clients[..50]).unwrap();
    let back: Vec<ClientRecord> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p.clients[..50]);
}

#[test]
fn statistics_match_the_documented_promises() {
    let n = 200_000;
    let p = portfolio(n, 42);
    let nf = n as f64;

    // Tier shares 0.80 / 0.17 / 0.03 (configured), within 4 binomial standard errors.
    for (tier, share) in [
        (GeneratedTier::Mass, 0.80),
        (GeneratedTier::Mid, 0.17),
        (GeneratedTier::HighNetWorth, 0.03),
    ] {
        let got = p.truth.iter().filter(|t| t.tier == tier).count() as f64 / nf;
        let se = (share * (1.0 - share) / nf).sqrt();
        assert!((got - share).abs() < 4.0 * se, "{tier:?}: {got} vs {share}");
    }

    // Base rate ≈ 12.3 % (documented; 12.27 % on 1,000,000 clients, see the ignored test below).
    let rate = p.truth.iter().filter(|t| t.churned).count() as f64 / nf;
    assert!((rate - 0.1227).abs() < 0.004, "base rate {rate}");

    // Tier medians: closed forms of the truncated log-normals and the Pareto tail,
    // computed with Python's statistics.NormalDist:
    // mass: 60,000·exp(Φ⁻¹(Φ(zl) + ½(Φ(zu) − Φ(zl)))), zl = ln(1000/60000), zu = ln(500000/60000)
    //   = 58,737.2; mid (σ 0.6, median 1.2M, [0.5M, 5M)) = 1,258,827.3;
    // high-net-worth: 5,000,000 · 2^(1/1.5) = 7,937,005.3.
    for (tier, expected, tol) in [
        (GeneratedTier::Mass, 58_737.2, 0.02),
        (GeneratedTier::Mid, 1_258_827.3, 0.03),
        (GeneratedTier::HighNetWorth, 7_937_005.3, 0.06),
    ] {
        // AUM moves a little over the year's history; compare today's AUM.
        let xs: Vec<f64> = p
            .clients
            .iter()
            .zip(&p.truth)
            .filter(|(_, t)| t.tier == tier)
            .map(|(c, _)| c.aum)
            .collect();
        let m = median(xs);
        assert!(
            (m / expected - 1.0).abs() < tol,
            "{tier:?} median {m} vs {expected}"
        );
    }
    // Pareto tail with index 1.5: P(AUM > 10M | HNW) = 2^-1.5 = 0.3536.
    let hnw: Vec<f64> = p
        .clients
        .iter()
        .zip(&p.truth)
        .filter(|(_, t)| t.tier == GeneratedTier::HighNetWorth)
        .map(|(c, _)| c.aum)
        .collect();
    let tail = hnw.iter().filter(|&&a| a > 10_000_000.0).count() as f64 / hnw.len() as f64;
    assert!((tail - 0.3536).abs() < 0.03, "tail share {tail}");

    // Bayes-optimal AUC ≈ 0.797 (documented; 0.7966 on 1,000,000 clients, see below).
    let probs: Vec<f64> = p.truth.iter().map(|t| t.probability).collect();
    let y: Vec<bool> = p.truth.iter().map(|t| t.churned).collect();
    let bayes = auc(&probs, &y);
    eprintln!("200,000 clients: base rate {rate:.4}, Bayes AUC {bayes:.4}");
    assert!((bayes - 0.797).abs() < 0.008, "Bayes AUC {bayes}");
}

#[test]
fn churn_logit_of_the_example_client_by_hand() {
    // Terms from the module docs, applied by hand to ClientRecord::example():
    let service = 0.70 * 2.0 + 0.40 * (3.0 - 3.0); // 2 complaints, survey mean 15/5
    // 21 days inactive, one advisor contact, last 3 months 4,3,2 vs the 6 before 9,7,6,6,5,4.
    let ratio: f64 =
        ((4.0 + 3.0 + 2.0) / 3.0 + 0.5) / ((9.0 + 7.0 + 6.0 + 6.0 + 5.0 + 4.0) / 6.0 + 0.5);
    let relationship = 0.15 * 21.0 / 30.0 - 0.8 * ratio.ln();
    let competitor = -6.0 * (400_000.0 / 455_000.0 - 1.0) + 4.0 * (60_000.0 / 460_000.0);
    let performance = -10.0 * -0.025;
    let fees = 80.0 * (0.012 - 0.01);
    let loyalty = -0.006 * 84.0;
    let expected = -3.35 + service + relationship + competitor + performance + fees + loyalty;
    let got = churn_logit(&ClientRecord::example());
    assert!((got - expected).abs() < 1e-12, "{got} vs {expected}");
}

#[test]
fn a_simple_model_gets_near_the_bayes_auc() {
    // An independent model (smartcore's logistic regression) on plain transforms of the
    // record must come within 0.02 of the generator's Bayes-optimal AUC on held-out clients.
    let p = portfolio(60_000, 11);
    let feats = |c: &ClientRecord| -> [f64; 10] {
        let n = c.aum_history.len();
        let then = c.aum_history[n.saturating_sub(4)];
        let tx = &c.monthly_transactions;
        let m = tx.len();
        let recent: f64 = tx[m.saturating_sub(3)..]
            .iter()
            .map(|&x| x as f64)
            .sum::<f64>()
            / 3.0;
        let before: f64 = tx[m.saturating_sub(9)..m.saturating_sub(3)]
            .iter()
            .map(|&x| x as f64)
            .sum::<f64>()
            / 6.0;
        let survey = c
            .survey
            .map(|s| {
                let a: Vec<f64> = s.as_array().iter().flatten().map(|&v| v as f64).collect();
                3.0 - a.iter().sum::<f64>() / a.len() as f64
            })
            .unwrap_or(0.0);
        [
            c.complaints_12m as f64,
            survey,
            (c.advisor_contacts_180d == 0) as u8 as f64,
            c.days_since_last_activity.min(180) as f64 / 30.0,
            ((recent + 0.5) / (before + 0.5)).ln(),
            if then > 0.0 { c.aum / then - 1.0 } else { 0.0 },
            c.transfer_out_amount_90d / (c.aum + c.transfer_out_amount_90d).max(1.0),
            c.return_vs_benchmark_12m.min(0.0),
            (c.fee_rate - 0.01).max(0.0) * 100.0,
            c.tenure_months.min(120) as f64 / 12.0,
        ]
    };
    let half = 30_000;
    let x: Vec<f64> = p.clients[..half].iter().flat_map(feats).collect();
    let x = Array2::from_shape_vec((half, 10), x).unwrap();
    let y: Array1<i32> = p.truth[..half].iter().map(|t| t.churned as i32).collect();
    let model = LogisticRegression::fit(
        &x,
        &y,
        LogisticRegressionParameters::default().with_alpha(0.0),
    )
    .unwrap();
    let xt: Vec<f64> = p.clients[half..].iter().flat_map(feats).collect();
    let xt = Array2::from_shape_vec((p.clients.len() - half, 10), xt).unwrap();
    let coef = model.coefficients();
    let b0 = model.intercept()[[0, 0]];
    let scores: Vec<f64> = xt
        .rows()
        .into_iter()
        .map(|r| b0 + r.iter().zip(coef.iter()).map(|(a, b)| a * b).sum::<f64>())
        .collect();
    let y_test: Vec<bool> = p.truth[half..].iter().map(|t| t.churned).collect();
    let bayes: Vec<f64> = p.truth[half..].iter().map(|t| t.probability).collect();
    let model_auc = auc(&scores, &y_test);
    let bayes_auc = auc(&bayes, &y_test);
    assert!(
        bayes_auc - model_auc < 0.02,
        "model {model_auc} vs Bayes {bayes_auc}"
    );
}

#[test]
fn invalid_configuration_is_rejected() {
    let bad_shares = PortfolioConfig::default().with_tier_shares([0.9, 0.2, 0.0]);
    assert!(matches!(
        generate(&bad_shares),
        Err(wealthscore::Error::InvalidInput { field, .. }) if field == "tier_shares"
    ));
    let bad_rate = PortfolioConfig::default().with_survey_response_rate(f64::NAN);
    assert!(matches!(
        generate(&bad_rate),
        Err(wealthscore::Error::NonFinite { field }) if field == "survey_response_rate"
    ));
}

/// The documented one-million-client figures (run with
/// `cargo test --release --test synth -- --ignored --nocapture`; about 1 GB of memory).
#[test]
#[ignore]
fn one_million_clients_documented_figures() {
    let p = portfolio(1_000_000, 42);
    let probs: Vec<f64> = p.truth.iter().map(|t| t.probability).collect();
    let y: Vec<bool> = p.truth.iter().map(|t| t.churned).collect();
    let rate = y.iter().filter(|&&b| b).count() as f64 / y.len() as f64;
    let bayes = auc(&probs, &y);
    eprintln!("1,000,000 clients: base rate {rate:.4}, Bayes AUC {bayes:.4}");
    assert!((rate - 0.1227).abs() < 0.002, "base rate {rate}");
    assert!((bayes - 0.797).abs() < 0.003, "Bayes AUC {bayes}");
}
