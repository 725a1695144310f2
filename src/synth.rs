//! Seeded generator of realistic wealth-management portfolios with a known churn mechanism.
//!
//! Each client is drawn independently from its own random stream (seeded by the portfolio
//! seed and the client's index), so the same seed gives the same portfolio, whatever the
//! size or order of generation.
//!
//! ## What the portfolio looks like
//! - **Tiers** by AUM, in the shares of [`PortfolioConfig::tier_shares`] (default mass 80 %,
//!   mid 17 %, high-net-worth 3 %). Within a tier AUM is log-normal, truncated to the tier's
//!   band (mass below [`MASS_UPPER`], mid up to [`HNW_LOWER`]); the high-net-worth tail is
//!   Pareto with index 1.5 above [`HNW_LOWER`], a fat tail as in real books.
//! - **Correlated behaviour.** Two latent traits drive the observed fields: disengagement
//!   (falling balances and activity, transfer-outs, long silences) and service friction
//!   (complaints, few advisor contacts, poor survey answers). Wealthier clients hold more
//!   product categories, pay lower fees and more often have a dedicated advisor.
//! - **Survey answers** for [`PortfolioConfig::survey_response_rate`] of clients (default
//!   30 %), on a 1–5 scale, shaped by the same traits.
//!
//! ## The churn mechanism (ground truth)
//! A client churns with probability `sigmoid(churn_logit(record))`, where [`mechanism::churn_logit`] is
//! a documented function of the record's observable fields only — so the generator's
//! probability is the Bayes-optimal score, and no model can beat its ROC AUC, which is
//! **≈ 0.797** on the default configuration (0.7966 on 1,000,000 clients with seed 42 in
//! the ignored test `one_million_clients_documented_figures` of `tests/synth.rs`). The terms, each tied to a domain cause ([`ChurnCause`]):
//!
//! | term | cause |
//! |---|---|
//! | `+0.70` per complaint in 12 months | service |
//! | `+0.40 × (3 − mean survey answer)`, when answered | service |
//! | `+0.60` if no advisor contact in 180 days | relationship |
//! | `+0.15` per 30 days since last activity (capped at 180 days) | relationship |
//! | `−0.8 × ln(activity ratio)`: mean of the last 3 months + 0.5 over the 6 before + 0.5 | relationship |
//! | `−6.0 ×` relative AUM change over 3 months (a 10 % fall adds 0.6) | competitor |
//! | `+4.0 ×` transfer-out share (transferred / (AUM + transferred)) | competitor |
//! | `−10 × min(return vs benchmark, 0)` | performance |
//! | `+80 × max(fee rate − 1 %, 0)` | fees |
//! | `+0.35` if only one product category held | product |
//! | `−0.006 ×` tenure months (capped at 120): loyalty | — |
//! | intercept [`mechanism::INTERCEPT`] | — |
//!
//! ## What the docs promise (and the tests check)
//! - base churn rate ≈ 12.3 % (1,000,000 clients: 12.27 %, same test);
//! - tier shares as configured;
//! - median AUM by tier, from the truncated log-normal and Pareto laws above:
//!   mass 58,737, mid 1,258,827, high-net-worth 7,937,005 (= 5,000,000 × 2^(1/1.5));
//!   `P(AUM > 10,000,000 | high-net-worth) = 2^−1.5 ≈ 0.354`;
//! - one million clients generate in about 2 s on one core (release build; 1.98 s in
//!   `cargo bench --bench synth`).
//!
//! ```
//! use wealthscore::synth::{generate, PortfolioConfig};
//!
//! let p = generate(&PortfolioConfig::default().with_clients(1_000).with_seed(7))?;
//! assert_eq!(p.clients.len(), 1_000);
//! let again = generate(&PortfolioConfig::default().with_clients(1_000).with_seed(7))?;
//! assert_eq!(p.clients[123], again.clients[123]);
//! let rate = p.truth.iter().filter(|t| t.churned).count() as f64 / 1_000.0;
//! assert!(rate > 0.05 && rate < 0.25);
//! # Ok::<(), wealthscore::Error>(())
//! ```

pub mod campaign;
pub mod core_banking;

use crate::client::{
    ChurnCause, ChurnLabel, ClientRecord, Holdings, RiskTolerance, SurveyAnswers, parse_iso_date,
};
use crate::error::{Error, Result, check};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Poisson, StandardNormal};
use serde::{Deserialize, Serialize};

/// Upper AUM bound of the mass tier (exclusive), in the portfolio's currency.
pub const MASS_UPPER: f64 = 500_000.0;
/// Lower AUM bound of the high-net-worth tier (inclusive).
pub const HNW_LOWER: f64 = 5_000_000.0;
/// Months of history generated for clients whose tenure allows it.
pub const HISTORY_MONTHS: usize = 12;

/// Median AUM of the untruncated log-normal of each tier below high-net-worth.
const MASS_MEDIAN: f64 = 60_000.0;
const MASS_SIGMA: f64 = 1.0;
const MID_MEDIAN: f64 = 1_200_000.0;
const MID_SIGMA: f64 = 0.6;
/// Pareto index of the high-net-worth tail.
const HNW_PARETO_ALPHA: f64 = 1.5;

/// The tier a generated client was drawn in (its AUM lies in that tier's band).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum GeneratedTier {
    /// AUM below [`MASS_UPPER`].
    Mass,
    /// AUM in `[MASS_UPPER, HNW_LOWER)`.
    Mid,
    /// AUM at or above [`HNW_LOWER`].
    HighNetWorth,
}

/// Settings of the generator. Defaults are documented on each field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct PortfolioConfig {
    /// Number of clients (default 10,000).
    pub clients: usize,
    /// Seed; the same seed gives the same portfolio (default 42).
    pub seed: u64,
    /// Shares of mass, mid and high-net-worth clients (default 0.80, 0.17, 0.03).
    pub tier_shares: [f64; 3],
    /// Share of clients who answered the survey (default 0.30).
    pub survey_response_rate: f64,
    /// Added to [`mechanism::INTERCEPT`] to move the base churn rate (default 0).
    pub intercept_shift: f64,
    /// Date stamped on the churn labels (default `2026-11-01`).
    pub observed_on: String,
    /// Prefix of client ids (default `C`).
    pub id_prefix: String,
    /// Spread clients over observation months with a shift in the churn mechanism after a
    /// given month (default `None`: every client observed on `observed_on`, no shift).
    pub drift: Option<SynthDrift>,
}

/// A drifting book: clients observed over [`SynthDrift::months`] consecutive months
/// (client `i` in month `i mod months`, labels stamped with that month), and from month
/// [`SynthDrift::shift_after`] + 1 on a competitor's low-fee offer and a fee rise change
/// both the clients and why they leave: every fee rate rises by [`SynthDrift::fee_rise`],
/// the fee term of the churn logit weighs [`SynthDrift::fee_weight`] instead of 80 per
/// unit of fee above 1 %, and a complaint adds [`SynthDrift::complaint_weight`] instead
/// of 0.70. Clients up to the shift month are drawn exactly as without drift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SynthDrift {
    /// Observation months (default 12; month 0 is `observed_on`).
    pub months: u32,
    /// Last month of the old mechanism (default 8).
    pub shift_after: u32,
    /// Added to every fee rate after the shift (default 0.004, i.e. 0.4 points).
    pub fee_rise: f64,
    /// Logit per unit of fee rate above 1 % after the shift (default 250; before: 80).
    pub fee_weight: f64,
    /// Logit per complaint after the shift (default 0.2; before: 0.70).
    pub complaint_weight: f64,
}

impl Default for SynthDrift {
    fn default() -> Self {
        SynthDrift {
            months: 12,
            shift_after: 8,
            fee_rise: 0.004,
            fee_weight: 250.0,
            complaint_weight: 0.2,
        }
    }
}

impl SynthDrift {
    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        if !(1..=600).contains(&self.months) {
            return Err(Error::config("drift.months", "must lie in 1..=600"));
        }
        check::in_range("drift.fee_rise", self.fee_rise, -0.01, 0.02)?;
        check::in_range("drift.fee_weight", self.fee_weight, -1000.0, 1000.0)?;
        check::in_range("drift.complaint_weight", self.complaint_weight, -10.0, 10.0)?;
        Ok(())
    }
}

/// The date `months` months after `date` (`YYYY-MM-DD`), the day capped at 28.
fn add_months(date: &str, months: u32) -> Result<String> {
    let (y, m, d) = parse_iso_date(date)?;
    let total = (m - 1) as i64 + i64::from(months);
    let year = i64::from(y) + total / 12;
    Ok(format!("{year:04}-{:02}-{:02}", total % 12 + 1, d.min(28)))
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl PortfolioConfig {
    setters! {
        with_clients => clients: usize,
        with_seed => seed: u64,
        with_tier_shares => tier_shares: [f64; 3],
        with_survey_response_rate => survey_response_rate: f64,
        with_intercept_shift => intercept_shift: f64,
    }

    /// Sets [`observed_on`](Self::observed_on).
    #[must_use]
    pub fn with_observed_on(mut self, observed_on: impl Into<String>) -> Self {
        self.observed_on = observed_on.into();
        self
    }

    /// Sets [`id_prefix`](Self::id_prefix).
    #[must_use]
    pub fn with_id_prefix(mut self, id_prefix: impl Into<String>) -> Self {
        self.id_prefix = id_prefix.into();
        self
    }

    /// Sets [`drift`](Self::drift).
    #[must_use]
    pub fn with_drift(mut self, drift: Option<SynthDrift>) -> Self {
        self.drift = drift;
        self
    }
}

impl Default for PortfolioConfig {
    fn default() -> Self {
        PortfolioConfig {
            clients: 10_000,
            seed: 42,
            tier_shares: [0.80, 0.17, 0.03],
            survey_response_rate: 0.30,
            intercept_shift: 0.0,
            observed_on: "2026-11-01".into(),
            id_prefix: "C".into(),
            drift: None,
        }
    }
}

impl PortfolioConfig {
    /// Checks the settings.
    ///
    /// ```
    /// let mut c = wealthscore::synth::PortfolioConfig::default();
    /// c.tier_shares = [0.5, 0.5, 0.5];
    /// assert!(c.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        check::weights("tier_shares", &self.tier_shares, 1e-9)?;
        check::probability("survey_response_rate", self.survey_response_rate)?;
        check::in_range("intercept_shift", self.intercept_shift, -20.0, 20.0)?;
        parse_iso_date(&self.observed_on)
            .map_err(|_| Error::config("observed_on", "must be a date YYYY-MM-DD"))?;
        if let Some(d) = &self.drift {
            d.validate()?;
            add_months(&self.observed_on, d.months)?;
        }
        if self.clients > 100_000_000 {
            return Err(Error::config(
                "clients",
                format!("{} exceeds the limit of 100,000,000", self.clients),
            ));
        }
        Ok(())
    }
}

/// What the generator knows about a client and a model has to find out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GroundTruth {
    /// The tier the client was drawn in.
    pub tier: GeneratedTier,
    /// The true churn probability, `sigmoid(churn_logit(record))`.
    pub probability: f64,
    /// The drawn outcome (also stored in the record's label).
    pub churned: bool,
    /// Causes whose contribution to the logit is at least [`CAUSE_THRESHOLD`], largest first.
    pub causes: Vec<(ChurnCause, f64)>,
    /// Observation month (0 without [`PortfolioConfig::drift`]).
    pub month: u32,
}

/// Contribution to the logit at which a cause is listed in [`GroundTruth::causes`].
pub const CAUSE_THRESHOLD: f64 = 0.3;

/// A generated portfolio: records (with churn labels) and their ground truth, aligned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Portfolio {
    /// The client records, each with a churn label.
    pub clients: Vec<ClientRecord>,
    /// Ground truth, one per record.
    pub truth: Vec<GroundTruth>,
}

/// The generator's ground-truth churn mechanism (see the module documentation): the
/// true logit of a record and each cause's part of it. It is exposed to check models,
/// reason codes and the generator itself against the truth, in tests, benchmarks and
/// fuzzing; it is not part of scoring, and it changes whenever the generator does.
pub mod mechanism {
    use crate::client::{ChurnCause, ClientRecord};

    /// Intercept of [`churn_logit`], set so that the default portfolio churns at about 12.3 %.
    pub const INTERCEPT: f64 = -3.35;

    /// The causes that enter [`churn_logit`], in the order of [`cause_contributions`].
    pub const MECHANISM_CAUSES: [ChurnCause; 5] = [
        ChurnCause::Service,
        ChurnCause::Relationship,
        ChurnCause::Competitor,
        ChurnCause::Performance,
        ChurnCause::Fees,
    ];

    /// Contribution of each cause to the churn logit, in the order of [`MECHANISM_CAUSES`],
    /// followed by the product term, as `(cause, contribution)`.
    ///
    /// ```
    /// use wealthscore::{ClientRecord, ChurnCause, synth::mechanism::cause_contributions};
    /// let c = cause_contributions(&ClientRecord::example());
    /// // Two complaints and a middling survey: 0.70 × 2 + 0.4 × (3 − 3.0) = 1.4.
    /// assert_eq!(c[0].0, ChurnCause::Service);
    /// assert!((c[0].1 - 1.4).abs() < 1e-12);
    /// ```
    pub fn cause_contributions(c: &ClientRecord) -> [(ChurnCause, f64); 6] {
        let mut service = 0.70 * f64::from(c.complaints_12m);
        if let Some(m) = c.survey.as_ref().and_then(super::survey_mean) {
            service += 0.40 * (3.0 - m);
        }
        let mut relationship = 0.0;
        if c.advisor_contacts_180d == 0 {
            relationship += 0.60;
        }
        relationship += 0.15 * f64::from(c.days_since_last_activity.min(180)) / 30.0;
        relationship -= 0.8 * c.activity_ratio().ln();
        let outflow = c.transfer_out_amount_90d;
        let share = if c.aum + outflow > 0.0 {
            outflow / (c.aum + outflow)
        } else {
            0.0
        };
        let competitor = -6.0 * c.aum_change(3) + 4.0 * share;
        let performance = -10.0 * c.return_vs_benchmark_12m.min(0.0);
        let fees = 80.0 * (c.fee_rate - 0.01).max(0.0);
        let product = if c.holdings.categories_held() <= 1 {
            0.35
        } else {
            0.0
        };
        [
            (ChurnCause::Service, service),
            (ChurnCause::Relationship, relationship),
            (ChurnCause::Competitor, competitor),
            (ChurnCause::Performance, performance),
            (ChurnCause::Fees, fees),
            (ChurnCause::Product, product),
        ]
    }

    /// The generator's true churn logit for a record (see the module docs for its terms).
    ///
    /// ```
    /// let z = wealthscore::synth::mechanism::churn_logit(&wealthscore::ClientRecord::example());
    /// assert!(z.is_finite());
    /// ```
    pub fn churn_logit(c: &ClientRecord) -> f64 {
        super::logit_from(c, &cause_contributions(c))
    }
}

/// The logit from already computed cause contributions.
fn logit_from(c: &ClientRecord, contributions: &[(ChurnCause, f64)]) -> f64 {
    let loyalty = -0.006 * f64::from(c.tenure_months.min(120));
    mechanism::INTERCEPT + loyalty + contributions.iter().map(|(_, v)| v).sum::<f64>()
}

/// Mean of the answered survey dimensions.
fn survey_mean(s: &SurveyAnswers) -> Option<f64> {
    let (sum, n) = s
        .as_array()
        .iter()
        .flatten()
        .fold((0.0, 0u32), |(s, n), &v| (s + f64::from(v), n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// SplitMix64 finaliser: decorrelates per-client seeds drawn from consecutive indices.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Generates a portfolio.
///
/// Fails only on an invalid configuration. One million clients take about 2 s on one
/// core in a release build.
///
/// ```
/// let p = wealthscore::synth::generate(&Default::default())?;
/// assert_eq!(p.clients.len(), 10_000);
/// assert!(p.clients.iter().all(|c| c.validate().is_ok()));
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn generate(cfg: &PortfolioConfig) -> Result<Portfolio> {
    cfg.validate()?;
    let mut clients = Vec::with_capacity(cfg.clients);
    let mut truth = Vec::with_capacity(cfg.clients);
    for i in 0..cfg.clients {
        let (c, t) = generate_one(cfg, i as u64);
        clients.push(c);
        truth.push(t);
    }
    Ok(Portfolio { clients, truth })
}

fn normal(rng: &mut SmallRng) -> f64 {
    rng.sample(StandardNormal)
}

fn poisson(rng: &mut SmallRng, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    match Poisson::new(lambda) {
        Ok(d) => {
            let x: f64 = d.sample(rng);
            x.min(f64::from(u32::MAX)) as u32
        }
        Err(_) => 0,
    }
}

/// Log-normal with the given median, resampled until it falls in `[lo, hi)`.
fn lognormal_in(rng: &mut SmallRng, median: f64, sigma: f64, lo: f64, hi: f64) -> f64 {
    for _ in 0..1000 {
        let x = median * (sigma * normal(rng)).exp();
        if x >= lo && x < hi {
            return x;
        }
    }
    median.clamp(lo, hi * 0.999)
}

fn generate_one(cfg: &PortfolioConfig, index: u64) -> (ClientRecord, GroundTruth) {
    let mut rng = SmallRng::seed_from_u64(mix(cfg.seed ^ mix(index)));
    let rng = &mut rng;

    let u: f64 = rng.random();
    let tier = if u < cfg.tier_shares[0] {
        GeneratedTier::Mass
    } else if u < cfg.tier_shares[0] + cfg.tier_shares[1] {
        GeneratedTier::Mid
    } else {
        GeneratedTier::HighNetWorth
    };
    let aum_now = match tier {
        GeneratedTier::Mass => lognormal_in(rng, MASS_MEDIAN, MASS_SIGMA, 1_000.0, MASS_UPPER),
        GeneratedTier::Mid => lognormal_in(rng, MID_MEDIAN, MID_SIGMA, MASS_UPPER, HNW_LOWER),
        GeneratedTier::HighNetWorth => {
            let v: f64 = rng.random();
            HNW_LOWER * (1.0 - v).powf(-1.0 / HNW_PARETO_ALPHA)
        }
    };
    let (tier_k, base_contacts, fee_mean, breadth_p, advisor_p) = match tier {
        GeneratedTier::Mass => (0.0, 0.8, 0.0120, 0.15, 0.02),
        GeneratedTier::Mid => (1.0, 2.5, 0.0100, 0.35, 0.40),
        GeneratedTier::HighNetWorth => (2.0, 6.0, 0.0075, 0.55, 1.0),
    };

    // Latent traits: disengagement and service friction, mildly correlated.
    let disengage = normal(rng);
    let friction = 0.3 * disengage + 0.95 * normal(rng);
    let dis_plus = disengage.max(0.0);

    let age = (48.0 + 5.0 * tier_k + 13.0 * normal(rng)).clamp(18.0, 95.0) as u32;
    let tenure_mean = 55.0 + 15.0 * tier_k;
    let tenure_u: f64 = rng.random();
    let tenure_months = ((-tenure_mean * (1.0 - tenure_u).ln()) as u32 + 1).min(360);
    let months = HISTORY_MONTHS.min(tenure_months as usize + 1);

    // AUM history, walked backwards from today with a drift that falls with disengagement.
    let drift = 0.003 + 0.008 * normal(rng) - 0.03 * dis_plus;
    let mut aum_history = vec![0.0; months];
    let mut a = aum_now;
    for slot in aum_history.iter_mut().rev() {
        *slot = a;
        a /= (drift + 0.025 * normal(rng)).exp();
    }
    aum_history.iter_mut().for_each(|x| *x = x.round());
    let aum = aum_history[months - 1];

    // Activity: a base rate that fades for disengaging clients in recent months.
    let base_rate = 5.0 * (0.6 * normal(rng)).exp() * (1.0 - 0.1 * tier_k);
    let fade = 0.25 * disengage;
    let monthly_transactions: Vec<u32> = (0..months)
        .map(|t| {
            let age_of_month = (months - 1 - t) as f64; // 0 = this month
            let lambda = base_rate * (-fade * (6.0 - age_of_month).max(0.0) / 3.0).exp();
            poisson(rng, lambda)
        })
        .collect();
    let last = monthly_transactions.last().copied().unwrap_or(0);
    let max_days = (tenure_months + 1) * 31;
    let days_since_last_activity = if last > 0 {
        rng.random_range(0..30u32)
    } else {
        let extra = -45.0 * (1.0 + dis_plus) * (1.0 - rng.random::<f64>()).ln();
        30 + extra.min(3000.0) as u32
    }
    .min(max_days);

    let transfers_out_90d = poisson(rng, 0.25 * (0.9 * disengage).exp());
    let transfer_out_amount_90d = if transfers_out_90d > 0 {
        let share =
            (0.04 * f64::from(transfers_out_90d) * (0.5 * disengage).exp() * rng.random::<f64>())
                .min(0.9);
        (aum * share / (1.0 - share)).round()
    } else {
        0.0
    };

    let dedicated_advisor = rng.random::<f64>() < advisor_p;
    let advisor_lambda =
        base_contacts * (-0.6 * friction).exp() * if dedicated_advisor { 1.8 } else { 1.0 };
    let advisor_contacts_180d = poisson(rng, advisor_lambda);
    let complaints_12m = poisson(rng, 0.25 * (0.9 * friction).exp());
    let return_vs_benchmark_12m = (-0.005 + 0.05 * normal(rng)).clamp(-0.5, 0.5);
    let month = cfg
        .drift
        .as_ref()
        .map_or(0, |d| (index % u64::from(d.months)) as u32);
    let shifted = cfg.drift.as_ref().filter(|d| month > d.shift_after);
    let fee_rate =
        (fee_mean + 0.003 * normal(rng)).clamp(0.001, 0.03) + shifted.map_or(0.0, |d| d.fee_rise);

    // Holdings: 1 + Binomial(5, p) categories, split by random weights.
    let mut weights = [0.0f64; 6];
    weights[0] = 0.5 + rng.random::<f64>();
    for w in weights.iter_mut().skip(1) {
        if rng.random::<f64>() < breadth_p {
            *w = rng.random::<f64>() + 0.05;
        }
    }
    let wsum: f64 = weights.iter().sum();
    let mut amounts = weights.map(|w| (aum * w / wsum).round());
    let diff = aum - amounts.iter().sum::<f64>();
    amounts[0] = (amounts[0] + diff).max(0.0);
    let holdings = Holdings {
        deposits: amounts[0],
        wealth_products: amounts[1],
        funds: amounts[2],
        insurance: amounts[3],
        fixed_income: amounts[4],
        alternatives: amounts[5],
    };

    let risk_tolerance = RiskTolerance::ALL[(rng.random::<f64>() * 5.0) as usize % 5];
    let digital_share =
        sigmoid(0.3 - 0.04 * (f64::from(age) - 45.0) + 0.8 * normal(rng)).clamp(0.0, 1.0);

    let survey = (rng.random::<f64>() < cfg.survey_response_rate).then(|| {
        let mut likert = |centre: f64| -> Option<u8> {
            Some((centre + 0.7 * normal(rng)).round().clamp(1.0, 5.0) as u8)
        };
        SurveyAnswers {
            service_quality: likert(3.8 - 0.8 * friction),
            product: likert(3.6 + 0.15 * f64::from(holdings.categories_held() as u32) - 0.3),
            experience: likert(3.7 - 0.4 * disengage + 0.5 * (digital_share - 0.5)),
            competence: likert(3.7 - 0.4 * friction + 4.0 * return_vs_benchmark_12m),
            risk_control: likert(3.8 + 5.0 * return_vs_benchmark_12m),
        }
    });

    let mut record = ClientRecord {
        id: format!("{}{:08}", cfg.id_prefix, index + 1),
        branch: Some(BRANCHES[(mix(index ^ 0xB1) % BRANCHES.len() as u64) as usize].to_string()),
        age,
        tenure_months,
        aum,
        aum_history,
        holdings,
        monthly_transactions,
        transfers_out_90d,
        transfer_out_amount_90d,
        days_since_last_activity,
        advisor_contacts_180d,
        complaints_12m,
        return_vs_benchmark_12m,
        fee_rate,
        risk_tolerance,
        digital_share,
        dedicated_advisor,
        survey,
        churn: None,
    };
    let mut contributions = mechanism::cause_contributions(&record);
    if let Some(d) = shifted {
        // The shifted mechanism: re-weigh complaints (service) and fees.
        let complaints = f64::from(record.complaints_12m);
        contributions[0].1 += (d.complaint_weight - 0.70) * complaints;
        contributions[4].1 *= d.fee_weight / 80.0;
    }
    let z = logit_from(&record, &contributions) + cfg.intercept_shift;
    let probability = sigmoid(z);
    let churned = rng.random::<f64>() < probability;
    let observed_on = match &cfg.drift {
        // Validated with the configuration: the months fit the calendar.
        Some(_) => add_months(&cfg.observed_on, month).unwrap_or_else(|_| cfg.observed_on.clone()),
        None => cfg.observed_on.clone(),
    };
    record.churn = Some(ChurnLabel {
        churned,
        observed_on,
    });
    let mut causes: Vec<(ChurnCause, f64)> = contributions
        .into_iter()
        .filter(|(_, v)| *v >= CAUSE_THRESHOLD)
        .collect();
    causes.sort_by(|a, b| b.1.total_cmp(&a.1));
    (
        record,
        GroundTruth {
            tier,
            probability,
            churned,
            causes,
            month,
        },
    )
}

/// Branch names given to generated clients, uniformly.
pub const BRANCHES: [&str; 6] = [
    "Shanghai-Pudong",
    "Beijing-Chaoyang",
    "Shenzhen-Futian",
    "Hangzhou-Xihu",
    "Guangzhou-Tianhe",
    "Chengdu-Jinjiang",
];
