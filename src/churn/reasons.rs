//! Reason codes: the features that push a client's churn risk up the most, with their
//! contributions, each mapped to a churn cause.
//!
//! Contributions come from [`ChurnModel::predict_with_contributions`]: exact for the
//! logistic model (`β_j (x_j − mean_j)`, logit units), Saabas path contributions for the
//! forest (probability units), fired points for the scorecard (logit units). Only
//! positive contributions are reasons.
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
use super::features::{FEATURE_CAUSES, FEATURE_NAMES, N_FEATURES, extract};
use crate::client::{ChurnCause, ClientRecord};
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// One reason behind a client's risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// Feature index in the schema.
    pub index: usize,
    /// Feature name.
    pub feature: String,
    /// The churn cause the feature speaks for.
    pub cause: ChurnCause,
    /// The client's feature value.
    pub value: f64,
    /// Its contribution to the risk (units of the model, see the module docs).
    pub contribution: f64,
}

/// A client's probability with its top reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
pub fn top_indices(contrib: &[f64; N_FEATURES], out: &mut [usize]) -> usize {
    let mut used = 0;
    for (j, &c) in contrib.iter().enumerate() {
        if c <= 0.0 || c.is_nan() {
            continue;
        }
        // Insertion into the sorted prefix.
        let mut pos = used;
        while pos > 0 && contrib[out[pos - 1]] < c {
            pos -= 1;
        }
        if pos >= out.len() {
            continue;
        }
        let end = (used + 1).min(out.len());
        for k in (pos + 1..end).rev() {
            out[k] = out[k - 1];
        }
        out[pos] = j;
        used = end;
    }
    used
}

/// The top `k` reasons of a feature vector and its contributions.
pub fn top_reasons(x: &[f64; N_FEATURES], contrib: &[f64; N_FEATURES], k: usize) -> Vec<Reason> {
    let mut idx = [0usize; N_FEATURES];
    let k = k.min(N_FEATURES);
    let n = top_indices(contrib, &mut idx[..k]);
    idx[..n]
        .iter()
        .map(|&j| Reason {
            index: j,
            feature: FEATURE_NAMES[j].to_string(),
            cause: FEATURE_CAUSES[j],
            value: x[j],
            contribution: contrib[j],
        })
        .collect()
}

/// Positive contributions summed per cause, largest first.
pub fn cause_totals(contrib: &[f64; N_FEATURES]) -> Vec<(ChurnCause, f64)> {
    let mut totals: Vec<(ChurnCause, f64)> = Vec::new();
    for (&c, &cause) in contrib.iter().zip(FEATURE_CAUSES.iter()) {
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
