//! A synthetic core-banking book, its fitted pipeline and its Parquet files, shared by the
//! tests, the `sql_scoring` example and the bench.
#![allow(dead_code)]

use std::path::Path;
use wealthscore::schema::parquet::ParquetSink;
use wealthscore::schema::{FittedPipeline, PipelineConfig, Schema, Table};
use wealthscore::synth::{PortfolioConfig, core_banking, generate};

/// The core-banking export's schema, as the core crate's examples ship it.
pub fn schema() -> Schema {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/schemas/core_banking.json"
    );
    Schema::from_path(path).expect("examples/schemas/core_banking.json loads")
}

/// A synthetic export of `clients` clients read with [`schema`] (about 8 % blank advisor
/// counts and relative performances, as the export writes them).
pub fn book(clients: usize, seed: u64) -> Table {
    let p = generate(
        &PortfolioConfig::default()
            .with_clients(clients)
            .with_seed(seed),
    )
    .expect("synthetic portfolio");
    let mut csv = Vec::new();
    core_banking::write_csv(&mut csv, &p, &core_banking::ExportConfig::default())
        .expect("core-banking export");
    Table::read_csv(csv.as_slice(), &schema()).expect("export reads with its schema")
}

/// A logistic pipeline fitted on `table`.
pub fn fit(table: &Table) -> FittedPipeline {
    FittedPipeline::fit(schema(), table, &PipelineConfig::default())
        .expect("fit")
        .pipeline
}

/// Writes `table` `copies` times over into one Parquet file.
pub fn write_parquet(table: &Table, path: &Path, copies: usize) {
    let batch = table.to_record_batch().expect("record batch");
    let mut sink = ParquetSink::create(path, &batch.schema()).expect("parquet sink");
    for _ in 0..copies {
        sink.write(&batch).expect("parquet write");
    }
    sink.close().expect("parquet close");
}

/// The pipeline's call `function(...)` over its input columns.
pub fn call(function: &str) -> String {
    wealthscore_datafusion::call_sql(function, &schema())
}

/// Scores, keeps the high and critical risks and sums expected value lost by asset tier.
/// (The struct's fields are named in a second step: Ballista 55 cannot ship a plan that
/// aggregates a struct field directly.)
pub fn tier_query(table: &str) -> String {
    format!(
        "WITH scored AS (SELECT {} AS a FROM {table}), \
              flat AS (SELECT a['asset_tier'] AS tier, a['risk_level'] AS risk, \
                              a['expected_value_lost'] AS lost FROM scored) \
         SELECT tier, count(*) AS clients, sum(lost) AS value_at_risk \
         FROM flat WHERE risk IN ('high', 'critical') GROUP BY tier ORDER BY tier",
        call("churn_assess")
    )
}
