//! Seeds of the fuzz corpora (`fuzz/seeds`): real files of each model kind and a real
//! scorer configuration, so that fuzzing starts from valid inputs.
//!
//! `cargo test --test fuzz_seeds -- --ignored` writes them; the test that is not ignored
//! checks that the committed seeds still load, so a format change that would leave the
//! fuzzers starting from invalid files fails here.

use std::path::PathBuf;
use wealthscore::churn::boost::{BoostParams, BoostedModel};
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::scorecard::Scorecard;
use wealthscore::churn::{ChurnModel, Fit};
use wealthscore::schema::{FittedPipeline, ModelParams, PipelineConfig, Schema, Table};
use wealthscore::synth::{PortfolioConfig, core_banking, generate};
use wealthscore::{Scorer, ScorerConfig};

fn seeds() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds")
}

const MODELS: [&str; 4] = [
    "logistic.json",
    "forest.json",
    "scorecard.json",
    "boosted.json",
];
const SCORERS: [&str; 3] = [
    "scorer_logistic.json",
    "scorer_forest.json",
    "scorer_boosted.json",
];
/// Seeds of `schema_pipeline`: fitted pipeline files, and schema + `=====` + CSV inputs.
const PIPELINES: [&str; 3] = [
    "pipeline_logistic.json",
    "pipeline_forest.json",
    "pipeline_boosted.json",
];
const SCHEMA_TABLES: [&str; 1] = ["core_banking.txt"];

fn core_banking_schema() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/schemas/core_banking.json");
    std::fs::read_to_string(path).unwrap()
}

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
    let boost = BoostParams::default().with_trees(4).with_seed(5);
    let boosted = BoostedModel::fit_records(&boost, &book).unwrap();
    let models = [
        ChurnModel::Logistic(lr),
        ChurnModel::Forest(forest),
        ChurnModel::Scorecard(Scorecard::default()),
        ChurnModel::Boosted(boosted),
    ];
    let dir = seeds().join("model_json");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, m) in MODELS.iter().zip(&models) {
        std::fs::write(dir.join(name), m.to_json().unwrap()).unwrap();
    }
    for (name, m) in SCORERS.iter().zip([&models[0], &models[1], &models[3]]) {
        let cfg = serde_json::to_string_pretty(&ScorerConfig::with_model(m.clone())).unwrap();
        assert!(cfg.len() < 65_536, "{name}: {} bytes", cfg.len());
        std::fs::write(dir.join(name), cfg).unwrap();
    }
    let policy = serde_json::to_string_pretty(&wealthscore::TieringPolicy::default()).unwrap();
    std::fs::write(dir.join("tiering.json"), policy).unwrap();

    let dir = seeds().join("schema_pipeline");
    std::fs::create_dir_all(&dir).unwrap();
    let schema_json = core_banking_schema();
    let mut csv = Vec::new();
    let small = generate(&PortfolioConfig::default().with_clients(120).with_seed(3)).unwrap();
    core_banking::write_csv(&mut csv, &small, &core_banking::ExportConfig::default()).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let seed = format!("{}\n=====\n{csv}", schema_json.trim_end());
    assert!(
        seed.len() < 65_536,
        "core_banking.txt: {} bytes",
        seed.len()
    );
    std::fs::write(dir.join(SCHEMA_TABLES[0]), seed).unwrap();
    let schema = Schema::from_json(&schema_json).unwrap();
    let table = Table::read_csv(csv.as_bytes(), &schema).unwrap();
    let kinds = [
        ModelParams::from_name("logistic").unwrap(),
        ModelParams::Forest(params),
        ModelParams::Boosted(boost),
    ];
    for (name, model) in PIPELINES.iter().zip(kinds) {
        let config = PipelineConfig::with_model(model);
        let p = FittedPipeline::fit(schema.clone(), &table, &config)
            .unwrap()
            .pipeline;
        let json = p.to_json().unwrap();
        assert!(json.len() < 65_536, "{name}: {} bytes", json.len());
        std::fs::write(dir.join(name), json).unwrap();
    }
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

    let dir = seeds().join("schema_pipeline");
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    for name in PIPELINES {
        let text = read(name);
        assert!(text.len() < 65_536, "{name} exceeds the fuzzers' -max_len");
        FittedPipeline::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for name in SCHEMA_TABLES {
        let text = read(name);
        let (schema, csv) = text.split_once("\n=====\n").expect("separator line");
        let schema = Schema::from_json(schema).unwrap_or_else(|e| panic!("{name}: {e}"));
        let table = Table::read_csv(csv.as_bytes(), &schema).unwrap();
        assert!(
            table.n_rows() > 100 && table.row_errors().is_empty(),
            "{name}"
        );
    }
}
