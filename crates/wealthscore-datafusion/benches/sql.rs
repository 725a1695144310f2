//! Churn scoring in SQL over a Parquet book against the core's columnar path over the
//! same file, as rows per second.
//!
//! ```text
//! cargo bench -p wealthscore-datafusion --bench sql -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! `WEALTHSCORE_DF_BENCH_ROWS` sets the book's size (default 1,000,000 rows: copies of
//! 200,000 distinct synthetic clients), written once to `target/sql_bench/`. (Criterion
//! takes at least ten samples of each function: at 10,000,000 rows that is half an hour
//! on a 2-core machine, so the 10,000,000-row figures come from one timed run of the
//! `sql_scoring` example.) `sql_tier_query` is that example's query (score, keep high
//! risks, sum expected value lost by tier) on DataFusion's default partitions (one per
//! core); `sql_tier_query_1_partition` runs it on one; `core_assess_columns` and
//! `core_record_batch` read the same file with `schema::parquet::read_parquet` and assess
//! each batch with `FittedPipeline::assess_columns` or `assess_table_to_record_batch`
//! (the work the SQL function does per batch) on one thread.

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use std::hint::black_box;
use wealthscore::schema::AssessmentColumns;
use wealthscore::schema::parquet::read_parquet;
use wealthscore_datafusion::register_pipeline;

fn bench(c: &mut Criterion) {
    let rows: usize = std::env::var("WEALTHSCORE_DF_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let distinct = rows.min(200_000);
    let copies = rows.div_ceil(distinct);
    let rows = distinct * copies;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/sql_bench");
    std::fs::create_dir_all(&dir).unwrap();
    let pipeline = common::fit(&common::book(20_000, 1));
    // The file's name carries the size and the pipeline, so a stale book is never reused.
    let path = dir.join(format!("book_{rows}_{}.parquet", pipeline.fingerprint()));
    if !path.exists() {
        common::write_parquet(&common::book(distinct, 2), &path, copies);
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let context = |partitions: Option<usize>| {
        let mut config = SessionConfig::new();
        if let Some(p) = partitions {
            config = config.with_target_partitions(p);
        }
        let ctx = SessionContext::new_with_config(config);
        rt.block_on(ctx.register_parquet(
            "book",
            path.to_str().unwrap(),
            ParquetReadOptions::default(),
        ))
        .unwrap();
        register_pipeline(&ctx, "churn", &pipeline).unwrap();
        ctx
    };
    let sql = common::tier_query("book");

    let mut g = c.benchmark_group("sql");
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows as u64));
    for (name, partitions) in [
        ("sql_tier_query", None),
        ("sql_tier_query_1_partition", Some(1)),
    ] {
        let ctx = context(partitions);
        g.bench_function(name, |b| {
            b.iter(|| {
                let out = rt.block_on(async { ctx.sql(&sql).await?.collect().await });
                black_box(out.unwrap())
            })
        });
    }
    g.bench_function("core_assess_columns", |b| {
        let mut cols = AssessmentColumns::default();
        b.iter(|| {
            let mut lost = 0.0;
            for t in read_parquet(&path, pipeline.schema(), 0).unwrap() {
                pipeline.assess_columns(&t.unwrap(), &mut cols).unwrap();
                lost += cols.expected_value_lost.iter().flatten().sum::<f64>();
            }
            black_box(lost)
        })
    });
    g.bench_function("core_record_batch", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in read_parquet(&path, pipeline.schema(), 0).unwrap() {
                n += pipeline
                    .assess_table_to_record_batch(&t.unwrap())
                    .unwrap()
                    .num_rows();
            }
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
