//! Special functions used by the lifetime models.
//!
//! Log-gamma and digamma come from `statrs` (no default features, so no `rand` or
//! `nalgebra`). `statrs` has no Gauss hypergeometric function, so [`hyp2f1`] is written
//! here: the models only need it for `0 <= z < 1`, where the power series converges,
//! and after Euler's transformation its terms shrink fast for the arguments they use.

use crate::error::{Error, Result};

pub(crate) use statrs::function::gamma::{digamma, ln_gamma};

/// Most series terms [`hyp2f1`] will sum before giving up.
const HYP2F1_MAX_TERMS: usize = 1_000_000;

/// Gauss hypergeometric function `2F1(a, b; c; z)` for `0 <= z < 1`.
///
/// Sums the power series `sum_n (a)_n (b)_n / ((c)_n n!) z^n` until a term no longer
/// changes the sum at double precision. `c` must not be zero or a negative integer.
/// Returns [`Error::NotConverged`] if the series has not settled after a million terms
/// (only for `z` extremely close to 1), and [`Error::InvalidInput`] naming the arguments
/// when the value exceeds the f64 range (never an infinite `Ok`).
///
/// ```
/// use wealthscore::churn::lifetime::hyp2f1;
/// // 2F1(1, 1; 2; z) = -ln(1 - z) / z
/// let z = 0.5_f64;
/// let v = hyp2f1(1.0, 1.0, 2.0, z)?;
/// assert!((v - (-(1.0 - z).ln() / z)).abs() < 1e-14);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64> {
    for (name, v) in [("a", a), ("b", b), ("c", c), ("z", z)] {
        crate::error::check::finite(name, v)?;
    }
    if !(0.0..1.0).contains(&z) {
        return Err(Error::invalid(
            "z",
            z,
            "hyp2f1 is implemented for 0 <= z < 1",
        ));
    }
    if c <= 0.0 && c.fract() == 0.0 {
        return Err(Error::invalid(
            "c",
            c,
            "must not be zero or a negative integer",
        ));
    }
    let mut sum = 1.0_f64;
    let mut term = 1.0_f64;
    for n in 0..HYP2F1_MAX_TERMS {
        let k = n as f64;
        term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        if term == 0.0 {
            return Ok(sum);
        }
        let next = sum + term;
        if !next.is_finite() {
            return Err(overflow(a, b, c, z));
        }
        // Once every Pochhammer factor is positive, the ratio of successive terms tends
        // monotonically to z, so the tail is below |term| ρ/(1-ρ) with ρ the larger of
        // the next ratio and z.
        let k1 = k + 1.0;
        if a + k1 > 0.0 && b + k1 > 0.0 && c + k1 > 0.0 {
            let rho = ((a + k1) * (b + k1) / ((c + k1) * (k1 + 1.0)) * z).max(z);
            if rho < 1.0 && term.abs() * rho / (1.0 - rho) <= 0.5 * f64::EPSILON * next.abs() {
                return Ok(next);
            }
        }
        sum = next;
    }
    Err(Error::NotConverged {
        method: "hypergeometric series 2F1".into(),
        iterations: HYP2F1_MAX_TERMS,
        detail: format!("a={a}, b={b}, c={c}, z={z}"),
    })
}

/// The error for a series whose sum leaves the f64 range: no finite answer exists.
fn overflow(a: f64, b: f64, c: f64, z: f64) -> Error {
    Error::invalid(
        "(a, b, c, z)",
        format!("({a}, {b}, {c}, {z})"),
        "2F1 at these arguments exceeds the largest f64 (about 1.8e308)",
    )
}

/// `ln B(a, b)` from log-gamma.
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// scipy.special.gammaln / digamma values from tests/data/lifetime_reference.json
    /// (made by tests/data/scripts/lifetime_reference.py).
    #[test]
    fn ln_gamma_and_digamma_match_scipy() {
        let text = std::fs::read_to_string("tests/data/lifetime_reference.json").unwrap();
        let r: serde_json::Value = serde_json::from_str(&text).unwrap();
        for (key, func) in [
            ("ln_gamma", ln_gamma as fn(f64) -> f64),
            ("digamma", digamma),
        ] {
            for row in r[key].as_array().unwrap() {
                let x = row["x"].as_f64().unwrap();
                let want = row["value"].as_f64().unwrap();
                let got = func(x);
                assert!(
                    (got - want).abs() <= 1e-13 * want.abs().max(1.0),
                    "{key}({x}) = {got}, scipy {want}"
                );
            }
        }
    }

    #[test]
    fn hyp2f1_closed_forms() {
        // 2F1(a, b; b; z) = (1 - z)^(-a); 2F1(1, 1; 2; z) = -ln(1 - z)/z
        for z in [0.0, 0.1, 0.5, 0.9, 0.99] {
            let v = hyp2f1(1.7, 2.3, 2.3, z).unwrap();
            assert!((v - (1.0 - z).powf(-1.7)).abs() <= 1e-13 * v);
        }
        let z = 0.999;
        let v = hyp2f1(1.0, 1.0, 2.0, z).unwrap();
        assert!((v - (-(1.0 - z).ln() / z)).abs() <= 1e-12 * v);
    }
}
