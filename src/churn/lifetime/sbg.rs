//! Shifted-beta-geometric (sBG) model of contractual retention (Fader and Hardie 2007,
//! "How to project customer retention"; DERL from Fader and Hardie 2010).
//!
//! At each renewal a client with churn probability `θ` leaves with probability `θ`;
//! `θ ~ Beta(α, β)` across clients. Because the clients most prone to leave go first,
//! the cohort's retention rate rises with tenure. Fitted from survivor counts of one
//! or more cohorts.

use serde::{Deserialize, Serialize};

use super::Fitted;
use super::optim::{FitOptions, minimise};
use super::special::{digamma, hyp2f1, ln_beta};
use crate::error::{Error, Result, check};

/// An sBG model with parameters `α`, `β`, each finite and `> 0`.
///
/// ```
/// use wealthscore::churn::lifetime::{FitOptions, ShiftedBetaGeometric};
/// // Fader and Hardie (2007), "regular" customers, years 0..7
/// let regular = [1000.0, 631.0, 468.0, 382.0, 326.0, 289.0, 262.0, 241.0];
/// let fit = ShiftedBetaGeometric::fit(&regular, &FitOptions::default())?;
/// assert!((fit.model.alpha() - 0.704).abs() < 5e-4); // published 0.704
/// assert!((fit.model.beta() - 1.182).abs() < 5e-4); // published 1.182
/// let survivors = fit.model.project_survivors(1000.0, 12)?; // years 0..12
/// assert_eq!(survivors.len(), 13);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::json::Strict<SbgParams>")]
pub struct ShiftedBetaGeometric {
    alpha: f64,
    beta: f64,
}

crate::json::strict_try_from!(ShiftedBetaGeometric, SbgParams);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SbgParams {
    alpha: f64,
    beta: f64,
}

impl TryFrom<SbgParams> for ShiftedBetaGeometric {
    type Error = Error;
    fn try_from(v: SbgParams) -> Result<Self> {
        ShiftedBetaGeometric::new(v.alpha, v.beta)
    }
}

fn validate_survivors(s: &[f64], name: &str) -> Result<()> {
    if s.len() < 2 {
        return Err(Error::invalid(
            name,
            format!("{} counts", s.len()),
            "needs the cohort size and at least one later survivor count",
        ));
    }
    for (i, &v) in s.iter().enumerate() {
        check::non_negative_lazy(v, || format!("{name}[{i}]"))?;
        if i > 0 && v > s[i - 1] {
            return Err(Error::invalid(
                format!("{name}[{i}]"),
                v,
                format!("survivors cannot grow (previous count {})", s[i - 1]),
            ));
        }
    }
    if s[0] <= 0.0 {
        return Err(Error::invalid(
            format!("{name}[0]"),
            s[0],
            "cohort size must be > 0",
        ));
    }
    Ok(())
}

impl ShiftedBetaGeometric {
    /// A model from `α`, `β`, each finite and `> 0`.
    pub fn new(alpha: f64, beta: f64) -> Result<Self> {
        check::positive("alpha", alpha)?;
        check::positive("beta", beta)?;
        Ok(ShiftedBetaGeometric { alpha, beta })
    }
    /// First shape `α` of the beta distribution of churn probabilities.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    /// Second shape `β` of the beta distribution of churn probabilities.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// Fits one cohort from its survivor counts: `survivors[0]` is the cohort size,
    /// `survivors[t]` the clients still active after `t` renewal periods (counts or
    /// percentages; non-increasing).
    pub fn fit(survivors: &[f64], opts: &FitOptions) -> Result<Fitted<ShiftedBetaGeometric>> {
        Self::fit_cohorts(&[survivors], opts)
    }

    /// Fits several cohorts sharing `α`, `β`, each observed for its own number of
    /// periods (Fader and Hardie 2007, eq. 6, summed over cohorts).
    pub fn fit_cohorts(
        cohorts: &[&[f64]],
        opts: &FitOptions,
    ) -> Result<Fitted<ShiftedBetaGeometric>> {
        opts.validate()?;
        check::non_empty("cohorts", cohorts)?;
        for (c, s) in cohorts.iter().enumerate() {
            validate_survivors(s, &format!("cohorts[{c}]"))?;
        }
        let total: f64 = cohorts.iter().map(|s| s[0]).sum();
        if cohorts.iter().all(|s| s.last() == s.first()) {
            return Err(Error::Fit {
                model: "shifted-beta-geometric".into(),
                reason: "no client churned in any cohort".into(),
            });
        }
        let objective = |theta: &[f64], grad: &mut [f64]| {
            let (al, be) = (theta[0].exp(), theta[1].exp());
            let lb0 = ln_beta(al, be);
            let (d0a, d0b) = (
                digamma(al) - digamma(al + be),
                digamma(be) - digamma(al + be),
            );
            let psi_a1 = digamma(al + 1.0);
            let psi_a = digamma(al);
            let (mut ll, mut ga, mut gb) = (0.0, 0.0, 0.0);
            for s in cohorts {
                for t in 1..s.len() {
                    let tf = t as f64;
                    let lost = s[t - 1] - s[t];
                    if lost > 0.0 {
                        // ln P(T = t) = ln B(α+1, β+t-1) - ln B(α, β)
                        let psi_all = digamma(al + be + tf);
                        ll += lost * (ln_beta(al + 1.0, be + tf - 1.0) - lb0);
                        ga += lost * (psi_a1 - psi_all - d0a);
                        gb += lost * (digamma(be + tf - 1.0) - psi_all - d0b);
                    }
                }
                let n = (s.len() - 1) as f64;
                let kept = s[s.len() - 1];
                if kept > 0.0 {
                    // ln S(n) = ln B(α, β+n) - ln B(α, β)
                    let psi_all = digamma(al + be + n);
                    ll += kept * (ln_beta(al, be + n) - lb0);
                    ga += kept * (psi_a - psi_all - d0a);
                    gb += kept * (digamma(be + n) - psi_all - d0b);
                }
            }
            grad[0] = -ga * al / total;
            grad[1] = -gb * be / total;
            -ll / total
        };
        let min = minimise("sBG maximum likelihood", objective, &[0.0, 0.0], opts)?;
        let model =
            ShiftedBetaGeometric::new(min.x[0].exp(), min.x[1].exp()).map_err(|e| Error::Fit {
                model: "shifted-beta-geometric".into(),
                reason: format!("optimum outside the parameter space: {e}"),
            })?;
        Ok(Fitted {
            model,
            report: min.report(total),
        })
    }

    /// Probability that a new client churns at renewal `t >= 1`: `P(T = t)`.
    pub fn churn_probability(&self, t: u32) -> Result<f64> {
        if t == 0 {
            return Err(Error::invalid("t", t, "renewal periods start at 1"));
        }
        let tf = f64::from(t);
        Ok(
            (ln_beta(self.alpha + 1.0, self.beta + tf - 1.0) - ln_beta(self.alpha, self.beta))
                .exp(),
        )
    }

    /// Share of a new cohort still active after `t` periods: `S(t) = B(α, β+t) / B(α, β)`.
    pub fn survival(&self, t: u32) -> f64 {
        (ln_beta(self.alpha, self.beta + f64::from(t)) - ln_beta(self.alpha, self.beta)).exp()
    }

    /// Retention rate at renewal `t >= 1`: `S(t) / S(t-1) = (β + t - 1) / (α + β + t - 1)`.
    pub fn retention_rate(&self, t: u32) -> Result<f64> {
        if t == 0 {
            return Err(Error::invalid("t", t, "renewal periods start at 1"));
        }
        let tf = f64::from(t);
        Ok((self.beta + tf - 1.0) / (self.alpha + self.beta + tf - 1.0))
    }

    /// Expected survivors of a cohort of `cohort_size` for periods `0..=periods`.
    pub fn project_survivors(&self, cohort_size: f64, periods: u32) -> Result<Vec<f64>> {
        check::non_negative("cohort_size", cohort_size)?;
        Ok((0..=periods)
            .map(|t| cohort_size * self.survival(t))
            .collect())
    }

    /// Discounted expected residual lifetime (Fader and Hardie 2010, eq. 6) of a client
    /// who has made `renewals` renewals, valued just before the next renewal decision:
    /// `Σ_{k>=0} P(still active after renewal renewals+1+k | active now) / (1+d)^k`,
    /// `= (β+n-1)/(α+β+n-1) · 2F1(1, β+n; α+β+n; 1/(1+d))` with `n = renewals + 1`.
    ///
    /// Multiply by the margin per period for the client's residual value.
    /// `discount_rate` is per period and must be `> 0`.
    ///
    /// ```
    /// use wealthscore::churn::lifetime::ShiftedBetaGeometric;
    /// let m = ShiftedBetaGeometric::new(0.668, 3.806)?;
    /// let derl = m.discounted_expected_residual_lifetime(0.1, 0)?;
    /// // brute force: Σ S(1+k)/S(0) / 1.1^k
    /// let direct: f64 = (0..2000).map(|k| m.survival(1 + k) / 1.1_f64.powi(k as i32)).sum();
    /// assert!((derl - direct).abs() < 1e-9);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn discounted_expected_residual_lifetime(
        &self,
        discount_rate: f64,
        renewals: u32,
    ) -> Result<f64> {
        check::positive("discount_rate", discount_rate)?;
        let n = f64::from(renewals) + 1.0;
        let (al, be) = (self.alpha, self.beta);
        let f = hyp2f1(1.0, be + n, al + be + n, 1.0 / (1.0 + discount_rate))?;
        Ok((be + n - 1.0) / (al + be + n - 1.0) * f)
    }
}
