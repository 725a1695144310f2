//! The Analytic Hierarchy Process: weights from pairwise judgments.
//!
//! * [`PairwiseMatrix`]: a validated positive reciprocal matrix, built from full rows or
//!   the upper triangle, optionally labelled.
//! * [`PriorityMethod`] → [`Priorities`]: principal eigenvector (certified to 1e-13 on
//!   λmax), row geometric mean or normalised column mean, each with λmax, CI and CR.
//! * [`RandomIndex`] tables (Saaty 1980 default, Saaty 2005, Alonso–Lamata 2006,
//!   Donegan–Dodd 1991) and [`ConsistencyConfig`] (threshold 0.10, or Saaty's 0.05 / 0.08
//!   for n = 3 / 4).
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

mod matrix;
mod priority;
mod random_index;

pub use matrix::{OffScale, PairwiseMatrix, RECIPROCAL_TOLERANCE, SAATY_SCALE};
pub use priority::{Priorities, PriorityMethod};
pub use random_index::{ConsistencyConfig, RandomIndex};
