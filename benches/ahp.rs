//! AHP benches: weights + CR of one matrix (the 9×9 target: under 2 µs), the
//! λmax-optimal completion, a hierarchy and fuzzy weights.
//! Peer timing: benches/peers/ahpy_bench.py on the same 9×9 matrix.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use wealthscore::ahp::{
    CompletionMethod, ConsistencyConfig, FuzzyPairwiseMatrix, IncompleteMatrix, PairwiseMatrix,
    PriorityMethod, RandomIndex, Tfn,
};

/// The 9×9 matrix of tests/data/ahp_ahpy_reference.json ("bench9"), upper triangle.
const BENCH9: [f64; 36] = [
    3.0,
    5.0,
    0.5,
    7.0,
    2.0,
    4.0,
    1.0 / 3.0,
    6.0, //
    2.0,
    0.25,
    3.0,
    1.0,
    2.0,
    0.2,
    4.0, //
    1.0 / 6.0,
    2.0,
    0.5,
    1.0,
    1.0 / 7.0,
    3.0, //
    8.0,
    4.0,
    6.0,
    2.0,
    9.0, //
    1.0 / 3.0,
    0.5,
    1.0 / 6.0,
    2.0, //
    2.0,
    1.0 / 3.0,
    4.0, //
    0.25,
    3.0, //
    7.0,
];

/// Leading k×k block of the 9×9 matrix (still reciprocal).
fn leading(k: usize) -> PairwiseMatrix {
    let mut up = Vec::new();
    let mut idx = 0;
    for i in 0..9 {
        for j in i + 1..9 {
            if i < k && j < k {
                up.push(BENCH9[idx]);
            }
            idx += 1;
        }
    }
    PairwiseMatrix::from_upper_triangle(k, &up).unwrap()
}

fn priorities(c: &mut Criterion) {
    let mut g = c.benchmark_group("ahp_weights_and_cr");
    g.throughput(Throughput::Elements(1));
    let cfg = ConsistencyConfig::with_random_index(RandomIndex::DoneganDodd);
    for n in [3usize, 5, 9] {
        let m = leading(n);
        for (name, method) in [
            ("eigenvector", PriorityMethod::Eigenvector),
            ("geometric_mean", PriorityMethod::GeometricMean),
            ("column_mean", PriorityMethod::ColumnMean),
        ] {
            g.bench_with_input(BenchmarkId::new(name, n), &m, |b, m| {
                b.iter(|| black_box(m).priorities_with(method, &cfg).unwrap())
            });
        }
    }
    g.finish();
}

fn completion(c: &mut Criterion) {
    // Bozóki, Fülöp & Rónyai (2010) 8×8 example with 12 missing judgments.
    let up = [
        Some(5.0),
        Some(3.0),
        Some(7.0),
        Some(6.0),
        Some(6.0),
        Some(1.0 / 3.0),
        Some(0.25),
        None,
        Some(5.0),
        None,
        Some(3.0),
        None,
        Some(1.0 / 7.0),
        None,
        Some(3.0),
        None,
        Some(6.0),
        None,
        None,
        Some(0.25),
        None,
        Some(1.0 / 8.0),
        None,
        Some(0.2),
        None,
        None,
        Some(1.0 / 6.0),
        None,
    ];
    let m = IncompleteMatrix::from_upper_triangle(8, &up).unwrap();
    let mut g = c.benchmark_group("ahp_completion");
    g.throughput(Throughput::Elements(1));
    for (name, method) in [
        ("harker", CompletionMethod::Harker),
        ("lambda_max", CompletionMethod::LambdaMax),
    ] {
        g.bench_with_input(BenchmarkId::new(name, 8), &m, |b, m| {
            b.iter(|| black_box(m).complete(method).unwrap())
        });
    }
    g.finish();
}

fn fuzzy(c: &mut Criterion) {
    let tf: Vec<Tfn> = BENCH9
        .iter()
        .map(|&x| Tfn::new(x * 0.8, x, x * 1.25).unwrap())
        .collect();
    let m = FuzzyPairwiseMatrix::from_upper_triangle(9, &tf).unwrap();
    let mut g = c.benchmark_group("ahp_fuzzy");
    g.throughput(Throughput::Elements(1));
    g.bench_with_input(BenchmarkId::new("buckley", 9), &m, |b, m| {
        b.iter(|| black_box(m).buckley().unwrap())
    });
    g.bench_with_input(BenchmarkId::new("chang", 9), &m, |b, m| {
        b.iter(|| black_box(m).chang().unwrap())
    });
    g.finish();
}

criterion_group!(benches, priorities, completion, fuzzy);
criterion_main!(benches);
