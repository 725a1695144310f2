//! The membership matrix R: one row per factor (indicator), one column per grade.

use super::compose::{Operator, compose_into, normalise};
use super::membership::Membership;
use crate::error::{Error, Result, check};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// Tolerance used by [`Normalisation::Require`] when none is given.
pub const ROW_SUM_TOLERANCE: f64 = 1e-9;

/// What to do with rows of R that do not sum to 1. There is no default: the caller
/// chooses, so rows are never rescaled silently.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Normalisation {
    /// Rows must already sum to 1 within `tolerance`, else an error names the row.
    Require {
        /// Allowed deviation of a row sum from 1.
        tolerance: f64,
    },
    /// Each row is divided by its sum (an all-zero row is an error).
    RowSum,
    /// Rows are kept as given (values in `[0, 1]`, sums free), as max–min evaluations
    /// of independent membership functions allow.
    Keep,
}

/// How one measured indicator maps to memberships of the grades.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IndicatorScale {
    /// `anchors[k]` is the indicator value typical of grade `k` (best first), strictly
    /// increasing or strictly decreasing. Membership is split linearly between the two
    /// neighbouring anchors (triangular functions peaking at the anchors, with open
    /// shoulders beyond the first and last), so every row sums to 1.
    Anchors(Vec<f64>),
    /// One membership function per grade, best first; the row is then normalised
    /// as the caller chooses.
    Functions(Vec<Membership>),
}

impl IndicatorScale {
    /// Checks the scale against `grades` grades.
    pub fn validate(&self, grades: usize) -> Result<()> {
        match self {
            IndicatorScale::Anchors(a) => validate_anchors("anchors", a, grades),
            IndicatorScale::Functions(f) => check::same_len("functions vs grades", grades, f.len()),
        }
    }

    /// Writes the memberships of `x` into `out` (one per grade), unnormalised.
    pub fn row_into(&self, x: f64, out: &mut [f64]) -> Result<()> {
        check::finite("indicator value", x)?;
        self.validate(out.len())?;
        match self {
            IndicatorScale::Anchors(a) => anchors_row_into(a, x, out),
            IndicatorScale::Functions(f) => {
                for (o, m) in out.iter_mut().zip(f) {
                    *o = m.eval(x);
                }
            }
        }
        Ok(())
    }
}

pub(crate) fn validate_anchors(field: &str, a: &[f64], grades: usize) -> Result<()> {
    check::same_len(&format!("{field} vs grades"), grades, a.len())?;
    check::all_finite(field, a)?;
    if a.len() < 2 {
        return Err(Error::config(field, "need at least two anchors"));
    }
    let up = a[1] > a[0];
    for (i, w) in a.windows(2).enumerate() {
        let ok = if up { w[1] > w[0] } else { w[1] < w[0] };
        if !ok {
            return Err(Error::config(
                format!("{field}[{}]", i + 1),
                "anchors must be strictly increasing or strictly decreasing",
            ));
        }
        // Memberships divide by the gap: it and its reciprocal must be finite numbers.
        let gap = (w[1] - w[0]).abs();
        if !(gap.is_finite() && (1.0 / gap).is_finite()) {
            return Err(Error::config(
                format!("{field}[{}]", i + 1),
                format!(
                    "the gap of {gap:e} to the previous anchor is too {} to divide by",
                    if gap.is_finite() { "small" } else { "large" }
                ),
            ));
        }
    }
    Ok(())
}

/// Linear split between neighbouring anchors; anchors valid and `out.len() == a.len()`.
#[inline]
pub(crate) fn anchors_row_into(a: &[f64], x: f64, out: &mut [f64]) {
    out.iter_mut().for_each(|o| *o = 0.0);
    let n = a.len();
    let (first, last) = (a[0], a[n - 1]);
    let up = last > first;
    // Position along the anchors, as if they increased.
    let beyond_first = if up { x <= first } else { x >= first };
    let beyond_last = if up { x >= last } else { x <= last };
    if beyond_first {
        out[0] = 1.0;
        return;
    }
    if beyond_last {
        out[n - 1] = 1.0;
        return;
    }
    for k in 0..n - 1 {
        let (lo, hi) = (a[k], a[k + 1]);
        let inside = if up { x <= hi } else { x >= hi };
        if inside {
            let t = (x - lo) / (hi - lo);
            out[k] = 1.0 - t;
            out[k + 1] = t;
            return;
        }
    }
}

/// Soft Likert row: answer `answer` in `1..=n` (n = best) to grade `n - answer`, with
/// `softening` of its mass shared equally by the neighbouring grades (an end grade
/// keeps the share of its missing neighbour).
#[inline]
pub(crate) fn likert_row_into(answer: usize, softening: f64, out: &mut [f64]) {
    let n = out.len();
    out.iter_mut().for_each(|o| *o = 0.0);
    let g = n - answer;
    out[g] = 1.0 - softening;
    let half = softening / 2.0;
    if g > 0 {
        out[g - 1] += half;
    } else {
        out[g] += half;
    }
    if g + 1 < n {
        out[g + 1] += half;
    } else {
        out[g] += half;
    }
}

/// A validated membership matrix R (rows: factors, columns: grades best first), every
/// value finite in `[0, 1]`.
///
/// ```
/// use wealthscore::fuzzy::{MembershipMatrix, Operator};
/// use ndarray::array;
/// // Seven judges voted on two factors over four grades.
/// let r = MembershipMatrix::from_votes(&array![[2.0, 3.0, 2.0, 0.0], [0.0, 1.0, 5.0, 1.0]])?;
/// assert!((r.get(1, 2).unwrap() - 5.0 / 7.0).abs() < 1e-15);
/// let b = r.compose(&[0.5, 0.5], Operator::WeightedAverage)?;
/// assert!((b.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Vec<f64>>", into = "Vec<Vec<f64>>")]
pub struct MembershipMatrix {
    r: Array2<f64>,
}

// Serialised as a list of rows, validated (not rescaled) on load.
impl TryFrom<Vec<Vec<f64>>> for MembershipMatrix {
    type Error = Error;
    fn try_from(rows: Vec<Vec<f64>>) -> Result<Self> {
        MembershipMatrix::from_rows(&rows, Normalisation::Keep)
    }
}

impl From<MembershipMatrix> for Vec<Vec<f64>> {
    fn from(m: MembershipMatrix) -> Self {
        m.r.rows().into_iter().map(|r| r.to_vec()).collect()
    }
}

impl MembershipMatrix {
    /// R from a matrix of memberships, rows handled as `normalisation` says.
    pub fn new(mut r: Array2<f64>, normalisation: Normalisation) -> Result<Self> {
        if r.nrows() == 0 || r.ncols() == 0 {
            return Err(Error::Empty {
                what: "membership matrix".into(),
            });
        }
        for ((i, j), &v) in r.indexed_iter() {
            if !v.is_finite() {
                check::finite(&format!("R[{i}][{j}]"), v)?;
            }
        }
        match normalisation {
            Normalisation::Require { tolerance } => {
                check::non_negative("tolerance", tolerance)?;
                for (i, row) in r.rows().into_iter().enumerate() {
                    let s = row.sum();
                    if (s - 1.0).abs() > tolerance {
                        return Err(Error::invalid(
                            format!("R[{i}]"),
                            format!("row sum {s}"),
                            "must sum to 1 (choose Normalisation::RowSum to rescale)",
                        ));
                    }
                }
            }
            Normalisation::RowSum => {
                for (i, mut row) in r.rows_mut().into_iter().enumerate() {
                    for (j, &v) in row.iter().enumerate() {
                        if v < 0.0 {
                            check::non_negative(&format!("R[{i}][{j}]"), v)?;
                        }
                    }
                    let s = row.sum();
                    if s <= 0.0 {
                        return Err(Error::invalid(
                            format!("R[{i}]"),
                            "all zero",
                            "a row must have some membership to be rescaled",
                        ));
                    }
                    row.mapv_inplace(|v| v / s);
                }
            }
            Normalisation::Keep => {}
        }
        for ((i, j), &v) in r.indexed_iter() {
            if !(0.0..=1.0).contains(&v) {
                check::in_range(&format!("R[{i}][{j}]"), v, 0.0, 1.0)?;
            }
        }
        Ok(MembershipMatrix { r })
    }

    /// R from a list of equally long rows, handled as `normalisation` says.
    pub fn from_rows(rows: &[Vec<f64>], normalisation: Normalisation) -> Result<Self> {
        check::non_empty("membership matrix rows", rows)?;
        let n = rows[0].len();
        let mut r = Array2::zeros((rows.len(), n));
        for (i, row) in rows.iter().enumerate() {
            check::same_len(&format!("R[{i}] length vs R[0]"), n, row.len())?;
            r.row_mut(i).assign(&ndarray::ArrayView1::from(&row[..]));
        }
        Self::new(r, normalisation)
    }

    /// R from vote counts: `counts[i][j]` evaluators put factor `i` in grade `j`;
    /// each row becomes its vote shares.
    pub fn from_votes(counts: &Array2<f64>) -> Result<Self> {
        Self::new(counts.clone(), Normalisation::RowSum)
    }

    /// R from one respondent's Likert answers (`1..=grades`, `grades` = best), one per
    /// factor. With `softening == 0` each row is crisp (all membership on one grade);
    /// with `softening` in `(0, 1)` that share moves to the neighbouring grades, which
    /// reflects that a "4" is not entirely unlike a "5". Rows sum to 1.
    ///
    /// ```
    /// use wealthscore::fuzzy::MembershipMatrix;
    /// let r = MembershipMatrix::from_likert(&[5, 3], 5, 0.2)?;
    /// assert_eq!(r.row(0).unwrap(), vec![0.9, 0.1, 0.0, 0.0, 0.0]);
    /// assert_eq!(r.row(1).unwrap(), vec![0.0, 0.1, 0.8, 0.1, 0.0]);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_likert(answers: &[u8], grades: usize, softening: f64) -> Result<Self> {
        check::non_empty("answers", answers)?;
        if grades < 2 {
            return Err(Error::config("grades", "need at least two grades"));
        }
        check::in_range("softening", softening, 0.0, 1.0)?;
        if softening >= 1.0 {
            return Err(Error::invalid("softening", softening, "must be < 1"));
        }
        let mut r = Array2::zeros((answers.len(), grades));
        for (i, &ans) in answers.iter().enumerate() {
            if ans == 0 || usize::from(ans) > grades {
                return Err(Error::invalid(
                    format!("answers[{i}]"),
                    ans,
                    format!("must be a Likert answer 1..={grades}"),
                ));
            }
            let mut row = vec![0.0; grades];
            likert_row_into(usize::from(ans), softening, &mut row);
            r.row_mut(i).assign(&ndarray::Array1::from(row));
        }
        Self::new(
            r,
            Normalisation::Require {
                tolerance: ROW_SUM_TOLERANCE,
            },
        )
    }

    /// R from measured indicator values, `values[i]` mapped through `scales[i]` onto
    /// `grades` grades, rows then handled as `normalisation` says.
    ///
    /// ```
    /// use wealthscore::fuzzy::{IndicatorScale, MembershipMatrix, Normalisation};
    /// // Complaints in 12 months: 0 is very satisfied … 5 or more very dissatisfied.
    /// let complaints = IndicatorScale::Anchors(vec![0.0, 1.0, 2.0, 3.0, 5.0]);
    /// let r = MembershipMatrix::from_indicators(&[1.5], &[complaints], 5, Normalisation::RowSum)?;
    /// assert_eq!(r.row(0).unwrap(), vec![0.0, 0.5, 0.5, 0.0, 0.0]);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_indicators(
        values: &[f64],
        scales: &[IndicatorScale],
        grades: usize,
        normalisation: Normalisation,
    ) -> Result<Self> {
        check::non_empty("indicator values", values)?;
        check::same_len("indicator scales vs values", values.len(), scales.len())?;
        let mut r = Array2::zeros((values.len(), grades));
        let mut row = vec![0.0; grades];
        for (i, (&x, scale)) in values.iter().zip(scales).enumerate() {
            if !x.is_finite() {
                check::finite(&format!("indicator values[{i}]"), x)?;
            }
            scale
                .row_into(x, &mut row)
                .map_err(|e| e.within(|f| format!("scales[{i}].{f}")))?;
            r.row_mut(i).assign(&ndarray::ArrayView1::from(&row[..]));
        }
        Self::new(r, normalisation)
    }

    /// Number of factors (rows).
    pub fn factors(&self) -> usize {
        self.r.nrows()
    }

    /// Number of grades (columns).
    pub fn grades(&self) -> usize {
        self.r.ncols()
    }

    /// The matrix.
    pub fn as_array(&self) -> &Array2<f64> {
        &self.r
    }

    /// `r_ij`, if in range.
    pub fn get(&self, i: usize, j: usize) -> Option<f64> {
        self.r.get((i, j)).copied()
    }

    /// Row `i` as a vector, if in range.
    pub fn row(&self, i: usize) -> Option<Vec<f64>> {
        (i < self.r.nrows()).then(|| self.r.row(i).to_vec())
    }

    /// `B = A ∘ R` under `op`, without normalising (as printed in most textbooks).
    pub fn compose_raw(&self, weights: &[f64], op: Operator) -> Result<Vec<f64>> {
        let r = self.r.as_standard_layout();
        let cells = r
            .as_slice()
            .ok_or_else(|| Error::model("R not contiguous"))?;
        let mut b = vec![0.0; self.grades()];
        compose_into(op, weights, cells, &mut b)?;
        Ok(b)
    }

    /// `B = A ∘ R` under `op`, normalised to sum to 1.
    pub fn compose(&self, weights: &[f64], op: Operator) -> Result<Vec<f64>> {
        let mut b = self.compose_raw(weights, op)?;
        normalise(&mut b)?;
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn anchors_match_triangular_partition() {
        // Inside the anchors, the split equals skfuzzy-style trimf on neighbouring anchors.
        let a = [0.0, 1.0, 2.0, 3.0, 5.0];
        let mut out = [0.0; 5];
        for &x in &[0.3, 1.0, 2.7, 4.0] {
            anchors_row_into(&a, x, &mut out);
            for k in 1..4 {
                let m = Membership::triangular(a[k - 1], a[k], a[k + 1]).unwrap();
                assert!((out[k] - m.eval(x)).abs() < 1e-15, "x={x} k={k}");
            }
        }
        // Shoulders and a decreasing scale.
        anchors_row_into(&a, -1.0, &mut out);
        assert_eq!(out, [1.0, 0.0, 0.0, 0.0, 0.0]);
        anchors_row_into(&[12.0, 6.0, 3.0, 1.0, 0.0], 4.5, &mut out);
        assert_eq!(out, [0.0, 0.5, 0.5, 0.0, 0.0]);
    }

    #[test]
    fn normalisation_is_explicit() {
        let r = array![[0.2, 0.2], [0.5, 0.5]];
        assert!(matches!(
            MembershipMatrix::new(r.clone(), Normalisation::Require { tolerance: 1e-9 }),
            Err(Error::InvalidInput { field, .. }) if field == "R[0]"
        ));
        let m = MembershipMatrix::new(r.clone(), Normalisation::RowSum).unwrap();
        assert_eq!(m.row(0).unwrap(), vec![0.5, 0.5]);
        let k = MembershipMatrix::new(r, Normalisation::Keep).unwrap();
        assert_eq!(k.row(0).unwrap(), vec![0.2, 0.2]);
        assert!(MembershipMatrix::new(array![[1.5, 0.0]], Normalisation::Keep).is_err());
        assert!(MembershipMatrix::from_votes(&array![[0.0, 0.0]]).is_err());
    }

    #[test]
    fn likert_rows() {
        let r = MembershipMatrix::from_likert(&[1, 4], 5, 0.0).unwrap();
        assert_eq!(r.row(0).unwrap(), vec![0.0, 0.0, 0.0, 0.0, 1.0]);
        assert_eq!(r.row(1).unwrap(), vec![0.0, 1.0, 0.0, 0.0, 0.0]);
        assert!(MembershipMatrix::from_likert(&[6], 5, 0.0).is_err());
        assert!(MembershipMatrix::from_likert(&[3], 5, 1.0).is_err());
    }
}
