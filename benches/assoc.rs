//! Cross-selling throughput: FP-growth + association rules (every metric, all rules with
//! confidence ≥ 0) on 100,000 clients × 25 products at a minimum support of 1 %, in
//! clients per second. The baskets are generated once, outside the timing, and written to
//! `target/assoc_bench_baskets.csv` (or `$WEALTHSCORE_DUMP_DIR/assoc_bench_baskets.csv`)
//! for the mlxtend peer, `benches/peers/assoc_mlxtend.py`, which reads them and prints
//! the ratio against this bench's criterion estimate.
//!
//! Run: `cargo bench --bench assoc -- --warm-up-time 1 --measurement-time 3 &&
//! python benches/peers/assoc_mlxtend.py`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use std::hint::black_box;
use wealthscore::assoc::{
    Baskets, Metric, MinSupport, MiningParams, RuleParams, association_rules, fpgrowth,
};

const CLIENTS: usize = 100_000;
const PRODUCTS: usize = 25;
const SEED: u64 = 20_261_127;

/// Correlated holdings: product `j` belongs to one of five families; a client's latent
/// breadth and affinity to each family raise the odds of holding its products.
fn baskets() -> Vec<Vec<String>> {
    let mut rng = SmallRng::seed_from_u64(SEED);
    let names: Vec<String> = (0..PRODUCTS).map(|j| format!("p{j:02}")).collect();
    let normal = |rng: &mut SmallRng| -> f64 {
        // Box–Muller: enough for a benchmark's data.
        let (u, v): (f64, f64) = (rng.random(), rng.random());
        (-2.0 * (1.0 - u).ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    };
    (0..CLIENTS)
        .map(|_| {
            let breadth = normal(&mut rng);
            let family: Vec<f64> = (0..5).map(|_| normal(&mut rng)).collect();
            (0..PRODUCTS)
                .filter(|&j| {
                    let base = -0.6 - 0.12 * j as f64;
                    let z = base + 0.6 * breadth + 0.9 * family[j % 5];
                    rng.random::<f64>() < 1.0 / (1.0 + (-z).exp())
                })
                .map(|j| names[j].clone())
                .collect()
        })
        .collect()
}

fn dump(data: &[Vec<String>]) {
    let dir = std::env::var("WEALTHSCORE_DUMP_DIR").unwrap_or_else(|_| "target".into());
    let mut s = String::with_capacity(data.len() * 40);
    for b in data {
        s.push_str(&b.join(";"));
        s.push('\n');
    }
    let path = format!("{dir}/assoc_bench_baskets.csv");
    if let Err(e) = std::fs::write(&path, s) {
        eprintln!("could not write {path}: {e}");
    }
}

fn bench(c: &mut Criterion) {
    let data = baskets();
    dump(&data);
    let b = Baskets::from_lists(&data).expect("valid baskets");
    let mining = MiningParams::new(MinSupport::Share(0.01));
    let rules = RuleParams::new(Metric::Confidence, 0.0);
    let f = fpgrowth(&b, &mining).expect("mined");
    let r = association_rules(&f, &rules).expect("rules");
    eprintln!(
        "{} clients, {} products, mean basket {:.2}: {} itemsets, {} rules",
        b.len(),
        b.items().len(),
        b.iter().map(<[u32]>::len).sum::<usize>() as f64 / b.len() as f64,
        f.len(),
        r.len()
    );

    let mut group = c.benchmark_group("assoc_fpgrowth_rules");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CLIENTS as u64));
    group.bench_with_input(BenchmarkId::from_parameter(CLIENTS), &b, |bch, b| {
        bch.iter(|| {
            let f = fpgrowth(black_box(b), &mining).expect("mined");
            association_rules(&f, &rules).expect("rules").len()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("assoc_fpgrowth");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CLIENTS as u64));
    group.bench_with_input(BenchmarkId::from_parameter(CLIENTS), &b, |bch, b| {
        bch.iter(|| fpgrowth(black_box(b), &mining).expect("mined").len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
