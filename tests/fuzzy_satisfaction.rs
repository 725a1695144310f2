//! The satisfaction index on hand-worked cases (closed forms from the documented
//! anchors and AHP weights).

use wealthscore::client::SurveyAnswers;
use wealthscore::fuzzy::{
    Basis, DEFAULT_DIMENSION_WEIGHTS, DEFAULT_INDICATOR_WEIGHTS, Dimension, Indicator, Operator,
    SatisfactionConfig, SatisfactionIndex,
};
use wealthscore::{ClientRecord, Error};

fn all_answers(v: u8) -> Option<SurveyAnswers> {
    Some(
        SurveyAnswers::default()
            .with_service_quality(Some(v))
            .with_product(Some(v))
            .with_experience(Some(v))
            .with_competence(Some(v))
            .with_risk_control(Some(v)),
    )
}

/// Every indicator at its best anchor: all membership on "very satisfied".
fn best_client() -> ClientRecord {
    let mut c = ClientRecord::example();
    c.complaints_12m = 0;
    c.advisor_contacts_180d = 12;
    c.holdings.fixed_income = 10_000.0; // five categories held
    c.holdings.deposits -= 10_000.0;
    c.fee_rate = 0.004;
    c.digital_share = 0.8;
    c.days_since_last_activity = 7;
    c.return_vs_benchmark_12m = 0.03;
    c.dedicated_advisor = true; // half very satisfied, half satisfied
    c.aum_history = vec![400_000.0; 12]; // no drawdown
    // Moderate (target 30 %): funds + alternatives = 120,000 of 400,000.
    c.holdings.funds = 120_000.0;
    c.holdings.wealth_products = 110_000.0;
    c.survey = all_answers(5);
    c
}

#[test]
fn best_client_is_very_satisfied() {
    let c = best_client();
    c.validate().unwrap();
    let e = SatisfactionIndex::default().evaluate(&c).unwrap();
    // Only the dedicated-advisor indicator puts weight on "satisfied": half of its
    // weight within competence, times competence's weight.
    let sat = 0.5 * DEFAULT_INDICATOR_WEIGHTS[3][2] * DEFAULT_DIMENSION_WEIGHTS[3];
    assert!((e.b[1] - sat).abs() < 1e-12, "{:?}", e.b);
    assert!((e.b[0] - (1.0 - sat)).abs() < 1e-12);
    assert!((e.score - (95.0 - 10.0 * sat)).abs() < 1e-9);
    assert_eq!(e.grade, 0);
    assert_eq!(e.basis, Basis::SurveyAndBehaviour);
    assert_eq!(e.weakest_dimension, Dimension::Competence);
    assert_eq!(e.pulling_down(), vec![Indicator::DedicatedAdvisor]);
}

#[test]
fn example_client_service_quality_by_hand() {
    // survey 2 -> dissatisfied; complaints 2 -> neutral (anchor 2);
    // 1 advisor contact -> dissatisfied (anchor 1).
    let e = SatisfactionIndex::default()
        .evaluate(&ClientRecord::example())
        .unwrap();
    let w = DEFAULT_INDICATOR_WEIGHTS[0];
    let want = [0.0, 0.0, w[1], w[0] + w[2], 0.0];
    for (g, x) in e.dimension_b[0].iter().zip(want) {
        assert!((g - x).abs() < 1e-12, "{:?}", e.dimension_b[0]);
    }
    assert!((e.dimension_scores[0].unwrap() - (75.0 * w[1] + 65.0 * (w[0] + w[2]))).abs() < 1e-9);
    assert_eq!(e.indicator_scores[0], [Some(65.0), Some(75.0), Some(65.0)]);
    assert_eq!(e.weakest_dimension, Dimension::ServiceQuality);
    // Both the answer and the contact count sit below the dimension's score.
    let mut pd = e.pulling_down();
    pd.sort();
    assert_eq!(
        pd,
        vec![Indicator::SurveyServiceQuality, Indicator::AdvisorContacts]
    );
}

#[test]
fn behaviour_only_renormalises_within_dimensions() {
    let mut c = ClientRecord::example();
    c.survey = None;
    let e = SatisfactionIndex::default().evaluate(&c).unwrap();
    assert_eq!(e.basis, Basis::BehaviourOnly);
    assert_eq!(e.survey_dimensions, 0);
    // Service quality from complaints (neutral) and contacts (dissatisfied) alone.
    let w = DEFAULT_INDICATOR_WEIGHTS[0];
    let neutral = w[1] / (w[1] + w[2]);
    assert!((e.dimension_b[0][2] - neutral).abs() < 1e-12);
    assert!((e.dimension_b[0][3] - (1.0 - neutral)).abs() < 1e-12);
    assert_eq!(e.indicator_scores[0][0], None);

    c.survey = Some(SurveyAnswers::default().with_product(Some(4)));
    let e = SatisfactionIndex::default().evaluate(&c).unwrap();
    assert_eq!((e.basis, e.survey_dimensions), (Basis::PartialSurvey, 1));
}

#[test]
fn votes_give_the_weighted_vote_shares() {
    let index = SatisfactionIndex::default();
    let mut votes = [[0u32; 5]; 5];
    for (d, v) in votes.iter_mut().enumerate() {
        v[d] = 10; // dimension d: everyone picked grade d
    }
    let e = index.evaluate_votes(&votes).unwrap();
    for (b, w) in e.b.iter().zip(DEFAULT_DIMENSION_WEIGHTS) {
        assert!((b - w).abs() < 1e-12);
    }
    // Dimension 4 unanswered: weights renormalised over the other four.
    votes[4] = [0; 5];
    let e = index.evaluate_votes(&votes).unwrap();
    let s: f64 = DEFAULT_DIMENSION_WEIGHTS[..4].iter().sum();
    assert!((e.b[0] - DEFAULT_DIMENSION_WEIGHTS[0] / s).abs() < 1e-12);
    assert_eq!(e.b[4], 0.0);
    assert_eq!(e.dimension_scores[4], None);
    assert!(index.evaluate_votes(&[[0; 5]; 5]).is_err());
    // One grade only: α is infinite, and the evaluation still survives JSON.
    let e = index.evaluate_votes(&[[0, 9, 0, 0, 0]; 5]).unwrap();
    assert!(e.effectiveness.is_infinite());
    let back: wealthscore::fuzzy::SatisfactionEvaluation =
        serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    assert_eq!(back, e);
}

#[test]
fn group_of_identical_clients_equals_one_client() {
    let index = SatisfactionIndex::default();
    let c = ClientRecord::example();
    let one = index.evaluate(&c).unwrap();
    let g = index.evaluate_group(&vec![c; 7]).unwrap();
    assert_eq!((g.clients, g.respondents), (7, 7));
    for (a, b) in one.b.iter().zip(g.evaluation.b) {
        assert!((a - b).abs() < 1e-12);
    }
}

#[test]
fn config_is_validated_on_construction_and_load() {
    let mut cfg = SatisfactionConfig::default();
    cfg.dimension_weights[0] += 0.1;
    assert!(matches!(
        SatisfactionIndex::new(cfg.clone()),
        Err(Error::InvalidInput { field, .. }) if field == "dimension_weights"
    ));
    let json = serde_json::to_string(&cfg).unwrap();
    assert!(serde_json::from_str::<SatisfactionIndex>(&json).is_err());

    let mut cfg = SatisfactionConfig::default();
    cfg.anchors[2][1] = [7.0, 30.0, 30.0, 120.0, 240.0];
    assert!(matches!(
        SatisfactionIndex::new(cfg),
        Err(Error::InvalidConfig { field, .. }) if field == "anchors[2][1][2]"
    ));

    let cfg = SatisfactionConfig::default()
        .with_operator(Operator::MinMax)
        .with_likert_softening(0.2);
    let index = SatisfactionIndex::new(cfg).unwrap();
    let json = serde_json::to_string(&index).unwrap();
    let back = serde_json::from_str::<SatisfactionIndex>(&json).unwrap();
    // serde_json without its `float_roundtrip` feature may move the last bit of a float.
    let (a, b) = (back.config(), index.config());
    assert_eq!(
        (a.operator, a.likert_softening, &a.grades),
        (b.operator, b.likert_softening, &b.grades)
    );
    for (x, y) in a
        .indicator_weights
        .as_flattened()
        .iter()
        .zip(b.indicator_weights.as_flattened())
    {
        assert!((x - y).abs() < 1e-15);
    }
    let e = index.evaluate(&ClientRecord::example()).unwrap();
    assert!((e.b.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn non_finite_record_fields_are_named() {
    let mut c = ClientRecord::example();
    c.fee_rate = f64::NAN;
    assert!(matches!(
        SatisfactionIndex::default().evaluate(&c),
        Err(Error::NonFinite { field }) if field == "fee_rate"
    ));
}
