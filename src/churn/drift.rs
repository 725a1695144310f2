//! Drift monitoring: population stability index (PSI) of the score and characteristic
//! stability index (CSI) of each column, between the training data and a new table.
//!
//! Bins are fixed on the training (expected) data: up to `bins` quantile bins, or one bin
//! per distinct value when a column has no more distinct values than bins (flags, counts).
//! With `e_i` and `a_i` the expected and actual shares of bin `i`,
//! `PSI = Σ_i (a_i − e_i) · ln(a_i / e_i)`; a share of zero is counted as
//! [`MIN_SHARE`] so that an emptied bin gives a large but finite index. CSI is the same
//! index on one column. Bands are the usual credit-risk ones: below 0.1 stable,
//! 0.1–0.25 watch, above 0.25 act.
//!
//! ```
//! use wealthscore::churn::drift::{DriftBand, StabilityBins};
//! let train: Vec<f64> = (0..1000).map(|i| i as f64 / 1000.0).collect();
//! let bins = StabilityBins::fit(&train, 10)?;
//! assert_eq!(bins.index(&train)?.band, DriftBand::Stable);
//! let shifted: Vec<f64> = train.iter().map(|v| (v + 0.3).min(1.0)).collect();
//! assert_eq!(bins.index(&shifted)?.band, DriftBand::Act);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use crate::error::{Error, Result, check};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

/// The share a bin with no clients is counted as.
pub const MIN_SHARE: f64 = 1e-4;

/// How much a distribution moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DriftBand {
    /// Index below 0.1.
    Stable,
    /// Index from 0.1 to 0.25.
    Watch,
    /// Index above 0.25.
    Act,
}

impl DriftBand {
    /// The band of an index.
    pub fn of(index: f64) -> Self {
        if index < 0.1 {
            DriftBand::Stable
        } else if index <= 0.25 {
            DriftBand::Watch
        } else {
            DriftBand::Act
        }
    }
}

/// One bin of a stability table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StabilityBin {
    /// Lower edge (exclusive; −∞ for the first bin).
    pub lower: f64,
    /// Upper edge (inclusive; +∞ for the last bin).
    pub upper: f64,
    /// Share of the training data.
    pub expected: f64,
    /// Share of the new data.
    pub actual: f64,
    /// `(a − e) ln(a / e)` with zero shares counted as [`MIN_SHARE`].
    pub contribution: f64,
}

/// A stability index with its table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stability {
    /// PSI (for a score) or CSI (for a column).
    pub index: f64,
    /// Its band.
    pub band: DriftBand,
    /// The bins.
    pub bins: Vec<StabilityBin>,
}

/// Bins and expected shares fixed on training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "BinsData", into = "BinsData")]
pub struct StabilityBins {
    edges: Vec<f64>,
    expected: Vec<f64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BinsData {
    edges: Vec<f64>,
    expected: Vec<f64>,
}

impl From<StabilityBins> for BinsData {
    fn from(b: StabilityBins) -> Self {
        BinsData {
            edges: b.edges,
            expected: b.expected,
        }
    }
}

impl TryFrom<BinsData> for StabilityBins {
    type Error = Error;
    fn try_from(d: BinsData) -> Result<Self> {
        check::same_len(
            "expected shares vs bins",
            d.edges.len() + 1,
            d.expected.len(),
        )?;
        check::all_finite("edges", &d.edges)?;
        if d.edges.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::model("stability bin edges must increase"));
        }
        check::weights("expected", &d.expected, 1e-9)?;
        Ok(StabilityBins {
            edges: d.edges,
            expected: d.expected,
        })
    }
}

impl StabilityBins {
    /// Fixes at most `bins` bins (2..=256) on the training values.
    pub fn fit(values: &[f64], bins: usize) -> Result<Self> {
        check::non_empty("values", values)?;
        check::all_finite("values", values)?;
        if !(2..=256).contains(&bins) {
            return Err(Error::invalid("bins", bins, "must lie in 2..=256"));
        }
        let mut col = values.to_vec();
        let edges = super::forest::bin_edges(&mut col, bins);
        let expected = shares(&edges, values);
        Ok(StabilityBins { edges, expected })
    }

    /// The stability index of new values against the training shares.
    pub fn index(&self, values: &[f64]) -> Result<Stability> {
        check::non_empty("values", values)?;
        check::all_finite("values", values)?;
        let actual = shares(&self.edges, values);
        let mut index = 0.0;
        let bins = (0..self.expected.len())
            .map(|i| {
                let (e, a) = (self.expected[i], actual[i]);
                let (ef, af) = (e.max(MIN_SHARE), a.max(MIN_SHARE));
                let contribution = (af - ef) * (af / ef).ln();
                index += contribution;
                StabilityBin {
                    lower: if i == 0 {
                        f64::NEG_INFINITY
                    } else {
                        self.edges[i - 1]
                    },
                    upper: self.edges.get(i).copied().unwrap_or(f64::INFINITY),
                    expected: e,
                    actual: a,
                    contribution,
                }
            })
            .collect();
        Ok(Stability {
            index,
            band: DriftBand::of(index),
            bins,
        })
    }
}

fn shares(edges: &[f64], values: &[f64]) -> Vec<f64> {
    let mut counts = vec![0usize; edges.len() + 1];
    for v in values {
        counts[edges.partition_point(|t| t < v)] += 1;
    }
    counts
        .iter()
        .map(|&c| c as f64 / values.len() as f64)
        .collect()
}

/// PSI of `actual` against `expected` on `bins` bins fixed on `expected`.
///
/// ```
/// use wealthscore::churn::drift::psi;
/// // Two bins (values 0 and 1): shares 50/50 → 80/20.
/// // PSI = (0.2 − 0.5) ln(0.2/0.5) + (0.8 − 0.5) ln(0.8/0.5) = 0.4159
/// let e = [0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
/// let a = [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0];
/// assert!((psi(&e, &a, 10)?.index - 0.415_888_308_335_967_2).abs() < 1e-12);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn psi(expected: &[f64], actual: &[f64], bins: usize) -> Result<Stability> {
    StabilityBins::fit(expected, bins)?.index(actual)
}

/// Stability of every column and of the score, fitted on the training data and kept with
/// the model to check new tables against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriftMonitor {
    names: Vec<String>,
    columns: Vec<StabilityBins>,
    score: StabilityBins,
}

/// A drift check of a new table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DriftReport {
    /// PSI of the score.
    pub score: Stability,
    /// CSI per column, largest first.
    pub columns: Vec<(String, Stability)>,
}

impl DriftReport {
    /// The `k` columns that moved most, with their CSI.
    pub fn top_columns(&self, k: usize) -> Vec<(&str, f64)> {
        self.columns
            .iter()
            .take(k)
            .map(|(n, s)| (n.as_str(), s.index))
            .collect()
    }

    /// One line per item: the score first, then the columns, largest CSI first.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "score PSI {:.4} ({:?})\n",
            self.score.index, self.score.band
        );
        for (n, c) in &self.columns {
            s.push_str(&format!("  {n:<32} CSI {:.4} ({:?})\n", c.index, c.band));
        }
        s
    }
}

impl DriftMonitor {
    /// Fixes bins on the training columns (named by `names`) and training scores.
    ///
    /// ```
    /// use wealthscore::churn::drift::{DriftBand, DriftMonitor};
    /// let x = ndarray::Array2::from_shape_fn((500, 2), |(i, j)| ((i * (j + 3)) % 97) as f64);
    /// let s: Vec<f64> = (0..500).map(|i| (i % 50) as f64 / 50.0).collect();
    /// let m = DriftMonitor::fit(&["a".into(), "b".into()], x.view(), &s, 10)?;
    /// let r = m.check(x.view(), &s)?;
    /// assert_eq!(r.score.band, DriftBand::Stable);
    /// assert!(r.columns.iter().all(|(_, c)| c.index < 1e-12));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn fit(names: &[String], x: ArrayView2<f64>, scores: &[f64], bins: usize) -> Result<Self> {
        check::same_len("names vs columns", x.ncols(), names.len())?;
        check::same_len("scores vs rows", x.nrows(), scores.len())?;
        let columns = x
            .columns()
            .into_iter()
            .zip(names)
            .map(|(c, n)| {
                StabilityBins::fit(&c.to_vec(), bins).map_err(|e| e.within(|f| format!("{n}: {f}")))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(DriftMonitor {
            names: names.to_vec(),
            columns,
            score: StabilityBins::fit(scores, bins)?,
        })
    }

    /// PSI of the new scores and CSI of the new columns.
    pub fn check(&self, x: ArrayView2<f64>, scores: &[f64]) -> Result<DriftReport> {
        check::same_len("columns", self.names.len(), x.ncols())?;
        check::same_len("scores vs rows", x.nrows(), scores.len())?;
        let mut columns = x
            .columns()
            .into_iter()
            .zip(&self.names)
            .zip(&self.columns)
            .map(|((c, n), b)| {
                b.index(&c.to_vec())
                    .map(|s| (n.clone(), s))
                    .map_err(|e| e.within(|f| format!("{n}: {f}")))
            })
            .collect::<Result<Vec<_>>>()?;
        columns.sort_by(|a, b| b.1.index.total_cmp(&a.1.index));
        Ok(DriftReport {
            score: self.score.index(scores)?,
            columns,
        })
    }
}
