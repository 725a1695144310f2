//! Arrow and Parquet in and out of `schema::Table` (features `arrow`, `parquet`):
//! `cargo test --features parquet --test arrow_io`.
#![cfg(feature = "arrow")]

use arrow_array::types::{Int8Type, UInt32Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int64Array,
    RecordBatch, StringArray,
};
use std::sync::Arc;
use wealthscore::schema::{Column, Schema, Table};

fn schema() -> Schema {
    Schema::from_json(
        r#"{"columns": [
        {"name": "id", "type": "text", "role": "id"},
        {"name": "churned", "type": "boolean", "role": "label"},
        {"name": "balance", "type": "number"},
        {"name": "calls", "type": "integer"},
        {"name": "plan", "type": "category"},
        {"name": "opened", "type": "date"}]}"#,
    )
    .unwrap()
}

fn batch() -> RecordBatch {
    let plan: DictionaryArray<Int8Type> = vec![
        Some("basic"),
        None,
        Some("premium"),
        Some("basic"),
        Some("gold"),
    ]
    .into_iter()
    .collect();
    RecordBatch::try_from_iter([
        // Columns out of the schema's order, and one the schema does not read.
        ("plan", Arc::new(plan) as ArrayRef),
        (
            "extra",
            Arc::new(Int64Array::from(vec![9, 9, 9, 9, 9])) as ArrayRef,
        ),
        (
            "balance",
            Arc::new(Float64Array::from(vec![
                Some(10.5),
                Some(-3.0),
                None,
                Some(f64::NAN),
                Some(7.0),
            ])) as ArrayRef,
        ),
        (
            "calls",
            Arc::new(Int64Array::from(vec![
                Some(1),
                Some(2),
                Some(3),
                None,
                Some(5),
            ])) as ArrayRef,
        ),
        (
            "id",
            Arc::new(StringArray::from(vec!["a", "b", "c", "d", "e"])) as ArrayRef,
        ),
        (
            "churned",
            Arc::new(BooleanArray::from(vec![
                Some(true),
                Some(false),
                None,
                Some(false),
                Some(true),
            ])) as ArrayRef,
        ),
        (
            "opened",
            Arc::new(Date32Array::from(vec![
                Some(0),
                Some(11_017),
                None,
                Some(-1),
                Some(5),
            ])) as ArrayRef,
        ),
    ])
    .unwrap()
}

#[test]
fn arrow_batch_reads_by_name_with_nulls_and_dictionaries() {
    let t = Table::from_record_batch(&batch(), &schema()).unwrap();
    assert_eq!(t.n_rows(), 5);
    let balance = t.column("balance").unwrap();
    assert_eq!(balance.number(0), Some(10.5));
    assert_eq!(balance.number(2), None, "an Arrow null is a missing cell");
    let plan = t.column("plan").unwrap();
    assert_eq!(plan.display(0).as_deref(), Some("basic"));
    assert_eq!(plan.display(1), None);
    assert_eq!(plan.display(4).as_deref(), Some("gold"));
    assert_eq!(t.column("calls").unwrap().number(3), None);
    assert_eq!(
        t.column("opened").unwrap().display(1).as_deref(),
        Some("2000-03-01")
    );
    assert_eq!(t.column("churned").unwrap().number(0), Some(1.0));
    assert!(
        t.column("extra").is_none(),
        "columns outside the schema are ignored"
    );
    // NaN in row 3 is that row's error, named by row and column; the others are fine.
    assert_eq!(t.row_errors().len(), 1);
    let (row, err) = &t.row_errors()[0];
    assert_eq!(*row, 3);
    assert!(err.to_string().contains("row 3: balance"), "{err}");
}

#[test]
fn arrow_round_trip_keeps_values_nulls_and_levels() {
    let t = Table::from_record_batch(&batch(), &schema()).unwrap();
    let back = Table::from_record_batch(&t.to_record_batch().unwrap(), &schema()).unwrap();
    for name in ["id", "churned", "balance", "calls", "plan", "opened"] {
        let (a, b) = (t.column(name).unwrap(), back.column(name).unwrap());
        for i in 0..t.n_rows() {
            assert_eq!(a.display(i), b.display(i), "{name}[{i}]");
        }
    }
    let out = t.to_record_batch().unwrap();
    let plan = out.column_by_name("plan").unwrap();
    assert!(matches!(
        plan.data_type(),
        arrow_schema::DataType::Dictionary(k, v)
            if **k == arrow_schema::DataType::UInt32 && **v == arrow_schema::DataType::Utf8
    ));
    assert_eq!(out.column_by_name("balance").unwrap().null_count(), 1);
}

#[test]
fn sliced_batch_with_offset_reads_the_right_rows() {
    // A slice starting at row 1 has a non-zero offset in every buffer and bitmap.
    let b = batch().slice(1, 3);
    let t = Table::from_record_batch(&b, &schema()).unwrap();
    assert_eq!(t.n_rows(), 3);
    assert_eq!(t.column("balance").unwrap().number(0), Some(-3.0));
    assert_eq!(t.column("balance").unwrap().number(1), None);
    assert_eq!(t.column("id").unwrap().display(2).as_deref(), Some("d"));
    assert_eq!(t.column("plan").unwrap().display(0), None);
    assert_eq!(t.column("opened").unwrap().number(0), Some(11_017.0));
    assert_eq!(t.row_errors().len(), 1);
    assert_eq!(t.row_errors()[0].0, 2);
}

#[test]
fn float64_columns_are_shared_not_copied() {
    let b = batch();
    let t = Table::from_record_batch(&b, &schema()).unwrap();
    let arrow_ptr = b
        .column_by_name("balance")
        .unwrap()
        .as_any()
        .downcast_ref::<Float64Array>()
        .unwrap()
        .values()
        .as_ptr();
    match t.column("balance").unwrap() {
        Column::Number(v) => assert_eq!(v.values().as_ptr(), arrow_ptr),
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_arrow_column_is_one_error_naming_it() {
    let b = batch();
    let keep: Vec<usize> = (0..b.num_columns())
        .filter(|&j| !["plan", "calls"].contains(&b.schema().field(j).name().as_str()))
        .collect();
    let err = Table::from_record_batch(&b.project(&keep).unwrap(), &schema()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("calls") && msg.contains("plan"), "{msg}");
}

#[test]
fn arrow_fields_naming_a_read_column_twice_are_refused() {
    // Arrow allows two fields of one name; which one `balance` means is then unknown.
    let s = Schema::from_json(r#"{"columns": [{"name": "balance", "type": "number"}]}"#).unwrap();
    let col = || Arc::new(Float64Array::from(vec![1.0])) as ArrayRef;
    let b = RecordBatch::try_from_iter([("balance", col()), ("Balance", col())]).unwrap();
    let err = Table::from_record_batch(&b, &s).unwrap_err().to_string();
    assert!(
        err.contains("balance") && err.contains("more than one"),
        "{err}"
    );
    // A field the schema does not read may repeat.
    let b = RecordBatch::try_from_iter([("balance", col()), ("x", col()), ("x", col())]).unwrap();
    assert!(Table::from_record_batch(&b, &s).is_ok());
}

#[test]
fn declared_levels_reject_unknown_arrow_values_per_row() {
    let s = Schema::from_json(
        r#"{"columns": [{"name": "plan", "type": "category", "levels": ["basic", "premium"]}]}"#,
    )
    .unwrap();
    let keys: DictionaryArray<UInt32Type> = vec!["basic", "gold", "premium"].into_iter().collect();
    let b = RecordBatch::try_from_iter([("plan", Arc::new(keys) as ArrayRef)]).unwrap();
    let t = Table::from_record_batch(&b, &s).unwrap();
    assert_eq!(t.row_errors().len(), 1);
    assert_eq!(t.row_errors()[0].0, 1);
    assert!(t.row_errors()[0].1.to_string().contains("gold"));
    assert_eq!(
        t.column("plan").unwrap().display(2).as_deref(),
        Some("premium")
    );
}

#[test]
fn wrong_arrow_type_names_the_column() {
    let s = Schema::from_json(r#"{"columns": [{"name": "balance", "type": "number"}]}"#).unwrap();
    let b = RecordBatch::try_from_iter([(
        "balance",
        Arc::new(StringArray::from(vec!["1"])) as ArrayRef,
    )])
    .unwrap();
    let err = Table::from_record_batch(&b, &s).unwrap_err();
    assert!(err.to_string().contains("balance"), "{err}");
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_larger_than_a_batch_reads_in_bounded_chunks() {
    use wealthscore::schema::parquet::{ParquetSink, read_parquet};
    let n = 10_000;
    let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let mut cells: Vec<Option<f64>> = x.iter().map(|&v| Some(v)).collect();
    cells[7_777] = None;
    cells[9_001] = Some(f64::INFINITY);
    let b = RecordBatch::try_from_iter([
        ("balance", Arc::new(Float64Array::from(cells)) as ArrayRef),
        (
            "calls",
            Arc::new(Int64Array::from((0..n as i64).collect::<Vec<_>>())) as ArrayRef,
        ),
    ])
    .unwrap();
    let path = std::env::temp_dir().join(format!("ws-arrow-io-{}.parquet", std::process::id()));
    let mut sink = ParquetSink::create(&path, &b.schema()).unwrap();
    sink.write(&b).unwrap();
    sink.close().unwrap();

    let s = Schema::from_json(
        r#"{"columns": [{"name": "balance", "type": "number"}, {"name": "calls", "type": "integer"}]}"#,
    )
    .unwrap();
    let mut rows = 0;
    let mut errors = Vec::new();
    let mut chunks = 0;
    for t in read_parquet(&path, &s, 4_096).unwrap() {
        let t = t.unwrap();
        assert!(t.n_rows() <= 4_096, "a chunk holds at most the batch size");
        for (r, e) in t.row_errors() {
            errors.push((rows + r, e.to_string()));
        }
        let c = t.column("calls").unwrap();
        for i in 0..t.n_rows() {
            assert_eq!(c.number(i), Some((rows + i) as f64));
        }
        if rows <= 7_777 && 7_777 < rows + t.n_rows() {
            assert_eq!(t.column("balance").unwrap().number(7_777 - rows), None);
        }
        rows += t.n_rows();
        chunks += 1;
    }
    std::fs::remove_file(&path).ok();
    assert_eq!(rows, n);
    assert_eq!(chunks, 3);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, 9_001);
    assert!(errors[0].1.contains("row 9001: balance"), "{}", errors[0].1);
}

#[test]
fn pipeline_scores_an_arrow_batch_as_it_scores_the_table() {
    use wealthscore::schema::{FittedPipeline, PipelineConfig};
    let s = Schema::from_json(
        r#"{"columns": [
        {"name": "id", "type": "text", "role": "id"},
        {"name": "churned", "type": "boolean", "role": "label"},
        {"name": "calls", "type": "number", "cause": "service", "missing": "median"},
        {"name": "plan", "type": "category", "cause": "product"}]}"#,
    )
    .unwrap();
    let mut csv = String::from("id,churned,calls,plan\n");
    for i in 0..60 {
        let plan = ["basic", "premium", "gold"][i % 3];
        let calls = (i * 7) % 11;
        let churned = (calls + i % 3) % 4 == 0;
        csv.push_str(&format!("c{i},{churned},{calls},{plan}\n"));
    }
    let table = Table::read_csv(csv.as_bytes(), &s).unwrap();
    let fitted = FittedPipeline::fit(s, &table, &PipelineConfig::default())
        .unwrap()
        .pipeline;
    let expected = fitted.assess(&table).unwrap();
    let out = fitted
        .assess_record_batch(&table.to_record_batch().unwrap())
        .unwrap();
    assert_eq!(out.num_rows(), 60);
    let p = out
        .column_by_name("churn_probability")
        .unwrap()
        .as_any()
        .downcast_ref::<Float64Array>()
        .unwrap();
    let text = |name: &str| {
        out.column_by_name(name)
            .unwrap()
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .clone()
    };
    let (ids, reasons, columns) = (text("id"), text("top_reason"), text("top_reason_column"));
    for (i, e) in expected.iter().enumerate() {
        // Bitwise: the Arrow path replays the same transforms on the same values.
        let e = e.as_ref().unwrap();
        assert_eq!(p.value(i).to_bits(), e.churn_probability.to_bits());
        // The texts are the row path's, as its `Display` writes them.
        assert_eq!(Some(ids.value(i)), e.id.as_deref());
        match e.reasons.first() {
            Some(top) => {
                assert_eq!(reasons.value(i), top.to_string());
                assert_eq!(columns.value(i), top.column);
            }
            None => assert!(reasons.is_null(i) && columns.is_null(i)),
        }
    }
    assert!((0..60).any(|i| !reasons.is_null(i)));

    // A bad row (NaN calls) is that row's error; its neighbours are unaffected.
    let bad = RecordBatch::try_from_iter([
        (
            "id",
            Arc::new(StringArray::from(vec!["x", "y", "z"])) as ArrayRef,
        ),
        (
            "calls",
            Arc::new(Float64Array::from(vec![1.0, f64::NAN, 9.0])) as ArrayRef,
        ),
        (
            "plan",
            Arc::new(StringArray::from(vec!["basic", "gold", "premium"])) as ArrayRef,
        ),
    ])
    .unwrap();
    let out = fitted.assess_record_batch(&bad).unwrap();
    let err = out
        .column_by_name("error")
        .unwrap()
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert!(err.is_null(0) && err.is_null(2));
    assert!(err.value(1).contains("calls"), "{}", err.value(1));
    let ids = out
        .column_by_name("id")
        .unwrap()
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert_eq!(ids.value(1), "y");
    let p = out
        .column_by_name("churn_probability")
        .unwrap()
        .as_any()
        .downcast_ref::<Float64Array>()
        .unwrap();
    assert!(p.is_null(1) && !p.is_null(0) && !p.is_null(2));
    // One schema for every batch, with or without a bad row: the batches of a stream
    // (a chunked table, a Parquet sink) must agree on nullability.
    let good = fitted.assess_record_batch(&bad.slice(0, 1)).unwrap();
    assert_eq!(good.schema(), out.schema());
    assert!(out.schema().fields().iter().all(|f| f.is_nullable()));
}
