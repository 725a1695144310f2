//! BG/NBD: beta-geometric / negative-binomial model of repeat transactions
//! (Fader, Hardie and Lee 2005, "Counting your customers the easy way").
//!
//! While alive, a client transacts as a Poisson process with rate `λ ~ Gamma(r, α)`;
//! after each transaction the client drops out with probability `p ~ Beta(a, b)`.
//! The model is fitted from per-client summaries `(x, t_x, T)`: repeat transactions,
//! time of the last one and age, all measured from the first transaction.

use serde::{Deserialize, Serialize};

use super::Fitted;
use super::optim::{FitOptions, minimise};
use super::special::{digamma, hyp2f1, ln_gamma};
use crate::error::{Error, Result, check};

/// Size of the `ln(a / (b + x - 1))` lookup in [`BgNbd::probability_alive_batch`].
const LN_B_TABLE: usize = 64;

/// A client's transaction summary: the sufficient statistics of BG/NBD.
///
/// Time is in any unit (days, weeks), the same for every client and for the
/// horizons later asked of the model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RfmSummary {
    /// `x`: number of repeat transactions (transactions after the first), a whole number.
    pub frequency: f64,
    /// `t_x`: time from the first to the last transaction (0 when `frequency` is 0).
    pub recency: f64,
    /// `T`: time from the first transaction to the end of observation.
    pub age: f64,
}

impl RfmSummary {
    /// Builds a summary and validates it.
    ///
    /// ```
    /// use wealthscore::churn::lifetime::RfmSummary;
    /// let s = RfmSummary::new(2.0, 30.43, 38.86)?;
    /// assert!(RfmSummary::new(2.0, 40.0, 38.86).is_err()); // recency after the end
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn new(frequency: f64, recency: f64, age: f64) -> Result<Self> {
        let s = RfmSummary {
            frequency,
            recency,
            age,
        };
        s.validate()?;
        Ok(s)
    }

    /// `frequency` a whole number `>= 0`, `0 <= recency <= age`, all finite.
    pub fn validate(&self) -> Result<()> {
        validate_triplet(self.frequency, self.recency, self.age, "")
    }
}

/// Checks one `(x, t_x, T)`; `suffix` such as `[3]` names the row in errors.
pub(crate) fn validate_triplet(x: f64, t_x: f64, age: f64, suffix: &str) -> Result<()> {
    let fx = format!("frequency{suffix}");
    check::non_negative(&fx, x)?;
    if x.fract() != 0.0 {
        return Err(Error::invalid(
            fx,
            x,
            "must be a whole number of repeat transactions",
        ));
    }
    check::non_negative(&format!("recency{suffix}"), t_x)?;
    check::non_negative(&format!("age{suffix}"), age)?;
    if t_x > age {
        return Err(Error::invalid(
            format!("recency{suffix}"),
            t_x,
            format!("must not exceed age = {age}"),
        ));
    }
    Ok(())
}

/// A BG/NBD model with parameters `r, α` (transaction rate) and `a, b` (dropout).
///
/// Built by [`BgNbd::new`] or [`BgNbd::fit`]; every value of the type has positive
/// finite parameters, also after deserialisation.
///
/// ```
/// use wealthscore::churn::lifetime::{BgNbd, FitOptions, RfmSummary};
/// // (x, t_x, T) in weeks, and how many clients share each summary
/// let rows = [
///     (0.0, 0.0, 38.0, 1411.0), (1.0, 10.0, 38.0, 439.0), (2.0, 20.0, 38.0, 214.0),
///     (3.0, 25.0, 38.0, 100.0), (4.0, 30.0, 38.0, 62.0), (6.0, 33.0, 38.0, 60.0),
///     (10.0, 36.0, 38.0, 40.0), (1.0, 2.0, 38.0, 30.0),
/// ];
/// let data = rows.map(|(x, t, age, _)| RfmSummary { frequency: x, recency: t, age });
/// let counts = rows.map(|r| r.3);
/// let fit = BgNbd::fit_weighted(&data, Some(&counts), &FitOptions::default())?;
/// assert!(fit.report.converged);
/// let p = fit.model.probability_alive(1.0, 2.0, 38.0)?;
/// assert!(p > 0.0 && p < 1.0);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::json::Strict<BgNbdParams>")]
pub struct BgNbd {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
}

crate::json::strict_try_from!(BgNbd, BgNbdParams);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BgNbdParams {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
}

impl TryFrom<BgNbdParams> for BgNbd {
    type Error = Error;
    fn try_from(p: BgNbdParams) -> Result<Self> {
        BgNbd::new(p.r, p.alpha, p.a, p.b)
    }
}

impl BgNbd {
    /// A model from its four parameters, each finite and `> 0`.
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self> {
        check::positive("r", r)?;
        check::positive("alpha", alpha)?;
        check::positive("a", a)?;
        check::positive("b", b)?;
        Ok(BgNbd { r, alpha, a, b })
    }

    /// Shape `r` of the gamma distribution of transaction rates.
    pub fn r(&self) -> f64 {
        self.r
    }
    /// Scale `α` of the gamma distribution of transaction rates (in time units).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    /// First shape `a` of the beta distribution of dropout probabilities.
    pub fn a(&self) -> f64 {
        self.a
    }
    /// Second shape `b` of the beta distribution of dropout probabilities.
    pub fn b(&self) -> f64 {
        self.b
    }

    /// Fits by maximum likelihood (BFGS over the log-parameters, analytic gradient).
    ///
    /// Returns [`Error::NotConverged`] when the gradient does not fall to
    /// `opts.gradient_tolerance`, and [`Error::Fit`] when the data cannot identify the
    /// model (no client with a repeat transaction).
    pub fn fit(data: &[RfmSummary], opts: &FitOptions) -> Result<Fitted<BgNbd>> {
        Self::fit_weighted(data, None, opts)
    }

    /// [`BgNbd::fit`] where row `i` stands for `weights[i]` identical clients.
    pub fn fit_weighted(
        data: &[RfmSummary],
        weights: Option<&[f64]>,
        opts: &FitOptions,
    ) -> Result<Fitted<BgNbd>> {
        opts.validate()?;
        check::non_empty("data", data)?;
        for (i, s) in data.iter().enumerate() {
            validate_triplet(s.frequency, s.recency, s.age, &format!("[{i}]"))?;
        }
        let w = super::resolve_weights(weights, data.len())?;
        let total_w: f64 = w.iter().sum();
        if !data
            .iter()
            .zip(&w)
            .any(|(s, &wi)| s.frequency > 0.0 && wi > 0.0)
        {
            return Err(Error::Fit {
                model: "BG/NBD".into(),
                reason: "no client has a repeat transaction".into(),
            });
        }
        let mean_age = data.iter().zip(&w).map(|(s, wi)| s.age * wi).sum::<f64>() / total_w;
        // Start at r = a = b = 1 with α on the scale of the data's time unit.
        let x0 = [0.0, mean_age.max(1e-3).ln(), 0.0, 0.0];
        let objective = |theta: &[f64], grad: &mut [f64]| {
            let m = BgNbd {
                r: theta[0].exp(),
                alpha: theta[1].exp(),
                a: theta[2].exp(),
                b: theta[3].exp(),
            };
            let mut ll = 0.0;
            let mut g = [0.0; 4];
            for (s, &wi) in data.iter().zip(&w) {
                if wi == 0.0 {
                    continue;
                }
                let (l, gi) = m.row_ll_grad(s.frequency, s.recency, s.age);
                ll += wi * l;
                for k in 0..4 {
                    g[k] += wi * gi[k];
                }
            }
            let p = [m.r, m.alpha, m.a, m.b];
            for k in 0..4 {
                // d/d ln θ = θ d/dθ; the objective is the mean negative log-likelihood.
                grad[k] = -g[k] * p[k] / total_w;
            }
            -ll / total_w
        };
        let min = minimise("BG/NBD maximum likelihood", objective, &x0, opts)?;
        let model = BgNbd::new(
            min.x[0].exp(),
            min.x[1].exp(),
            min.x[2].exp(),
            min.x[3].exp(),
        )
        .map_err(|e| Error::Fit {
            model: "BG/NBD".into(),
            reason: format!("optimum outside the parameter space: {e}"),
        })?;
        Ok(Fitted {
            model,
            report: min.report(total_w),
        })
    }

    /// Total log-likelihood of the data (Fader, Hardie and Lee 2005, eq. 6).
    pub fn log_likelihood(&self, data: &[RfmSummary]) -> Result<f64> {
        let mut ll = 0.0;
        for (i, s) in data.iter().enumerate() {
            validate_triplet(s.frequency, s.recency, s.age, &format!("[{i}]"))?;
            ll += self.row_ll_grad(s.frequency, s.recency, s.age).0;
        }
        Ok(ll)
    }

    /// One client's log-likelihood and its gradient in `(r, α, a, b)`.
    fn row_ll_grad(&self, x: f64, t_x: f64, age: f64) -> (f64, [f64; 4]) {
        let BgNbd { r, alpha, a, b } = *self;
        let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
        let a2 = ln_gamma(a + b) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x);
        let l_age = (alpha + age).ln();
        let a3 = -(r + x) * l_age;
        let (mix, w3, w4, l_tx) = if x > 0.0 {
            let l_tx = (alpha + t_x).ln();
            let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * l_tx;
            // log(e^a3 + e^a4) without overflow; w3, w4 are the two shares.
            let m = a3.max(a4);
            let (e3, e4) = ((a3 - m).exp(), (a4 - m).exp());
            let sum = e3 + e4;
            (m + sum.ln(), e3 / sum, e4 / sum, l_tx)
        } else {
            (a3, 1.0, 0.0, 0.0)
        };
        let ll = a1 + a2 + mix;
        let psi_ab = digamma(a + b);
        let psi_abx = digamma(a + b + x);
        let dr = digamma(r + x) - digamma(r) + alpha.ln() - w3 * l_age - w4 * l_tx;
        let dalpha = r / alpha - w3 * (r + x) / (alpha + age) - w4 * (r + x) / (alpha + t_x);
        let da = psi_ab - psi_abx + if x > 0.0 { w4 / a } else { 0.0 };
        let db = psi_ab + digamma(b + x)
            - digamma(b)
            - psi_abx
            - if x > 0.0 { w4 / (b + x - 1.0) } else { 0.0 };
        (ll, [dr, dalpha, da, db])
    }

    /// Probability that a client with summary `(x, t_x, T)` is still alive at `T`
    /// (Fader, Hardie and Lee 2005, eq. 10 in their note), computed in log space.
    pub fn probability_alive(&self, frequency: f64, recency: f64, age: f64) -> Result<f64> {
        validate_triplet(frequency, recency, age, "")?;
        Ok(self.p_alive_unchecked(frequency, recency, age))
    }

    fn p_alive_unchecked(&self, x: f64, t_x: f64, age: f64) -> f64 {
        if x == 0.0 {
            return 1.0;
        }
        self.p_alive_from_log_ratio(x, t_x, age, self.a.ln() - (self.b + x - 1.0).ln())
    }

    /// `ln_ab = ln(a / (b + x - 1))`, passed in so the batch path can look it up.
    #[inline]
    fn p_alive_from_log_ratio(&self, x: f64, t_x: f64, age: f64, ln_ab: f64) -> f64 {
        // log of the odds of having dropped out after the last transaction;
        // ln((α+T)/(α+t_x)) as ln_1p of the gap avoids cancelling two large logs.
        let lr = ln_ab + (self.r + x) * ((age - t_x) / (self.alpha + t_x)).ln_1p();
        if lr > 0.0 {
            let e = (-lr).exp();
            e / (1.0 + e)
        } else {
            1.0 / (1.0 + lr.exp())
        }
    }

    /// [`BgNbd::probability_alive`] over columns; writes `out[i]` for client `i`.
    ///
    /// Single-threaded and allocation-free. An invalid row is reported by index
    /// (e.g. `recency[7]`) and leaves `out` partly written.
    ///
    /// ```
    /// use wealthscore::churn::lifetime::BgNbd;
    /// let m = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
    /// let mut out = [0.0; 2];
    /// m.probability_alive_batch(&[0.0, 2.0], &[0.0, 30.43], &[38.86, 38.86], &mut out)?;
    /// assert_eq!(out[0], 1.0);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn probability_alive_batch(
        &self,
        frequency: &[f64],
        recency: &[f64],
        age: &[f64],
        out: &mut [f64],
    ) -> Result<()> {
        let n = frequency.len();
        check::same_len("recency vs frequency", n, recency.len())?;
        check::same_len("age vs frequency", n, age.len())?;
        check::same_len("out vs frequency", n, out.len())?;
        // ln(a / (b + x - 1)) for the small counts most clients have: two logs fewer
        // per client.
        let ln_a = self.a.ln();
        let mut ln_ab = [0.0_f64; LN_B_TABLE];
        for (k, v) in ln_ab.iter_mut().enumerate().skip(1) {
            *v = ln_a - (self.b + k as f64 - 1.0).ln();
        }
        for (i, (((&x, &t), &big_t), o)) in frequency
            .iter()
            .zip(recency)
            .zip(age)
            .zip(out.iter_mut())
            .enumerate()
        {
            if !(x >= 0.0 && x.fract() == 0.0 && t >= 0.0 && t <= big_t && big_t.is_finite()) {
                validate_triplet(x, t, big_t, &format!("[{i}]"))?;
            }
            *o = if x == 0.0 {
                1.0
            } else if x < LN_B_TABLE as f64 {
                self.p_alive_from_log_ratio(x, t, big_t, ln_ab[x as usize])
            } else {
                self.p_alive_from_log_ratio(x, t, big_t, ln_a - (self.b + x - 1.0).ln())
            };
        }
        Ok(())
    }

    /// Expected number of repeat transactions of a new client in `(0, t]`
    /// (`E[X(t)]`, Fader, Hardie and Lee 2005, eq. 9).
    ///
    /// ```
    /// use wealthscore::churn::lifetime::BgNbd;
    /// let m = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
    /// let e = m.expected_transactions(39.0)?;
    /// assert!(e > 0.0 && e < 39.0);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn expected_transactions(&self, t: f64) -> Result<f64> {
        check::non_negative("t", t)?;
        self.conditional_unchecked(t, 0.0, 0.0)
    }

    /// Expected number of transactions in the next `t` time units of a client with
    /// summary `(x, t_x, T)` (Fader, Hardie and Lee 2005, eq. 10).
    ///
    /// The Gauss hypergeometric term is evaluated after Euler's transformation,
    /// `2F1(r+x, b+x; a+b+x-1; z) (1-z)^(r+x) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)`,
    /// whose series needs few terms however large `x` is and cannot overflow. The
    /// formula divides by `a - 1`: for `a` within about `1e-6` of 1 precision is lost,
    /// and `a == 1` exactly gives [`Error::InvalidModel`].
    pub fn conditional_expected_transactions(
        &self,
        t: f64,
        frequency: f64,
        recency: f64,
        age: f64,
    ) -> Result<f64> {
        check::non_negative("t", t)?;
        validate_triplet(frequency, recency, age, "")?;
        Ok(self.conditional_unchecked(t, frequency, age)?
            * self.p_alive_unchecked(frequency, recency, age))
    }

    /// Numerator of eq. 10: expected transactions in `(T, T+t]` given alive at `T`.
    fn conditional_unchecked(&self, t: f64, x: f64, age: f64) -> Result<f64> {
        let BgNbd { r, alpha, a, b } = *self;
        if a == 1.0 {
            return Err(Error::model(
                "BG/NBD expectations divide by a - 1; a is exactly 1",
            ));
        }
        if t == 0.0 {
            return Ok(0.0);
        }
        let z = t / (alpha + age + t);
        let f = hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)?;
        let tail = if f > 0.0 {
            // 1 - (1-z)^(a-1) F, accurate when both factors are near 1
            -((a - 1.0) * (-z).ln_1p() + f.ln()).exp_m1()
        } else {
            1.0 - (1.0 - z).powf(a - 1.0) * f
        };
        Ok((a + b + x - 1.0) / (a - 1.0) * tail)
    }
}
