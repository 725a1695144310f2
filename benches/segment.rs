//! Tiering throughput: `TieringPolicy::classify` over synthetic portfolios (clients per
//! second), plus RFM scoring. The portfolio is generated once, outside the timing.
//!
//! Run: `cargo bench --bench segment`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use wealthscore::segment::{RfmModel, RfmValues, TieringPolicy};
use wealthscore::synth::{PortfolioConfig, generate};

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

fn bench(c: &mut Criterion) {
    let largest = SIZES[SIZES.len() - 1];
    let portfolio = generate(
        &PortfolioConfig::default()
            .with_clients(largest)
            .with_seed(42),
    )
    .expect("valid config");
    let probs: Vec<f64> = portfolio.truth.iter().map(|t| t.probability).collect();
    let policy = TieringPolicy::default();

    let mut group = c.benchmark_group("segment_tiering");
    group.sample_size(10);
    for &n in &SIZES {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| {
                let mut premier = 0usize;
                for (cl, &p) in portfolio.clients[..n].iter().zip(&probs[..n]) {
                    let t = policy
                        .classify(black_box(cl), Some(p))
                        .expect("valid client");
                    premier += usize::from(t.composite_score >= 0.75);
                }
                premier
            })
        });
    }
    group.finish();

    let values: Vec<RfmValues> = portfolio
        .clients
        .iter()
        .map(RfmValues::from_client)
        .collect();
    let mut group = c.benchmark_group("segment_rfm");
    group.sample_size(10);
    for &n in &SIZES {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("fit_and_score", n), &n, |b, &n| {
            b.iter(|| {
                let model = RfmModel::fit(&values[..n]).expect("finite values");
                values[..n]
                    .iter()
                    .map(|v| u32::from(model.score(v).expect("valid").recency))
                    .sum::<u32>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
