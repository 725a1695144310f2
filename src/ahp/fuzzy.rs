//! Fuzzy AHP with triangular fuzzy judgments.
//!
//! * Buckley (1985), "Fuzzy hierarchical analysis", Fuzzy Sets and Systems 17: fuzzy
//!   weights from row geometric means, `w̃_i = r̃_i ⊗ (Σ r̃)^{-1}`, defuzzified by the
//!   centroid `(l + m + u)/3` and renormalised.
//! * Chang (1996), "Applications of the extent analysis method on fuzzy AHP", EJOR 95:
//!   synthetic extents `S_i = Σ_j M_ij ⊗ (Σ_ij M_ij)^{-1}`, degrees of possibility
//!   `V(S_i ≥ S_k)`, weights `min_k V(S_i ≥ S_k)` normalised. Known to give zero weights
//!   to clearly dominated items (Wang, Luo & Hua 2008, EJOR 186); prefer Buckley when every
//!   item needs a positive weight.

use super::matrix::{check_judgment, check_size};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// A triangular fuzzy number `(l, m, u)`, `0 < l ≤ m ≤ u`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tfn {
    /// Lower bound.
    pub l: f64,
    /// Most plausible value.
    pub m: f64,
    /// Upper bound.
    pub u: f64,
}

impl Tfn {
    /// A validated triangular fuzzy number.
    ///
    /// # Errors
    /// [`Error::NonFinite`] / [`Error::InvalidInput`] unless `0 < l ≤ m ≤ u`, each within
    /// `[1/MAX_JUDGMENT, MAX_JUDGMENT]` ([`MAX_JUDGMENT`](super::MAX_JUDGMENT)), so that
    /// reciprocals and sums stay finite.
    pub fn new(l: f64, m: f64, u: f64) -> Result<Self> {
        let t = Tfn { l, m, u };
        t.validate("tfn")?;
        Ok(t)
    }

    /// The crisp judgment `x` as `(x, x, x)`.
    pub fn crisp(x: f64) -> Self {
        Tfn { l: x, m: x, u: x }
    }

    /// `(1/u, 1/m, 1/l)`.
    pub fn reciprocal(self) -> Self {
        Tfn {
            l: 1.0 / self.u,
            m: 1.0 / self.m,
            u: 1.0 / self.l,
        }
    }

    /// Centroid `(l + m + u) / 3`.
    pub fn centroid(self) -> f64 {
        (self.l + self.m + self.u) / 3.0
    }

    fn validate(&self, field: &str) -> Result<()> {
        check_judgment(&format!("{field}.l"), self.l)?;
        check_judgment(&format!("{field}.m"), self.m)?;
        check_judgment(&format!("{field}.u"), self.u)?;
        if !(self.l <= self.m && self.m <= self.u) {
            return Err(Error::invalid(
                field,
                format!("({}, {}, {})", self.l, self.m, self.u),
                "must satisfy l <= m <= u",
            ));
        }
        Ok(())
    }
}

/// Fuzzy and crisp weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FuzzyWeights {
    /// Fuzzy weights (Buckley), or the synthetic extents `S_i` (Chang).
    pub fuzzy: Vec<Tfn>,
    /// Crisp weights summing to 1.
    pub crisp: Vec<f64>,
}

/// A reciprocal matrix of triangular fuzzy judgments.
///
/// ```
/// use wealthscore::ahp::{FuzzyPairwiseMatrix, Tfn};
/// let m = FuzzyPairwiseMatrix::from_upper_triangle(
///     3,
///     &[Tfn::new(1.0, 2.0, 3.0)?, Tfn::new(3.0, 4.0, 5.0)?, Tfn::new(1.0, 2.0, 3.0)?],
/// )?;
/// let b = m.buckley()?;
/// assert!(b.crisp[0] > b.crisp[1] && b.crisp[1] > b.crisp[2]);
/// let c = m.chang()?;
/// assert!((c.crisp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FuzzyRaw", into = "FuzzyRaw")]
pub struct FuzzyPairwiseMatrix {
    n: usize,
    a: Vec<Tfn>,
}

/// Serde form (size and upper triangle), validated on load.
#[derive(Serialize, Deserialize)]
struct FuzzyRaw {
    n: usize,
    upper: Vec<Tfn>,
}

impl TryFrom<FuzzyRaw> for FuzzyPairwiseMatrix {
    type Error = Error;
    fn try_from(r: FuzzyRaw) -> Result<Self> {
        FuzzyPairwiseMatrix::from_upper_triangle(r.n, &r.upper)
    }
}

impl From<FuzzyPairwiseMatrix> for FuzzyRaw {
    fn from(m: FuzzyPairwiseMatrix) -> Self {
        let n = m.n;
        let upper = (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
            .map(|(i, j)| m.a[i * n + j])
            .collect();
        FuzzyRaw { n, upper }
    }
}

impl FuzzyPairwiseMatrix {
    /// From the above-diagonal judgments row by row; the lower triangle is the reciprocal.
    ///
    /// # Errors
    /// [`Error::Empty`] for n = 0, [`Error::InvalidInput`] naming `n` past
    /// [`MAX_ITEMS`](super::MAX_ITEMS), [`Error::DimensionMismatch`] for a wrong count, an
    /// error naming `a[i][j]` for an invalid fuzzy number.
    pub fn from_upper_triangle(n: usize, values: &[Tfn]) -> Result<Self> {
        check_size("fuzzy pairwise matrix", n)?;
        crate::error::check::same_len("upper triangle n(n-1)/2", n * (n - 1) / 2, values.len())?;
        let mut a = vec![Tfn::crisp(1.0); n * n];
        let mut k = 0;
        for i in 0..n {
            for j in i + 1..n {
                let t = values[k];
                k += 1;
                t.validate(&format!("a[{i}][{j}]"))?;
                a[i * n + j] = t;
                a[j * n + i] = t.reciprocal();
            }
        }
        Ok(FuzzyPairwiseMatrix { n, a })
    }

    /// Number of items.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The judgment `a[i][j]`.
    pub fn get(&self, i: usize, j: usize) -> Option<Tfn> {
        if i < self.n && j < self.n {
            self.a.get(i * self.n + j).copied()
        } else {
            None
        }
    }

    /// The crisp matrix of the middle values (for a consistency check on `m`).
    ///
    /// # Errors
    /// Never in practice (the middle values form a valid reciprocal matrix).
    pub fn middle(&self) -> Result<super::PairwiseMatrix> {
        let n = self.n;
        let up: Vec<f64> = (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
            .map(|(i, j)| self.a[i * n + j].m)
            .collect();
        super::PairwiseMatrix::from_upper_triangle(n, &up)
    }

    /// Buckley's geometric-mean method.
    ///
    /// # Errors
    /// Never in practice; kept fallible for uniformity.
    pub fn buckley(&self) -> Result<FuzzyWeights> {
        let n = self.n;
        let inv = 1.0 / n as f64;
        let mut r = Vec::with_capacity(n);
        for i in 0..n {
            let row = &self.a[i * n..(i + 1) * n];
            let g = |f: fn(&Tfn) -> f64| (row.iter().map(|t| f(t).ln()).sum::<f64>() * inv).exp();
            r.push(Tfn {
                l: g(|t| t.l),
                m: g(|t| t.m),
                u: g(|t| t.u),
            });
        }
        let sl: f64 = r.iter().map(|t| t.l).sum();
        let sm: f64 = r.iter().map(|t| t.m).sum();
        let su: f64 = r.iter().map(|t| t.u).sum();
        let fuzzy: Vec<Tfn> = r
            .iter()
            .map(|t| Tfn {
                l: t.l / su,
                m: t.m / sm,
                u: t.u / sl,
            })
            .collect();
        let c: Vec<f64> = fuzzy.iter().map(|t| t.centroid()).collect();
        let s: f64 = c.iter().sum();
        Ok(FuzzyWeights {
            crisp: c.iter().map(|x| x / s).collect(),
            fuzzy,
        })
    }

    /// Chang's extent analysis.
    ///
    /// # Errors
    /// Never in practice; kept fallible for uniformity.
    pub fn chang(&self) -> Result<FuzzyWeights> {
        let n = self.n;
        let mut rs = Vec::with_capacity(n);
        let (mut tl, mut tm, mut tu) = (0.0, 0.0, 0.0);
        for i in 0..n {
            let row = &self.a[i * n..(i + 1) * n];
            let t = Tfn {
                l: row.iter().map(|t| t.l).sum(),
                m: row.iter().map(|t| t.m).sum(),
                u: row.iter().map(|t| t.u).sum(),
            };
            tl += t.l;
            tm += t.m;
            tu += t.u;
            rs.push(t);
        }
        let s: Vec<Tfn> = rs
            .iter()
            .map(|t| Tfn {
                l: t.l / tu,
                m: t.m / tm,
                u: t.u / tl,
            })
            .collect();
        let d: Vec<f64> = (0..n)
            .map(|i| {
                (0..n)
                    .filter(|&k| k != i)
                    .map(|k| possibility(s[i], s[k]))
                    .fold(1.0, f64::min)
            })
            .collect();
        let total: f64 = d.iter().sum();
        Ok(FuzzyWeights {
            fuzzy: s,
            crisp: d.iter().map(|x| x / total).collect(),
        })
    }
}

/// Degree of possibility `V(a ≥ b)` of two triangular fuzzy numbers (Chang 1996).
pub fn possibility(a: Tfn, b: Tfn) -> f64 {
    if a.m >= b.m {
        1.0
    } else if b.l >= a.u {
        0.0
    } else {
        (b.l - a.u) / ((a.m - a.u) - (b.m - b.l))
    }
}
