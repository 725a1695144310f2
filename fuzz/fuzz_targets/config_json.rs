#![no_main]
//! Configurations from arbitrary JSON: validated on load, never a panic.
use libfuzzer_sys::fuzz_target;
use wealthscore::retention::ActionCatalogue;
use wealthscore::synth::PortfolioConfig;

fuzz_target!(|data: &[u8]| {
    if let Ok(cat) = serde_json::from_slice::<ActionCatalogue>(data) {
        assert!(ActionCatalogue::new(cat.actions().to_vec()).is_ok());
    }
    if let Ok(cfg) = serde_json::from_slice::<PortfolioConfig>(data)
        && cfg.validate().is_ok()
    {
        let n = cfg.clients.min(20);
        let small = cfg.with_clients(n);
        let _ = wealthscore::synth::generate(&small);
    }
});
