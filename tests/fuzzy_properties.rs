//! Property tests of fuzzy comprehensive evaluation under M(·,⊕).

use proptest::prelude::*;
use wealthscore::ClientRecord;
use wealthscore::client::SurveyAnswers;
use wealthscore::fuzzy::{GradeSet, MembershipMatrix, Normalisation, Operator, SatisfactionIndex};

/// Positive numbers scaled to sum to 1.
fn simplex(n: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0.001f64..1.0, n).prop_map(|v| {
        let s: f64 = v.iter().sum();
        v.into_iter().map(|x| x / s).collect()
    })
}

fn weights_and_rows() -> impl Strategy<Value = (Vec<f64>, Vec<Vec<f64>>)> {
    (1usize..8, 2usize..8)
        .prop_flat_map(|(m, n)| (simplex(m), prop::collection::vec(simplex(n), m)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Σ b_j = Σ_j Σ_i a_i r_ij = Σ_i a_i = 1 before any normalisation.
    #[test]
    fn weighted_average_keeps_b_on_the_simplex((a, rows) in weights_and_rows()) {
        let r = MembershipMatrix::from_rows(&rows, Normalisation::Require { tolerance: 1e-9 }).unwrap();
        let b = r.compose_raw(&a, Operator::WeightedAverage).unwrap();
        prop_assert!((b.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        prop_assert!(b.iter().all(|&x| (0.0..=1.0 + 1e-12).contains(&x)));
    }

    /// Moving membership of one indicator from a grade to a better one never lowers
    /// the weighted-average score.
    #[test]
    fn improving_one_row_never_lowers_the_score(
        (a, rows) in weights_and_rows(),
        pick in any::<prop::sample::Index>(),
        from in any::<prop::sample::Index>(),
        to in any::<prop::sample::Index>(),
        share in 0.0f64..=1.0,
    ) {
        let n = rows[0].len();
        let grades: Vec<(String, f64)> = (0..n).map(|j| (format!("g{j}"), (n - j) as f64 * 10.0)).collect();
        let names: Vec<(&str, f64)> = grades.iter().map(|(s, v)| (s.as_str(), *v)).collect();
        let v = GradeSet::new(&names).unwrap();
        let score = |rows: &[Vec<f64>]| {
            let r = MembershipMatrix::from_rows(rows, Normalisation::Require { tolerance: 1e-9 }).unwrap();
            let b = r.compose(&a, Operator::WeightedAverage).unwrap();
            b.iter().zip(v.grades()).map(|(x, g)| x * g.score).sum::<f64>()
        };
        let i = pick.index(rows.len());
        let (j_from, j_to) = (from.index(n), to.index(n));
        let (worse, better) = (j_from.max(j_to), j_from.min(j_to));
        let mut improved = rows.clone();
        let moved = improved[i][worse] * share;
        improved[i][worse] -= moved;
        improved[i][better] += moved;
        prop_assert!(score(&improved) >= score(&rows) - 1e-9);
    }

    /// A client improving one indicator never gets a worse satisfaction score.
    #[test]
    fn client_improving_one_indicator_never_scores_worse(
        complaints in 0u32..8,
        contacts in 0u32..20,
        fee in 0.0f64..0.03,
        digital in 0.0f64..=1.0,
        days in 0u32..400,
        ret in -0.1f64..0.1,
        advisor in any::<bool>(),
        answers in prop::collection::vec(prop::option::of(1u8..=5), 5),
        which in 0usize..9,
        step in 0.0f64..1.0,
    ) {
        let mut c = ClientRecord::example();
        c.complaints_12m = complaints;
        c.advisor_contacts_180d = contacts;
        c.fee_rate = fee;
        c.digital_share = digital;
        c.days_since_last_activity = days;
        c.return_vs_benchmark_12m = ret;
        c.dedicated_advisor = advisor;
        let s = SurveyAnswers::default().with_service_quality(answers[0]).with_product(answers[1]).with_experience(answers[2]).with_competence(answers[3]).with_risk_control(answers[4]);
        c.survey = s.any().then_some(s);
        c.validate().unwrap();
        let mut better = c.clone();
        match which {
            0 => better.complaints_12m = complaints.saturating_sub(1 + (step * 3.0) as u32),
            1 => better.advisor_contacts_180d += 1 + (step * 5.0) as u32,
            2 => better.fee_rate = fee * step,
            3 => better.digital_share = digital + (1.0 - digital) * step,
            4 => better.days_since_last_activity = (f64::from(days) * step) as u32,
            5 => better.return_vs_benchmark_12m = ret + 0.05 * step,
            6 => better.dedicated_advisor = true,
            7 => {
                // Raise one survey answer, if given.
                let mut sv = better.survey.unwrap_or_default();
                let k = (step * 5.0) as usize % 5;
                let slot = match k {
                    0 => &mut sv.service_quality,
                    1 => &mut sv.product,
                    2 => &mut sv.experience,
                    3 => &mut sv.competence,
                    _ => &mut sv.risk_control,
                };
                if let Some(v) = slot.as_mut() {
                    *v = (*v + 1).min(5);
                }
                better.survey = sv.any().then_some(sv);
            }
            _ => {
                // Smaller drawdown: the current month's AUM moves towards the peak, every
                // holding scaled alike so that the suitability gap does not move.
                let n = better.aum_history.len();
                let peak = better.aum_history.iter().cloned().fold(0.0, f64::max);
                let cur = better.aum_history[n - 1];
                let new = cur + (peak - cur) * step;
                let f = new / cur;
                let h = &mut better.holdings;
                for x in [&mut h.deposits, &mut h.wealth_products, &mut h.funds, &mut h.insurance, &mut h.fixed_income, &mut h.alternatives] {
                    *x *= f;
                }
                better.aum_history[n - 1] = new;
                better.aum = new;
            }
        }
        better.validate().unwrap();
        let index = SatisfactionIndex::default();
        let before = index.evaluate(&c).unwrap();
        let after = index.evaluate(&better).unwrap();
        prop_assert!(after.score >= before.score - 1e-9, "{} -> {}", before.score, after.score);
        prop_assert!((after.b.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
