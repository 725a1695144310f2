//! Gamma-Gamma model of the spend per transaction (Fader, Hardie and Lee 2005,
//! "RFM and CLV: using iso-value curves"; Fader and Hardie's note 025).
//!
//! A client's transaction values are gamma with shape `p` and a client-specific rate
//! `ν ~ Gamma(q, γ)`. Fitted on the clients with at least one repeat transaction from
//! their number of repeat transactions `x` and mean repeat value `m̄`.

use serde::{Deserialize, Serialize};

use super::Fitted;
use super::bgnbd::RfmSummary;
use super::optim::{FitOptions, minimise};
use super::special::{digamma, ln_gamma};
use crate::error::{Error, Result, check};
use crate::fastmath::is_small_whole;

/// A client's spend summary: repeat transactions and their mean value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpendSummary {
    /// `x`: number of repeat transactions, a whole number `>= 1`.
    pub frequency: f64,
    /// `m̄`: mean value of those transactions, `> 0`.
    pub mean_value: f64,
}

impl SpendSummary {
    /// `frequency` a whole number `>= 1`, `mean_value > 0`, both finite.
    pub fn validate(&self) -> Result<()> {
        validate_spend(self.frequency, self.mean_value, "")
    }
}

fn validate_spend(x: f64, m: f64, suffix: &str) -> Result<()> {
    let fx = format!("frequency{suffix}");
    check::finite(&fx, x)?;
    if x < 1.0 || x.fract() != 0.0 {
        return Err(Error::invalid(
            fx,
            x,
            "Gamma-Gamma needs a whole number >= 1 of repeat transactions (leave out clients without any)",
        ));
    }
    check::positive(&format!("mean_value{suffix}"), m)?;
    Ok(())
}

/// A Gamma-Gamma spend model with parameters `p`, `q`, `γ`, each finite and `> 0`.
///
/// ```
/// use wealthscore::churn::lifetime::GammaGamma;
/// let gg = GammaGamma::new(6.25, 3.74, 15.44)?;
/// // population mean spend p γ / (q - 1)
/// assert!((gg.expected_mean_value()? - 6.25 * 15.44 / 2.74).abs() < 1e-12);
/// // a client's expected spend shrinks the observed mean toward the population mean
/// let client = wealthscore::churn::lifetime::RfmSummary::new(2.0, 30.0, 38.0)?.with_monetary(50.0)?;
/// let e = gg.conditional_expected_mean_value(&client)?;
/// assert!(e > gg.expected_mean_value()? && e < 50.0);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::json::Strict<GammaGammaParams>")]
pub struct GammaGamma {
    p: f64,
    q: f64,
    gamma: f64,
}

crate::json::strict_try_from!(GammaGamma, GammaGammaParams);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GammaGammaParams {
    p: f64,
    q: f64,
    gamma: f64,
}

impl TryFrom<GammaGammaParams> for GammaGamma {
    type Error = Error;
    fn try_from(v: GammaGammaParams) -> Result<Self> {
        GammaGamma::new(v.p, v.q, v.gamma)
    }
}

impl GammaGamma {
    /// A model from `p`, `q`, `γ`, each finite and `> 0`.
    pub fn new(p: f64, q: f64, gamma: f64) -> Result<Self> {
        check::positive("p", p)?;
        check::positive("q", q)?;
        check::positive("gamma", gamma)?;
        Ok(GammaGamma { p, q, gamma })
    }
    /// Shape `p` of the transaction values.
    pub fn p(&self) -> f64 {
        self.p
    }
    /// Shape `q` of the gamma distribution of the value rate `ν`.
    pub fn q(&self) -> f64 {
        self.q
    }
    /// Scale `γ` of the gamma distribution of the value rate `ν`.
    pub fn gamma(&self) -> f64 {
        self.gamma
    }

    /// Fits by maximum likelihood (BFGS over log-parameters, analytic gradient).
    ///
    /// Every row needs `frequency >= 1` and `mean_value > 0`: leave out clients
    /// without a repeat transaction, as the model is defined on repeat spend only.
    pub fn fit(data: &[SpendSummary], opts: &FitOptions) -> Result<Fitted<GammaGamma>> {
        opts.validate()?;
        check::non_empty("data", data)?;
        for (i, s) in data.iter().enumerate() {
            // The full check (which names the row, and so formats) only where the quick
            // one fails.
            let plausible = (s.frequency >= 1.0)
                & is_small_whole(s.frequency)
                & (s.mean_value > 0.0)
                & s.mean_value.is_finite();
            if !plausible {
                validate_spend(s.frequency, s.mean_value, &format!("[{i}]"))?;
            }
        }
        let n = data.len() as f64;
        let mean = data.iter().map(|s| s.mean_value).sum::<f64>() / n;
        // What does not depend on the parameters, once: per row `ln m̄`, `ln x`, `x m̄`
        // and the index of its frequency; the special functions then run once per
        // distinct frequency at each step.
        let mut xs: Vec<f64> = data.iter().map(|s| s.frequency).collect();
        xs.sort_unstable_by(f64::total_cmp);
        xs.dedup();
        let rows: Vec<(usize, f64, f64, f64)> = data
            .iter()
            .map(|s| {
                let k = xs.partition_point(|&v| v < s.frequency);
                let (x, m) = (s.frequency, s.mean_value);
                (k, m.ln() + x.ln(), x * m, m.ln())
            })
            .collect();
        let mut per_x = vec![(0.0, 0.0, 0.0); xs.len()];
        // Start at p = q = 1, γ on the scale of the values.
        let x0 = [0.0, 0.0, mean.ln()];
        let objective = |theta: &[f64], grad: &mut [f64]| {
            let (p, q, g) = (theta[0].exp(), theta[1].exp(), theta[2].exp());
            let (mut ll, mut dp, mut dq, mut dg) = (0.0, 0.0, 0.0, 0.0);
            let (lg_q, psi_q, ln_g) = (ln_gamma(q), digamma(q), g.ln());
            for (c, &x) in per_x.iter_mut().zip(&xs) {
                let px = p * x;
                *c = (
                    ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_g + px * x.ln(),
                    digamma(px + q),
                    digamma(px),
                );
            }
            for &(k, ln_mx, xm, ln_m) in &rows {
                let (base, psi_pxq, psi_px) = per_x[k];
                let x = xs[k];
                let px = p * x;
                let l_xm = (xm + g).ln();
                ll += base + (px - 1.0) * ln_m - (px + q) * l_xm;
                dp += x * (psi_pxq - psi_px + ln_mx - l_xm);
                dq += psi_pxq - psi_q + ln_g - l_xm;
                dg += q / g - (px + q) / (xm + g);
            }
            grad[0] = -dp * p / n;
            grad[1] = -dq * q / n;
            grad[2] = -dg * g / n;
            -ll / n
        };
        let min = minimise("Gamma-Gamma maximum likelihood", objective, &x0, opts)?;
        let model =
            GammaGamma::new(min.x[0].exp(), min.x[1].exp(), min.x[2].exp()).map_err(|e| {
                Error::Fit {
                    model: "Gamma-Gamma".into(),
                    reason: format!("optimum outside the parameter space: {e}"),
                }
            })?;
        Ok(Fitted {
            model,
            report: min.report(n),
        })
    }

    /// Population mean spend per transaction, `p γ / (q - 1)`; needs `q > 1`.
    pub fn expected_mean_value(&self) -> Result<f64> {
        if self.q <= 1.0 {
            return Err(Error::model(
                "Gamma-Gamma mean spend is infinite for q <= 1",
            ));
        }
        Ok(self.p * self.gamma / (self.q - 1.0))
    }

    /// Expected spend per transaction of a client with `summary.frequency` repeat
    /// transactions of mean value `summary.monetary` (note 025, eq. 5): a weighted
    /// average of the population mean and the client's own mean. `frequency = 0` gives
    /// the population mean. Needs `q > 1`.
    pub fn conditional_expected_mean_value(&self, summary: &RfmSummary) -> Result<f64> {
        summary.validate()?;
        self.conditional_expected_mean_value_unchecked(summary.frequency, summary.monetary)
    }

    pub(super) fn conditional_expected_mean_value_unchecked(
        &self,
        frequency: f64,
        mean_value: f64,
    ) -> Result<f64> {
        let pop = self.expected_mean_value()?;
        let px = self.p * frequency;
        let wi = px / (px + self.q - 1.0);
        Ok((1.0 - wi) * pop + wi * mean_value)
    }
}
