//! Seeds of the fuzz corpora (`fuzz/seeds`): real files of each model kind and a real
//! scorer configuration, so that fuzzing starts from valid inputs.
//!
//! `cargo test --test fuzz_seeds -- --ignored` writes them; the test that is not ignored
//! checks that the committed seeds still load, so a format change that would leave the
//! fuzzers starting from invalid files fails here.

use std::path::PathBuf;
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::scorecard::Scorecard;
use wealthscore::churn::{ChurnModel, Fit};
use wealthscore::synth::{PortfolioConfig, generate};
use wealthscore::{Scorer, ScorerConfig};

fn seeds() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds")
}

const MODELS: [&str; 3] = ["logistic.json", "forest.json", "scorecard.json"];
const SCORERS: [&str; 2] = ["scorer_logistic.json", "scorer_forest.json"];

#[test]
#[ignore = "writes fuzz/seeds; run by hand when the file formats change"]
fn write_fuzz_seeds() {
    let book = generate(&PortfolioConfig::default().with_clients(3_000).with_seed(17))
        .unwrap()
        .clients;
    let lr = LogisticModel::fit_records(&LogisticParams::default(), &book).unwrap();
    // Small enough to stay under the fuzzers' 64 KiB input limit.
    let params = ForestParams::default()
        .with_n_trees(4)
        .with_max_depth(4)
        .with_seed(5);
    let forest = ForestModel::fit_records(&params, &book).unwrap();
    let models = [
        ChurnModel::Logistic(lr),
        ChurnModel::Forest(forest),
        ChurnModel::Scorecard(Scorecard::default()),
    ];
    let dir = seeds().join("model_json");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, m) in MODELS.iter().zip(&models) {
        std::fs::write(dir.join(name), m.to_json().unwrap()).unwrap();
    }
    for (name, m) in SCORERS.iter().zip(&models) {
        let cfg = serde_json::to_string_pretty(&ScorerConfig::with_model(m.clone())).unwrap();
        assert!(cfg.len() < 65_536, "{name}: {} bytes", cfg.len());
        std::fs::write(dir.join(name), cfg).unwrap();
    }
    let policy = serde_json::to_string_pretty(&wealthscore::TieringPolicy::default()).unwrap();
    std::fs::write(dir.join("tiering.json"), policy).unwrap();
    committed_fuzz_seeds_load();
}

#[test]
fn committed_fuzz_seeds_load() {
    let dir = seeds().join("model_json");
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    for name in MODELS {
        let m = ChurnModel::from_json(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let p = m
            .predict_records(&[wealthscore::ClientRecord::example()])
            .unwrap();
        assert!(p[0] > 0.0 && p[0] < 1.0, "{name}");
    }
    for name in SCORERS {
        let s = Scorer::from_json(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        s.assess(&wealthscore::ClientRecord::example()).unwrap();
        assert!(
            read(name).len() < 65_536,
            "{name} exceeds the fuzzers' -max_len"
        );
    }
    wealthscore::json::from_str::<wealthscore::TieringPolicy>(&read("tiering.json")).unwrap();
}
