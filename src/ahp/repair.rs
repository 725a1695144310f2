//! Finding and repairing the judgments that make a matrix inconsistent.
//!
//! With Perron weights `w`, judgment `a_ij` is consistent when `a_ij = w_i / w_j`; its
//! error is `ε_ij = a_ij · w_j / w_i` (Saaty 2003, "Decision-making with the AHP: why is
//! the principal eigenvector necessary", EJOR 145), and `λmax = n + Σ_{i<j}(ε_ij + 1/ε_ij − 2)/n`,
//! so the judgments with `max(ε, 1/ε)` largest contribute most to inconsistency.

use super::incomplete::{Scratch, minimise_entry};
use super::matrix::{PairwiseMatrix, SAATY_SCALE};
use super::priority::{Priorities, PriorityMethod, perron};
use super::random_index::ConsistencyConfig;
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// Most items [`PairwiseMatrix::repair`] accepts. With the default strategy each change
/// tries every unchanged judgment by a line search on λmax, O(n⁴) per change and up to
/// n(n−1)/2 changes: repairing to a CR of 0.01 took 1.3 s at n = 15, 4.5 s at n = 20 and
/// 55 s at n = 30 on a shared 2-core machine (hours at n = 100).
pub const MAX_REPAIR_ITEMS: usize = 20;

/// One judgment's departure from consistency.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgmentError {
    /// Row (0-based), `< col`.
    pub row: usize,
    /// Column (0-based).
    pub col: usize,
    /// The judgment `a[row][col]`.
    pub value: f64,
    /// `w_row / w_col`: the value that would agree with the current weights.
    pub consistent_value: f64,
    /// `ε = a · w_col / w_row`.
    pub epsilon: f64,
    /// `max(ε, 1/ε) ≥ 1`: how many times too large or too small the judgment is.
    pub deviation: f64,
}

/// How [`PairwiseMatrix::repair`] picks the next judgment to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum RepairStrategy {
    /// Try every unchanged judgment at its λmax-minimising value and change the one that
    /// lowers λmax most (default; fewest changes).
    #[default]
    BestImprovement,
    /// Change the judgment with the largest `max(ε, 1/ε)` to `w_i / w_j` (Saaty's rule).
    LargestError,
}

/// Options for [`PairwiseMatrix::repair`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RepairOptions {
    /// CR to reach (default 0.10), in (0, 1].
    pub target_cr: f64,
    /// Most judgments to change (default: no limit beyond n(n−1)/2).
    pub max_changes: usize,
    /// Round new values to the nearest value of Saaty's 1/9…9 scale (default false).
    pub round_to_scale: bool,
    /// Choice rule (default [`RepairStrategy::BestImprovement`]).
    pub strategy: RepairStrategy,
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl RepairOptions {
    setters! {
        with_target_cr => target_cr: f64,
        with_max_changes => max_changes: usize,
        with_round_to_scale => round_to_scale: bool,
        with_strategy => strategy: RepairStrategy,
    }
}

impl Default for RepairOptions {
    fn default() -> Self {
        RepairOptions {
            target_cr: 0.10,
            max_changes: usize::MAX,
            round_to_scale: false,
            strategy: RepairStrategy::BestImprovement,
        }
    }
}

impl RepairOptions {
    /// Checks `target_cr` lies in (0, 1].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `target_cr`.
    pub fn validate(&self) -> Result<()> {
        check::finite("target_cr", self.target_cr)?;
        if self.target_cr <= 0.0 || self.target_cr > 1.0 {
            return Err(Error::invalid(
                "target_cr",
                self.target_cr,
                "must lie in (0, 1]",
            ));
        }
        Ok(())
    }
}

/// A judgment changed by a repair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgmentChange {
    /// Row (0-based), `< col`.
    pub row: usize,
    /// Column (0-based).
    pub col: usize,
    /// Value before.
    pub old: f64,
    /// Value after.
    pub new: f64,
}

/// Result of [`PairwiseMatrix::repair`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Repair {
    /// The repaired matrix.
    pub matrix: PairwiseMatrix,
    /// Judgments changed, in order.
    pub changes: Vec<JudgmentChange>,
    /// Eigenvector priorities of the repaired matrix.
    pub priorities: Priorities,
    /// Whether `target_cr` was reached.
    pub reached: bool,
}

/// Nearest value of Saaty's scale (1/9 … 1/2, 1, 2 … 9) in log distance.
fn round_to_scale(x: f64) -> f64 {
    let (lo, hi) = SAATY_SCALE;
    let x = x.clamp(lo, hi);
    let k = if x >= 1.0 {
        x.round()
    } else {
        1.0 / (1.0 / x).round()
    };
    // Compare with the neighbour on the other side in log space.
    let alt = if x >= 1.0 {
        if x.round() > x { x.floor() } else { x.ceil() }
    } else {
        let r = 1.0 / x;
        1.0 / if r.round() > r { r.floor() } else { r.ceil() }
    };
    if alt > 0.0 && (alt.ln() - x.ln()).abs() < (k.ln() - x.ln()).abs() {
        alt
    } else {
        k
    }
}

impl PairwiseMatrix {
    /// Every judgment above the diagonal with its error against the eigenvector weights,
    /// largest `max(ε, 1/ε)` first.
    ///
    /// ```
    /// use wealthscore::ahp::PairwiseMatrix;
    /// // Weights (8, 4, 2, 1) would give a[0][3] = 8; the judgment says 1/8.
    /// let m = PairwiseMatrix::from_upper_triangle(4, &[2.0, 4.0, 0.125, 2.0, 4.0, 2.0])?;
    /// let worst = m.inconsistency()?[0];
    /// assert_eq!((worst.row, worst.col), (0, 3));
    /// assert!(worst.consistent_value > worst.value); // the judgment is too small
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::NotConverged`] only for judgments of absurd magnitude.
    pub fn inconsistency(&self) -> Result<Vec<JudgmentError>> {
        let n = self.n();
        let w = self.weights(PriorityMethod::Eigenvector)?;
        let a = self.as_slice();
        let mut out = Vec::with_capacity(n * (n.saturating_sub(1)) / 2);
        for i in 0..n {
            for j in i + 1..n {
                let v = a[i * n + j];
                let eps = v * w[j] / w[i];
                out.push(JudgmentError {
                    row: i,
                    col: j,
                    value: v,
                    consistent_value: w[i] / w[j],
                    epsilon: eps,
                    deviation: eps.max(1.0 / eps),
                });
            }
        }
        out.sort_by(|x, y| y.deviation.total_cmp(&x.deviation));
        Ok(out)
    }

    /// Changes as few judgments as the strategy can find until CR (eigenvector, against
    /// `config`'s random index) is at most `options.target_cr`; each judgment changes at
    /// most once.
    ///
    /// ```
    /// use wealthscore::ahp::{PairwiseMatrix, RepairOptions, ConsistencyConfig};
    /// // Consistent weights (8, 4, 2, 1) with one reversed judgment a[0][3] = 1/8.
    /// let m = PairwiseMatrix::from_upper_triangle(4, &[2.0, 4.0, 0.125, 2.0, 4.0, 2.0])?;
    /// let r = m.repair(&RepairOptions::default(), &ConsistencyConfig::default())?;
    /// assert!(r.reached);
    /// assert_eq!(r.changes.len(), 1);
    /// assert_eq!((r.changes[0].row, r.changes[0].col), (0, 3));
    /// assert!((r.changes[0].new - 8.0).abs() < 1e-5);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// Invalid options or config; errors of the random index table;
    /// [`Error::InvalidInput`] naming `n` for a matrix of more than [`MAX_REPAIR_ITEMS`]
    /// items.
    pub fn repair(&self, options: &RepairOptions, config: &ConsistencyConfig) -> Result<Repair> {
        options.validate()?;
        config.validate()?;
        let n = self.n();
        if n > MAX_REPAIR_ITEMS {
            return Err(Error::invalid(
                "n",
                n,
                format!(
                    "repair handles at most MAX_REPAIR_ITEMS = {MAX_REPAIR_ITEMS} items; \
                     split the criteria into a hierarchy of smaller matrices"
                ),
            ));
        }
        let mut m = self.clone();
        let mut changes: Vec<JudgmentChange> = Vec::new();
        let mut p = m.priorities_with(PriorityMethod::Eigenvector, config)?;
        let mut scratch = Scratch::new(n);
        let mut buf = m.as_slice().to_vec();
        while p.consistency_ratio > options.target_cr && changes.len() < options.max_changes {
            let changed = |i: usize, j: usize| changes.iter().any(|c| c.row == i && c.col == j);
            let pick: Option<(usize, usize, f64)> = match options.strategy {
                RepairStrategy::LargestError => m
                    .inconsistency()?
                    .into_iter()
                    .find(|e| !changed(e.row, e.col))
                    .map(|e| (e.row, e.col, e.consistent_value)),
                RepairStrategy::BestImprovement => {
                    let mut best: Option<(usize, usize, f64, f64)> = None;
                    for i in 0..n {
                        for j in i + 1..n {
                            if changed(i, j) {
                                continue;
                            }
                            buf.copy_from_slice(m.as_slice());
                            let (t, lam) = minimise_entry(&mut buf, n, i, j, &mut scratch)?;
                            let x = t.exp();
                            let lam = if options.round_to_scale {
                                let r = round_to_scale(x);
                                buf.copy_from_slice(m.as_slice());
                                buf[i * n + j] = r;
                                buf[j * n + i] = 1.0 / r;
                                let mut w = vec![1.0 / n as f64; n];
                                let mut y = vec![0.0; n];
                                perron(&buf, n, &mut w, &mut y)?.0
                            } else {
                                lam
                            };
                            if best.is_none_or(|b| lam < b.3) {
                                best = Some((i, j, x, lam));
                            }
                        }
                    }
                    best.map(|(i, j, x, _)| (i, j, x))
                }
            };
            let Some((i, j, x)) = pick else { break };
            let new = if options.round_to_scale {
                round_to_scale(x)
            } else {
                x
            };
            let old = m.as_slice()[i * n + j];
            m.set(i, j, new)?;
            changes.push(JudgmentChange {
                row: i,
                col: j,
                old,
                new,
            });
            p = m.priorities_with(PriorityMethod::Eigenvector, config)?;
        }
        let reached = p.consistency_ratio <= options.target_cr;
        Ok(Repair {
            matrix: m,
            changes,
            priorities: p,
            reached,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::round_to_scale;

    #[test]
    fn rounds_in_log_space() {
        assert_eq!(round_to_scale(7.6), 8.0);
        assert_eq!(round_to_scale(20.0), 9.0);
        assert_eq!(round_to_scale(0.3), 1.0 / 3.0);
        assert_eq!(round_to_scale(1.4), 1.0); // ln 1.4 = 0.34 < ln(2/1.4) = 0.36
        assert_eq!(round_to_scale(1.45), 2.0);
        assert_eq!(round_to_scale(0.01), 1.0 / 9.0);
    }
}
