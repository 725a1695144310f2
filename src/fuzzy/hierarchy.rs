//! Reading a grade vector, and multi-level evaluation: indicators → groups → overall.

use super::compose::{Operator, compose_into, effectiveness_unchecked, max_membership, normalise};
use super::grades::GradeSet;
use super::matrix::MembershipMatrix;
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// A grade vector B read three ways.
///
/// ```
/// use wealthscore::fuzzy::{FuzzyEvaluation, GradeSet};
/// let e = FuzzyEvaluation::from_raw(vec![0.1, 0.5, 0.2, 0.1, 0.1], &GradeSet::default())?;
/// assert_eq!(e.grade_name(&GradeSet::default()), Some("satisfied"));
/// assert!((e.score - 79.0).abs() < 1e-12);
/// assert!((e.effectiveness - 0.9375).abs() < 1e-12); // (5·0.5 − 1) / (2·0.2·4): fairly effective
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FuzzyEvaluation {
    /// B before normalisation, as the operator produced it.
    pub raw: Vec<f64>,
    /// B normalised to sum to 1.
    pub b: Vec<f64>,
    /// Index of the maximum-membership grade (ties to the better grade).
    pub grade: usize,
    /// Weighted-average score `Σ b_j s_j`.
    pub score: f64,
    /// Effectiveness index of the maximum-membership principle; see
    /// [`effectiveness_index`](super::effectiveness_index). `+∞` is stored as JSON `null`.
    #[serde(with = "infinite_as_null")]
    pub effectiveness: f64,
}

impl FuzzyEvaluation {
    /// Reads a raw B against `grades`.
    pub fn from_raw(raw: Vec<f64>, grades: &GradeSet) -> Result<Self> {
        check::same_len("B vs grades", grades.len(), raw.len())?;
        let mut b = raw.clone();
        normalise(&mut b)?;
        let grade = max_membership(&b).ok_or_else(|| Error::Empty { what: "B".into() })?;
        let score = b
            .iter()
            .zip(grades.grades())
            .map(|(x, g)| x * g.score)
            .sum();
        let effectiveness = effectiveness_unchecked(&b);
        Ok(FuzzyEvaluation {
            raw,
            b,
            grade,
            score,
            effectiveness,
        })
    }

    /// Name of the maximum-membership grade.
    pub fn grade_name<'a>(&self, grades: &'a GradeSet) -> Option<&'a str> {
        grades.name(self.grade)
    }
}

/// A group of indicators (a dimension) with its own weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FactorGroup {
    /// The group's name, e.g. `service quality`.
    pub name: String,
    /// Its indicators' names, in the row order of its membership matrix.
    pub indicators: Vec<String>,
    /// Indicator weights, summing to 1.
    pub weights: Vec<f64>,
}

impl FactorGroup {
    /// A group named `name` of indicators with their weights (checked when the
    /// [`Hierarchy`] is validated).
    ///
    /// ```
    /// use wealthscore::fuzzy::FactorGroup;
    /// let g = FactorGroup::new("service", ["speed", "care"], vec![0.6, 0.4]);
    /// assert_eq!(g.indicators, ["speed", "care"]);
    /// ```
    pub fn new<I, S>(name: impl Into<String>, indicators: I, weights: Vec<f64>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        FactorGroup {
            name: name.into(),
            indicators: indicators.into_iter().map(Into::into).collect(),
            weights,
        }
    }
}

/// A two-level evaluation: each group's R is composed with the group's weights into a
/// group B; the group Bs (normalised) form the R of the upper level, composed with the
/// group weights into the overall B. Weights may come from an AHP hierarchy: pass its
/// local priorities.
///
/// ```
/// use wealthscore::fuzzy::{FactorGroup, Hierarchy, MembershipMatrix, Operator, GradeSet};
/// use ndarray::array;
/// let groups = vec![
///     FactorGroup::new("service", ["speed", "care"], vec![0.5, 0.5]),
///     FactorGroup::new("product", ["fit"], vec![1.0]),
/// ];
/// let h = Hierarchy::new(groups, vec![0.6, 0.4])
///     .with_operator(Operator::WeightedAverage)
///     .with_grades(GradeSet::new(&[("good", 90.0), ("fair", 70.0), ("poor", 50.0)])?);
/// let rs = [
///     MembershipMatrix::from_votes(&array![[6.0, 3.0, 1.0], [2.0, 4.0, 4.0]])?,
///     MembershipMatrix::from_votes(&array![[7.0, 2.0, 1.0]])?,
/// ];
/// let e = h.evaluate(&rs)?;
/// assert_eq!(e.groups[e.weakest_group].name, "service");
/// assert_eq!(e.pulling_down, vec![1]); // "care" pulls service down
/// assert!((e.overall.b.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Hierarchy {
    /// The groups (dimensions).
    pub groups: Vec<FactorGroup>,
    /// Group weights, summing to 1.
    pub weights: Vec<f64>,
    /// Operator used at both levels.
    pub operator: Operator,
    /// The evaluation set.
    pub grades: GradeSet,
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl Hierarchy {
    setters! {
        with_operator => operator: Operator,
        with_grades => grades: GradeSet,
    }
}

/// One group's result inside a [`HierarchyEvaluation`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GroupEvaluation {
    /// The group's name.
    pub name: String,
    /// The group's grade vector read.
    pub evaluation: FuzzyEvaluation,
    /// Each indicator's own score (its row of R read as a grade vector).
    pub indicator_scores: Vec<f64>,
}

/// The result of [`Hierarchy::evaluate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct HierarchyEvaluation {
    /// The overall grade vector read.
    pub overall: FuzzyEvaluation,
    /// One entry per group, in the hierarchy's order.
    pub groups: Vec<GroupEvaluation>,
    /// Index of the group with the lowest score.
    pub weakest_group: usize,
    /// Indicators of the weakest group scoring below that group's score, lowest first.
    pub pulling_down: Vec<usize>,
}

impl Hierarchy {
    /// Groups with their weights, the default operator M(·,⊕) and the default five-grade
    /// set; change them with [`Hierarchy::with_operator`] and [`Hierarchy::with_grades`].
    pub fn new(groups: Vec<FactorGroup>, weights: Vec<f64>) -> Self {
        Hierarchy {
            groups,
            weights,
            operator: Operator::default(),
            grades: GradeSet::default(),
        }
    }

    /// Checks weights, names and sizes.
    pub fn validate(&self) -> Result<()> {
        self.grades.validate()?;
        check::non_empty("groups", &self.groups)?;
        check::same_len(
            "group weights vs groups",
            self.groups.len(),
            self.weights.len(),
        )?;
        check::weights("weights", &self.weights, super::WEIGHT_TOLERANCE)?;
        for (g, group) in self.groups.iter().enumerate() {
            check::same_len(
                &format!("groups[{g}].weights vs indicators"),
                group.indicators.len(),
                group.weights.len(),
            )?;
            check::weights(
                &format!("groups[{g}].weights"),
                &group.weights,
                super::WEIGHT_TOLERANCE,
            )?;
        }
        Ok(())
    }

    /// Evaluates with one membership matrix per group (rows = that group's indicators).
    pub fn evaluate(&self, matrices: &[MembershipMatrix]) -> Result<HierarchyEvaluation> {
        self.validate()?;
        check::same_len(
            "membership matrices vs groups",
            self.groups.len(),
            matrices.len(),
        )?;
        let n = self.grades.len();
        let scores = self.grades.scores();
        let mut upper = Vec::with_capacity(self.groups.len() * n);
        let mut groups = Vec::with_capacity(self.groups.len());
        for (g, (group, r)) in self.groups.iter().zip(matrices).enumerate() {
            check::same_len(&format!("groups[{g}] R columns vs grades"), n, r.grades())?;
            check::same_len(
                &format!("groups[{g}] R rows vs indicators"),
                group.indicators.len(),
                r.factors(),
            )?;
            let raw = r.compose_raw(&group.weights, self.operator)?;
            let evaluation = FuzzyEvaluation::from_raw(raw, &self.grades)?;
            upper.extend_from_slice(&evaluation.b);
            let mut indicator_scores = Vec::with_capacity(r.factors());
            for row in r.as_array().rows() {
                let s = row.sum();
                let v = if s > 0.0 {
                    row.iter().zip(&scores).map(|(x, sc)| x * sc).sum::<f64>() / s
                } else {
                    f64::NAN
                };
                indicator_scores.push(v);
            }
            groups.push(GroupEvaluation {
                name: group.name.clone(),
                evaluation,
                indicator_scores,
            });
        }
        let mut raw = vec![0.0; n];
        compose_into(self.operator, &self.weights, &upper, &mut raw)?;
        let overall = FuzzyEvaluation::from_raw(raw, &self.grades)?;
        let weakest_group = weakest(groups.iter().map(|g| g.evaluation.score));
        let pulling_down = groups
            .get(weakest_group)
            .map(|g| below(&g.indicator_scores, g.evaluation.score))
            .unwrap_or_default();
        Ok(HierarchyEvaluation {
            overall,
            groups,
            weakest_group,
            pulling_down,
        })
    }
}

/// Index of the smallest value (first on ties).
pub(crate) fn weakest(scores: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::INFINITY);
    for (i, s) in scores.enumerate() {
        if s < best.1 {
            best = (i, s);
        }
    }
    best.0
}

/// Indices of `scores` strictly below `threshold`, lowest first (NaN ignored).
pub(crate) fn below(scores: &[f64], threshold: f64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..scores.len())
        .filter(|&i| scores[i] < threshold - 1e-12)
        .collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    idx
}

/// Serde for a non-negative score that may be `+∞`: JSON has no infinity, so `+∞` is
/// written as `null` and read back from it.
pub(crate) mod infinite_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_infinite() {
            s.serialize_none()
        } else {
            s.serialize_some(v)
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
    }
}
