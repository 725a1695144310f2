//! Probability calibration for any model: Platt scaling and isotonic regression, fitted
//! on held-out probabilities, with the calibration table and ECE before and after.
//!
//! - **Platt scaling** fits `p' = 1 / (1 + exp(a·s + b))` on the score `s = logit(p)` by
//!   maximum likelihood with Platt's smoothed targets `(N₊ + 1)/(N₊ + 2)` and
//!   `1/(N₋ + 2)`, as scikit-learn's `_sigmoid_calibration` (`CalibratedClassifierCV(
//!   method="sigmoid")`); solved by Newton's method to machine precision.
//! - **Isotonic regression** fits the non-decreasing step function of `p` closest to the
//!   labels in squared error by pool-adjacent-violators, ties in `p` merged first, and
//!   predicts by linear interpolation between the fitted points, clipped at the ends, as
//!   scikit-learn's `IsotonicRegression(out_of_bounds="clip")`.
//!
//! Both are checked against scikit-learn on the same scores
//! (`tests/data/calibration_sklearn_reference.json`).
//!
//! ```
//! use wealthscore::churn::calibrate::{Calibrator, CalibrationMethod};
//! // Scores that overstate risk: every client at 0.8 churns half the time.
//! let p = [0.8, 0.8, 0.8, 0.8, 0.2, 0.2, 0.2, 0.2];
//! let y = [true, false, true, false, false, false, false, true];
//! let iso = Calibrator::fit(CalibrationMethod::Isotonic, &p, &y)?;
//! assert!((iso.apply(0.8)? - 0.5).abs() < 1e-12);
//! assert!((iso.apply(0.2)? - 0.25).abs() < 1e-12);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use super::eval::{Calibration, calibration};
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// Which calibration to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CalibrationMethod {
    /// Platt scaling (a sigmoid of the logit).
    Platt,
    /// Isotonic regression (pool-adjacent-violators).
    Isotonic,
}

/// Scores beyond this logit are clipped before Platt scaling (probabilities of exactly 0
/// or 1 stay finite).
const MAX_LOGIT: f64 = 36.0;

fn logit(p: f64) -> f64 {
    (p.ln() - (-p).ln_1p()).clamp(-MAX_LOGIT, MAX_LOGIT)
}

/// A fitted calibration map from a model's probability to a calibrated one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method", deny_unknown_fields)]
#[non_exhaustive]
pub enum Calibrator {
    /// `p' = 1 / (1 + exp(a·logit(p) + b))`.
    Platt {
        /// Slope (negative when the model ranks the right way round).
        a: f64,
        /// Intercept.
        b: f64,
    },
    /// Linear interpolation through `(x, y)`, clipped outside `[x₀, x_last]`.
    Isotonic {
        /// Increasing input probabilities.
        x: Vec<f64>,
        /// Non-decreasing calibrated probabilities.
        y: Vec<f64>,
    },
}

impl Calibrator {
    /// Fits on held-out probabilities `probs` (in `[0, 1]`) and their outcomes.
    pub fn fit(method: CalibrationMethod, probs: &[f64], y: &[bool]) -> Result<Self> {
        check::non_empty("probabilities", probs)?;
        check::same_len("labels vs probabilities", probs.len(), y.len())?;
        for (i, &p) in probs.iter().enumerate() {
            check::in_range_lazy(p, 0.0, 1.0, || format!("probabilities[{i}]"))?;
        }
        super::check_two_classes("calibration", y)?;
        let c = match method {
            CalibrationMethod::Platt => fit_platt(probs, y)?,
            CalibrationMethod::Isotonic => fit_isotonic(probs, y),
        };
        c.validate()?;
        Ok(c)
    }

    /// Checks the parameters (finite; isotonic points increasing in `x`, non-decreasing
    /// in `y`, inside `[0, 1]`).
    pub fn validate(&self) -> Result<()> {
        match self {
            Calibrator::Platt { a, b } => {
                check::finite("platt.a", *a)?;
                check::finite("platt.b", *b)?;
            }
            Calibrator::Isotonic { x, y } => {
                check::non_empty("isotonic.x", x)?;
                check::same_len("isotonic.y vs isotonic.x", x.len(), y.len())?;
                for (i, (&u, &v)) in x.iter().zip(y).enumerate() {
                    check::in_range_lazy(u, 0.0, 1.0, || format!("isotonic.x[{i}]"))?;
                    check::in_range_lazy(v, 0.0, 1.0, || format!("isotonic.y[{i}]"))?;
                    if i > 0 && (u <= x[i - 1] || v < y[i - 1]) {
                        return Err(Error::model(format!(
                            "isotonic point {i} is out of order (x must increase, y must not fall)"
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    /// The calibrated probability of a model probability `p` in `[0, 1]`.
    pub fn apply(&self, p: f64) -> Result<f64> {
        check::probability("probability", p)?;
        Ok(self.apply_unchecked(p))
    }

    pub(crate) fn apply_unchecked(&self, p: f64) -> f64 {
        match self {
            Calibrator::Platt { a, b } => 1.0 / (1.0 + (a * logit(p) + b).exp()),
            Calibrator::Isotonic { x, y } => {
                let k = x.partition_point(|&u| u < p);
                if k == 0 {
                    return y[0];
                }
                if k == x.len() {
                    return y[x.len() - 1];
                }
                let (x0, x1, y0, y1) = (x[k - 1], x[k], y[k - 1], y[k]);
                y0 + (y1 - y0) * (p - x0) / (x1 - x0)
            }
        }
    }

    /// Calibrated probabilities of many.
    pub fn apply_all(&self, probs: &[f64]) -> Result<Vec<f64>> {
        probs
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                check::in_range_lazy(p, 0.0, 1.0, || format!("probabilities[{i}]"))?;
                Ok(self.apply_unchecked(p))
            })
            .collect()
    }

    /// The method this calibrator was fitted with.
    pub fn method(&self) -> CalibrationMethod {
        match self {
            Calibrator::Platt { .. } => CalibrationMethod::Platt,
            Calibrator::Isotonic { .. } => CalibrationMethod::Isotonic,
        }
    }
}

/// Platt's method with smoothed targets, by Newton's method on `(a, b)`.
fn fit_platt(probs: &[f64], y: &[bool]) -> Result<Calibrator> {
    let f: Vec<f64> = probs.iter().map(|&p| logit(p)).collect();
    let pos = y.iter().filter(|&&b| b).count() as f64;
    let neg = y.len() as f64 - pos;
    let t_pos = (pos + 1.0) / (pos + 2.0);
    let t_neg = 1.0 / (neg + 2.0);
    // Minimise Σ −t ln q − (1 − t) ln(1 − q), q = σ(−(a f + b)).
    let (mut a, mut b) = (0.0, ((neg + 1.0) / (pos + 1.0)).ln());
    let loss = |a: f64, b: f64| -> f64 {
        f.iter()
            .zip(y)
            .map(|(&fi, &yi)| {
                let t = if yi { t_pos } else { t_neg };
                let z = -(a * fi + b); // q = σ(z)
                // −t ln σ(z) − (1 − t) ln σ(−z) = softplus(z) − t z
                let sp = if z > 0.0 {
                    z + (-z).exp().ln_1p()
                } else {
                    z.exp().ln_1p()
                };
                sp - t * z
            })
            .sum()
    };
    let mut cur = loss(a, b);
    for it in 0..200 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (&fi, &yi) in f.iter().zip(y) {
            let t = if yi { t_pos } else { t_neg };
            let q = 1.0 / (1.0 + (a * fi + b).exp());
            // d loss / d(a f + b) = t − q; second derivative q (1 − q).
            let r = t - q;
            let w = q * (1.0 - q);
            ga += r * fi;
            gb += r;
            haa += w * fi * fi;
            hab += w * fi;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if !(det.is_finite() && det > 0.0) {
            return Err(Error::Fit {
                model: "Platt scaling".into(),
                reason: "the scores do not vary".into(),
            });
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        // Damped step: halve until the loss does not rise.
        let mut step = 1.0;
        let (mut na, mut nb, mut nl) = (a - da, b - db, loss(a - da, b - db));
        while nl > cur && step > 1e-10 {
            step *= 0.5;
            na = a - step * da;
            nb = b - step * db;
            nl = loss(na, nb);
        }
        let small =
            (na - a).abs() < 1e-13 * (1.0 + a.abs()) && (nb - b).abs() < 1e-13 * (1.0 + b.abs());
        a = na;
        b = nb;
        cur = nl;
        if small {
            return Ok(Calibrator::Platt { a, b });
        }
        if it == 199 {
            break;
        }
    }
    Err(Error::NotConverged {
        method: "Platt scaling (Newton)".into(),
        iterations: 200,
        detail: format!("a = {a}, b = {b}"),
    })
}

/// Pool-adjacent-violators on the distinct probabilities, weighted by their counts.
fn fit_isotonic(probs: &[f64], y: &[bool]) -> Calibrator {
    let mut idx: Vec<usize> = (0..probs.len()).collect();
    idx.sort_by(|&i, &j| probs[i].total_cmp(&probs[j]));
    // Distinct x with mean y and weight.
    let mut xs: Vec<f64> = Vec::new();
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new(); // (sum y, weight, first point)
    for &i in &idx {
        let yi = f64::from(u8::from(y[i]));
        if xs.last() == Some(&probs[i]) {
            if let Some(bl) = blocks.last_mut() {
                bl.0 += yi;
                bl.1 += 1.0;
            }
        } else {
            xs.push(probs[i]);
            blocks.push((yi, 1.0, xs.len() - 1));
        }
    }
    // PAV over the distinct points: merge a block into its predecessor while it is lower.
    let mut stack: Vec<(f64, f64, usize)> = Vec::with_capacity(blocks.len());
    for bl in blocks {
        let mut cur = bl;
        while let Some(&prev) = stack.last() {
            if prev.0 / prev.1 >= cur.0 / cur.1 {
                cur = (prev.0 + cur.0, prev.1 + cur.1, prev.2);
                stack.pop();
            } else {
                break;
            }
        }
        stack.push(cur);
    }
    let mut fitted = vec![0.0; xs.len()];
    for (k, bl) in stack.iter().enumerate() {
        let end = stack.get(k + 1).map_or(xs.len(), |n| n.2);
        fitted[bl.2..end].iter_mut().for_each(|v| *v = bl.0 / bl.1);
    }
    // Keep the first and last point of each constant run: interpolation is unchanged.
    let (mut x, mut yv) = (Vec::new(), Vec::new());
    for i in 0..xs.len() {
        let same_prev = i > 0 && fitted[i - 1] == fitted[i];
        let same_next = i + 1 < xs.len() && fitted[i + 1] == fitted[i];
        if !(same_prev && same_next) {
            x.push(xs[i]);
            yv.push(fitted[i]);
        }
    }
    Calibrator::Isotonic { x, y: yv }
}

/// The calibration table and ECE of held-out probabilities before and after a calibrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CalibrationReport {
    /// The method applied.
    pub method: CalibrationMethod,
    /// Table of the model's own probabilities.
    pub before: Calibration,
    /// Table of the calibrated probabilities.
    pub after: Calibration,
}

impl CalibrationReport {
    /// Tables over `bins` equal-width bins for `probs` and their calibrated values.
    ///
    /// ```
    /// use wealthscore::churn::calibrate::{Calibrator, CalibrationMethod, CalibrationReport};
    /// let p = [0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1];
    /// let y = [true, false, true, false, false, false, false, true];
    /// let c = Calibrator::fit(CalibrationMethod::Isotonic, &p, &y)?;
    /// let r = CalibrationReport::new(&c, &p, &y, 10)?;
    /// // Before: ½·|0.9 − 0.5| + ½·|0.1 − 0.25| = 0.275; after: the observed rates.
    /// assert!(r.after.ece < 1e-12 && (r.before.ece - 0.275).abs() < 1e-12);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn new(cal: &Calibrator, probs: &[f64], y: &[bool], bins: usize) -> Result<Self> {
        let after = cal.apply_all(probs)?;
        Ok(CalibrationReport {
            method: cal.method(),
            before: calibration(probs, y, bins)?,
            after: calibration(&after, y, bins)?,
        })
    }

    /// The tables as text: one line per bin, before then after.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for (name, c) in [("before", &self.before), ("after", &self.after)] {
            s.push_str(&format!(
                "{name} ({:?}): ECE {:.4}, max error {:.4}\n  bin          n   predicted  observed\n",
                self.method, c.ece, c.max_error
            ));
            for b in &c.bins {
                s.push_str(&format!(
                    "  {:.1}-{:.1} {:>8} {:>10.4} {:>9.4}\n",
                    b.lower, b.upper, b.count, b.mean_predicted, b.observed_rate
                ));
            }
        }
        s
    }
}
