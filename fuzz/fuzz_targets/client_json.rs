#![no_main]
//! Client records from arbitrary JSON: a result or an error, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(rows) = wealthscore::client::read_json(data) {
        for r in rows.into_iter().flatten() {
            assert!(r.validate().is_ok());
            let _ = wealthscore::synth::mechanism::churn_logit(&r);
        }
    }
});
