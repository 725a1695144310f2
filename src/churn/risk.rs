//! Risk levels: churn probability cut-offs to low / medium / high / critical, set by hand
//! or chosen so that a target share of clients raises an alert.
//!
//! ```
//! use wealthscore::churn::risk::{RiskCutoffs, RiskLevel};
//! let cut = RiskCutoffs::default(); // 0.10 / 0.25 / 0.50
//! assert_eq!(cut.level(0.05), RiskLevel::Low);
//! assert_eq!(cut.level(0.30), RiskLevel::High);
//!
//! // Alert (high or critical) on the riskiest 20 % of a book.
//! let probs: Vec<f64> = (0..100).map(|i| i as f64 / 100.0).collect();
//! let cut = RiskCutoffs::for_alert_volume(&probs, 0.20)?;
//! assert_eq!(cut.counts(&probs)[2] + cut.counts(&probs)[3], 20);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// A client's churn risk level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RiskLevel {
    /// Below the medium cut-off.
    Low,
    /// At least the medium cut-off.
    Medium,
    /// At least the high cut-off: raise an alert.
    High,
    /// At least the critical cut-off: act now.
    Critical,
}

impl RiskLevel {
    /// All levels, lowest first.
    pub const ALL: [RiskLevel; 4] = [
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::Critical,
    ];

    /// Whether the level raises an alert (high or critical).
    pub fn is_alert(self) -> bool {
        self >= RiskLevel::High
    }
}

/// Probability cut-offs (inclusive lower bounds) of the medium, high and critical levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CutoffData", into = "CutoffData")]
pub struct RiskCutoffs {
    medium: f64,
    high: f64,
    critical: f64,
}

#[derive(Serialize, Deserialize)]
struct CutoffData {
    medium: f64,
    high: f64,
    critical: f64,
}

impl TryFrom<CutoffData> for RiskCutoffs {
    type Error = Error;
    fn try_from(d: CutoffData) -> Result<Self> {
        RiskCutoffs::new(d.medium, d.high, d.critical)
    }
}

impl From<RiskCutoffs> for CutoffData {
    fn from(c: RiskCutoffs) -> Self {
        CutoffData {
            medium: c.medium,
            high: c.high,
            critical: c.critical,
        }
    }
}

impl Default for RiskCutoffs {
    /// 10 % / 25 % / 50 %: about the base churn rate of a wealth book, 2× and 4× it.
    fn default() -> Self {
        RiskCutoffs {
            medium: 0.10,
            high: 0.25,
            critical: 0.50,
        }
    }
}

impl RiskCutoffs {
    /// Cut-offs in `[0, 1]`, with `medium <= high <= critical`.
    ///
    /// ```
    /// assert!(wealthscore::churn::risk::RiskCutoffs::new(0.3, 0.2, 0.5).is_err());
    /// ```
    pub fn new(medium: f64, high: f64, critical: f64) -> Result<Self> {
        check::probability("medium", medium)?;
        check::probability("high", high)?;
        check::probability("critical", critical)?;
        if !(medium <= high && high <= critical) {
            return Err(Error::config(
                "risk cut-offs",
                format!("need medium <= high <= critical, got {medium}, {high}, {critical}"),
            ));
        }
        Ok(RiskCutoffs {
            medium,
            high,
            critical,
        })
    }

    /// Cut-offs chosen on a book's probabilities so that about `alert_share` of clients
    /// are high or critical: critical is the top quarter of that share, medium the next
    /// `alert_share` below it (so medium-or-worse is `2 × alert_share`, capped at all).
    /// Ties at a cut-off all go to the higher level, so the volume can exceed the target.
    pub fn for_alert_volume(probs: &[f64], alert_share: f64) -> Result<Self> {
        check::non_empty("probabilities", probs)?;
        check::all_finite("probabilities", probs)?;
        if !(alert_share > 0.0 && alert_share <= 0.5) {
            return Err(Error::invalid(
                "alert_share",
                alert_share,
                "must lie in (0, 0.5]",
            ));
        }
        let mut s = probs.to_vec();
        s.sort_unstable_by(|a, b| b.total_cmp(a));
        let n = s.len();
        let at = |share: f64| {
            let k = ((share * n as f64).round() as usize).clamp(1, n);
            s[k - 1].clamp(0.0, 1.0)
        };
        RiskCutoffs::new(
            at(2.0 * alert_share),
            at(alert_share),
            at(alert_share / 4.0),
        )
    }

    /// The medium cut-off.
    pub fn medium(&self) -> f64 {
        self.medium
    }
    /// The high cut-off.
    pub fn high(&self) -> f64 {
        self.high
    }
    /// The critical cut-off.
    pub fn critical(&self) -> f64 {
        self.critical
    }

    /// The level of a probability.
    #[inline]
    pub fn level(&self, p: f64) -> RiskLevel {
        if p >= self.critical {
            RiskLevel::Critical
        } else if p >= self.high {
            RiskLevel::High
        } else if p >= self.medium {
            RiskLevel::Medium
        } else {
            RiskLevel::Low
        }
    }

    /// Clients per level, in the order of [`RiskLevel::ALL`].
    pub fn counts(&self, probs: &[f64]) -> [usize; 4] {
        let mut c = [0; 4];
        for &p in probs {
            c[self.level(p) as usize] += 1;
        }
        c
    }
}
