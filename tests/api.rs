//! The API others depend on (issue 13): names, construction of `#[non_exhaustive]` types,
//! the crate's declared Rust version and re-exports, and budget plans that name clients
//! unambiguously.

use wealthscore::churn::{ChurnModel, scorecard::Scorecard};
use wealthscore::retention::ClientRisk;
use wealthscore::synth::{PortfolioConfig, generate};
use wealthscore::{ChurnCause, Scorer, ScorerConfig};

fn scorecard_scorer() -> Scorer {
    Scorer::new(ScorerConfig::with_model(ChurnModel::Scorecard(
        Scorecard::default(),
    )))
    .unwrap()
}

#[test]
fn value_at_risk_is_renamed_expected_value_lost() {
    let scorer = scorecard_scorer();
    let a = scorer
        .assess(&wealthscore::ClientRecord::example())
        .unwrap();
    // Closed form: expected value lost = CLV × churn probability.
    assert!((a.expected_value_lost - a.clv * a.churn_probability).abs() <= 1e-9 * a.clv);
    let json = serde_json::to_value(a).unwrap();
    assert!(json.get("expected_value_lost").is_some(), "{json}");
    assert!(json.get("value_at_risk").is_none(), "{json}");
    let text = scorer.describe(&a);
    assert!(text.contains("expected value lost"), "{text}");
    assert!(!text.contains("value at risk"), "{text}");
}

#[test]
fn non_exhaustive_types_build_with_constructors_and_builders() {
    // Configs start from Default (or a constructor) and set fields with `with_` methods.
    let cfg = PortfolioConfig::default().with_clients(12).with_seed(9);
    assert_eq!((cfg.clients, cfg.seed), (12, 9));
    let book = generate(&cfg).unwrap();
    assert_eq!(book.clients.len(), 12);
    let policy = wealthscore::TieringPolicy::default().with_hnw_lower(2.0e6);
    assert_eq!(policy.hnw_lower, 2.0e6);
    let record = wealthscore::ClientRecord::new("C-1", 40, 24, vec![1e5, 1.2e5], vec![3, 4])
        .with_fee_rate(0.01)
        .with_complaints_12m(2);
    record.validate().unwrap();
    assert_eq!(record.aum, 1.2e5);
    let value = wealthscore::scorer::ValueAssumptions::default().with_discount_rate(0.1);
    let scfg = ScorerConfig::with_model(ChurnModel::Scorecard(Scorecard::default()))
        .with_value(value)
        .with_tiering(policy);
    let scorer = Scorer::new(scfg).unwrap();
    scorer.assess(&record).unwrap();
}

#[test]
fn rust_version_is_declared_and_ndarray_is_re_exported() {
    // The declared minimum: let-chains need 1.88, statrs 0.19 1.89, ordered-float 5 1.90.
    assert_eq!(env!("CARGO_PKG_RUST_VERSION"), "1.90");
    // ndarray as the crate sees it, so callers need not pin a matching version.
    let r = wealthscore::ndarray::array![[0.5, 0.5], [0.2, 0.8]];
    let m = wealthscore::fuzzy::MembershipMatrix::new(r, wealthscore::fuzzy::Normalisation::Keep);
    assert!(m.is_ok());
}

#[test]
fn budget_plan_names_the_right_client_after_a_failed_record_in_the_middle() {
    let scorer = scorecard_scorer();
    let mut book = generate(&PortfolioConfig::default().with_clients(400).with_seed(13))
        .unwrap()
        .clients;
    // One bad record in the middle of the book: everything after it shifts by one in
    // the slice of successful assessments the caller builds.
    book[200].fee_rate = f64::NAN;
    let results = scorer.assess_batch(&book);
    assert!(results[200].is_err());
    let causes: Vec<Vec<(ChurnCause, f64)>> = results
        .iter()
        .map(|r| match r {
            Ok(a) => a
                .reasons
                .iter()
                .flatten()
                .map(|r| (r.cause, r.contribution))
                .collect(),
            Err(_) => Vec::new(),
        })
        .collect();
    let risks: Vec<ClientRisk> = book
        .iter()
        .zip(&results)
        .zip(&causes)
        .filter_map(|((c, r), reasons)| {
            let a = r.as_ref().ok()?;
            Some(
                ClientRisk::new(
                    &c.id,
                    a.churn_probability,
                    a.clv,
                    c.aum,
                    reasons,
                    a.tiering.asset,
                )
                .with_dedicated_advisor(c.dedicated_advisor),
            )
        })
        .collect();
    let catalogue = &scorer.config().actions;
    let plan = catalogue.allocate_budget(&risks, 50_000.0).unwrap();
    assert!(!plan.chosen.is_empty());
    let after = plan
        .chosen
        .iter()
        .filter(|a| {
            book.iter()
                .position(|c| c.id == a.client)
                .is_some_and(|i| i > 200)
        })
        .count();
    assert!(
        after > 0,
        "the plan must include clients after the bad record"
    );
    for assignment in &plan.chosen {
        // The client the plan names, looked up by id in the caller's book, is the one
        // whose own ranking yields the assigned action with the same value.
        let i = book
            .iter()
            .position(|c| c.id == assignment.client)
            .expect("the plan names a client of the book");
        let risk = risks.iter().find(|r| r.id == assignment.client).unwrap();
        assert_eq!(risk.aum, book[i].aum);
        let ranked = catalogue.rank(risk).unwrap();
        assert!(
            ranked.iter().flatten().any(|r| *r == assignment.action),
            "{} was assigned an action it does not rank",
            assignment.client
        );
        let a = results[i].as_ref().unwrap();
        assert_eq!(a.churn_probability, risk.probability);
    }
}
