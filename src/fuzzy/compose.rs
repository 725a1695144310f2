//! Composition operators B = A ∘ R and reading the grade vector B.

use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// Tolerance on weights summing to 1.
pub const WEIGHT_TOLERANCE: f64 = 1e-6;

/// How the weights A and the membership matrix R are composed into B (`b_j` below).
///
/// | operator | `b_j` | loses |
/// |---|---|---|
/// | `MinMax` M(∧,∨) | `max_i min(a_i, r_ij)` | all but one factor per grade; with many small weights B is just A's largest weights (dominant-factor model) |
/// | `ProductMax` M(·,∨) | `max_i a_i r_ij` | all but one factor per grade, but keeps the weights' proportions |
/// | `MinBoundedSum` M(∧,⊕) | `min(1, Σ_i min(a_i, r_ij))` | memberships above a factor's weight are cut to the weight |
/// | `WeightedAverage` M(·,⊕) | `Σ_i a_i r_ij` | nothing: every factor counts in proportion to its weight (default) |
///
/// Only `WeightedAverage` is monotone in every factor and keeps `Σ b_j = 1` when the
/// weights and the rows of R each sum to 1; the others are normalised afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Operator {
    /// M(∧,∨): Zadeh's max–min composition, the dominant factor decides.
    MinMax,
    /// M(·,∨): product then max, the dominant factor decides with scaled memberships.
    ProductMax,
    /// M(∧,⊕): min then bounded sum.
    MinBoundedSum,
    /// M(·,⊕): the weighted average `B = A R`.
    #[default]
    WeightedAverage,
}

impl Operator {
    /// All operators, in the order of the table above.
    pub const ALL: [Operator; 4] = [
        Operator::MinMax,
        Operator::ProductMax,
        Operator::MinBoundedSum,
        Operator::WeightedAverage,
    ];
}

/// Composes without checks: `a` has `m` entries, `r` is `m × n` row-major, `out` has `n`.
#[inline]
pub(crate) fn compose_unchecked(op: Operator, a: &[f64], r: &[f64], out: &mut [f64]) {
    // One loop per operator so the inner loop carries no branch.
    #[inline(always)]
    fn run(a: &[f64], r: &[f64], out: &mut [f64], f: impl Fn(f64, f64, f64) -> f64) {
        let n = out.len();
        out.iter_mut().for_each(|o| *o = 0.0);
        for (&ai, row) in a.iter().zip(r.chunks_exact(n)) {
            for (o, &rij) in out.iter_mut().zip(row) {
                *o = f(*o, ai, rij);
            }
        }
    }
    match op {
        Operator::MinMax => run(a, r, out, |o, ai, rij| o.max(ai.min(rij))),
        Operator::ProductMax => run(a, r, out, |o, ai, rij| o.max(ai * rij)),
        Operator::MinBoundedSum => {
            run(a, r, out, |o, ai, rij| o + ai.min(rij));
            out.iter_mut().for_each(|o| *o = o.min(1.0));
        }
        Operator::WeightedAverage => run(a, r, out, |o, ai, rij| o + ai * rij),
    }
}

/// Fixed-size [`compose_unchecked`], unrolled by the compiler for the satisfaction
/// index's 3 × 5 and 5 × 5 compositions.
#[inline]
pub(crate) fn compose_fixed<const M: usize, const N: usize>(
    op: Operator,
    a: &[f64; M],
    r: &[[f64; N]; M],
) -> [f64; N] {
    #[inline(always)]
    fn run<const M: usize, const N: usize>(
        a: &[f64; M],
        r: &[[f64; N]; M],
        f: impl Fn(f64, f64, f64) -> f64,
    ) -> [f64; N] {
        let mut out = [0.0; N];
        for i in 0..M {
            for j in 0..N {
                out[j] = f(out[j], a[i], r[i][j]);
            }
        }
        out
    }
    match op {
        Operator::MinMax => run(a, r, |o, ai, rij| o.max(ai.min(rij))),
        Operator::ProductMax => run(a, r, |o, ai, rij| o.max(ai * rij)),
        Operator::MinBoundedSum => run(a, r, |o, ai, rij| o + ai.min(rij)).map(|o| o.min(1.0)),
        Operator::WeightedAverage => run(a, r, |o, ai, rij| o + ai * rij),
    }
}

/// Composes weights `a` (length m) with a row-major `m × n` matrix `r` into `out`
/// (length n), without normalising.
///
/// Checks: `a` non-negative and summing to 1 (within [`WEIGHT_TOLERANCE`]), every `r`
/// value finite in `[0, 1]`, sizes agreeing.
///
/// ```
/// use wealthscore::fuzzy::{compose_into, Operator};
/// let a = [0.6, 0.4];
/// let r = [0.5, 0.5, 0.0, /* row 2 */ 0.0, 0.5, 0.5];
/// let mut b = [0.0; 3];
/// compose_into(Operator::WeightedAverage, &a, &r, &mut b)?;
/// assert!((b[0] - 0.3).abs() < 1e-12 && (b[1] - 0.5).abs() < 1e-12);
/// compose_into(Operator::MinMax, &a, &r, &mut b)?;
/// assert_eq!(b, [0.5, 0.5, 0.4]);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn compose_into(op: Operator, a: &[f64], r: &[f64], out: &mut [f64]) -> Result<()> {
    check::weights("weights", a, WEIGHT_TOLERANCE)?;
    check::non_empty("grades", out)?;
    check::same_len(
        "membership matrix cells vs weights × grades",
        a.len() * out.len(),
        r.len(),
    )?;
    let n = out.len();
    for (k, &v) in r.iter().enumerate() {
        if !(0.0..=1.0).contains(&v) {
            check::in_range(&format!("R[{}][{}]", k / n, k % n), v, 0.0, 1.0)?;
        }
    }
    compose_unchecked(op, a, r, out);
    Ok(())
}

/// Divides `b` by its sum in place; errors if the sum is zero or `b` holds a
/// negative or non-finite value.
pub fn normalise(b: &mut [f64]) -> Result<()> {
    check::non_empty("B", b)?;
    for (i, &v) in b.iter().enumerate() {
        if !(v.is_finite() && v >= 0.0) {
            check::non_negative(&format!("B[{i}]"), v)?;
        }
    }
    let s: f64 = b.iter().sum();
    if s <= 0.0 {
        return Err(Error::invalid(
            "B",
            "all zero",
            "no grade has any membership; the evaluation is undefined",
        ));
    }
    b.iter_mut().for_each(|v| *v /= s);
    Ok(())
}

/// Index of the grade with the largest membership (the maximum-membership principle);
/// ties go to the better (earlier) grade. `None` for an empty slice.
///
/// ```
/// assert_eq!(wealthscore::fuzzy::max_membership(&[0.2, 0.5, 0.3]), Some(1));
/// ```
pub fn max_membership(b: &[f64]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, &v) in b.iter().enumerate() {
        match best {
            Some((_, m)) if v <= m => {}
            _ => best = Some((i, v)),
        }
    }
    best.map(|(i, _)| i)
}

/// Weighted-average score `Σ b_j s_j / Σ b_j`.
///
/// ```
/// let s = wealthscore::fuzzy::weighted_score(&[0.5, 0.5], &[90.0, 70.0])?;
/// assert_eq!(s, 80.0);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn weighted_score(b: &[f64], scores: &[f64]) -> Result<f64> {
    check::same_len("B vs grade scores", scores.len(), b.len())?;
    check::all_finite("grade scores", scores)?;
    let mut bn = b.to_vec();
    normalise(&mut bn)?;
    Ok(bn.iter().zip(scores).map(|(x, s)| x * s).sum())
}

/// The effectiveness index α of the maximum-membership principle.
///
/// With B normalised, `n` grades, β its largest and γ its second-largest value,
/// `α = (n β − 1) / (2 γ (n − 1))`, the "validity" (有效度) measure of the Chinese FCE
/// literature (attributed to Liu Kaidi and co-authors, *Systems Engineering — Theory &
/// Practice*, around 1999; the reference is quoted from secondary use, not checked
/// against the paper). α is 0 when B is uniform (the principle says nothing), grows as
/// the largest grade stands out, and is `+∞` when only one grade has membership. That
/// literature reads α ≥ 1 as very effective, 0.5 ≤ α < 1 as fairly effective and
/// 0 < α < 0.5 as of low effectiveness; when it is low, prefer the weighted-average
/// score.
///
/// ```
/// use wealthscore::fuzzy::effectiveness_index;
/// assert_eq!(effectiveness_index(&[0.25; 4])?, 0.0);
/// assert!(effectiveness_index(&[0.0, 1.0, 0.0])?.is_infinite());
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn effectiveness_index(b: &[f64]) -> Result<f64> {
    if b.len() < 2 {
        return Err(Error::invalid(
            "B",
            format!("{} grades", b.len()),
            "needs at least two grades",
        ));
    }
    let mut bn = b.to_vec();
    normalise(&mut bn)?;
    Ok(effectiveness_unchecked(&bn))
}

#[inline]
pub(crate) fn effectiveness_unchecked(b: &[f64]) -> f64 {
    let (mut beta, mut gamma) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for &v in b {
        if v > beta {
            gamma = beta;
            beta = v;
        } else if v > gamma {
            gamma = v;
        }
    }
    let n = b.len() as f64;
    let num = n * beta - 1.0;
    if gamma <= 0.0 {
        return f64::INFINITY;
    }
    // Rounding can leave n β − 1 a hair below 0 for a uniform B.
    (num / (2.0 * gamma * (n - 1.0))).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_cells_and_weights_are_named() {
        let mut b = [0.0; 2];
        assert!(matches!(
            compose_into(Operator::WeightedAverage, &[1.0], &[0.5, f64::NAN], &mut b),
            Err(Error::NonFinite { field }) if field == "R[0][1]"
        ));
        assert!(matches!(
            compose_into(Operator::MinMax, &[0.5, 0.5], &[0.5, 0.5, 1.5, 0.0], &mut b),
            Err(Error::InvalidInput { field, .. }) if field == "R[1][0]"
        ));
        assert!(compose_into(Operator::MinMax, &[0.5, 0.4], &[0.5; 4], &mut b).is_err());
        assert!(compose_into(Operator::MinMax, &[1.0], &[0.5; 3], &mut b).is_err());
        assert!(normalise(&mut [0.0, 0.0]).is_err());
        assert!(effectiveness_index(&[1.0]).is_err());
    }

    #[test]
    fn effectiveness_closed_form() {
        // n = 4, β = 0.4, γ = 0.3: (4·0.4 − 1) / (2·0.3·3) = 0.6 / 1.8.
        let a = effectiveness_index(&[0.4, 0.3, 0.2, 0.1]).unwrap();
        assert!((a - 1.0 / 3.0).abs() < 1e-12);
        // Unnormalised input is normalised first.
        let b = effectiveness_index(&[4.0, 3.0, 2.0, 1.0]).unwrap();
        assert!((a - b).abs() < 1e-12);
    }
}
