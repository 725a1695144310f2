//! Property tests: no panic on arbitrary input, and invariants, for the record, the
//! generator and retention.

use proptest::prelude::*;
use wealthscore::ChurnCause;
use wealthscore::ClientRecord;
use wealthscore::retention::{ActionCatalogue, ClientRisk};
use wealthscore::segment::AssetTier;

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -1e12f64..1e12,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => Just(f64::MAX),
        1 => Just(f64::MIN_POSITIVE),
    ]
}

prop_compose! {
    fn any_record()(
        age in 0u32..200,
        tenure in 0u32..1000,
        aum in any_f64(),
        hist in proptest::collection::vec(any_f64(), 0..30),
        tx in proptest::collection::vec(0u32..1000, 0..30),
        fee in any_f64(),
        ret in any_f64(),
        share in any_f64(),
        days in 0u32..100_000,
        amount in any_f64(),
        n_out in 0u32..10,
        answer in 0u8..8,
    ) -> ClientRecord {
        let mut c = ClientRecord::example();
        c.age = age;
        c.tenure_months = tenure;
        c.aum = aum;
        c.aum_history = hist;
        c.monthly_transactions = tx;
        c.fee_rate = fee;
        c.return_vs_benchmark_12m = ret;
        c.digital_share = share;
        c.days_since_last_activity = days;
        c.transfer_out_amount_90d = amount;
        c.transfers_out_90d = n_out;
        if let Some(s) = c.survey.as_mut() { s.product = Some(answer); }
        c
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn validate_never_panics_and_valid_records_are_finite(c in any_record()) {
        if c.validate().is_ok() {
            prop_assert!(c.aum.is_finite() && c.aum >= 0.0);
            prop_assert!(c.aum_history.iter().all(|x| x.is_finite() && *x >= 0.0));
            prop_assert_eq!(c.aum_history.len(), c.monthly_transactions.len());
            // A valid record gives a finite true logit.
            prop_assert!(wealthscore::synth::churn_logit(&c).is_finite());
        }
    }

    #[test]
    fn valid_records_round_trip_through_csv(c in any_record()) {
        if c.validate().is_ok() {
            let mut buf = Vec::new();
            wealthscore::client::write_csv(&mut buf, std::slice::from_ref(&c)).unwrap();
            let rows = wealthscore::client::read_csv(buf.as_slice()).unwrap();
            prop_assert_eq!(rows[0].as_ref().unwrap(), &c);
        }
    }

    #[test]
    fn csv_reader_never_panics_on_garbage(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = wealthscore::client::read_csv(bytes.as_slice());
        let _ = wealthscore::client::read_json(bytes.as_slice());
    }

    #[test]
    fn ranking_never_panics_and_values_are_positive_and_sorted(
        p in any_f64(), clv in any_f64(), aum in any_f64(), r in any_f64(), hnw in any::<bool>()
    ) {
        let reasons = [(ChurnCause::Service, r), (ChurnCause::Fees, 0.5)];
        let tier = if hnw { AssetTier::HighNetWorth } else { AssetTier::Mass };
        let c = ClientRisk::new("C", p, clv, aum, &reasons, tier);
        if let Ok(ranked) = ActionCatalogue::default().rank(&c) {
            let v: Vec<f64> = ranked.iter().flatten().map(|a| a.value_saved).collect();
            prop_assert!(v.iter().all(|x| x.is_finite() && *x > 0.0));
            prop_assert!(v.windows(2).all(|w| w[0] >= w[1]));
        }
    }
}
