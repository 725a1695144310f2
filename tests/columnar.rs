//! The columnar path (`FittedPipeline::assess_columns`) gives, for every model kind,
//! bitwise the numbers of the row path (`FittedPipeline::assess`) on 100,000 rows of the
//! synthetic core-banking export; a bad row yields its error at its index and leaves the
//! others as they were.
//!
//! The reference is the row path itself, an independent loop over the same per-row
//! arithmetic (the row path is checked against hand-computed tables and scikit-learn in
//! `schema_pipeline.rs` and `schema_real.rs`).

use wealthscore::churn::boost::BoostParams;
use wealthscore::churn::forest::ForestParams;
use wealthscore::churn::logistic::LogisticParams;
use wealthscore::churn::select::{Candidate, SelectionParams};
use wealthscore::schema::{
    AssessmentColumns, FittedPipeline, ModelParams, Outputs, PipelineConfig, Schema, Table,
};
use wealthscore::synth::{PortfolioConfig, core_banking, generate};

const ROWS: usize = 100_000;
/// Line 5,001 of the file (row 5,000) gets an unreadable balance.
const BAD_ROW: usize = 5_000;

fn export() -> (Schema, Table) {
    let schema = Schema::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/schemas/core_banking.json"
    ))
    .unwrap();
    let book = generate(&PortfolioConfig::default().with_clients(ROWS).with_seed(77)).unwrap();
    let mut csv = Vec::new();
    core_banking::write_csv(&mut csv, &book, &core_banking::ExportConfig::default()).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Column 6 is BAL_CUR (core_banking::HEADER).
    let mut cells: Vec<String> = lines[BAD_ROW + 1].split(',').map(str::to_string).collect();
    cells[5] = "twelve".into();
    lines[BAD_ROW + 1] = cells.join(",");
    let table = Table::read_csv((lines.join("\n") + "\n").as_bytes(), &schema).unwrap();
    (schema, table)
}

#[test]
fn columnar_equals_the_row_path_bitwise_for_every_model_kind() {
    let (schema, table) = export();
    assert_eq!(core_banking::HEADER[5], "BAL_CUR");
    let train = table.take(&(0..4_000).collect::<Vec<_>>()).unwrap();
    let kinds = [
        ModelParams::Logistic(LogisticParams::default()),
        ModelParams::Forest(
            ForestParams::default()
                .with_n_trees(8)
                .with_max_depth(4)
                .with_seed(2),
        ),
        ModelParams::Boosted(
            BoostParams::default()
                .with_trees(20)
                .with_size(3, 8)
                .with_seed(2),
        ),
        // Selection over two small candidates: a blend or one of them, calibrated.
        ModelParams::Auto(
            SelectionParams::default()
                .with_folds(2, 5)
                .with_candidates(vec![
                    Candidate::logistic("logistic", LogisticParams::default()),
                    Candidate::boosted(
                        "boosted",
                        BoostParams::default().with_trees(10).with_size(3, 8),
                    ),
                ]),
        ),
    ];
    let mut out = AssessmentColumns::default();
    let mut fast = AssessmentColumns::default();
    for model in kinds {
        let kind = model.kind();
        let config = PipelineConfig::with_model(model);
        let fitted = FittedPipeline::fit(schema.clone(), &train, &config).unwrap();
        let pipeline = fitted.pipeline;
        pipeline.assess_columns(&table, &mut out).unwrap();
        // The risk-and-reason outputs alone are the same bits, and nothing else is set.
        pipeline
            .assess_columns_with(&table, Outputs::RiskAndReason, &mut fast)
            .unwrap();
        assert_eq!(fast.valid, out.valid, "{kind}");
        assert!(
            fast.probability
                .iter()
                .zip(&out.probability)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "{kind}"
        );
        assert_eq!(fast.risk_level, out.risk_level, "{kind}");
        assert_eq!(fast.top_reason, out.top_reason, "{kind}");
        assert_eq!(
            fast.top_reason_contribution, out.top_reason_contribution,
            "{kind}"
        );
        assert!(fast.warnings.iter().all(|&w| w == 0), "{kind}");
        assert!(fast.best_action.iter().all(Option::is_none), "{kind}");
        assert_eq!(fast.errors.len(), 1, "{kind}");
        let rows = pipeline.assess(&table).unwrap();
        assert_eq!(out.len(), ROWS, "{kind}");
        assert_eq!(rows.len(), ROWS, "{kind}");
        let mut valid = 0;
        for (i, row) in rows.iter().enumerate() {
            match row {
                Ok(a) => {
                    valid += 1;
                    assert!(out.valid[i], "{kind} row {i}");
                    assert_eq!(
                        out.probability[i].to_bits(),
                        a.churn_probability.to_bits(),
                        "{kind} row {i}"
                    );
                    assert_eq!(out.risk_level[i], Some(a.risk_level), "{kind} row {i}");
                    assert_eq!(out.warnings[i], a.warnings.bits(), "{kind} row {i}");
                    let top = a.reasons.first();
                    assert_eq!(
                        out.top_reason[i].and_then(|s| pipeline.reason_column(s as usize)),
                        top.map(|r| r.column.as_str()),
                        "{kind} row {i}"
                    );
                    assert_eq!(
                        out.top_reason_contribution[i].to_bits(),
                        top.map_or(0.0, |r| r.contribution).to_bits(),
                        "{kind} row {i}"
                    );
                    assert_eq!(out.clv[i].map(f64::to_bits), a.clv.map(f64::to_bits));
                    assert_eq!(
                        out.expected_value_lost[i].map(f64::to_bits),
                        a.expected_value_lost.map(f64::to_bits)
                    );
                    assert_eq!(out.best_action[i], a.actions.first().map(|x| x.kind));
                }
                Err(e) => {
                    assert!(!out.valid[i], "{kind} row {i}");
                    let (_, ce) = out
                        .errors
                        .iter()
                        .find(|(r, _)| *r == i)
                        .expect("the columnar path reports the row's error");
                    assert_eq!(ce.to_string(), e.to_string());
                }
            }
        }
        // The corrupted balance is the one bad row, and the error names its line.
        assert_eq!(out.errors.len(), 1, "{kind}");
        assert_eq!(out.errors[0].0, BAD_ROW, "{kind}");
        assert!(
            out.errors[0].1.to_string().contains("line 5002"),
            "{}",
            out.errors[0].1
        );
        assert_eq!(valid, ROWS - 1);
        // Clients are assessed all the way through: values and actions, not just scores.
        assert!(
            out.clv.iter().filter(|c| c.is_some()).count() > ROWS / 2,
            "{kind}"
        );
        assert!(out.best_action.iter().any(Option::is_some), "{kind}");
    }
}

#[test]
fn buffers_are_reused_and_resized_to_each_table() {
    let (schema, table) = export();
    let train = table.take(&(0..3_000).collect::<Vec<_>>()).unwrap();
    let pipeline = FittedPipeline::fit(schema, &train, &PipelineConfig::default())
        .unwrap()
        .pipeline;
    let mut out = AssessmentColumns::default();
    pipeline.assess_columns(&table, &mut out).unwrap();
    let first = out.probability[10];
    let small = table.take(&[10, 11, 12]).unwrap();
    pipeline.assess_columns(&small, &mut out).unwrap();
    assert_eq!(out.len(), 3);
    assert!(out.errors.is_empty());
    assert_eq!(out.probability[0].to_bits(), first.to_bits());
}

/// A value the transform cannot take (log1p of -2) is that row's error in both paths,
/// naming the line, the column and the value; a missing value the schema fills and
/// flags is not an error. The expected message is written from the schema's rules.
#[test]
fn a_value_outside_the_transform_is_its_rows_error_in_both_paths() {
    let schema = Schema::from_json(
        r#"{"columns": [
          {"name": "left", "type": "boolean", "role": "label"},
          {"name": "balance", "type": "number", "transform": "log1p", "cause": "market"},
          {"name": "calls", "type": "number", "missing": "median", "missing_indicator": true,
           "transform": {"clip": {"lower_pct": 0, "upper_pct": 90}}, "cause": "service"}]}"#,
    )
    .unwrap();
    let mut csv = String::from("balance,calls,left\n");
    for i in 0..40 {
        csv += &format!("{},{},{}\n", 100 * (i % 7), i % 9, i % 3 == 0);
    }
    let train = Table::read_csv(csv.as_bytes(), &schema).unwrap();
    let fitted = FittedPipeline::fit(schema.clone(), &train, &PipelineConfig::default())
        .unwrap()
        .pipeline;
    let test = Table::read_csv(
        "balance,calls,left\n10,1,no\n-2,3,no\n5,,yes\n".as_bytes(),
        &schema,
    )
    .unwrap();
    let rows = fitted.assess(&test).unwrap();
    let mut out = AssessmentColumns::default();
    // Buffers that held a good assessment in every row first: a bad row's cells are
    // rewritten, so the result is that of fresh buffers.
    let good = Table::read_csv(
        "balance,calls,left\n10,1,no\n20,3,no\n5,,yes\n".as_bytes(),
        &schema,
    )
    .unwrap();
    fitted.assess_columns(&good, &mut out).unwrap();
    assert_eq!(out.valid, vec![true; 3]);
    fitted.assess_columns(&test, &mut out).unwrap();
    let mut fresh = AssessmentColumns::default();
    fitted.assess_columns(&test, &mut fresh).unwrap();
    assert_eq!(out, fresh);
    assert_eq!(out.probability[1], 0.0);
    assert_eq!(out.risk_level[1], None);
    let expected = "line 3: balance";
    let e = rows[1].as_ref().unwrap_err().to_string();
    assert!(
        e.contains(expected) && e.contains("-2") && e.contains("must be > -1"),
        "{e}"
    );
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].0, 1);
    assert_eq!(out.errors[0].1.to_string(), e);
    assert_eq!(out.valid, vec![true, false, true]);
    for i in [0, 2] {
        let a = rows[i].as_ref().unwrap();
        assert_eq!(out.probability[i].to_bits(), a.churn_probability.to_bits());
    }
}

/// Shapes the core-banking export does not have: a table of no rows, a table where every
/// row is bad, and a schema of categories and a boolean only (no value columns), with a
/// level rule and a numeric rule on a boolean. The reference is the row path on the same
/// rows; the expected warning bits are written from the rules.
#[test]
fn edge_shapes_match_the_row_path() {
    let schema = Schema::from_json(
        r#"{"columns": [
          {"name": "left", "type": "boolean", "role": "label"},
          {"name": "plan", "type": "category", "cause": "product"},
          {"name": "online", "type": "boolean", "cause": "service"}],
          "warnings": [
            {"name": "basic plan", "column": "plan", "levels": ["basic"]},
            {"name": "offline", "column": "online", "max": 0}]}"#,
    )
    .unwrap();
    let mut csv = String::from("plan,online,left\n");
    for i in 0..60 {
        let plan = ["basic", "premium", "gold"][i % 3];
        csv += &format!("{plan},{},{}\n", i % 4 == 0, (i % 3 == 0) ^ (i % 7 == 0));
    }
    let table = Table::read_csv(csv.as_bytes(), &schema).unwrap();
    let fitted = FittedPipeline::fit(schema.clone(), &table, &PipelineConfig::default())
        .unwrap()
        .pipeline;
    let mut out = AssessmentColumns::default();
    for outputs in [Outputs::Full, Outputs::RiskAndReason] {
        fitted
            .assess_columns_with(&table, outputs, &mut out)
            .unwrap();
        let rows = fitted.assess(&table).unwrap();
        for (i, row) in rows.iter().enumerate() {
            let a = row.as_ref().unwrap();
            assert_eq!(out.probability[i].to_bits(), a.churn_probability.to_bits());
            assert_eq!(
                out.top_reason[i].and_then(|s| fitted.reason_column(s as usize)),
                a.reasons.first().map(|r| r.column.as_str())
            );
            if outputs == Outputs::Full {
                let expected = u64::from(i % 3 == 0) | (u64::from(i % 4 != 0) << 1);
                assert_eq!(out.warnings[i], expected, "row {i}");
                assert_eq!(out.warnings[i], a.warnings.bits());
                assert_eq!(out.clv[i], None);
            }
        }
    }

    // No rows: nothing, and no error.
    let empty = Table::read_csv("plan,online,left\n".as_bytes(), &schema).unwrap();
    fitted.assess_columns(&empty, &mut out).unwrap();
    assert!(out.is_empty() && out.errors.is_empty());

    // Every row bad (`plan` missing, and missing values are rejected by default): each
    // row its own error, in order.
    let bad = Table::read_csv(
        "plan,online,left\n,yes,no\n,no,no\n,yes,yes\n".as_bytes(),
        &schema,
    )
    .unwrap();
    fitted.assess_columns(&bad, &mut out).unwrap();
    let rows = fitted.assess(&bad).unwrap();
    assert_eq!(out.valid, vec![false; 3]);
    assert_eq!(out.errors.len(), 3);
    for (k, (i, e)) in out.errors.iter().enumerate() {
        assert_eq!(*i, k);
        assert_eq!(e.to_string(), rows[k].as_ref().unwrap_err().to_string());
        assert!(e.to_string().contains("plan"), "{e}");
    }
}

/// Rows the reader could not read, spread over three chunks (at a chunk's first and last
/// row too): each is its own error at its index in both paths, every other row is
/// assessed. The bad rows are the ones this test writes with a word for a number.
#[test]
fn reading_errors_in_several_chunks_stay_at_their_rows() {
    let schema = Schema::from_json(
        r#"{"columns": [
          {"name": "left", "type": "boolean", "role": "label"},
          {"name": "calls", "type": "number", "cause": "service"}]}"#,
    )
    .unwrap();
    let bad = [7, 2047, 2048, 4100, 4999];
    let mut csv = String::from("calls,left\n");
    for i in 0..5000 {
        if bad.contains(&i) {
            csv += "many,no\n";
        } else {
            csv += &format!("{},{}\n", i % 9, i % 3 == 0);
        }
    }
    let table = Table::read_csv(csv.as_bytes(), &schema).unwrap();
    let fitted = FittedPipeline::fit(schema, &table, &PipelineConfig::default())
        .unwrap()
        .pipeline;
    let mut out = AssessmentColumns::default();
    fitted.assess_columns(&table, &mut out).unwrap();
    let rows = fitted.assess(&table).unwrap();
    let at: Vec<usize> = out.errors.iter().map(|(i, _)| *i).collect();
    assert_eq!(at, bad);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(out.valid[i], !bad.contains(&i), "row {i}");
        assert_eq!(row.is_err(), bad.contains(&i), "row {i}");
        if let Ok(a) = row {
            assert_eq!(out.probability[i].to_bits(), a.churn_probability.to_bits());
        }
    }
    // The reader's own error, not a later one (a cell it could not read is also missing).
    for (i, e) in &out.errors {
        let read = table.row_error(*i).unwrap().to_string();
        assert_eq!(e.to_string(), read);
        assert!(
            read.contains(&format!("line {}", i + 2)) && read.contains("many"),
            "{read}"
        );
    }
}
