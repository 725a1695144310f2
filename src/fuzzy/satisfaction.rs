//! The client satisfaction index: five dimensions, fifteen indicators, two-level FCE.
//!
//! Each dimension has one survey indicator (the client's 1–5 answer on that dimension)
//! and two behaviour indicators read from the [`ClientRecord`]:
//!
//! | dimension | survey | behaviour 1 | behaviour 2 |
//! |---|---|---|---|
//! | service quality | `survey.service_quality` | complaints in 12 months | advisor contacts in 180 days |
//! | product satisfaction | `survey.product` | product categories held | fee rate |
//! | client experience | `survey.experience` | digital share | days since last activity |
//! | professional competence | `survey.competence` | return vs benchmark | dedicated advisor |
//! | risk control | `survey.risk_control` | suitability gap | AUM drawdown |
//!
//! Behaviour values map onto the grades through [`IndicatorScale::Anchors`]
//! (see [`SatisfactionConfig::anchors`] for the defaults); survey answers through a
//! crisp or softened Likert row. A client with no survey answers is evaluated from
//! behaviour alone, the indicator weights renormalised over what is present, and the
//! result's [`basis`](SatisfactionEvaluation::basis) says so.
//!
//! Default weights are the principal eigenvectors of the pairwise judgment matrices in
//! [`DIMENSION_JUDGMENTS`] and [`INDICATOR_JUDGMENTS`], computed outside the crate by
//! `tests/data/scripts/satisfaction_ahp_weights.py` (numpy, cross-checked with AHPy);
//! every matrix has a consistency ratio below 0.01.
//!
//! ```
//! use wealthscore::fuzzy::{SatisfactionIndex, Basis, Dimension};
//! use wealthscore::ClientRecord;
//! let index = SatisfactionIndex::default();
//! let mut client = ClientRecord::example();
//! let e = index.evaluate(&client)?;
//! assert_eq!(e.basis, Basis::SurveyAndBehaviour);
//! assert_eq!(e.weakest_dimension, Dimension::ServiceQuality);
//! assert!((e.b.iter().sum::<f64>() - 1.0).abs() < 1e-12);
//! client.survey = None;
//! assert_eq!(index.evaluate(&client)?.basis, Basis::BehaviourOnly);
//! # Ok::<(), wealthscore::Error>(())
//! ```

// Dimension × indicator × grade arrays are walked in parallel; index loops read best.
#![allow(clippy::needless_range_loop)]

use super::compose::{Operator, compose_fixed, effectiveness_unchecked, max_membership};
use super::grades::GradeSet;
use super::hierarchy::{FactorGroup, Hierarchy};
use super::matrix::{likert_row_into, validate_anchors};
use crate::client::{ClientRecord, SurveyAnswers};
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Number of grades, dimensions and indicators per dimension of the index.
pub const GRADES: usize = 5;
/// Number of dimensions.
pub const DIMENSIONS: usize = 5;
/// Indicators per dimension (one survey, two behaviour).
pub const PER_DIMENSION: usize = 3;

/// The five satisfaction dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Dimension {
    /// Speed, courtesy, personal attention.
    ServiceQuality,
    /// Fit, range and price of products.
    Product,
    /// Channels and convenience.
    Experience,
    /// The advisor's professional competence.
    Competence,
    /// Suitability, disclosure, drawdowns.
    RiskControl,
}

impl Dimension {
    /// All dimensions, in index order (the order of [`SurveyAnswers::DIMENSIONS`]).
    pub const ALL: [Dimension; DIMENSIONS] = [
        Dimension::ServiceQuality,
        Dimension::Product,
        Dimension::Experience,
        Dimension::Competence,
        Dimension::RiskControl,
    ];

    /// Position in [`Dimension::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Readable name.
    pub fn name(self) -> &'static str {
        [
            "service quality",
            "product satisfaction",
            "client experience",
            "professional competence",
            "risk control",
        ][self as usize]
    }

    /// The dimension's three indicators.
    pub fn indicators(self) -> [Indicator; PER_DIMENSION] {
        let d = self as usize;
        [0, 1, 2].map(|k| Indicator::ALL[d * PER_DIMENSION + k])
    }
}

/// The fifteen default indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Indicator {
    /// `survey.service_quality`.
    SurveyServiceQuality,
    /// `complaints_12m` (fewer is better).
    Complaints,
    /// `advisor_contacts_180d` (more is better).
    AdvisorContacts,
    /// `survey.product`.
    SurveyProduct,
    /// `holdings.categories_held()` (more is better).
    ProductCategories,
    /// `fee_rate` (lower is better).
    FeeRate,
    /// `survey.experience`.
    SurveyExperience,
    /// `digital_share` (higher is better).
    DigitalShare,
    /// `days_since_last_activity` (fewer is better).
    DaysSinceActivity,
    /// `survey.competence`.
    SurveyCompetence,
    /// `return_vs_benchmark_12m` (higher is better).
    ReturnVsBenchmark,
    /// `dedicated_advisor` (1 if yes, 0 if no).
    DedicatedAdvisor,
    /// `survey.risk_control`.
    SurveyRiskControl,
    /// |share of funds and alternatives − target for the risk tolerance| (smaller is better).
    SuitabilityGap,
    /// Fall of AUM from its peak over the drawdown window (smaller is better).
    AumDrawdown,
}

impl Indicator {
    /// All indicators, dimension by dimension, survey first.
    pub const ALL: [Indicator; DIMENSIONS * PER_DIMENSION] = [
        Indicator::SurveyServiceQuality,
        Indicator::Complaints,
        Indicator::AdvisorContacts,
        Indicator::SurveyProduct,
        Indicator::ProductCategories,
        Indicator::FeeRate,
        Indicator::SurveyExperience,
        Indicator::DigitalShare,
        Indicator::DaysSinceActivity,
        Indicator::SurveyCompetence,
        Indicator::ReturnVsBenchmark,
        Indicator::DedicatedAdvisor,
        Indicator::SurveyRiskControl,
        Indicator::SuitabilityGap,
        Indicator::AumDrawdown,
    ];

    /// The dimension it belongs to.
    pub fn dimension(self) -> Dimension {
        Dimension::ALL[self as usize / PER_DIMENSION]
    }

    /// Position within its dimension (0 = survey).
    pub fn position(self) -> usize {
        self as usize % PER_DIMENSION
    }

    /// Whether it is a survey answer.
    pub fn is_survey(self) -> bool {
        self.position() == 0
    }

    /// Readable name.
    pub fn name(self) -> &'static str {
        [
            "survey: service quality",
            "complaints in 12 months",
            "advisor contacts in 180 days",
            "survey: product",
            "product categories held",
            "fee rate",
            "survey: experience",
            "digital share",
            "days since last activity",
            "survey: competence",
            "return vs benchmark (12 months)",
            "dedicated advisor",
            "survey: risk control",
            "suitability gap",
            "AUM drawdown",
        ][self as usize]
    }
}

/// Saaty-scale judgments between the dimensions (upper triangle, row vs column, in
/// [`Dimension::ALL`] order): service quality and competence lead, being the reasons
/// wealth clients give most often for leaving; product and risk control follow; client
/// experience (channels) matters least for this clientele.
pub const DIMENSION_JUDGMENTS: [[f64; DIMENSIONS]; DIMENSIONS] = [
    [1.0, 2.0, 3.0, 1.0, 2.0],
    [0.5, 1.0, 2.0, 0.5, 1.0],
    [1.0 / 3.0, 0.5, 1.0, 1.0 / 3.0, 0.5],
    [1.0, 2.0, 3.0, 1.0, 2.0],
    [0.5, 1.0, 2.0, 0.5, 1.0],
];

/// Saaty-scale judgments between each dimension's indicators (survey, behaviour 1,
/// behaviour 2): the client's own answer weighs most; within service, complaints over
/// contact counts; within product, fees over breadth; within experience, recency over
/// channel mix; within competence, results as much as the answer, both over having a
/// dedicated advisor; within risk control, suitability and drawdown alike.
pub const INDICATOR_JUDGMENTS: [[[f64; PER_DIMENSION]; PER_DIMENSION]; DIMENSIONS] = [
    [[1.0, 2.0, 3.0], [0.5, 1.0, 2.0], [1.0 / 3.0, 0.5, 1.0]],
    [[1.0, 3.0, 2.0], [1.0 / 3.0, 1.0, 0.5], [0.5, 2.0, 1.0]],
    [[1.0, 3.0, 2.0], [1.0 / 3.0, 1.0, 0.5], [0.5, 2.0, 1.0]],
    [
        [1.0, 1.0, 3.0],
        [1.0, 1.0, 3.0],
        [1.0 / 3.0, 1.0 / 3.0, 1.0],
    ],
    [[1.0, 2.0, 2.0], [0.5, 1.0, 1.0], [0.5, 1.0, 1.0]],
];

/// Principal eigenvector of [`DIMENSION_JUDGMENTS`] (λmax = 5.0133, CR = 0.0030),
/// from `tests/data/scripts/satisfaction_ahp_weights.py`.
pub const DEFAULT_DIMENSION_WEIGHTS: [f64; DIMENSIONS] = [
    0.2978339312553555,
    0.15777224173874263,
    0.08878765401180377,
    0.29783393125535546,
    0.15777224173874269,
];

/// Principal eigenvectors of [`INDICATOR_JUDGMENTS`] (CR 0.0079, 0.0079, 0.0079, 0, 0),
/// from `tests/data/scripts/satisfaction_ahp_weights.py`.
pub const DEFAULT_INDICATOR_WEIGHTS: [[f64; PER_DIMENSION]; DIMENSIONS] = [
    [0.5396145502210749, 0.2969613312124973, 0.16342411856642794],
    [0.5396145502210747, 0.16342411856642802, 0.29696133121249735],
    [0.5396145502210747, 0.16342411856642802, 0.29696133121249735],
    [0.4285714285714286, 0.4285714285714285, 0.1428571428571429],
    [0.5000000000000001, 0.24999999999999994, 0.25],
];

/// Configuration of the [`SatisfactionIndex`]; plain data, checked by
/// [`SatisfactionConfig::validate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SatisfactionConfig {
    /// Five grades, best first (default: very satisfied … very dissatisfied, 95 … 55).
    pub grades: GradeSet,
    /// Dimension weights in [`Dimension::ALL`] order.
    pub dimension_weights: [f64; DIMENSIONS],
    /// Indicator weights per dimension (survey, behaviour 1, behaviour 2).
    pub indicator_weights: [[f64; PER_DIMENSION]; DIMENSIONS],
    /// Anchors of the behaviour indicators, `anchors[d][k]` for behaviour `k` of
    /// dimension `d`: the value typical of each grade, best first. Defaults:
    /// complaints 0, 1, 2, 3, 5; advisor contacts 12, 6, 3, 1, 0; categories held 5 … 1;
    /// fee rate 0.4 %, 0.8 %, 1.2 %, 1.6 %, 2.2 %; digital share 0.8 … 0.0;
    /// days since activity 7, 30, 60, 120, 240; return vs benchmark +3, +1, 0, −2, −5
    /// points; dedicated advisor 1.25, 0.75, 0, −0.5, −1 (so "yes" sits half-way
    /// between very satisfied and satisfied, "no" at neutral); suitability gap 0, 0.1,
    /// 0.2, 0.3, 0.45; AUM drawdown 0, 5 %, 10 %, 20 %, 35 %.
    pub anchors: [[[f64; GRADES]; 2]; DIMENSIONS],
    /// Share of a Likert answer's membership moved to neighbouring grades (0 = crisp).
    pub likert_softening: f64,
    /// Composition operator at both levels (default M(·,⊕)).
    pub operator: Operator,
    /// Target share of funds and alternatives per risk tolerance C1…C5
    /// (default 5 %, 15 %, 30 %, 45 %, 60 %).
    pub risky_share_targets: [f64; 5],
    /// Months of AUM history over which the drawdown is measured (default 12).
    pub drawdown_months: usize,
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl SatisfactionConfig {
    setters! {
        with_grades => grades: GradeSet,
        with_dimension_weights => dimension_weights: [f64; DIMENSIONS],
    }

    /// Sets [`indicator_weights`](Self::indicator_weights).
    #[must_use]
    pub fn with_indicator_weights(
        mut self,
        indicator_weights: [[f64; PER_DIMENSION]; DIMENSIONS],
    ) -> Self {
        self.indicator_weights = indicator_weights;
        self
    }

    setters! {
        with_anchors => anchors: [[[f64; GRADES]; 2]; DIMENSIONS],
        with_likert_softening => likert_softening: f64,
        with_operator => operator: Operator,
        with_risky_share_targets => risky_share_targets: [f64; 5],
        with_drawdown_months => drawdown_months: usize,
    }
}

impl Default for SatisfactionConfig {
    fn default() -> Self {
        SatisfactionConfig {
            grades: GradeSet::default(),
            dimension_weights: DEFAULT_DIMENSION_WEIGHTS,
            indicator_weights: DEFAULT_INDICATOR_WEIGHTS,
            anchors: [
                [[0.0, 1.0, 2.0, 3.0, 5.0], [12.0, 6.0, 3.0, 1.0, 0.0]],
                [
                    [5.0, 4.0, 3.0, 2.0, 1.0],
                    [0.004, 0.008, 0.012, 0.016, 0.022],
                ],
                [[0.8, 0.6, 0.4, 0.2, 0.0], [7.0, 30.0, 60.0, 120.0, 240.0]],
                [
                    [0.03, 0.01, 0.0, -0.02, -0.05],
                    [1.25, 0.75, 0.0, -0.5, -1.0],
                ],
                [[0.0, 0.1, 0.2, 0.3, 0.45], [0.0, 0.05, 0.10, 0.20, 0.35]],
            ],
            likert_softening: 0.0,
            operator: Operator::WeightedAverage,
            risky_share_targets: [0.05, 0.15, 0.30, 0.45, 0.60],
            drawdown_months: 12,
        }
    }
}

impl SatisfactionConfig {
    /// Five grades; weights non-negative summing to 1; anchors strictly monotone;
    /// softening in `[0, 1)`; targets in `[0, 1]`; drawdown window of 1–600 months.
    pub fn validate(&self) -> Result<()> {
        self.grades.validate()?;
        check::same_len("grades", GRADES, self.grades.len())?;
        check::weights(
            "dimension_weights",
            &self.dimension_weights,
            super::WEIGHT_TOLERANCE,
        )?;
        for (d, w) in self.indicator_weights.iter().enumerate() {
            check::weights(
                &format!("indicator_weights[{d}]"),
                w,
                super::WEIGHT_TOLERANCE,
            )?;
        }
        for (d, pair) in self.anchors.iter().enumerate() {
            for (k, a) in pair.iter().enumerate() {
                validate_anchors(&format!("anchors[{d}][{k}]"), a, GRADES)?;
            }
        }
        check::in_range("likert_softening", self.likert_softening, 0.0, 1.0)?;
        if self.likert_softening >= 1.0 {
            return Err(Error::config("likert_softening", "must be < 1"));
        }
        for (i, &t) in self.risky_share_targets.iter().enumerate() {
            check::probability(&format!("risky_share_targets[{i}]"), t)?;
        }
        if !(1..=crate::client::MAX_HISTORY_MONTHS).contains(&self.drawdown_months) {
            return Err(Error::config("drawdown_months", "must lie in 1..=600"));
        }
        Ok(())
    }
}

/// What an evaluation rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Basis {
    /// Survey answers on all five dimensions plus behaviour.
    SurveyAndBehaviour,
    /// Survey answers on some dimensions plus behaviour.
    PartialSurvey,
    /// Behaviour only: no survey answers.
    BehaviourOnly,
    /// Survey votes only (a tally without client records).
    SurveyOnly,
}

/// The satisfaction of one client or group. Plain fixed-size data: evaluating a
/// client allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SatisfactionEvaluation {
    /// Overall B, normalised.
    pub b: [f64; GRADES],
    /// Index of the maximum-membership grade (ties to the better grade).
    pub grade: usize,
    /// Weighted-average score over the grade scores.
    pub score: f64,
    /// Effectiveness index of the maximum-membership principle (`+∞`, stored as JSON
    /// `null`, when only one grade has membership).
    #[serde(with = "super::hierarchy::infinite_as_null")]
    pub effectiveness: f64,
    /// Each dimension's B, normalised (all zero for a dimension with no evidence).
    pub dimension_b: [[f64; GRADES]; DIMENSIONS],
    /// Each dimension's score; `None` for a dimension with no evidence (a survey
    /// tally without votes on it).
    pub dimension_scores: [Option<f64>; DIMENSIONS],
    /// Each indicator's own score; `None` where the indicator is missing.
    pub indicator_scores: [[Option<f64>; PER_DIMENSION]; DIMENSIONS],
    /// The dimension with the lowest score.
    pub weakest_dimension: Dimension,
    /// What the evaluation rests on.
    pub basis: Basis,
    /// Dimensions with a survey answer (or, for a group, with at least one).
    pub survey_dimensions: u8,
}

impl SatisfactionEvaluation {
    /// Indicators of the weakest dimension scoring below that dimension's score,
    /// lowest first: what pulls it down.
    pub fn pulling_down(&self) -> Vec<Indicator> {
        let d = self.weakest_dimension.index();
        let scores = self.indicator_scores[d].map(|s| s.unwrap_or(f64::NAN));
        let Some(dimension_score) = self.dimension_scores[d] else {
            return Vec::new();
        };
        super::hierarchy::below(&scores, dimension_score)
            .into_iter()
            .map(|k| Indicator::ALL[d * PER_DIMENSION + k])
            .collect()
    }
}

/// A group's evaluation with its head counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GroupSatisfaction {
    /// The evaluation of the group's averaged membership rows.
    pub evaluation: SatisfactionEvaluation,
    /// Clients in the group.
    pub clients: usize,
    /// Clients who answered at least one survey dimension.
    pub respondents: usize,
}

/// Survey tallies: `votes[d][g]` respondents put dimension `d` in grade `g` (best first,
/// i.e. `g = 5 − answer`).
pub type SurveyVotes = [[u32; GRADES]; DIMENSIONS];

/// The satisfaction index: a validated [`SatisfactionConfig`] ready to evaluate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "crate::json::Strict<SatisfactionConfig>",
    into = "SatisfactionConfig"
)]
pub struct SatisfactionIndex {
    config: SatisfactionConfig,
    // Derived from `config` by `build`, so the per-client path divides as little as
    // possible: grade scores, anchor directions and reciprocal spans, and the weights
    // renormalised for every pattern of present indicators (bit k = indicator k) and
    // present dimensions (bit d); `None` where the present weights sum to 0.
    scores: [f64; GRADES],
    increasing: [[bool; 2]; DIMENSIONS],
    inv_spans: [[[f64; GRADES - 1]; 2]; DIMENSIONS],
    indicator_weights: [[Option<[f64; PER_DIMENSION]>; 1 << PER_DIMENSION]; DIMENSIONS],
    dimension_weights: [Option<[f64; DIMENSIONS]>; 1 << DIMENSIONS],
}

crate::json::strict_try_from!(SatisfactionIndex, SatisfactionConfig);

impl Default for SatisfactionIndex {
    fn default() -> Self {
        // The default configuration is valid (unit-tested).
        Self::build(SatisfactionConfig::default())
    }
}

/// `w` restricted to the bits of `mask` and rescaled to sum to 1.
fn renormalised<const N: usize>(w: &[f64; N], mask: usize) -> Option<[f64; N]> {
    let mut out = [0.0; N];
    for (k, (o, &x)) in out.iter_mut().zip(w).enumerate() {
        if mask & (1 << k) != 0 {
            *o = x;
        }
    }
    let s: f64 = out.iter().sum();
    if s <= 0.0 {
        return None;
    }
    out.iter_mut().for_each(|x| *x /= s);
    Some(out)
}

impl TryFrom<SatisfactionConfig> for SatisfactionIndex {
    type Error = Error;
    fn try_from(c: SatisfactionConfig) -> Result<Self> {
        SatisfactionIndex::new(c)
    }
}

impl From<SatisfactionIndex> for SatisfactionConfig {
    fn from(i: SatisfactionIndex) -> Self {
        i.config
    }
}

type Rows = [[[f64; GRADES]; PER_DIMENSION]; DIMENSIONS];
type Present = [[bool; PER_DIMENSION]; DIMENSIONS];

impl SatisfactionIndex {
    /// Validates `config`.
    pub fn new(config: SatisfactionConfig) -> Result<Self> {
        config.validate()?;
        Ok(Self::build(config))
    }

    /// Derives the lookup tables from a configuration already validated.
    fn build(config: SatisfactionConfig) -> Self {
        let mut scores = [0.0; GRADES];
        for (s, g) in scores.iter_mut().zip(config.grades.grades()) {
            *s = g.score;
        }
        let mut increasing = [[false; 2]; DIMENSIONS];
        let mut inv_spans = [[[0.0; GRADES - 1]; 2]; DIMENSIONS];
        for d in 0..DIMENSIONS {
            for k in 0..2 {
                let a = &config.anchors[d][k];
                increasing[d][k] = a[GRADES - 1] > a[0];
                for j in 0..GRADES - 1 {
                    inv_spans[d][k][j] = 1.0 / (a[j + 1] - a[j]);
                }
            }
        }
        let indicator_weights = std::array::from_fn(|d| {
            std::array::from_fn(|mask| renormalised(&config.indicator_weights[d], mask))
        });
        let dimension_weights =
            std::array::from_fn(|mask| renormalised(&config.dimension_weights, mask));
        SatisfactionIndex {
            config,
            scores,
            increasing,
            inv_spans,
            indicator_weights,
            dimension_weights,
        }
    }

    /// `matrix::anchors_row_into` for five grades, with the reciprocal spans precomputed.
    #[inline]
    fn anchors_row(&self, d: usize, k: usize, x: f64, out: &mut [f64; GRADES]) {
        let a = &self.config.anchors[d][k];
        let inv = &self.inv_spans[d][k];
        *out = [0.0; GRADES];
        let up = self.increasing[d][k];
        if (up && x <= a[0]) || (!up && x >= a[0]) {
            out[0] = 1.0;
            return;
        }
        for j in 0..GRADES - 1 {
            let hi = a[j + 1];
            if (up && x <= hi) || (!up && x >= hi) {
                let t = (x - a[j]) * inv[j];
                out[j] = 1.0 - t;
                out[j + 1] = t;
                return;
            }
        }
        out[GRADES - 1] = 1.0;
    }

    /// The configuration.
    pub fn config(&self) -> &SatisfactionConfig {
        &self.config
    }

    /// Name of grade `i`.
    pub fn grade_name(&self, i: usize) -> Option<&str> {
        self.config.grades.name(i)
    }

    /// The index as a general [`Hierarchy`] (same grades, weights and operator), for
    /// use with [`MembershipMatrix`](super::MembershipMatrix)es built by hand.
    pub fn hierarchy(&self) -> Hierarchy {
        Hierarchy {
            groups: Dimension::ALL
                .iter()
                .map(|d| FactorGroup {
                    name: d.name().to_string(),
                    indicators: d
                        .indicators()
                        .iter()
                        .map(|i| i.name().to_string())
                        .collect(),
                    weights: self.config.indicator_weights[d.index()].to_vec(),
                })
                .collect(),
            weights: self.config.dimension_weights.to_vec(),
            operator: self.config.operator,
            grades: self.config.grades.clone(),
        }
    }

    /// The ten behaviour indicator values of `client`, `[d][k]` for behaviour `k` of
    /// dimension `d`. Errors name a non-finite field.
    pub fn behaviour_values(&self, c: &ClientRecord) -> Result<[[f64; 2]; DIMENSIONS]> {
        let fin = |name: &'static str, v: f64| -> Result<f64> {
            if v.is_finite() {
                Ok(v)
            } else {
                Err(Error::NonFinite { field: name.into() })
            }
        };
        let aum = fin("aum", c.aum)?;
        let h = &c.holdings;
        let risky = fin("holdings.funds", h.funds)? + fin("holdings.alternatives", h.alternatives)?;
        let risky_share = if aum > 0.0 {
            (risky / aum).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let level = usize::from(c.risk_tolerance.level()).clamp(1, 5) - 1;
        let target = self.config.risky_share_targets[level];
        let window = c.aum_history.len().min(self.config.drawdown_months);
        let recent = &c.aum_history[c.aum_history.len() - window..];
        let (mut peak, mut bad) = (0.0f64, false);
        for &v in recent {
            bad |= !v.is_finite();
            peak = peak.max(v);
        }
        if bad {
            return Err(Error::NonFinite {
                field: "aum_history".into(),
            });
        }
        let current = recent.last().copied().unwrap_or(aum);
        let drawdown = if peak > 0.0 {
            (1.0 - current / peak).clamp(0.0, 1.0)
        } else {
            0.0
        };
        Ok([
            [
                f64::from(c.complaints_12m),
                f64::from(c.advisor_contacts_180d),
            ],
            [
                c.holdings.categories_held() as f64,
                fin("fee_rate", c.fee_rate)?,
            ],
            [
                fin("digital_share", c.digital_share)?,
                f64::from(c.days_since_last_activity),
            ],
            [
                fin("return_vs_benchmark_12m", c.return_vs_benchmark_12m)?,
                if c.dedicated_advisor { 1.0 } else { 0.0 },
            ],
            [(risky_share - target).abs(), drawdown],
        ])
    }

    fn client_rows(&self, c: &ClientRecord, rows: &mut Rows, present: &mut Present) -> Result<u8> {
        let values = self.behaviour_values(c)?;
        for d in 0..DIMENSIONS {
            for k in 0..2 {
                self.anchors_row(d, k, values[d][k], &mut rows[d][k + 1]);
                present[d][k + 1] = true;
            }
        }
        let answers = c.survey.map(|s| s.as_array()).unwrap_or([None; DIMENSIONS]);
        let mut answered = 0u8;
        for (d, ans) in answers.iter().enumerate() {
            match *ans {
                Some(a) if (1..=5).contains(&a) => {
                    likert_row_into(
                        usize::from(a),
                        self.config.likert_softening,
                        &mut rows[d][0],
                    );
                    present[d][0] = true;
                    answered += 1;
                }
                Some(a) => {
                    return Err(Error::invalid(
                        format!("survey.{}", SurveyAnswers::DIMENSIONS[d]),
                        a,
                        "must be a Likert answer 1..=5",
                    ));
                }
                None => present[d][0] = false,
            }
        }
        Ok(answered)
    }

    /// Evaluates one client. Allocates nothing unless it returns an error.
    pub fn evaluate(&self, client: &ClientRecord) -> Result<SatisfactionEvaluation> {
        let mut rows = [[[0.0; GRADES]; PER_DIMENSION]; DIMENSIONS];
        let mut present = [[false; PER_DIMENSION]; DIMENSIONS];
        let answered = self.client_rows(client, &mut rows, &mut present)?;
        let basis = match answered {
            0 => Basis::BehaviourOnly,
            5 => Basis::SurveyAndBehaviour,
            _ => Basis::PartialSurvey,
        };
        Ok(self.compose(&rows, &present, basis, answered))
    }

    /// Evaluates a group of clients: each indicator's membership rows are averaged over
    /// the clients who have it (for crisp survey answers, the vote shares), then
    /// composed as for one client.
    pub fn evaluate_group(&self, clients: &[ClientRecord]) -> Result<GroupSatisfaction> {
        check::non_empty("clients", clients)?;
        let mut acc = Accumulator::default();
        for (i, c) in clients.iter().enumerate() {
            acc.add(self, c)
                .map_err(|e| e.within(|f| format!("clients[{i}] ({}).{f}", c.id)))?;
        }
        Ok(acc.finish(self))
    }

    /// Evaluates a portfolio grouped by `key` (a tier, a branch, …) in one pass.
    ///
    /// ```
    /// use wealthscore::fuzzy::SatisfactionIndex;
    /// use wealthscore::ClientRecord;
    /// let mut a = ClientRecord::example();
    /// let mut b = ClientRecord::example();
    /// b.branch = Some("Beijing-Chaoyang".into());
    /// b.complaints_12m = 0;
    /// let by_branch = SatisfactionIndex::default()
    ///     .evaluate_portfolio(&[a, b], |c| c.branch.clone().unwrap_or_default())?;
    /// assert_eq!(by_branch.len(), 2);
    /// assert!(by_branch["Beijing-Chaoyang"].evaluation.score > by_branch["Shanghai-Pudong"].evaluation.score);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn evaluate_portfolio<K: Ord>(
        &self,
        clients: &[ClientRecord],
        key: impl Fn(&ClientRecord) -> K,
    ) -> Result<BTreeMap<K, GroupSatisfaction>> {
        let mut groups: BTreeMap<K, Accumulator> = BTreeMap::new();
        for (i, c) in clients.iter().enumerate() {
            groups
                .entry(key(c))
                .or_default()
                .add(self, c)
                .map_err(|e| e.within(|f| format!("clients[{i}] ({}).{f}", c.id)))?;
        }
        Ok(groups
            .into_iter()
            .map(|(k, a)| (k, a.finish(self)))
            .collect())
    }

    /// Evaluates survey tallies alone (no client records): each dimension's B is its
    /// vote shares. A dimension with no votes is left out and the dimension weights
    /// renormalised.
    ///
    /// ```
    /// use wealthscore::fuzzy::{SatisfactionIndex, Basis};
    /// let votes = [[10, 20, 5, 3, 2]; 5];
    /// let e = SatisfactionIndex::default().evaluate_votes(&votes)?;
    /// assert_eq!(e.basis, Basis::SurveyOnly);
    /// assert!((e.b[1] - 0.5).abs() < 1e-12);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn evaluate_votes(&self, votes: &SurveyVotes) -> Result<SatisfactionEvaluation> {
        let mut rows = [[[0.0; GRADES]; PER_DIMENSION]; DIMENSIONS];
        let mut present = [[false; PER_DIMENSION]; DIMENSIONS];
        let mut answered = 0u8;
        for (d, v) in votes.iter().enumerate() {
            let total: u64 = v.iter().map(|&x| u64::from(x)).sum();
            if total > 0 {
                for (r, &x) in rows[d][0].iter_mut().zip(v) {
                    *r = f64::from(x) / total as f64;
                }
                present[d][0] = true;
                answered += 1;
            }
        }
        if answered == 0 {
            return Err(Error::Empty {
                what: "survey votes".into(),
            });
        }
        Ok(self.compose(&rows, &present, Basis::SurveyOnly, answered))
    }

    /// Two-level composition over the present indicators; weights renormalised over
    /// what is present.
    fn compose(
        &self,
        rows: &Rows,
        present: &Present,
        basis: Basis,
        answered: u8,
    ) -> SatisfactionEvaluation {
        let op = self.config.operator;
        let mut dimension_b = [[0.0; GRADES]; DIMENSIONS];
        let mut dimension_scores = [None; DIMENSIONS];
        let mut indicator_scores = [[None; PER_DIMENSION]; DIMENSIONS];
        let mut dim_present = [false; DIMENSIONS];
        for d in 0..DIMENSIONS {
            let mut mask = 0;
            for (k, &p) in present[d].iter().enumerate() {
                mask |= usize::from(p) << k;
            }
            let Some(w) = self.indicator_weights[d][mask] else {
                continue;
            };
            for k in 0..PER_DIMENSION {
                if present[d][k] {
                    indicator_scores[d][k] = Some(dot(&rows[d][k], &self.scores));
                }
            }
            let mut b = compose_fixed(op, &w, &rows[d]);
            let total: f64 = b.iter().sum();
            if total <= 0.0 {
                continue;
            }
            rescale(&mut b, total);
            dimension_scores[d] = Some(dot(&b, &self.scores));
            dimension_b[d] = b;
            dim_present[d] = true;
        }
        let mut mask = 0;
        for (d, &p) in dim_present.iter().enumerate() {
            mask |= usize::from(p) << d;
        }
        let w = self.dimension_weights[mask].unwrap_or([0.0; DIMENSIONS]);
        let mut b = compose_fixed(op, &w, &dimension_b);
        let total: f64 = b.iter().sum();
        if total > 0.0 {
            rescale(&mut b, total);
        }
        let mut weakest = 0;
        let mut low = f64::INFINITY;
        for (d, sc) in dimension_scores.iter().enumerate() {
            if let Some(sc) = *sc
                && sc < low
            {
                low = sc;
                weakest = d;
            }
        }
        SatisfactionEvaluation {
            b,
            grade: max_membership(&b).unwrap_or(0),
            score: dot(&b, &self.scores),
            effectiveness: effectiveness_unchecked(&b),
            dimension_b,
            dimension_scores,
            indicator_scores,
            weakest_dimension: Dimension::ALL[weakest],
            basis,
            survey_dimensions: answered,
        }
    }
}

/// Divides `b` by its sum `total`, skipping the division when `total` is already 1 to
/// rounding (always so under M(·,⊕), whose B needs no rescaling).
#[inline]
fn rescale(b: &mut [f64; GRADES], total: f64) {
    if (total - 1.0).abs() > 1e-14 {
        let inv = 1.0 / total;
        b.iter_mut().for_each(|x| *x *= inv);
    }
}

#[inline]
fn dot(a: &[f64; GRADES], b: &[f64; GRADES]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[derive(Default)]
struct Accumulator {
    sums: Rows,
    counts: [[u64; PER_DIMENSION]; DIMENSIONS],
    clients: usize,
    respondents: usize,
}

impl Accumulator {
    fn add(&mut self, index: &SatisfactionIndex, c: &ClientRecord) -> Result<()> {
        let mut rows = [[[0.0; GRADES]; PER_DIMENSION]; DIMENSIONS];
        let mut present = [[false; PER_DIMENSION]; DIMENSIONS];
        let answered = index.client_rows(c, &mut rows, &mut present)?;
        for d in 0..DIMENSIONS {
            for k in 0..PER_DIMENSION {
                if present[d][k] {
                    self.counts[d][k] += 1;
                    for (s, r) in self.sums[d][k].iter_mut().zip(&rows[d][k]) {
                        *s += r;
                    }
                }
            }
        }
        self.clients += 1;
        if answered > 0 {
            self.respondents += 1;
        }
        Ok(())
    }

    fn finish(mut self, index: &SatisfactionIndex) -> GroupSatisfaction {
        let mut present = [[false; PER_DIMENSION]; DIMENSIONS];
        let mut answered = 0u8;
        for d in 0..DIMENSIONS {
            for k in 0..PER_DIMENSION {
                let n = self.counts[d][k];
                if n > 0 {
                    present[d][k] = true;
                    self.sums[d][k].iter_mut().for_each(|s| *s /= n as f64);
                }
            }
            if present[d][0] {
                answered += 1;
            }
        }
        let basis = match answered {
            0 => Basis::BehaviourOnly,
            5 => Basis::SurveyAndBehaviour,
            _ => Basis::PartialSurvey,
        };
        GroupSatisfaction {
            evaluation: index.compose(&self.sums, &present, basis, answered),
            clients: self.clients,
            respondents: self.respondents,
        }
    }
}

human_labels!(Basis {
    SurveyAndBehaviour => "survey and behaviour",
    PartialSurvey => "partial survey and behaviour",
    BehaviourOnly => "behaviour only",
    SurveyOnly => "survey only",
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzzy::{MembershipMatrix, Normalisation};

    #[test]
    fn default_config_is_valid_and_weights_sum_to_one() {
        SatisfactionConfig::default().validate().unwrap();
        let idx = SatisfactionIndex::new(SatisfactionConfig::default()).unwrap();
        assert_eq!(idx, SatisfactionIndex::default());
        let s: f64 = DEFAULT_DIMENSION_WEIGHTS.iter().sum();
        assert!((s - 1.0).abs() < 1e-12);
    }

    #[test]
    fn weights_satisfy_their_judgments() {
        // A w = λmax w for the principal eigenvector (closed-form check of the constants).
        let check = |m: &[&[f64]], w: &[f64], lambda: f64, tol: f64| {
            for (row, wi) in m.iter().zip(w) {
                let aw: f64 = row.iter().zip(w).map(|(a, x)| a * x).sum();
                assert!((aw - lambda * wi).abs() < tol, "{aw} vs {}", lambda * wi);
            }
        };
        let dm: Vec<&[f64]> = DIMENSION_JUDGMENTS.iter().map(|r| &r[..]).collect();
        check(&dm, &DEFAULT_DIMENSION_WEIGHTS, 5.013_262_878_4, 1e-9);
        let lambdas = [3.009_202_712_7, 3.009_202_712_7, 3.009_202_712_7, 3.0, 3.0];
        for d in 0..DIMENSIONS {
            let m: Vec<&[f64]> = INDICATOR_JUDGMENTS[d].iter().map(|r| &r[..]).collect();
            check(&m, &DEFAULT_INDICATOR_WEIGHTS[d], lambdas[d], 1e-9);
        }
    }

    #[test]
    fn fixed_path_equals_general_hierarchy() {
        let idx = SatisfactionIndex::default();
        let c = ClientRecord::example();
        let e = idx.evaluate(&c).unwrap();
        let mut rows = [[[0.0; GRADES]; PER_DIMENSION]; DIMENSIONS];
        let mut present = [[false; PER_DIMENSION]; DIMENSIONS];
        idx.client_rows(&c, &mut rows, &mut present).unwrap();
        let ms: Vec<MembershipMatrix> = rows
            .iter()
            .map(|r| {
                MembershipMatrix::from_rows(
                    &r.iter().map(|x| x.to_vec()).collect::<Vec<_>>(),
                    Normalisation::Require { tolerance: 1e-12 },
                )
                .unwrap()
            })
            .collect();
        let h = idx.hierarchy().evaluate(&ms).unwrap();
        for j in 0..GRADES {
            assert!((h.overall.b[j] - e.b[j]).abs() < 1e-12);
        }
        assert!((h.overall.score - e.score).abs() < 1e-9);
        assert_eq!(h.weakest_group, e.weakest_dimension.index());
        let pd: Vec<usize> = e.pulling_down().iter().map(|i| i.position()).collect();
        assert_eq!(h.pulling_down, pd);
    }

    #[test]
    fn fixed_anchor_rows_match_the_general_ones() {
        let idx = SatisfactionIndex::default();
        let mut fixed = [0.0; GRADES];
        let mut general = [0.0; GRADES];
        for d in 0..DIMENSIONS {
            for k in 0..2 {
                let a = idx.config.anchors[d][k];
                let (lo, hi) = (a[0].min(a[4]), a[0].max(a[4]));
                for i in -10..=110 {
                    let x = lo + (hi - lo) * f64::from(i) / 100.0;
                    idx.anchors_row(d, k, x, &mut fixed);
                    crate::fuzzy::matrix::anchors_row_into(&a, x, &mut general);
                    for (f, g) in fixed.iter().zip(general) {
                        assert!((f - g).abs() < 1e-12, "d={d} k={k} x={x}");
                    }
                }
            }
        }
    }

    #[test]
    fn weight_tables_renormalise() {
        let idx = SatisfactionIndex::default();
        let w = DEFAULT_INDICATOR_WEIGHTS[0];
        let only_behaviour = idx.indicator_weights[0][0b110].unwrap();
        assert!((only_behaviour[1] - w[1] / (w[1] + w[2])).abs() < 1e-15);
        assert_eq!(only_behaviour[0], 0.0);
        assert_eq!(idx.indicator_weights[0][0], None);
        assert_eq!(
            idx.dimension_weights[0b11111],
            Some(
                DEFAULT_DIMENSION_WEIGHTS
                    .map(|x| x / DEFAULT_DIMENSION_WEIGHTS.iter().sum::<f64>())
            )
        );
    }

    #[test]
    fn bad_survey_answer_is_named() {
        let mut c = ClientRecord::example();
        c.survey.as_mut().unwrap().product = Some(7);
        let err = SatisfactionIndex::default()
            .evaluate_group(&[c])
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { field, .. } if field.ends_with("survey.product"))
        );
    }
}
