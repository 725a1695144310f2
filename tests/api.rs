//! The API others depend on (issue 13): names, construction of `#[non_exhaustive]` types,
//! the crate's declared Rust version and re-exports, and budget plans that name clients
//! unambiguously.

use wealthscore::churn::{ChurnModel, scorecard::Scorecard};
use wealthscore::retention::ClientRisk;
use wealthscore::synth::{PortfolioConfig, generate};
use wealthscore::{ChurnCause, Scorer, ScorerConfig};

fn scorecard_scorer() -> Scorer {
    Scorer::new(ScorerConfig::with_model(ChurnModel::Scorecard(
        Scorecard::default(),
    )))
    .unwrap()
}

#[test]
fn value_at_risk_is_renamed_expected_value_lost() {
    let scorer = scorecard_scorer();
    let a = scorer
        .assess(&wealthscore::ClientRecord::example())
        .unwrap();
    // Closed form: expected value lost = CLV × churn probability.
    assert!((a.expected_value_lost - a.clv * a.churn_probability).abs() <= 1e-9 * a.clv);
    let json = serde_json::to_value(&a).unwrap();
    assert!(json.get("expected_value_lost").is_some(), "{json}");
    assert!(json.get("value_at_risk").is_none(), "{json}");
    let text = scorer.describe(&a);
    assert!(text.contains("expected value lost"), "{text}");
    assert!(!text.contains("value at risk"), "{text}");
}

#[test]
fn non_exhaustive_types_build_with_constructors_and_builders() {
    // Configs start from Default (or a constructor) and set fields with `with_` methods.
    let cfg = PortfolioConfig::default().with_clients(12).with_seed(9);
    assert_eq!((cfg.clients, cfg.seed), (12, 9));
    let book = generate(&cfg).unwrap();
    assert_eq!(book.clients.len(), 12);
    let policy = wealthscore::TieringPolicy::default().with_hnw_lower(2.0e6);
    assert_eq!(policy.hnw_lower, 2.0e6);
    let record = wealthscore::ClientRecord::new("C-1", 40, 24, vec![1e5, 1.2e5], vec![3, 4])
        .with_fee_rate(0.01)
        .with_complaints_12m(2);
    record.validate().unwrap();
    assert_eq!(record.aum, 1.2e5);
    let value = wealthscore::scorer::ValueAssumptions::default().with_discount_rate(0.1);
    let scfg = ScorerConfig::with_model(ChurnModel::Scorecard(Scorecard::default()))
        .with_value(value)
        .with_tiering(policy);
    let scorer = Scorer::new(scfg).unwrap();
    scorer.assess(&record).unwrap();
}

#[test]
fn rust_version_is_declared_and_ndarray_is_re_exported() {
    // The declared minimum: let-chains need 1.88, statrs 0.19 1.89, ordered-float 5 1.90.
    assert_eq!(env!("CARGO_PKG_RUST_VERSION"), "1.90");
    // ndarray as the crate sees it, so callers need not pin a matching version.
    let r = wealthscore::ndarray::array![[0.5, 0.5], [0.2, 0.8]];
    let m = wealthscore::fuzzy::MembershipMatrix::new(r, wealthscore::fuzzy::Normalisation::Keep);
    assert!(m.is_ok());
}

#[test]
fn budget_plan_names_the_right_client_after_a_failed_record_in_the_middle() {
    let scorer = scorecard_scorer();
    let mut book = generate(&PortfolioConfig::default().with_clients(400).with_seed(13))
        .unwrap()
        .clients;
    // One bad record in the middle of the book: everything after it shifts by one in
    // the slice of successful assessments the caller builds.
    book[200].fee_rate = f64::NAN;
    let results = scorer.assess_batch(&book);
    assert!(results[200].is_err());
    let causes: Vec<Vec<(ChurnCause, f64)>> = results
        .iter()
        .map(|r| match r {
            Ok(a) => a
                .reasons
                .iter()
                .flatten()
                .map(|r| (r.cause, r.contribution))
                .collect(),
            Err(_) => Vec::new(),
        })
        .collect();
    let risks: Vec<ClientRisk> = book
        .iter()
        .zip(&results)
        .zip(&causes)
        .filter_map(|((c, r), reasons)| {
            let a = r.as_ref().ok()?;
            Some(
                ClientRisk::new(
                    &c.id,
                    a.churn_probability,
                    a.clv,
                    c.aum,
                    reasons,
                    a.tiering.asset,
                )
                .with_dedicated_advisor(c.dedicated_advisor),
            )
        })
        .collect();
    let catalogue = &scorer.config().actions;
    let plan = catalogue.allocate_budget(&risks, 50_000.0).unwrap();
    assert!(!plan.chosen.is_empty());
    let after = plan
        .chosen
        .iter()
        .filter(|a| {
            book.iter()
                .position(|c| c.id == a.client)
                .is_some_and(|i| i > 200)
        })
        .count();
    assert!(
        after > 0,
        "the plan must include clients after the bad record"
    );
    for assignment in &plan.chosen {
        // The client the plan names, looked up by id in the caller's book, is the one
        // whose own ranking yields the assigned action with the same value.
        let i = book
            .iter()
            .position(|c| c.id == assignment.client)
            .expect("the plan names a client of the book");
        let risk = risks.iter().find(|r| r.id == assignment.client).unwrap();
        assert_eq!(risk.aum, book[i].aum);
        let ranked = catalogue.rank(risk).unwrap();
        assert!(
            ranked.iter().flatten().any(|r| *r == assignment.action),
            "{} was assigned an action it does not rank",
            assignment.client
        );
        let a = results[i].as_ref().unwrap();
        assert_eq!(a.churn_probability, risk.probability);
    }
}

// ---- e: strict JSON loading -------------------------------------------------------

use serde_json::{Value, json};
use wealthscore::Error;
use wealthscore::churn::Fit;
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};

type Loader = Box<dyn Fn(&str) -> wealthscore::Result<()>>;

fn strict<T: serde::de::DeserializeOwned + 'static>() -> Loader {
    Box::new(|s| wealthscore::json::from_str::<T>(s).map(drop))
}

fn plain_serde<T: serde::de::DeserializeOwned + 'static>() -> Loader {
    Box::new(|s| serde_json::from_str::<T>(s).map(drop).map_err(Error::from))
}

fn small_models() -> (LogisticModel, ForestModel) {
    let book = generate(&PortfolioConfig::default().with_clients(600).with_seed(4))
        .unwrap()
        .clients;
    let lr = LogisticModel::fit_records(&LogisticParams::default(), &book).unwrap();
    let params = ForestParams::default()
        .with_n_trees(2)
        .with_max_depth(2)
        .with_seed(1);
    let forest = ForestModel::fit_records(&params, &book).unwrap();
    (lr, forest)
}

/// Every loader, with a valid document for it.
fn loaders() -> Vec<(&'static str, Value, Loader)> {
    use wealthscore::ahp::ConsistencyConfig;
    use wealthscore::churn::lifetime::{ClvOptions, FitOptions};
    use wealthscore::churn::risk::RiskCutoffs;
    use wealthscore::fuzzy::SatisfactionConfig;
    use wealthscore::retention::ActionCatalogue;
    use wealthscore::segment::{ClusterParams, RfmModel, StrategyCatalogue};
    let (lr, forest) = small_models();
    let models = [
        ("logistic model", ChurnModel::Logistic(lr.clone())),
        ("forest model", ChurnModel::Forest(forest.clone())),
        (
            "scorecard model",
            ChurnModel::Scorecard(Scorecard::default()),
        ),
    ];
    let mut out: Vec<(&'static str, Value, Loader)> = Vec::new();
    for (name, m) in models {
        let v = serde_json::to_value(&m).unwrap();
        out.push((
            name,
            v.clone(),
            Box::new(|s| ChurnModel::from_json(s).map(drop)),
        ));
        let cfg = ScorerConfig::with_model(m);
        out.push((
            "scorer config",
            serde_json::to_value(&cfg).unwrap(),
            Box::new(|s| Scorer::from_json(s).map(drop)),
        ));
    }
    macro_rules! both {
        ($name:literal, $t:ty, $v:expr) => {
            let v = serde_json::to_value(&$v).unwrap();
            out.push(($name, v.clone(), strict::<$t>()));
            out.push(($name, v, plain_serde::<$t>()));
        };
    }
    both!("logistic file", LogisticModel, lr);
    both!("forest file", ForestModel, forest);
    both!("scorecard file", Scorecard, Scorecard::default());
    both!(
        "tiering policy",
        wealthscore::TieringPolicy,
        wealthscore::TieringPolicy::default()
    );
    both!(
        "satisfaction config",
        SatisfactionConfig,
        SatisfactionConfig::default()
    );
    both!(
        "action catalogue",
        ActionCatalogue,
        ActionCatalogue::default()
    );
    both!(
        "strategy catalogue",
        StrategyCatalogue,
        StrategyCatalogue::default()
    );
    both!("risk cut-offs", RiskCutoffs, RiskCutoffs::default());
    both!("fit options", FitOptions, FitOptions::default());
    both!("CLV options", ClvOptions, ClvOptions::default());
    both!(
        "consistency config",
        ConsistencyConfig,
        ConsistencyConfig::default()
    );
    let e = [1.0, 2.0, 3.0, 4.0];
    both!(
        "RFM model",
        RfmModel,
        RfmModel::from_edges(e, e, e).unwrap()
    );
    // Plain parameter structs are strict through the crate's loaders.
    let v = serde_json::to_value(PortfolioConfig::default()).unwrap();
    out.push(("portfolio config", v, strict::<PortfolioConfig>()));
    let v = serde_json::to_value(ForestParams::default()).unwrap();
    out.push(("forest params", v, strict::<ForestParams>()));
    let v = serde_json::to_value(LogisticParams::default()).unwrap();
    out.push(("logistic params", v, strict::<LogisticParams>()));
    let v = serde_json::to_value(ClusterParams::default()).unwrap();
    out.push(("cluster params", v, strict::<ClusterParams>()));
    out
}

/// Paths (as JSON pointers) of the objects in `v`, at most `limit`, outermost first.
fn object_paths(v: &Value, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut queue = std::collections::VecDeque::from([(String::new(), v)]);
    while let Some((p, v)) = queue.pop_front() {
        if out.len() >= limit {
            break;
        }
        match v {
            Value::Object(m) => {
                out.push(p.clone());
                for (k, c) in m {
                    queue.push_back((format!("{p}/{k}"), c));
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate().take(3) {
                    queue.push_back((format!("{p}/{i}"), c));
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn unknown_keys_are_rejected_by_every_loader() {
    for (name, v, load) in loaders() {
        load(&v.to_string()).unwrap_or_else(|e| panic!("{name}: valid file rejected: {e}"));
        for path in object_paths(&v, 40) {
            let mut bad = v.clone();
            let obj = bad.pointer_mut(&path).unwrap().as_object_mut().unwrap();
            obj.insert("risk_cutofs".into(), json!(1));
            let e = load(&bad.to_string());
            assert!(e.is_err(), "{name}: unknown key at `{path}` was accepted");
        }
    }
    // The typo of the issue: a scorer config with `risk_cutoffs` instead of `risk`.
    let mut cfg = serde_json::to_value(ScorerConfig::with_model(ChurnModel::Scorecard(
        Scorecard::default(),
    )))
    .unwrap();
    cfg.as_object_mut().unwrap().insert(
        "risk_cutoffs".into(),
        json!({"medium": 0.2, "high": 0.4, "critical": 0.6}),
    );
    let e = Scorer::from_json(&cfg.to_string()).unwrap_err();
    assert!(e.to_string().contains("risk_cutoffs"), "{e}");
}

#[test]
fn json_arrays_in_place_of_objects_are_rejected_by_every_loader() {
    for (name, v, load) in loaders() {
        for path in object_paths(&v, 40) {
            let mut bad = v.clone();
            let slot = bad.pointer_mut(&path).unwrap();
            // The object's values in order: what serde's derive would match by position.
            let values: Vec<Value> = slot.as_object().unwrap().values().cloned().collect();
            *slot = Value::Array(values);
            let e = load(&bad.to_string());
            assert!(
                e.is_err(),
                "{name}: array in place of the object at `{path}` accepted"
            );
        }
    }
    // The example: `"tiering": [1, 2]` in a scorer config.
    let mut cfg = serde_json::to_value(ScorerConfig::with_model(ChurnModel::Scorecard(
        Scorecard::default(),
    )))
    .unwrap();
    cfg["tiering"] = json!([1, 2]);
    match Scorer::from_json(&cfg.to_string()) {
        Err(Error::Parse { message, .. }) => assert!(message.contains("array"), "{message}"),
        other => panic!("{other:?}"),
    }
}

// ---- f: reading data ----------------------------------------------------------------

use wealthscore::ClientRecord;
use wealthscore::client::{read_csv, read_json, write_csv};

fn csv_of(n: usize) -> String {
    let book = generate(&PortfolioConfig::default().with_clients(n).with_seed(8))
        .unwrap()
        .clients;
    let mut out = Vec::new();
    write_csv(&mut out, &book).unwrap();
    String::from_utf8(out).unwrap()
}

/// Replaces field `col` of physical line `line` (1-based; the header is line 1).
fn set_field(text: &str, line: usize, col: usize, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut fields: Vec<String> = lines[line - 1].split(',').map(str::to_string).collect();
    fields[col] = value.to_string();
    lines[line - 1] = fields.join(",");
    lines.join("\n") + "\n"
}

#[test]
fn csv_errors_name_the_physical_line_also_with_crlf() {
    let text = csv_of(20);
    // Column 2 is `age`: an age of 7 on physical line 9 (the 8th data row).
    let bad = set_field(&text, 9, 2, "7");
    for (ending, doc) in [("LF", bad.clone()), ("CRLF", bad.replace('\n', "\r\n"))] {
        let rows = read_csv(doc.as_bytes()).unwrap();
        assert_eq!(rows.len(), 20, "{ending}");
        let errs: Vec<(usize, String)> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().err().map(|e| (i, e.to_string())))
            .collect();
        assert_eq!(errs.len(), 1, "{ending}: {errs:?}");
        assert_eq!(errs[0].0, 7, "{ending}");
        assert!(errs[0].1.contains("line 9"), "{ending}: {}", errs[0].1);
        // A type error (not a validation error) names the line too.
        let bad = set_field(&text, 12, 2, "forty");
        let doc = if ending == "CRLF" {
            bad.replace('\n', "\r\n")
        } else {
            bad
        };
        let rows = read_csv(doc.as_bytes()).unwrap();
        let e = rows[10].as_ref().unwrap_err().to_string();
        assert!(e.contains("line 12"), "{ending}: {e}");
    }
}

#[test]
fn csv_header_missing_or_renamed_column_is_one_error_naming_it() {
    let text = csv_of(50);
    let renamed = text.replacen("aum_history", "AUM_history", 1);
    let e = read_csv(renamed.as_bytes()).unwrap_err().to_string();
    assert!(e.contains("missing required column `aum_history`"), "{e}");
    assert!(e.contains("`AUM_history`"), "{e}");
    // Dropping a column from every line: one error for the file, not one per row.
    let dropped: String = text
        .lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            f.remove(3); // tenure_months
            f.join(",") + "\n"
        })
        .collect();
    let e = read_csv(dropped.as_bytes()).unwrap_err().to_string();
    assert!(e.contains("missing required column `tenure_months`"), "{e}");
    // An optional column may be absent.
    let no_branch: String = text
        .lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            f.remove(1);
            f.join(",") + "\n"
        })
        .collect();
    let rows = read_csv(no_branch.as_bytes()).unwrap();
    assert!(rows.iter().all(Result::is_ok));
}

#[test]
fn csv_unterminated_quote_fails_naming_the_line_where_it_opened() {
    let text = csv_of(10_000);
    // Row 10 is physical line 11; its `branch` field opens a quote that never closes.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut f: Vec<String> = lines[10].split(',').map(str::to_string).collect();
    f[1] = format!("\"{}", f[1]);
    lines[10] = f.join(",");
    let doc = lines.join("\n") + "\n";
    match read_csv(doc.as_bytes()) {
        Err(Error::Parse {
            context, message, ..
        }) => {
            assert_eq!(context, "CSV line 11");
            assert!(message.contains("`branch`"), "{message}");
        }
        Ok(rows) => panic!(
            "read {} rows, {} good: rows were merged silently",
            rows.len(),
            rows.iter().filter(|r| r.is_ok()).count()
        ),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn every_documented_risk_tolerance_spelling_parses() {
    use wealthscore::client::RiskTolerance;
    // The spellings the docs of `RiskTolerance` list, with the level each means.
    let spellings = [
        ("conservative", 1),
        ("moderately_conservative", 2),
        ("moderate", 3),
        ("moderately_aggressive", 4),
        ("aggressive", 5),
        ("C1", 1),
        ("C2", 2),
        ("C3", 3),
        ("C4", 4),
        ("C5", 5),
        ("c1", 1),
        ("c2", 2),
        ("c3", 3),
        ("c4", 4),
        ("c5", 5),
    ];
    let text = csv_of(1);
    let col = text
        .lines()
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == "risk_tolerance")
        .unwrap();
    for (s, level) in spellings {
        let t: RiskTolerance = serde_json::from_value(json!(s)).unwrap();
        assert_eq!(t.level(), level, "JSON {s}");
        let rows = read_csv(set_field(&text, 2, col, s).as_bytes()).unwrap();
        let r = rows[0].as_ref().unwrap_or_else(|e| panic!("CSV {s}: {e}"));
        assert_eq!(r.risk_tolerance.level(), level, "CSV {s}");
        let mut v = serde_json::to_value(ClientRecord::example()).unwrap();
        v["risk_tolerance"] = json!(s);
        let rows = read_json(format!("[{v}]").as_bytes()).unwrap();
        assert_eq!(rows[0].as_ref().unwrap().risk_tolerance.level(), level);
    }
}

// ---- g: errors people can act on ----------------------------------------------------

#[test]
fn model_errors_have_no_doubled_prefix_and_the_same_variant_from_every_loader() {
    let (lr, _) = small_models();
    let mut v = serde_json::to_value(ChurnModel::Logistic(lr)).unwrap();
    // Drop one coefficient: the file no longer matches the schema's 23 features.
    let coef = v
        .pointer_mut("/model/coefficients")
        .and_then(Value::as_array_mut)
        .expect("logistic files hold `coefficients`");
    coef.pop();
    let model_file = v.to_string();
    let logistic_file = v["model"].to_string();
    let mut cfg = serde_json::to_value(ScorerConfig::with_model(ChurnModel::Scorecard(
        Scorecard::default(),
    )))
    .unwrap();
    cfg["model"] = v.clone();
    let errors = [
        (
            "ChurnModel::from_json",
            ChurnModel::from_json(&model_file).unwrap_err(),
        ),
        (
            "Scorer::from_json",
            Scorer::from_json(&cfg.to_string()).unwrap_err(),
        ),
        (
            "json::from_str::<LogisticModel>",
            wealthscore::json::from_str::<LogisticModel>(&logistic_file).unwrap_err(),
        ),
        (
            "serde_json + ChurnModel::from_json round",
            ChurnModel::from_json(&serde_json::to_string(&v).unwrap()).unwrap_err(),
        ),
    ];
    for (loader, e) in &errors {
        assert!(matches!(e, Error::InvalidModel { .. }), "{loader}: {e:?}");
        let text = e.to_string();
        assert_eq!(text.matches("invalid model").count(), 1, "{loader}: {text}");
        assert_eq!(e, &errors[0].1, "{loader}");
    }
    // Syntax errors name the position once.
    let e = ChurnModel::from_json("{\"kind\": ").unwrap_err();
    let text = e.to_string();
    assert_eq!(text.matches("line 1").count(), 1, "{text}");
}

#[test]
fn io_errors_name_the_path_and_keep_the_source() {
    use std::error::Error as _;
    let dir = std::env::temp_dir().join(format!("wealthscore-api-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("no-such-file.json");
    let name = missing.display().to_string();
    let errors = [
        Scorer::from_file(&missing).unwrap_err(),
        ChurnModel::from_file(&missing).unwrap_err(),
        wealthscore::client::read_csv_file(&missing).unwrap_err(),
        wealthscore::client::read_json_file(&missing).unwrap_err(),
        wealthscore::json::from_file::<wealthscore::TieringPolicy>(&missing).unwrap_err(),
    ];
    for e in &errors {
        assert!(matches!(e, Error::Io { .. }), "{e:?}");
        assert!(e.to_string().contains(&name), "{e}");
        let io = e
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .expect("the source is the io::Error");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
        // Still plain data: Clone + PartialEq + Serialize.
        assert_eq!(e.clone(), *e);
        let json = serde_json::to_value(e).unwrap();
        assert!(
            json.to_string().contains("No such file") || json.to_string().contains("not find"),
            "{json}"
        );
    }
    // A parse error keeps the serde_json error as its source, and names the file.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"kind\": 3").unwrap();
    let e = ChurnModel::from_file(&bad).unwrap_err();
    assert!(matches!(e, Error::Parse { .. }), "{e:?}");
    assert!(e.to_string().contains(&bad.display().to_string()), "{e}");
    assert!(
        e.source()
            .and_then(|s| s.downcast_ref::<serde_json::Error>())
            .is_some()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- h: readable assessments ----------------------------------------------------------

#[test]
fn serialised_assessment_names_warnings_and_describe_uses_labels() {
    let scorer = scorecard_scorer();
    let a = scorer
        .assess(&wealthscore::ClientRecord::example())
        .unwrap();
    let v = serde_json::to_value(&a).unwrap();
    let fired: Vec<&str> = a.warnings.names().collect();
    assert!(!fired.is_empty());
    assert_eq!(v["warnings"], json!(fired), "{v}");
    assert!(
        fired
            .iter()
            .all(|n| scorer.warning_names().any(|m| m == *n))
    );
    let text = scorer.describe(&a);
    for debug_name in [
        "ServiceRemediation",
        "PersonalisedPlan",
        "RegularContact",
        "HighNetWorth",
        "MidNetWorth",
        "SurveyAndBehaviour",
        "AtRisk",
        "Medium)",
        "Low activity",
    ] {
        assert!(!text.contains(debug_name), "`{debug_name}` in:\n{text}");
    }
    assert!(text.contains("service remediation"), "{text}");
    assert!(text.contains("survey and behaviour"), "{text}");
    // The portfolio report's call list too.
    let book = generate(&PortfolioConfig::default().with_clients(300).with_seed(2))
        .unwrap()
        .clients;
    let results = scorer.assess_batch(&book);
    let report = wealthscore::PortfolioReport::build(&book, &results, 500.0, 10).unwrap();
    let text = report.to_string();
    assert!(
        !text.contains("ServiceRemediation") && !text.contains("RegularContact"),
        "{text}"
    );
    assert_eq!(
        wealthscore::segment::AssetTier::HighNetWorth.to_string(),
        "high-net-worth"
    );
    assert_eq!(
        wealthscore::retention::ActionKind::ServiceRemediation.label(),
        "service remediation"
    );
}

// ---- i: internals ----------------------------------------------------------------------

#[test]
fn generator_internals_live_under_synth_mechanism() {
    use wealthscore::synth::mechanism;
    let c = wealthscore::ClientRecord::example();
    let parts = mechanism::cause_contributions(&c);
    // The logit is the intercept, the loyalty term and the causes' parts (module docs).
    let loyalty = -0.006 * f64::from(c.tenure_months.min(120));
    let sum: f64 = parts.iter().map(|p| p.1).sum();
    assert!((mechanism::churn_logit(&c) - (mechanism::INTERCEPT + loyalty + sum)).abs() < 1e-12);
}
