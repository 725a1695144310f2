//! Fuzzy comprehensive evaluation (FCE) and the client satisfaction index.
//!
//! The pieces, in the order an evaluation uses them:
//! - [`Membership`]: membership functions with scikit-fuzzy's definitions;
//! - [`GradeSet`]: the ordered evaluation set V with grade scores;
//! - [`MembershipMatrix`]: R from vote counts, Likert answers or measured indicators,
//!   with an explicit [`Normalisation`];
//! - [`Operator`]: the composition `B = A ∘ R` (M(∧,∨), M(·,∨), M(∧,⊕), M(·,⊕));
//! - [`FuzzyEvaluation`]: B read as a maximum-membership grade, a weighted-average
//!   score and the effectiveness index of the maximum-membership principle;
//! - [`Hierarchy`]: indicators → dimensions → overall, each level with its weights;
//! - [`SatisfactionIndex`]: the five-dimension client satisfaction index over
//!   [`ClientRecord`](crate::ClientRecord)s, one client (allocation-free), a group, or a
//!   portfolio grouped by any key.
//!
//! ```
//! use wealthscore::fuzzy::{MembershipMatrix, Operator, FuzzyEvaluation, GradeSet};
//! use ndarray::array;
//! // Ten clients graded two aspects of a branch on the five satisfaction grades.
//! let r = MembershipMatrix::from_votes(&array![
//!     [3.0, 4.0, 2.0, 1.0, 0.0],
//!     [1.0, 2.0, 4.0, 2.0, 1.0],
//! ])?;
//! let b = r.compose_raw(&[0.7, 0.3], Operator::WeightedAverage)?;
//! let e = FuzzyEvaluation::from_raw(b, &GradeSet::default())?;
//! assert_eq!(e.grade_name(&GradeSet::default()), Some("satisfied"));
//! assert!((e.score - 81.3).abs() < 1e-9);
//! # Ok::<(), wealthscore::Error>(())
//! ```

mod compose;
mod grades;
mod hierarchy;
mod matrix;
mod membership;
mod satisfaction;

pub use compose::{
    Operator, WEIGHT_TOLERANCE, compose_into, effectiveness_index, max_membership, normalise,
    weighted_score,
};
pub use grades::{Grade, GradeSet, SATISFACTION_GRADES};
pub use hierarchy::{
    FactorGroup, FuzzyEvaluation, GroupEvaluation, Hierarchy, HierarchyEvaluation,
};
pub use matrix::{IndicatorScale, MembershipMatrix, Normalisation, ROW_SUM_TOLERANCE};
pub use membership::{Membership, Shape};
pub use satisfaction::{
    Basis, DEFAULT_DIMENSION_WEIGHTS, DEFAULT_INDICATOR_WEIGHTS, DIMENSION_JUDGMENTS, DIMENSIONS,
    Dimension, GRADES, GroupSatisfaction, INDICATOR_JUDGMENTS, Indicator, PER_DIMENSION,
    SatisfactionConfig, SatisfactionEvaluation, SatisfactionIndex, SurveyVotes,
};
