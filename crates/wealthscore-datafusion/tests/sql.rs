//! The SQL functions against the core's own columnar path, bit for bit; nulls; wrong
//! argument types; the plan shipped through the codec to a context that never saw the
//! pipeline.

mod common;

use datafusion::arrow::array::{Array, AsArray, RecordBatch, StructArray, new_null_array};
use datafusion::arrow::datatypes::{DataType, Float64Type};
use datafusion::execution::FunctionRegistry;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use datafusion_proto::bytes::{
    physical_plan_from_bytes_with_extension_codec, physical_plan_to_bytes_with_extension_codec,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wealthscore::schema::{FittedPipeline, Table};
use wealthscore_datafusion::{PipelineCodec, register_pipeline};

/// A pipeline fitted on one synthetic book, and another book to score, as Parquet.
fn setup(name: &str) -> (FittedPipeline, Table, PathBuf) {
    let pipeline = common::fit(&common::book(3_000, 11));
    let table = common::book(2_000, 12);
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.parquet"));
    common::write_parquet(&table, &path, 1);
    (pipeline, table, path)
}

/// Small batches over two partitions, so the book is scored in many pieces.
async fn context(pipeline: &FittedPipeline, path: &Path) -> SessionContext {
    let config = SessionConfig::new()
        .with_target_partitions(2)
        .with_batch_size(333);
    let ctx = SessionContext::new_with_config(config);
    ctx.register_parquet(
        "book",
        path.to_str().unwrap(),
        ParquetReadOptions::default(),
    )
    .await
    .unwrap();
    register_pipeline(&ctx, "churn", pipeline).unwrap();
    ctx
}

async fn collect(ctx: &SessionContext, sql: &str) -> Vec<RecordBatch> {
    ctx.sql(sql).await.unwrap().collect().await.unwrap()
}

/// Row index by client id of the output's `id` column.
fn by_id(batches: &[RecordBatch]) -> HashMap<String, (usize, usize)> {
    let mut m = HashMap::new();
    for (b, batch) in batches.iter().enumerate() {
        let ids = batch.column_by_name("id").unwrap();
        let ids = datafusion::arrow::compute::cast(ids, &DataType::Utf8).unwrap();
        for (r, id) in ids.as_string::<i32>().iter().enumerate() {
            m.insert(id.unwrap().to_string(), (b, r));
        }
    }
    m
}

fn f64_bits(a: &dyn Array, r: usize) -> Option<u64> {
    let a = a.as_primitive::<Float64Type>();
    a.is_valid(r).then(|| a.value(r).to_bits())
}

fn text(a: &dyn Array, r: usize) -> Option<String> {
    let a = a.as_string::<i32>();
    a.is_valid(r).then(|| a.value(r).to_string())
}

#[tokio::test]
async fn udfs_equal_the_core_columnar_path_bit_for_bit() {
    let (pipeline, table, path) = setup("bitwise");
    let ctx = context(&pipeline, &path).await;
    let sql = format!(
        "SELECT \"CUST_NO\" AS id, {} AS a, {} AS p FROM book",
        common::call("churn_assess"),
        common::call("churn_probability")
    );
    let out = collect(&ctx, &sql).await;
    assert!(out.len() > 4, "scored in {} batches", out.len());
    let rows = by_id(&out);
    assert_eq!(rows.len(), table.n_rows());

    // The core's own path on the same rows, as one batch.
    let core = pipeline
        .assess_record_batch(&table.to_record_batch().unwrap())
        .unwrap();
    let assessed = pipeline.assess(&table).unwrap();
    // churn_probability(...) is the core's `predict`, whose batch path may differ from
    // `assess` in the last bits.
    let predicted = pipeline.predict(&table).unwrap();
    let mut scored = 0;
    for r in 0..core.num_rows() {
        let id = text(core.column_by_name("id").unwrap(), r).unwrap();
        let (b, i) = rows[&id];
        let a: &StructArray = out[b].column_by_name("a").unwrap().as_struct();
        let p = out[b].column_by_name("p").unwrap();
        let col = |n: &str| a.column_by_name(n).unwrap().as_ref();
        let core_col = |n: &str| core.column_by_name(n).unwrap().as_ref();
        for n in [
            "churn_probability",
            "top_reason_contribution",
            "clv",
            "expected_value_lost",
        ] {
            assert_eq!(f64_bits(col(n), i), f64_bits(core_col(n), r), "{id} {n}");
        }
        assert_eq!(
            f64_bits(p, i),
            predicted[r].as_ref().ok().map(|q| q.to_bits()),
            "{id} probability"
        );
        for n in [
            "risk_level",
            "top_reason",
            "top_reason_column",
            "best_action",
            "warnings",
        ] {
            assert_eq!(text(col(n), i), text(core_col(n), r), "{id} {n}");
        }
        assert_eq!(
            text(col("error",), i).is_some(),
            text(core_col("error"), r).is_some(),
            "{id} error"
        );
        let tier = assessed[r]
            .as_ref()
            .ok()
            .and_then(|x| x.asset_tier)
            .map(|t| {
                serde_json::to_value(t)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            });
        assert_eq!(text(col("asset_tier"), i), tier, "{id} asset_tier");
        scored += usize::from(f64_bits(p, i).is_some());
    }
    // The book has blanks only where the schema fills them, so every row is scored.
    assert_eq!(scored, table.n_rows());
}

#[tokio::test]
async fn nulls_are_missing_cells_filled_or_refused_as_the_schema_says() {
    let (pipeline, table, path) = setup("nulls");
    let ctx = context(&pipeline, &path).await;
    let with_null =
        |column: &str| common::call("churn_assess").replace(&format!("\"{column}\""), "NULL");

    // ADV_CNT is filled with its median: the same scores as the core on a null column.
    let sql = format!(
        "SELECT \"CUST_NO\" AS id, {} AS a FROM book",
        with_null("ADV_CNT")
    );
    let out = collect(&ctx, &sql).await;
    let rows = by_id(&out);
    let batch = table.to_record_batch().unwrap();
    let j = batch.schema().index_of("ADV_CNT").unwrap();
    let mut columns = batch.columns().to_vec();
    columns[j] = new_null_array(columns[j].data_type(), batch.num_rows());
    let nulled = RecordBatch::try_new(batch.schema(), columns).unwrap();
    let core = pipeline.assess_record_batch(&nulled).unwrap();
    for r in 0..core.num_rows() {
        let id = text(core.column_by_name("id").unwrap(), r).unwrap();
        let (b, i) = rows[&id];
        let a: &StructArray = out[b].column_by_name("a").unwrap().as_struct();
        let p = a.column_by_name("churn_probability").unwrap();
        assert!(p.is_valid(i), "{id} is scored");
        assert_eq!(
            f64_bits(p.as_ref(), i),
            f64_bits(
                core.column_by_name("churn_probability").unwrap().as_ref(),
                r
            )
        );
    }

    // AGE_YRS is refused when missing: null scores and an error naming the column.
    let sql = format!(
        "SELECT {} AS a, {} AS p FROM book",
        with_null("AGE_YRS"),
        common::call("churn_probability").replace("\"AGE_YRS\"", "NULL")
    );
    let out = collect(&ctx, &sql).await;
    let mut n = 0;
    for batch in &out {
        let a: &StructArray = batch.column_by_name("a").unwrap().as_struct();
        assert_eq!(
            batch.column_by_name("p").unwrap().null_count(),
            batch.num_rows()
        );
        assert_eq!(
            a.column_by_name("churn_probability").unwrap().null_count(),
            batch.num_rows()
        );
        for e in a.column_by_name("error").unwrap().as_string::<i32>().iter() {
            let e = e.unwrap();
            assert!(e.contains("AGE_YRS"), "{e}");
            n += 1;
        }
    }
    assert_eq!(n, table.n_rows());
}

#[tokio::test]
async fn wrong_arguments_are_planning_errors_naming_the_column() {
    let (pipeline, _, path) = setup("wrong_types");
    let ctx = context(&pipeline, &path).await;
    // A text column where the schema has the integer AGE_YRS (argument 3).
    let sql = format!(
        "SELECT {} FROM book",
        common::call("churn_assess").replace("\"AGE_YRS\"", "\"SEG_CD\"")
    );
    let e = ctx.sql(&sql).await.unwrap_err().to_string();
    assert!(e.contains("argument 3") && e.contains("`AGE_YRS`"), "{e}");
    assert!(e.contains("integer") && e.contains("CAST"), "{e}");
    // A number where the schema has the date OPEN_DT.
    let sql = format!(
        "SELECT {} FROM book",
        common::call("churn_probability").replace("\"OPEN_DT\"", "\"BAL_CUR\"")
    );
    let e = ctx.sql(&sql).await.unwrap_err().to_string();
    assert!(e.contains("`OPEN_DT`") && e.contains("date"), "{e}");
    // Too few arguments: the error lists the columns to pass.
    let e = ctx
        .sql("SELECT churn_probability(\"CUST_NO\", \"AGE_YRS\") FROM book")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("takes 21 arguments") && e.contains("RM_FLG"),
        "{e}"
    );
}

#[tokio::test]
async fn the_codec_ships_the_pipeline_to_a_context_that_never_saw_it() {
    let (pipeline, _, path) = setup("codec");
    let ctx = context(&pipeline, &path).await;
    let sql = common::tier_query("book");
    let local = collect(&ctx, &sql).await;
    assert!(local.iter().map(RecordBatch::num_rows).sum::<usize>() > 0);

    let plan = ctx
        .sql(&sql)
        .await
        .unwrap()
        .create_physical_plan()
        .await
        .unwrap();
    let codec = PipelineCodec::new();
    let bytes = physical_plan_to_bytes_with_extension_codec(Arc::clone(&plan), &codec).unwrap();
    let remote = SessionContext::new();
    assert!(remote.udf("churn_assess").is_err());
    let decoded =
        physical_plan_from_bytes_with_extension_codec(&bytes, &remote.task_ctx(), &codec).unwrap();
    let shipped = datafusion::physical_plan::collect(decoded, remote.task_ctx())
        .await
        .unwrap();
    // Same tiers and counts; sums equal up to the order of addition over partitions.
    let flat = |b: &[RecordBatch]| {
        let mut v = Vec::new();
        for b in b {
            let n = datafusion::arrow::compute::cast(b.column(1), &DataType::Float64).unwrap();
            for r in 0..b.num_rows() {
                v.push((
                    text(b.column(0), r),
                    n.as_primitive::<Float64Type>().value(r),
                    b.column(2).as_primitive::<Float64Type>().value(r),
                ));
            }
        }
        v
    };
    let (want, got) = (flat(&local), flat(&shipped));
    assert_eq!(want.len(), got.len());
    for (w, g) in want.iter().zip(&got) {
        assert_eq!((&w.0, w.1), (&g.0, g.1));
        assert!((w.2 - g.2).abs() <= 1e-9 * w.2.abs(), "{w:?} vs {g:?}");
    }

    // A pipeline changed on the way (its fingerprint no longer matches) is refused.
    let fp = pipeline.fingerprint().as_bytes();
    let mut tampered = bytes.to_vec();
    let at = tampered
        .windows(fp.len())
        .position(|w| w == fp)
        .expect("the fingerprint travels in the plan");
    tampered[at] = if fp[0] == b'0' { b'1' } else { b'0' };
    let e = physical_plan_from_bytes_with_extension_codec(&tampered, &remote.task_ctx(), &codec)
        .unwrap_err()
        .to_string();
    assert!(e.contains("fingerprint"), "{e}");
}

#[tokio::test]
async fn asset_tiers_of_a_derived_aum_follow_the_row_path() {
    // `net` (deposits − loans) is derived: its tier comes from the core's row path; the
    // refused row (calls missing, which the schema rejects by default) has no tier.
    let schema = wealthscore::schema::Schema::from_json(
        r#"{"columns": [
        {"name": "churned", "type": "boolean", "role": "label"},
        {"name": "calls", "type": "number", "cause": "service"},
        {"name": "deposits", "type": "number", "role": "info"},
        {"name": "loans", "type": "number", "role": "info"},
        {"name": "net", "type": "number", "role": "info", "meaning": "aum",
         "derive": {"difference": ["deposits", "loans"]}}]}"#,
    )
    .unwrap();
    let csv = "churned,calls,deposits,loans\n1,5,100,0\n0,1,900000,1000\n1,4,7000000,0\n\
               0,0,20,30\n1,6,600000,0\n0,2,4000,0\n";
    let table = Table::read_csv(csv.as_bytes(), &schema).unwrap();
    let pipeline = FittedPipeline::fit(schema.clone(), &table, &Default::default())
        .unwrap()
        .pipeline;
    let ctx = SessionContext::new();
    register_pipeline(&ctx, "churn", &pipeline).unwrap();
    let sql = "SELECT k, churn_assess(calls, deposits, loans)['asset_tier'] AS tier \
               FROM (VALUES (0, 5.0, 100.0, 0.0), (1, 1.0, 900000.0, 1000.0), \
                            (2, 4.0, 7000000.0, 0.0), (3, 0.0, 20.0, 30.0), \
                            (4, NULL, 7000000.0, 0.0)) AS t(k, calls, deposits, loans) \
               ORDER BY k";
    let out = collect(&ctx, sql).await;
    let got: Vec<Option<String>> = out
        .iter()
        .flat_map(|b| (0..b.num_rows()).map(move |r| text(b.column(1), r)))
        .collect();
    // The same rows through the core's row path.
    let rows = "calls,deposits,loans\n5,100,0\n1,900000,1000\n4,7000000,0\n0,20,30\n,7000000,0\n";
    let want: Vec<Option<String>> = pipeline
        .assess(&Table::read_csv(rows.as_bytes(), &schema).unwrap())
        .unwrap()
        .into_iter()
        .map(|a| {
            a.ok().and_then(|a| a.asset_tier).map(|t| {
                serde_json::to_value(t)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
        })
        .collect();
    assert_eq!(got, want);
    // Mass, mid, high net worth; a negative net worth and the refused row have none.
    assert_eq!(
        got,
        [
            Some("mass".to_string()),
            Some("mid_net_worth".to_string()),
            Some("high_net_worth".to_string()),
            None,
            None
        ]
    );
}
