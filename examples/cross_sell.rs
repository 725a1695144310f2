//! Cross-selling on the synthetic book: mines the product holdings, prints the strongest
//! rules as a table; for a few clients at risk whose retention actions include
//! cross-selling, the product to offer with the rule behind it; and the next-best
//! products of a few clients holding several categories.
//!
//! Run: `cargo run --release --example cross_sell [clients] [seed]`
//! (default 10,000 clients, seed 42).

use wealthscore::assoc::{
    Baskets, Metric, MinSupport, MiningParams, NextBestProduct, RuleParams, association_rules,
    fpgrowth,
};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::{ChurnModel, Fit};
use wealthscore::synth::{PortfolioConfig, generate};
use wealthscore::{Scorer, ScorerConfig};

fn main() -> Result<(), wealthscore::Error> {
    let mut args = std::env::args().skip(1);
    let clients: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let book = generate(
        &PortfolioConfig::default()
            .with_clients(clients)
            .with_seed(seed),
    )?;

    let baskets = Baskets::from_records(&book.clients)?;
    let itemsets = fpgrowth(&baskets, &MiningParams::new(MinSupport::Share(0.01)))?;
    // Rules that raise the odds (lift >= 1); the ranking uses confidence, then lift.
    let mut rules = association_rules(&itemsets, &RuleParams::new(Metric::Lift, 1.0))?;
    println!(
        "{} clients, {} frequent itemsets at 1 % support, {} rules with lift >= 1\n",
        baskets.len(),
        itemsets.len(),
        rules.len()
    );
    rules.sort_by(Metric::Lift);
    // A product every client holds (deposits, in the synthetic book) explains nothing:
    // show one-product consequents and antecedents without such a product.
    let everywhere: Vec<u32> = itemsets
        .iter()
        .filter(|s| s.items.len() == 1 && s.count as usize == baskets.len())
        .map(|s| s.items[0])
        .collect();
    println!(
        "{:<44} {:<16} {:>7} {:>7} {:>6} {:>8} {:>10} {:>6}",
        "clients holding",
        "also hold",
        "support",
        "conf.",
        "lift",
        "leverage",
        "conviction",
        "zhang"
    );
    let shown = rules.iter().filter(|r| {
        r.consequent.len() == 1 && !r.antecedent.iter().any(|i| everywhere.contains(i))
    });
    for r in shown.take(12) {
        let conviction = if r.conviction.is_finite() {
            format!("{:.3}", r.conviction)
        } else {
            "inf".into()
        };
        println!(
            "{:<44} {:<16} {:>7.4} {:>7.3} {:>6.3} {:>8.4} {:>10} {:>6.3}",
            rules.names(&r.antecedent).join(", "),
            rules.names(&r.consequent).join(", "),
            r.support,
            r.confidence,
            r.lift,
            r.leverage,
            conviction,
            r.zhangs_metric
        );
    }

    let next = NextBestProduct::new(&rules)?;
    // A churn model fitted on the book, so that the product-breadth reason can rank the
    // cross-selling action.
    let model = LogisticModel::fit_records(&LogisticParams::default(), &book.clients)?;
    let config =
        ScorerConfig::with_model(ChurnModel::Logistic(model)).with_cross_sell(next.clone());
    let scorer = Scorer::new(config)?;
    println!("\nclients whose retention actions include cross-selling:");
    let mut shown = 0;
    for c in &book.clients {
        let a = scorer.assess(c)?;
        let Some(offer) = a.cross_sell else { continue };
        let held = baskets_of(c);
        println!(
            "  {} (churn {:.0} %, holds {}): offer {}\n      because {}",
            c.id,
            100.0 * a.churn_probability,
            held.join(", "),
            next.product(&offer),
            next.explain(&offer)
        );
        shown += 1;
        if shown == 5 {
            break;
        }
    }
    if shown == 0 {
        println!("  none");
    }

    println!("\nnext-best products for clients holding two or more categories:");
    for c in book
        .clients
        .iter()
        .filter(|c| c.holdings.categories_held() >= 2)
        .take(4)
    {
        let held = baskets_of(c);
        println!("  {} holds {}:", c.id, held.join(", "));
        for offer in next.recommend(&held)?.iter().take(2) {
            println!("      {}", next.explain(offer));
        }
    }
    Ok(())
}

fn baskets_of(c: &wealthscore::ClientRecord) -> Vec<&'static str> {
    wealthscore::client::Holdings::NAMES
        .iter()
        .zip(c.holdings.amounts())
        .filter(|(_, a)| *a > 0.0)
        .map(|(n, _)| *n)
        .collect()
}
