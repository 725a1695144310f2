//! # wealthscore
//!
//! Client-churn analytics for wealth management and retail banking: tier clients, weigh
//! criteria with the Analytic Hierarchy Process, evaluate satisfaction by fuzzy
//! comprehensive evaluation, predict churn, raise early warnings, explain them and rank
//! retention actions.
//!
//! Modules follow the data flow:
//!
//! - [`client`]: the typed [`ClientRecord`], its validation, JSON and CSV;
//! - [`synth`]: seeded synthetic portfolios with a known churn mechanism;
//! - [`ahp`]: weights from pairwise judgments (used by [`fuzzy`] and [`segment`]);
//! - [`fuzzy`]: fuzzy comprehensive evaluation and the satisfaction index;
//! - [`segment`]: five-dimension tiering, service strategies, RFM, clusters;
//! - [`assoc`]: frequent itemsets, association rules and the next-best product to
//!   cross-sell;
//! - [`churn`]: feature schema, models, risk levels, reasons, evaluation, and
//!   [`churn::lifetime`] models that need no labels;
//! - [`metrics`]: churn and retention rates, churn cost, CLV, cohorts;
//! - [`retention`]: actions ranked by expected value saved, budget allocation;
//! - [`campaign`]: did the action work? Campaign logs, measured effects with intervals,
//!   uplift models and Qini evaluation, fed back to the action catalogue;
//! - [`scorer`]: one [`Scorer`] call from a record to an [`Assessment`], and batches.
//! - [`schema`]: bring your own columns: a schema file, a columnar table, a fitted
//!   pipeline and assessments in the data's own terms (reference: `docs/schema.md`).
//!
//! Every fallible function returns [`Result`] with the one [`Error`] type, whose variants
//! name the field at fault.
//!
//! Public enums and the structs that will grow (configurations, parameters, records,
//! assessments, reports) are `#[non_exhaustive]`, so that adding a variant or a field is
//! not a breaking change. Build them from [`Default`] or a constructor and the `with_`
//! methods; a struct expression does not compile outside the crate:
//!
//! ```compile_fail
//! let cfg = wealthscore::synth::PortfolioConfig { clients: 10, ..Default::default() };
//! ```
//!
//! ```
//! let cfg = wealthscore::synth::PortfolioConfig::default().with_clients(10).with_seed(7);
//! # assert_eq!(cfg.clients, 10);
//! ```
//!
//! ```
//! use wealthscore::{ClientRecord, Scorer, ScorerConfig};
//! use wealthscore::churn::{ChurnModel, scorecard::Scorecard};
//!
//! // The rule-based scorecard needs no training.
//! let scorer = Scorer::new(ScorerConfig::with_model(ChurnModel::Scorecard(Scorecard::default())))?;
//! let a = scorer.assess(&ClientRecord::example())?;
//! assert!(a.risk_level.is_alert());
//! # Ok::<(), wealthscore::Error>(())
//! ```
#![warn(missing_docs)]

/// Builder-style setters `with_x(mut self, x) -> Self` for plain fields, written once:
/// configuration types are `#[non_exhaustive]`, so callers outside the crate start from a
/// constructor or `Default` and set what they need with these.
macro_rules! setters {
    ($($name:ident => $field:ident: $ty:ty),* $(,)?) => {
        $(
            #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ").")]
            #[must_use]
            pub fn $name(mut self, $field: $ty) -> Self {
                self.$field = $field;
                self
            }
        )*
    };
}

/// `label()` and `Display` for an enum: the words a person reads in descriptions and
/// reports, rather than the Rust variant name.
macro_rules! human_labels {
    ($t:ident { $($v:ident => $l:literal),* $(,)? }) => {
        impl $t {
            /// What a person reads, e.g. in [`crate::Scorer::describe`] and
            /// [`crate::PortfolioReport`]'s text; also its `Display`.
            pub fn label(self) -> &'static str {
                match self {
                    $($t::$v => $l),*
                }
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

pub mod ahp;
pub mod assoc;
pub mod campaign;
pub mod churn;
pub mod client;
mod csvlines;
pub mod error;
mod fastmath;
mod fresh;
pub mod fuzzy;
pub mod json;
pub mod metrics;
pub mod report;
pub mod retention;
pub mod schema;
pub mod scorer;
pub mod segment;
pub mod synth;

pub use ahp::{PairwiseMatrix, Priorities, PriorityMethod};
pub use campaign::{CampaignLog, EffectTable};
pub use churn::lifetime::{BgNbd, GammaGamma, ShiftedBetaGeometric};
pub use churn::{ChurnModel, Classifier, Fit};
pub use client::{ChurnCause, ClientRecord};
pub use error::{Error, ErrorSource, Result};
pub use metrics::{ChurnCost, CohortTable, PeriodFlow};
/// The `ndarray` version of the public signatures (`Array2`, `ArrayView1`, …), so callers
/// need not pin a matching version themselves.
pub use ndarray;
/// The Parquet crate of the `parquet` feature.
#[cfg(feature = "parquet")]
pub use parquet;
pub use scorer::{Assessment, PortfolioReport, Scorer, ScorerConfig};
pub use segment::{StrategyCatalogue, Tiering, TieringPolicy};
/// The Arrow crates of the `arrow` feature, so callers build batches with the same version.
#[cfg(feature = "arrow")]
pub use {arrow_array, arrow_schema};

/// The schema reference's code samples, compiled and run as doc tests.
#[doc = include_str!("../docs/schema.md")]
#[cfg(doctest)]
pub struct SchemaDocDoctests;

/// The README's code samples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
