//! Churn scoring in SQL: a synthetic core-banking book as Parquet, a pipeline fitted on
//! another book, registered as SQL functions; one query scores every client, keeps the
//! high and critical risks and sums their expected value lost by asset tier.
//!
//! ```text
//! cargo run --release -p wealthscore-datafusion --example sql_scoring -- [ROWS]
//! ```
//!
//! ROWS (default 1,000,000) rows are written as copies of 200,000 distinct synthetic
//! clients to `target/sql_scoring/`. Prints the result and the rows scored per second.

#[path = "../tests/common/mod.rs"]
mod common;

use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use std::time::Instant;
use wealthscore_datafusion::register_pipeline;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: usize = match std::env::args().nth(1) {
        Some(a) => a
            .parse()
            .map_err(|_| format!("ROWS must be a count, not {a}"))?,
        None => 1_000_000,
    };
    let distinct = rows.min(200_000);
    let copies = rows.div_ceil(distinct);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/sql_scoring");
    std::fs::create_dir_all(&dir)?;

    let t0 = Instant::now();
    let pipeline = common::fit(&common::book(20_000, 1));
    println!(
        "fitted a logistic pipeline on 20,000 synthetic clients in {:.2?} (fingerprint {})",
        t0.elapsed(),
        pipeline.fingerprint()
    );
    let path = dir.join(format!("book_{}.parquet", distinct * copies));
    let t0 = Instant::now();
    common::write_parquet(&common::book(distinct, 2), &path, copies);
    println!(
        "wrote {} rows ({} distinct clients) to {} in {:.2?}",
        distinct * copies,
        distinct,
        path.display(),
        t0.elapsed()
    );

    let ctx = SessionContext::new();
    ctx.register_parquet(
        "book",
        path.to_str().ok_or("path is not UTF-8")?,
        ParquetReadOptions::default(),
    )
    .await?;
    register_pipeline(&ctx, "churn", &pipeline)?;
    let sql = common::tier_query("book");
    println!("\n{sql}\n");
    let t0 = Instant::now();
    let out = ctx.sql(&sql).await?.collect().await?;
    let secs = t0.elapsed().as_secs_f64();
    println!("{}", pretty_format_batches(&out)?);
    println!(
        "{} rows scored in {secs:.2} s: {:.0} rows/s ({} partitions)",
        distinct * copies,
        (distinct * copies) as f64 / secs,
        ctx.copied_config().target_partitions()
    );
    Ok(())
}
