//! Bring your own columns: a bank's data described as a [`Schema`] (types, roles,
//! missing-value policies, transforms, derived columns, warnings), read into a columnar
//! [`Table`], fitted into one [`FittedPipeline`] file, and assessed with reasons in the
//! data's own terms and ranked retention actions.
//!
//! The reference of every schema field, its default and an example is `docs/schema.md`.
//!
//! ```
//! use wealthscore::schema::{Schema, Table};
//!
//! let schema = Schema::from_json(r#"{
//!   "name": "demo",
//!   "columns": [
//!     {"name": "client", "type": "text", "role": "id"},
//!     {"name": "churned", "type": "boolean", "role": "label"},
//!     {"name": "tenure", "type": "integer", "unit": "months", "cause": "trust",
//!      "missing": "median", "missing_indicator": true},
//!     {"name": "plan", "type": "category", "cause": "product",
//!      "transform": {"one_hot": {"unseen": "ignore"}}}
//!   ]
//! }"#)?;
//! let csv = "client,plan,tenure,churned\nA,basic,3,yes\nB,premium,,no\nC,basic,40,no\n";
//! let table = Table::read_csv(csv.as_bytes(), &schema)?;
//! assert_eq!(table.n_rows(), 3);
//! assert!(table.row_errors().is_empty());
//! # Ok::<(), wealthscore::Error>(())
//! ```

#[cfg(feature = "arrow")]
mod arrow;
mod columnar;
#[cfg(feature = "parquet")]
pub mod parquet;
mod pipeline;
mod sources;
mod spec;
mod storage;
mod table;

use crate::client::ChurnCause;
use serde::{Deserialize, Serialize};

/// What the reasons, causes and actions need to know about one feature, whoever
/// produced it: its name, the source column it is summed back to, the churn cause, and
/// the label and unit a person reads.
///
/// ```
/// use wealthscore::schema::FeatureMeta;
/// let m = FeatureMeta::new("contract=One year", "contract");
/// assert_eq!(m.label, "contract");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FeatureMeta {
    /// The feature's name, e.g. `contract=One year` or `tenure=missing`.
    pub name: String,
    /// The column (or signal) its contribution is summed into for reasons.
    pub source: String,
    /// The churn cause it speaks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<ChurnCause>,
    /// What a person reads.
    pub label: String,
    /// Unit of the source's values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

impl FeatureMeta {
    /// A feature of a source, labelled by the source's name, with no cause or unit.
    pub fn new(name: impl Into<String>, source: impl Into<String>) -> Self {
        let source = source.into();
        FeatureMeta {
            name: name.into(),
            label: source.clone(),
            source,
            cause: None,
            unit: None,
        }
    }
}

pub use crate::churn::boost::Monotone;
pub use columnar::{AssessmentColumns, Outputs};
pub use pipeline::{
    ColumnReason, FitSummary, Fitted, FittedPipeline, ModelParams, OutOfTime, PipelineConfig,
    TOP_COLUMN_REASONS, TableAssessment, Transformed, out_of_time,
};
pub use sources::{N_CAUSES, SourceIndex};
pub use spec::{
    Bins, CellValue, Clip, ColumnSpec, ColumnType, CsvFormat, Derive, MAX_COLUMNS, MAX_LEVELS,
    MAX_WARNINGS, Meaning, Missing, MonthsSince, OneHot, Role, Schema, Transform, Unseen,
    ValueSpec, WarningRule,
};
pub use table::{Categories, Column, Table, Validity, Values};
