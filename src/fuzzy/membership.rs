//! Membership functions with scikit-fuzzy's definitions and edge behaviour.
//!
//! Each shape follows `skfuzzy.membership` 0.5.0 (`trimf`, `trapmf`, `gaussmf`, `gbellmf`,
//! `sigmf`, `smf`, `zmf`, `pimf`) rule for rule, including which side wins at a break
//! point, so values agree with scikit-fuzzy to rounding. A degenerate side (`a == b`)
//! is a vertical edge, never a division by zero. The one place scikit-fuzzy returns
//! NaN (the S- and Π-shapes at the single point `x == a == b`, where it computes `0/0`)
//! is defined here as `1.0`, the ceiling; see [`Membership::eval`]. Parameters anywhere in
//! the f64 range give finite values: a difference that overflows (`b − a` with
//! `a = −f64::MAX`) is taken in exact halves, and the Gaussian divides by σ before squaring.

use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// The parameters of a membership function, as plain data.
///
/// Parameter names and order follow scikit-fuzzy. Use [`Membership::new`] (or the
/// named constructors) to obtain a validated function.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Shape {
    /// `trimf([a, b, c])`: 0 outside `(a, c)`, 1 at `b`, linear between; `a <= b <= c`.
    Triangular {
        /// Left foot.
        a: f64,
        /// Peak.
        b: f64,
        /// Right foot.
        c: f64,
    },
    /// `trapmf([a, b, c, d])`: rises on `[a, b]`, 1 on `[b, c]`, falls on `[c, d]`.
    Trapezoidal {
        /// Left foot.
        a: f64,
        /// Left shoulder.
        b: f64,
        /// Right shoulder.
        c: f64,
        /// Right foot.
        d: f64,
    },
    /// `gaussmf(x, mean, sigma)` = `exp(-(x - mean)² / (2 sigma²))`; `sigma > 0`.
    Gaussian {
        /// Centre.
        mean: f64,
        /// Standard deviation, `> 0`.
        sigma: f64,
    },
    /// `gbellmf(x, a, b, c)` = `1 / (1 + |(x - c) / a|^(2b))`; `a > 0`, `b > 0`.
    Bell {
        /// Half-width at membership 0.5, `> 0`.
        a: f64,
        /// Slope exponent, `> 0`.
        b: f64,
        /// Centre.
        c: f64,
    },
    /// `sigmf(x, b, c)` = `1 / (1 + exp(-c (x - b)))`; `c` sets width and direction.
    Sigmoid {
        /// Centre, where membership is 0.5.
        b: f64,
        /// Slope; positive rises to the right, negative falls, 0 is constant 0.5.
        c: f64,
    },
    /// `smf(x, a, b)`: 0 up to `a`, S-curve to 1 at `b`; `a <= b`.
    S {
        /// Foot.
        a: f64,
        /// Ceiling.
        b: f64,
    },
    /// `zmf(x, a, b)`: 1 up to `a`, Z-curve to 0 at `b`; `a <= b`.
    Z {
        /// Ceiling.
        a: f64,
        /// Foot.
        b: f64,
    },
    /// `pimf(x, a, b, c, d)`: S-curve on `[a, b]`, 1 on `[b, c]`, Z-curve on `[c, d]`.
    Pi {
        /// Left foot.
        a: f64,
        /// Left ceiling.
        b: f64,
        /// Right ceiling.
        c: f64,
        /// Right foot.
        d: f64,
    },
}

/// A validated membership function; see [`Shape`] for the definitions.
///
/// ```
/// use wealthscore::fuzzy::Membership;
/// let tri = Membership::triangular(0.0, 5.0, 10.0)?;
/// assert_eq!(tri.eval(2.5), 0.5);
/// let mut out = [0.0; 3];
/// tri.eval_slice(&[0.0, 5.0, 7.5], &mut out)?;
/// assert_eq!(out, [0.0, 1.0, 0.5]);
/// // A degenerate left side is a vertical edge, not a division by zero.
/// let edge = Membership::triangular(5.0, 5.0, 10.0)?;
/// assert_eq!((edge.eval(4.9), edge.eval(5.0)), (0.0, 1.0));
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::json::Strict<Shape>", into = "Shape")]
pub struct Membership {
    shape: Shape,
}

crate::json::strict_try_from!(Membership, Shape);

impl TryFrom<Shape> for Membership {
    type Error = Error;
    fn try_from(shape: Shape) -> Result<Self> {
        Membership::new(shape)
    }
}

impl From<Membership> for Shape {
    fn from(m: Membership) -> Shape {
        m.shape
    }
}

fn ordered(field: &str, params: &[(&str, f64)]) -> Result<()> {
    for (name, v) in params {
        check::finite(&format!("{field}.{name}"), *v)?;
    }
    for w in params.windows(2) {
        if let [(n0, v0), (n1, v1)] = w
            && v0 > v1
        {
            return Err(Error::invalid(
                format!("{field}.{n1}"),
                v1,
                format!("must be >= {n0} = {v0}"),
            ));
        }
    }
    Ok(())
}

impl Membership {
    /// Validates `shape`: finite parameters, ordered feet and shoulders, positive widths.
    pub fn new(shape: Shape) -> Result<Self> {
        match shape {
            Shape::Triangular { a, b, c } => {
                ordered("triangular", &[("a", a), ("b", b), ("c", c)])?
            }
            Shape::Trapezoidal { a, b, c, d } => {
                ordered("trapezoidal", &[("a", a), ("b", b), ("c", c), ("d", d)])?
            }
            Shape::Gaussian { mean, sigma } => {
                check::finite("gaussian.mean", mean)?;
                check::positive("gaussian.sigma", sigma)?;
            }
            Shape::Bell { a, b, c } => {
                check::positive("bell.a", a)?;
                check::positive("bell.b", b)?;
                check::finite("bell.c", c)?;
            }
            Shape::Sigmoid { b, c } => {
                check::finite("sigmoid.b", b)?;
                check::finite("sigmoid.c", c)?;
            }
            Shape::S { a, b } => ordered("s", &[("a", a), ("b", b)])?,
            Shape::Z { a, b } => ordered("z", &[("a", a), ("b", b)])?,
            Shape::Pi { a, b, c, d } => ordered("pi", &[("a", a), ("b", b), ("c", c), ("d", d)])?,
        }
        Ok(Membership { shape })
    }

    /// Triangular `trimf([a, b, c])`.
    pub fn triangular(a: f64, b: f64, c: f64) -> Result<Self> {
        Self::new(Shape::Triangular { a, b, c })
    }
    /// Trapezoidal `trapmf([a, b, c, d])`.
    pub fn trapezoidal(a: f64, b: f64, c: f64, d: f64) -> Result<Self> {
        Self::new(Shape::Trapezoidal { a, b, c, d })
    }
    /// Gaussian `gaussmf(x, mean, sigma)`.
    pub fn gaussian(mean: f64, sigma: f64) -> Result<Self> {
        Self::new(Shape::Gaussian { mean, sigma })
    }
    /// Generalised bell `gbellmf(x, a, b, c)`.
    pub fn bell(a: f64, b: f64, c: f64) -> Result<Self> {
        Self::new(Shape::Bell { a, b, c })
    }
    /// Sigmoid `sigmf(x, b, c)`.
    pub fn sigmoid(b: f64, c: f64) -> Result<Self> {
        Self::new(Shape::Sigmoid { b, c })
    }
    /// S-shaped `smf(x, a, b)`.
    pub fn s_shaped(a: f64, b: f64) -> Result<Self> {
        Self::new(Shape::S { a, b })
    }
    /// Z-shaped `zmf(x, a, b)`.
    pub fn z_shaped(a: f64, b: f64) -> Result<Self> {
        Self::new(Shape::Z { a, b })
    }
    /// Π-shaped `pimf(x, a, b, c, d)`.
    pub fn pi_shaped(a: f64, b: f64, c: f64, d: f64) -> Result<Self> {
        Self::new(Shape::Pi { a, b, c, d })
    }

    /// The parameters.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// Membership of `x`, in `[0, 1]` for finite `x`.
    ///
    /// Equals scikit-fuzzy 0.5.0 everywhere it is defined. At the single point
    /// `x == a == b` of a degenerate S- or Π-shape, where scikit-fuzzy computes `0/0`
    /// and returns NaN, this returns `1.0` (the ceiling has been reached). A NaN `x`
    /// gives an unspecified value in `[0, 1]` or NaN; use [`Membership::try_eval`] or
    /// [`Membership::eval_slice`] to reject non-finite input.
    #[inline]
    pub fn eval(&self, x: f64) -> f64 {
        match self.shape {
            Shape::Triangular { a, b, c } => trimf(x, a, b, c),
            Shape::Trapezoidal { a, b, c, d } => trapmf(x, a, b, c, d),
            Shape::Gaussian { mean, sigma } => {
                // (x − mean)/σ first: σ² underflows for σ < 1e-154 and overflows above 1e154.
                let z = ratio(x, mean, 0.0, sigma);
                (-0.5 * (z * z)).exp()
            }
            Shape::Bell { a, b, c } => 1.0 / (1.0 + ratio(x, c, 0.0, a).abs().powf(2.0 * b)),
            Shape::Sigmoid { b, c } => {
                let dx = x - b;
                let e = if dx.is_finite() {
                    c * dx
                } else {
                    (2.0 * c) * (0.5 * x - 0.5 * b)
                };
                1.0 / (1.0 + (-e).exp())
            }
            Shape::S { a, b } => smf(x, a, b),
            Shape::Z { a, b } => zmf(x, a, b),
            Shape::Pi { a, b, c, d } => pimf(x, a, b, c, d),
        }
    }

    /// Membership of `x`, rejecting NaN and infinities.
    pub fn try_eval(&self, x: f64) -> Result<f64> {
        check::finite("x", x)?;
        Ok(self.eval(x))
    }

    /// Writes the membership of every `xs[i]` into `out[i]`.
    ///
    /// Errors if the lengths differ or any `xs[i]` is not finite (naming `x[i]`);
    /// `out` is then partly written. With the `parallel` feature, 262,144 points or more
    /// are split over all cores (the values are the same).
    pub fn eval_slice(&self, xs: &[f64], out: &mut [f64]) -> Result<()> {
        check::same_len("x vs out", xs.len(), out.len())?;
        // Large inputs over all cores under `parallel`: a point's membership does not
        // depend on the others, so the values are the same either way.
        #[cfg(feature = "parallel")]
        let finite = {
            use rayon::prelude::*;
            const CHUNK: usize = 1 << 16;
            if xs.len() >= 4 * CHUNK {
                xs.par_chunks(CHUNK)
                    .zip(out.par_chunks_mut(CHUNK))
                    .map(|(x, o)| self.eval_chunk(x, o))
                    .reduce(|| true, |a, b| a & b)
            } else {
                self.eval_chunk(xs, out)
            }
        };
        #[cfg(not(feature = "parallel"))]
        let finite = self.eval_chunk(xs, out);
        if !finite {
            check::all_finite("x", xs)?;
        }
        Ok(())
    }

    /// Writes the memberships of a chunk; false when some `x` is not finite.
    fn eval_chunk(&self, xs: &[f64], out: &mut [f64]) -> bool {
        // One pass per shape keeps the loop branch-light so it vectorises where it can.
        let mut bad = false;
        macro_rules! run {
            ($f:expr) => {
                for (o, &x) in out.iter_mut().zip(xs) {
                    bad |= !x.is_finite();
                    *o = $f(x);
                }
            };
        }
        match self.shape {
            Shape::Triangular { a, b, c } if (b - a).is_finite() && (c - b).is_finite() => {
                // trimf's rules as selects rather than branches, so the loop vectorises;
                // the same division as the scalar path on whichever side `x` lies, so
                // the same values, with one division per point instead of two. (Sides
                // wider than f64 take the scalar path, which halves them first.)
                let (left, right) = (a != b, b != c);
                let (wl, wr) = (b - a, c - b);
                run!(|x: f64| {
                    let on_left = left & (a < x) & (x < b);
                    let on_right = right & (b < x) & (x < c);
                    let num = if on_right { c - x } else { x - a };
                    let den = if on_right { wr } else { wl };
                    let q = num / den;
                    let y = if on_left | on_right { q } else { 0.0 };
                    if x == b { 1.0 } else { y }
                })
            }
            Shape::Trapezoidal { a, b, c, d } => run!(|x| trapmf(x, a, b, c, d)),
            _ => run!(|x| self.eval(x)),
        }
        !bad
    }

    /// Memberships of an ndarray vector (any layout); see [`Membership::eval_slice`].
    ///
    /// ```
    /// use ndarray::array;
    /// let z = wealthscore::fuzzy::Membership::z_shaped(0.0, 2.0)?;
    /// assert_eq!(z.eval_array(array![-1.0, 1.0, 3.0].view())?, array![1.0, 0.5, 0.0]);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn eval_array(&self, xs: ndarray::ArrayView1<'_, f64>) -> Result<ndarray::Array1<f64>> {
        let mut out = ndarray::Array1::from_vec(crate::fresh::zeros(xs.len()));
        match (xs.as_slice(), out.as_slice_mut()) {
            (Some(x), Some(o)) => self.eval_slice(x, o)?,
            _ => {
                for (i, (o, &x)) in out.iter_mut().zip(xs.iter()).enumerate() {
                    *o = self.try_eval(x).map_err(|_| Error::NonFinite {
                        field: format!("x[{i}]"),
                    })?;
                }
            }
        }
        Ok(out)
    }

    /// Memberships of `xs` as a new vector; see [`Membership::eval_slice`].
    ///
    /// On Linux a vector of 4 MiB or more is advised transparent huge pages, as NumPy
    /// does for its arrays: the kernel then maps it in 2 MiB steps rather than 4 kB
    /// ones, which made a fresh 10,000,000-point result about twice as fast to fill.
    ///
    /// ```
    /// let t = wealthscore::fuzzy::Membership::triangular(2.0, 5.0, 8.0)?;
    /// assert_eq!(t.eval_vec(&[2.0, 3.5, 5.0, 9.0])?, vec![0.0, 0.5, 1.0, 0.0]);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn eval_vec(&self, xs: &[f64]) -> Result<Vec<f64>> {
        let mut out = crate::fresh::zeros(xs.len());
        self.eval_slice(xs, &mut out)?;
        Ok(out)
    }
}

// The functions below mirror scikit-fuzzy's sequence of masked assignments, where a
// later rule overwrites an earlier one: they test the rules last-to-first.

/// `(x − p) / (hi − lo)`, as scikit-fuzzy computes it while both differences are finite;
/// when one overflows (parameters near ±f64::MAX), the same ratio of exact halves.
#[inline]
fn ratio(x: f64, p: f64, lo: f64, hi: f64) -> f64 {
    let (num, den) = (x - p, hi - lo);
    if num.is_finite() && den.is_finite() {
        num / den
    } else {
        (0.5 * x - 0.5 * p) / (0.5 * hi - 0.5 * lo)
    }
}

/// `(a + b) / 2` without overflow.
#[inline]
fn midpoint(a: f64, b: f64) -> f64 {
    let s = a + b;
    if s.is_finite() {
        s / 2.0
    } else {
        0.5 * a + 0.5 * b
    }
}

#[inline]
fn trimf(x: f64, a: f64, b: f64, c: f64) -> f64 {
    if x == b {
        1.0
    } else if b != c && b < x && x < c {
        ratio(c, x, b, c)
    } else if a != b && a < x && x < b {
        ratio(x, a, a, b)
    } else {
        0.0
    }
}

#[inline]
fn trapmf(x: f64, a: f64, b: f64, c: f64, d: f64) -> f64 {
    if x > d || x < a {
        0.0
    } else if x >= c {
        trimf(x, c, c, d)
    } else if x <= b {
        trimf(x, a, b, b)
    } else {
        1.0
    }
}

#[inline]
fn smf(x: f64, a: f64, b: f64) -> f64 {
    let mid = midpoint(a, b);
    if a == b {
        // scikit-fuzzy: 0 left of the step, 1 right of it, NaN (0/0) on it.
        return if x < a { 0.0 } else { 1.0 };
    }
    if mid <= x && x <= b {
        let t = ratio(x, b, a, b);
        1.0 - 2.0 * (t * t)
    } else if a <= x && x <= mid {
        let t = ratio(x, a, a, b);
        2.0 * (t * t)
    } else if x <= a {
        0.0
    } else {
        1.0
    }
}

#[inline]
fn zmf(x: f64, a: f64, b: f64) -> f64 {
    let mid = midpoint(a, b);
    if x >= b {
        0.0
    } else if mid <= x && x <= b {
        let t = ratio(x, b, a, b);
        2.0 * (t * t)
    } else if a <= x && x < mid {
        let t = ratio(x, a, a, b);
        1.0 - 2.0 * (t * t)
    } else {
        1.0
    }
}

#[inline]
fn pimf(x: f64, a: f64, b: f64, c: f64, d: f64) -> f64 {
    let m1 = midpoint(a, b);
    let m2 = midpoint(c, d);
    if x >= d {
        0.0
    } else if m2 <= x && x <= d {
        // x < d here, so d > c and the division is defined.
        let t = ratio(x, d, c, d);
        2.0 * (t * t)
    } else if c <= x && x < m2 {
        let t = ratio(x, c, c, d);
        1.0 - 2.0 * (t * t)
    } else if m1 < x && x <= b {
        let t = ratio(x, b, a, b);
        1.0 - 2.0 * (t * t)
    } else if a <= x && x <= m1 {
        if a == b {
            // scikit-fuzzy computes 0/0 here; the ceiling is reached at x == b.
            1.0
        } else {
            let t = ratio(x, a, a, b);
            2.0 * (t * t)
        }
    } else if x <= a {
        0.0
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A slice large enough to be split over cores, and whose fresh output (8 MB) is
    /// advised huge pages, gives trimf's closed form at every point, and a NaN at its
    /// end is still named by its index.
    #[test]
    fn large_slices_give_the_closed_form_and_name_a_bad_point() {
        let n = 1_000_000;
        let xs: Vec<f64> = (0..n).map(|i| 10.0 * i as f64 / n as f64).collect();
        let m = Membership::triangular(2.0, 5.0, 8.0).unwrap();
        let out = m.eval_vec(&xs).unwrap();
        for (&x, &y) in xs.iter().zip(&out).step_by(997) {
            let expected = if x <= 2.0 || x >= 8.0 {
                0.0
            } else if x <= 5.0 {
                (x - 2.0) / 3.0
            } else {
                (8.0 - x) / 3.0
            };
            assert!((y - expected).abs() < 1e-15, "{x}: {y} vs {expected}");
        }
        let mut bad = xs;
        bad[n - 1] = f64::NAN;
        match m.eval_vec(&bad) {
            Err(Error::NonFinite { field }) => assert_eq!(field, format!("x[{}]", n - 1)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(matches!(
            Membership::triangular(1.0, 0.0, 2.0),
            Err(Error::InvalidInput { field, .. }) if field == "triangular.b"
        ));
        assert!(matches!(
            Membership::gaussian(0.0, 0.0),
            Err(Error::InvalidInput { field, .. }) if field == "gaussian.sigma"
        ));
        assert!(matches!(
            Membership::sigmoid(f64::NAN, 1.0),
            Err(Error::NonFinite { field }) if field == "sigmoid.b"
        ));
        let bad: std::result::Result<Membership, _> =
            serde_json::from_str(r#"{"shape":"z","a":2.0,"b":1.0}"#);
        assert!(bad.is_err());
    }

    #[test]
    fn slice_rejects_nan_naming_the_cell() {
        let m = Membership::s_shaped(0.0, 1.0).unwrap();
        let mut out = [0.0; 3];
        assert!(matches!(
            m.eval_slice(&[0.0, f64::NAN, 1.0], &mut out),
            Err(Error::NonFinite { field }) if field == "x[1]"
        ));
        assert!(m.eval_slice(&[0.0], &mut out).is_err());
    }

    #[test]
    fn serde_round_trip() {
        let m = Membership::pi_shaped(0.0, 1.0, 2.0, 3.0).unwrap();
        let s = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Membership>(&s).unwrap(), m);
    }
}
