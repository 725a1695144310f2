//! Tests of the `segment` module: boundaries of every dimension, policy and catalogue
//! validation, the portfolio summary, RFM against pandas, ARI and silhouette against
//! scikit-learn, and k-means recovering well-separated blobs.

use ndarray::Array2;
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use wealthscore::client::Holdings;
use wealthscore::segment::*;
use wealthscore::{ClientRecord, Error};

/// A client whose tiering we control field by field: 60 months' tenure, flat AUM of
/// 1,000 over 12 months, 2 transactions a month, no contacts, one category, no complaints.
fn client(aum: f64) -> ClientRecord {
    let mut c = ClientRecord::example();
    c.tenure_months = 60;
    c.aum = aum;
    c.aum_history = vec![aum; 12];
    c.holdings = Holdings::default().with_deposits(aum);
    c.monthly_transactions = vec![2; 12];
    c.advisor_contacts_180d = 0;
    c.complaints_12m = 0;
    c
}

fn below(x: f64) -> f64 {
    // The largest f64 strictly below x (x finite and non-zero here).
    if x > 0.0 {
        f64::from_bits(x.to_bits() - 1)
    } else {
        f64::from_bits(x.to_bits() + 1)
    }
}

fn above(x: f64) -> f64 {
    if x > 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

#[test]
fn default_asset_thresholds_match_the_generator() {
    let p = TieringPolicy::default();
    assert_eq!(p.mass_upper, wealthscore::synth::MASS_UPPER);
    assert_eq!(p.hnw_lower, wealthscore::synth::HNW_LOWER);
    p.validate().unwrap();
}

#[test]
fn asset_boundaries() {
    let p = TieringPolicy::default();
    let tier = |aum: f64| p.classify(&client(aum), None).unwrap().asset;
    assert_eq!(tier(below(500_000.0)), AssetTier::Mass);
    assert_eq!(tier(500_000.0), AssetTier::MidNetWorth);
    assert_eq!(tier(below(5_000_000.0)), AssetTier::MidNetWorth);
    assert_eq!(tier(5_000_000.0), AssetTier::HighNetWorth);
    assert_eq!(tier(0.0), AssetTier::Mass);
    assert!(matches!(p.asset_tier(f64::NAN), Err(Error::NonFinite { field }) if field == "aum"));
    assert!(p.asset_tier(-1.0).is_err());
}

#[test]
fn activity_boundaries() {
    let p = TieringPolicy::default();
    assert_eq!(p.activity_tier(below(4.0)).unwrap(), ActivityTier::Low);
    assert_eq!(p.activity_tier(4.0).unwrap(), ActivityTier::High);
    // Through a record: the last 3 months average 4 → exactly the threshold.
    let mut c = client(1_000.0);
    c.monthly_transactions = vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4];
    assert_eq!(p.activity_per_month(&c), 4.0);
    assert_eq!(p.classify(&c, None).unwrap().activity, ActivityTier::High);
    // One transaction fewer: 11/3 a month, below.
    c.monthly_transactions[9] = 3;
    assert_eq!(p.classify(&c, None).unwrap().activity, ActivityTier::Low);
    // Six advisor contacts in 180 days add one a month: 11/3 + 1 > 4.
    c.advisor_contacts_180d = 6;
    assert_eq!(p.classify(&c, None).unwrap().activity, ActivityTier::High);
    // A one-month history averages that month only.
    c.monthly_transactions = vec![4];
    c.aum_history = vec![1_000.0];
    c.advisor_contacts_180d = 0;
    assert_eq!(p.activity_per_month(&c), 4.0);
}

#[test]
fn lifecycle_boundaries_default_policy() {
    let p = TieringPolicy::default();
    // Tenure 12 months separates new from the rest.
    assert_eq!(p.lifecycle(11, 0.0).unwrap(), Lifecycle::New);
    assert_eq!(p.lifecycle(12, 0.0).unwrap(), Lifecycle::Growth);
    // 36 months separates growth from mature for a flat balance.
    assert_eq!(p.lifecycle(35, 0.0).unwrap(), Lifecycle::Growth);
    assert_eq!(p.lifecycle(36, 0.0).unwrap(), Lifecycle::Mature);
    // Decline at a trend of −10 % or worse.
    assert_eq!(p.lifecycle(60, below(-0.10)).unwrap(), Lifecycle::Decline);
    assert_eq!(p.lifecycle(60, -0.10).unwrap(), Lifecycle::Decline);
    assert_eq!(p.lifecycle(60, above(-0.10)).unwrap(), Lifecycle::Mature);
    // Growth at a trend of +10 % or better, whatever the tenure.
    assert_eq!(p.lifecycle(60, below(0.10)).unwrap(), Lifecycle::Mature);
    assert_eq!(p.lifecycle(60, 0.10).unwrap(), Lifecycle::Growth);
    // New wins over decline: a first-year client is new.
    assert_eq!(p.lifecycle(3, -0.5).unwrap(), Lifecycle::New);
    assert!(p.lifecycle(60, f64::NAN).is_err());
}

#[test]
fn lifecycle_boundaries_through_records() {
    // ±25 % thresholds make the record's trend exact in binary (750/1000 − 1 = −0.25).
    let p = TieringPolicy::default()
        .with_decline_trend(-0.25)
        .with_growth_trend(0.25);
    p.validate().unwrap();
    let with_trend = |then: f64| {
        let mut c = client(1_000.0);
        // trend_months = 6: compare the last month with the one 6 months earlier.
        c.aum_history[5] = then;
        p.classify(&c, None).unwrap().lifecycle
    };
    // AUM now 1,000 vs 1,000/0.75 six months ago: −25 %.
    assert_eq!(
        p.aum_trend(&{
            let mut c = client(1_000.0);
            c.aum_history[5] = 4_000.0 / 3.0;
            c
        })
        .unwrap(),
        1_000.0 / (4_000.0 / 3.0) - 1.0
    );
    assert_eq!(with_trend(800.0), Lifecycle::Growth); // +25 %: at the growth threshold
    assert_eq!(with_trend(above(800.0)), Lifecycle::Mature); // just under +25 %
    assert_eq!(with_trend(1_000.0), Lifecycle::Mature);
    // A history shorter than the window uses its oldest month.
    let mut c = client(1_000.0);
    c.aum_history = vec![2_000.0, 1_500.0, 1_000.0];
    c.monthly_transactions = vec![2; 3];
    assert_eq!(p.aum_trend(&c).unwrap(), -0.5);
    assert_eq!(p.classify(&c, None).unwrap().lifecycle, Lifecycle::Decline);
    c.aum_history[0] = f64::INFINITY;
    assert!(
        matches!(p.classify(&c, None), Err(Error::NonFinite { field }) if field == "aum_history[0]")
    );
}

#[test]
fn complexity_boundaries() {
    let p = TieringPolicy::default();
    let mut c = client(900.0);
    c.holdings = Holdings::default().with_deposits(450.0).with_funds(450.0);
    assert_eq!(
        p.classify(&c, None).unwrap().complexity,
        NeedComplexity::Single
    );
    c.holdings = Holdings::default()
        .with_deposits(300.0)
        .with_funds(300.0)
        .with_insurance(300.0);
    assert_eq!(
        p.classify(&c, None).unwrap().complexity,
        NeedComplexity::Diverse
    );
    assert_eq!(p.complexity(2), NeedComplexity::Single);
    assert_eq!(p.complexity(3), NeedComplexity::Diverse);
}

#[test]
fn loyalty_boundaries() {
    let p = TieringPolicy::default();
    let base = client(1_000.0); // tenure 60, flat, no complaints
    let loyalty = |c: &ClientRecord, prob: Option<f64>| p.classify(c, prob).unwrap().loyalty;
    assert_eq!(loyalty(&base, None), Loyalty::Loyal);
    // Tenure: 23 months is too young, 24 is enough.
    let mut c = base.clone();
    c.tenure_months = 23;
    assert_eq!(loyalty(&c, None), Loyalty::AtRisk);
    c.tenure_months = 24;
    assert_eq!(loyalty(&c, None), Loyalty::Loyal);
    // Complaints: 1 is tolerated, 2 are not.
    let mut c = base.clone();
    c.complaints_12m = 1;
    assert_eq!(loyalty(&c, None), Loyalty::Loyal);
    c.complaints_12m = 2;
    assert_eq!(loyalty(&c, None), Loyalty::AtRisk);
    // Churn probability: just below 0.25 is loyal, 0.25 is at risk.
    assert_eq!(loyalty(&base, Some(below(0.25))), Loyalty::Loyal);
    assert_eq!(loyalty(&base, Some(0.25)), Loyalty::AtRisk);
    // Trend: −10 % or worse.
    assert_eq!(
        p.loyalty(60, above(-0.10), 0, None).unwrap(),
        Loyalty::Loyal
    );
    assert_eq!(p.loyalty(60, -0.10, 0, None).unwrap(), Loyalty::AtRisk);
    // A probability outside [0, 1] is an error naming it.
    assert!(matches!(
        p.classify(&base, Some(1.5)),
        Err(Error::InvalidInput { field, .. }) if field == "churn_probability"
    ));
    assert!(p.classify(&base, Some(f64::NAN)).is_err());
}

#[test]
fn composite_score_is_the_weighted_sum() {
    let p = TieringPolicy::default();
    // Mid (0.5), low activity (0), mature (1), single (0), loyal (1):
    // 0.35·0.5 + 0.15·0 + 0.15·1 + 0.10·0 + 0.25·1 = 0.575 → priority (≥ 0.50, < 0.75).
    let t = p.classify(&client(1_000_000.0), None).unwrap();
    assert_eq!(
        (t.asset, t.activity, t.lifecycle, t.complexity, t.loyalty),
        (
            AssetTier::MidNetWorth,
            ActivityTier::Low,
            Lifecycle::Mature,
            NeedComplexity::Single,
            Loyalty::Loyal
        )
    );
    assert!((t.composite_score - 0.575).abs() < 1e-12);
    assert_eq!(t.composite, CompositeTier::Priority);
    // Weights from a slice (e.g. AHP priorities): all weight on asset size → 0.5.
    let q = p.clone().with_weights(&[1.0, 0.0, 0.0, 0.0, 0.0]).unwrap();
    let t = q.classify(&client(1_000_000.0), None).unwrap();
    assert_eq!(t.composite_score, 0.5);
    assert_eq!(t.composite, CompositeTier::Priority); // at the cut 0.50
    // Cut boundaries.
    assert_eq!(p.composite_tier(below(0.25)), CompositeTier::Basic);
    assert_eq!(p.composite_tier(0.25), CompositeTier::Standard);
    assert_eq!(p.composite_tier(below(0.75)), CompositeTier::Priority);
    assert_eq!(p.composite_tier(0.75), CompositeTier::Premier);
    // Weights must number five, be finite, non-negative and sum to 1.
    assert!(p.clone().with_weights(&[0.5, 0.5]).is_err());
    assert!(p.clone().with_weights(&[0.3, 0.3, 0.3, 0.3, 0.3]).is_err());
    assert!(p.clone().with_weights(&[1.2, -0.2, 0.0, 0.0, 0.0]).is_err());
    assert!(
        p.clone()
            .with_weights(&[f64::NAN, 0.0, 0.0, 0.0, 1.0])
            .is_err()
    );
}

#[test]
fn policy_validation_and_serde() {
    let p = TieringPolicy::default();
    let json = serde_json::to_string(&p).unwrap();
    let back: TieringPolicy = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    // Missing fields take their defaults.
    let partial: TieringPolicy =
        serde_json::from_str(r#"{"mass_upper": 1000.0, "hnw_lower": 9000.0}"#).unwrap();
    assert_eq!(partial.mass_upper, 1000.0);
    assert_eq!(partial.trend_months, 6);
    // Out-of-order thresholds are rejected on deserialisation, naming the field.
    let err = serde_json::from_str::<TieringPolicy>(r#"{"mass_upper": 6000000.0}"#).unwrap_err();
    assert!(err.to_string().contains("hnw_lower"), "{err}");
    assert!(
        serde_json::from_str::<TieringPolicy>(r#"{"weights": [0.5, 0.5, 0.5, 0.0, 0.0]}"#).is_err()
    );
    assert!(serde_json::from_str::<TieringPolicy>(r#"{"unknown_threshold": 1}"#).is_err());
    let bad = [
        (p.clone()).with_mass_upper(f64::NAN),
        (p.clone()).with_high_activity_per_month(f64::INFINITY),
        (p.clone()).with_new_max_tenure_months(40),
        (p.clone()).with_decline_trend(0.05),
        (p.clone()).with_growth_trend(0.0),
        (p.clone()).with_diverse_min_categories(1),
        (p.clone()).with_at_risk_probability(0.0),
        (p.clone()).with_composite_cuts([0.5, 0.4, 0.8]),
        (p.clone()).with_activity_window_months(0),
    ];
    for b in bad {
        assert!(
            matches!(b.validate(), Err(Error::InvalidConfig { .. })),
            "{b:?}"
        );
    }
}

#[test]
fn catalogue_is_complete_replaceable_data() {
    let c = StrategyCatalogue::default();
    assert_eq!(c.iter().count(), TierLabel::ALL.len());
    for l in TierLabel::ALL {
        assert_eq!(c.get(l).tier, l);
    }
    // Seed guidance reaches the right tiers.
    assert!(c.get(TierLabel::HighNetWorth).summary.contains("advisor"));
    assert!(c.get(TierLabel::Mass).summary.contains("self-service"));
    assert!(c.get(TierLabel::DiverseNeeds).summary.contains("planning"));
    assert!(c.get(TierLabel::AtRisk).summary.contains("problem"));
    // A firm's own catalogue from JSON, in any order.
    let mut v: Vec<Strategy> = c.iter().cloned().collect();
    v.reverse();
    v[0].summary = "Our own approach".into();
    let json = serde_json::to_string(&v).unwrap();
    let own: StrategyCatalogue = serde_json::from_str(&json).unwrap();
    assert_eq!(own.get(v[0].tier).summary, "Our own approach");
    // Duplicates, gaps and empty text are rejected.
    let mut dup = v.clone();
    dup[1].tier = dup[0].tier;
    assert!(StrategyCatalogue::new(dup).is_err());
    let mut gap = v.clone();
    gap.pop();
    assert!(
        serde_json::from_str::<StrategyCatalogue>(&serde_json::to_string(&gap).unwrap()).is_err()
    );
    let mut empty = v.clone();
    empty[2].actions.clear();
    assert!(StrategyCatalogue::new(empty).is_err());
}

#[test]
fn summary_of_a_hand_made_portfolio() {
    let p = TieringPolicy::default();
    // Three clients: mass 100,000, mid 900,000, high-net-worth 9,000,000 (total 10 M).
    let clients = [client(100_000.0), client(900_000.0), client(9_000_000.0)];
    let probs = [0.1, 0.2, 0.6];
    let s = PortfolioSummary::from_clients(&p, &clients, Some(&probs)).unwrap();
    assert_eq!(s.clients, 3);
    assert_eq!(s.total_aum, 10_000_000.0);
    let mass = s.label(TierLabel::Mass);
    assert_eq!(mass.count, 1);
    assert!((mass.aum_share - 0.01).abs() < 1e-15);
    assert_eq!(mass.mean_churn_probability, Some(0.1));
    let hnw = s.label(TierLabel::HighNetWorth);
    assert!((hnw.aum_share - 0.9).abs() < 1e-15);
    // The 0.6 client is at risk by its probability; the others are loyal.
    let at_risk = s.label(TierLabel::AtRisk);
    assert_eq!(
        (at_risk.count, at_risk.mean_churn_probability),
        (1, Some(0.6))
    );
    let loyal = s.label(TierLabel::Loyal);
    assert_eq!(loyal.count, 2);
    assert!((loyal.mean_churn_probability.unwrap() - 0.15).abs() < 1e-15);
    assert!((s.mean_churn_probability.unwrap() - 0.3).abs() < 1e-15);
    // Empty tiers have no mean; every dimension partitions the clients.
    assert_eq!(s.label(TierLabel::New).mean_churn_probability, None);
    let per_dim = |d: &str| -> usize {
        TierLabel::ALL
            .iter()
            .filter(|l| l.dimension() == d)
            .map(|&l| s.label(l).count)
            .sum()
    };
    for d in WEIGHT_NAMES {
        assert_eq!(per_dim(d), 3, "{d}");
    }
    assert_eq!(s.composite.iter().map(|(_, t)| t.count).sum::<usize>(), 3);
    // Without probabilities there is no churn column.
    let s = PortfolioSummary::from_clients(&p, &clients, None).unwrap();
    assert_eq!(s.label(TierLabel::Mass).mean_churn_probability, None);
    // Misaligned probabilities are an error.
    assert!(PortfolioSummary::from_clients(&p, &clients, Some(&[0.1])).is_err());
}

// ---------------------------------------------------------------- RFM

/// Rows of a reference CSV written by tests/data/scripts/segment_reference.py
/// (pandas.qcut for distinct values; numpy quantiles + the documented tie rule for ties).
fn rfm_reference(file: &str) -> Vec<(RfmValues, RfmScore, String)> {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let f = |i: usize| rec[i].parse::<f64>().unwrap();
            let u = |i: usize| rec[i].parse::<u8>().unwrap();
            let v = RfmValues {
                recency_days: f(0),
                frequency: f(1),
                monetary: f(2),
            };
            let seg = rec[6].to_string();
            let score = RfmScore {
                recency: u(3),
                frequency: u(4),
                monetary: u(5),
                segment: RfmSegment::ALL
                    .into_iter()
                    .find(|s| s.name() == seg)
                    .unwrap_or_else(|| panic!("unknown segment {seg}")),
            };
            (v, score, seg)
        })
        .collect()
}

#[test]
fn rfm_scores_match_pandas_qcut() {
    for file in ["segment_rfm.csv", "segment_rfm_ties.csv"] {
        let rows = rfm_reference(file);
        let values: Vec<RfmValues> = rows.iter().map(|r| r.0).collect();
        let model = RfmModel::fit(&values).unwrap();
        for (i, (v, want, name)) in rows.iter().enumerate() {
            let got = model.score(v).unwrap();
            assert_eq!(got, *want, "{file} row {i}");
            assert_eq!(got.segment.name(), name);
        }
    }
}

#[test]
fn rfm_quintile_edges_by_hand() {
    // Recency column of segment_rfm_ties.csv, sorted: 0,0,0,0,10,10,30,30,30,90,180,400.
    // Type-7 quantiles: h = 11p → 2.2, 4.4, 6.6, 8.8 → 0, 10, 30, 30 + 0.8·60 = 78;
    // numpy.quantile gives 78.00000000000004 for the last (rounding of 11 · 0.8).
    let e = quintile_edges(&[0., 0., 0., 0., 10., 10., 30., 30., 30., 90., 180., 400.]).unwrap();
    assert_eq!(e[..3], [0.0, 10.0, 30.0]);
    assert!((e[3] - 78.0).abs() < 1e-12);
    assert_eq!(e[3], 78.00000000000004);
    let model = RfmModel::from_edges(e, [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]).unwrap();
    let score = |r: f64| {
        model
            .score(&RfmValues {
                recency_days: r,
                frequency: 0.0,
                monetary: 0.0,
            })
            .unwrap()
            .recency
    };
    // At an edge a value stays in the lower bin (right-closed); just above it moves up.
    assert_eq!(score(0.0), 5);
    assert_eq!(score(10.0), 4);
    assert_eq!(score(above(10.0)), 3);
    assert_eq!(score(e[3]), 2);
    assert_eq!(score(above(e[3])), 1);
    assert!(quintile_edges(&[]).is_err());
    assert!(quintile_edges(&[1.0, f64::NAN]).is_err());
    // Loading a model with decreasing edges fails.
    let bad =
        r#"{"recency_edges":[3,2,1,0],"frequency_edges":[0,0,0,0],"monetary_edges":[0,0,0,0]}"#;
    assert!(serde_json::from_str::<RfmModel>(bad).is_err());
}

#[test]
fn rfm_grid_covers_every_cell() {
    // The standard R–F grid (see tests/data/scripts/segment_reference.py's SEG_MAP),
    // rows R = 5..1, columns F = 1..5.
    use RfmSegment::*;
    let grid = [
        [
            New,
            PotentialLoyalist,
            PotentialLoyalist,
            Champions,
            Champions,
        ],
        [
            Promising,
            PotentialLoyalist,
            PotentialLoyalist,
            Loyal,
            Loyal,
        ],
        [AboutToSleep, AboutToSleep, NeedAttention, Loyal, Loyal],
        [Hibernating, Hibernating, AtRisk, AtRisk, CantLose],
        [Lost, Hibernating, AtRisk, AtRisk, CantLose],
    ];
    for (ri, row) in grid.iter().enumerate() {
        for (fi, want) in row.iter().enumerate() {
            let (r, f) = (5 - ri as u8, fi as u8 + 1);
            assert_eq!(RfmSegment::from_scores(r, f).unwrap(), *want, "R{r} F{f}");
        }
    }
    let all: std::collections::BTreeSet<_> = grid.iter().flatten().collect();
    assert_eq!(all.len(), RfmSegment::ALL.len());
}

#[test]
fn rfm_on_a_synthetic_portfolio() {
    let p = wealthscore::synth::generate(
        &wealthscore::synth::PortfolioConfig::default().with_clients(2_000),
    )
    .unwrap();
    let (model, scores) = rfm(&p.clients).unwrap();
    // Monetary values are distinct, so each quintile holds a fifth of the clients.
    for s in 1..=5u8 {
        let n = scores.iter().filter(|x| x.monetary == s).count();
        assert_eq!(n, 400, "monetary score {s}");
    }
    // Scoring a client again with the fitted model gives the same scores.
    let again = model
        .score(&RfmValues::from_client(&p.clients[17]))
        .unwrap();
    assert_eq!(again, scores[17]);
}

// ---------------------------------------------------------------- clusters

fn json_file(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn labels_of(v: &serde_json::Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

#[test]
fn ari_matches_sklearn() {
    // tests/data/segment_ari.json: sklearn.metrics.adjusted_rand_score.
    let data = json_file("segment_ari.json");
    let cases = data["cases"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for case in cases {
        let (a, b) = (labels_of(&case["a"]), labels_of(&case["b"]));
        let want = case["ari"].as_f64().unwrap();
        let got = adjusted_rand_index(&a, &b).unwrap();
        assert!((got - want).abs() < 1e-12, "{a:?} {b:?}: {got} vs {want}");
        // Symmetric.
        assert!((adjusted_rand_index(&b, &a).unwrap() - want).abs() < 1e-12);
    }
    assert!(adjusted_rand_index(&[0, 1], &[0]).is_err());
}

#[test]
fn silhouette_matches_sklearn() {
    // tests/data/segment_silhouette.json: sklearn.metrics.silhouette_score.
    let data = json_file("segment_silhouette.json");
    let rows: Vec<Vec<f64>> = data["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        })
        .collect();
    let x = Array2::from_shape_vec((rows.len(), rows[0].len()), rows.concat()).unwrap();
    for case in data["cases"].as_array().unwrap() {
        let labels = labels_of(&case["labels"]);
        let want = case["silhouette"].as_f64().unwrap();
        let got = silhouette(&x, &labels).unwrap();
        assert!((got - want).abs() < 1e-12, "{labels:?}: {got} vs {want}");
    }
    assert!(silhouette(&x, &[0; 12]).is_err()); // one cluster
}

/// `k` Gaussian blobs of `per` points each in `d` dimensions, centres 10 apart, unit spread.
fn blobs(k: usize, per: usize, d: usize, seed: u64) -> (Array2<f64>, Vec<usize>) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut x = Array2::zeros((k * per, d));
    let mut truth = Vec::new();
    for c in 0..k {
        for i in 0..per {
            let row = c * per + i;
            for j in 0..d {
                let centre = if j == c % d { 10.0 } else { 0.0 } + if c >= d { -10.0 } else { 0.0 };
                let e: f64 = rng.sample(StandardNormal);
                x[[row, j]] = centre + e;
            }
            truth.push(c);
        }
    }
    (x, truth)
}

#[test]
fn kmeans_recovers_separated_blobs() {
    let (x, truth) = blobs(4, 150, 3, 11);
    let names = ["a", "b", "c"];
    for selection in [KSelection::Silhouette, KSelection::Elbow] {
        let params = ClusterParams::default()
            .with_k_max(7)
            .with_selection(selection);
        let c = fit_clusters(&x, &names, &params).unwrap();
        assert_eq!(c.k(), 4, "{selection:?}: {:?}", c.candidates);
        let ari = adjusted_rand_index(&truth, &c.labels).unwrap();
        assert!(ari > 0.99, "{selection:?}: ARI {ari}");
        // Same seed, same result.
        let again = fit_clusters(&x, &names, &params).unwrap();
        assert_eq!(again.labels, c.labels);
        // New points are assigned like their blob.
        let model = &c.model;
        model.validate().unwrap();
        let json = serde_json::to_string(model).unwrap();
        let back: ClusterModel = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, model);
        let broken = json.replacen("\"scale\":[", "\"scale\":[-1.0,", 1);
        assert!(serde_json::from_str::<ClusterModel>(&broken).is_err());
        let row: Vec<f64> = x.row(0).to_vec();
        assert_eq!(model.assign(&row).unwrap(), c.labels[0]);
    }
}

#[test]
fn profiles_name_what_is_distinctive() {
    // Two groups differing only in the second feature ("complaints").
    let mut rng = SmallRng::seed_from_u64(5);
    let n = 200;
    let mut x = Array2::zeros((n, 3));
    for i in 0..n {
        for j in 0..3 {
            let e: f64 = rng.sample(StandardNormal);
            x[[i, j]] = 0.3 * e + if j == 1 && i >= 150 { 5.0 } else { 0.0 };
        }
    }
    let names = ["balance", "complaints", "tenure"];
    let c = fit_clusters(&x, &names, &ClusterParams::default().with_k_max(4)).unwrap();
    assert_eq!(c.k(), 2);
    let small = c
        .profiles
        .iter()
        .find(|p| p.size == 50)
        .expect("the 50-point group");
    assert_eq!(small.distinctive[0].feature, "complaints");
    assert!(small.distinctive[0].z > 1.5);
    assert!(small.describe().starts_with("complaints high"));
    assert!((small.share - 0.25).abs() < 1e-12);
}

#[test]
fn clustering_rejects_bad_input() {
    let x = Array2::from_shape_vec((3, 1), vec![0.0, 1.0, f64::NAN]).unwrap();
    assert!(fit_clusters(&x, &["a"], &ClusterParams::default().with_k_max(2)).is_err());
    let x = Array2::from_shape_vec((3, 1), vec![0.0, 1.0, 2.0]).unwrap();
    assert!(fit_clusters(&x, &["a"], &ClusterParams::default()).is_err()); // rows <= k_max
    assert!(fit_clusters(&x, &["a", "b"], &ClusterParams::default().with_k_max(2)).is_err());
    assert!(ClusterParams::default().with_k_min(1).validate().is_err());
    assert!(behaviour_features(&[]).is_err());
}

#[test]
fn clusters_on_a_synthetic_portfolio() {
    let p = wealthscore::synth::generate(
        &wealthscore::synth::PortfolioConfig::default().with_clients(1_500),
    )
    .unwrap();
    let params = ClusterParams::default().with_k_max(5).with_n_init(2);
    let c = cluster_clients(&p.clients, &params).unwrap();
    assert_eq!(c.candidates.len(), 4);
    assert_eq!(c.labels.len(), 1_500);
    assert_eq!(c.profiles.iter().map(|p| p.size).sum::<usize>(), 1_500);
    for prof in &c.profiles {
        assert_eq!(prof.distinctive.len(), 3);
        assert!(BEHAVIOUR_FEATURES.contains(&prof.distinctive[0].feature.as_str()));
    }
}

#[test]
fn clustering_degenerate_data_does_not_panic() {
    // Constant data: every point identical. Either a clustering or an error, never a panic.
    let x = Array2::from_elem((20, 2), 3.0);
    let r = fit_clusters(&x, &["a", "b"], &ClusterParams::default().with_k_max(3));
    if let Ok(c) = r {
        assert_eq!(c.labels.len(), 20);
    }
    // Just more rows than k_max, with duplicates.
    let x = Array2::from_shape_vec((4, 1), vec![1.0, 1.0, 2.0, 2.0]).unwrap();
    let c = fit_clusters(&x, &["a"], &ClusterParams::default().with_k_max(3)).unwrap();
    assert_eq!(c.k(), 2);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn any_f64() -> impl proptest::strategy::Strategy<Value = f64> {
        prop_oneof![
            -1e7..1e10f64,
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(0.0),
            Just(500_000.0)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Whatever the numbers, classify returns a tiering or an error, never panics;
        /// a tiering's composite score is in [0, 1] and matches its tier.
        #[test]
        fn classify_is_total(
            aum in any_f64(),
            hist in proptest::collection::vec(any_f64(), 0..15),
            tx in proptest::collection::vec(0u32..50, 0..15),
            tenure in 0u32..400,
            complaints in 0u32..5,
            prob in proptest::option::of(any_f64()),
        ) {
            let mut c = client(1_000.0);
            c.aum = aum;
            c.aum_history = hist;
            c.monthly_transactions = tx;
            c.tenure_months = tenure;
            c.complaints_12m = complaints;
            let p = TieringPolicy::default();
            if let Ok(t) = p.classify(&c, prob) {
                prop_assert!((0.0..=1.0).contains(&t.composite_score));
                prop_assert_eq!(t.composite, p.composite_tier(t.composite_score));
            }
        }
    }
}

#[test]
fn classify_equals_classify_inputs_on_a_portfolio() {
    let p = wealthscore::synth::generate(
        &wealthscore::synth::PortfolioConfig::default()
            .with_clients(2_000)
            .with_seed(3),
    )
    .unwrap();
    let policy = TieringPolicy::default();
    for (c, t) in p.clients.iter().zip(&p.truth) {
        let a = policy.classify(c, Some(t.probability)).unwrap();
        let b = policy
            .classify_inputs(&policy.inputs(c).unwrap(), Some(t.probability))
            .unwrap();
        assert_eq!(a, b);
        // The asset tier agrees with the tier the generator drew the client in.
        let want = match t.tier {
            wealthscore::synth::GeneratedTier::Mass => AssetTier::Mass,
            wealthscore::synth::GeneratedTier::Mid => AssetTier::MidNetWorth,
            wealthscore::synth::GeneratedTier::HighNetWorth => AssetTier::HighNetWorth,
            other => panic!("tier {other:?} unknown to this test"),
        };
        assert_eq!(a.asset, want, "{}", c.id);
    }
}

#[test]
fn kmeans_matches_sklearn_on_blobs() {
    // tests/data/segment_blobs.csv and segment_blobs_k.json: sklearn make_blobs (5 centres,
    // 4 features), StandardScaler, KMeans(n_init=4) for k = 2..8, silhouette_score.
    let path = format!(
        "{}/tests/data/segment_blobs.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut r = csv::Reader::from_path(path).unwrap();
    let (mut xs, mut truth, mut sk) = (Vec::new(), Vec::new(), Vec::new());
    for rec in r.records() {
        let rec = rec.unwrap();
        for i in 0..4 {
            xs.push(rec[i].parse::<f64>().unwrap());
        }
        truth.push(rec[4].parse::<usize>().unwrap());
        sk.push(rec[5].parse::<usize>().unwrap());
    }
    let x = Array2::from_shape_vec((truth.len(), 4), xs).unwrap();
    let reference = json_file("segment_blobs_k.json");
    let c = fit_clusters(&x, &["x0", "x1", "x2", "x3"], &ClusterParams::default()).unwrap();
    assert_eq!(c.k() as u64, reference["best_k"].as_u64().unwrap());
    assert!(adjusted_rand_index(&truth, &c.labels).unwrap() > 0.99);
    let same = adjusted_rand_index(&sk, &c.labels).unwrap();
    assert!(same > 0.99, "ARI vs sklearn {same}");
    // The same partition as sklearn's at the chosen k, hence the same silhouette.
    let chosen = c.candidates.iter().find(|k| k.k == c.k()).unwrap();
    let want = reference["silhouette"][c.k().to_string()].as_f64().unwrap();
    assert_eq!(same, 1.0);
    assert!(
        (chosen.silhouette - want).abs() < 1e-9,
        "{} vs {want}",
        chosen.silhouette
    );
}

/// Our k-means against smartcore's (the implementation it replaced), kept as a
/// cross-check: the same partition of the reference blobs at k = 5 (ARI 1), and within
/// a small tolerance the same inertia.
#[test]
fn kmeans_agrees_with_smartcore_on_blobs() {
    use smartcore::cluster::kmeans::{KMeans, KMeansParameters};
    let path = format!(
        "{}/tests/data/segment_blobs.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut r = csv::Reader::from_path(path).unwrap();
    let mut xs = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        for i in 0..4 {
            xs.push(rec[i].parse::<f64>().unwrap());
        }
    }
    let x = Array2::from_shape_vec((xs.len() / 4, 4), xs).unwrap();
    let ours = kmeans(x.view(), &KMeansParams::new(5).with_n_init(4)).unwrap();
    let params = KMeansParameters {
        k: 5,
        max_iter: 300,
        seed: Some(42),
    };
    let sc: KMeans<f64, usize, Array2<f64>, ndarray::Array1<usize>> =
        KMeans::fit(&x, params).unwrap();
    let theirs = sc.predict(&x).unwrap().to_vec();
    assert_eq!(adjusted_rand_index(&ours.labels, &theirs).unwrap(), 1.0);
}

/// The result is a fixed point of Lloyd's algorithm, checked by brute force: every
/// label is the nearest centre, every centre the mean of its members, and the inertia
/// their sum of squares. Also on data larger than one parallel chunk, with ties.
#[test]
fn kmeans_is_a_lloyd_fixed_point() {
    for (k, per, d, seed) in [(3, 40, 2, 1u64), (6, 4000, 3, 2), (4, 9000, 5, 3)] {
        let (mut x, _) = blobs(k, per, d, seed);
        // Duplicate rows and a coarse grid make ties.
        x.mapv_inplace(|v| (v * 2.0).round() / 2.0);
        let fit = kmeans(x.view(), &KMeansParams::new(k).with_n_init(2).with_tol(0.0)).unwrap();
        let mut sums = vec![vec![0.0; d]; k];
        let mut counts = vec![0usize; k];
        let mut inertia = 0.0;
        for (row, &l) in x.rows().into_iter().zip(&fit.labels) {
            let dist =
                |c: &Vec<f64>| -> f64 { row.iter().zip(c).map(|(a, b)| (a - b).powi(2)).sum() };
            let own = dist(&fit.centroids[l]);
            let best = fit.centroids.iter().map(dist).fold(f64::INFINITY, f64::min);
            assert!(own <= best * (1.0 + 1e-12) + 1e-12, "label not nearest");
            inertia += own;
            counts[l] += 1;
            for (s, v) in sums[l].iter_mut().zip(row) {
                *s += v;
            }
        }
        for j in 0..k {
            assert!(counts[j] > 0);
            for (s, c) in sums[j].iter().zip(&fit.centroids[j]) {
                assert!(
                    (s / counts[j] as f64 - c).abs() < 1e-9,
                    "centre not the mean"
                );
            }
        }
        assert!((inertia - fit.inertia).abs() <= 1e-9 * inertia);
        // Same seed, same result.
        let again = kmeans(x.view(), &KMeansParams::new(k).with_n_init(2).with_tol(0.0)).unwrap();
        assert_eq!(again, fit);
    }
}

#[test]
fn kmeans_rejects_bad_input() {
    let x = Array2::from_shape_vec((3, 1), vec![0.0, 1.0, f64::NAN]).unwrap();
    match kmeans(x.view(), &KMeansParams::new(2)) {
        Err(Error::NonFinite { field }) => assert_eq!(field, "x[2][0]"),
        other => panic!("{other:?}"),
    }
    let x = Array2::from_shape_vec((2, 1), vec![0.0, 1.0]).unwrap();
    assert!(kmeans(x.view(), &KMeansParams::new(3)).is_err());
    assert!(kmeans(x.view(), &KMeansParams::new(0)).is_err());
    assert!(kmeans(x.view(), &KMeansParams::new(1).with_tol(f64::NAN)).is_err());
    let fit = kmeans(x.view(), &KMeansParams::new(1)).unwrap();
    assert_eq!(fit.centroids, vec![vec![0.5]]);
}
