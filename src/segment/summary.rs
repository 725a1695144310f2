//! Portfolio summary per tier: counts, AUM share and average churn risk.

use super::policy::{CompositeTier, TierLabel, Tiering, TieringPolicy};
use crate::client::ClientRecord;
use crate::error::{Result, check};
use serde::{Deserialize, Serialize};

/// Aggregates of the clients in one tier.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TierStats {
    /// Number of clients.
    pub count: usize,
    /// Their total AUM.
    pub aum: f64,
    /// Their share of the portfolio's AUM, in `[0, 1]` (0 when the portfolio holds none).
    pub aum_share: f64,
    /// Mean churn probability, when probabilities were supplied and the tier is not empty.
    pub mean_churn_probability: Option<f64>,
}

/// Counts, AUM share and average churn risk for every tier label and composite tier.
///
/// ```
/// use wealthscore::segment::{PortfolioSummary, TieringPolicy, TierLabel};
/// use wealthscore::synth::{generate, PortfolioConfig};
///
/// let p = generate(&PortfolioConfig::default().with_clients(500))?;
/// let probs: Vec<f64> = p.truth.iter().map(|t| t.probability).collect();
/// let s = PortfolioSummary::from_clients(&TieringPolicy::default(), &p.clients, Some(&probs))?;
/// assert_eq!(s.clients, 500);
/// let asset_count: usize = [TierLabel::HighNetWorth, TierLabel::MidNetWorth, TierLabel::Mass]
///     .iter().map(|&l| s.label(l).count).sum();
/// assert_eq!(asset_count, 500);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PortfolioSummary {
    /// Number of clients.
    pub clients: usize,
    /// Total AUM.
    pub total_aum: f64,
    /// Mean churn probability over the portfolio, when probabilities were supplied.
    pub mean_churn_probability: Option<f64>,
    /// Statistics per tier label, in the order of [`TierLabel::ALL`].
    pub labels: Vec<(TierLabel, TierStats)>,
    /// Statistics per composite tier, in the order of [`CompositeTier::ALL`].
    pub composite: Vec<(CompositeTier, TierStats)>,
}

#[derive(Clone, Copy, Default)]
struct Acc {
    count: usize,
    aum: f64,
    prob: f64,
}

impl PortfolioSummary {
    /// Classifies every client with `policy` (passing its probability, if given, to
    /// [`TieringPolicy::classify`]) and summarises.
    ///
    /// `probabilities`, if given, must be aligned with `clients` and hold probabilities.
    /// Fails on the first client that cannot be classified.
    pub fn from_clients(
        policy: &TieringPolicy,
        clients: &[ClientRecord],
        probabilities: Option<&[f64]>,
    ) -> Result<Self> {
        if let Some(p) = probabilities {
            check::same_len("probabilities vs clients", clients.len(), p.len())?;
        }
        let mut tierings = Vec::with_capacity(clients.len());
        for (i, c) in clients.iter().enumerate() {
            let p = probabilities.and_then(|p| p.get(i).copied());
            tierings.push(policy.classify(c, p)?);
        }
        let aum: Vec<f64> = clients.iter().map(|c| c.aum).collect();
        Self::from_tierings(&tierings, &aum, probabilities)
    }

    /// Summarises tierings already computed, with each client's AUM and, optionally,
    /// churn probability (all aligned).
    pub fn from_tierings(
        tierings: &[Tiering],
        aum: &[f64],
        probabilities: Option<&[f64]>,
    ) -> Result<Self> {
        check::same_len("aum vs tierings", tierings.len(), aum.len())?;
        if let Some(p) = probabilities {
            check::same_len("probabilities vs tierings", tierings.len(), p.len())?;
            for (i, &x) in p.iter().enumerate() {
                crate::error::check::in_range_lazy(x, 0.0, 1.0, || format!("probabilities[{i}]"))?;
            }
        }
        let mut labels = [Acc::default(); TierLabel::ALL.len()];
        let mut composite = [Acc::default(); CompositeTier::ALL.len()];
        let (mut total_aum, mut total_prob) = (0.0, 0.0);
        for (i, (t, &a)) in tierings.iter().zip(aum).enumerate() {
            crate::error::check::in_range_lazy(a, 0.0, f64::MAX, || format!("aum[{i}]"))?;
            let p = probabilities.and_then(|p| p.get(i).copied()).unwrap_or(0.0);
            total_aum += a;
            total_prob += p;
            for l in t.labels() {
                let acc = &mut labels[l.index()];
                acc.count += 1;
                acc.aum += a;
                acc.prob += p;
            }
            let acc = &mut composite[t.composite.index()];
            acc.count += 1;
            acc.aum += a;
            acc.prob += p;
        }
        let has_p = probabilities.is_some();
        let stats = |acc: &Acc| TierStats {
            count: acc.count,
            aum: acc.aum,
            aum_share: if total_aum > 0.0 {
                acc.aum / total_aum
            } else {
                0.0
            },
            mean_churn_probability: (has_p && acc.count > 0).then(|| acc.prob / acc.count as f64),
        };
        let n = tierings.len();
        Ok(PortfolioSummary {
            clients: n,
            total_aum,
            mean_churn_probability: (has_p && n > 0).then(|| total_prob / n as f64),
            labels: TierLabel::ALL
                .iter()
                .zip(labels.iter())
                .map(|(&l, a)| (l, stats(a)))
                .collect(),
            composite: CompositeTier::ALL
                .iter()
                .zip(composite.iter())
                .map(|(&c, a)| (c, stats(a)))
                .collect(),
        })
    }

    /// Statistics of one tier label.
    pub fn label(&self, label: TierLabel) -> TierStats {
        self.labels
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, s)| *s)
            .unwrap_or_default()
    }

    /// Statistics of one composite tier.
    pub fn composite_tier(&self, tier: CompositeTier) -> TierStats {
        self.composite
            .iter()
            .find(|(c, _)| *c == tier)
            .map(|(_, s)| *s)
            .unwrap_or_default()
    }
}
