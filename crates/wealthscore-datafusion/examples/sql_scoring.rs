//! Churn scoring in SQL: a synthetic core-banking book as Parquet, a pipeline fitted on
//! another book, registered as SQL functions; one query scores every client, keeps the
//! high and critical risks and sums their expected value lost by asset tier.
//!
//! ```text
//! cargo run --release -p wealthscore-datafusion --example sql_scoring -- [ROWS]
//! ```
//!
//! ROWS (default 1,000,000) rows are written as copies of 200,000 distinct synthetic
//! clients to `target/sql_scoring/`. Prints the result and the rows scored per second by
//! the query on DataFusion's default partitions (one per core) and on one partition,
//! next to the core's columnar path on one thread over the same file
//! (`schema::parquet::read_parquet`, then `FittedPipeline::assess_columns`, and
//! `assess_table_to_record_batch`, the work the SQL function does per batch). Each figure
//! is one timed run.

#[path = "../tests/common/mod.rs"]
mod common;

use datafusion::arrow::array::{AsArray, RecordBatch};
use datafusion::arrow::datatypes::Float64Type;
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use std::path::Path;
use std::time::Instant;
use wealthscore::churn::risk::RiskLevel;
use wealthscore::schema::parquet::read_parquet;
use wealthscore::schema::{AssessmentColumns, FittedPipeline};
use wealthscore_datafusion::register_pipeline;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Runs the tier query on `partitions` partitions (`None`: DataFusion's default);
/// returns its result and the seconds it took.
async fn sql_query(
    path: &Path,
    pipeline: &FittedPipeline,
    partitions: Option<usize>,
) -> Res<(Vec<RecordBatch>, f64, usize)> {
    let mut config = SessionConfig::new();
    if let Some(p) = partitions {
        config = config.with_target_partitions(p);
    }
    let ctx = SessionContext::new_with_config(config);
    ctx.register_parquet(
        "book",
        path.to_str().ok_or("path is not UTF-8")?,
        ParquetReadOptions::default(),
    )
    .await?;
    register_pipeline(&ctx, "churn", pipeline)?;
    let t0 = Instant::now();
    let out = ctx
        .sql(&common::tier_query("book"))
        .await?
        .collect()
        .await?;
    let partitions = ctx.copied_config().target_partitions();
    Ok((out, t0.elapsed().as_secs_f64(), partitions))
}

/// The query's total value at risk (all tiers).
fn total(out: &[RecordBatch]) -> Res<f64> {
    let mut sum = 0.0;
    for b in out {
        let col = b
            .column_by_name("value_at_risk")
            .ok_or("no value_at_risk column")?;
        sum += col
            .as_primitive::<Float64Type>()
            .iter()
            .flatten()
            .sum::<f64>();
    }
    Ok(sum)
}

fn line(what: &str, rows: usize, secs: f64) {
    println!(
        "{what:<58} {secs:>7.2} s  {:>6.3} M rows/s",
        rows as f64 / secs / 1e6
    );
}

#[tokio::main]
async fn main() -> Res<()> {
    let rows: usize = match std::env::args().nth(1) {
        Some(a) => a
            .parse()
            .map_err(|_| format!("ROWS must be a count, not {a}"))?,
        None => 1_000_000,
    };
    let distinct = rows.clamp(1, 200_000);
    let copies = rows.div_ceil(distinct);
    let rows = distinct * copies;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/sql_scoring");
    std::fs::create_dir_all(&dir)?;

    let t0 = Instant::now();
    let pipeline = common::fit(&common::book(20_000, 1));
    println!(
        "fitted a logistic pipeline on 20,000 synthetic clients in {:.2?} (fingerprint {})",
        t0.elapsed(),
        pipeline.fingerprint()
    );
    let path = dir.join(format!("book_{rows}.parquet"));
    let t0 = Instant::now();
    common::write_parquet(&common::book(distinct, 2), &path, copies);
    println!(
        "wrote {rows} rows ({distinct} distinct clients) to {} in {:.2?}",
        path.display(),
        t0.elapsed()
    );

    println!("\n{}\n", common::tier_query("book"));
    let (out, secs, partitions) = sql_query(&path, &pipeline, None).await?;
    println!("{}", pretty_format_batches(&out)?);
    let sql_total = total(&out)?;
    println!("total value at risk {sql_total:.2}\n");
    line(&format!("SQL query, {partitions} partitions"), rows, secs);
    let (_, secs, _) = sql_query(&path, &pipeline, Some(1)).await?;
    line("SQL query, 1 partition", rows, secs);

    // The core's columnar path over the same file, on this thread.
    let mut cols = AssessmentColumns::default();
    let mut core_total = 0.0;
    let t0 = Instant::now();
    for table in read_parquet(&path, pipeline.schema(), 0)? {
        pipeline.assess_columns(&table?, &mut cols)?;
        for (level, lost) in cols.risk_level.iter().zip(&cols.expected_value_lost) {
            if matches!(level, Some(RiskLevel::High | RiskLevel::Critical)) {
                core_total += lost.unwrap_or(0.0);
            }
        }
    }
    line(
        "core read_parquet + assess_columns, 1 thread",
        rows,
        t0.elapsed().as_secs_f64(),
    );
    let t0 = Instant::now();
    let mut n = 0;
    for table in read_parquet(&path, pipeline.schema(), 0)? {
        n += pipeline.assess_table_to_record_batch(&table?)?.num_rows();
    }
    line(
        "core read_parquet + assess_table_to_record_batch, 1 thread",
        n,
        t0.elapsed().as_secs_f64(),
    );
    println!(
        "\ntotal value at risk: SQL {sql_total:.2}, core {core_total:.2} (relative difference {:.1e}, summation order)",
        ((sql_total - core_total) / core_total.abs().max(1.0)).abs()
    );
    Ok(())
}
