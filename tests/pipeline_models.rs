//! The schema pipeline's model choices: `auto` (model selection), monotone constraints
//! declared in the schema, the model card saved with the pipeline, and out-of-time splits
//! on the schema's `as_of` column.

use wealthscore::churn::boost::BoostParams;
use wealthscore::churn::eval::roc_auc;
use wealthscore::churn::logistic::LogisticParams;
use wealthscore::churn::select::{Candidate, SelectionParams};
use wealthscore::schema::{
    FittedPipeline, ModelParams, PipelineConfig, Schema, Table, out_of_time,
};
use wealthscore::synth::{PortfolioConfig, SynthDrift, core_banking, generate};

fn core_banking_schema(extra: &str) -> Schema {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/schemas/core_banking.json"
    );
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cols = v["columns"].as_array_mut().unwrap();
    cols.push(
        serde_json::json!({"name": "SNAP_DT", "type": "date", "role": "info", "meaning": "as_of"}),
    );
    if !extra.is_empty() {
        for c in cols.iter_mut() {
            if c["name"] == extra {
                c["monotone"] = "increasing".into();
            }
        }
    }
    Schema::from_json(&v.to_string()).unwrap()
}

fn export(n: usize, seed: u64, drift: bool) -> String {
    let cfg = PortfolioConfig::default()
        .with_clients(n)
        .with_seed(seed)
        .with_drift(drift.then(SynthDrift::default));
    let mut out = Vec::new();
    core_banking::write_csv(
        &mut out,
        &generate(&cfg).unwrap(),
        &core_banking::ExportConfig::default(),
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

fn small_selection() -> SelectionParams {
    SelectionParams::default()
        .with_folds(3, 7)
        .with_candidates(vec![
            Candidate::logistic("logistic", LogisticParams::default()),
            Candidate::boosted("boosted", BoostParams::default().with_trees(20)),
        ])
}

#[test]
fn auto_model_is_chosen_saved_and_reloaded_bitwise() {
    let schema = core_banking_schema("");
    let table = Table::read_csv(export(3_000, 11, false).as_bytes(), &schema).unwrap();
    let config = PipelineConfig::with_model(ModelParams::Auto(small_selection()));
    let fitted = FittedPipeline::fit(schema, &table, &config).unwrap();
    let sel = fitted.selection.as_ref().unwrap();
    // Two candidates and their blend, each with 3 fold AUCs.
    assert_eq!(sel.results.len(), 3);
    assert!(sel.results.iter().all(|r| r.fold_auc.len() == 3));
    assert!(sel.to_text().contains("chose "));
    let p = fitted.pipeline;
    assert_eq!(p.model().kind(), "selected");
    let back = FittedPipeline::from_json(&p.to_json().unwrap()).unwrap();
    assert_eq!(back.fingerprint(), p.fingerprint());
    let (a, b) = (p.predict(&table).unwrap(), back.predict(&table).unwrap());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.as_ref().unwrap().to_bits(), y.as_ref().unwrap().to_bits());
    }
    // The assessment reads the same model.
    let assessed = back.assess(&table).unwrap();
    let first = assessed[0].as_ref().unwrap();
    assert_eq!(
        first.churn_probability.to_bits(),
        a[0].as_ref().unwrap().to_bits()
    );
}

#[test]
fn a_selected_model_cannot_nest_another() {
    let schema = core_banking_schema("");
    let table = Table::read_csv(export(1_500, 12, false).as_bytes(), &schema).unwrap();
    let config = PipelineConfig::with_model(ModelParams::Auto(small_selection()));
    let p = FittedPipeline::fit(schema, &table, &config)
        .unwrap()
        .pipeline;
    let model = serde_json::to_value(p.model()).unwrap();
    let nested = serde_json::json!({"kind": "selected", "model":
        {"name": "nested", "members": [model], "calibrator": null}});
    let err = wealthscore::churn::ChurnModel::from_json(&nested.to_string()).unwrap_err();
    assert!(err.to_string().contains("cannot hold another"), "{err}");
}

/// Probabilities of the first `rows` clients with the column set to `v` in every row.
fn with_column(csv: &str, column: &str, v: u32, rows: usize) -> String {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let header = r.headers().unwrap().clone();
    let j = header.iter().position(|h| h == column).unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for rec in r.records().take(rows) {
        let mut cells: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        cells[j] = v.to_string();
        w.write_record(&cells).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

#[test]
fn a_monotone_column_in_the_schema_binds_the_boosted_model() {
    // Closed-form property: with `CMPL_CNT` declared increasing, raising it never lowers
    // any client's probability.
    let schema = core_banking_schema("CMPL_CNT");
    let csv = export(4_000, 13, false);
    let table = Table::read_csv(csv.as_bytes(), &schema).unwrap();
    let config =
        PipelineConfig::with_model(ModelParams::Boosted(BoostParams::default().with_trees(40)));
    let p = FittedPipeline::fit(schema.clone(), &table, &config)
        .unwrap()
        .pipeline;
    let drops = |p: &FittedPipeline, schema: &Schema| {
        let mut last: Option<Vec<f64>> = None;
        let mut drops = 0;
        for v in 0..8 {
            let csv = with_column(&csv, "CMPL_CNT", v, 200);
            let t = Table::read_csv(csv.as_bytes(), schema).unwrap();
            let probs: Vec<f64> = p
                .predict(&t)
                .unwrap()
                .into_iter()
                .map(|r| r.unwrap())
                .collect();
            if let Some(prev) = &last {
                drops += prev.iter().zip(&probs).filter(|(a, b)| b < a).count();
            }
            last = Some(probs);
        }
        drops
    };
    assert_eq!(drops(&p, &schema), 0);
    // `predict` scores the boosted model in batches; the assessment walks one row at a
    // time: the same bits.
    let batch = p.predict(&table).unwrap();
    for (b, a) in batch.iter().zip(p.assess(&table).unwrap()) {
        let (b, a) = (b.as_ref().unwrap(), a.unwrap());
        assert_eq!(b.to_bits(), a.churn_probability.to_bits());
    }
    // The model card records the settings in effect, constraint included.
    let params = p.card().unwrap().parameters.to_string();
    assert!(params.contains("\"increasing\""), "{params}");
    // Without the key the same fit lets more complaints lower some probabilities, so the
    // check above has teeth.
    let free = core_banking_schema("");
    let t = Table::read_csv(csv.as_bytes(), &free).unwrap();
    let q = FittedPipeline::fit(free.clone(), &t, &config)
        .unwrap()
        .pipeline;
    assert!(drops(&q, &free) > 0);
    // Auto keeps only the boosted candidates, which enforce it.
    let config = PipelineConfig::with_model(ModelParams::Auto(small_selection()));
    let fitted = FittedPipeline::fit(schema, &table, &config).unwrap();
    let names: Vec<&str> = fitted
        .selection
        .as_ref()
        .unwrap()
        .results
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(names, ["boosted"]);
}

fn tiny(monotone: &str) -> (Schema, Table) {
    let schema = Schema::from_json(&format!(
        r#"{{"columns": [
        {{"name": "id", "type": "text", "role": "id"}},
        {{"name": "left", "type": "boolean", "role": "label"}},
        {{"name": "logins", "type": "integer", "monotone": "{monotone}"}},
        {{"name": "calls", "type": "integer"}}]}}"#
    ))
    .unwrap();
    // Fewer logins, more churn: the opposite of "increasing".
    let mut csv = String::from("id,left,logins,calls\n");
    for i in 0..300 {
        let logins = i % 10;
        let left = logins < 4 || i % 13 == 0;
        csv += &format!("c{i},{left},{logins},{}\n", i % 3);
    }
    let t = Table::read_csv(csv.as_bytes(), &schema).unwrap();
    (schema, t)
}

#[test]
fn a_logistic_fit_that_contradicts_a_monotone_column_fails_naming_it() {
    let (schema, table) = tiny("increasing");
    let err = FittedPipeline::fit(schema, &table, &PipelineConfig::default()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("`logins`") && msg.contains("monotone increasing"),
        "{msg}"
    );
    // Declared the way the data go, the same fit succeeds.
    let (schema, table) = tiny("decreasing");
    FittedPipeline::fit(schema, &table, &PipelineConfig::default()).unwrap();
}

#[test]
fn a_forest_refuses_monotone_columns() {
    let (schema, table) = tiny("decreasing");
    let config = PipelineConfig::with_model(ModelParams::from_name("forest").unwrap());
    let err = FittedPipeline::fit(schema, &table, &config).unwrap_err();
    assert!(err.to_string().contains("columns.logins.monotone"), "{err}");
}

#[test]
fn monotone_and_as_of_keys_are_checked() {
    let bad = [
        (
            r#"{"name": "plan", "type": "category", "monotone": "increasing"}"#,
            "`plan`.monotone",
        ),
        (
            r#"{"name": "n", "type": "integer", "transform": {"bins": {"edges": [1, 2]}}, "monotone": "increasing"}"#,
            "`n`.monotone",
        ),
        (
            r#"{"name": "n", "type": "integer", "monotone": "none"}"#,
            "`n`.monotone",
        ),
        (
            r#"{"name": "n", "type": "integer", "monotone": "up"}"#,
            "unknown variant `up`",
        ),
        (
            r#"{"name": "n", "type": "integer", "meaning": "as_of"}"#,
            "as_of needs a date column",
        ),
    ];
    for (column, want) in bad {
        let json = format!(r#"{{"columns": [{{"name": "x", "type": "number"}}, {column}]}}"#);
        let err = Schema::from_json(&json).unwrap_err().to_string();
        assert!(err.contains(want), "{column}: {err}");
    }
    let two = r#"{"columns": [{"name": "x", "type": "number"},
        {"name": "a", "type": "date", "role": "info", "meaning": "as_of"},
        {"name": "b", "type": "date", "role": "info", "meaning": "as_of"}]}"#;
    let err = Schema::from_json(two).unwrap_err().to_string();
    assert!(err.contains("second as_of"), "{err}");
}

#[test]
fn the_model_card_is_saved_with_the_pipeline_and_checked_on_load() {
    let schema = core_banking_schema("");
    let csv = export(2_000, 14, false);
    let table = Table::read_csv(csv.as_bytes(), &schema).unwrap();
    let (train, test): (Vec<usize>, Vec<usize>) = (0..2_000).partition(|i| i % 4 != 0);
    let mut p = FittedPipeline::fit(
        schema,
        &table.take(&train).unwrap(),
        &PipelineConfig::default(),
    )
    .unwrap()
    .pipeline;
    let card = p.card().unwrap().clone();
    assert_eq!(card.training_rows, 1_500);
    assert_eq!(card.model, "logistic");
    assert_eq!(card.crate_version, env!("CARGO_PKG_VERSION"));
    // Every synthetic row is observed on the export's snapshot date.
    assert_eq!(
        card.training_period,
        Some(("2026-10-31".to_string(), "2026-10-31".to_string()))
    );
    assert!(card.test.is_none());
    // The test metrics recorded are those of the test rows, computed here independently.
    let test_table = table.take(&test).unwrap();
    let probs: Vec<f64> = p
        .predict(&test_table)
        .unwrap()
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let label = test_table.column("CHURN_FLG").unwrap();
    let y: Vec<bool> = (0..test.len())
        .map(|i| label.number(i) == Some(1.0))
        .collect();
    let auc = p
        .record_test(&test_table)
        .unwrap()
        .test
        .clone()
        .unwrap()
        .roc_auc;
    assert_eq!(auc, roc_auc(&probs, &y).unwrap());
    let json = p.to_json().unwrap();
    let back = FittedPipeline::from_json(&json).unwrap();
    assert_eq!(back.card(), p.card());
    // A card that does not describe the model is refused.
    let sha = &p.card().unwrap().model_sha256;
    let edited = json.replace(sha.as_str(), &"0".repeat(64));
    let err = FittedPipeline::from_json(&edited).unwrap_err();
    assert!(err.to_string().contains("model card"), "{err}");
}

#[test]
fn out_of_time_split_and_backtest_on_the_as_of_column() {
    // The drifting book: 12 monthly cohorts from the snapshot 2026-10-31; the churn
    // mechanism shifts after month 8 (2027-06).
    let schema = core_banking_schema("");
    let table = Table::read_csv(export(6_000, 15, true).as_bytes(), &schema).unwrap();
    let split = out_of_time(&schema, &table, "2027-06-30").unwrap();
    assert_eq!(split.column, "SNAP_DT");
    assert_eq!(split.train.len() + split.test.len(), 6_000);
    assert_eq!(split.test.len(), 1_500); // months 9..=11 of 12 equal cohorts
    let train = table.take(&split.train).unwrap();
    let test = table.take(&split.test).unwrap();
    let p = FittedPipeline::fit(schema.clone(), &train, &PipelineConfig::default())
        .unwrap()
        .pipeline;
    let card = p.card().unwrap();
    assert_eq!(
        card.training_period,
        Some(("2026-10-31".to_string(), "2027-06-30".to_string()))
    );
    let b = p.backtest(&train, &test).unwrap();
    assert_eq!(b.train_until, 202706);
    let months: Vec<i64> = b.periods.iter().map(|r| r.period).collect();
    assert_eq!(months, [202707, 202708, 202709]);
    // Each month's AUC is that of its own rows.
    let all: Vec<f64> = p
        .predict(&test)
        .unwrap()
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let label = test.column("CHURN_FLG").unwrap();
    let date = test.column("SNAP_DT").unwrap();
    for r in &b.periods {
        let rows: Vec<usize> = (0..test.n_rows())
            .filter(|&i| {
                date.display(i)
                    .is_some_and(|d| d.replace('-', "")[..6] == r.period.to_string())
            })
            .collect();
        let s: Vec<f64> = rows.iter().map(|&i| all[i]).collect();
        let y: Vec<bool> = rows.iter().map(|&i| label.number(i) == Some(1.0)).collect();
        assert_eq!(r.rows, rows.len());
        assert_eq!(r.auc, Some(roc_auc(&s, &y).unwrap()));
    }
    // A cut-off outside the data is refused with the dates it would leave.
    let err = out_of_time(&schema, &table, "2030-01-01").unwrap_err();
    assert!(err.to_string().contains("0 test rows"), "{err}");
}

#[test]
fn a_tree_model_that_never_splits_is_refused_with_the_setting_to_change() {
    let schema = core_banking_schema("");
    // 30 rows: fewer than the 2 × 20 a split of the default `min_samples_leaf` needs.
    let table = Table::read_csv(export(30, 5, false).as_bytes(), &schema).unwrap();
    for params in [
        ModelParams::Boosted(BoostParams::default()),
        ModelParams::Forest(wealthscore::churn::forest::ForestParams::default()),
    ] {
        match FittedPipeline::fit(schema.clone(), &table, &PipelineConfig::with_model(params)) {
            Err(wealthscore::Error::Fit { reason, .. }) => {
                assert!(reason.contains("`min_samples_leaf` = 20"), "{reason}")
            }
            other => panic!("expected a fit error, got {other:?}"),
        }
    }
    // With leaves of one row the same data splits.
    let small = BoostParams::default().with_min_samples_leaf(1);
    let config = PipelineConfig::with_model(ModelParams::Boosted(small));
    assert!(FittedPipeline::fit(schema, &table, &config).is_ok());
}
