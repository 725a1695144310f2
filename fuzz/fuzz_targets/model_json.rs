#![no_main]
//! Model files and scorer configurations from arbitrary JSON: validated on load, bounded
//! in memory, and a loaded model scores a valid client without panicking.
use libfuzzer_sys::fuzz_target;
use wealthscore::churn::ChurnModel;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(m) = ChurnModel::from_json(text) {
        let _ = m.predict_records(&[wealthscore::ClientRecord::example()]);
    }
    if let Ok(s) = wealthscore::scorer::Scorer::from_json(text) {
        let _ = s.assess(&wealthscore::ClientRecord::example());
    }
    let _ = serde_json::from_str::<wealthscore::TieringPolicy>(text);
    let _ = serde_json::from_str::<wealthscore::fuzzy::SatisfactionConfig>(text);
});
