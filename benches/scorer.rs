//! The full assessment: one client (latency) and batches (clients per second).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::{ChurnModel, Fit};
use wealthscore::scorer::{Scorer, ScorerConfig};
use wealthscore::synth::{PortfolioConfig, generate};

fn scorer_and_book(n: usize) -> (Scorer, Vec<wealthscore::ClientRecord>) {
    let train = generate(&PortfolioConfig::default().with_clients(20_000).with_seed(1))
        .expect("valid config");
    let model =
        LogisticModel::fit_records(&LogisticParams::default(), &train.clients).expect("fits");
    let scorer = Scorer::new(ScorerConfig::with_model(ChurnModel::Logistic(model))).expect("valid");
    let book =
        generate(&PortfolioConfig::default().with_clients(n).with_seed(2)).expect("valid config");
    (scorer, book.clients)
}

fn bench_assess(c: &mut Criterion) {
    let (scorer, book) = scorer_and_book(1_000_000);
    let mut group = c.benchmark_group("scorer_assess_one");
    group.throughput(Throughput::Elements(1));
    let client = &book[0];
    group.bench_function("logistic", |b| {
        b.iter(|| black_box(scorer.assess(black_box(client))))
    });
    // Cycling through many clients defeats the cache and branch predictor's memory of one.
    let mut i = 0;
    group.bench_function("logistic_cycling", |b| {
        b.iter(|| {
            i = (i + 1) % book.len();
            black_box(scorer.assess(&book[i]))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("scorer_assess_batch");
    group.sample_size(10);
    for &n in &[10_000usize, 1_000_000] {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| black_box(scorer.assess_batch(&book[..n])))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_assess);
criterion_main!(benches);
