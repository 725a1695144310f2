//! Churn prediction: feature schema, models, risk levels, reason codes and evaluation.
//!
//! - [`features`]: the versioned feature schema (record → `[f64; N_FEATURES]`).
//! - [`logistic`]: L2 logistic regression (Newton solver; smartcore as cross-check).
//! - [`forest`]: a seeded histogram-binned random forest predicting from flat node arrays.
//! - [`boost`]: histogram gradient-boosted trees (monotone constraints, early stopping).
//! - [`calibrate`]: Platt scaling and isotonic regression for any model's probabilities.
//! - [`select`]: choosing and blending models by seeded k-fold on the training rows only.
//! - [`drift`]: PSI of the score and CSI per column between training data and a new table.
//! - [`backtest`]: out-of-time backtests, period by period.
//! - [`card`]: model cards (JSON and text) with the SHA-256 of the model bytes.
//! - [`scorecard`]: a transparent early-warning scorecard that needs no training.
//! - [`risk`]: probability cut-offs to risk levels, or cut-offs hitting an alert volume.
//! - [`reasons`]: the top features pushing a client's risk up, mapped to churn causes.
//! - [`eval`]: ROC/PR AUC, log-loss, Brier, lift, calibration, confusion, EMP, splits, CV.
//! - [`lifetime`]: models that need no churn labels (BG/NBD, Gamma-Gamma, shifted-beta-geometric).
//!
//! Every model implements [`Classifier`] (probabilities for one row or a batch, and
//! per-feature contributions) and the trainable ones [`Fit`]. [`ChurnModel`] holds any of
//! them on the fixed schema for the scorer, with an allocation-free fast path and a
//! stable fingerprint.
//!
//! ```
//! use wealthscore::churn::{ChurnModel, Fit, features, logistic::{LogisticModel, LogisticParams}};
//! use wealthscore::synth::{generate, PortfolioConfig};
//!
//! let p = generate(&PortfolioConfig::default().with_clients(5_000).with_seed(3))?;
//! let model = ChurnModel::Logistic(LogisticModel::fit_records(&LogisticParams::default(), &p.clients)?);
//! let mut x = [0.0; features::N_FEATURES];
//! let mut contrib = [0.0; features::N_FEATURES];
//! features::extract(&p.clients[0], &mut x)?;
//! let prob = model.predict_with_contributions(&x, &mut contrib)?;
//! assert!(prob > 0.0 && prob < 1.0);
//! // Serialised, shipped and loaded, it is the same model.
//! let back = ChurnModel::from_json(&model.to_json()?)?;
//! assert_eq!(back.fingerprint()?, model.fingerprint()?);
//! # Ok::<(), wealthscore::Error>(())
//! ```

pub mod backtest;
pub mod boost;
pub mod calibrate;
pub mod card;
pub mod drift;
pub mod eval;
pub mod features;
pub mod forest;
pub mod lifetime;
pub mod logistic;
pub mod reasons;
pub mod risk;
pub mod scorecard;
pub mod select;
mod tree;

use crate::client::ClientRecord;
use crate::error::{Error, Result};
use features::{FEATURE_NAMES, N_FEATURES, SCHEMA_VERSION};
use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

/// The logistic function.
#[inline]
pub(crate) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Finds the first non-finite cell of a row and names it.
pub(crate) fn check_row(x: &[f64], row: usize) -> Result<()> {
    for (j, v) in x.iter().enumerate() {
        if !v.is_finite() {
            return Err(Error::NonFinite {
                field: format!("x[{row}][{j}]"),
            });
        }
    }
    Err(Error::invalid(
        format!("x[{row}]"),
        "overflow",
        "the model's score overflows on this row",
    ))
}

pub(crate) fn check_two_classes(model: &str, y: &[bool]) -> Result<()> {
    let pos = y.iter().filter(|&&b| b).count();
    if pos == 0 || pos == y.len() {
        return Err(Error::Fit {
            model: model.into(),
            reason: format!(
                "{pos} churners among {} rows: both classes are needed",
                y.len()
            ),
        });
    }
    Ok(())
}

/// The feature columns a model was fitted on: a version and names.
///
/// Version [`SCHEMA_VERSION`] with [`FEATURE_NAMES`] is the churn schema of
/// [`features`]; version 0 marks a model fitted on any other matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureSchema {
    /// Schema version (0: not the churn schema).
    pub version: u32,
    /// Column names, in order.
    pub names: Vec<String>,
}

/// Most feature columns a model may declare (guards loading absurd files).
pub const MAX_FEATURES: usize = 10_000;

impl FeatureSchema {
    /// The churn schema of [`features`].
    pub fn churn() -> Self {
        FeatureSchema {
            version: SCHEMA_VERSION,
            names: FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
        }
    }
    /// A generic schema of `p` columns named `x0, x1, …` (version 0).
    pub fn generic(p: usize) -> Self {
        FeatureSchema {
            version: 0,
            names: (0..p).map(|j| format!("x{j}")).collect(),
        }
    }
    /// Whether this is the current churn schema.
    pub fn is_churn(&self) -> bool {
        self.version == SCHEMA_VERSION
            && self.names.len() == N_FEATURES
            && self.names.iter().zip(FEATURE_NAMES).all(|(a, b)| a == b)
    }
    /// Checks the schema: 1..=[`MAX_FEATURES`] names; a non-zero version must be the
    /// current churn schema.
    pub fn validate(&self) -> Result<()> {
        if self.names.is_empty() || self.names.len() > MAX_FEATURES {
            return Err(Error::model(format!(
                "{} feature names (1..={MAX_FEATURES} allowed)",
                self.names.len()
            )));
        }
        if self.version != 0 && !self.is_churn() {
            return Err(Error::model(format!(
                "feature schema version {} with {} names does not match schema {SCHEMA_VERSION} ({N_FEATURES} features)",
                self.version,
                self.names.len()
            )));
        }
        Ok(())
    }
}

/// Probabilities of the rows of `x`, one copied row at a time.
fn predict_rows(x: ArrayView2<f64>, one: impl Fn(&[f64]) -> Result<f64>) -> Result<Array1<f64>> {
    let mut out = Array1::zeros(x.nrows());
    let mut row = vec![0.0; x.ncols()];
    for (xr, o) in x.rows().into_iter().zip(out.iter_mut()) {
        row.iter_mut().zip(xr).for_each(|(d, v)| *d = *v);
        *o = one(&row)?;
    }
    Ok(out)
}

/// Probabilities of the rows of `x` through a model's row-major batch path (`fast`, over
/// the whole matrix) when `x` is contiguous, else one row at a time (`one`); `p` is the
/// number of features the model expects.
pub(crate) fn predict_matrix(
    x: ArrayView2<f64>,
    p: usize,
    fast: impl Fn(&[f64], &mut [f64]) -> Result<()>,
    one: impl Fn(&[f64]) -> Result<f64>,
) -> Result<Array1<f64>> {
    crate::error::check::same_len("features", p, x.ncols())?;
    if let Some(xs) = x.as_slice() {
        let mut out = Array1::zeros(x.nrows());
        if let Some(o) = out.as_slice_mut() {
            fast(xs, o)?;
            return Ok(out);
        }
    }
    predict_rows(x, one)
}

/// A model that turns feature rows into churn probabilities.
pub trait Classifier {
    /// The columns the model expects.
    fn schema(&self) -> &FeatureSchema;

    /// Number of features expected.
    fn n_features(&self) -> usize {
        self.schema().names.len()
    }

    /// Churn probability of one feature row.
    fn predict_one(&self, x: &[f64]) -> Result<f64>;

    /// Per-feature contributions of one row into `contrib` (same length as `x`), which
    /// add up with [`Classifier::base_value`] to the model's score (the logit for the
    /// logistic model and the scorecard, the probability for the forest); returns the
    /// probability. Allocates nothing.
    fn contributions(&self, x: &[f64], contrib: &mut [f64]) -> Result<f64>;

    /// The score of a client at which every contribution is zero.
    fn base_value(&self) -> f64;

    /// Churn probabilities of the rows of `x`.
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        predict_rows(x, |row| self.predict_one(row))
    }

    /// Churn probabilities of records (the model must be on the churn schema).
    fn predict_records(&self, records: &[ClientRecord]) -> Result<Vec<f64>> {
        if !self.schema().is_churn() {
            return Err(Error::model(
                "the model was not fitted on the churn feature schema",
            ));
        }
        let mut x = [0.0; N_FEATURES];
        records
            .iter()
            .map(|r| {
                features::extract(r, &mut x)?;
                self.predict_one(&x)
            })
            .collect()
    }
}

/// A model fitted from data.
pub trait Fit: Classifier + Sized {
    /// Fitting settings.
    type Params;

    /// Fits on the rows of `x` with labels `y`, naming the columns by `schema`.
    fn fit_with_schema(
        params: &Self::Params,
        x: ArrayView2<f64>,
        y: &[bool],
        schema: FeatureSchema,
    ) -> Result<Self>;

    /// Fits on any matrix (generic column names `x0, x1, …`).
    fn fit(params: &Self::Params, x: ArrayView2<f64>, y: &[bool]) -> Result<Self> {
        Self::fit_with_schema(params, x, y, FeatureSchema::generic(x.ncols()))
    }

    /// Fits on a matrix of churn features (from [`features::extract_batch`]).
    fn fit_features(params: &Self::Params, x: ArrayView2<f64>, y: &[bool]) -> Result<Self> {
        crate::error::check::same_len("churn feature columns", N_FEATURES, x.ncols())?;
        Self::fit_with_schema(params, x, y, FeatureSchema::churn())
    }

    /// Extracts features and labels from labelled records and fits.
    fn fit_records(params: &Self::Params, records: &[ClientRecord]) -> Result<Self> {
        let x = features::extract_batch(records)?;
        let y = features::labels(records)?;
        Self::fit_features(params, x.view(), &y)
    }
}

/// Any churn model on the churn feature schema, as the scorer holds it.
///
/// Constructed with [`ChurnModel::new`] or loaded with [`ChurnModel::from_json`], both of
/// which check that the model is on the current schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    rename_all = "snake_case",
    tag = "kind",
    content = "model",
    deny_unknown_fields
)]
#[non_exhaustive]
pub enum ChurnModel {
    /// L2 logistic regression.
    Logistic(logistic::LogisticModel),
    /// Random forest.
    Forest(forest::ForestModel),
    /// Gradient-boosted trees.
    Boosted(boost::BoostedModel),
    /// Early-warning scorecard.
    Scorecard(scorecard::Scorecard),
    /// What model selection chose: one model or a logit blend, optionally calibrated
    /// ([`select::select`]).
    Selected(select::SelectedModel),
}

impl ChurnModel {
    /// Wraps a model, checking it is on the current churn schema.
    pub fn new(model: ChurnModel) -> Result<Self> {
        model.validate()?;
        Ok(model)
    }

    /// The model behind the trait, on whatever columns it was fitted.
    pub fn as_classifier(&self) -> &dyn Classifier {
        self.inner()
    }

    /// The model as a [`Classifier`], whatever its kind.
    pub(crate) fn classifier(&self) -> &dyn Classifier {
        self.inner()
    }

    fn inner(&self) -> &dyn Classifier {
        match self {
            ChurnModel::Logistic(m) => m,
            ChurnModel::Forest(m) => m,
            ChurnModel::Boosted(m) => m,
            ChurnModel::Scorecard(m) => m,
            ChurnModel::Selected(m) => m,
        }
    }

    /// Checks that the model is on the current churn schema.
    pub fn validate(&self) -> Result<()> {
        if !self.inner().schema().is_churn() {
            return Err(Error::model(format!(
                "model is not on churn feature schema version {SCHEMA_VERSION}"
            )));
        }
        Ok(())
    }

    /// A short name of the model kind: `logistic`, `forest`, `boosted`, `scorecard` or
    /// `selected`.
    pub fn kind(&self) -> &'static str {
        match self {
            ChurnModel::Logistic(_) => "logistic",
            ChurnModel::Forest(_) => "forest",
            ChurnModel::Boosted(_) => "boosted",
            ChurnModel::Scorecard(_) => "scorecard",
            ChurnModel::Selected(_) => "selected",
        }
    }

    /// Churn probability of one feature vector.
    pub fn predict(&self, features: &[f64; N_FEATURES]) -> Result<f64> {
        self.inner().predict_one(features)
    }

    /// Churn probability and per-feature contributions, allocating nothing (see
    /// [`Classifier::contributions`] for their units).
    pub fn predict_with_contributions(
        &self,
        features: &[f64; N_FEATURES],
        contrib: &mut [f64; N_FEATURES],
    ) -> Result<f64> {
        self.inner().contributions(features, contrib)
    }

    /// The score at which every contribution is zero (see [`Classifier::base_value`]).
    pub fn base_value(&self) -> f64 {
        self.inner().base_value()
    }

    /// Whether contributions are in logit units (`true`) or probability units.
    pub fn contributions_in_logit(&self) -> bool {
        match self {
            ChurnModel::Forest(_) => false,
            ChurnModel::Selected(m) => m.contributions_in_logit(),
            _ => true,
        }
    }

    /// Churn probabilities of a feature matrix (`n × N_FEATURES`).
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        self.inner().predict_proba(x)
    }

    /// Churn probabilities of records.
    pub fn predict_records(&self, records: &[ClientRecord]) -> Result<Vec<f64>> {
        self.inner().predict_records(records)
    }

    /// Serialises to JSON.
    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string(self)?)
    }

    /// Loads from JSON, validating shapes and the schema. Loading is strict (see
    /// [`crate::json`]); a model that fails validation gives the same
    /// [`Error::InvalidModel`] whichever loader reads it.
    pub fn from_json(json: &str) -> Result<Self> {
        let m: ChurnModel = crate::json::from_str(json)?;
        m.validate()?;
        Ok(m)
    }

    /// Loads a model file, as [`ChurnModel::from_json`]; I/O and parse errors name the path.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let m: ChurnModel = crate::json::from_file(path)?;
        m.validate()?;
        Ok(m)
    }

    /// A stable fingerprint: FNV-1a (64-bit) of the JSON serialisation, as 16 hex digits.
    /// The same model gives the same fingerprint on every machine and after a round trip.
    pub fn fingerprint(&self) -> Result<String> {
        Ok(format!("{:016x}", fnv1a(self.to_json()?.as_bytes())))
    }
}

/// FNV-1a, 64-bit.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
