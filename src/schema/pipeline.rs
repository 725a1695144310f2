//! The fitted pipeline: a schema, the statistics learnt at fit time, and a model, as one
//! file; scoring replays exactly the fitted transforms, and the assessment explains each
//! client in the data's own columns.

use super::spec::{
    CellValue, ColumnSpec, ColumnType, Derive, Meaning, Missing, Role, Schema, Transform, Unseen,
    WarningRule,
};
use super::table::{Column, Table, Values, format_number, parse_bool, parse_date_days};
use super::{FeatureMeta, MAX_LEVELS, N_CAUSES, SourceIndex};
use crate::churn::backtest::Backtest;
use crate::churn::boost::{BoostParams, Monotone};
use crate::churn::card::ModelCard;
use crate::churn::forest::ForestParams;
use crate::churn::logistic::LogisticParams;
use crate::churn::risk::{RiskCutoffs, RiskLevel};
use crate::churn::select::{CandidateSpec, Selection, SelectionParams};
use crate::churn::{ChurnModel, FeatureSchema, Fit};
use crate::client::ChurnCause;
use crate::error::{Error, Result};
use crate::fastmath::ln_1p_fast;
use crate::metrics::retention_clv;
use crate::retention::{ActionCatalogue, ClientRisk, RankedAction, TOP_ACTIONS};
use crate::scorer::Warnings;
use crate::segment::{AssetTier, TieringPolicy};
use ndarray::Array2;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Rows transformed at once when scoring: the chunk's feature block stays in cache.
pub(super) const CHUNK: usize = 2048;
/// Number of reasons in a [`TableAssessment`].
pub const TOP_COLUMN_REASONS: usize = 3;
/// The pipeline file's format name and version.
const FORMAT: &str = "wealthscore-pipeline";
const FORMAT_VERSION: u32 = 1;

/// Which model to fit, with its settings. A new model kind is a new variant here and in
/// [`ChurnModel`]; everything downstream works on [`crate::churn::Classifier`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "snake_case",
    tag = "kind",
    content = "params"
)]
#[non_exhaustive]
pub enum ModelParams {
    /// L2 logistic regression (standardises internally).
    Logistic(LogisticParams),
    /// Random forest.
    Forest(ForestParams),
    /// Gradient-boosted trees.
    Boosted(BoostParams),
    /// Chosen on the training rows by seeded k-fold cross-validation over model kinds,
    /// settings and blends, then calibrated ([`crate::churn::select`] describes the
    /// procedure); the test split plays no part.
    Auto(SelectionParams),
}

impl Default for ModelParams {
    fn default() -> Self {
        ModelParams::Logistic(LogisticParams::default())
    }
}

impl ModelParams {
    /// Default settings of a model kind by name: `logistic`, `forest`, `boosted` or
    /// `auto` (model selection with [`SelectionParams::default`]).
    ///
    /// ```
    /// use wealthscore::schema::ModelParams;
    /// assert_eq!(ModelParams::from_name("forest")?.kind(), "forest");
    /// assert!(ModelParams::from_name("scorecard").is_err());
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "logistic" => Ok(ModelParams::Logistic(LogisticParams::default())),
            "forest" => Ok(ModelParams::Forest(ForestParams::default())),
            "boosted" => Ok(ModelParams::Boosted(BoostParams::default())),
            "auto" => Ok(ModelParams::Auto(SelectionParams::default())),
            other => Err(Error::invalid(
                "model",
                other,
                "is not a model that fits on a schema; use logistic, forest, boosted or auto \
                 (the scorecard is rule-based on the built-in features)",
            )),
        }
    }

    /// The model kind's name.
    pub fn kind(&self) -> &'static str {
        match self {
            ModelParams::Logistic(_) => "logistic",
            ModelParams::Forest(_) => "forest",
            ModelParams::Boosted(_) => "boosted",
            ModelParams::Auto(_) => "auto",
        }
    }

    /// These settings with the schema's monotone constraints applied (see
    /// [`ColumnSpec::monotone`]): the boosted model and `auto`'s boosted candidates get
    /// them, `auto` keeps only those candidates, a forest refuses them.
    fn with_constraints(&self, c: &Constraints) -> Result<ModelParams> {
        Ok(match self {
            ModelParams::Forest(_) => {
                c.refuse("forest")?;
                self.clone()
            }
            ModelParams::Boosted(p) => ModelParams::Boosted(c.on_boosted(p)),
            ModelParams::Auto(sp) => ModelParams::Auto(c.on_selection(sp)?),
            _ => self.clone(),
        })
    }

    /// Fits on the transformed rows, with the settings [`ModelParams::with_constraints`]
    /// gave; a logistic fit is checked against the constraints.
    fn fit(
        &self,
        x: &Array2<f64>,
        y: &[bool],
        names: FeatureSchema,
        monotone: &Constraints,
    ) -> Result<(ChurnModel, Option<Selection>)> {
        let model = match self {
            ModelParams::Logistic(p) => {
                let m =
                    crate::churn::logistic::LogisticModel::fit_with_schema(p, x.view(), y, names)?;
                monotone.check_logistic(m.coefficients())?;
                ChurnModel::Logistic(m)
            }
            ModelParams::Forest(p) => {
                let m = crate::churn::forest::ForestModel::fit_with_schema(p, x.view(), y, names)?;
                never_split(
                    "forest",
                    m.n_nodes(),
                    m.n_trees(),
                    y.len(),
                    p.min_samples_leaf,
                )?;
                ChurnModel::Forest(m)
            }
            ModelParams::Boosted(p) => {
                let m = crate::churn::boost::BoostedModel::fit_with_schema(p, x.view(), y, names)?;
                never_split(
                    "boosted",
                    m.n_nodes(),
                    m.n_trees(),
                    y.len(),
                    p.min_samples_leaf,
                )?;
                ChurnModel::Boosted(m)
            }
            ModelParams::Auto(sp) => {
                let sel = crate::churn::select::select(sp, x.view(), y, Some(names))?;
                return Ok((ChurnModel::Selected(sel.model.clone()), Some(sel)));
            }
        };
        Ok((model, None))
    }
}

/// A tree model whose trees are all single leaves scores every client alike: refused,
/// with the setting to change, instead of a model of AUC 0.5.
fn never_split(model: &str, nodes: usize, trees: usize, rows: usize, leaf: usize) -> Result<()> {
    if nodes > trees {
        return Ok(());
    }
    let why = if rows < 2 * leaf {
        format!(
            "{rows} training rows are too few for `min_samples_leaf` = {leaf} (a split needs \
             twice that many in a node)"
        )
    } else {
        format!("no feature separates the {rows} training rows into leaves of {leaf} or more")
    };
    Err(Error::Fit {
        model: model.into(),
        reason: format!(
            "no tree split, so every client would get the same probability: {why}; lower \
             `min_samples_leaf` or fit the logistic model"
        ),
    })
}

/// The schema's monotone constraints, one per feature.
struct Constraints {
    per_feature: Vec<Monotone>,
    /// `(feature index, column name)` of every constrained feature.
    named: Vec<(usize, String)>,
}

impl Constraints {
    fn of(columns: &[FittedColumn], schema: &Schema, n_features: usize) -> Self {
        let mut per_feature = vec![Monotone::None; n_features];
        let mut named = Vec::new();
        for fc in columns {
            let Some(m) = schema.column(&fc.column).and_then(|c| c.monotone) else {
                continue;
            };
            // Schema validation allows `monotone` only on value-encoded columns, whose
            // value is the column's first feature.
            if matches!(fc.encode, Encode::Value)
                && let Some(slot) = per_feature.get_mut(fc.offset)
            {
                *slot = m;
                named.push((fc.offset, fc.column.clone()));
            }
        }
        Constraints { per_feature, named }
    }

    fn is_empty(&self) -> bool {
        self.named.is_empty()
    }

    fn refuse(&self, kind: &str) -> Result<()> {
        match self.named.first() {
            None => Ok(()),
            Some((_, column)) => Err(Error::config(
                format!("columns.{column}.monotone"),
                format!(
                    "a {kind} cannot honour monotone constraints; use the boosted model, \
                     auto, or logistic (whose coefficients are checked), or drop the key"
                ),
            )),
        }
    }

    /// A logistic model honours a constraint when its coefficient has the declared sign
    /// (every transform a constrained column may have is increasing).
    fn check_logistic(&self, coefficients: &[f64]) -> Result<()> {
        for (k, column) in &self.named {
            let (Some(&c), Some(&m)) = (coefficients.get(*k), self.per_feature.get(*k)) else {
                continue;
            };
            let wrong = match m {
                Monotone::Increasing => c < 0.0,
                Monotone::Decreasing => c > 0.0,
                _ => false,
            };
            if wrong {
                return Err(Error::Fit {
                    model: "logistic".into(),
                    reason: format!(
                        "column `{column}` is declared monotone {} but its fitted coefficient \
                         is {c:.4}: the data contradict the constraint; use the boosted \
                         model, which enforces it, or drop the key",
                        if m == Monotone::Increasing {
                            "increasing"
                        } else {
                            "decreasing"
                        }
                    ),
                });
            }
        }
        Ok(())
    }

    fn on_boosted(&self, p: &BoostParams) -> BoostParams {
        if self.is_empty() {
            return p.clone();
        }
        p.clone().with_monotone(self.per_feature.clone())
    }

    /// With constraints, only boosted candidates (which enforce them) stay in the
    /// selection.
    fn on_selection(&self, sp: &SelectionParams) -> Result<SelectionParams> {
        if self.is_empty() {
            return Ok(sp.clone());
        }
        let mut out = sp.clone();
        out.candidates
            .retain(|c| matches!(c.spec, CandidateSpec::Boosted(_)));
        for c in &mut out.candidates {
            if let CandidateSpec::Boosted(p) = &c.spec {
                c.spec = CandidateSpec::Boosted(self.on_boosted(p));
            }
        }
        if out.candidates.is_empty() {
            return Err(Error::config(
                "model.params.candidates",
                "the schema declares monotone columns and only boosted candidates honour \
                 them; add one",
            ));
        }
        Ok(out)
    }
}

/// Everything besides the schema that a pipeline is fitted with; plain serde data.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PipelineConfig {
    /// The model (default logistic).
    #[serde(default)]
    pub model: ModelParams,
    /// Probability cut-offs of the risk levels.
    #[serde(default)]
    pub risk: RiskCutoffs,
    /// Retention actions.
    #[serde(default)]
    pub actions: ActionCatalogue,
    /// Asset-tier thresholds, used when the schema has an `aum` column.
    #[serde(default)]
    pub tiering: TieringPolicy,
}

impl PipelineConfig {
    /// The default configuration around a model.
    pub fn with_model(model: ModelParams) -> Self {
        PipelineConfig {
            model,
            ..Default::default()
        }
    }
}

/// A step learnt at fit time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Step {
    Log1p,
    Clip { lower: f64, upper: f64 },
    Standardise { mean: f64, scale: f64 },
}

/// How a column's value becomes features, learnt at fit time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Encode {
    /// The value itself.
    Value,
    /// Bin indicators; `edges` as in [`super::Bins`].
    Bins { edges: Vec<f64>, drop_first: bool },
    /// Level indicators.
    OneHot {
        levels: Vec<String>,
        /// Level pooled into `other`.
        pooled: Vec<bool>,
        drop_first: bool,
        unseen: Unseen,
        other: bool,
    },
}

/// One feature column's learnt statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FittedColumn {
    column: String,
    /// Value filled in for a missing numeric cell (`None`: reject).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fill: Option<f64>,
    /// Level filled in for a missing category cell (`None`: reject).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fill_level: Option<String>,
    steps: Vec<Step>,
    encode: Encode,
    indicator: bool,
    /// Index of the first feature.
    offset: usize,
}

impl FittedColumn {
    fn n_encoded(&self) -> usize {
        match &self.encode {
            Encode::Value => 1,
            Encode::Bins { edges, drop_first } => edges.len() + 1 - usize::from(*drop_first),
            Encode::OneHot {
                levels,
                pooled,
                drop_first,
                other,
                ..
            } => {
                let kept = levels
                    .iter()
                    .zip(pooled)
                    .enumerate()
                    .filter(|(k, (_, p))| !(**p || *drop_first && *k == 0))
                    .count();
                kept + usize::from(*other)
            }
        }
    }
    fn width(&self) -> usize {
        self.n_encoded() + usize::from(self.indicator)
    }
    /// Feature slot of each level (`None`: all-zero, the dropped reference level).
    fn level_slots(&self) -> Vec<Option<usize>> {
        let Encode::OneHot {
            levels,
            pooled,
            drop_first,
            other,
            ..
        } = &self.encode
        else {
            return Vec::new();
        };
        let mut next = 0;
        let mut slots = Vec::with_capacity(levels.len());
        for (k, p) in pooled.iter().enumerate() {
            if *p || (*drop_first && k == 0) {
                slots.push(None);
            } else {
                slots.push(Some(next));
                next += 1;
            }
        }
        let other_slot = other.then_some(next);
        for (s, p) in slots.iter_mut().zip(pooled) {
            if *p {
                *s = other_slot;
            }
        }
        slots
    }
    fn other_slot(&self) -> Option<usize> {
        match &self.encode {
            Encode::OneHot { other: true, .. } => Some(self.n_encoded() - 1),
            _ => None,
        }
    }
}

/// How many rows a pipeline was fitted on and how many were skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitSummary {
    /// Rows used.
    pub rows: usize,
    /// Rows skipped for errors (listed in [`Fitted::skipped`]).
    pub skipped: usize,
    /// Churners among the rows used.
    pub churners: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    schema: Schema,
    config: PipelineConfig,
    columns: Vec<FittedColumn>,
    features: Vec<FeatureMeta>,
    model: ChurnModel,
    fit: FitSummary,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: String,
    version: u32,
    schema_hash: String,
    fingerprint: String,
    pipeline: Body,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    card: Option<ModelCard>,
}

/// A schema, the statistics learnt at fit time and a model: fit once, save as one JSON
/// file, load anywhere, score tables with exactly the fitted transforms.
///
/// ```
/// use wealthscore::schema::{FittedPipeline, PipelineConfig, Schema, Table};
///
/// let schema = Schema::from_json(r#"{"columns": [
///   {"name": "id", "type": "text", "role": "id"},
///   {"name": "left", "type": "boolean", "role": "label"},
///   {"name": "calls", "type": "integer", "cause": "service", "label": "service calls"},
///   {"name": "plan", "type": "category", "cause": "product"}]}"#)?;
/// let mut csv = String::from("id,left,calls,plan\n");
/// for i in 0..200 {
///     let calls = i % 7;
///     let plan = if i % 3 == 0 { "basic" } else { "premium" };
///     let left = (calls >= 4) ^ (i % 11 == 0);
///     csv += &format!("C{i},{left},{calls},{plan}\n");
/// }
/// let table = Table::read_csv(csv.as_bytes(), &schema)?;
/// let fitted = FittedPipeline::fit(schema, &table, &PipelineConfig::default())?;
/// let p = fitted.pipeline;
/// let file = p.to_json()?;
/// let back = FittedPipeline::from_json(&file)?;
/// assert_eq!(back.fingerprint(), p.fingerprint());
///
/// let a = back.assess(&table)?;
/// let first = a[6].as_ref().unwrap(); // 6 service calls
/// assert_eq!(first.reasons[0].to_string(), "service calls = 6");
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FittedPipeline {
    body: Body,
    schema_hash: String,
    fingerprint: String,
    /// Per feature column, the level → slot map (derived from `body.columns`).
    slots: Vec<Vec<Option<usize>>>,
    /// Warning rule names, shared by every assessment's [`Warnings`].
    warning_names: std::sync::Arc<[String]>,
    /// The features' metadata compiled: each feature's source column.
    sources: SourceIndex,
    /// Per source of `sources`, its fitted column (index into `body.columns`).
    source_columns: Vec<usize>,
    roles: Roles,
    /// Kept beside the body, so that the fingerprint covers only what scores.
    card: Option<ModelCard>,
}

/// The result of [`FittedPipeline::fit`]: the pipeline and the rows it left out.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Fitted {
    /// The fitted pipeline.
    pub pipeline: FittedPipeline,
    /// Rows left out of the fit, with their error.
    pub skipped: Vec<(usize, Error)>,
    /// With [`ModelParams::Auto`]: every candidate's cross-validated AUC, the winner and
    /// the calibration chosen ([`Selection::to_text`] says what was chosen and why).
    pub selection: Option<Selection>,
}

/// Where a numeric value comes from: a read column or a derivation of read columns.
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    Read(&'a Column),
    Derived(&'a Derive, &'a Column, Option<&'a Column>, f64),
}

impl Source<'_> {
    #[inline]
    fn number(&self, i: usize) -> Option<f64> {
        match *self {
            Source::Read(c) => c.number(i),
            Source::Derived(d, a, b, as_of) => {
                derive(d, as_of, a.number(i)?, b.and_then(|b| b.number(i)))
            }
        }
    }
    /// Rows `start..start + out.len()` into `out`, `None` where missing, as
    /// [`Source::number`] gives them: one dispatch per chunk instead of one per cell.
    pub(super) fn numbers(&self, start: usize, out: &mut [Option<f64>]) {
        match *self {
            Source::Read(c) => column_numbers(c, start, out),
            Source::Derived(d, a, b, as_of) => {
                column_numbers(a, start, out);
                let Some(b) = b else {
                    for o in out.iter_mut() {
                        *o = o.and_then(|a| derive(d, as_of, a, None));
                    }
                    return;
                };
                // The second operand a block at a time, on the stack.
                const BLOCK: usize = 256;
                let mut bv = [None; BLOCK];
                for (k, block) in out.chunks_mut(BLOCK).enumerate() {
                    let bv = &mut bv[..block.len()];
                    column_numbers(b, start + k * BLOCK, bv);
                    for (o, &bv) in block.iter_mut().zip(bv.iter()) {
                        *o = o.and_then(|a| derive(d, as_of, a, bv));
                    }
                }
            }
        }
    }
    /// As [`Source::numbers`], split into values and presence flags (`vals[r]` is
    /// unspecified where `present[r]` is false), so that the passes over them have no
    /// branch and vectorise; `tmp` holds a second operand's column.
    fn values(&self, start: usize, vals: &mut [f64], present: &mut [bool], tmp: &mut Operand) {
        match *self {
            Source::Read(c) => column_values(c, start, vals, present),
            Source::Derived(d, a, b, as_of) => {
                column_values(a, start, vals, present);
                let months = matches!(d, Derive::MonthsSince(_));
                // `derive` reads no second operand for a date's months.
                let Some(b) = b.filter(|_| !months) else {
                    for (v, p) in vals.iter_mut().zip(present.iter_mut()) {
                        let y = (as_of - *v) / 30.4375;
                        *p &= months && y.is_finite();
                        *v = y;
                    }
                    return;
                };
                let m = vals.len();
                tmp.vals.resize(m, 0.0);
                tmp.present.resize(m, false);
                column_values(b, start, &mut tmp.vals, &mut tmp.present);
                // The operations of `derive`: a zero divisor gives a non-finite quotient,
                // which is undefined there too.
                // A closure per operation (not a function pointer), so that each
                // loop inlines it and vectorises.
                let (bv, bp) = (&tmp.vals[..], &tmp.present[..]);
                match d {
                    Derive::Difference(_) => combine(vals, present, bv, bp, as_of, |a, b, _| a - b),
                    Derive::Ratio(_) => combine(vals, present, bv, bp, as_of, |a, b, _| a / b),
                    Derive::RelativeChange(_) => {
                        combine(vals, present, bv, bp, as_of, |a, b, _| a / b - 1.0)
                    }
                    Derive::MonthsSince(_) => {
                        combine(vals, present, bv, bp, as_of, |a, _, as_of| {
                            (as_of - a) / 30.4375
                        })
                    }
                }
            }
        }
    }
    fn display(&self, i: usize) -> Option<String> {
        match self {
            Source::Read(c) => c.display(i),
            Source::Derived(..) => self.number(i).map(format_number),
        }
    }
}

/// A derived column's value from its first operand `a` and second `b` (`None` when
/// missing or not used); `None` where it is undefined or not finite.
#[inline]
fn derive(d: &Derive, as_of: f64, a: f64, b: Option<f64>) -> Option<f64> {
    let v = match d {
        Derive::Difference(_) => a - b?,
        Derive::Ratio(_) => a / b.filter(|b| *b != 0.0)?,
        Derive::RelativeChange(_) => a / b.filter(|b| *b != 0.0)? - 1.0,
        Derive::MonthsSince(_) => (as_of - a) / 30.4375,
    };
    v.is_finite().then_some(v)
}

/// Calls `f(r, cell)` on feature `j` of each of `m` rows laid out as in
/// [`FittedPipeline::fill`] (`r * rs + j * cs`); a contiguous column runs as a slice, which
/// vectorises where a strided walk does not.
#[inline(always)]
fn for_feature(
    out: &mut [f64],
    rs: usize,
    cs: usize,
    j: usize,
    m: usize,
    mut f: impl FnMut(usize, &mut f64),
) {
    if rs == 1 {
        if let Some(col) = out.get_mut(j * cs..j * cs + m) {
            for (r, o) in col.iter_mut().enumerate() {
                f(r, o);
            }
        }
    } else {
        let cells = out.iter_mut().skip(j * cs).step_by(rs.max(1)).take(m);
        for (r, o) in cells.enumerate() {
            f(r, o);
        }
    }
}

/// Per-thread buffers of the row paths ([`FittedPipeline::transform`], `predict`,
/// `assess`): a chunk's features and row errors, and what scoring it needs.
struct RowScratch {
    buf: Vec<f64>,
    errs: Vec<Option<Error>>,
    fs: FillScratch,
    probs: Vec<f64>,
    contrib: Vec<f64>,
    by_column: Vec<f64>,
}

impl RowScratch {
    fn new(p: usize, n_sources: usize) -> Self {
        RowScratch {
            buf: vec![0.0; CHUNK * p],
            errs: vec![None; CHUNK],
            fs: FillScratch::default(),
            probs: vec![0.0; CHUNK],
            contrib: vec![0.0; p],
            by_column: vec![0.0; n_sources],
        }
    }
}

/// Working columns of [`FittedPipeline::fill`], kept from chunk to chunk (fresh ones per
/// chunk cost an allocation and a page fault each).
#[derive(Default)]
pub(super) struct FillScratch {
    vals: Vec<f64>,
    present: Vec<bool>,
    flag: Vec<bool>,
    /// A byte per row to test in the inner loops, instead of a whole `Option<Error>`.
    bad: Vec<bool>,
    /// Bin of each row's value.
    bin: Vec<u32>,
    operand: Operand,
}

impl FillScratch {
    fn prepare(&mut self, m: usize) {
        self.vals.resize(m, 0.0);
        self.present.resize(m, false);
        self.flag.resize(m, false);
        self.bad.resize(m, false);
        self.bin.resize(m, 0);
    }
}

/// Whether every flag is set; without an early exit, so that it vectorises (a
/// `contains` goes a byte at a time).
fn all(flags: &[bool]) -> bool {
    flags.iter().fold(true, |a, &f| a & f)
}

/// Whether no flag is set, as [`all`].
fn all_false(flags: &[bool]) -> bool {
    !flags.iter().fold(false, |a, &f| a | f)
}

/// Whether [`ln_1p_fast`] gives the log1p transform of `x` (a finite `x > -1`).
#[inline(always)]
fn log1p_fast_holds(x: f64) -> bool {
    x > -1.0 && x.is_finite()
}

/// The log1p transform of one value: the same bits at fit time and in every scoring
/// path (libm's where the fast kernel does not hold: NaN, infinity, `x <= -1`).
fn log1p(x: f64) -> f64 {
    if log1p_fast_holds(x) {
        ln_1p_fast(x)
    } else {
        x.ln_1p()
    }
}

/// A derived column's second operand, per chunk.
#[derive(Default)]
pub(super) struct Operand {
    vals: Vec<f64>,
    present: Vec<bool>,
}

/// `f(a, b)` where both operands are present and the result is finite.
#[inline(always)]
fn combine(
    vals: &mut [f64],
    present: &mut [bool],
    b_vals: &[f64],
    b_present: &[bool],
    as_of: f64,
    f: impl Fn(f64, f64, f64) -> f64,
) {
    for (((v, p), &b), &bp) in vals
        .iter_mut()
        .zip(present.iter_mut())
        .zip(b_vals)
        .zip(b_present)
    {
        let y = f(*v, b, as_of);
        *p = *p & bp & y.is_finite();
        *v = y;
    }
}

/// Rows `start..start + vals.len()` of `col` as [`column_numbers`] gives them, split into
/// values and presence flags.
fn column_values(col: &Column, start: usize, vals: &mut [f64], present: &mut [bool]) {
    fn each<T: Copy>(
        v: &Values<T>,
        start: usize,
        vals: &mut [f64],
        present: &mut [bool],
        f: impl Fn(T) -> f64,
    ) {
        let src = v.values().get(start..).unwrap_or_default();
        // Rows past the column's end are missing.
        let n = src.len().min(vals.len());
        for (o, &x) in vals.iter_mut().zip(src) {
            *o = f(x);
        }
        if let Some(rest) = vals.get_mut(n..) {
            rest.fill(0.0);
        }
        let (head, tail) = present.split_at_mut(n);
        tail.fill(false);
        match v.validity() {
            None => head.fill(true),
            Some(valid) => valid.flags_into(start, head),
        }
    }
    match col {
        Column::Number(v) => each(v, start, vals, present, |x| x),
        Column::Boolean(v) => each(v, start, vals, present, |b| f64::from(u8::from(b))),
        Column::Date(v) => each(v, start, vals, present, f64::from),
        Column::Category(_) | Column::Text(_) => present.fill(false),
    }
}

/// Rows `start..start + out.len()` of `col` as numbers, as [`Column::number`] gives them.
fn column_numbers(col: &Column, start: usize, out: &mut [Option<f64>]) {
    fn each<T: Copy>(v: &Values<T>, start: usize, out: &mut [Option<f64>], f: impl Fn(T) -> f64) {
        let vals = v.values().get(start..).unwrap_or_default();
        if vals.len() < out.len() {
            out.fill(None);
        }
        match v.validity() {
            None => {
                for (o, &x) in out.iter_mut().zip(vals) {
                    *o = Some(f(x));
                }
            }
            Some(valid) => {
                for (r, (o, &x)) in out.iter_mut().zip(vals).enumerate() {
                    *o = valid.is_valid(start + r).then(|| f(x));
                }
            }
        }
    }
    match col {
        Column::Number(v) => each(v, start, out, |x| x),
        Column::Boolean(v) => each(v, start, out, |b| f64::from(u8::from(b))),
        Column::Date(v) => each(v, start, out, f64::from),
        Column::Category(_) | Column::Text(_) => out.fill(None),
    }
}

/// Asset tier, lifetime value and best actions ([`FittedPipeline::row_value`]).
pub(super) type RowValue = (
    Option<AssetTier>,
    Option<f64>,
    [Option<RankedAction>; TOP_ACTIONS],
);

/// A row's asset tier, lifetime value and what its retention actions read besides.
pub(super) struct ValueBase {
    pub(super) asset_tier: Option<AssetTier>,
    pub(super) clv: Option<f64>,
    /// Assets, 0 when unknown or negative.
    pub(super) aum: f64,
    pub(super) dedicated_advisor: bool,
}

impl ValueBase {
    /// The client the catalogue ranks actions for.
    pub(super) fn client<'a>(
        &self,
        p: f64,
        clv: f64,
        causes: &'a [(ChurnCause, f64); N_CAUSES],
    ) -> ClientRisk<'a> {
        ClientRisk::new(
            "",
            p,
            clv,
            self.aum,
            causes,
            // Without assets the tier is unknown: only actions offered to the mass
            // tier (in the default catalogue, those offered to every tier) qualify.
            self.asset_tier.unwrap_or(AssetTier::Mass),
        )
        .with_dedicated_advisor(self.dedicated_advisor)
    }
}

/// The numbers of one row's assessment ([`FittedPipeline::core_row`]).
pub(super) struct RowCore {
    pub(super) p: f64,
    pub(super) n_top: usize,
    /// Sources of the top reasons, largest contribution first.
    pub(super) top: [usize; TOP_COLUMN_REASONS],
    pub(super) warnings: u64,
    pub(super) asset_tier: Option<AssetTier>,
    pub(super) clv: Option<f64>,
    /// Positive contributions per cause, indexed as [`ChurnCause::ALL`].
    pub(super) causes: [(ChurnCause, f64); N_CAUSES],
    pub(super) actions: [Option<RankedAction>; TOP_ACTIONS],
}

/// Schema columns of the business meanings and warning rules, resolved once.
#[derive(Debug, Clone, Default, PartialEq)]
struct Roles {
    aum: Option<usize>,
    annual_margin: Option<usize>,
    monthly_revenue: Option<usize>,
    margin_rate: Option<usize>,
    dedicated_advisor: Option<usize>,
    /// Per warning rule, its column.
    warning_columns: Vec<Option<usize>>,
}

impl Roles {
    fn of(schema: &Schema) -> Self {
        let m = |m: Meaning| schema.columns.iter().position(|c| c.meaning == Some(m));
        Roles {
            aum: m(Meaning::Aum),
            annual_margin: m(Meaning::AnnualMargin),
            monthly_revenue: m(Meaning::MonthlyRevenue),
            margin_rate: m(Meaning::MarginRate),
            dedicated_advisor: m(Meaning::DedicatedAdvisor),
            warning_columns: schema
                .warnings
                .iter()
                .map(|w| schema.columns.iter().position(|c| c.name == w.column))
                .collect(),
        }
    }
}

/// A level with no one-hot slot of its own ([`Bound::code_slots`]).
const NO_SLOT: u32 = u32::MAX;
/// A level unseen at fit, or one past the slots a `u32` holds ([`Bound::code_slots`]).
const UNSEEN: u32 = u32::MAX - 1;

/// Columns of one table bound to a pipeline's schema.
pub(super) struct Bound<'a> {
    /// Per schema column (by index), its source in the table (`None`: absent label).
    pub(super) sources: Vec<Option<Source<'a>>>,
    /// Per fitted column, the table level code → fitted level index (categories).
    level_maps: Vec<Vec<Option<usize>>>,
    /// Per fitted column, the table level code → its one-hot slot, [`NO_SLOT`] for a
    /// level without one (dropped first) or [`UNSEEN`] for a level unseen at fit.
    code_slots: Vec<Vec<u32>>,
    /// Per fitted column, the schema column index.
    column_of: Vec<usize>,
}

fn source_of<'a>(
    schema: &'a Schema,
    table: &'a Table,
    spec: &'a ColumnSpec,
) -> Result<Option<Source<'a>>> {
    if let Some(d) = &spec.derive {
        let inputs = d.inputs();
        let get = |name: &str| {
            table.column(name).ok_or_else(|| {
                Error::invalid(
                    "table",
                    name,
                    format!("is needed to derive `{}` but the data lacks it", spec.name),
                )
            })
        };
        let a = get(inputs[0])?;
        let b = match inputs.get(1) {
            Some(n) => Some(get(n)?),
            None => None,
        };
        let as_of = match d {
            Derive::MonthsSince(m) => f64::from(parse_date_days(&m.as_of)?),
            _ => 0.0,
        };
        let _ = schema;
        return Ok(Some(Source::Derived(d, a, b, as_of)));
    }
    let Some(col) = table.column(&spec.name) else {
        if spec.role == Role::Label {
            return Ok(None);
        }
        return Err(Error::invalid(
            "table",
            &spec.name,
            "is a column of the schema but the data lacks it",
        ));
    };
    let fits = match spec.kind {
        ColumnType::Number | ColumnType::Integer => matches!(col, Column::Number(_)),
        ColumnType::Boolean => matches!(col, Column::Boolean(_) | Column::Number(_)),
        ColumnType::Category => matches!(col, Column::Category(_)),
        ColumnType::Date => matches!(col, Column::Date(_)),
        ColumnType::Text => true,
    };
    if !fits {
        return Err(Error::invalid(
            format!("table column `{}`", spec.name),
            col.type_name(),
            format!("the schema declares {}", spec.kind.name()),
        ));
    }
    Ok(Some(Source::Read(col)))
}

fn numpy_percentile(sorted: &[f64], pct: f64) -> f64 {
    // numpy's default "linear" method: position pct/100 × (n − 1) between order statistics.
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    let pos = pct / 100.0 * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = pos - lo as f64;
    sorted[lo] + frac * (sorted[hi] - sorted[lo])
}

fn sorted_finite(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

fn numeric_mode(values: &[f64]) -> Option<f64> {
    let v = sorted_finite(values);
    let mut best: Option<(f64, usize)> = None;
    let mut k = 0;
    while k < v.len() {
        let mut e = k;
        while e < v.len() && v[e] == v[k] {
            e += 1;
        }
        if best.is_none_or(|(_, n)| e - k > n) {
            best = Some((v[k], e - k));
        }
        k = e;
    }
    best.map(|(x, _)| x)
}

impl FittedPipeline {
    /// Fits the schema's statistics and the configured model on a labelled table (read
    /// with this schema, or with the same column names and types).
    ///
    /// Rows with a reading error, no label, a missing cell in a `reject` column or a value
    /// outside a transform's domain are left out and returned in [`Fitted::skipped`]. In
    /// order, per feature column: missing values are filled (median, mode or constant of
    /// the training values), each transform's statistics are learnt on the values after
    /// the steps before it, and the encoding's levels or bins are fixed.
    pub fn fit(schema: Schema, table: &Table, config: &PipelineConfig) -> Result<Fitted> {
        schema.validate()?;
        config.tiering.validate()?;
        let label = schema
            .label_column()
            .cloned()
            .ok_or_else(|| Error::config("columns", "fitting needs a column with role label"))?;
        let label_col = table.column(&label.name).ok_or_else(|| {
            Error::invalid(
                "table",
                &label.name,
                "is the label column but the data lacks it (fitting needs labels)",
            )
        })?;
        check_rule_levels(&schema, table)?;
        let n = table.n_rows();
        let mut skipped: Vec<(usize, Error)> = Vec::new();
        let mut good = vec![true; n];
        for (r, e) in table.row_errors() {
            if let Some(g) = good.get_mut(*r) {
                *g = false;
                skipped.push((*r, e.clone()));
            }
        }
        for (i, g) in good.iter_mut().enumerate() {
            if *g && label_col.number(i).is_none() {
                *g = false;
                skipped.push((
                    i,
                    Error::invalid(
                        format!("{}: {}", table.row_label(i), label.name),
                        "missing",
                        "fitting needs the label of every row",
                    ),
                ));
            }
        }
        // Rows missing a cell that the schema rejects are left out before any statistic.
        let features: Vec<usize> = (0..schema.columns.len())
            .filter(|&j| schema.columns[j].role == Role::Feature)
            .collect();
        for &j in &features {
            let spec = &schema.columns[j];
            let Some(src) = source_of(&schema, table, spec)? else {
                continue;
            };
            if spec.missing != Missing::Reject {
                continue;
            }
            for (i, g) in good.iter_mut().enumerate() {
                if *g && !present(&src, spec, i) {
                    *g = false;
                    skipped.push((i, missing_error(table, spec, i)));
                }
            }
        }
        let rows: Vec<usize> = (0..n).filter(|&i| good[i]).collect();
        if rows.is_empty() {
            return Err(Error::Fit {
                model: "pipeline".into(),
                reason: match skipped.iter().min_by_key(|e| e.0) {
                    None => "the table has no rows".to_string(),
                    Some((_, e)) => format!(
                        "none of the {n} rows can be used (each failed to read or lacks its \
                         label or a required cell); the first: {e}"
                    ),
                },
            });
        }

        let mut columns = Vec::with_capacity(features.len());
        let mut metas = Vec::new();
        let mut offset = 0;
        for &j in &features {
            let spec = &schema.columns[j];
            let src = source_of(&schema, table, spec)?
                .ok_or_else(|| Error::config(&spec.name, "a feature cannot be absent"))?;
            let fc = if spec.kind == ColumnType::Category {
                fit_category(spec, &src, &rows, offset)?
            } else {
                fit_numeric(spec, &src, &rows, offset)?
            };
            metas.extend(feature_metas(spec, &fc));
            offset += fc.width();
            columns.push(fc);
        }
        for (k, m) in metas.iter().enumerate() {
            if metas[..k].iter().any(|o| o.name == m.name) {
                return Err(Error::config(
                    "columns",
                    format!("two features would be named `{}`; rename a column", m.name),
                ));
            }
        }
        let names = FeatureSchema {
            version: 0,
            names: metas.iter().map(|m| m.name.clone()).collect(),
        };
        names.validate()?;
        // A placeholder model lets the fitted transforms run through the one scoring path.
        let mut pipeline = FittedPipeline::assemble(Body {
            schema,
            config: config.clone(),
            columns,
            features: metas,
            model: ChurnModel::Logistic(crate::churn::logistic::LogisticModel::from_parts(
                names.clone(),
                crate::churn::features::Standardiser {
                    mean: vec![0.0; names.names.len()],
                    scale: vec![1.0; names.names.len()],
                },
                vec![0.0; names.names.len()],
                0.0,
            )?),
            fit: FitSummary {
                rows: 0,
                skipped: 0,
                churners: 0,
            },
        })?;
        let sub = table.take(&rows)?;
        let t = pipeline.transform(&sub)?;
        for (k, e) in &t.errors {
            skipped.push((rows[*k], e.clone()));
        }
        let label_sub = sub
            .column(&label.name)
            .ok_or_else(|| Error::invalid("table", &label.name, "label column lost"))?;
        let y: Vec<bool> = t
            .rows
            .iter()
            .map(|&k| label_sub.number(k).is_some_and(|v| v > 0.5))
            .collect();
        let constraints =
            Constraints::of(&pipeline.body.columns, &pipeline.body.schema, t.x.ncols());
        let started = std::time::Instant::now();
        let effective = config.model.with_constraints(&constraints)?;
        let (model, selection) = effective.fit(&t.x, &y, names.clone(), &constraints)?;
        let fit_seconds = started.elapsed().as_secs_f64();
        skipped.sort_by_key(|(r, _)| *r);
        pipeline.body.model = model;
        pipeline.body.fit = FitSummary {
            rows: y.len(),
            skipped: skipped.len(),
            churners: y.iter().filter(|&&b| b).count(),
        };
        let mut pipeline = FittedPipeline::assemble(pipeline.body)?;
        let model_name = selection
            .as_ref()
            .map_or(config.model.kind(), |s| s.model.name())
            .to_string();
        let mut card = ModelCard::new(
            &model_name,
            &serde_json::to_vec(&pipeline.body.model)?,
            &names,
            &effective,
            &y,
            fit_seconds,
        )?;
        // The card names the data schema (the file a user wrote), not the feature names.
        card.schema_sha256 =
            crate::churn::card::sha256_hex(&serde_json::to_vec(&pipeline.body.schema)?);
        if let Some((first, last)) = as_of_period(&sub, &pipeline.body.schema, &t.rows) {
            card = card.with_period(&first, &last);
        }
        pipeline.card = Some(card);
        Ok(Fitted {
            pipeline,
            skipped,
            selection,
        })
    }

    fn assemble(body: Body) -> Result<Self> {
        let json = serde_json::to_string(&body)?;
        let fingerprint = format!("{:016x}", crate::churn::fnv1a(json.as_bytes()));
        let schema_hash = body.schema.hash();
        let slots = body.columns.iter().map(FittedColumn::level_slots).collect();
        let warning_names = body
            .schema
            .warnings
            .iter()
            .map(|w| w.name.clone())
            .collect();
        let sources = SourceIndex::new(&body.features)?;
        let roles = Roles::of(&body.schema);
        let source_columns = (0..sources.n_sources())
            .map(|s| {
                let name = sources.source_name(s).unwrap_or_default();
                body.columns
                    .iter()
                    .position(|c| c.column == name)
                    .ok_or_else(|| {
                        Error::invalid("pipeline.features", name, "names no fitted column")
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(FittedPipeline {
            body,
            schema_hash,
            fingerprint,
            slots,
            warning_names,
            sources,
            source_columns,
            roles,
            card: None,
        })
    }

    fn validate_body(body: &Body) -> Result<()> {
        body.schema.validate()?;
        let features: Vec<&ColumnSpec> = body
            .schema
            .columns
            .iter()
            .filter(|c| c.role == Role::Feature)
            .collect();
        if features.len() != body.columns.len() {
            return Err(Error::model(format!(
                "{} fitted columns for {} feature columns in the schema",
                body.columns.len(),
                features.len()
            )));
        }
        let mut offset = 0;
        for (fc, spec) in body.columns.iter().zip(&features) {
            if fc.column != spec.name || fc.offset != offset {
                return Err(Error::model(format!(
                    "fitted column `{}` does not match schema column `{}`",
                    fc.column, spec.name
                )));
            }
            for s in &fc.steps {
                let ok = match *s {
                    Step::Log1p => true,
                    Step::Clip { lower, upper } => {
                        lower.is_finite() && upper.is_finite() && lower <= upper
                    }
                    Step::Standardise { mean, scale } => {
                        mean.is_finite() && scale.is_finite() && scale > 0.0
                    }
                };
                if !ok {
                    return Err(Error::model(format!(
                        "column `{}`: bad fitted step {s:?}",
                        fc.column
                    )));
                }
            }
            if fc.fill.is_some_and(|f| !f.is_finite()) {
                return Err(Error::model(format!(
                    "column `{}`: fill value not finite",
                    fc.column
                )));
            }
            match &fc.encode {
                Encode::Value => {}
                Encode::Bins { edges, .. } => {
                    if edges.is_empty()
                        || edges.iter().any(|e| !e.is_finite())
                        || edges.windows(2).any(|w| w[0] >= w[1])
                    {
                        return Err(Error::model(format!(
                            "column `{}`: bin edges must be finite and increase",
                            fc.column
                        )));
                    }
                }
                Encode::OneHot { levels, pooled, .. } => {
                    if levels.len() != pooled.len()
                        || levels.is_empty()
                        || levels.len() > MAX_LEVELS
                    {
                        return Err(Error::model(format!("column `{}`: bad levels", fc.column)));
                    }
                }
            }
            offset += fc.width();
        }
        if body.features.len() != offset {
            return Err(Error::model(format!(
                "{} feature descriptions for {offset} features",
                body.features.len()
            )));
        }
        let model = body.model.classifier();
        let names = &model.schema().names;
        if model.schema().version != 0
            || names.len() != offset
            || names.iter().zip(&body.features).any(|(a, b)| *a != b.name)
        {
            return Err(Error::model(
                "the model's feature names do not match the pipeline's features",
            ));
        }
        Ok(())
    }

    /// The pipeline as one JSON file: format, version, schema hash, fingerprint, schema,
    /// configuration, learnt statistics, feature descriptions and model.
    pub fn to_json(&self) -> Result<String> {
        let file = File {
            format: FORMAT.into(),
            version: FORMAT_VERSION,
            schema_hash: self.schema_hash.clone(),
            fingerprint: self.fingerprint.clone(),
            pipeline: self.body.clone(),
            card: self.card.clone(),
        };
        Ok(serde_json::to_string(&file)?)
    }

    /// Loads a pipeline file, checking its format, that its schema still hashes to the
    /// hash it carries, that its fingerprint matches its content, and its consistency.
    pub fn from_json(json: &str) -> Result<Self> {
        let file: File = crate::json::from_str(json).map_err(|e| e.at("pipeline file"))?;
        if file.format != FORMAT || file.version != FORMAT_VERSION {
            return Err(Error::model(format!(
                "not a pipeline file of format {FORMAT} version {FORMAT_VERSION} (found {} {})",
                file.format, file.version
            )));
        }
        Self::validate_body(&file.pipeline)?;
        if let Some(card) = &file.card {
            card.validate()?;
            if !card.matches(&serde_json::to_vec(&file.pipeline.model)?) {
                return Err(Error::model(
                    "the model card describes other model bytes (was the model edited?)",
                ));
            }
        }
        let mut p = FittedPipeline::assemble(file.pipeline)?;
        p.card = file.card;
        if p.schema_hash != file.schema_hash {
            return Err(Error::model(format!(
                "schema hash mismatch: the file says {} but its schema hashes to {} (was it edited?)",
                file.schema_hash, p.schema_hash
            )));
        }
        if p.fingerprint != file.fingerprint {
            return Err(Error::model(format!(
                "fingerprint mismatch: the file says {} but its content gives {} (was it edited?)",
                file.fingerprint, p.fingerprint
            )));
        }
        Ok(p)
    }

    /// Writes the pipeline file.
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json()?).map_err(|e| Error::io(path.display(), e))
    }

    /// Reads a pipeline file (see [`FittedPipeline::from_json`]).
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display(), e))?;
        FittedPipeline::from_json(&text).map_err(|e| e.at(&path.display().to_string()))
    }

    /// The model card: crate version, schema hash, training rows, period (from the
    /// schema's `as_of` column) and label rate, parameters, SHA-256 of the model's bytes,
    /// fitting time, and, once [`FittedPipeline::record_test`] ran, the test metrics and
    /// the calibration's ECE before and after. `None` for a file written before cards.
    pub fn card(&self) -> Option<&ModelCard> {
        self.card.as_ref()
    }

    /// Scores a labelled test table once, records its metrics (and, for a calibrated
    /// model, the ECE before and after calibration) in the model card and returns the
    /// card. Rows that cannot be scored or have no label are left out.
    pub fn record_test(&mut self, table: &Table) -> Result<&ModelCard> {
        let Scored { probs, y, raw, .. } = self.labelled_scores(table)?;
        let mut card = match self.card.take() {
            Some(c) => c,
            None => ModelCard::new(
                self.model().kind(),
                &serde_json::to_vec(&self.body.model)?,
                self.model().as_classifier().schema(),
                &self.body.config.model,
                &[false, true],
                0.0,
            )?,
        };
        card = card.with_test(&probs, &y)?;
        if let (ChurnModel::Selected(m), Some(raw)) = (&self.body.model, raw)
            && let Some(c) = m.calibrator()
        {
            card.calibration = Some(crate::churn::card::CalibrationSummary {
                method: format!("{:?}", c.method()),
                ece_before: crate::churn::eval::calibration(&raw, &y, 10)?.ece,
                ece_after: crate::churn::eval::calibration(&probs, &y, 10)?.ece,
            });
        }
        Ok(self.card.insert(card))
    }

    /// Probabilities and labels of a labelled table's scorable rows, and for a selected
    /// model the probabilities before calibration.
    fn labelled_scores(&self, table: &Table) -> Result<Scored> {
        let label =
            self.body.schema.label_column().ok_or_else(|| {
                Error::config("columns", "scoring a test split needs a label column")
            })?;
        let labels = table.column(&label.name).ok_or_else(|| {
            Error::invalid(
                "table",
                &label.name,
                "is the label column but the data lacks it",
            )
        })?;
        let t = self.transform(table)?;
        let p = self.n_features();
        let model = self.body.model.as_classifier();
        let selected = match &self.body.model {
            ChurnModel::Selected(m) => Some(m),
            _ => None,
        };
        let mut out = Scored {
            rows: Vec::new(),
            probs: Vec::new(),
            y: Vec::new(),
            raw: selected.map(|_| Vec::new()),
        };
        let x = t.x.as_slice().unwrap_or_default();
        for (k, &r) in t.rows.iter().enumerate() {
            let (Some(v), Some(x)) = (labels.number(r), x.get(k * p..(k + 1) * p)) else {
                continue;
            };
            out.rows.push(r);
            out.probs.push(model.predict_one(x)?);
            out.y.push(v > 0.5);
            if let (Some(raw), Some(m)) = (out.raw.as_mut(), selected) {
                raw.push(m.raw_probability(x)?);
            }
        }
        if out.y.is_empty() {
            return Err(Error::invalid(
                "table",
                &label.name,
                "no row has both a label and a scorable record",
            ));
        }
        Ok(out)
    }

    /// Out-of-time figures: the pipeline (fitted on `train`) scores `test`, and the
    /// test rows are grouped by the calendar month of the schema's `as_of` column; per
    /// month: ROC AUC, top-decile lift, ECE and the PSI of its scores against the
    /// training scores ([`Backtest::to_text`] prints them). Periods are `YYYYMM`; test
    /// rows without a date are left out.
    pub fn backtest(&self, train: &Table, test: &Table) -> Result<Backtest> {
        let col = as_of_column(&self.body.schema)?;
        let month = |t: &Table, r: usize| -> Option<i64> {
            let Some(Column::Date(v)) = t.column(&col) else {
                return None;
            };
            if !v.validity().is_none_or(|b| b.is_valid(r)) {
                return None;
            }
            let s = super::table::format_date(*v.values().get(r)?);
            Some(s.get(..4)?.parse::<i64>().ok()? * 100 + s.get(5..7)?.parse::<i64>().ok()?)
        };
        let tr = self.labelled_scores(train)?;
        let train_until = (0..train.n_rows())
            .filter_map(|r| month(train, r))
            .max()
            .ok_or_else(|| Error::invalid("train", &col, "no training row has a date"))?;
        let te = self.labelled_scores(test)?;
        let (mut scores, mut y, mut period) = (Vec::new(), Vec::new(), Vec::new());
        for (k, &r) in te.rows.iter().enumerate() {
            if let Some(m) = month(test, r) {
                scores.push(te.probs[k]);
                y.push(te.y[k]);
                period.push(m);
            }
        }
        if y.is_empty() {
            return Err(Error::invalid(
                "test",
                &col,
                "no test row has a date, a label and a scorable record",
            ));
        }
        crate::churn::backtest::score_periods(&tr.probs, &tr.y, &scores, &y, &period, train_until)
    }

    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.body.schema
    }
    /// The configuration.
    pub fn config(&self) -> &PipelineConfig {
        &self.body.config
    }
    /// The model.
    pub fn model(&self) -> &ChurnModel {
        &self.body.model
    }
    /// The features the model sees, with their source column, cause, label and unit.
    pub fn features(&self) -> &[FeatureMeta] {
        &self.body.features
    }
    pub(super) fn sources(&self) -> &SourceIndex {
        &self.sources
    }
    /// Rows used and skipped at fit.
    pub fn fit_summary(&self) -> &FitSummary {
        &self.body.fit
    }
    /// The schema's hash ([`Schema::hash`]).
    pub fn schema_hash(&self) -> &str {
        &self.schema_hash
    }
    /// FNV-1a fingerprint of the whole pipeline, 16 hex digits: two workers with the same
    /// fingerprint score identically.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    pub(super) fn bind<'a>(&'a self, table: &'a Table) -> Result<Bound<'a>> {
        if let Some(h) = table.schema_hash()
            && h != self.schema_hash
        {
            return Err(Error::invalid(
                "table",
                format!("schema hash {h}"),
                format!(
                    "the data was read with another schema than the pipeline's ({}{}); read it with pipeline.schema()",
                    self.schema_hash,
                    if self.body.schema.name.is_empty() {
                        String::new()
                    } else {
                        format!(", `{}`", self.body.schema.name)
                    }
                ),
            ));
        }
        let schema = &self.body.schema;
        let mut sources = Vec::with_capacity(schema.columns.len());
        for spec in &schema.columns {
            sources.push(source_of(schema, table, spec)?);
        }
        let mut level_maps = Vec::with_capacity(self.body.columns.len());
        let mut code_slots = Vec::with_capacity(self.body.columns.len());
        let mut column_of = Vec::with_capacity(self.body.columns.len());
        for (c, fc) in self.body.columns.iter().enumerate() {
            let j = schema
                .columns
                .iter()
                .position(|c| c.name == fc.column)
                .ok_or_else(|| Error::model(format!("column `{}` left the schema", fc.column)))?;
            column_of.push(j);
            let map = match (&fc.encode, sources.get(j).copied().flatten()) {
                (Encode::OneHot { levels, .. }, Some(Source::Read(Column::Category(c)))) => c
                    .levels()
                    .iter()
                    .map(|l| levels.iter().position(|f| f == l))
                    .collect(),
                _ => Vec::new(),
            };
            code_slots.push(
                map.iter()
                    .map(|k| match k {
                        Some(k) => match self.slots.get(c).and_then(|s| s.get(*k)) {
                            Some(Some(s)) => u32::try_from(*s).unwrap_or(UNSEEN),
                            _ => NO_SLOT,
                        },
                        None => UNSEEN,
                    })
                    .collect(),
            );
            level_maps.push(map);
        }
        Ok(Bound {
            sources,
            level_maps,
            code_slots,
            column_of,
        })
    }

    /// Number of features the model sees.
    pub fn n_features(&self) -> usize {
        self.body.features.len()
    }

    /// Fills the features of rows `start..end` into `out` (row-major), recording each
    /// row's first error in `errs`.
    pub(super) fn fill_rows(
        &self,
        bound: &Bound<'_>,
        table: &Table,
        rows: std::ops::Range<usize>,
        out: &mut [f64],
        errs: &mut [Option<Error>],
        fs: &mut FillScratch,
    ) {
        self.fill(bound, table, rows, out, errs, self.n_features(), 1, fs);
    }

    /// As [`FittedPipeline::fill_rows`], column-major: feature `j` of row `r` at
    /// `out[j * (end - start) + r]`, for the column-at-a-time kernels.
    pub(super) fn fill_columns(
        &self,
        bound: &Bound<'_>,
        table: &Table,
        rows: std::ops::Range<usize>,
        out: &mut [f64],
        errs: &mut [Option<Error>],
        fs: &mut FillScratch,
    ) {
        let m = rows.len();
        self.fill(bound, table, rows, out, errs, 1, m, fs);
    }

    /// Feature `j` of row `r` goes to `out[r * rs + j * cs]`; one implementation for both
    /// layouts so that they hold the same bits.
    #[allow(clippy::too_many_arguments)]
    fn fill(
        &self,
        bound: &Bound<'_>,
        table: &Table,
        rows: std::ops::Range<usize>,
        out: &mut [f64],
        errs: &mut [Option<Error>],
        rs: usize,
        cs: usize,
        fs: &mut FillScratch,
    ) {
        let (start, end) = (rows.start, rows.end);
        let m = rows.len();
        fs.prepare(m);
        let FillScratch {
            vals,
            present,
            flag,
            bad,
            bin,
            operand,
        } = fs;
        let (vals, present, flag) = (&mut vals[..m], &mut present[..m], &mut flag[..m]);
        let bad = &mut bad[..m];
        // Value features are written whole below; the others set only their ones.
        for fc in &self.body.columns {
            let (from, to) = match fc.encode {
                Encode::Value => (0, 0),
                _ => (
                    fc.offset,
                    fc.offset + fc.n_encoded() + usize::from(fc.indicator),
                ),
            };
            for j in from..to {
                for_feature(out, rs, cs, j, m, |_, o| *o = 0.0);
            }
        }
        // The chunk's reading errors, found once (they are sorted by row, one per row)
        // rather than searched for row by row.
        errs.fill(None);
        bad.fill(false);
        let read = table.row_errors();
        let from = read.partition_point(|(i, _)| *i < start);
        let to = read.partition_point(|(i, _)| *i < end);
        for (i, e) in read.get(from..to).unwrap_or_default() {
            if let (Some(slot), Some(b)) = (errs.get_mut(i - start), bad.get_mut(i - start)) {
                *slot = Some(e.clone());
                *b = true;
            }
        }
        let schema = &self.body.schema;
        for (c, fc) in self.body.columns.iter().enumerate() {
            let j = bound.column_of[c];
            let spec = &schema.columns[j];
            let Some(src) = bound.sources[j] else {
                continue;
            };
            let off = fc.offset;
            let enc = fc.n_encoded();
            match &fc.encode {
                Encode::OneHot { unseen, .. } => {
                    let slots = &self.slots[c];
                    let map = &bound.level_maps[c];
                    let fill_idx = fc.fill_level.as_ref().and_then(|l| match &fc.encode {
                        Encode::OneHot { levels, .. } => levels.iter().position(|x| x == l),
                        _ => None,
                    });
                    let other = fc.other_slot();
                    let Source::Read(Column::Category(cat)) = src else {
                        continue;
                    };
                    // A known level of a present cell goes straight to its slot; the
                    // rest (missing, unseen) are decided below.
                    let codes = cat.codes().values().get(start..end).unwrap_or_default();
                    let code_slots = &bound.code_slots[c];
                    match cat.codes().validity() {
                        Some(valid) if codes.len() == m => valid.flags_into(start, present),
                        _ => present.fill(codes.len() == m),
                    }
                    for r in 0..end - start {
                        if bad[r] {
                            continue;
                        }
                        let known = codes
                            .get(r)
                            .filter(|_| present[r])
                            .and_then(|&code| code_slots.get(code as usize))
                            .filter(|&&s| s != UNSEEN);
                        if let Some(&s) = known {
                            if s != NO_SLOT {
                                out[r * rs + (off + s as usize) * cs] = 1.0;
                            }
                            continue;
                        }
                        let i = start + r;
                        let level = match cat.codes().get(i) {
                            Some(&code) => match map.get(code as usize).copied().flatten() {
                                Some(k) => Some(k),
                                None => match unseen {
                                    Unseen::Error => {
                                        bad[r] = true;
                                        errs[r] = Some(Error::invalid(
                                            format!("{}: {}", table.row_label(i), spec.name),
                                            cat.get(i).unwrap_or(""),
                                            "is a level unseen at fit (the schema says unseen: error)",
                                        ));
                                        continue;
                                    }
                                    Unseen::Ignore => None,
                                    Unseen::Infrequent => {
                                        if let Some(o) = other {
                                            out[r * rs + (off + o) * cs] = 1.0;
                                        }
                                        None
                                    }
                                },
                            },
                            None => {
                                if fc.indicator {
                                    out[r * rs + (off + enc) * cs] = 1.0;
                                }
                                match fill_idx {
                                    Some(k) => Some(k),
                                    None => {
                                        bad[r] = true;
                                        errs[r] = Some(missing_error(table, spec, i));
                                        continue;
                                    }
                                }
                            }
                        };
                        if let Some(k) = level
                            && let Some(Some(s)) = slots.get(k)
                        {
                            out[r * rs + (off + s) * cs] = 1.0;
                        }
                    }
                }
                encode => {
                    // A pass per step over the chunk's values (each value still goes
                    // through the steps in order), without branches where it can, so
                    // that the passes vectorise. A plain value in the column-major
                    // layout is worked on where it ends, in its feature's column.
                    let direct =
                        rs == 1 && matches!(encode, Encode::Value) && off * cs + m <= out.len();
                    let xs: &mut [f64] = match out.get_mut(off * cs..off * cs + m) {
                        Some(col) if direct => col,
                        _ => &mut *vals,
                    };
                    src.values(start, xs, present, operand);
                    let any_missing = !all(present);
                    if any_missing {
                        let fill = fc.fill.unwrap_or(0.0).to_bits();
                        for (v, &p) in xs.iter_mut().zip(present.iter()) {
                            // Bit masks vectorise where an `if` on a bool does not.
                            let keep = u64::from(p).wrapping_neg();
                            *v = f64::from_bits((v.to_bits() & keep) | (fill & !keep));
                        }
                    }
                    if fc.fill.is_none() && any_missing {
                        for r in 0..m {
                            if !present[r] && !bad[r] {
                                bad[r] = true;
                                errs[r] = Some(missing_error(table, spec, start + r));
                            }
                        }
                    }
                    for step in &fc.steps {
                        match *step {
                            Step::Log1p => {
                                // The fast kernel where it holds; the rest after.
                                for (x, f) in xs.iter_mut().zip(flag.iter_mut()) {
                                    let ok = log1p_fast_holds(*x);
                                    *f = !ok;
                                    let y = ln_1p_fast(if ok { *x } else { 0.0 });
                                    *x = if ok { y } else { *x };
                                }
                                if !all_false(flag) {
                                    for r in 0..m {
                                        if !flag[r] || bad[r] {
                                            continue;
                                        }
                                        let x = xs[r];
                                        if x <= -1.0 {
                                            bad[r] = true;
                                            let raw = src.number(start + r).or(fc.fill);
                                            errs[r] =
                                                Some(log1p_error(table, spec, start + r, raw));
                                        } else {
                                            xs[r] = log1p(x);
                                        }
                                    }
                                }
                            }
                            Step::Clip { lower, upper } => {
                                for x in xs.iter_mut() {
                                    *x = x.clamp(lower, upper);
                                }
                            }
                            Step::Standardise { mean, scale } => {
                                for x in xs.iter_mut() {
                                    *x = (*x - mean) / scale;
                                }
                            }
                        }
                    }
                    if let Encode::Bins { edges, .. } = encode {
                        let bin = &mut bin[..m];
                        // Edges increase (checked on load): with few of them, a count
                        // of the edges below, an edge at a time over the rows (it
                        // vectorises), is the partition point.
                        if edges.len() <= 16 {
                            bin.fill(0);
                            for &e in edges {
                                for (b, &x) in bin.iter_mut().zip(xs.iter()) {
                                    *b += u32::from(e < x);
                                }
                            }
                        } else {
                            for (b, &x) in bin.iter_mut().zip(xs.iter()) {
                                // At most the number of edges, which is a u32.
                                *b = edges.partition_point(|e| *e < x) as u32;
                            }
                        }
                    }
                    if fc.indicator {
                        for_feature(out, rs, cs, off + enc, m, |r, o| {
                            *o = f64::from(u8::from(!present.get(r).copied().unwrap_or(true)));
                        });
                    }
                    match encode {
                        Encode::Bins { drop_first, .. } => {
                            let df = usize::from(*drop_first);
                            for r in 0..m {
                                let b = bin[r] as usize;
                                // No branch the data decides: a row without a one (bad,
                                // or in the dropped first bin) writes the 0 its first
                                // slot already holds.
                                let one = !(bad[r] || b < df);
                                out[r * rs + (off + b.saturating_sub(df)) * cs] =
                                    f64::from(u8::from(one));
                            }
                        }
                        _ if direct => {}
                        _ => {
                            // A bad row's features are never read, so no test per row.
                            for_feature(out, rs, cs, off, m, |r, o| {
                                *o = vals.get(r).copied().unwrap_or(0.0);
                            });
                        }
                    }
                }
            }
        }
    }

    /// The feature matrix of a table's good rows, with the errors of the others.
    ///
    /// A table missing a column the pipeline needs, with a column of the wrong type, or
    /// read with another schema (its [`Table::schema_hash`]) is an error for the whole
    /// table; a bad row is an error of that row only.
    pub fn transform(&self, table: &Table) -> Result<Transformed> {
        let bound = self.bind(table)?;
        let p = self.n_features();
        let parts = self.chunked(&bound, table, |sc, start, m| {
            let (mut rows, mut x, mut errors) = (Vec::new(), Vec::new(), Vec::new());
            for (r, (e, xr)) in sc.errs[..m]
                .iter_mut()
                .zip(sc.buf.chunks_exact(p))
                .enumerate()
            {
                match e.take() {
                    Some(e) => errors.push((start + r, e)),
                    None => {
                        rows.push(start + r);
                        x.extend_from_slice(xr);
                    }
                }
            }
            (rows, x, errors)
        });
        let n_good = parts.iter().map(|(rows, _, _)| rows.len()).sum();
        let (mut rows, mut x, mut errors) = (
            Vec::with_capacity(n_good),
            Vec::with_capacity(n_good * p),
            Vec::new(),
        );
        for (r, xs, e) in parts {
            rows.extend(r);
            x.extend(xs);
            errors.extend(e);
        }
        let x = Array2::from_shape_vec((rows.len(), p), x)
            .map_err(|e| Error::model(format!("feature matrix: {e}")))?;
        Ok(Transformed { x, rows, errors })
    }

    /// Churn probability of every row, in order; a bad row yields its error and never
    /// affects the others.
    pub fn predict(&self, table: &Table) -> Result<Vec<Result<f64>>> {
        let bound = self.bind(table)?;
        let p = self.n_features();
        let parts = self.chunked(&bound, table, |sc, start, m| {
            let model = self.body.model.classifier();
            let (xs, probs) = (&sc.buf[..m * p], &mut sc.probs[..m]);
            let batch = match &self.body.model {
                ChurnModel::Logistic(lr) => lr.predict_into(xs, probs),
                ChurnModel::Forest(f) => f.predict_into(xs, probs),
                ChurnModel::Boosted(b) => b.predict_into(xs, probs),
                _ => Err(Error::model("no batch path")),
            };
            let batch_ok = batch.is_ok();
            (0..m)
                .map(|r| match sc.errs[r].take() {
                    Some(e) => Err(e),
                    None if batch_ok => Ok(sc.probs[r]),
                    None => model
                        .predict_one(&sc.buf[r * p..(r + 1) * p])
                        .map_err(|e| e.within(|f| format!("{}: {f}", table.row_label(start + r)))),
                })
                .collect::<Vec<_>>()
        });
        Ok(parts.into_iter().flatten().collect())
    }

    /// The assessment of every row, in order; a bad row yields its error and never affects
    /// the others.
    pub fn assess(&self, table: &Table) -> Result<Vec<Result<TableAssessment>>> {
        let bound = self.bind(table)?;
        let p = self.n_features();
        let parts = self.chunked(&bound, table, |sc, start, m| {
            (0..m)
                .map(|r| match sc.errs[r].take() {
                    Some(e) => Err(e),
                    None => self.assess_features(
                        &bound,
                        table,
                        start + r,
                        &sc.buf[r * p..(r + 1) * p],
                        &mut sc.contrib,
                        &mut sc.by_column,
                    ),
                })
                .collect::<Vec<_>>()
        });
        Ok(parts.into_iter().flatten().collect())
    }

    /// `per_chunk(scratch, start, m)` over the table's rows in chunks of [`CHUNK`], each
    /// called once the chunk's `m` rows are filled into `scratch.buf` and `scratch.errs`.
    /// Chunks are independent: with the `parallel` feature they spread over the cores (a
    /// forest's exact explanations cost most per row); results come in row order.
    fn chunked<T: Send>(
        &self,
        bound: &Bound<'_>,
        table: &Table,
        per_chunk: impl Fn(&mut RowScratch, usize, usize) -> T + Sync + Send,
    ) -> Vec<T> {
        let n = table.n_rows();
        let p = self.n_features();
        let ns = self.sources.n_sources();
        let chunk = |sc: &mut RowScratch, start: usize| {
            let end = (start + CHUNK).min(n);
            let m = end - start;
            self.fill_rows(
                bound,
                table,
                start..end,
                &mut sc.buf[..m * p],
                &mut sc.errs[..m],
                &mut sc.fs,
            );
            per_chunk(sc, start, m)
        };
        let starts = (0..n).step_by(CHUNK);
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            starts
                .collect::<Vec<_>>()
                .into_par_iter()
                .map_init(|| RowScratch::new(p, ns), chunk)
                .collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            let mut sc = RowScratch::new(p, ns);
            starts.map(|start| chunk(&mut sc, start)).collect()
        }
    }

    fn assess_features(
        &self,
        bound: &Bound<'_>,
        table: &Table,
        i: usize,
        x: &[f64],
        contrib: &mut [f64],
        by_column: &mut [f64],
    ) -> Result<TableAssessment> {
        let core = self.core_row(bound, table, i, x, contrib, by_column)?;
        let schema = &self.body.schema;
        let reasons = core.top[..core.n_top]
            .iter()
            .filter_map(|&s| self.column_reason(bound, i, s, by_column[s]))
            .collect();
        let mut causes: Vec<(ChurnCause, f64)> =
            core.causes.into_iter().filter(|(_, v)| *v > 0.0).collect();
        causes.sort_by(|a, b| b.1.total_cmp(&a.1));
        let id = schema
            .id_column()
            .and_then(|c| table.column(&c.name))
            .and_then(|c| c.display(i));
        Ok(TableAssessment {
            row: i,
            id,
            churn_probability: core.p,
            risk_level: self.body.config.risk.level(core.p),
            warnings: Warnings::from_bits(core.warnings, &self.warning_names),
            reasons,
            causes,
            asset_tier: core.asset_tier,
            clv: core.clv,
            expected_value_lost: core.clv.map(|c| c * core.p),
            actions: core.actions.into_iter().flatten().collect(),
        })
    }

    /// The reason of source `s` for row `i`, in the column's own terms.
    pub(super) fn column_reason(
        &self,
        bound: &Bound<'_>,
        i: usize,
        s: usize,
        contribution: f64,
    ) -> Option<ColumnReason> {
        let j = *bound.column_of.get(*self.source_columns.get(s)?)?;
        let spec = self.body.schema.columns.get(j)?;
        Some(ColumnReason {
            column: spec.name.clone(),
            label: spec.display_label().to_string(),
            value: bound
                .sources
                .get(j)
                .copied()
                .flatten()
                .and_then(|s| s.display(i)),
            unit: spec.unit.clone(),
            cause: spec.cause,
            contribution,
        })
    }

    /// Writes the text of [`FittedPipeline::column_reason`] (as its `Display` shows it)
    /// into `w`, allocating only for the value; returns the reason's column name.
    #[cfg(feature = "arrow")]
    pub(super) fn write_reason(
        &self,
        bound: &Bound<'_>,
        i: usize,
        s: usize,
        w: &mut impl std::fmt::Write,
    ) -> Option<&str> {
        let j = *bound.column_of.get(*self.source_columns.get(s)?)?;
        let spec = self.body.schema.columns.get(j)?;
        let value = bound
            .sources
            .get(j)
            .copied()
            .flatten()
            .and_then(|s| s.display(i));
        let _ = write_reason_text(
            w,
            spec.display_label(),
            value.as_deref(),
            spec.unit.as_deref(),
        );
        Some(&spec.name)
    }

    /// The numbers of row `i`'s assessment from its features `x`, shared by the row
    /// ([`FittedPipeline::assess`]) and columnar ([`FittedPipeline::assess_columns`])
    /// paths so that both give the same bits. Allocates nothing.
    pub(super) fn core_row(
        &self,
        bound: &Bound<'_>,
        table: &Table,
        i: usize,
        x: &[f64],
        contrib: &mut [f64],
        by_column: &mut [f64],
    ) -> Result<RowCore> {
        let p = self.row_probability(table, i, x, contrib)?;
        // One-hot and indicator contributions summed back to their source column.
        self.sources.sum(contrib, by_column)?;
        let mut top = [0usize; TOP_COLUMN_REASONS];
        let n_top = SourceIndex::top(by_column, &mut top);
        let mut causes = [(ChurnCause::Competitor, 0.0); N_CAUSES];
        self.sources.cause_totals(by_column, &mut causes);

        let mut warnings = 0u64;
        for (bit, w, src) in self.bound_rules(bound) {
            if rule_fires(w, src, i) {
                warnings |= bit;
            }
        }
        let (asset_tier, clv, actions) = self.row_value(bound, i, p, &causes)?;
        Ok(RowCore {
            p,
            n_top,
            top,
            warnings,
            asset_tier,
            clv,
            causes,
            actions,
        })
    }

    /// Each warning rule whose column the table holds: its bit, the rule, the column.
    fn bound_rules<'b>(
        &'b self,
        bound: &'b Bound<'b>,
    ) -> impl Iterator<Item = (u64, &'b WarningRule, Source<'b>)> {
        self.body
            .schema
            .warnings
            .iter()
            .zip(&self.roles.warning_columns)
            .enumerate()
            .filter_map(|(k, (w, j))| {
                let src = bound.sources.get((*j)?).copied().flatten()?;
                Some((1u64 << k, w, src))
            })
    }

    /// Warning bits of rows `start..start + out.len()`, a rule at a time, as
    /// [`FittedPipeline::core_row`] sets them; `hits` and `vals` are scratch.
    pub(super) fn warnings_of(
        &self,
        bound: &Bound<'_>,
        start: usize,
        out: &mut [u64],
        hits: &mut Vec<bool>,
        vals: &mut Vec<Option<f64>>,
    ) {
        out.fill(0);
        for (bit, w, src) in self.bound_rules(bound) {
            match src {
                // A level test per level, not per row.
                Source::Read(Column::Category(c)) if !w.levels.is_empty() => {
                    hits.clear();
                    hits.extend(c.levels().iter().map(|l| w.levels.iter().any(|x| x == l)));
                    for (r, o) in out.iter_mut().enumerate() {
                        if c.codes()
                            .get(start + r)
                            .and_then(|&code| hits.get(code as usize))
                            .copied()
                            .unwrap_or(false)
                        {
                            *o |= bit;
                        }
                    }
                }
                _ if w.levels.is_empty() => {
                    vals.clear();
                    vals.resize(out.len(), None);
                    src.numbers(start, vals);
                    for (o, v) in out.iter_mut().zip(vals.iter()) {
                        if v.is_some_and(|v| within(w, v)) {
                            *o |= bit;
                        }
                    }
                }
                _ => {
                    for (r, o) in out.iter_mut().enumerate() {
                        if rule_fires(w, src, start + r) {
                            *o |= bit;
                        }
                    }
                }
            }
        }
    }

    /// Row `i`'s churn probability from its features `x`, with the per-feature
    /// contributions into `contrib`.
    pub(super) fn row_probability(
        &self,
        table: &Table,
        i: usize,
        x: &[f64],
        contrib: &mut [f64],
    ) -> Result<f64> {
        let p = self
            .body
            .model
            .classifier()
            .contributions(x, contrib)
            .map_err(|e| e.within(|f| format!("{}: {f}", table.row_label(i))))?;
        if !p.is_finite() {
            return Err(Error::model("the model returned a non-finite probability"));
        }
        Ok(p.clamp(0.0, 1.0))
    }

    /// Row `i`'s asset tier, lifetime value and best actions at churn probability `p`,
    /// with `causes` its positive contributions per cause.
    pub(super) fn row_value(
        &self,
        bound: &Bound<'_>,
        i: usize,
        p: f64,
        causes: &[(ChurnCause, f64); N_CAUSES],
    ) -> Result<RowValue> {
        self.value_from(
            |j| bound.sources.get(j?).copied().flatten()?.number(i),
            p,
            causes,
            true,
        )
    }

    /// The schema columns [`FittedPipeline::value_from`] may read: assets, annual
    /// margin, monthly revenue, margin rate and dedicated advisor.
    pub(super) fn value_columns(&self) -> [Option<usize>; 5] {
        let r = &self.roles;
        [
            r.aum,
            r.annual_margin,
            r.monthly_revenue,
            r.margin_rate,
            r.dedicated_advisor,
        ]
    }

    /// As [`FittedPipeline::row_value`], reading the row's value of schema column `j`
    /// through `meaning(Some(j))`.
    ///
    /// With `all_actions` false, only the best action is ranked (the others are `None`).
    pub(super) fn value_from(
        &self,
        meaning: impl Fn(Option<usize>) -> Option<f64>,
        p: f64,
        causes: &[(ChurnCause, f64); N_CAUSES],
        all_actions: bool,
    ) -> Result<RowValue> {
        let base = self.value_base(&meaning, p);
        let actions = match base.clv {
            Some(clv) => {
                let client = base.client(p, clv, causes);
                let catalogue = &self.body.config.actions;
                if all_actions {
                    catalogue.rank(&client)?
                } else {
                    let mut top = [None; TOP_ACTIONS];
                    top[0] = catalogue.best(&client)?;
                    top
                }
            }
            None => [None; TOP_ACTIONS],
        };
        Ok((base.asset_tier, base.clv, actions))
    }

    /// The part of [`FittedPipeline::value_from`] before the actions are ranked.
    pub(super) fn value_base(
        &self,
        meaning: &impl Fn(Option<usize>) -> Option<f64>,
        p: f64,
    ) -> ValueBase {
        let roles = &self.roles;
        let value = &self.body.schema.value;
        let aum = meaning(roles.aum).filter(|v| *v >= 0.0);
        let asset_tier = aum.and_then(|a| self.body.config.tiering.asset_tier(a).ok());
        let margin = if roles.annual_margin.is_some() {
            meaning(roles.annual_margin)
        } else if roles.monthly_revenue.is_some() {
            meaning(roles.monthly_revenue).map(|r| 12.0 * r * value.revenue_margin)
        } else if roles.aum.is_some() {
            let rate = if roles.margin_rate.is_some() {
                meaning(roles.margin_rate)
            } else {
                value.margin_rate
            };
            aum.zip(rate).map(|(a, r)| a * r)
        } else {
            None
        };
        let clv = margin
            .filter(|m| *m >= 0.0)
            .and_then(|m| retention_clv(m, 1.0 - p, value.discount_rate).ok());
        ValueBase {
            asset_tier,
            clv,
            aum: aum.unwrap_or(0.0),
            dedicated_advisor: meaning(roles.dedicated_advisor).is_some_and(|v| v > 0.5),
        }
    }

    /// Names of the warning rules, indexed as in [`TableAssessment::warnings`].
    pub fn warning_names(&self) -> impl Iterator<Item = &str> {
        self.body.schema.warnings.iter().map(|w| w.name.as_str())
    }

    /// What the assessment of this schema leaves out, and why (empty when nothing is).
    pub fn not_assessed(&self) -> Vec<String> {
        let s = &self.body.schema;
        let has = |m: Meaning| s.columns.iter().any(|c| c.meaning == Some(m));
        let mut out = Vec::new();
        if !has(Meaning::Aum) {
            out.push("asset tier: no column has meaning `aum`".to_string());
        }
        let value = has(Meaning::AnnualMargin)
            || has(Meaning::MonthlyRevenue)
            || (has(Meaning::Aum) && (has(Meaning::MarginRate) || s.value.margin_rate.is_some()));
        if !value {
            out.push(
                "client value and retention actions: no `annual_margin` or `monthly_revenue` \
                 column, nor `aum` with a margin rate"
                    .to_string(),
            );
        }
        out.push(
            "satisfaction: the schema path does not run the fuzzy satisfaction index \
             (it needs the five survey dimensions of the built-in record)"
                .to_string(),
        );
        out.push(
            "five-dimension tiering: only the asset tier is derived from a schema".to_string(),
        );
        out
    }

    /// A few lines a relationship manager can read, ending with what was not assessed.
    pub fn describe(&self, a: &TableAssessment) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "{}churn {:.1}% ({} risk)",
            a.id.as_ref().map_or(String::new(), |id| format!("{id}: ")),
            100.0 * a.churn_probability,
            a.risk_level
        );
        if let (Some(clv), Some(lost)) = (a.clv, a.expected_value_lost) {
            let _ = write!(s, ", CLV {clv:.0}, expected value lost {lost:.0}");
        }
        if let Some(t) = a.asset_tier {
            let _ = write!(s, ", tier {t}");
        }
        s.push('\n');
        let fired: Vec<&str> = self
            .warning_names()
            .enumerate()
            .filter(|(k, _)| a.warnings.contains(*k))
            .map(|(_, n)| n)
            .collect();
        if !fired.is_empty() {
            let _ = writeln!(s, "warnings: {}", fired.join(", "));
        }
        for r in &a.reasons {
            let _ = writeln!(
                s,
                "reason: {r} ({}), contribution {:+.3}",
                r.cause.map_or("no cause", ChurnCause::name),
                r.contribution
            );
        }
        for act in &a.actions {
            let _ = writeln!(
                s,
                "action: {:?}, value saved {:.0}, cost {:.0}",
                act.kind, act.value_saved, act.cost
            );
        }
        for n in self.not_assessed() {
            let _ = writeln!(s, "not assessed: {n}");
        }
        s
    }
}

/// Whether `v` lies within numeric rule `w`'s bounds.
#[inline]
/// A warning level that differs from a level of the training data only in case or spaces
/// would never fire (levels match exactly): a typo, refused at fit with the level meant.
fn check_rule_levels(schema: &Schema, table: &Table) -> Result<()> {
    for (k, w) in schema.warnings.iter().enumerate() {
        let Some(Column::Category(c)) = table.column(&w.column) else {
            continue;
        };
        for l in &w.levels {
            if c.levels().iter().any(|x| x == l) {
                continue;
            }
            let near = |x: &&String| x.trim().eq_ignore_ascii_case(l.trim());
            if let Some(meant) = c.levels().iter().find(near) {
                return Err(Error::config(
                    format!("warnings[{k}].levels"),
                    format!(
                        "`{l}` never occurs in column `{}`, whose levels are compared exactly; \
                         the data has `{meant}`",
                        w.column
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn within(w: &WarningRule, v: f64) -> bool {
    w.min.is_none_or(|m| v >= m) && w.max.is_none_or(|m| v <= m)
}

/// Whether warning rule `w` fires on row `i` of its column `src`.
#[inline]
pub(super) fn rule_fires(w: &WarningRule, src: Source<'_>, i: usize) -> bool {
    if w.levels.is_empty() {
        src.number(i).is_some_and(|v| within(w, v))
    } else {
        match src {
            Source::Read(Column::Category(c)) => {
                c.get(i).is_some_and(|l| w.levels.iter().any(|x| x == l))
            }
            Source::Read(col) => col.number(i).is_some_and(|v| {
                w.levels
                    .iter()
                    .any(|l| parse_bool(l).is_some_and(|b| f64::from(u8::from(b)) == v))
            }),
            Source::Derived(..) => false,
        }
    }
}

fn present(src: &Source<'_>, spec: &ColumnSpec, i: usize) -> bool {
    match src {
        Source::Read(c) if spec.kind == ColumnType::Category || spec.kind == ColumnType::Text => {
            c.is_valid(i)
        }
        s => s.number(i).is_some(),
    }
}

fn log1p_error(table: &Table, spec: &ColumnSpec, i: usize, raw: Option<f64>) -> Error {
    Error::invalid(
        format!("{}: {}", table.row_label(i), spec.name),
        raw.map_or_else(String::new, format_number),
        "must be > -1 for log1p",
    )
}

fn missing_error(table: &Table, spec: &ColumnSpec, i: usize) -> Error {
    let why = match &spec.derive {
        Some(d) => format!(
            "derived from {} (an input is missing or a denominator is 0) and the schema rejects missing values",
            d.inputs().join(", ")
        ),
        None => "is missing and the schema rejects missing values (set `missing` to median, mode or a constant)".into(),
    };
    Error::invalid(
        format!("{}: {}", table.row_label(i), spec.name),
        "missing",
        why,
    )
}

fn fit_numeric(
    spec: &ColumnSpec,
    src: &Source<'_>,
    rows: &[usize],
    offset: usize,
) -> Result<FittedColumn> {
    let observed: Vec<f64> = rows.iter().filter_map(|&i| src.number(i)).collect();
    let fill = match &spec.missing {
        Missing::Reject => None,
        Missing::Constant(CellValue::Number(v)) => Some(*v),
        Missing::Constant(CellValue::Bool(b)) => Some(f64::from(u8::from(*b))),
        Missing::Constant(CellValue::Text(t)) => Some(f64::from(parse_date_days(t)?)),
        Missing::Median => Some(numpy_percentile(&sorted_finite(&observed), 50.0)),
        Missing::Mode => numeric_mode(&observed),
    };
    if observed.is_empty() && !matches!(spec.missing, Missing::Constant(_)) {
        return Err(Error::Fit {
            model: "pipeline".into(),
            reason: format!("column `{}` has no value in the training rows", spec.name),
        });
    }
    let mut values: Vec<f64> = rows
        .iter()
        .map(|&i| src.number(i).or(fill).unwrap_or(f64::NAN))
        .collect();
    let mut steps = Vec::new();
    let mut encode = Encode::Value;
    for t in &spec.transform {
        match t {
            Transform::Log1p => {
                steps.push(Step::Log1p);
                values.iter_mut().for_each(|v| {
                    *v = if *v > -1.0 { log1p(*v) } else { f64::NAN };
                });
            }
            Transform::Clip(c) => {
                let s = sorted_finite(&values);
                let (lower, upper) = (
                    numpy_percentile(&s, c.lower_pct),
                    numpy_percentile(&s, c.upper_pct),
                );
                steps.push(Step::Clip { lower, upper });
                values.iter_mut().for_each(|v| *v = v.clamp(lower, upper));
            }
            Transform::Standardise => {
                let s = sorted_finite(&values);
                let n = s.len().max(1) as f64;
                let mean = s.iter().sum::<f64>() / n;
                let sd = (s.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
                let scale = if sd > 1e-12 * (1.0 + mean.abs()) {
                    sd
                } else {
                    1.0
                };
                steps.push(Step::Standardise { mean, scale });
                values.iter_mut().for_each(|v| *v = (*v - mean) / scale);
            }
            Transform::Bins(b) => {
                let edges = match (&b.edges, b.quantiles) {
                    (Some(e), _) => e.clone(),
                    (None, Some(q)) => {
                        let s = sorted_finite(&values);
                        let mut e: Vec<f64> = (1..q)
                            .map(|k| numpy_percentile(&s, 100.0 * k as f64 / q as f64))
                            .collect();
                        e.dedup();
                        if e.is_empty() {
                            return Err(Error::Fit {
                                model: "pipeline".into(),
                                reason: format!(
                                    "column `{}` is constant: no quantile bins",
                                    spec.name
                                ),
                            });
                        }
                        e
                    }
                    (None, None) => {
                        return Err(Error::config(&spec.name, "bins need edges or quantiles"));
                    }
                };
                encode = Encode::Bins {
                    edges,
                    drop_first: b.drop_first,
                };
            }
            Transform::OneHot(_) => {
                return Err(Error::config(&spec.name, "one_hot needs a category column"));
            }
        }
    }
    Ok(FittedColumn {
        column: spec.name.clone(),
        fill,
        fill_level: None,
        steps,
        encode,
        indicator: spec.missing_indicator,
        offset,
    })
}

fn fit_category(
    spec: &ColumnSpec,
    src: &Source<'_>,
    rows: &[usize],
    offset: usize,
) -> Result<FittedColumn> {
    let Source::Read(Column::Category(cat)) = src else {
        return Err(Error::config(
            &spec.name,
            "a category column must be read as a category",
        ));
    };
    let mut counts = vec![0usize; cat.levels().len()];
    for &i in rows {
        if let Some(&c) = cat.codes().get(i)
            && let Some(n) = counts.get_mut(c as usize)
        {
            *n += 1;
        }
    }
    let mut levels: Vec<String> = match &spec.levels {
        Some(l) => l.clone(),
        None => {
            let mut l: Vec<String> = cat
                .levels()
                .iter()
                .zip(&counts)
                .filter(|(_, n)| **n > 0)
                .map(|(s, _)| s.clone())
                .collect();
            if let Missing::Constant(CellValue::Text(t)) = &spec.missing
                && !l.contains(t)
            {
                l.push(t.clone());
            }
            l.sort();
            l
        }
    };
    if levels.is_empty() {
        return Err(Error::Fit {
            model: "pipeline".into(),
            reason: format!("column `{}` has no level in the training rows", spec.name),
        });
    }
    if levels.len() > MAX_LEVELS {
        return Err(Error::Fit {
            model: "pipeline".into(),
            reason: format!(
                "column `{}` has {} levels (more than {MAX_LEVELS}): is it an id? give it role id or info",
                spec.name,
                levels.len()
            ),
        });
    }
    levels.dedup();
    let count_of = |l: &str| {
        cat.levels()
            .iter()
            .position(|x| x == l)
            .map_or(0, |k| counts[k])
    };
    let fill_level = match &spec.missing {
        Missing::Reject => None,
        Missing::Constant(CellValue::Text(t)) => Some(t.clone()),
        Missing::Mode => {
            // Most frequent; ties go to the first level in order.
            let mut best: Option<(&String, usize)> = None;
            for l in &levels {
                let n = count_of(l);
                if best.is_none_or(|(_, b)| n > b) {
                    best = Some((l, n));
                }
            }
            best.map(|(l, _)| l.clone())
        }
        other => {
            return Err(Error::config(
                &spec.name,
                format!("{other:?} does not apply to a category"),
            ));
        }
    };
    let one_hot = spec
        .effective_transform()
        .into_iter()
        .find_map(|t| match t {
            Transform::OneHot(o) => Some(o),
            _ => None,
        })
        .unwrap_or_default();
    let pooled: Vec<bool> = levels
        .iter()
        .map(|l| one_hot.min_frequency > 0 && count_of(l) < one_hot.min_frequency)
        .collect();
    let other = one_hot.unseen == Unseen::Infrequent || pooled.iter().any(|&p| p);
    Ok(FittedColumn {
        column: spec.name.clone(),
        fill: None,
        fill_level,
        steps: Vec::new(),
        encode: Encode::OneHot {
            levels,
            pooled,
            drop_first: one_hot.drop_first,
            unseen: one_hot.unseen,
            other,
        },
        indicator: spec.missing_indicator,
        offset,
    })
}

fn feature_metas(spec: &ColumnSpec, fc: &FittedColumn) -> Vec<FeatureMeta> {
    let meta = |name: String| FeatureMeta {
        name,
        source: spec.name.clone(),
        cause: spec.cause,
        label: spec.display_label().to_string(),
        unit: spec.unit.clone(),
    };
    let mut out = Vec::new();
    match &fc.encode {
        Encode::Value => out.push(meta(spec.name.clone())),
        Encode::Bins { edges, drop_first } => {
            for b in usize::from(*drop_first)..=edges.len() {
                let name = match (b.checked_sub(1).and_then(|k| edges.get(k)), edges.get(b)) {
                    (None, Some(hi)) => format!("{}<={}", spec.name, format_number(*hi)),
                    (Some(lo), Some(hi)) => {
                        format!(
                            "{}=({},{}]",
                            spec.name,
                            format_number(*lo),
                            format_number(*hi)
                        )
                    }
                    (Some(lo), None) => format!("{}>{}", spec.name, format_number(*lo)),
                    (None, None) => spec.name.clone(),
                };
                out.push(meta(name));
            }
        }
        Encode::OneHot {
            levels,
            pooled,
            drop_first,
            other,
            ..
        } => {
            for (k, (l, p)) in levels.iter().zip(pooled).enumerate() {
                if !(*p || *drop_first && k == 0) {
                    out.push(meta(format!("{}={l}", spec.name)));
                }
            }
            if *other {
                out.push(meta(format!("{}=other", spec.name)));
            }
        }
    }
    if fc.indicator {
        out.push(meta(format!("{}=missing", spec.name)));
    }
    out
}

/// The feature matrix of a table's good rows ([`FittedPipeline::transform`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Transformed {
    /// One row per good row, one column per feature ([`FittedPipeline::features`]).
    pub x: Array2<f64>,
    /// The table row of each matrix row.
    pub rows: Vec<usize>,
    /// The bad rows, with their errors.
    pub errors: Vec<(usize, Error)>,
}

/// A reason in the data's own terms: a source column, its value and the summed
/// contribution of its features.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ColumnReason {
    /// The column's name.
    pub column: String,
    /// Its human label.
    pub label: String,
    /// The client's value as read (a level, a number, a date; `None` when missing).
    pub value: Option<String>,
    /// The column's unit.
    pub unit: Option<String>,
    /// The churn cause the column speaks for.
    pub cause: Option<ChurnCause>,
    /// Summed contribution of the column's features (logit units for the logistic model,
    /// probability units for the forest).
    pub contribution: f64,
}

impl std::fmt::Display for ColumnReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_reason_text(f, &self.label, self.value.as_deref(), self.unit.as_deref())
    }
}

/// A reason as people read it: `label = value unit`, or `label missing`.
fn write_reason_text(
    w: &mut impl std::fmt::Write,
    label: &str,
    value: Option<&str>,
    unit: Option<&str>,
) -> std::fmt::Result {
    match (value, unit) {
        (Some(v), Some(u)) => write!(w, "{label} = {v} {u}"),
        (Some(v), None) => write!(w, "{label} = {v}"),
        (None, _) => write!(w, "{label} missing"),
    }
}

/// The assessment of one row of a table, on any schema. Parts whose inputs the schema
/// lacks are `None` (see [`FittedPipeline::not_assessed`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TableAssessment {
    /// The row in the table.
    pub row: usize,
    /// The client's id, when the schema has an id column.
    pub id: Option<String>,
    /// Churn probability.
    pub churn_probability: f64,
    /// Risk level from the cut-offs.
    pub risk_level: RiskLevel,
    /// Warning rules that fired (see [`FittedPipeline::warning_names`]).
    pub warnings: Warnings,
    /// Top reasons by column, largest contribution first (at most
    /// [`TOP_COLUMN_REASONS`]).
    pub reasons: Vec<ColumnReason>,
    /// Positive column contributions summed per cause, largest first.
    pub causes: Vec<(ChurnCause, f64)>,
    /// Asset tier, when the schema has an `aum` column.
    pub asset_tier: Option<AssetTier>,
    /// Client lifetime value, when the schema gives a margin and the row's margin is not
    /// negative (a client who costs more than they earn has no value to save).
    pub clv: Option<f64>,
    /// CLV × churn probability.
    pub expected_value_lost: Option<f64>,
    /// Ranked retention actions (empty without a client value).
    pub actions: Vec<RankedAction>,
}

/// A labelled table's scored rows (see `FittedPipeline::labelled_scores`).
struct Scored {
    /// Table rows scored.
    rows: Vec<usize>,
    probs: Vec<f64>,
    y: Vec<bool>,
    /// Before calibration, for a selected model.
    raw: Option<Vec<f64>>,
}

/// The schema's `as_of` column.
fn as_of_column(schema: &Schema) -> Result<String> {
    schema
        .with_meaning_column(Meaning::AsOf)
        .map(|c| c.name.clone())
        .ok_or_else(|| {
            Error::config(
                "columns",
                "an out-of-time split needs a date column with \"meaning\": \"as_of\"",
            )
        })
}

/// First and last `as_of` date among `rows` of `table`.
fn as_of_period(table: &Table, schema: &Schema, rows: &[usize]) -> Option<(String, String)> {
    let col = as_of_column(schema).ok()?;
    let Some(Column::Date(v)) = table.column(&col) else {
        return None;
    };
    let dates = rows
        .iter()
        .filter(|&&r| v.validity().is_none_or(|b| b.is_valid(r)))
        .filter_map(|&r| v.values().get(r).copied());
    let (lo, hi) = dates.fold(None, |acc: Option<(i32, i32)>, d| {
        Some(acc.map_or((d, d), |(a, b)| (a.min(d), b.max(d))))
    })?;
    Some((super::table::format_date(lo), super::table::format_date(hi)))
}

/// The rows of an out-of-time split (see [`out_of_time`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OutOfTime {
    /// The schema's `as_of` column.
    pub column: String,
    /// Rows dated on or before the cut-off: fit on these.
    pub train: Vec<usize>,
    /// Rows dated after it: test on these.
    pub test: Vec<usize>,
    /// Rows without a date (in neither split).
    pub undated: Vec<usize>,
}

/// Splits a table by its schema's `as_of` date column: rows dated on or before `cutoff`
/// (`YYYY-MM-DD`) train, later rows test.
///
/// ```
/// use wealthscore::schema::{out_of_time, Schema, Table};
/// let schema = Schema::from_json(r#"{"columns": [
///   {"name": "month", "type": "date", "role": "info", "meaning": "as_of"},
///   {"name": "calls", "type": "integer"}]}"#)?;
/// let csv = "month,calls\n2026-01-31,1\n2026-02-28,2\n,3\n2026-03-31,4\n";
/// let table = Table::read_csv(csv.as_bytes(), &schema)?;
/// let split = out_of_time(&schema, &table, "2026-02-28")?;
/// assert_eq!((split.train, split.test, split.undated), (vec![0, 1], vec![3], vec![2]));
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn out_of_time(schema: &Schema, table: &Table, cutoff: &str) -> Result<OutOfTime> {
    let column = as_of_column(schema)?;
    let cut = parse_date_days(cutoff).map_err(|e| e.at("cutoff"))?;
    let Some(Column::Date(v)) = table.column(&column) else {
        return Err(Error::invalid(
            "table",
            &column,
            "is the as_of column but the data lacks it (or it is not a date)",
        ));
    };
    let mut s = OutOfTime {
        column,
        train: Vec::new(),
        test: Vec::new(),
        undated: Vec::new(),
    };
    for (i, &d) in v.values().iter().enumerate() {
        if !v.validity().is_none_or(|b| b.is_valid(i)) {
            s.undated.push(i);
        } else if d <= cut {
            s.train.push(i);
        } else {
            s.test.push(i);
        }
    }
    if s.train.is_empty() || s.test.is_empty() {
        return Err(Error::invalid(
            "cutoff",
            cutoff,
            format!(
                "leaves {} training and {} test rows; choose a date inside the data's range",
                s.train.len(),
                s.test.len()
            ),
        ));
    }
    Ok(s)
}
