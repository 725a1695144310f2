//! Did the retention campaign work? Effects per action and tier, uplift models with their
//! Qini coefficients, and the action ranking after feeding the measured effects back.
//!
//! `cargo run --release --example campaign_review [CLIENTS] [SEED]` (defaults 20000, 42).
//! The campaign is simulated (`synth::campaign`), so the true effects are printed too.

use wealthscore::campaign::uplift::{
    ClassTransformation, KStrategy, TLearner, TopK, qini_auc_score, uplift_at_k,
};
use wealthscore::campaign::{EffectConfig, EffectTable};
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::{Classifier, Fit};
use wealthscore::retention::{ActionCatalogue, ActionKind, ClientRisk};
use wealthscore::segment::AssetTier;
use wealthscore::synth::campaign::{CampaignConfig, simulate, true_effects};
use wealthscore::{ChurnCause, Result};

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let clients: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(42);
    let cfg = CampaignConfig::default()
        .with_clients(clients)
        .with_seed(seed);

    // The campaign that was run, and the next one on which targeting is judged.
    let run = simulate(&cfg)?;
    let next = simulate(&cfg.clone().with_seed(seed + 1))?;
    let catalogue = ActionCatalogue::default();

    let table = EffectTable::estimate(&run.log, &catalogue, &EffectConfig::new(10_000.0)?)?;
    println!("{table}");
    println!("true effects (simulator, 200000 reference clients): retention difference");
    for t in true_effects(&cfg, 200_000)? {
        let measured = table.get(t.action, t.tier).map(|r| r.difference);
        println!(
            "  {:<20?} {:<14} true {:+.3}  measured {}",
            t.action,
            t.tier.map_or("all".to_string(), |t| format!("{t:?}")),
            t.retention_difference,
            measured.map_or("-".into(), |d| format!(
                "{:+.3} ({:+.3} to {:+.3}){}",
                d.estimate,
                d.low,
                d.high,
                if d.contains(t.retention_difference) {
                    ""
                } else {
                    "  missed"
                }
            ))
        );
    }

    let action = ActionKind::ServiceRemediation;
    let (x, stayed, treated) = run.log.training_data(action)?;
    let (xn, stayed_n, treated_n) = next.log.training_data(action)?;
    let control_rows: Vec<usize> = (0..treated.len()).filter(|&i| !treated[i]).collect();
    let churned_control: Vec<bool> = control_rows.iter().map(|&i| !stayed[i]).collect();
    let churn_model = LogisticModel::fit(
        &LogisticParams::default(),
        x.select(ndarray::Axis(0), &control_rows).view(),
        &churned_control,
    )?;
    let forest = ForestParams::default()
        .with_n_trees(50)
        .with_max_depth(6)
        .with_min_samples_leaf(50);
    // The simulator's true uplift of the next campaign's clients, in the same row order.
    let truth_next: Vec<f64> = {
        let ids: std::collections::HashMap<&str, usize> = next
            .log
            .records()
            .iter()
            .enumerate()
            .map(|(i, r)| (r.client_id.as_str(), i))
            .collect();
        let (rows, _) = next.log.arms_of(action);
        rows.iter()
            .filter_map(|r| ids.get(r.client_id.as_str()))
            .map(|&i| next.truth[i].uplift())
            .collect()
    };
    let scores: Vec<(&str, Vec<f64>)> = vec![
        (
            "T-learner, logistic",
            TLearner::<LogisticModel>::fit(
                &LogisticParams::default(),
                x.view(),
                &stayed,
                &treated,
            )?
            .predict_uplift(xn.view())?
            .to_vec(),
        ),
        (
            "T-learner, forest",
            TLearner::<ForestModel>::fit(&forest, x.view(), &stayed, &treated)?
                .predict_uplift(xn.view())?
                .to_vec(),
        ),
        (
            "class transformation, logistic",
            ClassTransformation::<LogisticModel>::fit(
                &LogisticParams::default(),
                x.view(),
                &stayed,
                &treated,
                seed,
            )?
            .predict_uplift(xn.view())?
            .to_vec(),
        ),
        (
            "churn probability (logistic on controls)",
            churn_model.predict_proba(xn.view())?.to_vec(),
        ),
        ("true uplift (simulator)", truth_next),
    ];
    println!(
        "\n{action:?}: targeting the next campaign ({} clients), Qini coefficient and uplift in retention among the top 30 %",
        xn.nrows()
    );
    for (name, s) in &scores {
        let q = qini_auc_score(&stayed_n, s, &treated_n, true)?;
        let u = uplift_at_k(
            &stayed_n,
            s,
            &treated_n,
            KStrategy::Overall,
            TopK::Share(0.3),
        )?;
        println!(
            "  {name:<42} Qini {q:+.4}  uplift@30% {:+.2} pts",
            100.0 * u
        );
    }

    let updated = table.update_catalogue(catalogue.clone(), &format!("campaign seed {seed}"))?;
    println!(
        "\naction catalogue after the campaign:\n{}",
        updated.describe()
    );
    let reasons = [(ChurnCause::Service, 0.8), (ChurnCause::Relationship, 0.6)];
    let client = ClientRisk::new(
        "C-example",
        0.35,
        12_000.0,
        250_000.0,
        &reasons,
        AssetTier::Mass,
    );
    for (name, c) in [
        ("assumed effects", &catalogue),
        ("measured effects", &updated),
    ] {
        let ranked: Vec<String> = c
            .rank(&client)?
            .iter()
            .flatten()
            .map(|a| format!("{:?} {:.0}", a.kind, a.value_saved))
            .collect();
        println!("ranking with {name}: {}", ranked.join(", "));
    }
    Ok(())
}
