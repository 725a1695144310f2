//! Incomplete pairwise judgments: Harker's method and the λmax-optimal completion.
//!
//! * Harker (1987), "Alternative modes of questioning in the analytic hierarchy process",
//!   Mathematical Modelling 9: weights are the Perron vector of `C`, where a missing
//!   `a_ij` becomes 0 and each diagonal entry becomes `1 + (missing judgments in its row)`;
//!   the completed matrix carries `w_i / w_j` in the gaps and has the same λmax.
//! * Bozóki, Fülöp & Rónyai (2010), "On optimal completion of incomplete pairwise
//!   comparison matrices", Mathematical and Computer Modelling 52: the gaps take the values
//!   that minimise λmax of the completed matrix, found by cyclic coordinates (λmax is a
//!   convex function of the logarithms of the missing entries, so each one-dimensional
//!   step is a convex line search).
//!
//! A comparison graph that is not connected leaves the relative weight of its parts
//! undetermined; it is an [`Error::Disconnected`], never silently filled.

use super::matrix::{MAX_JUDGMENT, PairwiseMatrix, check_judgment, check_labels, check_size};
use super::priority::{Priorities, PriorityMethod, finish, perron};
use super::random_index::ConsistencyConfig;
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// Stop cyclic coordinates when no missing entry's logarithm moves more than this.
const BFR_TOL: f64 = 1e-9;
/// Sweeps over the missing entries before giving up.
const BFR_MAX_SWEEPS: usize = 10_000;

/// Most items [`CompletionMethod::LambdaMax`] completes. One sweep of cyclic coordinates
/// costs O(n⁴) (each missing judgment's line search evaluates λmax dozens of times): with
/// half the judgments missing it took 1.9 s at n = 30 and 137 s at n = 100 on a shared
/// 2-core machine. Larger matrices can use [`CompletionMethod::Harker`] (up to
/// [`MAX_ITEMS`](super::MAX_ITEMS)).
pub const MAX_COMPLETION_ITEMS: usize = 30;

/// A pairwise matrix with some judgments missing.
///
/// ```
/// use wealthscore::ahp::{IncompleteMatrix, CompletionMethod};
/// // a[0][2] unknown; 0 ≻ 1 twice, 1 ≻ 2 three times.
/// let m = IncompleteMatrix::from_upper_triangle(3, &[Some(2.0), None, Some(3.0)])?;
/// let done = m.complete(CompletionMethod::LambdaMax)?;
/// // The consistent fill is 2 · 3 = 6.
/// assert!((done.matrix.get(0, 2).unwrap() - 6.0).abs() < 1e-6);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "IncompleteRaw", into = "IncompleteRaw")]
pub struct IncompleteMatrix {
    n: usize,
    /// Above-diagonal judgments row by row; `None` = missing.
    upper: Vec<Option<f64>>,
    labels: Option<Vec<String>>,
}

/// Serde form, validated on load.
#[derive(Serialize, Deserialize)]
struct IncompleteRaw {
    n: usize,
    upper: Vec<Option<f64>>,
    #[serde(default)]
    labels: Option<Vec<String>>,
}

impl TryFrom<IncompleteRaw> for IncompleteMatrix {
    type Error = Error;
    fn try_from(r: IncompleteRaw) -> Result<Self> {
        let m = IncompleteMatrix::from_upper_triangle(r.n, &r.upper)?;
        match r.labels {
            Some(l) => m.with_labels(l),
            None => Ok(m),
        }
    }
}

impl From<IncompleteMatrix> for IncompleteRaw {
    fn from(m: IncompleteMatrix) -> Self {
        IncompleteRaw {
            n: m.n,
            upper: m.upper,
            labels: m.labels,
        }
    }
}

/// How missing judgments are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CompletionMethod {
    /// Harker's eigenvector method: gaps get `w_i / w_j`.
    Harker,
    /// Bozóki–Fülöp–Rónyai: gaps minimise λmax (default).
    #[default]
    LambdaMax,
}

/// A judgment filled in by a completion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FilledJudgment {
    /// Row (0-based), `< col`.
    pub row: usize,
    /// Column (0-based).
    pub col: usize,
    /// The value given to `a[row][col]`.
    pub value: f64,
}

/// A completed matrix and what was filled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Completion {
    /// Method used.
    pub method: CompletionMethod,
    /// The complete matrix (labels kept).
    pub matrix: PairwiseMatrix,
    /// The filled judgments, above the diagonal, row by row.
    pub filled: Vec<FilledJudgment>,
    /// Sweeps of cyclic coordinates (0 for Harker).
    pub sweeps: usize,
}

fn idx(n: usize, i: usize, j: usize) -> usize {
    // Position of (i, j), i < j, in the row-by-row upper triangle.
    i * n - i * (i + 1) / 2 + (j - i - 1)
}

impl IncompleteMatrix {
    /// From the above-diagonal judgments row by row (`None` = missing).
    ///
    /// # Errors
    /// [`Error::Empty`] for n = 0, [`Error::InvalidInput`] naming `n` past
    /// [`MAX_ITEMS`](super::MAX_ITEMS), [`Error::DimensionMismatch`] for a wrong count,
    /// [`Error::NonFinite`] / [`Error::InvalidInput`] naming the cell (judgments must lie
    /// within [`MAX_JUDGMENT`]).
    pub fn from_upper_triangle(n: usize, values: &[Option<f64>]) -> Result<Self> {
        check_size("pairwise matrix", n)?;
        check::same_len("upper triangle n(n-1)/2", n * (n - 1) / 2, values.len())?;
        let mut k = 0;
        for i in 0..n {
            for j in i + 1..n {
                if let Some(v) = values[k] {
                    check_judgment(&format!("a[{i}][{j}]"), v)?;
                }
                k += 1;
            }
        }
        Ok(IncompleteMatrix {
            n,
            upper: values.to_vec(),
            labels: None,
        })
    }

    /// From full rows, `None` for a missing judgment. A pair given on one side only is taken
    /// from that side; a pair given on both sides must be reciprocal within
    /// [`super::RECIPROCAL_TOLERANCE`]. The diagonal may be `None` or 1.
    ///
    /// # Errors
    /// As [`IncompleteMatrix::from_upper_triangle`], naming the cell.
    #[allow(clippy::needless_range_loop)] // (i, j) and (j, i) are read together
    pub fn from_rows(rows: &[Vec<Option<f64>>]) -> Result<Self> {
        let n = rows.len();
        check_size("pairwise matrix", n)?;
        for (i, r) in rows.iter().enumerate() {
            check::same_len(&format!("row {i} of pairwise matrix"), n, r.len())?;
        }
        let mut upper = Vec::with_capacity(n * (n - 1) / 2);
        for i in 0..n {
            if let Some(d) = rows[i][i] {
                check::finite(&format!("a[{i}][{i}]"), d)?;
                if (d - 1.0).abs() > super::RECIPROCAL_TOLERANCE {
                    return Err(Error::invalid(
                        format!("a[{i}][{i}]"),
                        d,
                        "diagonal judgments must be 1",
                    ));
                }
            }
            for j in i + 1..n {
                let v = match (rows[i][j], rows[j][i]) {
                    (Some(u), Some(l)) => {
                        check_judgment(&format!("a[{i}][{j}]"), u)?;
                        check_judgment(&format!("a[{j}][{i}]"), l)?;
                        if (u * l - 1.0).abs() > super::RECIPROCAL_TOLERANCE {
                            return Err(Error::invalid(
                                format!("a[{j}][{i}]"),
                                l,
                                format!("must be the reciprocal of a[{i}][{j}] = {u}"),
                            ));
                        }
                        Some(u)
                    }
                    (Some(u), None) => Some(check_judgment(&format!("a[{i}][{j}]"), u)?),
                    (None, Some(l)) => Some(1.0 / check_judgment(&format!("a[{j}][{i}]"), l)?),
                    (None, None) => None,
                };
                upper.push(v);
            }
        }
        Ok(IncompleteMatrix {
            n,
            upper,
            labels: None,
        })
    }

    /// Names the items.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] or [`Error::InvalidInput`] as for
    /// [`PairwiseMatrix::with_labels`].
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

    /// Number of items.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The judgment `a[i][j]` if given (`Some(1.0)` on the diagonal).
    pub fn get(&self, i: usize, j: usize) -> Option<f64> {
        if i >= self.n || j >= self.n {
            return None;
        }
        match i.cmp(&j) {
            std::cmp::Ordering::Equal => Some(1.0),
            std::cmp::Ordering::Less => self.upper[idx(self.n, i, j)],
            std::cmp::Ordering::Greater => self.upper[idx(self.n, j, i)].map(|v| 1.0 / v),
        }
    }

    /// The missing cells `(i, j)`, `i < j`, row by row.
    pub fn missing(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for i in 0..self.n {
            for j in i + 1..self.n {
                if self.upper[idx(self.n, i, j)].is_none() {
                    out.push((i, j));
                }
            }
        }
        out
    }

    fn name(&self, i: usize) -> String {
        match &self.labels {
            Some(l) => l.get(i).cloned().unwrap_or_else(|| i.to_string()),
            None => i.to_string(),
        }
    }

    /// Checks that the given judgments connect every item.
    ///
    /// # Errors
    /// [`Error::Disconnected`] listing the items cut off from item 0.
    pub fn check_connected(&self) -> Result<()> {
        let n = self.n;
        let mut seen = vec![false; n];
        let mut stack = vec![0usize];
        seen[0] = true;
        while let Some(i) = stack.pop() {
            for (j, s) in seen.iter_mut().enumerate() {
                if !*s && i != j && self.get(i, j).is_some() {
                    *s = true;
                    stack.push(j);
                }
            }
        }
        let cut: Vec<String> = (0..n).filter(|&i| !seen[i]).map(|i| self.name(i)).collect();
        if cut.is_empty() {
            Ok(())
        } else {
            Err(Error::Disconnected {
                what: "incomplete pairwise matrix".into(),
                detail: format!(
                    "{} not linked by any chain of judgments to {}",
                    cut.join(", "),
                    self.name(0)
                ),
            })
        }
    }

    /// Harker's weights and consistency: the Perron vector and root of Harker's `C`
    /// (equal to λmax of the Harker-completed matrix), CR against `config`.
    ///
    /// # Errors
    /// [`Error::Disconnected`]; errors of the random index table.
    pub fn harker(&self, config: &ConsistencyConfig) -> Result<Priorities> {
        config.validate()?;
        self.check_connected()?;
        let n = self.n;
        let ri = config.random_index.value(n)?;
        let (w, lambda, it) = self.harker_raw()?;
        Ok(finish(
            PriorityMethod::Eigenvector,
            w,
            self.labels.as_deref(),
            lambda,
            it,
            ri,
            config,
            n,
        ))
    }

    fn harker_raw(&self) -> Result<(Vec<f64>, f64, usize)> {
        let n = self.n;
        let mut c = vec![0.0; n * n];
        for i in 0..n {
            let mut diag = 1.0;
            for j in 0..n {
                if i == j {
                    continue;
                }
                match self.get(i, j) {
                    Some(v) => c[i * n + j] = v,
                    None => diag += 1.0,
                }
            }
            c[i * n + i] = diag;
        }
        let mut w = vec![1.0 / n as f64; n];
        let mut y = vec![0.0; n];
        let (lambda, it) = perron(&c, n, &mut w, &mut y)?;
        Ok((w, lambda, it))
    }

    /// Completes the matrix by `completion`, then weights and consistency by `method`.
    ///
    /// ```
    /// use wealthscore::ahp::{IncompleteMatrix, CompletionMethod, PriorityMethod, ConsistencyConfig};
    /// let m = IncompleteMatrix::from_upper_triangle(3, &[Some(2.0), None, Some(3.0)])?;
    /// let p = m.priorities(CompletionMethod::LambdaMax, PriorityMethod::Eigenvector, &ConsistencyConfig::default())?;
    /// assert!((p.weights[0] - 0.6).abs() < 1e-9); // consistent fill: w ∝ (6, 3, 1)
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`IncompleteMatrix::complete`] and [`PairwiseMatrix::priorities_with`].
    pub fn priorities(
        &self,
        completion: CompletionMethod,
        method: PriorityMethod,
        config: &ConsistencyConfig,
    ) -> Result<Priorities> {
        self.complete(completion)?
            .matrix
            .priorities_with(method, config)
    }

    /// Fills the missing judgments.
    ///
    /// # Errors
    /// [`Error::Disconnected`]; [`Error::InvalidInput`] naming `n` for
    /// [`CompletionMethod::LambdaMax`] past [`MAX_COMPLETION_ITEMS`], or naming a filled
    /// cell whose value the given judgments push past [`MAX_JUDGMENT`];
    /// [`Error::NotConverged`] if cyclic coordinates stall.
    pub fn complete(&self, method: CompletionMethod) -> Result<Completion> {
        let n = self.n;
        if method == CompletionMethod::LambdaMax && n > MAX_COMPLETION_ITEMS {
            return Err(Error::invalid(
                "n",
                n,
                format!(
                    "the lambda-max completion handles at most MAX_COMPLETION_ITEMS = \
                     {MAX_COMPLETION_ITEMS} items; use CompletionMethod::Harker for more"
                ),
            ));
        }
        self.check_connected()?;
        let missing = self.missing();
        let mut a = vec![1.0; n * n];
        for i in 0..n {
            for j in i + 1..n {
                let v = self.upper[idx(n, i, j)].unwrap_or(1.0);
                a[i * n + j] = v;
                a[j * n + i] = 1.0 / v;
            }
        }
        let sweeps = match method {
            CompletionMethod::Harker => {
                let (w, _, _) = self.harker_raw()?;
                for &(i, j) in &missing {
                    a[i * n + j] = w[i] / w[j];
                    a[j * n + i] = w[j] / w[i];
                }
                0
            }
            CompletionMethod::LambdaMax => {
                let mut ws = Scratch::new(n);
                let mut done = 0;
                for sweep in 1..=BFR_MAX_SWEEPS {
                    let mut moved = 0.0f64;
                    for &(i, j) in &missing {
                        let t0 = a[i * n + j].ln();
                        let (t, _) = minimise_entry(&mut a, n, i, j, &mut ws)?;
                        moved = moved.max((t - t0).abs());
                    }
                    if moved <= BFR_TOL {
                        done = sweep;
                        break;
                    }
                }
                if done == 0 && !missing.is_empty() {
                    return Err(Error::NotConverged {
                        method: "lambda-max completion (cyclic coordinates)".into(),
                        iterations: BFR_MAX_SWEEPS,
                        detail: "missing judgments still moving".into(),
                    });
                }
                done
            }
        };
        for &(i, j) in &missing {
            let v = a[i * n + j];
            if !(1.0 / MAX_JUDGMENT..=MAX_JUDGMENT).contains(&v) {
                return Err(Error::invalid(
                    format!("a[{i}][{j}]"),
                    v,
                    format!(
                        "the given judgments chain to a filled value beyond MAX_JUDGMENT = \
                         {MAX_JUDGMENT:e}; check them for a unit or typing error"
                    ),
                ));
            }
        }
        let upper: Vec<f64> = (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j])
            .collect();
        let mut matrix = PairwiseMatrix::from_upper_triangle(n, &upper)?;
        if let Some(l) = &self.labels {
            matrix = matrix.with_labels(l.clone())?;
        }
        let filled = missing
            .iter()
            .map(|&(i, j)| FilledJudgment {
                row: i,
                col: j,
                value: a[i * n + j],
            })
            .collect();
        Ok(Completion {
            method,
            matrix,
            filled,
            sweeps,
        })
    }
}

/// Work vectors for repeated λmax evaluations.
pub(crate) struct Scratch {
    /// Transposed matrix, for the left Perron vector.
    at: Vec<f64>,
    w: Vec<f64>,
    v: Vec<f64>,
    y: Vec<f64>,
}

impl Scratch {
    pub(crate) fn new(n: usize) -> Self {
        Scratch {
            at: vec![0.0; n * n],
            w: vec![1.0 / n as f64; n],
            v: vec![1.0 / n as f64; n],
            y: vec![0.0; n],
        }
    }
}

/// Sets `a[i][j] = e^t` (and its reciprocal) and returns `(λmax, dλmax/dt)`, the
/// derivative from the right and left Perron vectors `w`, `v`:
/// `dλ/dt = (v_i·w_j·e^t − v_j·w_i·e^−t) / (v·w)`. Power iteration warm-starts from the
/// previous vectors.
fn lambda_slope(
    a: &mut [f64],
    n: usize,
    i: usize,
    j: usize,
    t: f64,
    s: &mut Scratch,
) -> Result<(f64, f64)> {
    let (x, xi) = (t.exp(), (-t).exp());
    a[i * n + j] = x;
    a[j * n + i] = xi;
    s.at[j * n + i] = x;
    s.at[i * n + j] = xi;
    let lambda = perron(a, n, &mut s.w, &mut s.y)?.0;
    perron(&s.at, n, &mut s.v, &mut s.y)?;
    let vw: f64 = s.v.iter().zip(&s.w).map(|(p, q)| p * q).sum();
    let slope = (s.v[i] * s.w[j] * x - s.v[j] * s.w[i] * xi) / vw;
    Ok((lambda, slope))
}

/// Sets `a[i][j]` (and its reciprocal) to the value minimising λmax with every other entry
/// fixed and returns `(t, λmax)` with `t = ln a[i][j]`. λmax is convex in `t`
/// (Bozóki, Fülöp & Rónyai 2010), so its derivative is increasing: bracket the derivative's
/// root by doubling steps, then close in by Illinois regula falsi. Working on the exact
/// derivative rather than on λmax values keeps full precision at the flat minimum.
pub(crate) fn minimise_entry(
    a: &mut [f64],
    n: usize,
    i: usize,
    j: usize,
    s: &mut Scratch,
) -> Result<(f64, f64)> {
    const MAX_T: f64 = 50.0; // e^50: far beyond any meaningful judgment
    for r in 0..n {
        for c in 0..n {
            s.at[c * n + r] = a[r * n + c];
        }
    }
    let t0 = a[i * n + j].ln();
    let (f0, g0) = lambda_slope(a, n, i, j, t0, s)?;
    if g0 == 0.0 {
        return Ok((t0, f0));
    }
    // Bracket [lo, hi] with slope(lo) < 0 < slope(hi).
    let dir = if g0 > 0.0 { -1.0 } else { 1.0 };
    let (mut t_in, mut g_in) = (t0, g0);
    let mut step = 0.25;
    let (mut t_out, mut g_out);
    loop {
        let t = (t_in + dir * step).clamp(-MAX_T, MAX_T);
        let (_, g) = lambda_slope(a, n, i, j, t, s)?;
        if g.signum() != g_in.signum() || g == 0.0 {
            t_out = t;
            g_out = g;
            break;
        }
        if t.abs() >= MAX_T {
            // Monotone to the bound: the optimum is at the bound.
            let (f, _) = lambda_slope(a, n, i, j, t, s)?;
            return Ok((t, f));
        }
        t_in = t;
        g_in = g;
        step *= 2.0;
    }
    // Illinois regula falsi between (t_in, g_in) and (t_out, g_out).
    let mut side = 0i8;
    for _ in 0..200 {
        if (t_out - t_in).abs() <= 1e-13 * (1.0 + t_in.abs()) || g_out == 0.0 {
            break;
        }
        let t = (t_in * g_out - t_out * g_in) / (g_out - g_in);
        let (_, g) = lambda_slope(a, n, i, j, t, s)?;
        if g == 0.0 {
            t_out = t;
            g_out = 0.0;
            break;
        }
        if g.signum() == g_out.signum() {
            t_out = t;
            g_out = g;
            if side == 1 {
                g_in *= 0.5;
            }
            side = 1;
        } else {
            t_in = t;
            g_in = g;
            if side == -1 {
                g_out *= 0.5;
            }
            side = -1;
        }
    }
    let t = if g_out == 0.0 {
        t_out
    } else {
        0.5 * (t_in + t_out)
    };
    let (f, _) = lambda_slope(a, n, i, j, t, s)?;
    Ok((t, f))
}
