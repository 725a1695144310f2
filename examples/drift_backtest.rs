//! Out-of-time backtest on a drifting synthetic book: the model decays and the PSI alarm
//! goes off when the churn mechanism shifts.
//!
//! `cargo run --release --example drift_backtest`
//!
//! 120,000 clients observed over 12 months (10,000 a month). After month 8 a fee rise and
//! a competitor's low-fee offer change the book (every fee rate +0.4 points) and why
//! clients leave (fees weigh 250 instead of 80 in the churn logit, a complaint 0.2 instead
//! of 0.7): see `synth::SynthDrift`. A boosted model trained on months 0–5 is scored on
//! months 6–11, one line per month; then the drift monitor fitted on the training months
//! checks the last month and names the columns that moved most.

use wealthscore::churn::backtest::backtest;
use wealthscore::churn::boost::{BoostParams, BoostedModel};
use wealthscore::churn::drift::DriftMonitor;
use wealthscore::churn::eval::select_rows;
use wealthscore::churn::{Classifier, Fit, features};
use wealthscore::synth::{PortfolioConfig, SynthDrift, generate};

fn main() -> wealthscore::Result<()> {
    let book = generate(
        &PortfolioConfig::default()
            .with_clients(120_000)
            .with_seed(2026)
            .with_drift(Some(SynthDrift::default())),
    )?;
    let x = features::extract_batch(&book.clients)?;
    let y = features::labels(&book.clients)?;
    let month: Vec<i64> = book.truth.iter().map(|t| i64::from(t.month)).collect();
    let params = BoostParams::default()
        .with_trees(200)
        .with_learning_rate(0.05);
    let b = backtest::<BoostedModel>(&params, x.view(), &y, &month, 5)?;
    println!("{}", b.to_text());

    // The drift monitor, as a bank would run it on the new month's table.
    let train: Vec<usize> = (0..y.len()).filter(|&i| month[i] <= 5).collect();
    let last: Vec<usize> = (0..y.len()).filter(|&i| month[i] == 11).collect();
    let (xtr, xlast) = (
        select_rows(x.view(), &train)?,
        select_rows(x.view(), &last)?,
    );
    let ytr: Vec<bool> = train.iter().map(|&i| y[i]).collect();
    let model = BoostedModel::fit_features(&params, xtr.view(), &ytr)?;
    let names: Vec<String> = features::FEATURE_NAMES
        .iter()
        .map(|s| s.to_string())
        .collect();
    let monitor = DriftMonitor::fit(
        &names,
        xtr.view(),
        &model.predict_proba(xtr.view())?.to_vec(),
        10,
    )?;
    let report = monitor.check(xlast.view(), &model.predict_proba(xlast.view())?.to_vec())?;
    println!(
        "month 11 against the training months: score PSI {:.3} ({:?}); columns that moved most:",
        report.score.index, report.score.band
    );
    for (name, csi) in report.top_columns(3) {
        println!("  {name:<28} CSI {csi:.3}");
    }
    Ok(())
}
