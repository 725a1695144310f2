//! Columnar assessment of 1,000,000 rows of the synthetic core-banking export
//! (`examples/schemas/core_banking.json`, logistic model): the full assessment
//! (probability, risk level, warnings, top reason, CLV, expected value lost, best action)
//! into reusable column buffers on one core and on all cores, next to the row path
//! (`assess`, one `TableAssessment` per row) and probabilities alone (`predict`).
//!
//! The forest and boosted model (default settings, fitted on 20,000 rows) go through
//! the same path; each row's reasons are exact TreeSHAP values there, so they are timed
//! on 5,000 rows.
//!
//! `cargo bench --bench columnar -- --warm-up-time 1 --measurement-time 5`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use wealthscore::schema::{
    AssessmentColumns, FittedPipeline, ModelParams, Outputs, PipelineConfig, Schema, Table,
};
use wealthscore::synth::{PortfolioConfig, core_banking, generate};

const ROWS: usize = 1_000_000;

/// Rows the tree models are fitted on and rows they assess.
const TREE_TRAIN: usize = 20_000;
const TREE_ROWS: usize = 5_000;

fn setup() -> (FittedPipeline, Table) {
    let schema = Schema::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/schemas/core_banking.json"
    ))
    .expect("valid schema");
    let book = generate(&PortfolioConfig::default().with_clients(ROWS).with_seed(3))
        .expect("valid config");
    let mut csv = Vec::new();
    core_banking::write_csv(&mut csv, &book, &core_banking::ExportConfig::default())
        .expect("writes");
    let table = Table::read_csv(csv.as_slice(), &schema).expect("reads");
    let train = table
        .take(&(0..50_000).collect::<Vec<_>>())
        .expect("rows exist");
    let pipeline = FittedPipeline::fit(schema, &train, &PipelineConfig::default())
        .expect("fits")
        .pipeline;
    (pipeline, table)
}

fn bench_columnar(c: &mut Criterion) {
    let (pipeline, table) = setup();
    let mut out = AssessmentColumns::default();
    let mut group = c.benchmark_group("columnar_assess");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    #[cfg(feature = "parallel")]
    {
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a thread pool");
        group.bench_function(BenchmarkId::new("columns_one_core", ROWS), |b| {
            b.iter(|| {
                one.install(|| pipeline.assess_columns(&table, &mut out))
                    .expect("scores");
                black_box(&out);
            })
        });
        group.bench_function(BenchmarkId::new("risk_and_reason_one_core", ROWS), |b| {
            b.iter(|| {
                one.install(|| {
                    pipeline.assess_columns_with(&table, Outputs::RiskAndReason, &mut out)
                })
                .expect("scores");
                black_box(&out);
            })
        });
    }
    group.bench_function(BenchmarkId::new("columns_all_cores", ROWS), |b| {
        b.iter(|| {
            pipeline.assess_columns(&table, &mut out).expect("scores");
            black_box(&out);
        })
    });
    group.bench_function(BenchmarkId::new("risk_and_reason_all_cores", ROWS), |b| {
        b.iter(|| {
            pipeline
                .assess_columns_with(&table, Outputs::RiskAndReason, &mut out)
                .expect("scores");
            black_box(&out);
        })
    });
    group.bench_function(BenchmarkId::new("row_path", ROWS), |b| {
        b.iter(|| black_box(pipeline.assess(&table).expect("scores")))
    });
    group.bench_function(BenchmarkId::new("probability_only", ROWS), |b| {
        b.iter(|| black_box(pipeline.predict(&table).expect("scores")))
    });
    group.finish();
}

fn bench_tree_models(c: &mut Criterion) {
    let (logistic, table) = setup();
    let first = |n: usize| table.take(&(0..n).collect::<Vec<_>>()).expect("rows exist");
    let (train, rows) = (first(TREE_TRAIN), first(TREE_ROWS));
    let mut out = AssessmentColumns::default();
    let mut group = c.benchmark_group("columnar_models");
    group.sample_size(10);
    group.throughput(Throughput::Elements(TREE_ROWS as u64));
    for kind in ["forest", "boosted"] {
        let model = ModelParams::from_name(kind).expect("a model kind");
        let pipeline = FittedPipeline::fit(
            logistic.schema().clone(),
            &train,
            &PipelineConfig::with_model(model),
        )
        .expect("fits")
        .pipeline;
        for outputs in [Outputs::Full, Outputs::RiskAndReason] {
            let name = format!("{kind}_{outputs:?}");
            group.bench_function(BenchmarkId::new(name, TREE_ROWS), |b| {
                b.iter(|| {
                    pipeline
                        .assess_columns_with(&rows, outputs, &mut out)
                        .expect("scores");
                    black_box(&out);
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_columnar, bench_tree_models);
criterion_main!(benches);
