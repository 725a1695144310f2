//! Lifetime models that need no churn labels: BG/NBD for whether a quiet client is
//! still active and how much they will transact, Gamma-Gamma for what each
//! transaction is worth, client lifetime value combining the two, and the
//! shifted-beta-geometric model for contractual retention.
//!
//! All fits are maximum likelihood by BFGS over log-parameters with analytic
//! gradients; each returns a [`Fitted`] with a [`FitReport`] (iterations, gradient
//! norm, log-likelihood), or [`Error::NotConverged`].
//!
//! ```
//! use wealthscore::churn::lifetime::{
//!     customer_lifetime_value, BgNbd, ClvOptions, GammaGamma, RfmSummary,
//! };
//! // Parameters Fader, Hardie and Lee report for CDNOW (time in weeks).
//! let bgnbd = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
//! let spend = GammaGamma::new(6.25, 3.74, 15.44)?;
//! let client = RfmSummary::new(2.0, 30.43, 38.86)?;
//! let alive = bgnbd.probability_alive(&client)?;
//! let next_year = bgnbd.conditional_expected_transactions(52.0, &client)?;
//! let opts = ClvOptions::default().with_months(12).with_monthly_discount_rate(0.01).with_periods_per_month(4.345);
//! let clv = customer_lifetime_value(&bgnbd, &spend, &client.with_monetary(22.35)?, &opts)?;
//! assert!(alive > 0.5 && next_year > 0.0 && clv > 0.0);
//! # Ok::<(), wealthscore::Error>(())
//! ```

mod bgnbd;
mod gamma_gamma;
mod optim;
mod sbg;
mod special;
mod summary;

pub use bgnbd::{BgNbd, RfmSummary};

pub use gamma_gamma::{GammaGamma, SpendSummary};
pub use optim::{FitOptions, FitReport};
pub use sbg::ShiftedBetaGeometric;
pub use special::hyp2f1;
pub use summary::{
    CalibrationHoldout, ClientSummary, Transaction, calibration_holdout, day_number, summarise,
};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check};

/// A fitted model with the report of its fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fitted<M> {
    /// The model at the maximum-likelihood parameters.
    pub model: M,
    /// How the optimiser ended.
    pub report: FitReport,
}

/// Row weights, all ones when absent; checks them.
fn resolve_weights(weights: Option<&[f64]>, n: usize) -> Result<Vec<f64>> {
    match weights {
        None => Ok(vec![1.0; n]),
        Some(w) => {
            check::same_len("weights vs data", n, w.len())?;
            for (i, &v) in w.iter().enumerate() {
                check::non_negative_lazy(v, || format!("weights[{i}]"))?;
            }
            if w.iter().sum::<f64>() <= 0.0 {
                return Err(Error::invalid(
                    "weights",
                    "sum 0",
                    "must have a positive sum",
                ));
            }
            Ok(w.to_vec())
        }
    }
}

/// Settings of [`customer_lifetime_value`].
///
/// Defaults follow `lifetimes`' `customer_lifetime_value`: `months = 12`,
/// `monthly_discount_rate = 0.01`, `periods_per_month = 30` (models fitted in days;
/// use 4.345 for weeks).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::json::Strict<ClvOptionsData>")]
#[non_exhaustive]
pub struct ClvOptions {
    /// Horizon in months.
    pub months: u32,
    /// Discount rate per month.
    pub monthly_discount_rate: f64,
    /// Model time units in one month (30 for days, 4.345 for weeks, 1 for months).
    pub periods_per_month: f64,
}

crate::json::strict_try_from!(ClvOptions, ClvOptionsData);

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl ClvOptions {
    setters! {
        with_months => months: u32,
        with_monthly_discount_rate => monthly_discount_rate: f64,
        with_periods_per_month => periods_per_month: f64,
    }
}

impl Default for ClvOptions {
    fn default() -> Self {
        ClvOptions {
            months: 12,
            monthly_discount_rate: 0.01,
            periods_per_month: 30.0,
        }
    }
}

/// Unchecked form of [`ClvOptions`] read by serde; missing fields take the defaults.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ClvOptionsData {
    months: u32,
    monthly_discount_rate: f64,
    periods_per_month: f64,
}

impl Default for ClvOptionsData {
    fn default() -> Self {
        let d = ClvOptions::default();
        ClvOptionsData {
            months: d.months,
            monthly_discount_rate: d.monthly_discount_rate,
            periods_per_month: d.periods_per_month,
        }
    }
}

impl TryFrom<ClvOptionsData> for ClvOptions {
    type Error = Error;
    fn try_from(d: ClvOptionsData) -> Result<Self> {
        let o = ClvOptions {
            months: d.months,
            monthly_discount_rate: d.monthly_discount_rate,
            periods_per_month: d.periods_per_month,
        };
        o.validate()?;
        Ok(o)
    }
}

impl ClvOptions {
    /// `months >= 1`, discount rate finite and `> -1`, periods per month `> 0`.
    pub fn validate(&self) -> Result<()> {
        if self.months == 0 {
            return Err(Error::config("months", "must be at least 1"));
        }
        if !(self.monthly_discount_rate.is_finite() && self.monthly_discount_rate > -1.0) {
            return Err(Error::config(
                "monthly_discount_rate",
                "must be finite and > -1",
            ));
        }
        if !(self.periods_per_month.is_finite() && self.periods_per_month > 0.0) {
            return Err(Error::config("periods_per_month", "must be finite and > 0"));
        }
        Ok(())
    }
}

/// Discounted value of a client's transactions over the next `opts.months` months.
///
/// As `lifetimes`' `customer_lifetime_value`: for each month `i`, the expected
/// transactions in that month (BG/NBD, conditional on the client's summary) times the
/// expected spend per transaction (Gamma-Gamma, conditional on `summary.monetary`, the
/// mean of the client's repeat transactions; 0 when there are none), divided by
/// `(1 + d)^i`.
///
/// ```
/// use wealthscore::churn::lifetime::{customer_lifetime_value, BgNbd, ClvOptions, GammaGamma, RfmSummary};
/// let bg = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let gg = GammaGamma::new(6.25, 3.74, 15.44)?;
/// let client = RfmSummary::new(2.0, 30.43, 38.86)?.with_monetary(22.35)?;
/// let opts = ClvOptions::default().with_periods_per_month(4.345);
/// assert!(customer_lifetime_value(&bg, &gg, &client, &opts)? > 0.0);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn customer_lifetime_value(
    transactions: &BgNbd,
    spend: &GammaGamma,
    summary: &RfmSummary,
    opts: &ClvOptions,
) -> Result<f64> {
    opts.validate()?;
    summary.validate()?;
    let value = spend.conditional_expected_mean_value(summary)?;
    let discounted =
        transactions.discounted_alive_transactions(summary.frequency, summary.age, opts)?;
    Ok(value * transactions.p_alive_row(summary) * discounted)
}

/// [`customer_lifetime_value`] of every client; writes `out[i]` for `data[i]`, equal to
/// the one-client function.
///
/// The discounted expected transactions of a client known to be alive depend only on
/// `(x, T)`, so their twelve (or `opts.months`) hypergeometric series are summed once
/// per distinct pair, over all cores under the `parallel` feature; each client then
/// costs its P(alive) (by [`BgNbd::probability_alive_batch`]'s path) and its expected
/// spend. The values are the same either way.
///
/// ```
/// use wealthscore::churn::lifetime::{
///     customer_lifetime_value, customer_lifetime_value_batch, BgNbd, ClvOptions, GammaGamma,
///     RfmSummary,
/// };
/// let bg = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let gg = GammaGamma::new(6.25, 3.74, 15.44)?;
/// let cohort = [
///     RfmSummary::new(2.0, 30.43, 38.86)?.with_monetary(22.35)?,
///     RfmSummary::new(0.0, 0.0, 38.86)?,
/// ];
/// let opts = ClvOptions::default().with_periods_per_month(4.345);
/// let mut clv = [0.0; 2];
/// customer_lifetime_value_batch(&bg, &gg, &cohort, &opts, &mut clv)?;
/// assert_eq!(clv[0], customer_lifetime_value(&bg, &gg, &cohort[0], &opts)?);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn customer_lifetime_value_batch(
    transactions: &BgNbd,
    spend: &GammaGamma,
    data: &[RfmSummary],
    opts: &ClvOptions,
    out: &mut [f64],
) -> Result<()> {
    opts.validate()?;
    check::same_len("out vs data", data.len(), out.len())?;
    bgnbd::validate_rows(data)?;
    // Spend first: it fails (q <= 1) before any series is summed.
    for (s, o) in data.iter().zip(out.iter_mut()) {
        *o = spend.conditional_expected_mean_value_unchecked(s.frequency, s.monetary)?;
    }
    let discounted = bgnbd::per_pair(data, |x, age| {
        transactions.discounted_alive_transactions(x, age, opts)
    })?;
    let mut discounted = discounted.iter();
    transactions.with_p_alive(data, out, |_, p, o| {
        *o = *o * p * discounted.next().ok_or_else(bgnbd::missing_pair)?;
        Ok(())
    })
}
