#![no_main]
//! Client records from arbitrary CSV: a result per row, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(rows) = wealthscore::client::read_csv(data) {
        for r in rows.into_iter().flatten() {
            assert!(r.validate().is_ok());
        }
    }
});
