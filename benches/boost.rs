//! Gradient-boosted trees: fitting on 100,000 clients, `predict_proba` on 1,000,000
//! clients, one client's probability, and one client's TreeSHAP values.
//!
//! `cargo bench --bench boost`. The model has scikit-learn's `HistGradientBoostingClassifier`
//! size (100 trees of at most 31 leaves, no depth limit, 20 rows per leaf, 255 bins) so that
//! `bash benches/peers/boost_vs_sklearn.sh` can time scikit-learn on the same matrices
//! (written when `WEALTHSCORE_DUMP_DIR` is set: `train_x.f64`, `train_y.u8`,
//! `predict_x.f64`, raw little-endian, row-major, 23 columns).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ndarray::Array2;
use std::hint::black_box;
use std::io::Write;
use wealthscore::churn::boost::{BoostParams, BoostedModel};
use wealthscore::churn::features;
use wealthscore::churn::{Classifier, Fit};
use wealthscore::synth::{PortfolioConfig, generate};

const TRAIN: usize = 100_000;
const PREDICT: usize = 1_000_000;

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
    let p = generate(
        &PortfolioConfig::default()
            .with_clients(PREDICT)
            .with_seed(42),
    )
    .expect("valid config");
    let big = features::extract_batch(&p.clients).expect("features");
    let y_all = features::labels(&p.clients).expect("labels");
    drop(p);
    let x = big.slice(ndarray::s![..TRAIN, ..]).to_owned();
    let y = y_all[..TRAIN].to_vec();
    dump(&x, &y, &big);

    // scikit-learn's HistGradientBoostingClassifier defaults, early stopping off.
    let params = BoostParams::default().with_size(40, 31);
    let model = BoostedModel::fit_features(&params, x.view(), &y).expect("fit");
    eprintln!(
        "boosted model: {} trees, {} leaves, {} nodes",
        model.n_trees(),
        model.n_leaves(),
        model.n_nodes()
    );

    let mut g = c.benchmark_group("boost_fit");
    g.sample_size(10);
    g.throughput(Throughput::Elements(TRAIN as u64));
    g.bench_with_input(
        BenchmarkId::new("100_trees_31_leaves", TRAIN),
        &x,
        |b, x| b.iter(|| BoostedModel::fit_features(&params, x.view(), &y).unwrap()),
    );
    g.finish();

    let mut g = c.benchmark_group("boost_predict_proba");
    g.sample_size(10);
    g.throughput(Throughput::Elements(PREDICT as u64));
    let mut out = vec![0.0; PREDICT];
    let xs = big.as_slice().expect("standard layout");
    g.bench_function(BenchmarkId::new("100_trees_31_leaves", PREDICT), |b| {
        b.iter(|| model.predict_into(black_box(xs), &mut out).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("boost_one_client");
    g.throughput(Throughput::Elements(1));
    let row = big.row(7).to_vec();
    g.bench_function("probability", |b| {
        b.iter(|| model.predict_one(black_box(&row)).unwrap())
    });
    let mut contrib = vec![0.0; row.len()];
    g.bench_function("treeshap", |b| {
        b.iter(|| model.contributions(black_box(&row), &mut contrib).unwrap())
    });
    g.finish();
}

criterion_group!(boost, benches);
criterion_main!(boost);
