//! Property tests of the composed scorer: no panic on arbitrary records, invariants on
//! every assessment, batch equals per-client, and a serialised scorer scores the same.

use proptest::prelude::*;
use std::sync::LazyLock;
use wealthscore::ClientRecord;
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::{ChurnModel, Fit};
use wealthscore::scorer::{Scorer, ScorerConfig};

static SCORER: LazyLock<Scorer> = LazyLock::new(|| {
    let book = wealthscore::synth::generate(
        &wealthscore::synth::PortfolioConfig::default()
            .with_clients(5_000)
            .with_seed(77),
    )
    .unwrap();
    let m = LogisticModel::fit_records(&LogisticParams::default(), &book.clients).unwrap();
    Scorer::new(ScorerConfig::with_model(ChurnModel::Logistic(m))).unwrap()
});

static RELOADED: LazyLock<Scorer> =
    LazyLock::new(|| Scorer::from_json(&serde_json::to_string(SCORER.config()).unwrap()).unwrap());

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => -2.0f64..2.0,
        3 => 0.0f64..1e10,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(1e300),
        1 => Just(0.0),
    ]
}

prop_compose! {
    fn mutated()(
        seed in 0u64..1_000_000,
        aum in any_f64(),
        scale in proptest::collection::vec(any_f64(), 12),
        tx in proptest::collection::vec(0u32..10_000, 12),
        months in 1usize..=12,
        fee in any_f64(),
        ret in any_f64(),
        complaints in 0u32..50,
        contacts in 0u32..50,
        days in 0u32..5_000,
        out in any_f64(),
        answers in proptest::option::of(proptest::collection::vec(proptest::option::of(0u8..7), 5)),
    ) -> ClientRecord {
        let mut c = wealthscore::synth::generate(&wealthscore::synth::PortfolioConfig::default().with_clients(1).with_seed(seed)).unwrap().clients.remove(0);
        c.tenure_months = c.tenure_months.max(12);
        c.aum_history = scale[..months].iter().map(|s| s.abs() * 1e5).collect();
        c.monthly_transactions = tx[..months].to_vec();
        if aum.is_finite() && aum >= 0.0 {
            // Keep holdings consistent so that the record can be valid.
            c.aum = aum;
            c.holdings = wealthscore::client::Holdings::default().with_deposits(aum);
        } else {
            c.aum = aum;
        }
        c.fee_rate = fee.abs() / 10.0;
        c.return_vs_benchmark_12m = ret / 4.0;
        c.complaints_12m = complaints;
        c.advisor_contacts_180d = contacts;
        c.days_since_last_activity = days;
        c.transfer_out_amount_90d = out.abs();
        c.transfers_out_90d = u32::from(out != 0.0);
        c.survey = answers.map(|a| wealthscore::client::SurveyAnswers::default()
            .with_service_quality(a[0]).with_product(a[1]).with_experience(a[2])
            .with_competence(a[3]).with_risk_control(a[4]));
        c
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn assessments_are_sane_or_errors(c in mutated()) {
        match SCORER.assess(&c) {
            Ok(a) => {
                prop_assert!(c.validate().is_ok());
                prop_assert!((0.0..=1.0).contains(&a.churn_probability));
                prop_assert!(a.clv.is_finite() && a.clv >= 0.0);
                prop_assert!(a.expected_value_lost.is_finite());
                let b: f64 = a.satisfaction.b.iter().sum();
                prop_assert!((b - 1.0).abs() < 1e-9, "B sums to {}", b);
                prop_assert!(a.satisfaction.score.is_finite());
                for r in a.reasons.iter().flatten() {
                    prop_assert!(r.contribution > 0.0 && r.contribution.is_finite());
                }
                for act in a.actions.iter().flatten() {
                    prop_assert!(act.value_saved > 0.0 && act.value_saved.is_finite());
                }
                // Serialise → deserialise → same scores.
                prop_assert_eq!(RELOADED.assess(&c), Ok(a));
            }
            Err(_) => prop_assert!(c.validate().is_err() || !c.aum.is_finite() || c.aum > 1e12),
        }
    }

    #[test]
    fn batch_equals_per_client(cs in proptest::collection::vec(mutated(), 1..8)) {
        let batch = SCORER.assess_batch(&cs);
        for (c, b) in cs.iter().zip(&batch) {
            prop_assert_eq!(&SCORER.assess(c), b);
        }
    }
}
