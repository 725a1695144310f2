//! A Ballista standalone cluster (scheduler and executor in this process) runs the SQL
//! functions over a partitioned Parquet data set and returns the rows local DataFusion
//! returns. The functions are registered on the client only, after the cluster started:
//! the scheduler and the executor get the pipeline through the codecs.
#![cfg(feature = "ballista")]

mod common;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::Float64Type;
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use std::path::PathBuf;
use wealthscore_datafusion::ballista::with_pipeline_codecs;
use wealthscore_datafusion::register_pipeline;

/// The high-risk clients with their probability, expected value lost and tier, by id.
fn rows_query() -> String {
    format!(
        "WITH scored AS (SELECT \"CUST_NO\" AS id, {} AS a FROM book) \
         SELECT id, a['churn_probability'] AS p, a['expected_value_lost'] AS lost, \
                a['asset_tier'] AS tier, a['best_action'] AS action \
         FROM scored WHERE a['risk_level'] IN ('high', 'critical')",
        common::call("churn_assess")
    )
}

async fn run(ctx: &SessionContext, sql: &str) -> Vec<RecordBatch> {
    ctx.sql(sql).await.unwrap().collect().await.unwrap()
}

/// Every row as (id, bits of p, bits of lost, tier, action).
type Row = (String, u64, Option<u64>, Option<String>, Option<String>);

fn rows(batches: &[RecordBatch]) -> Vec<Row> {
    let mut out = Vec::new();
    for b in batches {
        let id = datafusion::arrow::compute::cast(
            b.column(0),
            &datafusion::arrow::datatypes::DataType::Utf8,
        )
        .unwrap();
        let p = b.column(1).as_primitive::<Float64Type>();
        let lost = b.column(2).as_primitive::<Float64Type>();
        let tier = b.column(3).as_string::<i32>();
        let action = b.column(4).as_string::<i32>();
        for r in 0..b.num_rows() {
            out.push((
                id.as_string::<i32>().value(r).to_string(),
                p.value(r).to_bits(),
                lost.is_valid(r).then(|| lost.value(r).to_bits()),
                tier.is_valid(r).then(|| tier.value(r).to_string()),
                action.is_valid(r).then(|| action.value(r).to_string()),
            ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ballista_standalone_returns_the_rows_of_local_datafusion() {
    let pipeline = common::fit(&common::book(3_000, 21));
    // Four Parquet files, one per book, in one directory.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ballista_book");
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    for part in 0..4u64 {
        let t = common::book(1_500, 100 + part);
        common::write_parquet(&t, &dir.join(format!("part-{part}.parquet")), 1);
    }
    let dir = format!("{}/", dir.display());

    let local = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(2));
    local
        .register_parquet("book", &dir, ParquetReadOptions::default())
        .await
        .unwrap();
    register_pipeline(&local, "churn", &pipeline).unwrap();

    let config = with_pipeline_codecs(
        SessionConfig::new_with_ballista()
            .with_target_partitions(2)
            .with_ballista_standalone_parallelism(2),
    );
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .build();
    let cluster = SessionContext::standalone_with_state(state).await.unwrap();
    cluster
        .register_parquet("book", &dir, ParquetReadOptions::default())
        .await
        .unwrap();
    register_pipeline(&cluster, "churn", &pipeline).unwrap();

    let sql = rows_query();
    // Ids repeat across the four books: compare whole rows, sorted.
    let mut want = rows(&run(&local, &sql).await);
    let mut got = rows(&run(&cluster, &sql).await);
    want.sort();
    got.sort();
    assert!(want.len() > 50, "{} high-risk clients", want.len());
    assert_eq!(got.len(), want.len());
    let first = got.iter().zip(&want).position(|(g, w)| g != w);
    assert!(
        first.is_none(),
        "first difference: {:?}",
        first.map(|i| (&got[i], &want[i]))
    );

    // The aggregate by tier: same groups and counts, sums equal up to addition order.
    let sql = common::tier_query("book");
    let (want, got) = (run(&local, &sql).await, run(&cluster, &sql).await);
    let flat = |b: &[RecordBatch]| {
        let mut v = Vec::new();
        for b in b {
            let tier = b.column(0).as_string::<i32>();
            let n = datafusion::arrow::compute::cast(
                b.column(1),
                &datafusion::arrow::datatypes::DataType::Int64,
            )
            .unwrap();
            let n = n.as_primitive::<datafusion::arrow::datatypes::Int64Type>();
            let sum = b.column(2).as_primitive::<Float64Type>();
            for r in 0..b.num_rows() {
                v.push((tier.value(r).to_string(), n.value(r), sum.value(r)));
            }
        }
        v
    };
    let (want, got) = (flat(&want), flat(&got));
    assert_eq!(want.len(), got.len());
    for (w, g) in want.iter().zip(&got) {
        assert_eq!((&w.0, w.1), (&g.0, g.1));
        assert!((w.2 - g.2).abs() <= 1e-9 * w.2.abs(), "{w:?} vs {g:?}");
    }
}
