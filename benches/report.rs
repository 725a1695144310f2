//! The HTML portfolio report for a 100,000-client book: the portfolio totals, the model's
//! evaluation (lift, gains, calibration, AUC) and the page itself.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use wealthscore::churn::{ChurnModel, scorecard::Scorecard};
use wealthscore::report::{HtmlReport, ModelEvaluation};
use wealthscore::scorer::{PortfolioReport, Scorer, ScorerConfig};
use wealthscore::synth::{PortfolioConfig, generate};

fn report(c: &mut Criterion) {
    let n = 100_000;
    let book = generate(&PortfolioConfig::default().with_clients(n).with_seed(3)).unwrap();
    let scorer = Scorer::new(ScorerConfig::with_model(ChurnModel::Scorecard(
        Scorecard::default(),
    )))
    .unwrap();
    let results = scorer.assess_batch(&book.clients);
    let portfolio = PortfolioReport::build(&book.clients, &results, 800.0, 25).unwrap();
    let evaluation = ModelEvaluation::from_assessments(&book.clients, &results).unwrap();

    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("portfolio_build_100k", |b| {
        b.iter(|| PortfolioReport::build(black_box(&book.clients), &results, 800.0, 25).unwrap())
    });
    g.bench_function("evaluation_100k", |b| {
        b.iter(|| ModelEvaluation::from_assessments(black_box(&book.clients), &results).unwrap())
    });
    g.bench_function("html_render_100k", |b| {
        b.iter(|| {
            HtmlReport::new(black_box(&portfolio))
                .with_evaluation(&evaluation)
                .render()
        })
    });
    g.bench_function("all_three_100k", |b| {
        b.iter(|| {
            let p = PortfolioReport::build(black_box(&book.clients), &results, 800.0, 25).unwrap();
            let e = ModelEvaluation::from_assessments(&book.clients, &results).unwrap();
            HtmlReport::new(&p).with_evaluation(&e).render().len()
        })
    });
    g.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
