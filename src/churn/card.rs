//! Model cards: what a model validation team asks of every fitted model — crate version,
//! the hash of the columns it reads, training rows, period and label rate, parameters,
//! test metrics, calibration, the SHA-256 of the model's bytes and the fitting time — as
//! JSON and as text.
//!
//! ```
//! use wealthscore::churn::card::ModelCard;
//! use wealthscore::churn::{Classifier, Fit, FeatureSchema, logistic::{LogisticModel, LogisticParams}};
//! let x = ndarray::array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
//! let y = [false, false, true, false, true, true];
//! let params = LogisticParams::default();
//! let m = LogisticModel::fit(&params, x.view(), &y)?;
//! let bytes = serde_json::to_vec(&m).map_err(wealthscore::Error::from)?;
//! let card = ModelCard::new("logistic", &bytes, m.schema(), &params, &y, 0.01)?
//!     .with_test(&m.predict_proba(x.view())?.to_vec(), &y)?;
//! assert_eq!(card.model_sha256.len(), 64);
//! assert_eq!(ModelCard::from_json(&card.to_json()?)?, card);
//! assert!(card.to_text().contains("test ROC AUC"));
//! # Ok::<(), wealthscore::Error>(())
//! ```

use super::FeatureSchema;
use super::calibrate::CalibrationReport;
use super::eval::{average_precision, brier, calibration, lift_table, log_loss, roc_auc};
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// SHA-256 of `bytes` as 64 lowercase hex digits.
///
/// ```
/// // FIPS 180-2 test vector.
/// assert_eq!(
///     wealthscore::churn::card::sha256_hex(b"abc"),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Metrics on the test split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TestMetrics {
    /// Test rows.
    pub rows: usize,
    /// Test churn rate.
    pub churn_rate: f64,
    /// ROC AUC.
    pub roc_auc: f64,
    /// Average precision (PR AUC).
    pub average_precision: f64,
    /// Log-loss.
    pub log_loss: f64,
    /// Brier score.
    pub brier: f64,
    /// Churn rate of the top-scored 10 % over the base rate.
    pub top_decile_lift: f64,
    /// Expected calibration error (10 bins).
    pub ece: f64,
}

/// How the probabilities were calibrated, and the ECE before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CalibrationSummary {
    /// Method (`Platt` or `Isotonic`).
    pub method: String,
    /// ECE of the model's own probabilities.
    pub ece_before: f64,
    /// ECE after calibration.
    pub ece_after: f64,
}

/// A model card. Build with [`ModelCard::new`] and the `with_*` methods; load with
/// [`ModelCard::from_json`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ModelCard {
    /// `wealthscore` version that fitted the model.
    pub crate_version: String,
    /// Model kind or the name the selection gave it.
    pub model: String,
    /// SHA-256 of the feature schema's JSON (the columns the model reads).
    pub schema_sha256: String,
    /// Number of feature columns.
    pub features: usize,
    /// Training rows.
    pub training_rows: usize,
    /// First and last training date or period, when known.
    pub training_period: Option<(String, String)>,
    /// Training churn rate.
    pub label_rate: f64,
    /// Fitting parameters, as JSON.
    pub parameters: serde_json::Value,
    /// Metrics on the test split, when scored.
    pub test: Option<TestMetrics>,
    /// Calibration, when fitted.
    pub calibration: Option<CalibrationSummary>,
    /// SHA-256 of the model's serialised bytes.
    pub model_sha256: String,
    /// Fitting time in seconds.
    pub fit_seconds: f64,
}

impl ModelCard {
    /// A card for the model serialised as `model_bytes`, on `schema`, fitted with
    /// `parameters` on labels `y_train` in `fit_seconds`.
    pub fn new<P: Serialize>(
        model: &str,
        model_bytes: &[u8],
        schema: &FeatureSchema,
        parameters: &P,
        y_train: &[bool],
        fit_seconds: f64,
    ) -> Result<Self> {
        check::non_empty("training labels", y_train)?;
        check::non_negative("fit_seconds", fit_seconds)?;
        let pos = y_train.iter().filter(|&&b| b).count();
        Ok(ModelCard {
            crate_version: env!("CARGO_PKG_VERSION").into(),
            model: model.into(),
            schema_sha256: sha256_hex(&serde_json::to_vec(schema)?),
            features: schema.names.len(),
            training_rows: y_train.len(),
            training_period: None,
            label_rate: pos as f64 / y_train.len() as f64,
            parameters: serde_json::to_value(parameters)?,
            test: None,
            calibration: None,
            model_sha256: sha256_hex(model_bytes),
            fit_seconds,
        })
    }

    /// Adds the training period.
    pub fn with_period(mut self, first: &str, last: &str) -> Self {
        self.training_period = Some((first.into(), last.into()));
        self
    }

    /// Adds metrics of the test-split probabilities `probs` against `y`.
    pub fn with_test(mut self, probs: &[f64], y: &[bool]) -> Result<Self> {
        let pos = y.iter().filter(|&&b| b).count();
        self.test = Some(TestMetrics {
            rows: y.len(),
            churn_rate: pos as f64 / y.len().max(1) as f64,
            roc_auc: roc_auc(probs, y)?,
            average_precision: average_precision(probs, y)?,
            log_loss: log_loss(probs, y)?,
            brier: brier(probs, y)?,
            top_decile_lift: lift_table(probs, y, 10.min(y.len()))?
                .first()
                .map_or(0.0, |r| r.lift),
            ece: calibration(probs, y, 10)?.ece,
        });
        Ok(self)
    }

    /// Adds the calibration and its ECE before and after.
    pub fn with_calibration(mut self, report: &CalibrationReport) -> Self {
        self.calibration = Some(CalibrationSummary {
            method: format!("{:?}", report.method),
            ece_before: report.before.ece,
            ece_after: report.after.ece,
        });
        self
    }

    /// Whether `model_bytes` are the bytes this card describes.
    pub fn matches(&self, model_bytes: &[u8]) -> bool {
        sha256_hex(model_bytes) == self.model_sha256
    }

    /// Serialises to pretty JSON.
    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// Loads from JSON, checking the hashes are hex digests and the figures finite.
    pub fn from_json(json: &str) -> Result<Self> {
        let c: ModelCard = serde_json::from_str(json)?;
        c.validate()?;
        Ok(c)
    }

    /// Checks the hashes are hex digests and the figures finite.
    pub fn validate(&self) -> Result<()> {
        let c = self;
        for (f, h) in [
            ("schema_sha256", &c.schema_sha256),
            ("model_sha256", &c.model_sha256),
        ] {
            if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::invalid(f, h, "must be 64 hex digits"));
            }
        }
        check::probability("label_rate", c.label_rate)?;
        check::non_negative("fit_seconds", c.fit_seconds)?;
        Ok(())
    }

    /// The card as text.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "model card\n  model              {}\n  wealthscore        {}\n  schema sha256      {}\n  features           {}\n  training rows      {}\n",
            self.model, self.crate_version, self.schema_sha256, self.features, self.training_rows
        );
        if let Some((a, b)) = &self.training_period {
            s.push_str(&format!("  training period    {a} .. {b}\n"));
        }
        s.push_str(&format!(
            "  label rate         {:.4}\n  fit time           {:.3} s\n  model sha256       {}\n  parameters         {}\n",
            self.label_rate, self.fit_seconds, self.model_sha256, self.parameters
        ));
        if let Some(t) = &self.test {
            s.push_str(&format!(
                "  test rows          {} (churn rate {:.4})\n  test ROC AUC       {:.4}\n  test PR AUC        {:.4}\n  test log-loss      {:.4}\n  test Brier         {:.4}\n  test lift@10%      {:.2}\n  test ECE           {:.4}\n",
                t.rows, t.churn_rate, t.roc_auc, t.average_precision, t.log_loss, t.brier, t.top_decile_lift, t.ece
            ));
        }
        if let Some(c) = &self.calibration {
            s.push_str(&format!(
                "  calibration        {} (ECE {:.4} before, {:.4} after)\n",
                c.method, c.ece_before, c.ece_after
            ));
        }
        s
    }
}
