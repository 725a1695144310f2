//! Benches of the `fuzzy` module.
//!
//! `cargo bench --bench fuzzy`; the scikit-fuzzy peer is `benches/peers/skfuzzy_trimf.py`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use wealthscore::ClientRecord;
use wealthscore::fuzzy::{Membership, SatisfactionIndex};

fn membership(c: &mut Criterion) {
    let mut g = c.benchmark_group("fuzzy/membership");
    g.sample_size(10);
    let n = 10_000_000usize;
    // Same input as the peer script: np.linspace(0, 10, n).
    let xs: Vec<f64> = (0..n).map(|i| 10.0 * i as f64 / (n - 1) as f64).collect();
    let mut out = vec![0.0; n];
    g.throughput(Throughput::Elements(n as u64));
    let shapes = [
        ("trimf", Membership::triangular(2.0, 5.0, 8.0).unwrap()),
        (
            "trapmf",
            Membership::trapezoidal(1.0, 3.0, 6.0, 9.0).unwrap(),
        ),
        ("gaussmf", Membership::gaussian(5.0, 1.5).unwrap()),
        ("pimf", Membership::pi_shaped(1.0, 3.0, 6.0, 9.0).unwrap()),
    ];
    for (name, m) in shapes {
        g.bench_with_input(BenchmarkId::new(name, n), &xs, |b, xs| {
            b.iter(|| m.eval_slice(black_box(xs), &mut out).unwrap())
        });
    }
    g.finish();
}

fn clients(n: usize) -> Vec<ClientRecord> {
    // Deterministic variety without a generator: vary the fields the index reads.
    (0..n)
        .map(|i| {
            let mut c = ClientRecord::example();
            c.complaints_12m = (i % 5) as u32;
            c.advisor_contacts_180d = (i % 13) as u32;
            c.days_since_last_activity = (i * 7 % 300) as u32;
            c.return_vs_benchmark_12m = ((i % 11) as f64 - 5.0) / 100.0;
            c.digital_share = (i % 10) as f64 / 10.0;
            c.dedicated_advisor = i % 3 == 0;
            if i % 4 == 0 {
                c.survey = None;
            }
            c
        })
        .collect()
}

fn satisfaction(c: &mut Criterion) {
    let index = SatisfactionIndex::default();
    let mut g = c.benchmark_group("fuzzy/satisfaction");
    let one = ClientRecord::example();
    g.throughput(Throughput::Elements(1));
    g.bench_function(BenchmarkId::new("two_level_per_client", 1), |b| {
        b.iter(|| index.evaluate(black_box(&one)).unwrap())
    });
    for n in [1_000usize, 100_000] {
        let book = clients(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("two_level_batch", n), &book, |b, book| {
            b.iter(|| {
                let mut s = 0.0;
                for c in book {
                    s += index.evaluate(c).unwrap().score;
                }
                s
            })
        });
        g.bench_with_input(
            BenchmarkId::new("portfolio_by_key_8_groups", n),
            &book,
            |b, book| {
                b.iter(|| {
                    index
                        .evaluate_portfolio(black_box(book), |c| c.advisor_contacts_180d % 8)
                        .unwrap()
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, membership, satisfaction);
criterion_main!(benches);
