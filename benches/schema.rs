//! The schema path on 1,000,000 rows of the synthetic core-banking export
//! (`examples/schemas/core_banking.json`): fit (statistics + logistic model) and score
//! (transforms + probabilities), each next to the matrix path on the same features (the
//! model fitted on, or scoring, a ready `n × p` matrix).
//!
//! `cargo bench --bench schema -- --warm-up-time 1 --measurement-time 3`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use wealthscore::churn::Fit;
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::schema::{FittedPipeline, PipelineConfig, Schema, Table};
use wealthscore::synth::{PortfolioConfig, core_banking, generate};

const ROWS: usize = 1_000_000;

fn setup() -> (Schema, Table) {
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
    (schema, table)
}

fn bench_schema(c: &mut Criterion) {
    let (schema, table) = setup();
    let config = PipelineConfig::default();
    let pipeline = FittedPipeline::fit(schema.clone(), &table, &config)
        .expect("fits")
        .pipeline;
    let t = pipeline.transform(&table).expect("transforms");
    let y: Vec<bool> = {
        let label = table.column("CHURN_FLG").expect("label");
        t.rows
            .iter()
            .map(|&i| label.number(i) == Some(1.0))
            .collect()
    };
    let params = LogisticParams::default();

    let mut group = c.benchmark_group("schema_fit");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_with_input(BenchmarkId::new("schema_path", ROWS), &table, |b, table| {
        b.iter(|| black_box(FittedPipeline::fit(schema.clone(), table, &config).expect("fits")))
    });
    group.bench_with_input(BenchmarkId::new("matrix_path", ROWS), &t.x, |b, x| {
        b.iter(|| black_box(LogisticModel::fit(&params, x.view(), &y).expect("fits")))
    });
    group.finish();

    let model = match pipeline.model() {
        wealthscore::ChurnModel::Logistic(m) => m.clone(),
        _ => unreachable!("the default configuration fits a logistic model"),
    };
    let flat: Vec<f64> = t.x.iter().copied().collect();
    let mut out = vec![0.0; t.x.nrows()];
    let mut group = c.benchmark_group("schema_score");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_with_input(BenchmarkId::new("schema_path", ROWS), &table, |b, table| {
        b.iter(|| black_box(pipeline.predict(table).expect("scores")))
    });
    group.bench_with_input(BenchmarkId::new("matrix_path", ROWS), &flat, |b, flat| {
        b.iter(|| {
            model.predict_into(flat, &mut out).expect("scores");
            black_box(&out);
        })
    });
    group.finish();
}

criterion_group!(benches, bench_schema);
criterion_main!(benches);
