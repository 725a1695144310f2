//! Priority vectors and consistency of a pairwise matrix.

use super::matrix::PairwiseMatrix;
use super::random_index::{ConsistencyConfig, RandomIndex};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Relative width of the Collatz–Wielandt bracket `[min (Aw)_i/w_i, max (Aw)_i/w_i]`
/// at which power iteration stops; it bounds the error of λmax and, through the
/// eigen-gap, of the weights (well under 1e-10 for any judgment matrix on the 1–9 scale).
pub(crate) const EIGEN_TOL: f64 = 1e-13;
/// Power iteration cap; a positive matrix converges geometrically, so hitting it means
/// judgments of absurd magnitude.
pub(crate) const EIGEN_MAX_ITER: usize = 10_000;

/// How weights are derived from a pairwise matrix.
///
/// All three agree exactly on a consistent matrix; on an inconsistent one they differ
/// slightly. Whatever the method, [`Priorities::lambda_max`] is the principal eigenvalue of
/// the matrix, so CI and CR are Saaty's and are reported for every method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PriorityMethod {
    /// Saaty's principal right eigenvector (default), by power iteration to a certified
    /// bracket of relative width 1e-13 on λmax.
    #[default]
    Eigenvector,
    /// Normalised row geometric means (Crawford & Williams' logarithmic least squares).
    GeometricMean,
    /// Mean of the column-normalised matrix (the "additive normalisation" approximation).
    ColumnMean,
}

/// Weights and consistency of one pairwise matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Priorities {
    /// Method that produced the weights.
    pub method: PriorityMethod,
    /// Weights, positive, summing to 1, in the matrix's item order.
    pub weights: Vec<f64>,
    /// Item labels, if the matrix had them.
    pub labels: Option<Vec<String>>,
    /// Principal (Perron) eigenvalue of the matrix, ≥ n.
    pub lambda_max: f64,
    /// Consistency index `(λmax − n)/(n − 1)`; 0 for n ≤ 2.
    pub consistency_index: f64,
    /// Random index used.
    pub random_index: f64,
    /// Table the random index came from.
    pub random_index_table: RandomIndex,
    /// Consistency ratio `CI / RI`; 0 for n ≤ 2.
    pub consistency_ratio: f64,
    /// Threshold the ratio was held to.
    pub threshold: f64,
    /// Whether `consistency_ratio <= threshold`.
    pub acceptable: bool,
    /// Power iterations spent on λmax.
    pub iterations: usize,
}

impl Priorities {
    /// Item indices from the highest weight to the lowest (ties keep item order).
    pub fn ranking(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.weights.len()).collect();
        idx.sort_by(|&a, &b| self.weights[b].total_cmp(&self.weights[a]));
        idx
    }

    /// `Ok(self)` if the consistency ratio is acceptable.
    ///
    /// # Errors
    /// [`Error::Inconsistent`] naming `what`, with the ratio and the threshold.
    pub fn require_acceptable(self, what: &str) -> Result<Self> {
        if self.acceptable {
            Ok(self)
        } else {
            Err(Error::Inconsistent {
                what: what.to_string(),
                ratio: self.consistency_ratio,
                threshold: self.threshold,
            })
        }
    }
}

impl PairwiseMatrix {
    /// Weights and consistency by `method`, with the default [`ConsistencyConfig`]
    /// (Saaty 1980 random index, CR ≤ 0.10 acceptable).
    ///
    /// ```
    /// use wealthscore::ahp::{PairwiseMatrix, PriorityMethod};
    /// let m = PairwiseMatrix::from_upper_triangle(3, &[3.0, 5.0, 2.0])?;
    /// let p = m.priorities(PriorityMethod::GeometricMean)?;
    /// assert!((p.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    /// assert!(p.acceptable);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if the default random index table does not cover n (n > 15);
    /// [`Error::NotConverged`] only for judgments of absurd magnitude.
    pub fn priorities(&self, method: PriorityMethod) -> Result<Priorities> {
        self.priorities_with(method, &ConsistencyConfig::default())
    }

    /// Weights and consistency by `method` under `config`.
    ///
    /// # Errors
    /// As [`PairwiseMatrix::priorities`], plus an invalid `config`.
    pub fn priorities_with(
        &self,
        method: PriorityMethod,
        config: &ConsistencyConfig,
    ) -> Result<Priorities> {
        config.validate()?;
        let n = self.n();
        let ri = config.random_index.value(n)?;
        let a = self.as_slice();
        let mut w = vec![0.0; n];
        let mut y = vec![0.0; n];
        let (lambda, iterations) = match method {
            PriorityMethod::Eigenvector => {
                w.fill(1.0 / n as f64);
                perron(a, n, &mut w, &mut y)?
            }
            PriorityMethod::GeometricMean | PriorityMethod::ColumnMean => {
                if method == PriorityMethod::GeometricMean {
                    geometric_mean(a, n, &mut w);
                } else {
                    column_mean(a, n, &mut w);
                }
                // λmax from the Perron vector, warm-started at the method's weights.
                y.copy_from_slice(&w);
                let mut z = vec![0.0; n];
                perron(a, n, &mut y, &mut z)?
            }
        };
        Ok(finish(
            method,
            w,
            self.labels(),
            lambda,
            iterations,
            ri,
            config,
            n,
        ))
    }

    /// Just the weights by `method` (what other modules need).
    ///
    /// ```
    /// use wealthscore::ahp::{PairwiseMatrix, PriorityMethod};
    /// let w = PairwiseMatrix::from_weights(&[0.5, 0.3, 0.2])?.weights(PriorityMethod::Eigenvector)?;
    /// assert!((w[1] - 0.3).abs() < 1e-12);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::NotConverged`] only for judgments of absurd magnitude.
    pub fn weights(&self, method: PriorityMethod) -> Result<Vec<f64>> {
        let n = self.n();
        let a = self.as_slice();
        let mut w = vec![0.0; n];
        match method {
            PriorityMethod::Eigenvector => {
                w.fill(1.0 / n as f64);
                let mut y = vec![0.0; n];
                perron(a, n, &mut w, &mut y)?;
            }
            PriorityMethod::GeometricMean => geometric_mean(a, n, &mut w),
            PriorityMethod::ColumnMean => column_mean(a, n, &mut w),
        }
        Ok(w)
    }

    /// The principal eigenvalue λmax of the matrix.
    ///
    /// # Errors
    /// [`Error::NotConverged`] only for judgments of absurd magnitude.
    pub fn lambda_max(&self) -> Result<f64> {
        let n = self.n();
        let mut w = vec![1.0 / n as f64; n];
        let mut y = vec![0.0; n];
        Ok(perron(self.as_slice(), n, &mut w, &mut y)?.0)
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn finish(
    method: PriorityMethod,
    weights: Vec<f64>,
    labels: Option<&[String]>,
    lambda: f64,
    iterations: usize,
    ri: f64,
    config: &ConsistencyConfig,
    n: usize,
) -> Priorities {
    let (ci, cr) = ci_cr(lambda, n, ri);
    let threshold = config.threshold_for(n);
    Priorities {
        method,
        weights,
        labels: labels.map(<[String]>::to_vec),
        lambda_max: lambda,
        consistency_index: ci,
        random_index: ri,
        random_index_table: config.random_index,
        consistency_ratio: cr,
        threshold,
        acceptable: cr <= threshold,
        iterations,
    }
}

/// CI and CR from λmax; both 0 for n ≤ 2 (every such reciprocal matrix is consistent).
pub(crate) fn ci_cr(lambda: f64, n: usize, ri: f64) -> (f64, f64) {
    if n <= 2 || ri <= 0.0 {
        return (0.0, 0.0);
    }
    // λmax ≥ n in exact arithmetic; clamp rounding noise so a consistent matrix reads 0.
    let ci = ((lambda - n as f64) / (n as f64 - 1.0)).max(0.0);
    (ci, ci / ri)
}

/// Perron root and vector of a positive (or primitive non-negative) `n × n` row-major
/// matrix by power iteration.
///
/// `w` holds a positive start vector on entry and the normalised (sum 1) Perron vector on
/// return; `y` is scratch. Stops when every Collatz–Wielandt ratio `(Aw)_i / w_i` lies
/// within a relative `EIGEN_TOL / 2` of `s = Σ (Aw)_i`; since
/// `min_i (Aw)_i / w_i ≤ λmax ≤ max_i (Aw)_i / w_i`, the returned λmax = s is certified to
/// a relative [`EIGEN_TOL`] (or to rounding level for large n). The test is written
/// without divisions: `|y_i − s·w_i| ≤ tol·s·w_i`.
pub(crate) fn perron(a: &[f64], n: usize, w: &mut [f64], y: &mut [f64]) -> Result<(f64, usize)> {
    if n == 1 {
        w[0] = 1.0;
        return Ok((a[0], 0));
    }
    let s: f64 = w.iter().sum();
    for x in w.iter_mut() {
        *x /= s;
    }
    match power(a, n, w, y, EIGEN_FIRST_TRY) {
        Ok(r) => Ok(r),
        Err(_) => {
            // Slow convergence: another eigenvalue of nearly the Perron root's modulus, as
            // wildly inconsistent judgments produce. Repeated squaring raises that modulus
            // ratio to the power 2^k, giving a start that power iteration then certifies.
            squaring_start(a, n, w);
            power(a, n, w, y, EIGEN_MAX_ITER).map(|(l, it)| (l, it + EIGEN_FIRST_TRY))
        }
    }
}

/// Power iterations spent before falling back to repeated squaring.
const EIGEN_FIRST_TRY: usize = 2_000;

/// Writes `A^(2^k) 1`, normalised, into `w`, squaring until the direction settles.
fn squaring_start(a: &[f64], n: usize, w: &mut [f64]) {
    let mut b = a.to_vec();
    let mut c = vec![0.0; n * n];
    for _ in 0..64 {
        for i in 0..n {
            for j in 0..n {
                let mut acc = 0.0;
                for k in 0..n {
                    acc += b[i * n + k] * b[k * n + j];
                }
                c[i * n + j] = acc;
            }
        }
        let max = c.iter().fold(0.0f64, |m, &v| m.max(v));
        if !(max.is_finite() && max > 0.0) {
            break;
        }
        for v in c.iter_mut() {
            *v /= max;
        }
        std::mem::swap(&mut b, &mut c);
    }
    let mut total = 0.0;
    for (wi, row) in w.iter_mut().zip(b.chunks_exact(n)) {
        *wi = row.iter().sum::<f64>();
        total += *wi;
    }
    if total.is_finite() && total > 0.0 {
        for wi in w.iter_mut() {
            *wi /= total;
        }
    } else {
        w.iter_mut().for_each(|wi| *wi = 1.0 / n as f64);
    }
}

/// Power iteration from the normalised positive `w`, at most `max_iter` steps.
fn power(
    a: &[f64],
    n: usize,
    w: &mut [f64],
    y: &mut [f64],
    max_iter: usize,
) -> Result<(f64, usize)> {
    let tol = 0.5 * EIGEN_TOL.max(64.0 * n as f64 * f64::EPSILON);
    let mut last_dev = f64::INFINITY;
    let mut stalled = 0;
    for it in 1..=max_iter {
        let mut sum = 0.0;
        for (yi, row) in y.iter_mut().zip(a.chunks_exact(n)) {
            let mut acc = 0.0;
            for (x, v) in row.iter().zip(w.iter()) {
                acc += x * v;
            }
            *yi = acc;
            sum += acc;
        }
        if !sum.is_finite() || sum <= 0.0 {
            break;
        }
        let inv = 1.0 / sum;
        let (mut done, mut near) = (true, true);
        let mut dev = 0.0f64;
        for (wi, yi) in w.iter_mut().zip(y.iter()) {
            let d = (yi - sum * *wi).abs();
            let scale = sum * *wi;
            done &= d <= tol * scale;
            near &= d <= 1e-10 * scale;
            dev = dev.max(d);
            *wi = yi * inv;
        }
        if done {
            return Ok((sum, it));
        }
        // Rounding can keep the ratios from agreeing further on huge judgments: accept
        // ratios that have stopped improving once they agree within 1e-10.
        if dev >= last_dev {
            stalled += 1;
            if stalled >= 8 && near {
                return Ok((sum, it));
            }
        } else {
            stalled = 0;
        }
        last_dev = dev;
    }
    Err(Error::NotConverged {
        method: "AHP principal eigenvector (power iteration)".into(),
        iterations: max_iter,
        detail: format!("largest |(Aw)_i - lambda w_i| = {last_dev:e}"),
    })
}

/// Normalised row geometric means, with a log-domain fallback when a row product
/// overflows or underflows.
pub(crate) fn geometric_mean(a: &[f64], n: usize, w: &mut [f64]) {
    let inv_n = 1.0 / n as f64;
    let mut total = 0.0;
    for i in 0..n {
        let row = &a[i * n..(i + 1) * n];
        let p: f64 = row.iter().product();
        let g = if p.is_finite() && p > f64::MIN_POSITIVE {
            p.powf(inv_n)
        } else {
            (row.iter().map(|x| x.ln()).sum::<f64>() * inv_n).exp()
        };
        w[i] = g;
        total += g;
    }
    for x in w.iter_mut() {
        *x /= total;
    }
}

/// Row means of the column-normalised matrix.
pub(crate) fn column_mean(a: &[f64], n: usize, w: &mut [f64]) {
    w.fill(0.0);
    for j in 0..n {
        let mut cs = 0.0;
        for i in 0..n {
            cs += a[i * n + j];
        }
        let inv = 1.0 / (cs * n as f64);
        for i in 0..n {
            w[i] += a[i * n + j] * inv;
        }
    }
    // Each column contributes exactly 1/n in exact arithmetic; renormalise the rounding.
    let s: f64 = w.iter().sum();
    for x in w.iter_mut() {
        *x /= s;
    }
}
