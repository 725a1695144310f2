//! The evaluation set V: ordered grades with scores.

use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// One grade of an evaluation set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// The grade's name, e.g. `very satisfied`.
    pub name: String,
    /// The score given to the grade in the weighted-average reading.
    pub score: f64,
}

/// An ordered evaluation set V, best grade first, with strictly decreasing scores.
///
/// The default is the five-grade satisfaction scale very satisfied, satisfied, neutral,
/// dissatisfied, very dissatisfied with scores 95, 85, 75, 65, 55 (the centres of the
/// usual 90–100, 80–90, … score bands); [`GradeSet::likert`] gives the same names with
/// scores 5…1.
///
/// ```
/// use wealthscore::fuzzy::GradeSet;
/// let v = GradeSet::default();
/// assert_eq!(v.len(), 5);
/// assert_eq!(v.scores(), vec![95.0, 85.0, 75.0, 65.0, 55.0]);
/// let custom = GradeSet::new(&[("good", 1.0), ("bad", 0.0)])?;
/// assert_eq!(custom.name(1), Some("bad"));
/// assert!(GradeSet::new(&[("good", 0.0), ("bad", 1.0)]).is_err());
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::json::Strict<Vec<Grade>>", into = "Vec<Grade>")]
pub struct GradeSet {
    grades: Vec<Grade>,
}

crate::json::strict_try_from!(GradeSet, Vec<Grade>);

/// Names of the default five satisfaction grades, best first.
pub const SATISFACTION_GRADES: [&str; 5] = [
    "very satisfied",
    "satisfied",
    "neutral",
    "dissatisfied",
    "very dissatisfied",
];

impl Default for GradeSet {
    fn default() -> Self {
        GradeSet {
            grades: SATISFACTION_GRADES
                .iter()
                .zip([95.0, 85.0, 75.0, 65.0, 55.0])
                .map(|(n, s)| Grade {
                    name: (*n).to_string(),
                    score: s,
                })
                .collect(),
        }
    }
}

impl TryFrom<Vec<Grade>> for GradeSet {
    type Error = Error;
    fn try_from(grades: Vec<Grade>) -> Result<Self> {
        let set = GradeSet { grades };
        set.validate()?;
        Ok(set)
    }
}

impl From<GradeSet> for Vec<Grade> {
    fn from(g: GradeSet) -> Self {
        g.grades
    }
}

impl GradeSet {
    /// A grade set from `(name, score)` pairs, best first.
    pub fn new(grades: &[(&str, f64)]) -> Result<Self> {
        Self::try_from(
            grades
                .iter()
                .map(|(n, s)| Grade {
                    name: (*n).to_string(),
                    score: *s,
                })
                .collect::<Vec<_>>(),
        )
    }

    /// The default five satisfaction grades scored 5, 4, 3, 2, 1.
    pub fn likert() -> Self {
        let mut g = Self::default();
        for (grade, s) in g.grades.iter_mut().zip([5.0, 4.0, 3.0, 2.0, 1.0]) {
            grade.score = s;
        }
        g
    }

    /// At least two grades, non-empty unique names, finite strictly decreasing scores.
    pub fn validate(&self) -> Result<()> {
        if self.grades.len() < 2 {
            return Err(Error::config("grades", "need at least two grades"));
        }
        for (i, g) in self.grades.iter().enumerate() {
            if g.name.trim().is_empty() {
                return Err(Error::config(
                    format!("grades[{i}].name"),
                    "must not be empty",
                ));
            }
            if self.grades[..i].iter().any(|h| h.name == g.name) {
                return Err(Error::config(
                    format!("grades[{i}].name"),
                    format!("`{}` appears twice", g.name),
                ));
            }
            check::finite(&format!("grades[{i}].score"), g.score)?;
            if i > 0 && g.score >= self.grades[i - 1].score {
                return Err(Error::config(
                    format!("grades[{i}].score"),
                    "scores must strictly decrease from the best grade to the worst",
                ));
            }
        }
        Ok(())
    }

    /// Number of grades.
    pub fn len(&self) -> usize {
        self.grades.len()
    }

    /// Always `false`: a valid set has at least two grades.
    pub fn is_empty(&self) -> bool {
        self.grades.is_empty()
    }

    /// The grades, best first.
    pub fn grades(&self) -> &[Grade] {
        &self.grades
    }

    /// Name of grade `i`, if it exists.
    pub fn name(&self, i: usize) -> Option<&str> {
        self.grades.get(i).map(|g| g.name.as_str())
    }

    /// The scores, best first.
    pub fn scores(&self) -> Vec<f64> {
        self.grades.iter().map(|g| g.score).collect()
    }
}
