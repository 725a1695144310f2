//! Churn models: fitting on 100,000 clients, `predict_proba` on 1,000,000 clients, and one
//! client's probability with reasons.
//!
//! `cargo bench --bench churn`. To time scikit-learn on the same matrices, run with
//! `WEALTHSCORE_DUMP_DIR=/tmp/churn_bench` once (writes `train_x.f64`, `train_y.u8` and
//! `predict_x.f64`, raw little-endian, row-major, 23 columns), then
//! `python benches/peers/churn_sklearn_predict.py /tmp/churn_bench`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ndarray::{Array2, Axis, concatenate};
use std::hint::black_box;
use std::io::Write;
use wealthscore::churn::features::{self, N_FEATURES};
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::reasons::{N_SIGNALS, signal_contributions, top_indices, top_reasons};
use wealthscore::churn::scorecard::Scorecard;
use wealthscore::churn::{ChurnModel, Fit};
use wealthscore::synth::{PortfolioConfig, generate};

const TRAIN: usize = 100_000;
const PREDICT: usize = 1_000_000;

fn training() -> (Array2<f64>, Vec<bool>, Vec<wealthscore::ClientRecord>) {
    let p = generate(&PortfolioConfig::default().with_clients(TRAIN).with_seed(42))
        .expect("valid config");
    let x = features::extract_batch(&p.clients).expect("features");
    let y = features::labels(&p.clients).expect("labels");
    (x, y, p.clients)
}

fn dump(x: &Array2<f64>, y: &[bool], big: &Array2<f64>) {
    let Ok(dir) = std::env::var("WEALTHSCORE_DUMP_DIR") else {
        return;
    };
    std::fs::create_dir_all(&dir).expect("dump dir");
    let write = |name: &str, bytes: &[u8]| {
        let mut f = std::fs::File::create(format!("{dir}/{name}")).expect("create");
        f.write_all(bytes).expect("write");
    };
    let f64s = |a: &Array2<f64>| -> Vec<u8> { a.iter().flat_map(|v| v.to_le_bytes()).collect() };
    write("train_x.f64", &f64s(x));
    write(
        "train_y.u8",
        &y.iter().map(|&b| u8::from(b)).collect::<Vec<u8>>(),
    );
    write("predict_x.f64", &f64s(big));
}

fn benches(c: &mut Criterion) {
    let (x, y, clients) = training();
    // 1,000,000 rows: the 100,000 training rows ten times (scoring cost does not depend
    // on which rows they are).
    let views: Vec<_> = (0..PREDICT / TRAIN).map(|_| x.view()).collect();
    let big = concatenate(Axis(0), &views).expect("same shapes");
    dump(&x, &y, &big);

    let forest_params = ForestParams::default(); // 100 trees, depth 10
    let mut g = c.benchmark_group("churn_fit");
    g.sample_size(10);
    g.throughput(Throughput::Elements(TRAIN as u64));
    g.bench_with_input(BenchmarkId::new("logistic", TRAIN), &x, |b, x| {
        b.iter(|| LogisticModel::fit_features(&LogisticParams::default(), x.view(), &y).unwrap())
    });
    g.bench_with_input(
        BenchmarkId::new("forest_100_trees_depth_10", TRAIN),
        &x,
        |b, x| b.iter(|| ForestModel::fit_features(&forest_params, x.view(), &y).unwrap()),
    );
    g.finish();

    let lr = LogisticModel::fit_features(&LogisticParams::default(), x.view(), &y).unwrap();
    let rf = ForestModel::fit_features(&forest_params, x.view(), &y).unwrap();
    let mut g = c.benchmark_group("churn_predict_proba");
    g.sample_size(10);
    g.throughput(Throughput::Elements(PREDICT as u64));
    let mut out = vec![0.0; PREDICT];
    let xs = big.as_slice().expect("standard layout");
    g.bench_function(BenchmarkId::new("logistic", PREDICT), |b| {
        b.iter(|| lr.predict_into(black_box(xs), &mut out).unwrap())
    });
    g.bench_function(
        BenchmarkId::new("forest_100_trees_depth_10", PREDICT),
        |b| b.iter(|| rf.predict_into(black_box(xs), &mut out).unwrap()),
    );
    g.finish();

    let models = [
        ChurnModel::Logistic(lr),
        ChurnModel::Forest(rf),
        ChurnModel::Scorecard(Scorecard::default()),
    ];
    let mut g = c.benchmark_group("churn_one_client_with_reasons");
    g.throughput(Throughput::Elements(1));
    let client = &clients[7];
    for m in &models {
        g.bench_function(BenchmarkId::new(m.kind(), 1), |b| {
            let mut xf = [0.0; N_FEATURES];
            let mut contrib = [0.0; N_FEATURES];
            b.iter(|| {
                features::extract(black_box(client), &mut xf).unwrap();
                let p = m.predict_with_contributions(&xf, &mut contrib).unwrap();
                let reasons = top_reasons(&xf, &contrib, 3);
                black_box((p, reasons))
            })
        });
        // The allocation-free path: features, probability, contributions, top-3 signals.
        g.bench_function(BenchmarkId::new(format!("{}_no_alloc", m.kind()), 1), |b| {
            let mut xf = [0.0; N_FEATURES];
            let mut contrib = [0.0; N_FEATURES];
            let mut sig = [0.0; N_SIGNALS];
            let mut idx = [0usize; 3];
            b.iter(|| {
                features::extract(black_box(client), &mut xf).unwrap();
                let p = m.predict_with_contributions(&xf, &mut contrib).unwrap();
                signal_contributions(&contrib, &mut sig);
                let n = top_indices(&sig, &mut idx);
                black_box((p, n, idx))
            })
        });
    }
    g.finish();
}

criterion_group!(churn, benches);
criterion_main!(churn);
