//! One-criterion sensitivity of the top-ranked alternative.
//!
//! When criterion k's weight moves from g to x and the other criteria keep their
//! proportions (scaled by (1 − x)/(1 − g)), every alternative's total score is linear in x:
//! `S_a(x) = x·s_a + (1 − x)·R_a`, with `s_a` the alternative's score under k and `R_a`
//! its score under the rest. The top alternative changes where its line is first crossed.

use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// Where the top alternative changes as one criterion's weight moves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Crossing {
    /// The criterion weight at which another alternative ties the top one.
    pub weight: f64,
    /// `weight − current weight` (negative for a decrease).
    pub change: f64,
    /// Index of the alternative that becomes top past this weight.
    pub new_top: usize,
}

/// Sensitivity of the ranking to one criterion's weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Sensitivity {
    /// The criterion.
    pub criterion: String,
    /// Its current weight.
    pub current_weight: f64,
    /// Index of the currently top-ranked alternative.
    pub top: usize,
    /// Nearest crossing when the weight decreases towards 0, if any.
    pub decrease: Option<Crossing>,
    /// Nearest crossing when the weight increases towards 1, if any.
    pub increase: Option<Crossing>,
}

impl Sensitivity {
    /// The smallest absolute weight change that changes the top alternative, if any.
    pub fn smallest_change(&self) -> Option<f64> {
        match (self.decrease, self.increase) {
            (Some(d), Some(i)) => Some(d.change.abs().min(i.change)),
            (Some(d), None) => Some(d.change.abs()),
            (None, Some(i)) => Some(i.change),
            (None, None) => None,
        }
    }
}

/// Sensitivity of the top alternative to criterion `k` in a one-level synthesis.
///
/// `weights[c]` are criterion weights (sum 1), `scores[c][a]` alternative `a`'s local
/// priority under criterion `c`.
///
/// ```
/// use wealthscore::ahp::sensitivity;
/// // Two criteria, two alternatives: A wins on c0, B on c1.
/// let s = sensitivity(&[0.6, 0.4], &[vec![0.8, 0.2], vec![0.3, 0.7]], 0)?;
/// assert_eq!(s.top, 0);
/// // Totals tie where 0.8x + 0.3(1−x) = 0.2x + 0.7(1−x), i.e. x = 0.4.
/// let d = s.decrease.unwrap();
/// assert!((d.weight - 0.4).abs() < 1e-12 && d.new_top == 1);
/// assert!(s.increase.is_none());
/// # Ok::<(), wealthscore::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] / [`Error::DimensionMismatch`] for invalid weights or scores, a
/// criterion index out of range or a criterion holding all the weight.
pub fn sensitivity(weights: &[f64], scores: &[Vec<f64>], k: usize) -> Result<Sensitivity> {
    check::weights("weights", weights, 1e-9)?;
    check::same_len("scores per criterion", weights.len(), scores.len())?;
    if k >= weights.len() {
        return Err(Error::invalid("criterion", k, "index out of range"));
    }
    let m = scores.first().map_or(0, Vec::len);
    if m == 0 {
        return Err(Error::Empty {
            what: "alternatives".into(),
        });
    }
    let mut total = vec![0.0; m];
    for (c, row) in scores.iter().enumerate() {
        check::same_len(&format!("scores[{c}]"), m, row.len())?;
        for (a, &v) in row.iter().enumerate() {
            check::non_negative(&format!("scores[{c}][{a}]"), v)?;
            total[a] += weights[c] * v;
        }
    }
    let contrib: Vec<f64> = scores[k].iter().map(|v| v * weights[k]).collect();
    sensitivity_linear(&k.to_string(), weights[k], &contrib, &total)
}

/// Core: `contrib[a]` is the criterion's contribution `g·s_a` to `total[a]`.
pub(crate) fn sensitivity_linear(
    name: &str,
    g: f64,
    contrib: &[f64],
    total: &[f64],
) -> Result<Sensitivity> {
    if g >= 1.0 - 1e-12 || g <= 0.0 {
        return Err(Error::invalid(
            format!("weight of {name}"),
            g,
            "must lie strictly between 0 and 1 to trade off against other criteria",
        ));
    }
    let m = total.len();
    let s: Vec<f64> = contrib.iter().map(|c| c / g).collect();
    let r: Vec<f64> = total
        .iter()
        .zip(contrib)
        .map(|(t, c)| (t - c) / (1.0 - g))
        .collect();
    let mut top = 0;
    for a in 1..m {
        if total[a] > total[top] {
            top = a;
        }
    }
    let mut decrease: Option<Crossing> = None;
    let mut increase: Option<Crossing> = None;
    for b in 0..m {
        if b == top {
            continue;
        }
        // D(x) = S_top(x) − S_b(x) = d0 + x·(d1 − d0), with D(g) ≥ 0.
        let d0 = r[top] - r[b];
        let d1 = s[top] - s[b];
        let slope = d1 - d0;
        if slope.abs() < 1e-15 {
            continue;
        }
        let x = -d0 / slope;
        if !(0.0..=1.0).contains(&x) {
            continue;
        }
        let c = Crossing {
            weight: x,
            change: x - g,
            new_top: b,
        };
        // Past the root b leads only if D turns negative in that direction.
        if x < g && slope > 0.0 {
            if decrease.is_none_or(|d| x > d.weight) {
                decrease = Some(c);
            }
        } else if x > g && slope < 0.0 && increase.is_none_or(|i| x < i.weight) {
            increase = Some(c);
        }
    }
    Ok(Sensitivity {
        criterion: name.to_string(),
        current_weight: g,
        top,
        decrease,
        increase,
    })
}
