//! # wealthscore
//!
//! Client-churn analytics for wealth management and retail banking: tier clients, weigh
//! criteria with the Analytic Hierarchy Process, evaluate satisfaction by fuzzy
//! comprehensive evaluation, predict churn, raise early warnings, explain them and rank
//! retention actions.
//!
//! Modules follow the data flow: [`client`] records → features → segments, satisfaction
//! and churn → retention → scoring. Every fallible function returns [`Result`] with the
//! one [`Error`] type, whose variants name the field at fault.
//!
//! ```
//! use wealthscore::ClientRecord;
//! let client = ClientRecord::example();
//! client.validate()?;
//! # Ok::<(), wealthscore::Error>(())
//! ```
#![warn(missing_docs)]

pub mod ahp;
pub mod churn;
pub mod client;
pub mod error;
pub mod fuzzy;
pub mod metrics;
pub mod retention;
pub mod scorer;
pub mod segment;
pub mod synth;

pub use ahp::{PairwiseMatrix, Priorities, PriorityMethod};
pub use churn::lifetime::{BgNbd, GammaGamma, ShiftedBetaGeometric};
pub use churn::{ChurnModel, Classifier, Fit};
pub use client::{ChurnCause, ClientRecord};
pub use error::{Error, Result};
pub use metrics::{ChurnCost, CohortTable, PeriodFlow};
pub use scorer::{Assessment, PortfolioReport, Scorer, ScorerConfig};
pub use segment::{StrategyCatalogue, Tiering, TieringPolicy};

/// The README's code samples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
