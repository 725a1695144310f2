//! Tiers a synthetic portfolio and prints the tier table, each tier's service strategy,
//! the RFM segments and the behavioural clusters.
//!
//! Run: `cargo run --release --example tiering [clients] [seed]`
//! (default 10,000 clients, seed 42). Churn risk is the generator's ground-truth
//! probability, standing in for a fitted model.

use wealthscore::segment::{
    ClusterParams, CompositeTier, PortfolioSummary, RfmSegment, StrategyCatalogue, TierLabel,
    TierStats, TieringPolicy, cluster_clients, rfm,
};
use wealthscore::synth::{PortfolioConfig, generate};

fn row(name: &str, s: &TierStats) {
    let risk = s
        .mean_churn_probability
        .map_or("-".to_string(), |p| format!("{:.1} %", 100.0 * p));
    println!(
        "  {name:<16} {:>8} {:>7.1} % {:>12}",
        s.count,
        100.0 * s.aum_share,
        risk
    );
}

fn main() -> Result<(), wealthscore::Error> {
    let mut args = std::env::args().skip(1);
    let clients: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let portfolio = generate(
        &PortfolioConfig::default()
            .with_clients(clients)
            .with_seed(seed),
    )?;
    let probs: Vec<f64> = portfolio.truth.iter().map(|t| t.probability).collect();
    let policy = TieringPolicy::default();
    let catalogue = StrategyCatalogue::default();
    let summary = PortfolioSummary::from_clients(&policy, &portfolio.clients, Some(&probs))?;

    println!(
        "Synthetic portfolio: {} clients, AUM {:.0}, mean churn risk {:.1} % (seed {seed})\n",
        summary.clients,
        summary.total_aum,
        100.0 * summary.mean_churn_probability.unwrap_or(0.0)
    );
    println!(
        "  {:<16} {:>8} {:>9} {:>12}",
        "tier", "clients", "AUM share", "churn risk"
    );
    let mut dim = "";
    for (label, stats) in &summary.labels {
        if label.dimension() != dim {
            dim = label.dimension();
            println!("{dim}");
        }
        row(label.name(), stats);
    }
    println!("composite (weights {:?})", policy.weights);
    for tier in CompositeTier::ALL {
        row(tier.name(), &summary.composite_tier(tier));
    }

    println!("\nService strategy per tier");
    for label in TierLabel::ALL {
        let s = catalogue.get(label);
        println!(
            "  {:<16} {}: {}",
            label.name(),
            s.summary,
            s.actions.join("; ")
        );
    }

    let (_, scores) = rfm(&portfolio.clients)?;
    println!("\nRFM segments (quintiles of days since activity, 12-month transactions, AUM)");
    for seg in RfmSegment::ALL {
        let members: Vec<usize> = (0..scores.len())
            .filter(|&i| scores[i].segment == seg)
            .collect();
        let risk = members.iter().map(|&i| probs[i]).sum::<f64>() / members.len().max(1) as f64;
        println!(
            "  {:<20} {:>7} clients, churn risk {:.1} %",
            seg.name(),
            members.len(),
            100.0 * risk
        );
    }

    let clustering = cluster_clients(&portfolio.clients, &ClusterParams::default())?;
    println!(
        "\nBehavioural clusters: k = {} by silhouette ({})",
        clustering.k(),
        clustering
            .candidates
            .iter()
            .map(|c| format!("k={} {:.3}", c.k, c.silhouette))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for p in &clustering.profiles {
        let risk = (0..clustering.labels.len())
            .filter(|&i| clustering.labels[i] == p.cluster)
            .map(|i| probs[i])
            .sum::<f64>()
            / p.size.max(1) as f64;
        println!(
            "  cluster {} ({:.1} %, churn risk {:.1} %): {}",
            p.cluster,
            100.0 * p.share,
            100.0 * risk,
            p.describe()
        );
    }
    Ok(())
}
