//! A small BFGS minimiser over unconstrained (log-)parameters.
//!
//! The lifetime models have two to four parameters and analytic gradients, so a dense
//! BFGS with a backtracking line search is all they need; writing it here keeps the
//! crate free of an optimisation framework and lets the fit report its convergence.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check};

/// Settings of the maximum-likelihood fits.
///
/// Defaults: `max_iterations = 500`, `gradient_tolerance = 1e-7`.
///
/// ```
/// use wealthscore::churn::lifetime::FitOptions;
/// let opts = FitOptions::default().with_max_iterations(200);
/// opts.validate()?;
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::json::Strict<FitOptionsData>")]
#[non_exhaustive]
pub struct FitOptions {
    /// Most BFGS iterations before [`Error::NotConverged`].
    pub max_iterations: usize,
    /// Convergence when the largest component of the gradient of the *mean* negative
    /// log-likelihood with respect to the log-parameters falls to this value.
    pub gradient_tolerance: f64,
}

crate::json::strict_try_from!(FitOptions, FitOptionsData);

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl FitOptions {
    setters! {
        with_max_iterations => max_iterations: usize,
        with_gradient_tolerance => gradient_tolerance: f64,
    }
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            max_iterations: 500,
            gradient_tolerance: 1e-7,
        }
    }
}

/// Unchecked form of [`FitOptions`] read by serde; missing fields take the defaults.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FitOptionsData {
    max_iterations: usize,
    gradient_tolerance: f64,
}

impl Default for FitOptionsData {
    fn default() -> Self {
        let d = FitOptions::default();
        FitOptionsData {
            max_iterations: d.max_iterations,
            gradient_tolerance: d.gradient_tolerance,
        }
    }
}

impl TryFrom<FitOptionsData> for FitOptions {
    type Error = Error;
    fn try_from(d: FitOptionsData) -> Result<Self> {
        let o = FitOptions {
            max_iterations: d.max_iterations,
            gradient_tolerance: d.gradient_tolerance,
        };
        o.validate()?;
        Ok(o)
    }
}

impl FitOptions {
    /// Checks that the iteration cap is positive and the tolerance positive and finite.
    pub fn validate(&self) -> Result<()> {
        if self.max_iterations == 0 {
            return Err(Error::config("max_iterations", "must be at least 1"));
        }
        check::positive("gradient_tolerance", self.gradient_tolerance)
            .map_err(|_| Error::config("gradient_tolerance", "must be finite and > 0"))?;
        Ok(())
    }
}

/// How a maximum-likelihood fit ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FitReport {
    /// BFGS iterations taken.
    pub iterations: usize,
    /// Objective and gradient evaluations.
    pub evaluations: usize,
    /// Largest absolute component of the gradient of the mean negative log-likelihood
    /// with respect to the log-parameters, at the returned point.
    pub gradient_norm: f64,
    /// Whether `gradient_norm <= gradient_tolerance` was reached (always true in a
    /// returned fit: a fit that does not converge returns [`Error::NotConverged`]).
    pub converged: bool,
    /// Total log-likelihood at the returned parameters.
    pub log_likelihood: f64,
}

/// Result of [`minimise`].
pub(crate) struct Minimum {
    pub x: Vec<f64>,
    pub f: f64,
    pub iterations: usize,
    pub evaluations: usize,
    pub gradient_norm: f64,
}

fn inf_norm(g: &[f64]) -> f64 {
    g.iter().fold(0.0_f64, |m, v| m.max(v.abs()))
}

impl Minimum {
    /// The fit report of a converged minimum of the mean negative log-likelihood over
    /// `weight` observations.
    pub(crate) fn report(&self, weight: f64) -> FitReport {
        FitReport {
            iterations: self.iterations,
            evaluations: self.evaluations,
            gradient_norm: self.gradient_norm,
            converged: true,
            log_likelihood: -self.f * weight,
        }
    }
}

/// Minimises `f` (returning the value and writing the gradient) from `x0` by BFGS.
///
/// `f` may return a non-finite value for points outside its domain; the line search
/// then shortens the step.
pub(crate) fn minimise<F>(method: &str, mut f: F, x0: &[f64], opts: &FitOptions) -> Result<Minimum>
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
{
    opts.validate()?;
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    let mut evaluations = 1;
    if !fx.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return Err(Error::Fit {
            model: method.into(),
            reason: "log-likelihood is not finite at the starting point".into(),
        });
    }
    // Inverse Hessian approximation, row-major.
    let mut h = identity(n);
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    let mut dir = vec![0.0; n];
    let mut iterations = 0;
    let mut restarted = false;
    while iterations < opts.max_iterations {
        let gn = inf_norm(&g);
        if gn <= opts.gradient_tolerance {
            return Ok(Minimum {
                x,
                f: fx,
                iterations,
                evaluations,
                gradient_norm: gn,
            });
        }
        iterations += 1;
        for i in 0..n {
            dir[i] = -(0..n).map(|j| h[i * n + j] * g[j]).sum::<f64>();
        }
        let mut slope: f64 = dir.iter().zip(&g).map(|(d, gi)| d * gi).sum();
        if slope >= 0.0 {
            // Not a descent direction: fall back to steepest descent.
            h = identity(n);
            for i in 0..n {
                dir[i] = -g[i];
            }
            slope = -g.iter().map(|v| v * v).sum::<f64>();
        }
        // Keep a first step from jumping far in log-space.
        let dmax = inf_norm(&dir);
        let mut step = if dmax > 5.0 { 5.0 / dmax } else { 1.0 };
        let mut accepted = false;
        for _ in 0..60 {
            for i in 0..n {
                x_new[i] = x[i] + step * dir[i];
            }
            let f_new = f(&x_new, &mut g_new);
            evaluations += 1;
            if f_new.is_finite()
                && g_new.iter().all(|v| v.is_finite())
                && f_new <= fx + 1e-4 * step * slope
            {
                accepted = true;
                let s: Vec<f64> = (0..n).map(|i| x_new[i] - x[i]).collect();
                let y: Vec<f64> = (0..n).map(|i| g_new[i] - g[i]).collect();
                bfgs_update(&mut h, &s, &y);
                x.copy_from_slice(&x_new);
                g.copy_from_slice(&g_new);
                fx = f_new;
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            // Rounding stops progress: one restart from steepest descent, then give up.
            if restarted {
                break;
            }
            restarted = true;
            h = identity(n);
        } else {
            restarted = false;
        }
    }
    let gn = inf_norm(&g);
    if gn <= opts.gradient_tolerance {
        return Ok(Minimum {
            x,
            f: fx,
            iterations,
            evaluations,
            gradient_norm: gn,
        });
    }
    Err(Error::NotConverged {
        method: method.into(),
        iterations,
        detail: format!(
            "gradient norm {gn:.3e} above tolerance {:.1e}",
            opts.gradient_tolerance
        ),
    })
}

fn identity(n: usize) -> Vec<f64> {
    let mut h = vec![0.0; n * n];
    for i in 0..n {
        h[i * n + i] = 1.0;
    }
    h
}

/// Inverse-Hessian BFGS update; skipped when the curvature condition fails.
fn bfgs_update(h: &mut [f64], s: &[f64], y: &[f64]) {
    let n = s.len();
    let sy: f64 = s.iter().zip(y).map(|(a, b)| a * b).sum();
    if sy
        <= 1e-12
            * s.iter().map(|v| v * v).sum::<f64>().sqrt()
            * y.iter().map(|v| v * v).sum::<f64>().sqrt()
    {
        return;
    }
    let rho = 1.0 / sy;
    let hy: Vec<f64> = (0..n)
        .map(|i| (0..n).map(|j| h[i * n + j] * y[j]).sum())
        .collect();
    let yhy: f64 = y.iter().zip(&hy).map(|(a, b)| a * b).sum();
    for i in 0..n {
        for j in 0..n {
            h[i * n + j] +=
                -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rosenbrock_minimum_is_one_one() {
        // Closed form: the Rosenbrock function's minimum is at (1, 1).
        let f = |x: &[f64], g: &mut [f64]| {
            let (a, b) = (x[0], x[1]);
            g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            g[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        };
        let opts = FitOptions {
            max_iterations: 1000,
            gradient_tolerance: 1e-9,
        };
        let m = minimise("rosenbrock", f, &[-1.2, 1.0], &opts).unwrap();
        assert!((m.x[0] - 1.0).abs() < 1e-6 && (m.x[1] - 1.0).abs() < 1e-6);
        assert!(m.gradient_norm <= 1e-9);
    }

    #[test]
    fn iteration_cap_reports_not_converged() {
        let f = |x: &[f64], g: &mut [f64]| {
            let (a, b) = (x[0], x[1]);
            g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            g[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        };
        let opts = FitOptions {
            max_iterations: 3,
            gradient_tolerance: 1e-9,
        };
        match minimise("rosenbrock", f, &[-1.2, 1.0], &opts) {
            Err(Error::NotConverged { iterations, .. }) => assert_eq!(iterations, 3),
            _ => panic!("expected NotConverged"),
        }
    }
}
