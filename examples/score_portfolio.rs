//! Generates a portfolio (or reads one from a CSV or JSON path given as the argument),
//! fits a churn model on a training part, scores the rest and prints the portfolio report,
//! one client's full assessment and a retention budget plan. The report is also written as
//! one self-contained HTML page with charts, `portfolio_report.html` in the current
//! directory, whose path it prints.
//!
//! ```sh
//! cargo run --release --example score_portfolio              # 100,000 synthetic clients
//! cargo run --release --example score_portfolio -- book.csv  # your own book (labelled)
//! ```

use std::time::Instant;
use wealthscore::churn::eval::roc_auc;
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::{ChurnModel, Fit};
use wealthscore::client::{read_csv, read_json};
use wealthscore::report::{FactSheet, HtmlReport, ModelEvaluation};
use wealthscore::retention::ClientRisk;
use wealthscore::scorer::{PortfolioReport, Scorer, ScorerConfig};
use wealthscore::synth::{PortfolioConfig, generate};
use wealthscore::{ChurnCause, ClientRecord};

fn load() -> wealthscore::Result<Vec<ClientRecord>> {
    let Some(path) = std::env::args().nth(1) else {
        let t = Instant::now();
        let book = generate(
            &PortfolioConfig::default()
                .with_clients(100_000)
                .with_seed(42),
        )?;
        println!(
            "generated {} synthetic clients in {:.2?}",
            book.clients.len(),
            t.elapsed()
        );
        return Ok(book.clients);
    };
    let file = std::fs::File::open(&path).map_err(|e| wealthscore::Error::Io {
        context: path.clone(),
        message: e.to_string(),
    })?;
    let rows = if path.ends_with(".json") {
        read_json(file)?
    } else {
        read_csv(file)?
    };
    let mut good = Vec::with_capacity(rows.len());
    for (i, r) in rows.into_iter().enumerate() {
        match r {
            Ok(c) => good.push(c),
            Err(e) => eprintln!("record {i} skipped: {e}"),
        }
    }
    println!("read {} valid clients from {path}", good.len());
    Ok(good)
}

fn main() -> wealthscore::Result<()> {
    let clients = load()?;
    let split = clients.len() * 7 / 10;
    let (train, test) = clients.split_at(split);

    let t = Instant::now();
    let model = LogisticModel::fit_records(&LogisticParams::default(), train)?;
    println!(
        "fitted logistic regression on {} clients in {:.2?}",
        train.len(),
        t.elapsed()
    );
    let scorer = Scorer::new(ScorerConfig::with_model(ChurnModel::Logistic(model)))?;
    println!("model fingerprint {}", scorer.model_fingerprint()?);

    let t = Instant::now();
    let results = scorer.assess_batch(test);
    let dt = t.elapsed();
    println!(
        "assessed {} clients in {:.2?} ({:.0} clients/s)\n",
        test.len(),
        dt,
        test.len() as f64 / dt.as_secs_f64()
    );

    let (mut p, mut y) = (Vec::new(), Vec::new());
    for (c, a) in test.iter().zip(&results) {
        if let (Ok(a), Some(label)) = (a, c.churned()) {
            p.push(a.churn_probability);
            y.push(label);
        }
    }
    if !y.is_empty() {
        println!("held-out ROC AUC {:.3}\n", roc_auc(&p, &y)?);
    }

    let report = PortfolioReport::build(test, &results, 800.0, 10)?;
    println!("{report}");

    // The same report as one self-contained HTML page with charts.
    let mut card = FactSheet::new("Model card")
        .entry(
            "Model",
            "logistic regression (L2) on the built-in churn features",
        )
        .entry("Trained on", format!("{} clients", train.len()))
        .entry("Scored", format!("{} held-out clients", test.len()))
        .entry("Fingerprint", scorer.model_fingerprint()?);
    let evaluation = if y.is_empty() {
        None
    } else {
        match ModelEvaluation::new(&p, &y) {
            Ok(e) => {
                card = card.entry("Held-out ROC AUC", format!("{:.3}", e.roc_auc));
                Some(e)
            }
            Err(e) => {
                eprintln!("the HTML report leaves out the model's evaluation: {e}");
                None
            }
        }
    };
    let t = Instant::now();
    let mut page = HtmlReport::new(&report)
        .subtitle(format!("{} clients scored", test.len()))
        .with_model_card(card);
    if let Some(e) = &evaluation {
        page = page.with_evaluation(e);
    }
    let path = std::env::current_dir()
        .map_err(|e| wealthscore::Error::Io {
            context: "current directory".into(),
            message: e.to_string(),
        })?
        .join("portfolio_report.html");
    page.write_to(&path)?;
    println!(
        "HTML report written to {} in {:.2?}\n",
        path.display(),
        t.elapsed()
    );

    if let Some(first) = report.to_call.first()
        && let Some(i) = test.iter().position(|c| c.id == first.id)
        && let Ok(a) = &results[i]
    {
        println!("assessment of {}:\n{}", first.id, scorer.describe(a));
    }

    // Spend a retention budget where it saves the most.
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
    let risks: Vec<ClientRisk> = test
        .iter()
        .zip(&results)
        .zip(&causes)
        .filter_map(|((c, r), reasons)| {
            r.as_ref().ok().map(|a| {
                ClientRisk::new(
                    &c.id,
                    a.churn_probability,
                    a.clv,
                    c.aum,
                    reasons,
                    a.tiering.asset,
                )
                .with_dedicated_advisor(c.dedicated_advisor)
            })
        })
        .collect();
    let budget = 250_000.0;
    let plan = scorer.config().actions.allocate_budget(&risks, budget)?;
    println!(
        "retention budget {budget:.0}: {} clients, spent {:.0}, expected value saved {:.0}, expected AUM retained {:.0}",
        plan.chosen.len(),
        plan.spent,
        plan.value_saved,
        plan.retained_aum
    );
    Ok(())
}
