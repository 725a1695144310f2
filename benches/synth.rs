//! Generating synthetic portfolios: clients per second.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use wealthscore::synth::{PortfolioConfig, generate};

fn bench_generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("synth_generate");
    group.sample_size(10);
    for &n in &[10_000usize, 1_000_000] {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            let cfg = PortfolioConfig::default().with_clients(n);
            b.iter(|| black_box(generate(&cfg)));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_generate);
criterion_main!(benches);
