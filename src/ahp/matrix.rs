//! The validated positive reciprocal matrix of pairwise judgments.

use crate::error::{Error, Result, check};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// Largest relative deviation `|a_ij · a_ji − 1|` accepted by [`PairwiseMatrix::from_rows`].
/// After validation the lower triangle is reset to the exact reciprocals of the upper one.
pub const RECIPROCAL_TOLERANCE: f64 = 1e-6;

/// Most items one pairwise matrix may compare (crisp, incomplete or fuzzy). Saaty advises
/// 7 ± 2 items per matrix and the largest published random index table (Donegan–Dodd)
/// stops at 100; the limit also bounds the work of one call, since every priority method
/// costs O(n²) per power iteration and O(n³) in its fallback. Past it, constructors
/// return [`Error::InvalidInput`] naming `n`.
pub const MAX_ITEMS: usize = 100;

/// Largest judgment accepted (and `1 / MAX_JUDGMENT` the smallest). Beyond it a
/// judgment is a unit or typing error rather than a ratio of importance; the bound keeps
/// every reciprocal, ratio of weights and row sum finite, and lies inside the range
/// `|ln a| <= 50` that completion and repair search. It leaves room for chains of 20
/// judgments of 9 (9²⁰ ≈ 1.2 × 10¹⁹).
pub const MAX_JUDGMENT: f64 = 1e20;

/// Lowest and highest values of Saaty's fundamental 1–9 scale.
pub const SAATY_SCALE: (f64, f64) = (1.0 / 9.0, 9.0);

/// A judgment outside Saaty's 1/9…9 scale, reported by [`PairwiseMatrix::off_scale`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OffScale {
    /// Row (0-based) of the judgment, always `< col`.
    pub row: usize,
    /// Column (0-based).
    pub col: usize,
    /// The judgment `a[row][col]`.
    pub value: f64,
}

/// A positive reciprocal pairwise comparison matrix: `a[i][j]` says how many times item `i`
/// is preferred to (or more important than) item `j`, `a[j][i] = 1 / a[i][j]`, `a[i][i] = 1`.
///
/// A value of this type is always valid: every constructor rejects, with an error naming
/// the cell `a[i][j]` (0-based), non-positive, NaN or infinite judgments, judgments
/// outside `[1/MAX_JUDGMENT, MAX_JUDGMENT]` ([`MAX_JUDGMENT`] = 10²⁰), a diagonal other
/// than 1, a non-reciprocal pair beyond [`RECIPROCAL_TOLERANCE`], n = 0 and
/// n > [`MAX_ITEMS`]. Judgments outside Saaty's 1/9…9 scale are accepted but listed by
/// [`PairwiseMatrix::off_scale`].
///
/// ```
/// use wealthscore::ahp::{PairwiseMatrix, PriorityMethod};
///
/// // Upper triangle row by row: a12, a13, a23.
/// let m = PairwiseMatrix::from_upper_triangle(3, &[2.0, 4.0, 2.0])?
///     .with_labels(["service", "product", "experience"])?;
/// let p = m.priorities(PriorityMethod::Eigenvector)?;
/// assert!((p.weights[0] - 4.0 / 7.0).abs() < 1e-12); // consistent: w ∝ (4, 2, 1)
/// assert!(p.consistency_ratio.abs() < 1e-12);
///
/// let bad = PairwiseMatrix::from_rows(&[[1.0, 2.0], [0.4, 1.0]]);
/// assert!(bad.unwrap_err().to_string().contains("a[1][0]"));
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PairwiseMatrixRaw", into = "PairwiseMatrixRaw")]
pub struct PairwiseMatrix {
    n: usize,
    /// Row-major `n × n`.
    a: Vec<f64>,
    labels: Option<Vec<String>>,
}

/// Serde form: full rows plus optional labels.
#[derive(Serialize, Deserialize)]
struct PairwiseMatrixRaw {
    rows: Vec<Vec<f64>>,
    #[serde(default)]
    labels: Option<Vec<String>>,
}

impl TryFrom<PairwiseMatrixRaw> for PairwiseMatrix {
    type Error = Error;
    fn try_from(r: PairwiseMatrixRaw) -> Result<Self> {
        let m = PairwiseMatrix::from_rows(&r.rows)?;
        match r.labels {
            Some(l) => m.with_labels(l),
            None => Ok(m),
        }
    }
}

impl From<PairwiseMatrix> for PairwiseMatrixRaw {
    fn from(m: PairwiseMatrix) -> Self {
        PairwiseMatrixRaw {
            rows: m.rows(),
            labels: m.labels,
        }
    }
}

fn cell(i: usize, j: usize) -> String {
    format!("a[{i}][{j}]")
}

/// `n` is at least 1 and at most [`MAX_ITEMS`]; checked before any `n²` or `n(n−1)/2`
/// is computed, so that no size can wrap or allocate without bound.
pub(crate) fn check_size(what: &str, n: usize) -> Result<()> {
    if n == 0 {
        return Err(Error::Empty { what: what.into() });
    }
    if n > MAX_ITEMS {
        return Err(Error::invalid(
            "n",
            n,
            format!("a {what} compares at most MAX_ITEMS = {MAX_ITEMS} items"),
        ));
    }
    Ok(())
}

/// A judgment: finite, positive and within `[1/MAX_JUDGMENT, MAX_JUDGMENT]`.
pub(crate) fn check_judgment(field: &str, v: f64) -> Result<f64> {
    check::positive(field, v)?;
    if !(1.0 / MAX_JUDGMENT..=MAX_JUDGMENT).contains(&v) {
        return Err(Error::invalid(
            field,
            v,
            format!(
                "must lie in [1/MAX_JUDGMENT, MAX_JUDGMENT] = [{:e}, {MAX_JUDGMENT:e}]",
                1.0 / MAX_JUDGMENT
            ),
        ));
    }
    Ok(v)
}

impl PairwiseMatrix {
    /// Builds the matrix from full rows, accepting pairs reciprocal within
    /// [`RECIPROCAL_TOLERANCE`].
    ///
    /// # Errors
    /// [`Error::Empty`] for no rows, [`Error::InvalidInput`] naming `n` for more than
    /// [`MAX_ITEMS`] rows, [`Error::DimensionMismatch`] for a ragged or non-square input,
    /// [`Error::NonFinite`] / [`Error::InvalidInput`] naming the cell.
    pub fn from_rows<R: AsRef<[f64]>>(rows: &[R]) -> Result<Self> {
        Self::from_rows_with_tolerance(rows, RECIPROCAL_TOLERANCE)
    }

    /// As [`PairwiseMatrix::from_rows`] with a caller-chosen reciprocity tolerance, e.g.
    /// `1e-3` for judgments typed as `0.333`.
    ///
    /// # Errors
    /// As [`PairwiseMatrix::from_rows`]; also [`Error::InvalidInput`] for a tolerance outside
    /// `[0, 0.5]`.
    pub fn from_rows_with_tolerance<R: AsRef<[f64]>>(rows: &[R], tolerance: f64) -> Result<Self> {
        check::in_range("tolerance", tolerance, 0.0, 0.5)?;
        let n = rows.len();
        check_size("pairwise matrix", n)?;
        let mut a = Vec::with_capacity(n * n);
        for (i, r) in rows.iter().enumerate() {
            let r = r.as_ref();
            check::same_len(&format!("row {i} of pairwise matrix"), n, r.len())?;
            a.extend_from_slice(r);
        }
        validate_full(n, &mut a, tolerance)?;
        Ok(PairwiseMatrix { n, a, labels: None })
    }

    /// Builds the matrix from the judgments above the diagonal, row by row:
    /// `a[0][1], a[0][2], …, a[0][n-1], a[1][2], …, a[n-2][n-1]` (n(n−1)/2 values).
    ///
    /// # Errors
    /// [`Error::Empty`] for n = 0, [`Error::InvalidInput`] naming `n` past [`MAX_ITEMS`],
    /// [`Error::DimensionMismatch`] for a wrong count, [`Error::NonFinite`] /
    /// [`Error::InvalidInput`] naming the cell.
    pub fn from_upper_triangle(n: usize, values: &[f64]) -> Result<Self> {
        check_size("pairwise matrix", n)?;
        check::same_len("upper triangle n(n-1)/2", n * (n - 1) / 2, values.len())?;
        let mut a = vec![1.0; n * n];
        let mut k = 0;
        for i in 0..n {
            for j in i + 1..n {
                let v = values[k];
                k += 1;
                check_judgment(&cell(i, j), v)?;
                a[i * n + j] = v;
                a[j * n + i] = 1.0 / v;
            }
        }
        Ok(PairwiseMatrix { n, a, labels: None })
    }

    /// Builds the matrix from an ndarray view (validated like [`PairwiseMatrix::from_rows`]).
    ///
    /// # Errors
    /// As [`PairwiseMatrix::from_rows`].
    pub fn from_array(a: ArrayView2<'_, f64>) -> Result<Self> {
        let (r, c) = a.dim();
        check_size("pairwise matrix", r)?;
        check::same_len("columns of pairwise matrix", r, c)?;
        let mut v: Vec<f64> = a.iter().copied().collect();
        validate_full(r, &mut v, RECIPROCAL_TOLERANCE)?;
        Ok(PairwiseMatrix {
            n: r,
            a: v,
            labels: None,
        })
    }

    /// The perfectly consistent matrix `a[i][j] = w[i] / w[j]` of positive weights.
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::InvalidInput`] naming `n` past [`MAX_ITEMS`], or
    /// [`Error::NonFinite`] / [`Error::InvalidInput`] naming `weights[i]`, also for a weight
    /// more than [`MAX_JUDGMENT`] times smaller than the largest (the ratio would not be
    /// a valid judgment, or not even a finite number).
    pub fn from_weights(weights: &[f64]) -> Result<Self> {
        check::non_empty("weights", weights)?;
        check_size("pairwise matrix", weights.len())?;
        let (mut lo, mut hi) = (0, 0);
        for (i, &w) in weights.iter().enumerate() {
            check::positive(&format!("weights[{i}]"), w)?;
            if w < weights[lo] {
                lo = i;
            }
            if w > weights[hi] {
                hi = i;
            }
        }
        // Compared in logarithms: the ratio itself may overflow.
        if weights[hi].ln() - weights[lo].ln() > MAX_JUDGMENT.ln() {
            return Err(Error::invalid(
                format!("weights[{lo}]"),
                weights[lo],
                format!(
                    "is more than MAX_JUDGMENT = {MAX_JUDGMENT:e} times smaller than \
                     weights[{hi}] = {}",
                    weights[hi]
                ),
            ));
        }
        let n = weights.len();
        let mut a = vec![1.0; n * n];
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    a[i * n + j] = weights[i] / weights[j];
                }
            }
        }
        // Division rounding can break exact reciprocity; restore it from the upper triangle.
        for i in 0..n {
            for j in i + 1..n {
                a[j * n + i] = 1.0 / a[i * n + j];
            }
        }
        Ok(PairwiseMatrix { n, a, labels: None })
    }

    /// Names the items (criteria or alternatives), in row order.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if the count differs from n, [`Error::InvalidInput`] for
    /// an empty or repeated label.
    pub fn with_labels<I, S>(mut self, labels: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let labels: Vec<String> = labels.into_iter().map(Into::into).collect();
        check::same_len("labels", self.n, labels.len())?;
        check_labels("labels", &labels)?;
        self.labels = Some(labels);
        Ok(self)
    }

    /// Number of items compared.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The judgment `a[i][j]`, or `None` outside the matrix.
    pub fn get(&self, i: usize, j: usize) -> Option<f64> {
        if i < self.n && j < self.n {
            self.a.get(i * self.n + j).copied()
        } else {
            None
        }
    }

    /// The labels, if set.
    pub fn labels(&self) -> Option<&[String]> {
        self.labels.as_deref()
    }

    /// Row-major `n × n` values.
    pub fn as_slice(&self) -> &[f64] {
        &self.a
    }

    /// The matrix as full rows.
    pub fn rows(&self) -> Vec<Vec<f64>> {
        self.a.chunks(self.n).map(<[f64]>::to_vec).collect()
    }

    /// A view as an ndarray matrix.
    pub fn view(&self) -> ArrayView2<'_, f64> {
        // Invariant: every constructor (and deserialisation) stores exactly n*n values.
        ArrayView2::from_shape((self.n, self.n), &self.a).expect("n*n values by construction")
    }

    /// A copy as an ndarray matrix.
    pub fn to_array(&self) -> Array2<f64> {
        self.view().to_owned()
    }

    /// The transposed matrix (every judgment inverted); labels are kept.
    pub fn transpose(&self) -> PairwiseMatrix {
        let n = self.n;
        let mut a = vec![1.0; n * n];
        for i in 0..n {
            for j in 0..n {
                a[j * n + i] = self.a[i * n + j];
            }
        }
        PairwiseMatrix {
            n,
            a,
            labels: self.labels.clone(),
        }
    }

    /// The judgments above the diagonal that lie outside Saaty's 1/9…9 scale.
    pub fn off_scale(&self) -> Vec<OffScale> {
        let (lo, hi) = SAATY_SCALE;
        let mut out = Vec::new();
        for i in 0..self.n {
            for j in i + 1..self.n {
                let v = self.a[i * self.n + j];
                if v < lo * (1.0 - 1e-9) || v > hi * (1.0 + 1e-9) {
                    out.push(OffScale {
                        row: i,
                        col: j,
                        value: v,
                    });
                }
            }
        }
        out
    }

    /// Replaces the judgment `a[i][j]` (and its reciprocal).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a cell outside the matrix or on the diagonal, or a value
    /// that is not finite, positive and within [`MAX_JUDGMENT`].
    pub fn set(&mut self, i: usize, j: usize, value: f64) -> Result<()> {
        if i >= self.n || j >= self.n || i == j {
            return Err(Error::invalid(
                cell(i, j),
                value,
                format!("must be an off-diagonal cell of a {0}x{0} matrix", self.n),
            ));
        }
        check_judgment(&cell(i, j), value)?;
        self.a[i * self.n + j] = value;
        self.a[j * self.n + i] = 1.0 / value;
        Ok(())
    }
}

pub(crate) fn check_labels(field: &str, labels: &[String]) -> Result<()> {
    for (i, l) in labels.iter().enumerate() {
        if l.trim().is_empty() {
            return Err(Error::invalid(
                format!("{field}[{i}]"),
                "\"\"",
                "must not be empty",
            ));
        }
        if labels[..i].contains(l) {
            return Err(Error::invalid(
                format!("{field}[{i}]"),
                l,
                "repeats an earlier label",
            ));
        }
    }
    Ok(())
}

fn validate_full(n: usize, a: &mut [f64], tol: f64) -> Result<()> {
    for i in 0..n {
        for j in 0..n {
            let v = a[i * n + j];
            check_judgment(&cell(i, j), v)?;
            if i == j && (v - 1.0).abs() > tol {
                return Err(Error::invalid(
                    cell(i, j),
                    v,
                    "diagonal judgments must be 1",
                ));
            }
        }
    }
    for i in 0..n {
        a[i * n + i] = 1.0;
        for j in i + 1..n {
            let up = a[i * n + j];
            let lo = a[j * n + i];
            if (up * lo - 1.0).abs() > tol {
                return Err(Error::invalid(
                    cell(j, i),
                    lo,
                    format!(
                        "must be the reciprocal of a[{i}][{j}] = {up}, i.e. {}",
                        1.0 / up
                    ),
                ));
            }
            a[j * n + i] = 1.0 / up;
        }
    }
    Ok(())
}
