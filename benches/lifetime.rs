//! BG/NBD fit on the CDNOW summary (2,357 clients) and probability alive over
//! 1,000,000 clients. The same work in lifetimes: benches/peers/lifetime_peer.py.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wealthscore::churn::lifetime::{BgNbd, FitOptions, RfmSummary};

fn cdnow() -> Vec<RfmSummary> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cdnow/cdnow_customers_summary.csv"
    );
    let mut rdr = csv::Reader::from_path(path).expect("CDNOW summary");
    rdr.records()
        .map(|r| {
            let r = r.expect("row");
            RfmSummary::new(
                r[1].parse().unwrap(),
                r[2].parse().unwrap(),
                r[3].parse().unwrap(),
            )
            .expect("valid row")
        })
        .collect()
}

fn fit(c: &mut Criterion) {
    let data = cdnow();
    let mut g = c.benchmark_group("bgnbd_fit");
    g.throughput(Throughput::Elements(data.len() as u64));
    g.bench_with_input(BenchmarkId::new("cdnow", data.len()), &data, |b, d| {
        b.iter(|| BgNbd::fit(black_box(d), &FitOptions::default()).expect("fit"))
    });
    g.finish();
}

fn probability_alive(c: &mut Criterion) {
    let data = cdnow();
    let model = BgNbd::new(0.243, 4.414, 0.793, 2.426).expect("model");
    let mut g = c.benchmark_group("bgnbd_probability_alive");
    for n in [10_000usize, 1_000_000] {
        // The CDNOW rows repeated to n clients, as the peer script does.
        let rows: Vec<RfmSummary> = data.iter().copied().cycle().take(n).collect();
        let mut out = vec![0.0; n];
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("batch", n), &n, |b, _| {
            b.iter(|| {
                model
                    .probability_alive_batch(black_box(&rows), &mut out)
                    .expect("batch")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, fit, probability_alive);
criterion_main!(benches);
