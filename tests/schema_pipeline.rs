//! Every missing-value policy and transform against hand-computed values, unseen levels
//! and absent columns at scoring, schema-hash and fingerprint checks of the pipeline file,
//! and bad rows that never affect the others.
//!
//! Expected values are computed by hand in the comments (numpy's linear percentiles and
//! population standard deviation, as scikit-learn's imputers and scalers).

use wealthscore::Error;
use wealthscore::schema::{FittedPipeline, PipelineConfig, Schema, Table};

/// Five training rows: `x` = 1, 2, missing, 4, 10 (line 4 is the missing one); the
/// category `c` = b, a, c, a, b; balances now and before; an opening date.
const TRAIN: &str = "y,x,c,now,before,opened\n\
                     1,1,b,90,100,2026-01-31\n\
                     0,2,a,50,0,2025-10-31\n\
                     1,,c,120,100,2026-07-31\n\
                     0,4,a,80,80,2024-10-31\n\
                     1,10,b,100,50,2026-04-30\n";

fn schema_with(column: &str) -> Schema {
    Schema::from_json(&format!(
        r#"{{"columns": [
            {{"name": "y", "type": "boolean", "role": "label"}},
            {{"name": "x", "type": "number", "role": "info"}},
            {{"name": "c", "type": "category", "role": "info"}},
            {{"name": "now", "type": "number", "role": "info"}},
            {{"name": "before", "type": "number", "role": "info"}},
            {{"name": "opened", "type": "date", "role": "info"}},
            {column}
        ]}}"#
    ))
    .unwrap()
}

/// Fits a pipeline whose one feature is `column` (JSON) and transforms the training table.
/// Feature names, rows and row errors.
type Features = (Vec<String>, Vec<Vec<f64>>, Vec<(usize, String)>);

fn features(column: &str) -> Features {
    let schema = schema_with(column);
    let table = Table::read_csv(TRAIN.as_bytes(), &schema).unwrap();
    let p = FittedPipeline::fit(schema, &table, &PipelineConfig::default())
        .unwrap()
        .pipeline;
    let t = p.transform(&table).unwrap();
    let names = p.features().iter().map(|f| f.name.clone()).collect();
    let rows = t.x.rows().into_iter().map(|r| r.to_vec()).collect();
    let errors = t.errors.iter().map(|(r, e)| (*r, e.to_string())).collect();
    (names, rows, errors)
}

fn column_of(rows: &[Vec<f64>], j: usize) -> Vec<f64> {
    rows.iter().map(|r| r[j]).collect()
}

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() < 1e-12, "{a:?} vs {b:?}");
    }
}

#[test]
fn median_fill_with_indicator() {
    // Observed 1, 2, 4, 10: median (2 + 4) / 2 = 3.
    let (names, rows, errors) = features(
        r#"{"name": "f", "type": "number", "derive": {"difference": ["x", "before"]},
            "missing": "median", "missing_indicator": true}"#,
    );
    // x − before = −99, 2, missing, −76, −40: median of the four (−76 − 40) / 2 = −58.
    assert_eq!(names, ["f", "f=missing"]);
    assert!(errors.is_empty());
    close(&column_of(&rows, 0), &[-99.0, 2.0, -58.0, -76.0, -40.0]);
    close(&column_of(&rows, 1), &[0.0, 0.0, 1.0, 0.0, 0.0]);
}

#[test]
fn every_missing_policy_on_a_read_column() {
    let run = |missing: &str| {
        let schema = Schema::from_json(&format!(
            r#"{{"columns": [
                {{"name": "y", "type": "boolean", "role": "label"}},
                {{"name": "x", "type": "number", "missing": {missing}, "missing_indicator": true}}
            ]}}"#
        ))
        .unwrap();
        let table = Table::read_csv(TRAIN.as_bytes(), &schema).unwrap();
        let fitted = FittedPipeline::fit(schema, &table, &PipelineConfig::default()).unwrap();
        let t = fitted.pipeline.transform(&table).unwrap();
        (fitted.skipped, t)
    };
    // Median of 1, 2, 4, 10 is 3; the mode of four distinct values is the smallest, 1.
    for (policy, fill) in [
        (r#""median""#, 3.0),
        (r#""mode""#, 1.0),
        (r#"{"constant": 7}"#, 7.0),
    ] {
        let (skipped, t) = run(policy);
        assert!(skipped.is_empty(), "{policy}");
        close(&t.x.column(0).to_vec(), &[1.0, 2.0, fill, 4.0, 10.0]);
        close(&t.x.column(1).to_vec(), &[0.0, 0.0, 1.0, 0.0, 0.0]);
    }
    // Reject: the row is left out of the fit and is an error at scoring, naming its line.
    let (skipped, t) = run(r#""reject""#);
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].0, 2);
    assert!(
        skipped[0].1.to_string().contains("line 4: x"),
        "{}",
        skipped[0].1
    );
    assert_eq!(t.rows, vec![0, 1, 3, 4]);
    assert_eq!(t.errors[0].0, 2);
}

#[test]
fn log1p_clip_standardise_in_order() {
    let x = [1.0f64, 2.0, 3.0, 4.0, 10.0]; // the median fills the missing row
    let (_, rows, _) = features(
        r#"{"name": "x1", "type": "number", "derive": {"difference": ["x", "y"]}, "missing": "median", "transform": "log1p"}"#,
    );
    // x − y = 0, 2, missing, 4, 9: median 3 → ln(1 + v).
    close(
        &column_of(&rows, 0),
        &[0f64, 2.0, 3.0, 4.0, 9.0].map(f64::ln_1p),
    );

    // numpy.percentile([1, 2, 3, 4, 10], [25, 75]) = [2, 4].
    let (_, rows, _) = features(
        r#"{"name": "x1", "type": "number", "derive": {"difference": ["x", "before"]},
            "missing": "median", "transform": {"clip": {"lower_pct": 25, "upper_pct": 75}}}"#,
    );
    // x − before = −99, 2, (median −58), −76, −40; sorted −99, −76, −58, −40, 2, so the
    // 25th and 75th percentiles are −76 and −40.
    close(&column_of(&rows, 0), &[-76.0, -40.0, -58.0, -76.0, -40.0]);

    // Standardise: mean 4, population variance (9 + 4 + 1 + 0 + 36) / 5 = 10.
    let schema = Schema::from_json(
        r#"{"columns": [{"name": "y", "type": "boolean", "role": "label"},
            {"name": "x", "type": "number", "missing": "median", "transform": ["standardise"]}]}"#,
    )
    .unwrap();
    let table = Table::read_csv(TRAIN.as_bytes(), &schema).unwrap();
    let p = FittedPipeline::fit(schema, &table, &PipelineConfig::default())
        .unwrap()
        .pipeline;
    let t = p.transform(&table).unwrap();
    let sd = 10f64.sqrt();
    close(&t.x.column(0).to_vec(), &x.map(|v| (v - 4.0) / sd));

    // Chained: clip to [2, 4] then standardise: 2, 2, 3, 4, 4 → mean 3, variance 0.8.
    let schema = Schema::from_json(
        r#"{"columns": [{"name": "y", "type": "boolean", "role": "label"},
            {"name": "x", "type": "number", "missing": "median",
             "transform": [{"clip": {"lower_pct": 25, "upper_pct": 75}}, "standardize"]}]}"#,
    )
    .unwrap();
    let table = Table::read_csv(TRAIN.as_bytes(), &schema).unwrap();
    let p = FittedPipeline::fit(schema, &table, &PipelineConfig::default())
        .unwrap()
        .pipeline;
    let t = p.transform(&table).unwrap();
    let sd = 0.8f64.sqrt();
    close(
        &t.x.column(0).to_vec(),
        &[2.0, 2.0, 3.0, 4.0, 4.0].map(|v| (v - 3.0) / sd),
    );
}

#[test]
fn bins_by_edges_and_quantiles() {
    let run = |transform: &str| {
        let schema = Schema::from_json(&format!(
            r#"{{"columns": [{{"name": "y", "type": "boolean", "role": "label"}},
                {{"name": "x", "type": "number", "missing": "median", "transform": {transform}}}]}}"#
        ))
        .unwrap();
        let table = Table::read_csv(TRAIN.as_bytes(), &schema).unwrap();
        let p = FittedPipeline::fit(schema, &table, &PipelineConfig::default())
            .unwrap()
            .pipeline;
        let t = p.transform(&table).unwrap();
        let names: Vec<String> = p.features().iter().map(|f| f.name.clone()).collect();
        (names, t.x)
    };
    // Edges 2, 4: x ≤ 2 | 2 < x ≤ 4 | x > 4 for 1, 2, 3, 4, 10.
    let (names, x) = run(r#"{"bins": {"edges": [2, 4]}}"#);
    assert_eq!(names, ["x<=2", "x=(2,4]", "x>4"]);
    close(&x.column(0).to_vec(), &[1.0, 1.0, 0.0, 0.0, 0.0]);
    close(&x.column(1).to_vec(), &[0.0, 0.0, 1.0, 1.0, 0.0]);
    close(&x.column(2).to_vec(), &[0.0, 0.0, 0.0, 0.0, 1.0]);
    // Two quantile bins: the median 3 is the edge; the first bin dropped.
    let (names, x) = run(r#"{"bins": {"quantiles": 2, "drop_first": true}}"#);
    assert_eq!(names, ["x>3"]);
    close(&x.column(0).to_vec(), &[0.0, 0.0, 0.0, 1.0, 1.0]);
}

fn category_pipeline(one_hot: &str, missing: &str) -> FittedPipeline {
    let schema = Schema::from_json(&format!(
        r#"{{"columns": [{{"name": "y", "type": "boolean", "role": "label"}},
            {{"name": "c", "type": "category", "missing": {missing}, "transform": {{"one_hot": {one_hot}}}}}]}}"#
    ))
    .unwrap();
    let table = Table::read_csv(TRAIN.as_bytes(), &schema).unwrap();
    FittedPipeline::fit(schema, &table, &PipelineConfig::default())
        .unwrap()
        .pipeline
}

fn score_levels(p: &FittedPipeline, cells: &str) -> (Vec<Vec<f64>>, Vec<(usize, Error)>) {
    // An empty cell is written `""`: CSV readers skip blank lines.
    let cells: Vec<String> = cells
        .split(',')
        .map(|c| {
            if c.is_empty() {
                "\"\"".to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let csv = format!("c\n{}\n", cells.join("\n"));
    let table = Table::read_csv(csv.as_bytes(), p.schema()).unwrap();
    let t = p.transform(&table).unwrap();
    (
        t.x.rows().into_iter().map(|r| r.to_vec()).collect(),
        t.errors,
    )
}

#[test]
fn one_hot_levels_drop_first_and_unseen_policies() {
    // Levels sorted a, b, c; drop_first drops a.
    let p = category_pipeline(r#"{"drop_first": true}"#, r#""reject""#);
    let names: Vec<&str> = p.features().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["c=b", "c=c"]);
    let (x, errs) = score_levels(&p, "a,b,c,z");
    assert_eq!(x, vec![vec![0.0, 0.0], vec![1.0, 0.0], vec![0.0, 1.0]]);
    // Unseen level, default policy: that row's error, naming the column and the level.
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, 3);
    let msg = errs[0].1.to_string();
    assert!(msg.contains("line 5: c") && msg.contains('z'), "{msg}");

    let p = category_pipeline(r#"{"unseen": "ignore"}"#, r#""reject""#);
    let (x, errs) = score_levels(&p, "z,a");
    assert!(errs.is_empty());
    assert_eq!(x, vec![vec![0.0, 0.0, 0.0], vec![1.0, 0.0, 0.0]]);

    // Pooled: c (seen once) falls below min_frequency 2 and joins `other`, as unseen z.
    let p = category_pipeline(
        r#"{"unseen": "infrequent", "min_frequency": 2}"#,
        r#""reject""#,
    );
    let names: Vec<&str> = p.features().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["c=a", "c=b", "c=other"]);
    let (x, _) = score_levels(&p, "z,c,b");
    assert_eq!(
        x,
        vec![
            vec![0.0, 0.0, 1.0],
            vec![0.0, 0.0, 1.0],
            vec![0.0, 1.0, 0.0]
        ]
    );

    // Missing levels: the mode (a and b twice each: the first, a) and a constant level.
    let p = category_pipeline("{}", r#""mode""#);
    let (x, _) = score_levels(&p, ",b");
    assert_eq!(x[0], vec![1.0, 0.0, 0.0]);
    let p = category_pipeline("{}", r#"{"constant": "c"}"#);
    let (x, _) = score_levels(&p, "");
    assert_eq!(x[0], vec![0.0, 0.0, 1.0]);
}

#[test]
fn derived_columns() {
    // now / before − 1 = −0.1, (0 denominator: missing → constant 0), 0.2, 0, 1.
    let (names, rows, _) = features(
        r#"{"name": "change", "type": "number", "derive": {"relative_change": ["now", "before"]},
            "missing": {"constant": 0}, "missing_indicator": true}"#,
    );
    assert_eq!(names, ["change", "change=missing"]);
    close(
        &column_of(&rows, 0),
        &[90.0 / 100.0 - 1.0, 0.0, 0.2, 0.0, 1.0],
    );
    close(&column_of(&rows, 1), &[0.0, 1.0, 0.0, 0.0, 0.0]);
    // Ratio 0.9, missing (÷0) → mode of 0.9, 1.2, 1, 2 is the smallest, 0.9.
    let (_, rows, _) = features(
        r#"{"name": "r", "type": "number", "derive": {"ratio": ["now", "before"]}, "missing": "mode"}"#,
    );
    close(&column_of(&rows, 0), &[0.9, 0.9, 1.2, 1.0, 2.0]);
    // Months to 2026-10-31: 273, 365, 92, 730, 184 days ÷ 30.4375.
    let (_, rows, _) = features(
        r#"{"name": "m", "type": "number", "derive": {"months_since": {"column": "opened", "as_of": "2026-10-31"}}}"#,
    );
    close(
        &column_of(&rows, 0),
        &[273.0, 365.0, 92.0, 730.0, 184.0].map(|d| d / 30.4375),
    );
}

fn simple() -> (Schema, Table, FittedPipeline) {
    let schema = Schema::from_json(
        r#"{"name": "simple", "columns": [{"name": "y", "type": "boolean", "role": "label"},
            {"name": "x", "type": "number", "missing": "median", "cause": "service", "unit": "calls"},
            {"name": "c", "type": "category", "transform": {"one_hot": {"unseen": "ignore"}}}]}"#,
    )
    .unwrap();
    let table = Table::read_csv(TRAIN.as_bytes(), &schema).unwrap();
    let p = FittedPipeline::fit(schema.clone(), &table, &PipelineConfig::default())
        .unwrap()
        .pipeline;
    (schema, table, p)
}

#[test]
fn a_column_missing_at_scoring_is_one_error_naming_it() {
    let (schema, _, p) = simple();
    // Reading with the schema already names it...
    match Table::read_csv("y,c\n1,a\n".as_bytes(), &schema) {
        Err(Error::InvalidInput { value, .. }) => assert_eq!(value, "x"),
        other => panic!("{other:?}"),
    }
    // ...and a table built another way is checked by the pipeline.
    let t = Table::from_array(ndarray::array![[1.0]].view(), &["c"]).unwrap();
    match p.predict(&t) {
        Err(Error::InvalidInput { value, reason, .. }) => {
            assert_eq!(value, "x");
            assert!(reason.contains("lacks"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn data_read_with_another_schema_is_refused() {
    let (schema, _, p) = simple();
    let mut other = schema.clone();
    other.columns[1].unit = Some("minutes".into());
    let t = Table::read_csv(TRAIN.as_bytes(), &other).unwrap();
    match p.predict(&t) {
        Err(Error::InvalidInput { reason, .. }) => {
            assert!(reason.contains("another schema"), "{reason}");
            assert!(reason.contains(p.schema_hash()), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_pipeline_file_round_trips_and_detects_edits() {
    let (_, table, p) = simple();
    let json = p.to_json().unwrap();
    let back = FittedPipeline::from_json(&json).unwrap();
    assert_eq!(back, p);
    assert_eq!(back.fingerprint(), p.fingerprint());
    let a: Vec<f64> = p
        .predict(&table)
        .unwrap()
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let b: Vec<f64> = back
        .predict(&table)
        .unwrap()
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(a, b);
    // The schema edited by hand: its hash no longer matches the one recorded.
    let edited = json.replace(r#""unit":"calls""#, r#""unit":"minutes""#);
    assert_ne!(edited, json);
    match FittedPipeline::from_json(&edited) {
        Err(Error::InvalidModel { reason }) => assert!(reason.contains("schema hash"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // A learnt statistic edited: the fingerprint no longer matches.
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let fill = v["pipeline"]["columns"][0]["fill"].as_f64().unwrap();
    assert_eq!(fill, 3.0);
    let edited = json.replacen(r#""fill":3.0"#, r#""fill":3.5"#, 1);
    assert_ne!(edited, json);
    match FittedPipeline::from_json(&edited) {
        Err(Error::InvalidModel { reason }) => assert!(reason.contains("fingerprint"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // Unknown fields are refused.
    let edited = json.replacen(r#""format""#, r#""colour":1,"format""#, 1);
    assert!(FittedPipeline::from_json(&edited).is_err());
}

#[test]
fn bad_rows_never_affect_the_others() {
    let (schema, _, p) = simple();
    let good = "y,x,c\n1,3,a\n0,5,b\n";
    let mixed = "y,x,c\n1,3,a\n1,oops,a\n0,5,b\n";
    let g = p
        .predict(&Table::read_csv(good.as_bytes(), &schema).unwrap())
        .unwrap();
    let m = p
        .predict(&Table::read_csv(mixed.as_bytes(), &schema).unwrap())
        .unwrap();
    assert_eq!(g[0].as_ref().unwrap(), m[0].as_ref().unwrap());
    assert_eq!(g[1].as_ref().unwrap(), m[2].as_ref().unwrap());
    let e = m[1].as_ref().unwrap_err().to_string();
    assert!(e.contains("line 3: x") && e.contains("oops"), "{e}");
    // The assessment explains in the column's units, and says what it did not assess.
    let t = Table::read_csv(good.as_bytes(), &schema).unwrap();
    let a = p.assess(&t).unwrap();
    let a0 = a[0].as_ref().unwrap();
    assert_eq!(a0.clv, None);
    assert!(a0.actions.is_empty());
    assert!(
        a0.reasons
            .iter()
            .all(|r| r.column == "x" || r.column == "c")
    );
    let text = p.describe(a0);
    assert!(text.contains("not assessed: client value"), "{text}");
}

/// Issue 13: every type a user writes rejects keys it does not understand, including the
/// model choice of a pipeline configuration (an adjacently tagged enum).
#[test]
fn unknown_keys_in_a_pipeline_configuration_are_refused() {
    use wealthscore::schema::ModelParams;
    let ok = r#"{"kind": "boosted", "params": {"n_trees": 5}}"#;
    assert_eq!(
        serde_json::from_str::<ModelParams>(ok).unwrap().kind(),
        "boosted"
    );
    let typo = r#"{"kind": "logistic", "params": {}, "parms": {}}"#;
    let e = serde_json::from_str::<ModelParams>(typo).unwrap_err();
    assert!(e.to_string().contains("parms"), "{e}");
    let cfg = r#"{"model": {"kind": "forest", "params": {}}, "risk_cutoff": {}}"#;
    let e = serde_json::from_str::<PipelineConfig>(cfg).unwrap_err();
    assert!(e.to_string().contains("risk_cutoff"), "{e}");
}

#[test]
fn a_fit_without_usable_rows_says_why() {
    let schema = schema_with(r#"{"name": "z", "type": "number"}"#);
    let fit = |csv: &str| {
        let table = Table::read_csv(csv.as_bytes(), &schema).unwrap();
        match FittedPipeline::fit(schema.clone(), &table, &PipelineConfig::default()) {
            Err(Error::Fit { reason, .. }) => reason,
            other => panic!("expected Fit, got {other:?}"),
        }
    };
    let header = "y,x,c,now,before,opened,z\n";
    assert_eq!(fit(header), "the table has no rows");
    // Two rows, neither usable: the first error is the earliest row's, in the user's terms.
    let why = fit(&format!(
        "{header}maybe,1,a,1,1,2026-01-31,1\n1,1,a,1,1,2026-01-31,abc\n"
    ));
    assert!(
        why.contains("none of the 2 rows") && why.contains("line 2: y") && why.contains("maybe"),
        "{why}"
    );
}

#[test]
fn a_warning_level_differing_from_the_data_only_in_case_is_refused_at_fit() {
    let with_rule = |level: &str| {
        Schema::from_json(&format!(
            r#"{{"columns": [
                {{"name": "y", "type": "boolean", "role": "label"}},
                {{"name": "x", "type": "number"}},
                {{"name": "c", "type": "category"}},
                {{"name": "now", "type": "number", "role": "info"}},
                {{"name": "before", "type": "number", "role": "info"}},
                {{"name": "opened", "type": "date", "role": "info"}}
            ],
            "warnings": [{{"name": "plan", "column": "c", "levels": ["{level}"]}}]}}"#
        ))
        .unwrap()
    };
    let fit = |schema: Schema| {
        let table = Table::read_csv(TRAIN.as_bytes(), &schema).unwrap();
        FittedPipeline::fit(schema, &table, &PipelineConfig::default())
    };
    // The data's levels are a, b, c: ` B` would never fire.
    match fit(with_rule(" B")) {
        Err(Error::InvalidConfig { field, reason }) => {
            assert_eq!(field, "warnings[0].levels");
            assert!(reason.contains("`b`"), "{reason}");
        }
        other => panic!("expected InvalidConfig, got {other:?}"),
    }
    // An exact level, or one the training data lacks altogether, is accepted.
    assert!(fit(with_rule("b")).is_ok());
    assert!(fit(with_rule("closed")).is_ok());
}
