//! Did the action work? Retention of treated against control clients, per action and per
//! tier, with Newcombe's interval for the difference, the number needed to treat, the value
//! saved net of cost, and a verdict that says when the groups are too small to tell.
//!
//! ## The interval
//! The difference of retention rates `p_T − p_C` gets Newcombe's hybrid score interval
//! (method 10 of Newcombe 1998, "Interval estimation for the difference between independent
//! proportions", *Statistics in Medicine* 17:873–890): with Wilson score limits
//! `(l_T, u_T)` and `(l_C, u_C)` for each rate,
//! `low = d − √((p_T − l_T)² + (u_C − p_C)²)`, `high = d + √((u_T − p_T)² + (p_C − l_C)²)`.
//! It stays inside `[−1, 1]`, behaves at 0 % and 100 %, and keeps close to its nominal
//! coverage in small groups, where the Wald interval does not. Checked against the paper's
//! Table II and statsmodels' `confint_proportions_2indep(method='newcomb')`.
//!
//! The relative cut in churn, `1 − churn_T / churn_C` (what the action catalogue's `effect`
//! means), gets Katz's log interval for the risk ratio (statsmodels' `method='log'`); it
//! is not defined when an arm has no churner.
//!
//! ## When the groups are too small to tell
//! Each row has a [`Verdict`]: **too small to tell** when an arm has fewer than
//! [`EffectConfig::min_arm_clients`] clients, or when the interval contains 0 yet reaches
//! beyond ±[`EffectConfig::min_effect`] (a change that matters can be neither shown nor
//! ruled out); otherwise **helps** (the interval lies above 0), **harms** (below 0) or
//! **no meaningful effect** (inside ±`min_effect`). A too-small row also says how many
//! clients per arm would detect `min_effect` with 80 % power
//! ([`ActionEffect::clients_needed`]).
//!
//! ```
//! use wealthscore::campaign::{newcombe_interval, wilson_interval};
//! // Newcombe (1998) Table II, example (a): 56/70 against 48/80, method 10.
//! let d = newcombe_interval(56, 70, 48, 80, 0.95)?;
//! assert!((d.low - 0.0524).abs() < 5e-5 && (d.high - 0.3339).abs() < 5e-5);
//! let w = wilson_interval(0, 10, 0.95)?;
//! assert_eq!(w.low, 0.0);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use super::log::{Arm, CampaignLog, CampaignRecord};
use crate::error::{Error, Result, check};
use crate::retention::{ActionCatalogue, ActionKind, MeasuredEffect};
use crate::segment::AssetTier;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A point estimate with a two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct Interval {
    /// The point estimate.
    pub estimate: f64,
    /// Lower limit.
    pub low: f64,
    /// Upper limit.
    pub high: f64,
    /// Confidence level, e.g. 0.95.
    pub confidence: f64,
}

impl Interval {
    /// Whether `v` lies in `[low, high]`.
    ///
    /// ```
    /// let d = wealthscore::campaign::newcombe_interval(9, 10, 3, 10, 0.95)?;
    /// assert!(d.contains(0.6) && !d.contains(0.0));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn contains(&self, v: f64) -> bool {
        self.low <= v && v <= self.high
    }
}

/// The standard normal quantile `z` with `P(|Z| ≤ z) = confidence`.
fn z_two_sided(confidence: f64) -> Result<f64> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::invalid(
            "confidence",
            confidence,
            "must lie in (0, 1), e.g. 0.95",
        ));
    }
    Ok(std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(1.0 - confidence))
}

fn check_counts(x: u64, n: u64, what: &str) -> Result<()> {
    if n == 0 {
        return Err(Error::Empty {
            what: format!("{what}: no clients"),
        });
    }
    if x > n {
        return Err(Error::invalid(
            what,
            format!("{x} of {n}"),
            "the count cannot exceed the group size",
        ));
    }
    Ok(())
}

/// Wilson's score interval for a proportion `x / n` (Wilson 1927; statsmodels'
/// `proportion_confint(method='wilson')`).
///
/// ```
/// let w = wealthscore::campaign::wilson_interval(56, 70, 0.95)?;
/// assert!(w.low < 0.8 && 0.8 < w.high);
/// assert!(wealthscore::campaign::wilson_interval(3, 0, 0.95).is_err());
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn wilson_interval(x: u64, n: u64, confidence: f64) -> Result<Interval> {
    check_counts(x, n, "successes")?;
    let z = z_two_sided(confidence)?;
    Ok(wilson(x, n, z, confidence))
}

fn wilson(x: u64, n: u64, z: f64, confidence: f64) -> Interval {
    let n_int = n;
    let (q, n) = (x as f64 / n as f64, n as f64);
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (q + z2 / (2.0 * n)) / denom;
    let dist = z * (q * (1.0 - q) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Interval {
        estimate: q,
        // At 0 % and 100 % the limit is exactly 0 or 1; rounding would leave ±1e-17.
        low: if x == 0 {
            0.0
        } else {
            (center - dist).max(0.0)
        },
        high: if x == n_int {
            1.0
        } else {
            (center + dist).min(1.0)
        },
        confidence,
    }
}

/// Newcombe's hybrid score interval for `x1/n1 − x2/n2` (method 10 of Newcombe 1998).
///
/// ```
/// // Newcombe (1998) Table II, example (f): 10/10 against 0/20 gives 0.6791 to 1.
/// let d = wealthscore::campaign::newcombe_interval(10, 10, 0, 20, 0.95)?;
/// assert!((d.low - 0.6791).abs() < 5e-5 && d.high == 1.0);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn newcombe_interval(x1: u64, n1: u64, x2: u64, n2: u64, confidence: f64) -> Result<Interval> {
    check_counts(x1, n1, "first group")?;
    check_counts(x2, n2, "second group")?;
    let z = z_two_sided(confidence)?;
    let a = wilson(x1, n1, z, confidence);
    let b = wilson(x2, n2, z, confidence);
    let d = a.estimate - b.estimate;
    Ok(Interval {
        estimate: d,
        low: d - ((a.estimate - a.low).powi(2) + (b.high - b.estimate).powi(2)).sqrt(),
        high: d + ((a.high - a.estimate).powi(2) + (b.estimate - b.low).powi(2)).sqrt(),
        confidence,
    })
}

/// Katz's log interval for the risk ratio `(x1/n1) / (x2/n2)` (Katz et al. 1978;
/// statsmodels' `confint_proportions_2indep(compare='ratio', method='log')`).
/// `None` when either count is 0 (the log interval is not defined there).
///
/// ```
/// let r = wealthscore::campaign::risk_ratio_interval(20, 200, 40, 200, 0.95)?.unwrap();
/// assert!((r.estimate - 0.5).abs() < 1e-12 && r.low < 0.5 && r.high < 1.0);
/// assert!(wealthscore::campaign::risk_ratio_interval(0, 200, 40, 200, 0.95)?.is_none());
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn risk_ratio_interval(
    x1: u64,
    n1: u64,
    x2: u64,
    n2: u64,
    confidence: f64,
) -> Result<Option<Interval>> {
    check_counts(x1, n1, "first group")?;
    check_counts(x2, n2, "second group")?;
    let z = z_two_sided(confidence)?;
    if x1 == 0 || x2 == 0 {
        return Ok(None);
    }
    let (x1, n1, x2, n2) = (x1 as f64, n1 as f64, x2 as f64, n2 as f64);
    let ratio = (x1 / n1) / (x2 / n2);
    let d = z * (1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2).sqrt();
    Ok(Some(Interval {
        estimate: ratio,
        low: (ratio.ln() - d).exp(),
        high: (ratio.ln() + d).exp(),
        confidence,
    }))
}

/// Settings of [`EffectTable::estimate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EffectConfig {
    /// Value of keeping one client over the horizon (e.g. the average CLV of the
    /// campaign's clients), in the catalogue's currency; prices the retention difference.
    pub value_per_client: f64,
    /// Confidence level of the intervals (default 0.95).
    pub confidence: f64,
    /// Fewest clients per arm before a verdict is given (default 30).
    pub min_arm_clients: u64,
    /// Smallest change in retention rate that matters, absolute (default 0.02, i.e. two
    /// percentage points); sets the verdict and the clients needed.
    pub min_effect: f64,
}

impl EffectConfig {
    /// Settings with a value per kept client and the documented defaults.
    ///
    /// ```
    /// let c = wealthscore::campaign::EffectConfig::new(12_000.0)?;
    /// assert_eq!((c.confidence, c.min_arm_clients, c.min_effect), (0.95, 30, 0.02));
    /// assert!(wealthscore::campaign::EffectConfig::new(f64::NAN).is_err());
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn new(value_per_client: f64) -> Result<Self> {
        let c = EffectConfig {
            value_per_client,
            confidence: 0.95,
            min_arm_clients: 30,
            min_effect: 0.02,
        };
        c.validate()?;
        Ok(c)
    }

    /// The same settings at another confidence level.
    pub fn with_confidence(mut self, confidence: f64) -> Result<Self> {
        self.confidence = confidence;
        self.validate()?;
        Ok(self)
    }

    /// The same settings with another too-small rule.
    pub fn with_rule(mut self, min_arm_clients: u64, min_effect: f64) -> Result<Self> {
        self.min_arm_clients = min_arm_clients;
        self.min_effect = min_effect;
        self.validate()?;
        Ok(self)
    }

    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        check::non_negative("value_per_client", self.value_per_client)?;
        z_two_sided(self.confidence)?;
        if !(self.min_effect > 0.0 && self.min_effect < 1.0) {
            return Err(Error::invalid(
                "min_effect",
                self.min_effect,
                "must lie in (0, 1): a change in retention rate",
            ));
        }
        Ok(())
    }
}

/// What the comparison allows one to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verdict {
    /// The interval lies above 0: the action kept clients.
    Helps,
    /// The interval lies below 0: the action lost clients.
    Harms,
    /// The interval lies within ±`min_effect`: any effect is too small to matter.
    NoMeaningfulEffect,
    /// Too few clients, or an interval too wide to tell (see the module docs).
    TooSmallToTell,
}

impl Verdict {
    /// A short phrase.
    pub fn phrase(self) -> &'static str {
        match self {
            Verdict::Helps => "helps",
            Verdict::Harms => "harms",
            Verdict::NoMeaningfulEffect => "no meaningful effect",
            Verdict::TooSmallToTell => "too small to tell",
        }
    }
}

/// Counts and rates of one arm.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ArmSummary {
    /// Clients in the arm.
    pub clients: u64,
    /// Of whom stayed.
    pub stayed: u64,
    /// `stayed / clients`.
    pub retention: f64,
    /// Share of the arm's AUM kept at the horizon (Σ after / Σ before), when the log has AUM.
    pub aum_kept: Option<f64>,
}

impl ArmSummary {
    fn of<'a>(records: impl Iterator<Item = &'a CampaignRecord>) -> Self {
        let (mut clients, mut stayed) = (0u64, 0u64);
        let (mut before, mut after, mut all_aum) = (0.0, 0.0, true);
        for r in records {
            clients += 1;
            stayed += u64::from(r.stayed());
            match r.aum {
                Some((b, a)) => {
                    before += b;
                    after += a;
                }
                None => all_aum = false,
            }
        }
        ArmSummary {
            clients,
            stayed,
            retention: if clients > 0 {
                stayed as f64 / clients as f64
            } else {
                f64::NAN
            },
            aum_kept: (all_aum && clients > 0 && before > 0.0).then(|| after / before),
        }
    }

    fn churned(&self) -> u64 {
        self.clients - self.stayed
    }
}

/// The measured effect of one action, on one tier or on all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ActionEffect {
    /// The action.
    pub action: ActionKind,
    /// The tier, or `None` for all clients of the action.
    pub tier: Option<AssetTier>,
    /// Treated clients.
    pub treated: ArmSummary,
    /// Control clients.
    pub control: ArmSummary,
    /// Whether the controls are the hold-out shared by every action.
    pub shared_control: bool,
    /// Retention treated − control, with Newcombe's interval.
    pub difference: Interval,
    /// Relative cut in churn `1 − churn_T / churn_C` with Katz's interval; `None` when an
    /// arm has no churner.
    pub relative_cut: Option<Interval>,
    /// Clients to treat to keep one more: `1 / difference`, when the difference is positive.
    pub number_needed_to_treat: Option<f64>,
    /// Interval of the number needed to treat, `[1/high, 1/low]`, when the whole
    /// difference interval is positive (Altman 1998).
    pub nnt_interval: Option<(f64, f64)>,
    /// The catalogue's cost per treated client.
    pub cost_per_client: f64,
    /// Value saved net of cost over the treated clients,
    /// `treated × (difference × value_per_client − cost)`, with the interval that the
    /// difference's interval gives.
    pub value_saved: Interval,
    /// What the comparison allows one to say.
    pub verdict: Verdict,
    /// Clients per arm that would detect a change of `min_effect` with 80 % power at the
    /// table's confidence (normal approximation at the control rate); given when the
    /// verdict is too small to tell.
    pub clients_needed: Option<u64>,
}

impl ActionEffect {
    /// A warning to show with the row, when the groups are too small to tell.
    pub fn warning(&self) -> Option<String> {
        (self.verdict == Verdict::TooSmallToTell).then(|| {
            let mut s = format!(
                "too small to tell: {} treated and {} control clients",
                self.treated.clients, self.control.clients
            );
            if let Some(n) = self.clients_needed {
                s.push_str(&format!("; about {n} per arm would be needed"));
            }
            s
        })
    }
}

/// Effects of every action in a campaign log: all tiers together, then each tier present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct EffectTable {
    /// Days after the offer at which outcomes were read.
    pub horizon_days: u32,
    /// The settings used.
    pub config: EffectConfig,
    /// One row per action and tier (tier `None` first for each action).
    pub rows: Vec<ActionEffect>,
}

const TIERS: [AssetTier; 3] = [
    AssetTier::Mass,
    AssetTier::MidNetWorth,
    AssetTier::HighNetWorth,
];

impl EffectTable {
    /// Compares treated and control clients for every action of the log (controls as in
    /// [`CampaignLog::arms_of`]), over all tiers and per tier; costs come from
    /// `catalogue`. Rows whose treated or control arm is empty are left out.
    ///
    /// Fails when the log names an action the catalogue does not hold (its cost is
    /// needed) or when no action has both arms.
    ///
    /// ```
    /// use wealthscore::campaign::{EffectConfig, EffectTable, Verdict};
    /// use wealthscore::retention::{ActionCatalogue, ActionKind};
    /// use wealthscore::synth::campaign::{simulate, CampaignConfig};
    ///
    /// let sim = simulate(&CampaignConfig::default().with_clients(4_000).with_seed(1))?;
    /// let table = EffectTable::estimate(&sim.log, &ActionCatalogue::default(),
    ///                                   &EffectConfig::new(10_000.0)?)?;
    /// let row = table.get(ActionKind::ServiceRemediation, None).unwrap();
    /// assert!(row.difference.low <= row.difference.high);
    /// println!("{table}");
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn estimate(
        log: &CampaignLog,
        catalogue: &ActionCatalogue,
        config: &EffectConfig,
    ) -> Result<Self> {
        config.validate()?;
        let z = z_two_sided(config.confidence)?;
        let mut actions: Vec<ActionKind> = log.records().iter().filter_map(|r| r.action).collect();
        actions.sort();
        actions.dedup();
        let mut rows = Vec::new();
        for action in actions {
            let cost = catalogue
                .get(action)
                .ok_or_else(|| {
                    Error::invalid(
                        "action",
                        format!("{action:?}"),
                        "the campaign log names an action the catalogue does not hold; add it with its cost",
                    )
                })?
                .cost;
            let (records, shared) = log.arms_of(action);
            for tier in std::iter::once(None).chain(TIERS.map(Some)) {
                let in_tier = |r: &&&CampaignRecord| tier.is_none() || r.tier == tier;
                let arm = |a: Arm| {
                    ArmSummary::of(
                        records
                            .iter()
                            .filter(in_tier)
                            .filter(move |r| r.arm == a)
                            .copied(),
                    )
                };
                let (t, c) = (arm(Arm::Treatment), arm(Arm::Control));
                if t.clients == 0 || c.clients == 0 {
                    continue;
                }
                rows.push(effect_row(action, tier, t, c, shared, cost, config, z)?);
            }
        }
        if rows.is_empty() {
            return Err(Error::Empty {
                what: "campaign actions with both treated and control clients".into(),
            });
        }
        Ok(EffectTable {
            horizon_days: log.horizon_days(),
            config: config.clone(),
            rows,
        })
    }

    /// The row of an action and tier (`None`: all tiers).
    pub fn get(&self, action: ActionKind, tier: Option<AssetTier>) -> Option<&ActionEffect> {
        self.rows
            .iter()
            .find(|r| r.action == action && r.tier == tier)
    }

    /// The measurements worth feeding back to the action catalogue: per action, the rows
    /// with a relative cut whose verdict is not too small to tell, as
    /// [`MeasuredEffect`]s labelled with `source`.
    pub fn measured_effects(&self, source: &str) -> Vec<(ActionKind, Vec<MeasuredEffect>)> {
        let mut out: Vec<(ActionKind, Vec<MeasuredEffect>)> = Vec::new();
        for r in &self.rows {
            let Some(cut) = r.relative_cut else { continue };
            if r.verdict == Verdict::TooSmallToTell {
                continue;
            }
            let Ok(m) = MeasuredEffect::new(
                r.tier,
                cut.estimate,
                cut.low,
                cut.high,
                cut.confidence,
                r.treated.clients,
                r.control.clients,
                self.horizon_days,
                source,
            ) else {
                continue;
            };
            match out.iter_mut().find(|(a, _)| *a == r.action) {
                Some((_, v)) => v.push(m),
                None => out.push((r.action, vec![m])),
            }
        }
        out
    }

    /// `catalogue` with the measured effects of this table in place of its assumptions
    /// for the actions measured (see [`EffectTable::measured_effects`]); the other actions
    /// keep their assumed effects.
    ///
    /// ```
    /// use wealthscore::campaign::{EffectConfig, EffectTable};
    /// use wealthscore::retention::ActionCatalogue;
    /// use wealthscore::synth::campaign::{simulate, CampaignConfig};
    /// let sim = simulate(&CampaignConfig::default().with_clients(20_000).with_seed(2))?;
    /// let table = EffectTable::estimate(&sim.log, &ActionCatalogue::default(), &EffectConfig::new(10_000.0)?)?;
    /// let updated = table.update_catalogue(ActionCatalogue::default(), "simulated campaign")?;
    /// assert!(updated.describe().contains("measured"));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn update_catalogue(
        &self,
        catalogue: ActionCatalogue,
        source: &str,
    ) -> Result<ActionCatalogue> {
        let mut c = catalogue;
        for (action, measured) in self.measured_effects(source) {
            c = c.with_measured(action, measured)?;
        }
        Ok(c)
    }
}

#[allow(clippy::too_many_arguments)]
fn effect_row(
    action: ActionKind,
    tier: Option<AssetTier>,
    t: ArmSummary,
    c: ArmSummary,
    shared_control: bool,
    cost: f64,
    config: &EffectConfig,
    z: f64,
) -> Result<ActionEffect> {
    let difference =
        newcombe_interval(t.stayed, t.clients, c.stayed, c.clients, config.confidence)?;
    let relative_cut = risk_ratio_interval(
        t.churned(),
        t.clients,
        c.churned(),
        c.clients,
        config.confidence,
    )?
    .map(|rr| Interval {
        estimate: 1.0 - rr.estimate,
        low: 1.0 - rr.high,
        high: 1.0 - rr.low,
        confidence: rr.confidence,
    });
    let d = difference.estimate;
    let number_needed_to_treat = (d > 0.0).then(|| 1.0 / d);
    let nnt_interval =
        (difference.low > 0.0).then(|| (1.0 / difference.high, 1.0 / difference.low));
    let n_t = t.clients as f64;
    let value = |diff: f64| n_t * (diff * config.value_per_client - cost);
    let value_saved = Interval {
        estimate: value(d),
        low: value(difference.low),
        high: value(difference.high),
        confidence: config.confidence,
    };
    let small = t.clients < config.min_arm_clients || c.clients < config.min_arm_clients;
    let verdict = if small {
        Verdict::TooSmallToTell
    } else if difference.low > 0.0 {
        Verdict::Helps
    } else if difference.high < 0.0 {
        Verdict::Harms
    } else if difference.low > -config.min_effect && difference.high < config.min_effect {
        Verdict::NoMeaningfulEffect
    } else {
        Verdict::TooSmallToTell
    };
    let clients_needed = (verdict == Verdict::TooSmallToTell)
        .then(|| clients_needed(c.retention, config.min_effect, z));
    Ok(ActionEffect {
        action,
        tier,
        treated: t,
        control: c,
        shared_control,
        difference,
        relative_cut,
        number_needed_to_treat,
        nnt_interval,
        cost_per_client: cost,
        value_saved,
        verdict,
        clients_needed,
    })
}

/// Clients per arm to detect a change `delta` from rate `p` with 80 % power:
/// `(z + z_0.8)² (p(1−p) + q(1−q)) / δ²`, `q = p ± δ` toward ½ (the larger variance).
fn clients_needed(p: f64, delta: f64, z: f64) -> u64 {
    // z_0.8 = Φ⁻¹(0.8), one-sided power 80 %.
    let z_power = std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(0.4);
    let q = if p > 0.5 { p - delta } else { p + delta };
    let var = p * (1.0 - p) + q * (1.0 - q);
    ((z + z_power).powi(2) * var / (delta * delta)).ceil() as u64
}

fn action_name(a: ActionKind) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{a:?}"))
}

fn tier_name(t: Option<AssetTier>) -> &'static str {
    match t {
        None => "all",
        Some(AssetTier::Mass) => "mass",
        Some(AssetTier::MidNetWorth) => "mid_net_worth",
        Some(AssetTier::HighNetWorth) => "high_net_worth",
    }
}

impl fmt::Display for EffectTable {
    /// The effect table as text: one line per action and tier, then the warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = self.config.confidence * 100.0;
        writeln!(
            f,
            "retention after {} days, treated vs control; difference in points with {pct:.0} % Newcombe interval",
            self.horizon_days
        )?;
        writeln!(
            f,
            "{:<20} {:<14} {:>7} {:>7} {:>8} {:>8} {:>24} {:>6} {:>14}  verdict",
            "action",
            "tier",
            "treated",
            "control",
            "kept T",
            "kept C",
            "difference",
            "NNT",
            "value net"
        )?;
        for r in &self.rows {
            let nnt = r
                .number_needed_to_treat
                .map_or_else(|| "-".to_string(), |v| format!("{v:.1}"));
            writeln!(
                f,
                "{:<20} {:<14} {:>7} {:>7} {:>7.1}% {:>7.1}% {:>+7.1} ({:>+6.1} to {:>+6.1}) {:>6} {:>14.0}  {}",
                action_name(r.action),
                tier_name(r.tier),
                r.treated.clients,
                r.control.clients,
                100.0 * r.treated.retention,
                100.0 * r.control.retention,
                100.0 * r.difference.estimate,
                100.0 * r.difference.low,
                100.0 * r.difference.high,
                nnt,
                r.value_saved.estimate,
                r.verdict.phrase()
            )?;
        }
        for r in &self.rows {
            if let Some(w) = r.warning() {
                writeln!(
                    f,
                    "warning: {} / {}: {w}",
                    action_name(r.action),
                    tier_name(r.tier)
                )?;
            }
        }
        Ok(())
    }
}
