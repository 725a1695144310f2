//! The schema path on the two public churn sets, from the RAW csv files, a schema file each
//! (`examples/schemas/`) and the fixed split files, against scikit-learn 1.9.1's logistic
//! regression on the same rows (its test probabilities ship with the data; see
//! ../shared/data/real/SOURCE.md: reference levels dropped, TotalCharges blank → 0,
//! StandardScaler then LogisticRegression(C=1)).
//!
//! The data are not in this repository (no open licence): they are read from
//! `$WEALTHSCORE_REAL_DATA` or `../shared/data/real`; when absent the tests print that they
//! skipped and pass.

use std::collections::HashMap;
use wealthscore::churn::eval::roc_auc;
use wealthscore::schema::{FittedPipeline, ModelParams, PipelineConfig, Schema, Table};

fn dir() -> Option<String> {
    let d = std::env::var("WEALTHSCORE_REAL_DATA")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/real").into());
    std::path::Path::new(&d).is_dir().then_some(d)
}

/// The scikit-learn test AUC of `p_lr_l2` in the shipped scores file.
fn sklearn_auc(path: &str) -> f64 {
    sklearn_auc_of(path, "p_lr_l2")
}

/// The scikit-learn test AUC of a column of the shipped scores file.
fn sklearn_auc_of(path: &str, column: &str) -> f64 {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let jy = h.iter().position(|c| c == "churn" || c == "y").unwrap_or(0);
    let jp = h.iter().position(|c| c == column).unwrap();
    let (mut p, mut y) = (Vec::new(), Vec::new());
    for rec in r.records() {
        let rec = rec.unwrap();
        y.push(rec[jy].parse::<f64>().unwrap() == 1.0);
        p.push(rec[jp].parse::<f64>().unwrap());
    }
    roc_auc(&p, &y).unwrap()
}

/// The data directory, the schema, the raw table and its train and test rows.
type Loaded = (String, Schema, Table, Vec<usize>, Vec<usize>);

fn load(name: &str, raw: &str, schema_file: &str) -> Option<Loaded> {
    let Some(d) = dir() else {
        eprintln!("SKIPPED {name}: ../shared/data/real (or $WEALTHSCORE_REAL_DATA) is absent");
        return None;
    };
    let schema = Schema::from_path(format!(
        "{}/examples/schemas/{schema_file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let table = Table::read_csv_path(format!("{d}/{raw}"), &schema).unwrap();
    // The split file names each raw row's side by the id column.
    let id = schema.id_column().unwrap();
    let ids = table.column(&id.name).unwrap();
    let mut r = csv::Reader::from_path(format!("{d}/{name}_split.csv")).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let key = h
        .iter()
        .position(|c| c.eq_ignore_ascii_case(&id.name))
        .unwrap();
    let side = h.iter().position(|c| c == "split").unwrap();
    let sides: HashMap<String, String> = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[key].to_string(), rec[side].to_string())
        })
        .collect();
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for i in 0..table.n_rows() {
        match ids
            .display(i)
            .and_then(|v| sides.get(&v))
            .map(String::as_str)
        {
            Some("train") => train.push(i),
            Some("test") => test.push(i),
            _ => {}
        }
    }
    Some((d, schema, table, train, test))
}

fn run(name: &str, raw: &str, schema_file: &str, published: f64) -> Option<String> {
    let (d, schema, table, train, test) = load(name, raw, schema_file)?;
    let fitted = FittedPipeline::fit(
        schema.clone(),
        &table.take(&train).unwrap(),
        &PipelineConfig::default(),
    )
    .unwrap();
    assert!(fitted.skipped.is_empty(), "{:?}", &fitted.skipped[..1]);
    let pipeline = fitted.pipeline;
    let test_table = table.take(&test).unwrap();
    let label = test_table
        .column(&schema.label_column().unwrap().name)
        .unwrap();
    let probs: Vec<f64> = pipeline
        .predict(&test_table)
        .unwrap()
        .into_iter()
        .map(|p| p.unwrap())
        .collect();
    let y: Vec<bool> = (0..test.len())
        .map(|i| label.number(i) == Some(1.0))
        .collect();
    let ours = roc_auc(&probs, &y).unwrap();
    let theirs = sklearn_auc(&format!("{d}/{name}_test_scores.csv"));
    eprintln!(
        "{name}: schema path test AUC {ours:.4}, scikit-learn {theirs:.4} ({} train, {} test rows, {} features)",
        train.len(),
        test.len(),
        pipeline.n_features()
    );
    // The published figures, and ours within 0.002 of scikit-learn's.
    assert!((theirs - published).abs() < 1e-4, "{theirs}");
    assert!((ours - theirs).abs() < 0.002, "{name}: {ours} vs {theirs}");
    // The riskiest test client's reasons, in the data's own terms.
    let assessed = pipeline.assess(&test_table).unwrap();
    let top = assessed
        .iter()
        .filter_map(|a| a.as_ref().ok())
        .max_by(|a, b| a.churn_probability.total_cmp(&b.churn_probability))
        .unwrap();
    Some(pipeline.describe(top))
}

#[test]
fn telco_from_the_raw_csv_matches_scikit_learn() {
    if let Some(text) = run("telco", "telco_raw.csv", "telco.json", 0.8447) {
        eprintln!("{text}");
        // Categories are shown as their level, numbers with their unit.
        assert!(
            text.contains("contract = Month-to-month") || text.contains("tenure = "),
            "{text}"
        );
        assert!(text.contains("action: "), "{text}");
    }
}

#[test]
fn bank_from_the_raw_csv_matches_scikit_learn() {
    if let Some(text) = run("bank", "Churn_Modelling.csv", "bank.json", 0.7881) {
        eprintln!("{text}");
        assert!(text.contains("reason: "), "{text}");
    }
}

/// `--model auto` on the schema path: chosen on the training rows only, the test split
/// scored once. The bar is the issue's: at least 0.003 above the best test AUC of
/// scikit-learn 1.9.1's logistic regression, random forest and histogram gradient
/// boosting with their defaults (probabilities shipped with the data: telco 0.8447, bank
/// 0.8789), with ECE <= 0.02.
fn auto(name: &str, raw: &str, schema_file: &str, published_best: f64) {
    let Some((d, schema, table, train, test)) = load(name, raw, schema_file) else {
        return;
    };
    let scores = format!("{d}/{name}_test_scores.csv");
    let best = ["p_lr_l2", "p_random_forest", "p_hist_gradient_boosting"]
        .iter()
        .map(|c| sklearn_auc_of(&scores, c))
        .fold(f64::MIN, f64::max);
    assert!((best - published_best).abs() < 1e-4, "{best}");
    let config = PipelineConfig::with_model(ModelParams::from_name("auto").unwrap());
    let fitted = FittedPipeline::fit(schema, &table.take(&train).unwrap(), &config).unwrap();
    let selection = fitted.selection.expect("auto reports its selection");
    eprintln!("{name}:\n{}", selection.to_text());
    let mut pipeline = fitted.pipeline;
    let card = pipeline.record_test(&table.take(&test).unwrap()).unwrap();
    let t = card.test.clone().unwrap();
    eprintln!("{}", card.to_text());
    assert_eq!(t.rows, test.len());
    assert!(t.roc_auc >= best + 0.003, "{name}: {} vs {best}", t.roc_auc);
    assert!(t.ece <= 0.02, "{name}: ECE {}", t.ece);
    // The card travels with the file.
    let back = FittedPipeline::from_json(&pipeline.to_json().unwrap()).unwrap();
    assert_eq!(back.card(), pipeline.card());
}

#[test]
fn telco_auto_beats_the_best_scikit_learn_default() {
    auto("telco", "telco_raw.csv", "telco.json", 0.8447);
}

#[test]
fn bank_auto_beats_the_best_scikit_learn_default() {
    auto("bank", "Churn_Modelling.csv", "bank.json", 0.8789);
}
