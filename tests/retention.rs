//! Retention ranking and budget allocation against hand computations and brute force.

use wealthscore::ChurnCause::{self, *};
use wealthscore::Error;
use wealthscore::retention::{ActionCatalogue, ActionKind, ClientRisk};
use wealthscore::segment::AssetTier;

fn risk<'a>(p: f64, clv: f64, reasons: &'a [(ChurnCause, f64)], tier: AssetTier) -> ClientRisk<'a> {
    ClientRisk::new("C", p, clv, 100_000.0, reasons, tier)
}

const IDS: [&str; 8] = ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"];

#[test]
fn value_saved_matches_the_formula_by_hand() {
    let cat = ActionCatalogue::default();
    let reasons = [(Service, 1.5), (Fees, 0.5), (Relationship, -0.2)];
    let c = risk(0.4, 20_000.0, &reasons, AssetTier::Mass);
    let ranked = cat.rank(&c).unwrap();
    // Service remediation: addresses service+trust → fit 1.5/2.0; effect 0.35, cost 150.
    let r0 = ranked[0].unwrap();
    assert_eq!(r0.kind, ActionKind::ServiceRemediation);
    assert!((r0.value_saved - (0.4 * 20_000.0 * 0.35 * 0.75 - 150.0)).abs() < 1e-9);
    // Offers: fees+competitor → fit 0.5/2.0; effect 0.20, cost 200 → 0.4·2e4·0.2·0.25 − 200 = 200.
    let offers = ranked
        .iter()
        .flatten()
        .find(|a| a.kind == ActionKind::OffersAndPoints);
    assert!((offers.unwrap().value_saved - 200.0).abs() < 1e-9);
    // Sorted best first.
    let vals: Vec<f64> = ranked.iter().flatten().map(|a| a.value_saved).collect();
    assert!(vals.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn tier_and_existing_advisor_restrict_actions() {
    let cat = ActionCatalogue::default();
    let reasons = [(Relationship, 2.0)];
    let mass = risk(0.9, 1e6, &reasons, AssetTier::Mass);
    let ranked = cat.rank(&mass).unwrap();
    assert!(
        ranked
            .iter()
            .flatten()
            .all(|a| a.kind != ActionKind::DedicatedAdvisor)
    );
    let mut hnw = risk(0.9, 1e6, &reasons, AssetTier::HighNetWorth);
    assert!(
        cat.rank(&hnw)
            .unwrap()
            .iter()
            .flatten()
            .any(|a| a.kind == ActionKind::DedicatedAdvisor)
    );
    hnw.dedicated_advisor = true;
    assert!(
        cat.rank(&hnw)
            .unwrap()
            .iter()
            .flatten()
            .all(|a| a.kind != ActionKind::DedicatedAdvisor)
    );
}

#[test]
fn bad_inputs_are_named() {
    let cat = ActionCatalogue::default();
    let c = risk(1.2, 1.0, &[], AssetTier::Mass);
    assert!(
        matches!(cat.rank(&c), Err(Error::InvalidInput { field, .. }) if field == "probability")
    );
    let r = [(Service, f64::NAN)];
    let c = risk(0.2, 1.0, &r, AssetTier::Mass);
    assert!(matches!(cat.rank(&c), Err(Error::NonFinite { field }) if field == "reasons[0]"));
    let json = r#"{"actions":[{"kind":"regular_contact","description":"x","addresses":[],"tiers":[],"cost":-1,"effect":0.2}]}"#;
    assert!(serde_json::from_str::<ActionCatalogue>(json).is_err());
    let json = r#"{"actions":[]}"#;
    assert!(serde_json::from_str::<ActionCatalogue>(json).is_err());
}

#[test]
fn catalogue_serde_round_trip() {
    let cat = ActionCatalogue::default();
    let back: ActionCatalogue =
        serde_json::from_str(&serde_json::to_string(&cat).unwrap()).unwrap();
    assert_eq!(back, cat);
}

#[test]
fn budget_allocation_is_optimal_when_costs_are_equal_and_reports_bad_clients() {
    // With one action of equal cost for everyone, the knapsack optimum is the k best
    // values; brute force over all subsets confirms the greedy plan.
    let cat = ActionCatalogue::new(vec![
        ActionCatalogue::default()
            .get(ActionKind::RegularContact)
            .unwrap()
            .clone(),
    ])
    .unwrap();
    let reasons = [(Relationship, 1.0)];
    let ps = [0.1, 0.5, 0.3, 0.9, 0.05, 0.7, 0.2];
    let mut clients: Vec<ClientRisk> = ps
        .iter()
        .zip(IDS)
        .map(|(&p, id)| ClientRisk::new(id, p, 5_000.0, 100_000.0, &reasons, AssetTier::Mass))
        .collect();
    let bad_reasons = [(Service, f64::INFINITY)];
    clients.push(ClientRisk::new(
        IDS[7],
        0.5,
        5_000.0,
        100_000.0,
        &bad_reasons,
        AssetTier::Mass,
    ));
    let budget = 3.0 * 60.0 + 10.0;
    let plan = cat.allocate_budget(&clients, budget).unwrap();
    let value = |p: f64| p * 5_000.0 * 0.25 - 60.0;
    let mut best = 0.0f64;
    for mask in 0u32..(1 << ps.len()) {
        if mask.count_ones() as f64 * 60.0 > budget {
            continue;
        }
        let v: f64 = (0..ps.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| value(ps[i]))
            .filter(|v| *v > 0.0)
            .sum();
        best = best.max(v);
    }
    assert!(
        (plan.value_saved - best).abs() < 1e-9,
        "{} vs {best}",
        plan.value_saved
    );
    assert_eq!(plan.chosen.len(), 3);
    assert!(plan.spent <= budget);
    assert_eq!(plan.rejected.len(), 1);
    assert_eq!(plan.rejected[0].0, "c7");
    // The chosen are the three highest probabilities, named by id: 0.9, 0.7, 0.5.
    let chosen: Vec<&str> = plan.chosen.iter().map(|a| a.client.as_str()).collect();
    assert_eq!(chosen, ["c3", "c5", "c1"]);
    // Retained AUM: Σ p × 0.25 × 100,000 over the three chosen (0.9, 0.7, 0.5).
    assert!((plan.retained_aum - (0.9 + 0.7 + 0.5) * 0.25 * 100_000.0).abs() < 1e-6);
}
