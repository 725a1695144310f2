//! The schema as data: columns, types, roles, missing-value policies, transforms, derived
//! columns and warnings. See the [module docs](super) and `docs/schema.md` for the
//! reference of every field.

use crate::churn::boost::Monotone;
use crate::client::{ChurnCause, parse_iso_date};
use crate::error::{Error, Result, check};
use serde::{Deserialize, Deserializer, Serialize};

/// Most columns a schema may declare.
pub const MAX_COLUMNS: usize = 10_000;
/// Most warning rules a schema may declare (they are reported as a 64-bit set).
pub const MAX_WARNINGS: usize = 64;
/// Most levels a category may have at fit time (more usually means an id column).
pub const MAX_LEVELS: usize = 1_000;

/// A bank's columns and what each means; plain serde data, validated by
/// [`Schema::from_json`] and [`Schema::validate`].
///
/// ```
/// use wealthscore::schema::Schema;
/// let s = Schema::from_json(r#"{
///   "columns": [
///     {"name": "client", "type": "text", "role": "id"},
///     {"name": "left", "type": "boolean", "role": "label"},
///     {"name": "calls", "type": "integer", "cause": "service", "unit": "calls"},
///     {"name": "plan", "type": "category", "transform": {"one_hot": {"unseen": "ignore"}}}
///   ]
/// }"#)?;
/// assert_eq!(s.label_column().map(|c| c.name.as_str()), Some("left"));
/// assert_eq!(s.hash().len(), 16);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Schema {
    /// A name for the data set, shown in messages (default empty).
    #[serde(default)]
    pub name: String,
    /// The columns, in any order (the data's order does not matter).
    pub columns: Vec<ColumnSpec>,
    /// Cell texts that mean "missing" besides the empty cell (default none; cells are
    /// trimmed first, so a cell of spaces is empty).
    #[serde(default)]
    pub missing_values: Vec<String>,
    /// Early-warning rules on the schema's columns (default none).
    #[serde(default)]
    pub warnings: Vec<WarningRule>,
    /// Assumptions for client value (default: discount rate 0.08, no margin rate).
    #[serde(default)]
    pub value: ValueSpec,
    /// How CSV files are written: delimiter, decimal and thousands separators (default
    /// `,` and `.`, as most exports; `{"delimiter": ";", "decimal": ","}` for the usual
    /// continental European spreadsheet export).
    #[serde(default, skip_serializing_if = "CsvFormat::is_default")]
    pub csv: CsvFormat,
}

/// How a CSV file is written (see [`Schema::csv`]).
///
/// ```
/// use wealthscore::schema::{Schema, Table};
/// let schema = Schema::from_json(r#"{"csv": {"delimiter": ";", "decimal": ",", "thousands": "."},
///   "columns": [{"name": "balance", "type": "number"}]}"#)?;
/// let t = Table::read_csv("balance\n1.234,5\n".as_bytes(), &schema)?;
/// assert_eq!(t.column("balance").and_then(|c| c.number(0)), Some(1234.5));
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct CsvFormat {
    /// Field delimiter, one ASCII character (default `,`).
    pub delimiter: char,
    /// Decimal separator of numbers, `.` or `,` (default `.`).
    pub decimal: char,
    /// Thousands separator to ignore inside numbers, if the file has one (default none).
    pub thousands: Option<char>,
}

impl Default for CsvFormat {
    fn default() -> Self {
        CsvFormat {
            delimiter: ',',
            decimal: '.',
            thousands: None,
        }
    }
}

impl CsvFormat {
    fn is_default(&self) -> bool {
        *self == CsvFormat::default()
    }

    /// Checks the separators are ASCII, distinct and sensible.
    pub fn validate(&self) -> Result<()> {
        if !self.delimiter.is_ascii() || matches!(self.delimiter, '"' | '\n' | '\r') {
            return Err(Error::config(
                "csv.delimiter",
                format!(
                    "`{}` cannot separate fields; use one ASCII character such as , ; | or a tab",
                    self.delimiter
                ),
            ));
        }
        if !matches!(self.decimal, '.' | ',') {
            return Err(Error::config("csv.decimal", "must be `.` or `,`"));
        }
        if self.decimal == self.delimiter {
            return Err(Error::config(
                "csv.decimal",
                "equals the delimiter; with a decimal comma use `;` as the delimiter",
            ));
        }
        if let Some(t) = self.thousands
            && (t == self.decimal
                || t == self.delimiter
                || !matches!(t, '.' | ',' | ' ' | '\'' | '_'))
        {
            return Err(Error::config(
                "csv.thousands",
                "must be one of . , space ' or _, and differ from the decimal and the delimiter",
            ));
        }
        Ok(())
    }

    /// The number in a trimmed cell written this way, as Rust reads it.
    pub(crate) fn normalise<'a>(&self, cell: &'a str) -> std::borrow::Cow<'a, str> {
        if self.decimal == '.' && self.thousands.is_none() {
            return std::borrow::Cow::Borrowed(cell);
        }
        let mut out = String::with_capacity(cell.len());
        for ch in cell.chars() {
            if Some(ch) == self.thousands {
                continue;
            }
            out.push(if ch == self.decimal { '.' } else { ch });
        }
        std::borrow::Cow::Owned(out)
    }
}

/// One column of a [`Schema`].
///
/// ```
/// use wealthscore::schema::{ColumnSpec, ColumnType, Missing, Transform};
/// let c = ColumnSpec::new("tenure", ColumnType::Integer)
///     .with_missing(Missing::Median)
///     .with_transform(vec![Transform::Log1p])
///     .with_unit("months");
/// assert_eq!(c.display_label(), "tenure");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ColumnSpec {
    /// The header of the column in the data (matched exactly, else case-insensitively
    /// when that is unambiguous). For a derived column, its new name.
    pub name: String,
    /// The cell type.
    #[serde(rename = "type")]
    pub kind: ColumnType,
    /// What the column is for (default `feature`).
    #[serde(default)]
    pub role: Role,
    /// A business meaning the other modules understand (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meaning: Option<Meaning>,
    /// Known levels of a category, in order (default: learnt at fit, sorted). Cells outside
    /// them are row errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<String>>,
    /// What to do with a missing cell (default `reject`).
    #[serde(default)]
    pub missing: Missing,
    /// Add a 0/1 feature `NAME=missing` that is 1 where the cell was missing (default false).
    #[serde(default)]
    pub missing_indicator: bool,
    /// Transforms applied in order; one object or a list (default: none for numbers,
    /// `one_hot` for categories).
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub transform: Vec<Transform>,
    /// The churn cause this column speaks for, used to choose retention actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<ChurnCause>,
    /// What a relationship manager reads (default: the name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Unit shown after values in reasons, e.g. `months` (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Compute this column from others instead of reading it (default: read it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derive: Option<Derive>,
    /// `"increasing"`: a higher value never lowers the churn probability (`"decreasing"`:
    /// never raises it). Numeric features encoded as a value only (no `bins`). The boosted
    /// model enforces it, `auto` then chooses among boosted candidates only, a logistic
    /// fit fails when its coefficient has the other sign, and a forest refuses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monotone: Option<Monotone>,
    /// Boolean columns: further spellings read as true, e.g. `["Attrited Customer"]`
    /// (matched after trimming, ignoring case; as pandas' `true_values`). Both lists, when
    /// given, are tried before the built-in yes/no, true/false, 1/0 spellings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub true_values: Vec<String>,
    /// Boolean columns: further spellings read as false, e.g. `["Existing Customer"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub false_values: Vec<String>,
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<Transform>, D::Error> {
    // One step or a list of steps; parsed through a value so the inner error is kept.
    let v = serde_json::Value::deserialize(d)?;
    if v.is_array() {
        serde_json::from_value(v).map_err(serde::de::Error::custom)
    } else {
        serde_json::from_value(v)
            .map(|t| vec![t])
            .map_err(serde::de::Error::custom)
    }
}

impl ColumnSpec {
    /// A feature column with every other field at its default.
    pub fn new(name: impl Into<String>, kind: ColumnType) -> Self {
        ColumnSpec {
            name: name.into(),
            kind,
            role: Role::Feature,
            meaning: None,
            levels: None,
            missing: Missing::Reject,
            missing_indicator: false,
            transform: Vec::new(),
            cause: None,
            label: None,
            unit: None,
            derive: None,
            monotone: None,
            true_values: Vec::new(),
            false_values: Vec::new(),
        }
    }
    /// Sets the role.
    pub fn with_role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }
    /// Sets the business meaning.
    pub fn with_meaning(mut self, meaning: Meaning) -> Self {
        self.meaning = Some(meaning);
        self
    }
    /// Sets the known levels of a category.
    pub fn with_levels(mut self, levels: Vec<String>) -> Self {
        self.levels = Some(levels);
        self
    }
    /// Sets the missing-value policy.
    pub fn with_missing(mut self, missing: Missing) -> Self {
        self.missing = missing;
        self
    }
    /// Adds a was-missing indicator.
    pub fn with_missing_indicator(mut self, on: bool) -> Self {
        self.missing_indicator = on;
        self
    }
    /// Sets the transforms.
    pub fn with_transform(mut self, transform: Vec<Transform>) -> Self {
        self.transform = transform;
        self
    }
    /// Sets the churn cause.
    pub fn with_cause(mut self, cause: ChurnCause) -> Self {
        self.cause = Some(cause);
        self
    }
    /// Sets the human label.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    /// Sets the unit.
    pub fn with_unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }
    /// Makes the column derived.
    pub fn with_derive(mut self, derive: Derive) -> Self {
        self.derive = Some(derive);
        self
    }
    /// Sets the further spellings of true and false of a boolean column (see
    /// [`ColumnSpec::true_values`]).
    pub fn with_flag_values(mut self, true_values: Vec<String>, false_values: Vec<String>) -> Self {
        self.true_values = true_values;
        self.false_values = false_values;
        self
    }

    /// Reads a trimmed boolean cell: the column's own spellings first, then the built-in
    /// ones.
    pub(crate) fn parse_flag(&self, cell: &str) -> Option<bool> {
        let is = |list: &[String]| list.iter().any(|v| v.trim().eq_ignore_ascii_case(cell));
        if is(&self.true_values) {
            Some(true)
        } else if is(&self.false_values) {
            Some(false)
        } else {
            super::table::parse_bool(cell)
        }
    }

    /// What a boolean cell of this column may be, for errors.
    pub(crate) fn flag_spellings(&self) -> String {
        if self.true_values.is_empty() && self.false_values.is_empty() {
            return "is not yes/no, y/n, true/false, t/f or 1/0; for other spellings, list \
                    them in the column's true_values and false_values"
                .into();
        }
        format!(
            "is not one of true_values {:?}, false_values {:?}, yes/no, true/false or 1/0",
            self.true_values, self.false_values
        )
    }

    /// Declares a monotone constraint (see [`ColumnSpec::monotone`]).
    pub fn with_monotone(mut self, monotone: Monotone) -> Self {
        self.monotone = Some(monotone);
        self
    }
    /// The label, or the name when none is set.
    pub fn display_label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
    /// Whether the column is read from the data (not derived).
    pub fn is_read(&self) -> bool {
        self.derive.is_none()
    }
    /// The transforms in effect: a category without transforms is one-hot encoded.
    pub fn effective_transform(&self) -> Vec<Transform> {
        if self.transform.is_empty() && self.kind == ColumnType::Category {
            vec![Transform::OneHot(OneHot::default())]
        } else {
            self.transform.clone()
        }
    }
}

/// The type of a column's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[non_exhaustive]
pub enum ColumnType {
    /// A finite decimal number (`1.5`, `-3e4`).
    Number,
    /// A whole number (`3`, also `3.0`).
    Integer,
    /// Yes/no: `true/false`, `yes/no`, `y/n`, `t/f`, `1/0`, any case.
    Boolean,
    /// A level from a set (text).
    Category,
    /// A date `YYYY-MM-DD`.
    Date,
    /// Free text; only for the `id` and `info` roles.
    Text,
}

impl ColumnType {
    /// The name used in schema files.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Number => "number",
            ColumnType::Integer => "integer",
            ColumnType::Boolean => "boolean",
            ColumnType::Category => "category",
            ColumnType::Date => "date",
            ColumnType::Text => "text",
        }
    }
    /// Whether cells are numbers once parsed (number, integer, boolean as 0/1).
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ColumnType::Number | ColumnType::Integer | ColumnType::Boolean
        )
    }
}

/// What a column is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// An input of the model (the default).
    #[default]
    Feature,
    /// The client's identifier (at most one), shown in call lists.
    Id,
    /// The churn label (at most one; boolean): needed to fit, optional when scoring.
    Label,
    /// Read and kept for warnings, derived columns and business meanings, not a model input.
    Info,
}

/// A value's name as the schema file spells it (`aum`, not `Aum`).
fn wire(v: &impl Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A business meaning the assessment understands; a column may carry one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[non_exhaustive]
pub enum Meaning {
    /// Assets under management (or balance): asset tier and client value.
    Aum,
    /// Annual margin or fee as a share of AUM (`0.01` = 1 %): client value.
    MarginRate,
    /// Annual margin earned on the client, in money: client value.
    AnnualMargin,
    /// Monthly revenue from the client (×12 × `value.revenue_margin` = annual margin).
    MonthlyRevenue,
    /// Months as a client.
    TenureMonths,
    /// Age in years.
    Age,
    /// Count of transactions or interactions.
    ActivityCount,
    /// A survey answer.
    Survey,
    /// Whether the client has a dedicated relationship manager (boolean): that action is
    /// then not recommended.
    DedicatedAdvisor,
    /// The date the row describes (its snapshot or observation date; a `date` column, at
    /// most one): out-of-time splits ([`crate::schema::out_of_time`]) and the model
    /// card's training period read it.
    AsOf,
}

/// What to do with a missing cell (empty, or one of [`Schema::missing_values`]).
///
/// In JSON: `"reject"`, `"median"`, `"mode"` or `{"constant": VALUE}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[non_exhaustive]
pub enum Missing {
    /// The row is an error naming the column (the default).
    #[default]
    Reject,
    /// Use this value (a number for numeric columns, a level for categories, a date
    /// `YYYY-MM-DD` for dates, `true`/`false` or 0/1 for booleans).
    Constant(CellValue),
    /// The median of the training values (numeric and date columns).
    Median,
    /// The most frequent training value (ties: the smallest value, the first level).
    Mode,
}

/// A constant cell value in a schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CellValue {
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A text: a category level or a date.
    Text(String),
}

/// A step applied to a column's values after missing values are filled.
///
/// In JSON: `"log1p"`, `"standardise"`, `{"clip": {"lower_pct": 1, "upper_pct": 99}}`,
/// `{"one_hot": {...}}`, `{"bins": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[non_exhaustive]
pub enum Transform {
    /// `ln(1 + x)`; a value ≤ −1 is a row error.
    Log1p,
    /// Clip to percentiles of the training values (learnt at fit).
    Clip(Clip),
    /// `(x − mean) / sd` with the training mean and population sd (sd 1 when constant).
    #[serde(alias = "standardize")]
    Standardise,
    /// One 0/1 feature per level (categories only; last step).
    OneHot(OneHot),
    /// One 0/1 feature per bin (numeric columns; last step).
    Bins(Bins),
}

/// Percentile clipping, as numpy's default (linear) percentiles of the training values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Clip {
    /// Lower percentile in `[0, 100]` (default 1).
    pub lower_pct: f64,
    /// Upper percentile in `[0, 100]` (default 99).
    pub upper_pct: f64,
}

impl Default for Clip {
    fn default() -> Self {
        Clip {
            lower_pct: 1.0,
            upper_pct: 99.0,
        }
    }
}

/// One-hot encoding of a category.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OneHot {
    /// Drop the first level (the reference level: declared order, else sorted), as
    /// scikit-learn's `drop="first"` (default false).
    pub drop_first: bool,
    /// What a level unseen at fit time does at scoring (default `error`).
    pub unseen: Unseen,
    /// Levels seen fewer times than this at fit are pooled into one `other` feature
    /// (default 0: none pooled). Required with `unseen: "infrequent"`, where it may be 1.
    pub min_frequency: usize,
}

/// What a level unseen at fit time does at scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Unseen {
    /// The row is an error naming the column and level (the default, as scikit-learn).
    #[default]
    Error,
    /// Every indicator of the column is 0.
    Ignore,
    /// The level counts as the pooled `other` level (see [`OneHot::min_frequency`]).
    Infrequent,
}

/// Binning of a numeric column into 0/1 bin features (the scorecard habit).
///
/// Give either `edges` or `quantiles`. Bin `k` holds `edges[k-1] < x <= edges[k]`
/// (first bin: `x <= edges[0]`, last: `x > edges[last]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Bins {
    /// Inner cut points, increasing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edges: Option<Vec<f64>>,
    /// Number of equal-frequency bins learnt at fit (2–100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantiles: Option<usize>,
    /// Drop the first bin's feature (default false).
    pub drop_first: bool,
}

/// How a derived column is computed from read columns (which may be `info` columns).
/// A result that is undefined (an input missing, a zero denominator) is missing, and the
/// derived column's own missing-value policy applies.
///
/// In JSON: `{"difference": ["a", "b"]}` (a − b), `{"ratio": ["a", "b"]}` (a / b),
/// `{"relative_change": ["now", "before"]}` (now / before − 1),
/// `{"months_since": {"column": "opened", "as_of": "2026-10-31"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[non_exhaustive]
pub enum Derive {
    /// `a − b`.
    Difference([String; 2]),
    /// `a / b`.
    Ratio([String; 2]),
    /// `a / b − 1`.
    RelativeChange([String; 2]),
    /// Months (days / 30.4375) from a date column to `as_of`.
    MonthsSince(MonthsSince),
}

/// See [`Derive::MonthsSince`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthsSince {
    /// The date column.
    pub column: String,
    /// The snapshot date `YYYY-MM-DD`.
    pub as_of: String,
}

impl Derive {
    /// The columns it reads.
    pub fn inputs(&self) -> Vec<&str> {
        match self {
            Derive::Difference([a, b]) | Derive::Ratio([a, b]) | Derive::RelativeChange([a, b]) => {
                vec![a, b]
            }
            Derive::MonthsSince(m) => vec![&m.column],
        }
    }
}

/// An early-warning rule: fires when the column's value (before missing values are
/// filled; a missing value never fires) lies in `[min, max]`, or is one of `levels`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct WarningRule {
    /// Name shown when it fires.
    pub name: String,
    /// The column (read or derived).
    pub column: String,
    /// Fires at or above this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Fires at or below this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// For a category or boolean column: fires on these levels (`true`/`false` for booleans).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
}

impl WarningRule {
    /// A rule on a numeric range.
    pub fn range(
        name: impl Into<String>,
        column: impl Into<String>,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Self {
        WarningRule {
            name: name.into(),
            column: column.into(),
            min,
            max,
            levels: Vec::new(),
        }
    }
    /// A rule on category levels.
    pub fn levels(name: impl Into<String>, column: impl Into<String>, levels: Vec<String>) -> Self {
        WarningRule {
            name: name.into(),
            column: column.into(),
            min: None,
            max: None,
            levels,
        }
    }
}

/// Assumptions for client value: CLV `= margin × (1 + d) / (1 + d − r)` with retention
/// `r = 1 − p`, as [`crate::metrics::retention_clv`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ValueSpec {
    /// Annual discount rate `d` in `(0, 1]` (default 0.08).
    pub discount_rate: f64,
    /// Annual margin as a share of AUM, used with an `aum` column when no `margin_rate`
    /// column exists (default none: no CLV from AUM alone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin_rate: Option<f64>,
    /// Share of revenue that is margin, for a `monthly_revenue` column (default 1).
    pub revenue_margin: f64,
}

impl Default for ValueSpec {
    fn default() -> Self {
        ValueSpec {
            discount_rate: 0.08,
            margin_rate: None,
            revenue_margin: 1.0,
        }
    }
}

impl ValueSpec {
    /// Checks the rates.
    pub fn validate(&self) -> Result<()> {
        check::in_range("value.discount_rate", self.discount_rate, 0.0, 1.0)?;
        if self.discount_rate == 0.0 {
            return Err(Error::config("value.discount_rate", "must be > 0"));
        }
        if let Some(m) = self.margin_rate {
            check::in_range("value.margin_rate", m, 0.0, 1.0)?;
        }
        check::in_range("value.revenue_margin", self.revenue_margin, 0.0, 1.0)?;
        Ok(())
    }
}

impl Schema {
    /// A schema of these columns with every other field at its default.
    pub fn new(columns: Vec<ColumnSpec>) -> Self {
        Schema {
            name: String::new(),
            columns,
            missing_values: Vec::new(),
            warnings: Vec::new(),
            value: ValueSpec::default(),
            csv: CsvFormat::default(),
        }
    }
    /// Sets the data set's name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
    /// Sets the warning rules.
    pub fn with_warnings(mut self, warnings: Vec<WarningRule>) -> Self {
        self.warnings = warnings;
        self
    }
    /// Sets the extra missing-value tokens.
    pub fn with_missing_values(mut self, tokens: Vec<String>) -> Self {
        self.missing_values = tokens;
        self
    }
    /// Sets the value assumptions.
    pub fn with_value(mut self, value: ValueSpec) -> Self {
        self.value = value;
        self
    }

    /// Parses and validates a schema file's text.
    pub fn from_json(json: &str) -> Result<Self> {
        let s: Schema = crate::json::from_str(json).map_err(|e| e.at("schema"))?;
        s.validate()?;
        Ok(s)
    }

    /// Reads and validates a schema file.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display(), e))?;
        Schema::from_json(&text).map_err(|e| e.at(&path.display().to_string()))
    }

    /// The schema as pretty JSON.
    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// A stable hash of the schema: FNV-1a (64-bit) of its compact JSON, as 16 hex digits.
    /// Data read with a schema carries its hash; a fitted pipeline refuses data read with
    /// another schema.
    pub fn hash(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        format!("{:016x}", crate::churn::fnv1a(json.as_bytes()))
    }

    /// The column of this name.
    pub fn column(&self, name: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The label column, if declared.
    pub fn label_column(&self) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.role == Role::Label)
    }

    /// The id column, if declared.
    pub fn id_column(&self) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.role == Role::Id)
    }

    /// The column carrying a business meaning, if any.
    pub fn with_meaning_column(&self, meaning: Meaning) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.meaning == Some(meaning))
    }

    /// Checks the schema; the error names the column at fault (`columns[3] \`tenure\``).
    ///
    /// Rules: 1..=[`MAX_COLUMNS`] columns with distinct non-empty names; at most one `id`
    /// and one `label`; the label is boolean; `text` only for `id`/`info`; at least one
    /// feature; `levels` only on categories, distinct; constants fit the type; `median`
    /// only on numeric and date columns; transforms fit the type (`one_hot` only on
    /// categories, `log1p`/`clip`/`standardise`/`bins` only on numeric columns, an
    /// encoding step last); derived columns are numbers, read numeric (or, for
    /// `months_since`, date) columns, and are not labels or ids; a business meaning sits
    /// on a numeric column; warnings name existing columns and have a condition.
    pub fn validate(&self) -> Result<()> {
        if self.columns.is_empty() || self.columns.len() > MAX_COLUMNS {
            return Err(Error::config(
                "columns",
                format!(
                    "{} columns declared (1..={MAX_COLUMNS} allowed)",
                    self.columns.len()
                ),
            ));
        }
        self.value.validate()?;
        self.csv.validate()?;
        let mut ids = 0;
        let mut labels = 0;
        let mut features = 0;
        for (i, c) in self.columns.iter().enumerate() {
            let at = |what: &str| format!("columns[{i}] `{}`{what}", c.name);
            if c.name.trim().is_empty() {
                return Err(Error::config(format!("columns[{i}].name"), "is empty"));
            }
            if let Some(d) = self.columns[..i]
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(&c.name))
            {
                return Err(Error::config(
                    at(""),
                    if d.name == c.name {
                        "is declared twice".to_string()
                    } else {
                        format!(
                            "differs from column `{}` only in case; a header is matched to \
                             names ignoring case, so both would read the same column",
                            d.name
                        )
                    },
                ));
            }
            match c.role {
                Role::Id => ids += 1,
                Role::Label => labels += 1,
                Role::Feature => features += 1,
                Role::Info => {}
            }
            if c.role == Role::Label && c.kind != ColumnType::Boolean {
                return Err(Error::config(
                    at(".type"),
                    format!(
                        "the label must be boolean (yes/no, 1/0, true/false), not {}",
                        c.kind.name()
                    ),
                ));
            }
            if c.kind == ColumnType::Text && !matches!(c.role, Role::Id | Role::Info) {
                return Err(Error::config(
                    at(".type"),
                    "text columns can only be ids or info; use category for levels",
                ));
            }
            if c.levels.is_some() && c.kind != ColumnType::Category {
                return Err(Error::config(at(".levels"), "only categories have levels"));
            }
            if let Some(levels) = &c.levels {
                if levels.is_empty() {
                    return Err(Error::config(at(".levels"), "is empty"));
                }
                for (k, l) in levels.iter().enumerate() {
                    if levels[..k].contains(l) {
                        return Err(Error::config(
                            at(".levels"),
                            format!("level `{l}` appears twice"),
                        ));
                    }
                }
            }
            self.validate_missing(c, &at)?;
            self.validate_transform(c, &at)?;
            if let Some(d) = &c.derive {
                self.validate_derive(c, d, &at)?;
            }
            if c.meaning == Some(Meaning::AsOf) {
                if c.kind != ColumnType::Date {
                    return Err(Error::config(
                        at(".meaning"),
                        format!("as_of needs a date column, not {}", c.kind.name()),
                    ));
                }
                if self.columns[..i]
                    .iter()
                    .any(|d| d.meaning == Some(Meaning::AsOf))
                {
                    return Err(Error::config(at(".meaning"), "a second as_of column"));
                }
            } else if let Some(m) = c.meaning
                && matches!(
                    m,
                    Meaning::Aum
                        | Meaning::MarginRate
                        | Meaning::AnnualMargin
                        | Meaning::MonthlyRevenue
                        | Meaning::DedicatedAdvisor
                )
                && let Some(d) = self.columns[..i].iter().find(|d| d.meaning == Some(m))
            {
                // The client's value reads one column per meaning.
                return Err(Error::config(
                    at(".meaning"),
                    format!(
                        "`{}` is already the meaning of column `{}`",
                        wire(&m),
                        d.name
                    ),
                ));
            } else if let Some(m) = c.meaning
                && !c.kind.is_numeric()
            {
                return Err(Error::config(
                    at(".meaning"),
                    format!(
                        "`{}` needs a numeric column, not {}",
                        wire(&m),
                        c.kind.name()
                    ),
                ));
            }
            if !(c.true_values.is_empty() && c.false_values.is_empty()) {
                if c.kind != ColumnType::Boolean {
                    return Err(Error::config(
                        at(".true_values"),
                        "only boolean columns take true_values and false_values",
                    ));
                }
                for v in c.true_values.iter().chain(&c.false_values) {
                    if v.trim().is_empty() {
                        return Err(Error::config(at(".true_values"), "holds an empty spelling"));
                    }
                }
                if let Some(v) = c.true_values.iter().find(|t| {
                    c.false_values
                        .iter()
                        .any(|f| f.trim().eq_ignore_ascii_case(t.trim()))
                }) {
                    return Err(Error::config(
                        at(".false_values"),
                        format!("`{v}` is also in true_values"),
                    ));
                }
            }
            if let Some(m) = c.monotone {
                let value_encoded = !c
                    .transform
                    .iter()
                    .any(|t| matches!(t, Transform::OneHot(_) | Transform::Bins(_)));
                if c.role != Role::Feature
                    || !c.kind.is_numeric()
                    || !value_encoded
                    || m == Monotone::None
                {
                    return Err(Error::config(
                        at(".monotone"),
                        "only numeric features encoded as a value (no one_hot or bins) take \
                         \"increasing\" or \"decreasing\"",
                    ));
                }
            }
            if c.role != Role::Feature && c.role != Role::Info && !c.transform.is_empty() {
                return Err(Error::config(
                    at(".transform"),
                    "only features are transformed",
                ));
            }
        }
        if ids > 1 {
            return Err(Error::config("columns", "more than one column has role id"));
        }
        if labels > 1 {
            return Err(Error::config(
                "columns",
                "more than one column has role label",
            ));
        }
        if features == 0 {
            return Err(Error::config(
                "columns",
                "no column has role feature: the model needs at least one input",
            ));
        }
        if self.warnings.len() > MAX_WARNINGS {
            return Err(Error::config(
                "warnings",
                format!(
                    "{} rules exceed the limit of {MAX_WARNINGS}",
                    self.warnings.len()
                ),
            ));
        }
        for (i, w) in self.warnings.iter().enumerate() {
            let at = format!("warnings[{i}] `{}`", w.name);
            let Some(c) = self.column(&w.column) else {
                return Err(Error::config(
                    format!("{at}.column"),
                    format!("`{}` is not a column of the schema", w.column),
                ));
            };
            for (k, v) in [("min", w.min), ("max", w.max)] {
                if let Some(v) = v {
                    check::finite(&format!("{at}.{k}"), v)?;
                }
            }
            let numeric = c.kind.is_numeric() || c.derive.is_some();
            if w.levels.is_empty() {
                if w.min.is_none() && w.max.is_none() {
                    return Err(Error::config(at, "needs min, max or levels"));
                }
                if let (Some(lo), Some(hi)) = (w.min, w.max)
                    && lo > hi
                {
                    return Err(Error::config(
                        at,
                        format!(
                            "fires where min <= value <= max, so min {lo} above max {hi} never \
                             fires; for values outside a band, write two rules"
                        ),
                    ));
                }
                if !numeric {
                    return Err(Error::config(
                        at,
                        format!(
                            "min/max need a numeric column; `{}` is {}",
                            c.name,
                            c.kind.name()
                        ),
                    ));
                }
            } else if !(c.kind == ColumnType::Category || c.kind == ColumnType::Boolean)
                || w.min.is_some()
                || w.max.is_some()
            {
                return Err(Error::config(
                    at,
                    "levels apply to category or boolean columns, without min/max",
                ));
            } else if let Some(declared) = &c.levels
                && let Some(l) = w.levels.iter().find(|l| !declared.contains(l))
            {
                return Err(Error::config(
                    format!("{at}.levels"),
                    format!(
                        "`{l}` is not a declared level of `{}` ({}), so the rule would never fire",
                        c.name,
                        declared.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    fn validate_missing(&self, c: &ColumnSpec, at: &dyn Fn(&str) -> String) -> Result<()> {
        match &c.missing {
            Missing::Reject | Missing::Mode => Ok(()),
            Missing::Median => {
                if c.kind.is_numeric() || c.kind == ColumnType::Date || c.derive.is_some() {
                    Ok(())
                } else {
                    Err(Error::config(
                        at(".missing"),
                        format!(
                            "median needs a numeric column, not {}; use mode",
                            c.kind.name()
                        ),
                    ))
                }
            }
            Missing::Constant(v) => {
                let ok = match (c.kind, v) {
                    (ColumnType::Number, CellValue::Number(x)) => x.is_finite(),
                    (ColumnType::Integer, CellValue::Number(x)) => {
                        x.is_finite() && x.fract() == 0.0
                    }
                    (ColumnType::Boolean, CellValue::Bool(_)) => true,
                    (ColumnType::Boolean, CellValue::Number(x)) => *x == 0.0 || *x == 1.0,
                    (ColumnType::Category, CellValue::Text(t)) => {
                        c.levels.as_ref().is_none_or(|l| l.contains(t))
                    }
                    (ColumnType::Date, CellValue::Text(t)) => parse_iso_date(t).is_ok(),
                    (ColumnType::Text, CellValue::Text(_)) => true,
                    _ => false,
                };
                if ok {
                    Ok(())
                } else {
                    Err(Error::config(
                        at(".missing.constant"),
                        format!("{v:?} does not fit a {} column", c.kind.name()),
                    ))
                }
            }
        }
    }

    fn validate_transform(&self, c: &ColumnSpec, at: &dyn Fn(&str) -> String) -> Result<()> {
        let numeric = c.kind.is_numeric() || c.derive.is_some();
        let steps = &c.transform;
        for (k, t) in steps.iter().enumerate() {
            let last = k + 1 == steps.len();
            let bad = |why: String| Err(Error::config(at(&format!(".transform[{k}]")), why));
            match t {
                Transform::Log1p | Transform::Standardise | Transform::Clip(_) if !numeric => {
                    return bad(format!(
                        "{t:?} needs a numeric column, not {}",
                        c.kind.name()
                    ));
                }
                Transform::Clip(cl) => {
                    check::in_range(&at(".transform.clip.lower_pct"), cl.lower_pct, 0.0, 100.0)?;
                    check::in_range(&at(".transform.clip.upper_pct"), cl.upper_pct, 0.0, 100.0)?;
                    if cl.lower_pct >= cl.upper_pct {
                        return bad("lower_pct must be below upper_pct".into());
                    }
                }
                Transform::OneHot(o) => {
                    if c.kind != ColumnType::Category {
                        return bad(format!(
                            "one_hot needs a category column, not {}",
                            c.kind.name()
                        ));
                    }
                    if !last {
                        return bad("one_hot must be the last step".into());
                    }
                    if o.unseen == Unseen::Infrequent && o.min_frequency == 0 {
                        return bad(
                            "unseen: infrequent needs min_frequency >= 1 (1 pools no seen level)"
                                .into(),
                        );
                    }
                }
                Transform::Bins(b) => {
                    if !numeric {
                        return bad(format!("bins need a numeric column, not {}", c.kind.name()));
                    }
                    if !last {
                        return bad("bins must be the last step".into());
                    }
                    match (&b.edges, b.quantiles) {
                        (Some(e), None) => {
                            if e.is_empty() {
                                return bad("edges is empty".into());
                            }
                            check::all_finite(&at(".transform.bins.edges"), e)?;
                            if e.windows(2).any(|w| w[0] >= w[1]) {
                                return bad("edges must increase".into());
                            }
                        }
                        (None, Some(q)) if (2..=100).contains(&q) => {}
                        (None, Some(q)) => {
                            return bad(format!("quantiles {q}: must lie in 2..=100"));
                        }
                        _ => return bad("give exactly one of edges and quantiles".into()),
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn validate_derive(
        &self,
        c: &ColumnSpec,
        d: &Derive,
        at: &dyn Fn(&str) -> String,
    ) -> Result<()> {
        if c.kind != ColumnType::Number {
            return Err(Error::config(at(".type"), "a derived column is a number"));
        }
        if matches!(c.role, Role::Id | Role::Label) {
            return Err(Error::config(
                at(".role"),
                "a derived column cannot be the id or the label",
            ));
        }
        for name in d.inputs() {
            let Some(src) = self.column(name) else {
                return Err(Error::config(
                    at(".derive"),
                    format!("`{name}` is not a column of the schema"),
                ));
            };
            if src.derive.is_some() {
                return Err(Error::config(
                    at(".derive"),
                    format!("`{name}` is itself derived; derive from read columns"),
                ));
            }
            let want_date = matches!(d, Derive::MonthsSince(_));
            let fits = if want_date {
                src.kind == ColumnType::Date
            } else {
                src.kind.is_numeric()
            };
            if !fits {
                return Err(Error::config(
                    at(".derive"),
                    format!(
                        "`{name}` is {}; {} needs {}",
                        src.kind.name(),
                        if want_date { "months_since" } else { "this" },
                        if want_date {
                            "a date"
                        } else {
                            "a numeric column"
                        }
                    ),
                ));
            }
        }
        if let Derive::MonthsSince(m) = d {
            parse_iso_date(&m.as_of).map_err(|_| {
                Error::config(
                    at(".derive.months_since.as_of"),
                    format!("`{}` is not a date YYYY-MM-DD", m.as_of),
                )
            })?;
        }
        Ok(())
    }
}
