//! Group decisions: aggregating several experts' judgments (AIJ) or priorities (AIP).
//!
//! Following Forman & Peniwati (1998), "Aggregating individual judgments and priorities
//! with the AHP", EJOR 108: judgments are aggregated by the weighted geometric mean, which
//! keeps the result reciprocal; priorities by the weighted arithmetic or geometric mean.

use super::matrix::{MAX_JUDGMENT, PairwiseMatrix};
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// Mean used to aggregate individual priorities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PriorityMean {
    /// Weighted arithmetic mean (Forman & Peniwati's advice for AIP).
    #[default]
    Arithmetic,
    /// Weighted geometric mean, renormalised.
    Geometric,
}

/// Expert weights normalised to sum 1; `None` means equal weights.
fn expert_weights(k: usize, w: Option<&[f64]>) -> Result<Vec<f64>> {
    match w {
        None => Ok(vec![1.0 / k as f64; k]),
        Some(w) => {
            check::same_len("expert_weights", k, w.len())?;
            for (i, &x) in w.iter().enumerate() {
                check::non_negative(&format!("expert_weights[{i}]"), x)?;
            }
            let s: f64 = w.iter().sum();
            if s <= 0.0 {
                return Err(Error::invalid(
                    "expert_weights",
                    "all zero",
                    "need a positive sum",
                ));
            }
            Ok(w.iter().map(|x| x / s).collect())
        }
    }
}

/// Aggregation of individual judgments (AIJ): `a_ij = Π_k a_ij^(k)^λ_k`, with expert
/// weights λ (normalised to sum 1; `None` for equal weights). Labels come from the first
/// matrix; labelled matrices must agree.
///
/// ```
/// use wealthscore::ahp::{aggregate_judgments, PairwiseMatrix};
/// let a = PairwiseMatrix::from_upper_triangle(2, &[4.0])?;
/// let b = PairwiseMatrix::from_upper_triangle(2, &[1.0])?;
/// let g = aggregate_judgments(&[a, b], None)?;
/// assert!((g.get(0, 1).unwrap() - 2.0).abs() < 1e-12); // sqrt(4 · 1)
/// # Ok::<(), wealthscore::Error>(())
/// ```
///
/// # Errors
/// [`Error::Empty`] for no matrices, [`Error::DimensionMismatch`] for differing sizes,
/// [`Error::InvalidInput`] for differing labels or invalid expert weights.
pub fn aggregate_judgments(
    matrices: &[PairwiseMatrix],
    expert_weights_: Option<&[f64]>,
) -> Result<PairwiseMatrix> {
    let first = matrices.first().ok_or_else(|| Error::Empty {
        what: "expert matrices".into(),
    })?;
    let lam = expert_weights(matrices.len(), expert_weights_)?;
    let n = first.n();
    let mut labels = first.labels().map(<[String]>::to_vec);
    for (k, m) in matrices.iter().enumerate() {
        check::same_len(&format!("size of expert matrix {k}"), n, m.n())?;
        if let Some(l) = m.labels() {
            match &labels {
                Some(l0) if l0.as_slice() != l => {
                    return Err(Error::invalid(
                        format!("labels of expert matrix {k}"),
                        l.join(","),
                        "must match the other experts' labels",
                    ));
                }
                None => labels = Some(l.to_vec()),
                _ => {}
            }
        }
    }
    let mut upper = Vec::with_capacity(n * (n - 1) / 2);
    for i in 0..n {
        for j in i + 1..n {
            let mut log = 0.0;
            for (m, l) in matrices.iter().zip(&lam) {
                log += l * m.as_slice()[i * n + j].ln();
            }
            // A weighted geometric mean stays within the judgments' bounds but for rounding.
            upper.push(log.exp().clamp(1.0 / MAX_JUDGMENT, MAX_JUDGMENT));
        }
    }
    let g = PairwiseMatrix::from_upper_triangle(n, &upper)?;
    match labels {
        Some(l) => g.with_labels(l),
        None => Ok(g),
    }
}

/// Aggregation of individual priorities (AIP): the weighted mean of each expert's weight
/// vector, renormalised to sum 1.
///
/// ```
/// use wealthscore::ahp::{aggregate_priorities, PriorityMean};
/// let w = aggregate_priorities(&[vec![0.6, 0.4], vec![0.2, 0.8]], Some(&[3.0, 1.0]), PriorityMean::Arithmetic)?;
/// assert!((w[0] - 0.5).abs() < 1e-12); // 0.75·0.6 + 0.25·0.2
/// # Ok::<(), wealthscore::Error>(())
/// ```
///
/// # Errors
/// [`Error::Empty`], [`Error::DimensionMismatch`] or [`Error::InvalidInput`] for invalid
/// vectors or expert weights (each vector must be positive for the geometric mean).
pub fn aggregate_priorities(
    priorities: &[Vec<f64>],
    expert_weights_: Option<&[f64]>,
    mean: PriorityMean,
) -> Result<Vec<f64>> {
    let first = priorities.first().ok_or_else(|| Error::Empty {
        what: "expert priorities".into(),
    })?;
    let lam = expert_weights(priorities.len(), expert_weights_)?;
    let n = first.len();
    check::non_empty("expert priorities[0]", first)?;
    for (k, p) in priorities.iter().enumerate() {
        check::same_len(&format!("expert priorities[{k}]"), n, p.len())?;
        for (i, &x) in p.iter().enumerate() {
            let f = format!("expert priorities[{k}][{i}]");
            match mean {
                PriorityMean::Arithmetic => check::non_negative(&f, x)?,
                PriorityMean::Geometric => check::positive(&f, x)?,
            };
        }
    }
    let mut out = vec![0.0; n];
    for (p, l) in priorities.iter().zip(&lam) {
        for (o, x) in out.iter_mut().zip(p) {
            *o += match mean {
                PriorityMean::Arithmetic => l * x,
                PriorityMean::Geometric => l * x.ln(),
            };
        }
    }
    if mean == PriorityMean::Geometric {
        for o in out.iter_mut() {
            *o = o.exp();
        }
    }
    let s: f64 = out.iter().sum();
    if s <= 0.0 {
        return Err(Error::invalid(
            "expert priorities",
            "all zero",
            "need a positive sum",
        ));
    }
    for o in out.iter_mut() {
        *o /= s;
    }
    Ok(out)
}
