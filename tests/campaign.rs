//! Campaign evaluation: intervals against Newcombe (1998) and statsmodels, uplift metrics
//! against scikit-uplift, the campaign log reader, interval coverage on simulated
//! campaigns, uplift models against ranking by churn probability, and feeding back.

use serde_json::Value;
use wealthscore::campaign::uplift::{
    KStrategy, TLearner, TopK, perfect_qini_curve, perfect_uplift_curve, qini_auc_score,
    qini_curve, uplift_at_k, uplift_auc_score, uplift_curve,
};
use wealthscore::campaign::{
    Arm, CampaignColumns, EffectConfig, EffectTable, Verdict, newcombe_interval, read_csv,
    risk_ratio_interval, wilson_interval,
};
use wealthscore::churn::Fit;
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::retention::{ActionCatalogue, ActionKind, ClientRisk, EffectBasis};
use wealthscore::segment::AssetTier;
use wealthscore::synth::campaign::{CampaignConfig, simulate, true_effects};
use wealthscore::{ChurnCause, Error};

fn load(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Newcombe, R. G. (1998). Interval estimation for the difference between independent
/// proportions: comparison of eleven methods. Statistics in Medicine 17, 873–890,
/// Table II, method 10 (score interval without continuity correction), printed to 4 dp.
#[test]
fn newcombe_matches_the_published_table_ii() {
    let table = [
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((6, 7, 2, 7), (0.0582, 0.8062)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
        ((0, 10, 0, 20), (-0.1611, 0.2775)),
        ((10, 10, 0, 20), (0.6791, 1.0000)),
    ];
    for ((x1, n1, x2, n2), (lo, hi)) in table {
        let d = newcombe_interval(x1, n1, x2, n2, 0.95).unwrap();
        assert!(
            (d.low - lo).abs() <= 5e-5 && (d.high - hi).abs() <= 5e-5,
            "{x1}/{n1} vs {x2}/{n2}: got {:.4} to {:.4}, published {lo} to {hi}",
            d.low,
            d.high
        );
    }
}

/// statsmodels 0.15 on 126 cases (tests/data/scripts/campaign_intervals_reference.py).
#[test]
fn intervals_match_statsmodels() {
    let r = load("campaign_intervals_reference.json");
    let cases = r["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 126);
    let pair = |v: &Value| (v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
    let mut worst: f64 = 0.0;
    for c in cases {
        let g = |k: &str| c[k].as_u64().unwrap();
        let (x1, n1, x2, n2) = (g("x1"), g("n1"), g("x2"), g("n2"));
        let conf = c["confidence"].as_f64().unwrap();
        let w1 = wilson_interval(x1, n1, conf).unwrap();
        let w2 = wilson_interval(x2, n2, conf).unwrap();
        let d = newcombe_interval(x1, n1, x2, n2, conf).unwrap();
        for (got, want) in [
            ((w1.low, w1.high), pair(&c["wilson1"])),
            ((w2.low, w2.high), pair(&c["wilson2"])),
            ((d.low, d.high), pair(&c["newcombe"])),
        ] {
            worst = worst
                .max((got.0 - want.0).abs())
                .max((got.1 - want.1).abs());
        }
        let rr = risk_ratio_interval(x1, n1, x2, n2, conf).unwrap();
        match (&c["ratio_log"], rr) {
            (Value::Null, None) => {}
            (v, Some(rr)) if !v.is_null() => {
                let want = pair(v);
                worst = worst
                    .max((rr.low - want.0).abs() / want.0)
                    .max((rr.high - want.1).abs() / want.1);
            }
            (v, rr) => panic!("{x1}/{n1} vs {x2}/{n2}: statsmodels {v}, ours {rr:?}"),
        }
    }
    assert!(worst < 1e-12, "largest difference {worst:e}");
}

#[test]
fn interval_inputs_are_checked() {
    assert!(matches!(
        newcombe_interval(5, 0, 1, 2, 0.95),
        Err(Error::Empty { .. })
    ));
    assert!(newcombe_interval(5, 4, 1, 2, 0.95).is_err());
    assert!(newcombe_interval(1, 4, 1, 2, 1.0).is_err());
    assert!(wilson_interval(1, 4, f64::NAN).is_err());
}

fn bools(v: &Value) -> Vec<bool> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap() == 1)
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// scikit-uplift 0.5.1 `sklift.metrics` on the same scores
/// (tests/data/scripts/campaign_sklift_reference.py): equal to 1e-9.
#[test]
fn uplift_metrics_match_sklift() {
    let r = load("campaign_sklift_reference.json");
    let mut checked = 0;
    for c in r["cases"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let (y, t, s) = (bools(&c["y"]), bools(&c["treatment"]), floats(&c["score"]));
        let close = |got: f64, want: f64, what: &str| {
            assert!(
                (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{name} {what}: {got} vs sklift {want}"
            );
        };
        close(
            qini_auc_score(&y, &s, &t, true).unwrap(),
            c["qini_auc_score"].as_f64().unwrap(),
            "qini_auc_score",
        );
        match c["qini_auc_score_no_negative"].as_f64() {
            Some(v) => close(
                qini_auc_score(&y, &s, &t, false).unwrap(),
                v,
                "qini no negative",
            ),
            None => assert!(qini_auc_score(&y, &s, &t, false).is_err(), "{name}"),
        }
        close(
            uplift_auc_score(&y, &s, &t).unwrap(),
            c["uplift_auc_score"].as_f64().unwrap(),
            "uplift_auc_score",
        );
        for k in c["uplift_at_k"].as_array().unwrap() {
            let strategy = match k["strategy"].as_str().unwrap() {
                "overall" => KStrategy::Overall,
                _ => KStrategy::ByGroup,
            };
            let top = match k["k"].as_u64() {
                Some(n) => TopK::Count(n as usize),
                None => TopK::Share(k["k"].as_f64().unwrap()),
            };
            close(
                uplift_at_k(&y, &s, &t, strategy, top).unwrap(),
                k["value"].as_f64().unwrap(),
                &format!("uplift_at_k {strategy:?} {top:?}"),
            );
            checked += 1;
        }
        let curves = [
            ("qini_curve", qini_curve(&y, &s, &t)),
            ("uplift_curve", uplift_curve(&y, &s, &t)),
            ("perfect_qini_curve", perfect_qini_curve(&y, &t, true)),
            (
                "perfect_qini_curve_no_negative",
                perfect_qini_curve(&y, &t, false),
            ),
            ("perfect_uplift_curve", perfect_uplift_curve(&y, &t)),
        ];
        for (key, got) in curves {
            if c[key].is_null() {
                continue;
            }
            let got = got.unwrap();
            let (wx, wy) = (floats(&c[key]["x"]), floats(&c[key]["y"]));
            assert_eq!(got.x.len(), wx.len(), "{name} {key} points");
            for i in 0..wx.len() {
                close(got.x[i], wx[i], key);
                close(got.y[i], wy[i], key);
            }
            checked += 1;
        }
    }
    assert!(checked > 80, "{checked} comparisons");
}

#[test]
fn uplift_metric_inputs_are_checked() {
    let (y, t) = ([true, false, true], [true, false, false]);
    assert!(qini_auc_score(&y, &[0.1, f64::NAN, 0.3], &t, true).is_err());
    assert!(qini_auc_score(&y, &[0.1, 0.2], &t, true).is_err());
    assert!(
        uplift_at_k(
            &y,
            &[0.1, 0.2, 0.3],
            &t,
            KStrategy::Overall,
            TopK::Share(1.0)
        )
        .is_err()
    );
    assert!(uplift_at_k(&y, &[0.1, 0.2, 0.3], &t, KStrategy::Overall, TopK::Count(3)).is_err());
    // The top client is control only: no treated rate to compare.
    assert!(uplift_at_k(&y, &[0.1, 0.9, 0.3], &t, KStrategy::Overall, TopK::Count(1)).is_err());
    // One arm only: no uplift is possible.
    assert!(qini_auc_score(&y, &[0.1, 0.2, 0.3], &[true; 3], true).is_err());
}

const LOG: &str = "\
tier,outcome,extra,client_id,arm,action,date,balance
mass,stayed,x,C1,treatment,regular_contact,2026-05-04,10
mass,churned,x,C2,control,regular_contact,2026-05-04,20
mid_net_worth,stayed,x,\"C3
second line of a quoted id\",treated,regular_contact,2026-05-04,30
mass,maybe,x,C4,control,,2026-05-04,40
mass,stayed,x,C5,treatment,,2026-05-04,50
mass,stayed,x,C6,control,teleport,2026-05-04,60
mass,stayed,x,C7,control,,2026-02-30,70
mass,stayed,x,C8,control,none,2026-05-04,NaN
mass,stayed,x,C9,1,regular_contact,2026-05-04,90
";

#[test]
fn log_reads_by_header_with_physical_lines() {
    let cols = CampaignColumns::default().with_features(["balance"]);
    let read = read_csv(LOG.as_bytes(), &cols).unwrap();
    let ids: Vec<&str> = read
        .log
        .records()
        .iter()
        .map(|r| r.client_id.as_str())
        .collect();
    assert_eq!(ids, ["C1", "C2", "C3\nsecond line of a quoted id", "C9"]);
    assert_eq!(read.log.records()[2].arm, Arm::Treatment);
    assert_eq!(read.log.records()[3].features, vec![90.0]);
    let errors: Vec<String> = read.rejected.iter().map(|e| e.to_string()).collect();
    // Physical lines: the quoted id spans lines 4 and 5.
    for (e, (line, column)) in errors.iter().zip([
        (6, "outcome"),
        (7, "action"),
        (8, "action"),
        (9, "date"),
        (10, "balance"),
    ]) {
        assert!(
            e.contains(&format!("line {line}: {column}")),
            "expected line {line} and {column} in {e}"
        );
    }
    assert_eq!(errors.len(), 5, "{errors:?}");
}

#[test]
fn missing_columns_are_one_error() {
    let text = "client_id,arm,outcome\nC1,control,stayed\n";
    let err = read_csv(text.as_bytes(), &CampaignColumns::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("missing columns action, date, tier"), "{msg}");
    // Without a tier column the layout says so.
    let cols = CampaignColumns::default().with_tier(None::<String>);
    let ok = "client_id,arm,outcome,date,action\nC1,control,stayed,2026-05-04,\n";
    assert_eq!(
        read_csv(ok.as_bytes(), &cols).unwrap().log.records().len(),
        1
    );
    let dup =
        CampaignColumns::default().with_roles("client_id", "action", "action", "date", "outcome");
    assert!(read_csv(ok.as_bytes(), &dup).is_err());
    let layout: Result<CampaignColumns, _> =
        serde_json::from_str(r#"{"client_id": "id", "horizon": 90}"#);
    assert!(layout.is_err(), "unknown fields are rejected");
}

/// The 95 % intervals of simulated campaigns cover the true effects about 95 % of the time.
///
/// 300 campaigns of 600 clients (two actions, about 150 treated and 150 control each);
/// every interval is compared with the simulator's true effect (mean of p₀ − p₁ over
/// 200,000 reference clients). The intervals of different campaigns are independent, so
/// the number covering is binomial; the test allows three standard deviations around 95 %.
#[test]
fn intervals_cover_true_effects_at_the_stated_rate() {
    let base = CampaignConfig::default();
    let truth = true_effects(&base, 200_000).unwrap();
    let catalogue = ActionCatalogue::default();
    let config = EffectConfig::new(10_000.0).unwrap();
    let (mut all, mut all_hit, mut mass, mut mass_hit) = (0u32, 0u32, 0u32, 0u32);
    for seed in 1..=300 {
        let sim = simulate(&base.clone().with_clients(600).with_seed(seed)).unwrap();
        let table = EffectTable::estimate(&sim.log, &catalogue, &config).unwrap();
        for t in truth
            .iter()
            .filter(|t| t.tier.is_none() || t.tier == Some(AssetTier::Mass))
        {
            let Some(row) = table.get(t.action, t.tier) else {
                continue;
            };
            let hit = u32::from(row.difference.contains(t.retention_difference));
            if t.tier.is_none() {
                all += 1;
                all_hit += hit;
            } else {
                mass += 1;
                mass_hit += hit;
            }
        }
    }
    for (what, n, hit) in [("all tiers", all, all_hit), ("mass tier", mass, mass_hit)] {
        let rate = f64::from(hit) / f64::from(n);
        let sd = (0.95 * 0.05 / f64::from(n)).sqrt();
        println!(
            "{what}: {hit} of {n} intervals cover the true effect ({:.1} %)",
            100.0 * rate
        );
        assert!(n >= 590, "{what}: only {n} intervals");
        assert!(
            (rate - 0.95).abs() <= 3.0 * sd,
            "{what}: coverage {rate:.4} is more than 3 sd ({sd:.4}) from 0.95"
        );
    }
}

/// Targeting by a T-learner's uplift beats targeting by churn probability on the
/// simulator, where high-risk clients who are already moving money out react badly.
#[test]
fn t_learner_beats_churn_probability_on_qini() {
    let cfg = CampaignConfig::default();
    let train = simulate(&cfg.clone().with_seed(101)).unwrap();
    let test = simulate(&cfg.clone().with_seed(202)).unwrap();
    let action = ActionKind::ServiceRemediation;
    let (x, stayed, treated) = train.log.training_data(action).unwrap();
    let (xt, stayed_t, treated_t) = test.log.training_data(action).unwrap();
    let params = LogisticParams::default();
    let uplift = TLearner::<LogisticModel>::fit(&params, x.view(), &stayed, &treated)
        .unwrap()
        .predict_uplift(xt.view())
        .unwrap();
    let controls: Vec<usize> = (0..treated.len()).filter(|&i| !treated[i]).collect();
    let churned: Vec<bool> = controls.iter().map(|&i| !stayed[i]).collect();
    let churn = LogisticModel::fit(
        &params,
        x.select(ndarray::Axis(0), &controls).view(),
        &churned,
    )
    .unwrap();
    use wealthscore::Classifier;
    let risk = churn.predict_proba(xt.view()).unwrap();
    let q_uplift = qini_auc_score(&stayed_t, uplift.as_slice().unwrap(), &treated_t, true).unwrap();
    let q_risk = qini_auc_score(&stayed_t, risk.as_slice().unwrap(), &treated_t, true).unwrap();
    println!("Qini coefficient: T-learner {q_uplift:.4}, churn probability {q_risk:.4}");
    assert!(
        q_uplift > 1.3 * q_risk,
        "T-learner {q_uplift:.4} vs churn probability {q_risk:.4}"
    );
}

/// Measured effects replace assumed ones in ranking, and the catalogue says which is which.
#[test]
fn measured_effects_feed_the_next_ranking() {
    // 60,000 clients: about 15,000 per arm and action, so the true effects of the default
    // simulator (about +1.5 points) are shown to help.
    let sim = simulate(&CampaignConfig::default().with_clients(60_000).with_seed(7)).unwrap();
    let catalogue = ActionCatalogue::default();
    let table =
        EffectTable::estimate(&sim.log, &catalogue, &EffectConfig::new(10_000.0).unwrap()).unwrap();
    let row = table.get(ActionKind::ServiceRemediation, None).unwrap();
    assert_eq!(row.verdict, Verdict::Helps, "{table}");
    let updated = table.update_catalogue(catalogue.clone(), "seed 7").unwrap();
    let text = updated.describe();
    assert!(
        text.contains("service_remediation: effect") && text.contains("measured"),
        "{text}"
    );
    assert!(
        text.contains("offers_and_points: effect 0.20 assumed"),
        "{text}"
    );
    let action = updated.get(ActionKind::ServiceRemediation).unwrap();
    let (effect, basis) = action.effect_for(AssetTier::Mass);
    let EffectBasis::Measured(m) = basis else {
        panic!("mass tier should be measured")
    };
    assert_eq!(m.tier, Some(AssetTier::Mass));
    assert!((effect - m.effect.clamp(0.0, 1.0)).abs() < 1e-15);
    // Ranking uses the measured effect: the value saved changes with it.
    let reasons = [(ChurnCause::Service, 1.0)];
    let client = ClientRisk::new("C1", 0.4, 20_000.0, 100_000.0, &reasons, AssetTier::Mass);
    let before = catalogue.rank(&client).unwrap()[0].unwrap();
    let after = updated.rank(&client).unwrap()[0].unwrap();
    assert_eq!(before.kind, ActionKind::ServiceRemediation);
    assert!((before.probability_cut - 0.4 * 0.35).abs() < 1e-12);
    assert!((after.probability_cut - 0.4 * effect).abs() < 1e-12);
    // The catalogue round-trips through JSON with its measurements, validated on load.
    let json = serde_json::to_string(&updated).unwrap();
    let back: ActionCatalogue = serde_json::from_str(&json).unwrap();
    assert_eq!(back, updated);
    let broken = json.replacen("\"low\":", "\"low\":9e9,\"x\":", 1);
    assert!(serde_json::from_str::<ActionCatalogue>(&broken).is_err());
}

#[test]
fn small_groups_are_too_small_to_tell() {
    let sim = simulate(&CampaignConfig::default().with_clients(300).with_seed(3)).unwrap();
    let table = EffectTable::estimate(
        &sim.log,
        &ActionCatalogue::default(),
        &EffectConfig::new(10_000.0).unwrap(),
    )
    .unwrap();
    let hnw = table
        .rows
        .iter()
        .find(|r| r.tier == Some(AssetTier::HighNetWorth))
        .expect("a high-net-worth row");
    assert_eq!(hnw.verdict, Verdict::TooSmallToTell);
    let w = hnw.warning().unwrap();
    assert!(
        w.contains("too small to tell") && w.contains("per arm would be needed"),
        "{w}"
    );
    assert!(table.to_string().contains("warning:"));
    // Nothing too small is fed back.
    for (_, ms) in table.measured_effects("x") {
        assert!(ms.iter().all(|m| m.tier != Some(AssetTier::HighNetWorth)));
    }
}

/// The same log read through the crate's schema machinery: a bank's own schema types the
/// columns (boolean arm and outcome, a date column), and the campaign roles pick them.
#[test]
fn log_reads_through_a_schema_table() {
    use wealthscore::campaign::CampaignLog;
    use wealthscore::schema::{Schema, Table};
    let schema = Schema::from_json(
        r#"{"name": "campaign", "columns": [
          {"name": "id", "type": "text", "role": "id"},
          {"name": "offer", "type": "category", "role": "info"},
          {"name": "treated", "type": "boolean", "role": "info"},
          {"name": "offered_on", "type": "date", "role": "info"},
          {"name": "churned", "type": "boolean", "role": "label"},
          {"name": "segment", "type": "category", "role": "info"},
          {"name": "balance", "type": "number"}]}"#,
    )
    .unwrap();
    let csv = "id,offer,treated,offered_on,churned,segment,balance\n\
               C1,regular_contact,yes,2026-05-04,no,mass,10\n\
               C2,,no,2026-05-04,yes,mass,20\n\
               C3,regular_contact,yes,2026-05-04,no,galaxy,30\n\
               C4,,yes,2026-05-04,no,mass,40\n\
               C5,regular_contact,no,2026-13-01,no,mass,50\n\
               C6,regular_contact,no,2026-05-04,no,mass,\n";
    let table = Table::read_csv(csv.as_bytes(), &schema).unwrap();
    let cols = CampaignColumns::default()
        .with_roles("id", "offer", "treated", "offered_on", "churned")
        .with_tier(Some("segment"))
        .with_features(["balance"]);
    let read = CampaignLog::from_table(&table, &cols).unwrap();
    let ids: Vec<&str> = read
        .log
        .records()
        .iter()
        .map(|r| r.client_id.as_str())
        .collect();
    assert_eq!(ids, ["C1", "C2"]);
    assert_eq!(read.log.records()[0].arm, Arm::Treatment);
    assert!(!read.log.records()[0].features.is_empty());
    let errors: Vec<String> = read.rejected.iter().map(|e| e.to_string()).collect();
    for (e, (line, what)) in errors.iter().zip([
        (4, "tier"),
        (5, "action"),
        (6, "offered_on"),
        (7, "balance"),
    ]) {
        assert!(
            e.contains(&format!("line {line}")) && e.contains(what),
            "line {line}, {what}: {e}"
        );
    }
    assert_eq!(errors.len(), 4, "{errors:?}");
    let wrong = CampaignColumns::default();
    let err = CampaignLog::from_table(&table, &wrong)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("client_id, action, arm, date, outcome, tier"),
        "{err}"
    );
}

#[test]
fn measured_effects_are_checked() {
    use wealthscore::retention::MeasuredEffect;
    assert!(MeasuredEffect::new(None, 0.2, 0.1, 0.3, 0.95, 10, 10, 180, "x").is_ok());
    // Outside its interval, above 1, NaN, an empty arm, a confidence of 1.
    assert!(MeasuredEffect::new(None, 0.5, 0.1, 0.3, 0.95, 10, 10, 180, "x").is_err());
    assert!(MeasuredEffect::new(None, 1.2, 0.1, 1.3, 0.95, 10, 10, 180, "x").is_err());
    assert!(matches!(
        MeasuredEffect::new(None, f64::NAN, 0.1, 0.3, 0.95, 10, 10, 180, "x"),
        Err(Error::NonFinite { .. })
    ));
    assert!(MeasuredEffect::new(None, 0.2, 0.1, 0.3, 0.95, 0, 10, 180, "x").is_err());
    assert!(MeasuredEffect::new(None, 0.2, 0.1, 0.3, 1.0, 10, 10, 180, "x").is_err());
    // The same tier measured twice names the place.
    let m =
        MeasuredEffect::new(Some(AssetTier::Mass), 0.2, 0.1, 0.3, 0.95, 10, 10, 180, "x").unwrap();
    let err = ActionCatalogue::default()
        .with_measured(ActionKind::RegularContact, vec![m.clone(), m])
        .unwrap_err();
    assert!(err.to_string().contains("measured[1].tier"), "{err}");
}
