//! The built-in `ClientRecord` scorer runs on the shared feature-metadata path
//! (`schema::SourceIndex` over `churn::features::builtin_features()`), and its
//! assessments are bitwise what they were before that change.
//!
//! Golden numbers: `tests/data/builtin_assessments_v1.txt` holds, per model kind, the
//! SHA-256 of the JSON of 400 assessments (floats printed round-trip exact, so equal text
//! means equal bits) and the first assessment in full. It was written by this test with
//! `WEALTHSCORE_WRITE_GOLDEN=1` at commit 42367fb, before the scorer moved onto the
//! shared metadata path; it changes only when scores are meant to change. The forest and
//! boosted lines were rewritten when TreeSHAP moved to Gauss–Legendre quadrature (same
//! Shapley values, other rounding): on these 400 clients every number moved by at most
//! 7.1e-14 relative, and no reason or action changed place.

use sha2::{Digest, Sha256};
use wealthscore::churn::boost::{BoostParams, BoostedModel};
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
use wealthscore::churn::scorecard::Scorecard;
use wealthscore::churn::{ChurnModel, Fit};
use wealthscore::synth::{PortfolioConfig, generate};
use wealthscore::{Scorer, ScorerConfig};

const GOLDEN: &str = "tests/data/builtin_assessments_v1.txt";

fn models() -> Vec<(&'static str, ChurnModel)> {
    let train = generate(&PortfolioConfig::default().with_clients(3000).with_seed(41))
        .unwrap()
        .clients;
    let lr = LogisticModel::fit_records(&LogisticParams::default(), &train).unwrap();
    let forest = ForestModel::fit_records(
        &ForestParams::default()
            .with_n_trees(20)
            .with_max_depth(6)
            .with_seed(3),
        &train,
    )
    .unwrap();
    let boost = BoostedModel::fit_records(&BoostParams::default().with_trees(30), &train).unwrap();
    vec![
        ("logistic", ChurnModel::Logistic(lr)),
        ("forest", ChurnModel::Forest(forest)),
        ("boosted", ChurnModel::Boosted(boost)),
        ("scorecard", ChurnModel::Scorecard(Scorecard::default())),
    ]
}

fn digest_lines() -> Vec<String> {
    let book = generate(&PortfolioConfig::default().with_clients(400).with_seed(42))
        .unwrap()
        .clients;
    let mut lines = Vec::new();
    for (name, model) in models() {
        let scorer = Scorer::new(ScorerConfig::with_model(model)).unwrap();
        let mut h = Sha256::new();
        let mut first = String::new();
        for (i, c) in book.iter().enumerate() {
            let a = scorer.assess(c).unwrap();
            let json = serde_json::to_string(&a).unwrap();
            h.update(json.as_bytes());
            h.update(b"\n");
            if i == 0 {
                first = json;
            }
        }
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        lines.push(format!("{name} {hex}"));
        lines.push(format!("{name} first {first}"));
    }
    lines
}

#[test]
fn builtin_scores_are_bitwise_those_of_before_the_shared_metadata_path() {
    let got = digest_lines();
    if std::env::var_os("WEALTHSCORE_WRITE_GOLDEN").is_some() {
        std::fs::write(GOLDEN, got.join("\n") + "\n").unwrap();
        return;
    }
    let want = std::fs::read_to_string(GOLDEN).unwrap();
    let want: Vec<&str> = want.lines().collect();
    assert_eq!(want.len(), got.len());
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(*w, g.as_str());
    }
}

#[test]
fn builtin_metadata_sources_are_the_reason_signals_in_order() {
    use wealthscore::churn::features::{N_FEATURES, builtin_features};
    use wealthscore::churn::reasons::SIGNALS;
    use wealthscore::schema::SourceIndex;
    let meta = builtin_features();
    let index = SourceIndex::new(&meta).unwrap();
    assert_eq!(index.n_features(), N_FEATURES);
    assert_eq!(index.n_sources(), SIGNALS.len());
    for (s, g) in SIGNALS.iter().enumerate() {
        assert_eq!(index.source_name(s), Some(g.name));
        assert_eq!(index.cause(s), Some(g.cause));
        for &j in g.features {
            assert_eq!(index.source_of(j), Some(s), "feature {j}");
        }
    }
}
