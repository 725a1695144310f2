//! Reason codes: the features that push a client's churn risk up the most, with their
//! contributions, each mapped to a churn cause.
//!
//! Contributions come from [`ChurnModel::predict_with_contributions`]: exact for the
//! logistic model (`β_j (x_j − mean_j)`, logit units), exact TreeSHAP values for the
//! forest (probability units) and the boosted trees (logit units), fired points for the
//! scorecard (logit units). Only positive contributions are reasons.
//!
//! Features that encode one signal together (a count and its zero indicator, the survey
//! mean and its answered flag, a rate and its excess over a threshold) are summed into
//! one reason, a [`SIGNALS`] entry, so that a reason never shows half of a pair (an
//! "answered the survey" flag without the answers' mean).
//!
//! ```
//! use wealthscore::churn::{ChurnModel, reasons::explain, scorecard::Scorecard};
//! let model = ChurnModel::Scorecard(Scorecard::default());
//! let e = explain(&model, &wealthscore::ClientRecord::example(), 3)?;
//! assert_eq!(e.reasons.len(), 3);
//! assert!(e.reasons[0].contribution >= e.reasons[1].contribution);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use super::ChurnModel;
use super::features::{FEATURE_NAMES, N_FEATURES, extract};
use crate::client::{ChurnCause, ClientRecord};
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// A reason signal: a name, its churn cause, and the schema features it sums (the first
/// is the one whose value is shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignalGroup {
    /// Signal name.
    pub name: &'static str,
    /// The churn cause it speaks for.
    pub cause: ChurnCause,
    /// Feature indices; the first is shown as the value.
    pub features: &'static [usize],
}

const fn g(name: &'static str, cause: ChurnCause, features: &'static [usize]) -> SignalGroup {
    SignalGroup {
        name,
        cause,
        features,
    }
}

/// Number of reason signals.
pub const N_SIGNALS: usize = 17;

/// The reason signals over the churn schema; every feature belongs to exactly one.
pub const SIGNALS: [SignalGroup; N_SIGNALS] = [
    g("balance_fall_3m", ChurnCause::Competitor, &[0]),
    g("balance_fall_6m", ChurnCause::Competitor, &[1]),
    g("balance_fall_12m", ChurnCause::Market, &[2]),
    g("transfers_out", ChurnCause::Competitor, &[4, 3]),
    g("falling_activity", ChurnCause::Relationship, &[5]),
    g("inactivity", ChurnCause::Relationship, &[6]),
    g("advisor_silence", ChurnCause::Relationship, &[7, 8]),
    g("complaints", ChurnCause::Service, &[9]),
    g("performance", ChurnCause::Performance, &[10, 11]),
    g("fees", ChurnCause::Fees, &[12, 13]),
    g("product_breadth", ChurnCause::Product, &[14, 15]),
    g("tenure", ChurnCause::Trust, &[16]),
    g("age_band", ChurnCause::LifeEvent, &[17]),
    g("digital_share", ChurnCause::Service, &[18]),
    g("satisfaction", ChurnCause::Service, &[19, 20]),
    g("assets", ChurnCause::Market, &[21]),
    g("dedicated_advisor", ChurnCause::Relationship, &[22]),
];

/// Sums contributions per signal of [`SIGNALS`] into `out`. Allocates nothing.
pub fn signal_contributions(contrib: &[f64; N_FEATURES], out: &mut [f64; N_SIGNALS]) {
    for (o, s) in out.iter_mut().zip(SIGNALS.iter()) {
        *o = s.features.iter().map(|&j| contrib[j]).sum();
    }
}

/// One reason behind a client's risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Reason {
    /// The signal (an entry of [`SIGNALS`]).
    pub signal: String,
    /// Index of the signal's shown feature in the schema.
    pub index: usize,
    /// Name of the shown feature.
    pub feature: String,
    /// The churn cause the feature speaks for.
    pub cause: ChurnCause,
    /// The client's value of the shown feature.
    pub value: f64,
    /// The signal's contribution to the risk (units of the model, see the module docs).
    pub contribution: f64,
}

/// A client's probability with its top reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Explanation {
    /// Churn probability.
    pub probability: f64,
    /// Top reasons, largest contribution first.
    pub reasons: Vec<Reason>,
    /// Positive contributions summed per cause, largest first.
    pub causes: Vec<(ChurnCause, f64)>,
}

/// Writes the indices of the `out.len()` largest positive contributions into `out`,
/// largest first, and returns how many were written. Allocates nothing.
///
/// ```
/// use wealthscore::churn::{features::N_FEATURES, reasons::top_indices};
/// let mut c = [0.0; N_FEATURES];
/// c[4] = 0.3; c[9] = 0.7; c[1] = -1.0;
/// let mut out = [0usize; 3];
/// assert_eq!(top_indices(&c, &mut out), 2);
/// assert_eq!(&out[..2], &[9, 4]);
/// ```
pub fn top_indices<const N: usize>(contrib: &[f64; N], out: &mut [usize]) -> usize {
    crate::schema::SourceIndex::top(contrib, out)
}

/// The top `k` reasons (signals with the largest positive summed contributions) of a
/// feature vector and its contributions.
///
/// ```
/// use wealthscore::churn::{features::N_FEATURES, reasons::top_reasons};
/// let x = [0.0; N_FEATURES];
/// let mut c = [0.0; N_FEATURES];
/// c[19] = -0.4; c[20] = 1.0; // survey mean and answered flag: one signal, +0.6
/// c[9] = 0.5;
/// let r = top_reasons(&x, &c, 3);
/// assert_eq!(r[0].signal, "satisfaction");
/// assert!((r[0].contribution - 0.6).abs() < 1e-12);
/// assert_eq!(r[1].signal, "complaints");
/// ```
pub fn top_reasons(x: &[f64; N_FEATURES], contrib: &[f64; N_FEATURES], k: usize) -> Vec<Reason> {
    let mut sig = [0.0; N_SIGNALS];
    signal_contributions(contrib, &mut sig);
    let mut idx = [0usize; N_SIGNALS];
    let k = k.min(N_SIGNALS);
    let n = top_indices(&sig, &mut idx[..k]);
    idx[..n]
        .iter()
        .map(|&s| {
            let group = &SIGNALS[s];
            let j = group.features.first().copied().unwrap_or(0);
            Reason {
                signal: group.name.to_string(),
                index: j,
                feature: FEATURE_NAMES[j].to_string(),
                cause: group.cause,
                value: x[j],
                contribution: sig[s],
            }
        })
        .collect()
}

/// Positive signal contributions summed per cause, largest first.
pub fn cause_totals(contrib: &[f64; N_FEATURES]) -> Vec<(ChurnCause, f64)> {
    let mut sig = [0.0; N_SIGNALS];
    signal_contributions(contrib, &mut sig);
    let mut totals: Vec<(ChurnCause, f64)> = Vec::new();
    for (&c, cause) in sig.iter().zip(SIGNALS.iter().map(|s| s.cause)) {
        if c > 0.0 {
            match totals.iter_mut().find(|(k, _)| *k == cause) {
                Some((_, t)) => *t += c,
                None => totals.push((cause, c)),
            }
        }
    }
    totals.sort_by(|a, b| b.1.total_cmp(&a.1));
    totals
}

/// Probability and top `k` reasons of one client.
pub fn explain(model: &ChurnModel, client: &ClientRecord, k: usize) -> Result<Explanation> {
    let mut x = [0.0; N_FEATURES];
    let mut contrib = [0.0; N_FEATURES];
    extract(client, &mut x)?;
    let probability = model.predict_with_contributions(&x, &mut contrib)?;
    Ok(Explanation {
        probability,
        reasons: top_reasons(&x, &contrib, k),
        causes: cause_totals(&contrib),
    })
}
