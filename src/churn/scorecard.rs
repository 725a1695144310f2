//! A transparent early-warning scorecard: signals with thresholds and points, no training.
//!
//! Each [`Signal`] fires when one feature of the churn schema lies in `[min, max]` and
//! adds its points. Points map to a probability by a logistic calibration
//! `p = sigmoid(intercept + slope × points)`; the defaults (`intercept = −3`,
//! `slope = 0.03`: 0 points → 4.7 %, 50 points → 18 %, 100 points → 50 %) are a
//! documented prior, and [`Scorecard::calibrate`] replaces them by Platt scaling fitted on
//! labelled data (a one-feature logistic regression of the outcome on the points).
//!
//! The default signals are the domain's early-warning signs: falling balance, rising
//! transfer-outs, falling activity, long inactivity, complaints, advisor silence, poor
//! satisfaction, poor performance and high fees. All are plain serde data.
//!
//! ```
//! use wealthscore::churn::{Classifier, scorecard::Scorecard};
//! let card = Scorecard::default();
//! let prob = card.predict_records(&[wealthscore::ClientRecord::example()])?;
//! // The example client has a falling balance, transfer-outs, money moving out and
//! // complaints: 70 points, sigmoid(−3 + 0.03 × 70) = 0.289.
//! assert!((prob[0] - 0.289).abs() < 1e-3);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use super::features::{N_FEATURES, index_of};
use super::logistic::{LogisticModel, LogisticParams};
use super::{Classifier, FeatureSchema, Fit, check_row, sigmoid};
use crate::client::ClientRecord;
use crate::error::{Error, Result, check};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// One warning signal: fires when `min <= x[feature] <= max` (either bound optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Signal {
    /// A short name, e.g. `falling_balance`.
    pub name: String,
    /// The feature of the churn schema it reads.
    pub feature: String,
    /// Lower bound (inclusive), if any.
    #[serde(default)]
    pub min: Option<f64>,
    /// Upper bound (inclusive), if any.
    #[serde(default)]
    pub max: Option<f64>,
    /// Points added when it fires.
    pub points: f64,
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl Signal {
    setters! {
        with_min => min: Option<f64>,
        with_max => max: Option<f64>,
    }
}

impl Signal {
    /// A signal named `name` that fires when `feature` lies in `[min, max]` (an open side
    /// is `None`) and then adds `points`.
    ///
    /// ```
    /// use wealthscore::churn::scorecard::Signal;
    /// let s = Signal::new("many_complaints", "complaints", Some(3.0), None, 40.0);
    /// assert_eq!(s.feature, "complaints");
    /// ```
    pub fn new(name: &str, feature: &str, min: Option<f64>, max: Option<f64>, points: f64) -> Self {
        Signal {
            name: name.into(),
            feature: feature.into(),
            min,
            max,
            points,
        }
    }

    #[inline]
    fn fires(&self, v: f64) -> bool {
        self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScorecardData {
    signals: Vec<Signal>,
    intercept: f64,
    slope: f64,
}

/// The scorecard: signals plus the points-to-probability calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "crate::json::Strict<ScorecardData>",
    into = "ScorecardData"
)]
pub struct Scorecard {
    data: ScorecardData,
    index: Vec<usize>,
    schema: FeatureSchema,
}

crate::json::strict_try_from!(Scorecard, ScorecardData);

/// Most signals a scorecard may hold.
pub const MAX_SIGNALS: usize = 1_000;

impl TryFrom<ScorecardData> for Scorecard {
    type Error = Error;
    fn try_from(d: ScorecardData) -> Result<Self> {
        if d.signals.is_empty() || d.signals.len() > MAX_SIGNALS {
            return Err(Error::config(
                "signals",
                format!("{} signals (1..={MAX_SIGNALS} allowed)", d.signals.len()),
            ));
        }
        check::finite("intercept", d.intercept)?;
        check::finite("slope", d.slope)?;
        let mut index = Vec::with_capacity(d.signals.len());
        for s in &d.signals {
            let f = index_of(&s.feature).ok_or_else(|| {
                Error::config(
                    format!("signals.{}.feature", s.name),
                    format!("`{}` is not a feature of the churn schema", s.feature),
                )
            })?;
            check::finite(&format!("signals.{}.points", s.name), s.points)?;
            for b in [s.min, s.max].into_iter().flatten() {
                check::finite(&format!("signals.{}.bound", s.name), b)?;
            }
            if s.min.is_none() && s.max.is_none() {
                return Err(Error::config(
                    format!("signals.{}", s.name),
                    "needs a min or a max",
                ));
            }
            index.push(f);
        }
        Ok(Scorecard {
            data: d,
            index,
            schema: FeatureSchema::churn(),
        })
    }
}

impl From<Scorecard> for ScorecardData {
    fn from(s: Scorecard) -> Self {
        s.data
    }
}

impl Default for Scorecard {
    /// The default early-warning signals and prior calibration (see the module docs).
    fn default() -> Self {
        let signals = vec![
            Signal::new("falling_balance", "aum_change_3m", None, Some(-0.10), 20.0),
            Signal::new(
                "steep_balance_fall",
                "aum_change_3m",
                None,
                Some(-0.25),
                15.0,
            ),
            Signal::new("transfer_outs", "transfers_out_90d", Some(2.0), None, 10.0),
            Signal::new(
                "money_moving_out",
                "transfer_out_share",
                Some(0.10),
                None,
                20.0,
            ),
            Signal::new(
                "falling_activity",
                "activity_log_ratio",
                None,
                Some(-0.693),
                15.0,
            ),
            Signal::new("long_inactivity", "months_inactive", Some(2.0), None, 10.0),
            Signal::new("complaint", "complaints_12m", Some(1.0), None, 20.0),
            Signal::new(
                "repeated_complaints",
                "complaints_12m",
                Some(3.0),
                None,
                15.0,
            ),
            Signal::new(
                "advisor_silence",
                "no_advisor_contact",
                Some(1.0),
                None,
                15.0,
            ),
            Signal::new(
                "poor_satisfaction",
                "survey_mean",
                Some(1.0),
                Some(2.5),
                15.0,
            ),
            Signal::new(
                "poor_performance",
                "underperformance",
                Some(0.05),
                None,
                10.0,
            ),
            Signal::new("high_fees", "excess_fee_pct", Some(0.3), None, 5.0),
        ];
        // Constants on schema features, finite points and bounds: `new` cannot reject them
        // (every test that builds the default scorecard would fail first).
        Scorecard::new(signals, -3.0, 0.03).unwrap_or_else(|_| unreachable!())
    }
}

impl Scorecard {
    /// Builds a scorecard, validating every signal against the churn schema.
    ///
    /// ```
    /// use wealthscore::churn::scorecard::{Scorecard, Signal};
    /// let bad = Signal::new("x", "no_such", Some(1.0), None, 5.0);
    /// assert!(Scorecard::new(vec![bad], -3.0, 0.03).is_err());
    /// ```
    pub fn new(signals: Vec<Signal>, intercept: f64, slope: f64) -> Result<Self> {
        Scorecard::try_from(ScorecardData {
            signals,
            intercept,
            slope,
        })
    }

    /// The signals.
    pub fn signals(&self) -> &[Signal] {
        &self.data.signals
    }
    /// Calibration intercept (logit at 0 points).
    pub fn intercept(&self) -> f64 {
        self.data.intercept
    }
    /// Calibration slope (logit per point).
    pub fn slope(&self) -> f64 {
        self.data.slope
    }

    /// Total points of a feature vector.
    pub fn points(&self, x: &[f64; N_FEATURES]) -> f64 {
        self.data
            .signals
            .iter()
            .zip(&self.index)
            .filter(|(s, f)| s.fires(x[**f]))
            .map(|(s, _)| s.points)
            .sum()
    }

    /// Names of the signals that fire on `x`.
    pub fn fired(&self, x: &[f64; N_FEATURES]) -> Vec<&str> {
        self.data
            .signals
            .iter()
            .zip(&self.index)
            .filter(|(s, f)| s.fires(x[**f]))
            .map(|(s, _)| s.name.as_str())
            .collect()
    }

    /// Fits Platt scaling on labelled records: `P(churn) = sigmoid(a + b × points)` by
    /// unpenalised logistic regression; replaces the calibration.
    ///
    /// ```
    /// use wealthscore::churn::scorecard::Scorecard;
    /// let p = wealthscore::synth::generate(&Default::default())?;
    /// let mut card = Scorecard::default();
    /// card.calibrate(&p.clients)?;
    /// assert!(card.slope() > 0.0);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn calibrate(&mut self, records: &[ClientRecord]) -> Result<()> {
        let y = super::features::labels(records)?;
        let mut pts = Array2::zeros((records.len(), 1));
        let mut x = [0.0; N_FEATURES];
        for (r, dst) in records.iter().zip(pts.iter_mut()) {
            super::features::extract(r, &mut x)?;
            *dst = self.points(&x);
        }
        let params = LogisticParams {
            l2: 0.0,
            ..Default::default()
        };
        let m = LogisticModel::fit(&params, pts.view(), &y)?;
        self.data.intercept = m.raw_intercept();
        self.data.slope = m.raw_coefficients()[0];
        Ok(())
    }

    fn as_features(x: &[f64]) -> Result<&[f64; N_FEATURES]> {
        x.try_into()
            .map_err(|_| Error::dims("features", N_FEATURES, x.len()))
    }
}

impl Classifier for Scorecard {
    fn schema(&self) -> &FeatureSchema {
        &self.schema
    }

    fn predict_one(&self, x: &[f64]) -> Result<f64> {
        let x = Scorecard::as_features(x)?;
        if x.iter().any(|v| !v.is_finite()) {
            check_row(x, 0)?;
        }
        Ok(sigmoid(
            self.data.intercept + self.data.slope * self.points(x),
        ))
    }

    /// Each fired signal contributes `slope × points` (logit units) to its feature; with
    /// the intercept they add up to the logit.
    fn contributions(&self, x: &[f64], contrib: &mut [f64]) -> Result<f64> {
        let x = Scorecard::as_features(x)?;
        check::same_len("contributions", N_FEATURES, contrib.len())?;
        if x.iter().any(|v| !v.is_finite()) {
            check_row(x, 0)?;
        }
        contrib.iter_mut().for_each(|c| *c = 0.0);
        let mut z = self.data.intercept;
        for (s, &f) in self.data.signals.iter().zip(&self.index) {
            if s.fires(x[f]) {
                let c = self.data.slope * s.points;
                contrib[f] += c;
                z += c;
            }
        }
        Ok(sigmoid(z))
    }

    fn base_value(&self) -> f64 {
        self.data.intercept
    }
}
