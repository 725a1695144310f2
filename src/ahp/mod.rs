//! The Analytic Hierarchy Process: weights from pairwise judgments.
//!
//! * [`PairwiseMatrix`]: a validated positive reciprocal matrix, built from full rows or
//!   the upper triangle, optionally labelled.
//! * [`PriorityMethod`] → [`Priorities`]: principal eigenvector (certified to 1e-13 on
//!   λmax), row geometric mean or normalised column mean, each with λmax, CI and CR.
//! * [`RandomIndex`] tables (Saaty 1980 default, Saaty 2005, Alonso–Lamata 2006,
//!   Donegan–Dodd 1991) and [`ConsistencyConfig`] (threshold 0.10, or Saaty's 0.05 / 0.08
//!   for n = 3 / 4).
//! * [`Hierarchy`] → [`HierarchyResult`]: goal → criteria → sub-criteria → alternatives,
//!   local and global weights, each node's CR, a readable [`HierarchyResult::report`] and
//!   [`HierarchyResult::sensitivity`].
//! * Group decisions: [`aggregate_judgments`] (AIJ) and [`aggregate_priorities`] (AIP).
//! * [`IncompleteMatrix`]: Harker's method and the λmax-optimal completion; a disconnected
//!   comparison graph is an [`Error::Disconnected`](crate::Error::Disconnected).
//! * [`PairwiseMatrix::inconsistency`] and [`PairwiseMatrix::repair`].
//! * Size limits: [`MAX_ITEMS`] items per matrix, judgments within [`MAX_JUDGMENT`],
//!   [`MAX_REPAIR_ITEMS`] for repair and [`MAX_COMPLETION_ITEMS`] for the λmax-optimal
//!   completion (their cost grows as n⁶ and n⁴ per sweep); past a limit the call returns
//!   an error naming it instead of running for hours.
//! * Fuzzy AHP: [`FuzzyPairwiseMatrix`] with Buckley's and Chang's methods.
//! * [`sensitivity`]: how far one criterion's weight may move before the top alternative
//!   changes.
//!
//! ```
//! use wealthscore::ahp::{PairwiseMatrix, PriorityMethod};
//!
//! // Saaty (2008): relative consumption of drinks in the United States.
//! let drinks = PairwiseMatrix::from_rows(&[
//!     [1.0, 9.0, 5.0, 2.0, 1.0, 1.0, 0.5],
//!     [1.0 / 9.0, 1.0, 1.0 / 3.0, 1.0 / 9.0, 1.0 / 9.0, 1.0 / 9.0, 1.0 / 9.0],
//!     [0.2, 3.0, 1.0, 1.0 / 3.0, 0.25, 1.0 / 3.0, 1.0 / 9.0],
//!     [0.5, 9.0, 3.0, 1.0, 0.5, 1.0, 1.0 / 3.0],
//!     [1.0, 9.0, 4.0, 2.0, 1.0, 2.0, 0.5],
//!     [1.0, 9.0, 3.0, 1.0, 0.5, 1.0, 1.0 / 3.0],
//!     [2.0, 9.0, 9.0, 3.0, 2.0, 3.0, 1.0],
//! ])?
//! .with_labels(["coffee", "wine", "tea", "beer", "soda", "milk", "water"])?;
//! let p = drinks.priorities(PriorityMethod::Eigenvector)?;
//! assert!((p.weights[6] - 0.327).abs() < 5e-4); // water
//! assert!((p.lambda_max - 7.18).abs() < 5e-3);
//! assert!(p.acceptable);
//! # Ok::<(), wealthscore::Error>(())
//! ```

mod fuzzy;
mod group;
mod hierarchy;
mod incomplete;
mod matrix;
mod priority;
mod random_index;
mod repair;
mod sensitivity;

pub use fuzzy::{FuzzyPairwiseMatrix, FuzzyWeights, Tfn, possibility};
pub use group::{PriorityMean, aggregate_judgments, aggregate_priorities};
pub use hierarchy::{AlternativeJudgments, Hierarchy, HierarchyResult, NodeResult};
pub use incomplete::{
    Completion, CompletionMethod, FilledJudgment, IncompleteMatrix, MAX_COMPLETION_ITEMS,
};

pub use matrix::{
    MAX_ITEMS, MAX_JUDGMENT, OffScale, PairwiseMatrix, RECIPROCAL_TOLERANCE, SAATY_SCALE,
};
pub use priority::{Priorities, PriorityMethod};
pub use random_index::{ConsistencyConfig, RandomIndex};
pub use repair::{
    JudgmentChange, JudgmentError, MAX_REPAIR_ITEMS, Repair, RepairOptions, RepairStrategy,
};
pub use sensitivity::{Crossing, Sensitivity, sensitivity};
