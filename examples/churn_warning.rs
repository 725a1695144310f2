//! Early warning on a synthetic book: fit, evaluate, and list the clients to call.
//!
//! `cargo run --release --example churn_warning`
//!
//! Fits the logistic model and the random forest on 70 % of a 60,000-client portfolio,
//! evaluates both on the other 30 % (AUC against the generator's Bayes-optimal AUC,
//! PR AUC, log-loss, Brier, calibration error, EMP, the decile lift table), sets risk
//! cut-offs for a 5 % alert volume and lists the ten clients to call first, with reasons.

use wealthscore::churn::eval::{
    EmpParams, average_precision, brier, calibration, emp_churn, lift_table, log_loss, roc_auc,
    stratified_split,
};
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::reasons::explain;
use wealthscore::churn::risk::RiskCutoffs;
use wealthscore::churn::scorecard::Scorecard;
use wealthscore::churn::{ChurnModel, Fit, features};
use wealthscore::synth::{PortfolioConfig, generate};

fn main() -> wealthscore::Result<()> {
    let book = generate(
        &PortfolioConfig::default()
            .with_clients(60_000)
            .with_seed(2026),
    )?;
    let y = features::labels(&book.clients)?;
    let (train, test) = stratified_split(&y, 0.3, 7)?;
    let pick = |idx: &[usize]| {
        idx.iter()
            .map(|&i| book.clients[i].clone())
            .collect::<Vec<_>>()
    };
    let (train_c, test_c) = (pick(&train), pick(&test));
    let y_test: Vec<bool> = test.iter().map(|&i| y[i]).collect();
    let bayes: Vec<f64> = test.iter().map(|&i| book.truth[i].probability).collect();
    println!(
        "{} clients: {} train, {} test; churn rate {:.1} %; Bayes-optimal test AUC {:.4}\n",
        book.clients.len(),
        train.len(),
        test.len(),
        100.0 * y.iter().filter(|&&b| b).count() as f64 / y.len() as f64,
        roc_auc(&bayes, &y_test)?
    );

    let mut card = Scorecard::default();
    card.calibrate(&train_c)?;
    let models = [
        ChurnModel::Logistic(LogisticModel::fit_records(
            &LogisticParams::default(),
            &train_c,
        )?),
        ChurnModel::Forest(ForestModel::fit_records(
            &ForestParams::default(),
            &train_c,
        )?),
        ChurnModel::Scorecard(card),
    ];
    println!("model      AUC     PR AUC  log-loss Brier   ECE     EMP/client");
    for m in &models {
        let p = m.predict_records(&test_c)?;
        println!(
            "{:<10} {:.4}  {:.4}  {:.4}   {:.4}  {:.4}  {:.2}",
            m.kind(),
            roc_auc(&p, &y_test)?,
            average_precision(&p, &y_test)?,
            log_loss(&p, &y_test)?,
            brier(&p, &y_test)?,
            calibration(&p, &y_test, 10)?.ece,
            emp_churn(&p, &y_test, &EmpParams::default())?.emp,
        );
    }

    let model = &models[0];
    let p = model.predict_records(&test_c)?;
    println!("\nDecile lift ({}):", model.kind());
    println!("decile clients churners rate    lift  cum. capture");
    for r in lift_table(&p, &y_test, 10)? {
        println!(
            "{:>6} {:>7} {:>8} {:.3}  {:.2}  {:.1} %",
            r.group,
            r.clients,
            r.churners,
            r.rate,
            r.lift,
            100.0 * r.cumulative_capture
        );
    }

    let cut = RiskCutoffs::for_alert_volume(&p, 0.05)?;
    let counts = cut.counts(&p);
    println!(
        "\nCut-offs for a 5 % alert volume: medium {:.3}, high {:.3}, critical {:.3} → {:?} clients (low, medium, high, critical)",
        cut.medium(),
        cut.high(),
        cut.critical(),
        counts
    );
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    println!("\nClients to call first:");
    for &i in order.iter().take(10) {
        let c = &test_c[i];
        let e = explain(model, c, 3)?;
        let reasons: Vec<String> = e
            .reasons
            .iter()
            .map(|r| {
                format!(
                    "{} [{}] {} = {:.3} (+{:.2})",
                    r.signal,
                    r.cause.name(),
                    r.feature,
                    r.value,
                    r.contribution
                )
            })
            .collect();
        println!(
            "{}  p = {:.3}  {:?}  AUM {:>12.0}  {}",
            c.id,
            e.probability,
            cut.level(e.probability),
            c.aum,
            reasons.join("; ")
        );
    }
    Ok(())
}
