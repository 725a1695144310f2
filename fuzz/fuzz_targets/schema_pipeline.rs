#![no_main]
//! Schemas, tables and fitted pipelines from arbitrary bytes. The input is either a
//! pipeline file, or a schema and a CSV table separated by a line `=====`: the table is
//! read with the schema, a pipeline fitted on it and every row assessed. Never a panic,
//! and a row's error never takes another row with it.
use libfuzzer_sys::fuzz_target;
use wealthscore::schema::{FittedPipeline, PipelineConfig, Schema, Table};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(p) = FittedPipeline::from_json(text) {
        let _ = p.to_json();
        return;
    }
    let Some((schema, csv)) = text.split_once("\n=====\n") else { return };
    let Ok(schema) = Schema::from_json(schema) else { return };
    let Ok(table) = Table::read_csv(csv.as_bytes(), &schema) else { return };
    if table.n_rows() > 2_000 {
        return;
    }
    if let Ok(fitted) = FittedPipeline::fit(schema, &table, &PipelineConfig::default()) {
        let p = fitted.pipeline;
        if let Ok(rows) = p.assess(&table) {
            assert_eq!(rows.len(), table.n_rows());
            for a in rows.into_iter().flatten() {
                assert!((0.0..=1.0).contains(&a.churn_probability));
                let _ = p.describe(&a);
            }
        }
        if let Ok(json) = p.to_json() {
            assert!(FittedPipeline::from_json(&json).is_ok());
        }
    }
});
