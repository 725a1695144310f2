//! The five tiering dimensions, their thresholds ([`TieringPolicy`]) and the per-client
//! classification ([`Tiering`]).

use crate::client::ClientRecord;
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// Asset-size tier, from assets under management.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum AssetTier {
    /// AUM below [`TieringPolicy::mass_upper`].
    Mass,
    /// AUM in `[mass_upper, hnw_lower)`.
    MidNetWorth,
    /// AUM at or above [`TieringPolicy::hnw_lower`].
    HighNetWorth,
}

/// Activity tier, from transactions and advisor interactions per month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ActivityTier {
    /// Fewer than [`TieringPolicy::high_activity_per_month`] interactions a month.
    Low,
    /// At least [`TieringPolicy::high_activity_per_month`] interactions a month.
    High,
}

/// Lifecycle stage, from tenure and the AUM trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Lifecycle {
    /// Tenure below [`TieringPolicy::new_max_tenure_months`].
    New,
    /// Assets growing, or a relationship still being built.
    Growth,
    /// An established relationship with stable assets.
    Mature,
    /// Assets falling by at least [`TieringPolicy::decline_trend`].
    Decline,
}

/// Need complexity, from the number of product categories held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum NeedComplexity {
    /// Fewer than [`TieringPolicy::diverse_min_categories`] categories held.
    Single,
    /// At least [`TieringPolicy::diverse_min_categories`] categories held.
    Diverse,
}

/// Loyalty, from tenure, AUM trend, complaints and (when supplied) a churn probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Loyalty {
    /// At least one warning sign, or a relationship too young to count as loyal.
    AtRisk,
    /// Long enough tenure and no warning sign.
    Loyal,
}

/// Overall service level from the weighted composite score (see [`TieringPolicy::composite_cuts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum CompositeTier {
    /// Composite score below the first cut.
    Basic,
    /// Between the first and second cut.
    Standard,
    /// Between the second and third cut.
    Priority,
    /// At or above the third cut.
    Premier,
}

impl CompositeTier {
    /// All composite tiers, lowest first.
    pub const ALL: [CompositeTier; 4] = [
        CompositeTier::Basic,
        CompositeTier::Standard,
        CompositeTier::Priority,
        CompositeTier::Premier,
    ];

    /// Lowercase name, the same as its serde form.
    pub fn name(self) -> &'static str {
        match self {
            CompositeTier::Basic => "basic",
            CompositeTier::Standard => "standard",
            CompositeTier::Priority => "priority",
            CompositeTier::Premier => "premier",
        }
    }

    /// Position in [`CompositeTier::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One value of one dimension: the key of the strategy catalogue and the summary tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum TierLabel {
    /// [`AssetTier::HighNetWorth`].
    HighNetWorth,
    /// [`AssetTier::MidNetWorth`].
    MidNetWorth,
    /// [`AssetTier::Mass`].
    Mass,
    /// [`ActivityTier::High`].
    HighActivity,
    /// [`ActivityTier::Low`].
    LowActivity,
    /// [`Lifecycle::New`].
    New,
    /// [`Lifecycle::Growth`].
    Growth,
    /// [`Lifecycle::Mature`].
    Mature,
    /// [`Lifecycle::Decline`].
    Decline,
    /// [`NeedComplexity::Single`].
    SingleNeed,
    /// [`NeedComplexity::Diverse`].
    DiverseNeeds,
    /// [`Loyalty::Loyal`].
    Loyal,
    /// [`Loyalty::AtRisk`].
    AtRisk,
}

impl TierLabel {
    /// All labels, grouped by dimension in the order asset, activity, lifecycle,
    /// complexity, loyalty.
    pub const ALL: [TierLabel; 13] = [
        TierLabel::HighNetWorth,
        TierLabel::MidNetWorth,
        TierLabel::Mass,
        TierLabel::HighActivity,
        TierLabel::LowActivity,
        TierLabel::New,
        TierLabel::Growth,
        TierLabel::Mature,
        TierLabel::Decline,
        TierLabel::SingleNeed,
        TierLabel::DiverseNeeds,
        TierLabel::Loyal,
        TierLabel::AtRisk,
    ];

    /// Position in [`TierLabel::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Lowercase name, the same as its serde form.
    pub fn name(self) -> &'static str {
        match self {
            TierLabel::HighNetWorth => "high_net_worth",
            TierLabel::MidNetWorth => "mid_net_worth",
            TierLabel::Mass => "mass",
            TierLabel::HighActivity => "high_activity",
            TierLabel::LowActivity => "low_activity",
            TierLabel::New => "new",
            TierLabel::Growth => "growth",
            TierLabel::Mature => "mature",
            TierLabel::Decline => "decline",
            TierLabel::SingleNeed => "single_need",
            TierLabel::DiverseNeeds => "diverse_needs",
            TierLabel::Loyal => "loyal",
            TierLabel::AtRisk => "at_risk",
        }
    }

    /// The dimension the label belongs to: `asset`, `activity`, `lifecycle`,
    /// `complexity` or `loyalty`.
    pub fn dimension(self) -> &'static str {
        match self {
            TierLabel::HighNetWorth | TierLabel::MidNetWorth | TierLabel::Mass => "asset",
            TierLabel::HighActivity | TierLabel::LowActivity => "activity",
            TierLabel::New | TierLabel::Growth | TierLabel::Mature | TierLabel::Decline => {
                "lifecycle"
            }
            TierLabel::SingleNeed | TierLabel::DiverseNeeds => "complexity",
            TierLabel::Loyal | TierLabel::AtRisk => "loyalty",
        }
    }
}

impl From<AssetTier> for TierLabel {
    fn from(t: AssetTier) -> Self {
        match t {
            AssetTier::HighNetWorth => TierLabel::HighNetWorth,
            AssetTier::MidNetWorth => TierLabel::MidNetWorth,
            AssetTier::Mass => TierLabel::Mass,
        }
    }
}

impl From<ActivityTier> for TierLabel {
    fn from(t: ActivityTier) -> Self {
        match t {
            ActivityTier::High => TierLabel::HighActivity,
            ActivityTier::Low => TierLabel::LowActivity,
        }
    }
}

impl From<Lifecycle> for TierLabel {
    fn from(t: Lifecycle) -> Self {
        match t {
            Lifecycle::New => TierLabel::New,
            Lifecycle::Growth => TierLabel::Growth,
            Lifecycle::Mature => TierLabel::Mature,
            Lifecycle::Decline => TierLabel::Decline,
        }
    }
}

impl From<NeedComplexity> for TierLabel {
    fn from(t: NeedComplexity) -> Self {
        match t {
            NeedComplexity::Single => TierLabel::SingleNeed,
            NeedComplexity::Diverse => TierLabel::DiverseNeeds,
        }
    }
}

impl From<Loyalty> for TierLabel {
    fn from(t: Loyalty) -> Self {
        match t {
            Loyalty::Loyal => TierLabel::Loyal,
            Loyalty::AtRisk => TierLabel::AtRisk,
        }
    }
}

/// Names of the composite weights, in the order of [`TieringPolicy::weights`].
pub const WEIGHT_NAMES: [&str; 5] = ["asset", "activity", "lifecycle", "complexity", "loyalty"];

/// The six numbers the five dimensions are computed from, as extracted from a record
/// by [`TieringPolicy::inputs`]. A columnar caller can fill them from its own columns
/// and call [`TieringPolicy::classify_inputs`].
///
/// Start from [`Default`] (all zero: no assets, no activity, a first-month client) and set
/// the fields with the `with_` methods.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TieringInputs {
    /// Assets under management (`>= 0`).
    pub aum: f64,
    /// Transactions plus advisor contacts per month ([`TieringPolicy::activity_per_month`]).
    pub activity_per_month: f64,
    /// Relative AUM change over the policy's trend window ([`TieringPolicy::aum_trend`]).
    pub aum_trend: f64,
    /// Months since the relationship began.
    pub tenure_months: u32,
    /// Product categories with a positive holding (0–6).
    pub categories_held: u32,
    /// Complaints in the last 12 months.
    pub complaints_12m: u32,
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl TieringInputs {
    setters! {
        with_aum => aum: f64,
        with_activity_per_month => activity_per_month: f64,
        with_aum_trend => aum_trend: f64,
        with_tenure_months => tenure_months: u32,
        with_categories_held => categories_held: u32,
        with_complaints_12m => complaints_12m: u32,
    }
}

/// A client's classification on the five dimensions and the composite tier.
///
/// Plain `Copy` data: producing it allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Tiering {
    /// Asset size.
    pub asset: AssetTier,
    /// Activity.
    pub activity: ActivityTier,
    /// Lifecycle stage.
    pub lifecycle: Lifecycle,
    /// Need complexity.
    pub complexity: NeedComplexity,
    /// Loyalty.
    pub loyalty: Loyalty,
    /// Weighted composite score in `[0, 1]` (see [`TieringPolicy::dimension_scores`]).
    pub composite_score: f64,
    /// Service level from the composite score.
    pub composite: CompositeTier,
}

impl Tiering {
    /// The five labels, one per dimension, in the order of [`WEIGHT_NAMES`].
    pub fn labels(&self) -> [TierLabel; 5] {
        [
            self.asset.into(),
            self.activity.into(),
            self.lifecycle.into(),
            self.complexity.into(),
            self.loyalty.into(),
        ]
    }
}

/// Thresholds of the five dimensions and the composite tier.
///
/// Amounts are in the portfolio's own currency (the policy is currency-agnostic: a firm
/// working in another currency rescales `mass_upper` and `hnw_lower`). Every default is
/// documented on its field; [`TieringPolicy::validate`] runs on deserialisation too.
///
/// ```
/// use wealthscore::segment::{TieringPolicy, AssetTier, Loyalty};
/// use wealthscore::ClientRecord;
///
/// let policy = TieringPolicy::default();
/// let t = policy.classify(&ClientRecord::example(), Some(0.4))?;
/// assert_eq!(t.asset, AssetTier::Mass); // AUM 400,000 < 500,000
/// assert_eq!(t.loyalty, Loyalty::AtRisk); // two complaints, falling AUM
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::json::Strict<RawPolicy>", into = "RawPolicy")]
#[non_exhaustive]
pub struct TieringPolicy {
    /// AUM from which a client is mid-net-worth (default 500,000, the synthetic
    /// generator's [`crate::synth::MASS_UPPER`]).
    pub mass_upper: f64,
    /// AUM from which a client is high-net-worth (default 5,000,000, the
    /// generator's [`crate::synth::HNW_LOWER`]; a common private-banking entry level).
    pub hnw_lower: f64,
    /// Months of transaction history averaged for activity (default 3: a quarter).
    pub activity_window_months: u32,
    /// Transactions plus advisor contacts per month from which activity is high
    /// (default 4: about one a week). Advisor contacts count as `contacts_180d / 6`.
    pub high_activity_per_month: f64,
    /// Months over which the AUM trend is measured (default 6), using the oldest month
    /// when the history is shorter.
    pub trend_months: u32,
    /// Tenure (months) below which a client is new (default 12: the first year).
    pub new_max_tenure_months: u32,
    /// Tenure (months) below which a non-declining client is still in growth
    /// (default 36).
    pub growth_max_tenure_months: u32,
    /// AUM trend at or above which a client is in growth whatever the tenure
    /// (default +0.10, a 10 % rise).
    pub growth_trend: f64,
    /// AUM trend at or below which an established client is in decline
    /// (default −0.10, a 10 % fall).
    pub decline_trend: f64,
    /// Product categories from which needs are diverse (default 3 of the six in
    /// [`crate::client::Holdings`]).
    pub diverse_min_categories: u32,
    /// Tenure (months) a client needs to count as loyal (default 24).
    pub loyal_min_tenure_months: u32,
    /// Complaints in 12 months from which a client is at risk (default 2).
    pub at_risk_complaints: u32,
    /// AUM trend at or below which a client is at risk (default −0.10).
    pub at_risk_trend: f64,
    /// Churn probability at or above which a client is at risk, when one is supplied
    /// (default 0.25, about twice a typical annual churn rate of 12 %).
    pub at_risk_probability: f64,
    /// Weights of the five dimension scores in the composite, in the order of
    /// [`WEIGHT_NAMES`]; non-negative, summing to 1 (default 0.35, 0.15, 0.15, 0.10,
    /// 0.25). Replace them with AHP priorities through [`TieringPolicy::with_weights`].
    pub weights: [f64; 5],
    /// Composite-score cuts between basic/standard, standard/priority and
    /// priority/premier, increasing in `(0, 1)` (default 0.25, 0.50, 0.75).
    pub composite_cuts: [f64; 3],
}

crate::json::strict_try_from!(TieringPolicy, RawPolicy);

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl TieringPolicy {
    setters! {
        with_mass_upper => mass_upper: f64,
        with_hnw_lower => hnw_lower: f64,
        with_activity_window_months => activity_window_months: u32,
        with_high_activity_per_month => high_activity_per_month: f64,
        with_trend_months => trend_months: u32,
        with_new_max_tenure_months => new_max_tenure_months: u32,
        with_growth_max_tenure_months => growth_max_tenure_months: u32,
        with_growth_trend => growth_trend: f64,
        with_decline_trend => decline_trend: f64,
        with_diverse_min_categories => diverse_min_categories: u32,
        with_loyal_min_tenure_months => loyal_min_tenure_months: u32,
        with_at_risk_complaints => at_risk_complaints: u32,
        with_at_risk_trend => at_risk_trend: f64,
        with_at_risk_probability => at_risk_probability: f64,
        with_composite_cuts => composite_cuts: [f64; 3],
    }
}

impl Default for TieringPolicy {
    fn default() -> Self {
        TieringPolicy {
            mass_upper: 500_000.0,
            hnw_lower: 5_000_000.0,
            activity_window_months: 3,
            high_activity_per_month: 4.0,
            trend_months: 6,
            new_max_tenure_months: 12,
            growth_max_tenure_months: 36,
            growth_trend: 0.10,
            decline_trend: -0.10,
            diverse_min_categories: 3,
            loyal_min_tenure_months: 24,
            at_risk_complaints: 2,
            at_risk_trend: -0.10,
            at_risk_probability: 0.25,
            weights: [0.35, 0.15, 0.15, 0.10, 0.25],
            composite_cuts: [0.25, 0.50, 0.75],
        }
    }
}

/// Serde mirror of [`TieringPolicy`], so that deserialisation goes through `validate`.
#[derive(Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawPolicy {
    mass_upper: f64,
    hnw_lower: f64,
    activity_window_months: u32,
    high_activity_per_month: f64,
    trend_months: u32,
    new_max_tenure_months: u32,
    growth_max_tenure_months: u32,
    growth_trend: f64,
    decline_trend: f64,
    diverse_min_categories: u32,
    loyal_min_tenure_months: u32,
    at_risk_complaints: u32,
    at_risk_trend: f64,
    at_risk_probability: f64,
    weights: [f64; 5],
    composite_cuts: [f64; 3],
}

impl Default for RawPolicy {
    fn default() -> Self {
        TieringPolicy::default().into()
    }
}

impl From<TieringPolicy> for RawPolicy {
    fn from(p: TieringPolicy) -> Self {
        RawPolicy {
            mass_upper: p.mass_upper,
            hnw_lower: p.hnw_lower,
            activity_window_months: p.activity_window_months,
            high_activity_per_month: p.high_activity_per_month,
            trend_months: p.trend_months,
            new_max_tenure_months: p.new_max_tenure_months,
            growth_max_tenure_months: p.growth_max_tenure_months,
            growth_trend: p.growth_trend,
            decline_trend: p.decline_trend,
            diverse_min_categories: p.diverse_min_categories,
            loyal_min_tenure_months: p.loyal_min_tenure_months,
            at_risk_complaints: p.at_risk_complaints,
            at_risk_trend: p.at_risk_trend,
            at_risk_probability: p.at_risk_probability,
            weights: p.weights,
            composite_cuts: p.composite_cuts,
        }
    }
}

impl TryFrom<RawPolicy> for TieringPolicy {
    type Error = Error;
    fn try_from(r: RawPolicy) -> Result<Self> {
        let p = TieringPolicy {
            mass_upper: r.mass_upper,
            hnw_lower: r.hnw_lower,
            activity_window_months: r.activity_window_months,
            high_activity_per_month: r.high_activity_per_month,
            trend_months: r.trend_months,
            new_max_tenure_months: r.new_max_tenure_months,
            growth_max_tenure_months: r.growth_max_tenure_months,
            growth_trend: r.growth_trend,
            decline_trend: r.decline_trend,
            diverse_min_categories: r.diverse_min_categories,
            loyal_min_tenure_months: r.loyal_min_tenure_months,
            at_risk_complaints: r.at_risk_complaints,
            at_risk_trend: r.at_risk_trend,
            at_risk_probability: r.at_risk_probability,
            weights: r.weights,
            composite_cuts: r.composite_cuts,
        };
        p.validate()?;
        Ok(p)
    }
}

/// Tolerance on the composite weights summing to 1.
pub const WEIGHT_SUM_TOL: f64 = 1e-6;

fn cfg_finite(field: &str, v: f64) -> Result<()> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(Error::config(field, format!("{v} is not finite")))
    }
}

impl TieringPolicy {
    /// Checks the thresholds: finite, positive where they are amounts or rates, in order
    /// (`mass_upper < hnw_lower`, `new_max_tenure_months <= growth_max_tenure_months`,
    /// `decline_trend < 0 < growth_trend`, cuts increasing in `(0, 1)`), windows of at
    /// least one month, at least two categories for diverse needs, weights non-negative
    /// and summing to 1 within [`WEIGHT_SUM_TOL`].
    ///
    /// ```
    /// let mut p = wealthscore::segment::TieringPolicy::default();
    /// p.hnw_lower = 100_000.0; // below mass_upper
    /// assert!(p.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        let floats = [
            ("mass_upper", self.mass_upper),
            ("hnw_lower", self.hnw_lower),
            ("high_activity_per_month", self.high_activity_per_month),
            ("growth_trend", self.growth_trend),
            ("decline_trend", self.decline_trend),
            ("at_risk_trend", self.at_risk_trend),
            ("at_risk_probability", self.at_risk_probability),
        ];
        for (name, v) in floats {
            cfg_finite(name, v)?;
        }
        if self.mass_upper <= 0.0 {
            return Err(Error::config("mass_upper", "must be > 0"));
        }
        if self.hnw_lower <= self.mass_upper {
            return Err(Error::config(
                "hnw_lower",
                format!(
                    "{} must exceed mass_upper = {}",
                    self.hnw_lower, self.mass_upper
                ),
            ));
        }
        if self.activity_window_months == 0 {
            return Err(Error::config("activity_window_months", "must be >= 1"));
        }
        if self.high_activity_per_month <= 0.0 {
            return Err(Error::config("high_activity_per_month", "must be > 0"));
        }
        if self.trend_months == 0 {
            return Err(Error::config("trend_months", "must be >= 1"));
        }
        if self.new_max_tenure_months > self.growth_max_tenure_months {
            return Err(Error::config(
                "new_max_tenure_months",
                "must not exceed growth_max_tenure_months",
            ));
        }
        if !(self.decline_trend < 0.0 && self.decline_trend > -1.0) {
            return Err(Error::config("decline_trend", "must lie in (-1, 0)"));
        }
        if self.growth_trend <= 0.0 {
            return Err(Error::config("growth_trend", "must be > 0"));
        }
        if !(self.at_risk_trend < 0.0 && self.at_risk_trend > -1.0) {
            return Err(Error::config("at_risk_trend", "must lie in (-1, 0)"));
        }
        if !(2..=6).contains(&self.diverse_min_categories) {
            return Err(Error::config(
                "diverse_min_categories",
                "must lie in 2..=6 (there are six product categories)",
            ));
        }
        if self.at_risk_complaints == 0 {
            return Err(Error::config(
                "at_risk_complaints",
                "must be >= 1 (0 would put every client at risk)",
            ));
        }
        if !(self.at_risk_probability > 0.0 && self.at_risk_probability <= 1.0) {
            return Err(Error::config("at_risk_probability", "must lie in (0, 1]"));
        }
        check::weights("weights", &self.weights, WEIGHT_SUM_TOL)
            .map_err(|e| Error::config("weights", e.to_string()))?;
        let c = self.composite_cuts;
        for (i, &x) in c.iter().enumerate() {
            cfg_finite(&format!("composite_cuts[{i}]"), x)?;
        }
        if !(0.0 < c[0] && c[0] < c[1] && c[1] < c[2] && c[2] < 1.0) {
            return Err(Error::config(
                "composite_cuts",
                format!("{c:?} must increase strictly within (0, 1)"),
            ));
        }
        Ok(())
    }

    /// This policy with other composite weights (for instance AHP priorities of
    /// asset, activity, lifecycle, complexity and loyalty, in that order).
    ///
    /// The slice must hold five non-negative finite numbers summing to 1 within
    /// [`WEIGHT_SUM_TOL`].
    ///
    /// ```
    /// let p = wealthscore::segment::TieringPolicy::default()
    ///     .with_weights(&[0.2, 0.2, 0.2, 0.2, 0.2])?;
    /// assert_eq!(p.weights, [0.2; 5]);
    /// assert!(wealthscore::segment::TieringPolicy::default().with_weights(&[0.5, 0.5]).is_err());
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn with_weights(mut self, weights: &[f64]) -> Result<Self> {
        check::same_len("composite weights", 5, weights.len())?;
        check::weights("weights", weights, WEIGHT_SUM_TOL)?;
        self.weights.copy_from_slice(weights);
        self.validate()?;
        Ok(self)
    }

    /// Asset tier of an AUM (finite, `>= 0`).
    ///
    /// ```
    /// use wealthscore::segment::{TieringPolicy, AssetTier};
    /// let p = TieringPolicy::default();
    /// assert_eq!(p.asset_tier(499_999.0)?, AssetTier::Mass);
    /// assert_eq!(p.asset_tier(500_000.0)?, AssetTier::MidNetWorth);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn asset_tier(&self, aum: f64) -> Result<AssetTier> {
        check::non_negative("aum", aum)?;
        Ok(if aum >= self.hnw_lower {
            AssetTier::HighNetWorth
        } else if aum >= self.mass_upper {
            AssetTier::MidNetWorth
        } else {
            AssetTier::Mass
        })
    }

    /// Interactions per month: mean transactions over the last
    /// `activity_window_months` (or the whole history if shorter) plus advisor contacts
    /// over 180 days divided by 6.
    pub fn activity_per_month(&self, c: &ClientRecord) -> f64 {
        let tx = &c.monthly_transactions;
        let w = (self.activity_window_months as usize).min(tx.len());
        let recent = match tx.get(tx.len() - w..) {
            Some(s) if !s.is_empty() => {
                s.iter().map(|&x| f64::from(x)).sum::<f64>() / s.len() as f64
            }
            _ => 0.0,
        };
        recent + f64::from(c.advisor_contacts_180d) / 6.0
    }

    /// Activity tier for a rate of interactions per month.
    pub fn activity_tier(&self, per_month: f64) -> Result<ActivityTier> {
        check::non_negative("activity per month", per_month)?;
        Ok(if per_month >= self.high_activity_per_month {
            ActivityTier::High
        } else {
            ActivityTier::Low
        })
    }

    /// Relative AUM change over `trend_months`: `aum_now / aum_then − 1`, using the
    /// oldest month when the history is shorter; 0 when the history has one month or the
    /// earlier balance is 0. Fails on a non-finite or negative balance, and on an earlier
    /// balance so close to 0 that the ratio overflows (e.g. `5e-324`).
    pub fn aum_trend(&self, c: &ClientRecord) -> Result<f64> {
        let h = &c.aum_history;
        let n = h.len();
        if n < 2 {
            return Ok(0.0);
        }
        let back = (self.trend_months as usize).min(n - 1);
        let now = h[n - 1];
        let then = h[n - 1 - back];
        if !(now.is_finite() && then.is_finite()) || now < 0.0 || then < 0.0 {
            let (i, v) = if !now.is_finite() || now < 0.0 {
                (n - 1, now)
            } else {
                (n - 1 - back, then)
            };
            return Err(if v.is_finite() {
                Error::invalid(format!("aum_history[{i}]"), v, "must be >= 0")
            } else {
                Error::NonFinite {
                    field: format!("aum_history[{i}]"),
                }
            });
        }
        if then == 0.0 {
            return Ok(0.0);
        }
        let trend = now / then - 1.0;
        if !trend.is_finite() {
            return Err(Error::invalid(
                format!("aum_history[{}]", n - 1 - back),
                then,
                format!(
                    "is so small next to aum_history[{}] = {now} that the AUM change overflows; \
                         record a balance this close to 0 as 0",
                    n - 1
                ),
            ));
        }
        Ok(trend)
    }

    /// Lifecycle stage from tenure and AUM trend: new below `new_max_tenure_months`;
    /// otherwise decline at or below `decline_trend`; otherwise growth at or above
    /// `growth_trend` or below `growth_max_tenure_months`; otherwise mature.
    ///
    /// ```
    /// use wealthscore::segment::{TieringPolicy, Lifecycle};
    /// let p = TieringPolicy::default();
    /// assert_eq!(p.lifecycle(11, 0.0)?, Lifecycle::New);
    /// assert_eq!(p.lifecycle(60, -0.10)?, Lifecycle::Decline);
    /// assert_eq!(p.lifecycle(60, 0.0)?, Lifecycle::Mature);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn lifecycle(&self, tenure_months: u32, trend: f64) -> Result<Lifecycle> {
        check::finite("aum trend", trend)?;
        Ok(if tenure_months < self.new_max_tenure_months {
            Lifecycle::New
        } else if trend <= self.decline_trend {
            Lifecycle::Decline
        } else if trend >= self.growth_trend || tenure_months < self.growth_max_tenure_months {
            Lifecycle::Growth
        } else {
            Lifecycle::Mature
        })
    }

    /// Need complexity from the number of product categories held.
    pub fn complexity(&self, categories_held: u32) -> NeedComplexity {
        if categories_held >= self.diverse_min_categories {
            NeedComplexity::Diverse
        } else {
            NeedComplexity::Single
        }
    }

    /// Loyalty: at risk when the tenure is below `loyal_min_tenure_months`, complaints
    /// reach `at_risk_complaints`, the AUM trend is at or below `at_risk_trend`, or a
    /// supplied churn probability reaches `at_risk_probability`; loyal otherwise.
    ///
    /// ```
    /// use wealthscore::segment::{TieringPolicy, Loyalty};
    /// let p = TieringPolicy::default();
    /// assert_eq!(p.loyalty(48, 0.0, 0, None)?, Loyalty::Loyal);
    /// assert_eq!(p.loyalty(48, 0.0, 0, Some(0.30))?, Loyalty::AtRisk);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn loyalty(
        &self,
        tenure_months: u32,
        trend: f64,
        complaints_12m: u32,
        churn_probability: Option<f64>,
    ) -> Result<Loyalty> {
        check::finite("aum trend", trend)?;
        let model_risk = match churn_probability {
            Some(p) => check::probability("churn_probability", p)? >= self.at_risk_probability,
            None => false,
        };
        let at_risk = tenure_months < self.loyal_min_tenure_months
            || complaints_12m >= self.at_risk_complaints
            || trend <= self.at_risk_trend
            || model_risk;
        Ok(if at_risk {
            Loyalty::AtRisk
        } else {
            Loyalty::Loyal
        })
    }

    /// The five dimension scores in `[0, 1]` entering the composite, in the order of
    /// [`WEIGHT_NAMES`]: asset mass 0 / mid 0.5 / high-net-worth 1; activity low 0 /
    /// high 1; lifecycle decline 0 / new 1/3 / growth 2/3 / mature 1; complexity single
    /// 0 / diverse 1; loyalty at risk 0 / loyal 1.
    pub fn dimension_scores(
        asset: AssetTier,
        activity: ActivityTier,
        lifecycle: Lifecycle,
        complexity: NeedComplexity,
        loyalty: Loyalty,
    ) -> [f64; 5] {
        let a = match asset {
            AssetTier::Mass => 0.0,
            AssetTier::MidNetWorth => 0.5,
            AssetTier::HighNetWorth => 1.0,
        };
        let b = match activity {
            ActivityTier::Low => 0.0,
            ActivityTier::High => 1.0,
        };
        let l = match lifecycle {
            Lifecycle::Decline => 0.0,
            Lifecycle::New => 1.0 / 3.0,
            Lifecycle::Growth => 2.0 / 3.0,
            Lifecycle::Mature => 1.0,
        };
        let c = match complexity {
            NeedComplexity::Single => 0.0,
            NeedComplexity::Diverse => 1.0,
        };
        let y = match loyalty {
            Loyalty::AtRisk => 0.0,
            Loyalty::Loyal => 1.0,
        };
        [a, b, l, c, y]
    }

    /// Composite tier of a composite score (cuts are inclusive lower bounds).
    pub fn composite_tier(&self, score: f64) -> CompositeTier {
        let c = self.composite_cuts;
        if score >= c[2] {
            CompositeTier::Premier
        } else if score >= c[1] {
            CompositeTier::Priority
        } else if score >= c[0] {
            CompositeTier::Standard
        } else {
            CompositeTier::Basic
        }
    }

    /// Classifies one client on the five dimensions and the composite tier.
    ///
    /// `churn_probability` is a model's probability for this client, if one is
    /// available; it only affects loyalty. Reads `aum`, `aum_history`,
    /// `monthly_transactions`, `advisor_contacts_180d`, `tenure_months`, `holdings`
    /// and `complaints_12m`; fails on a non-finite or negative amount among those it
    /// reads or a probability outside `[0, 1]`, naming the field. Allocates nothing
    /// unless it fails. Call it on a policy that passed [`TieringPolicy::validate`]
    /// (every constructor and deserialisation does).
    ///
    /// ```
    /// use wealthscore::segment::{TieringPolicy, CompositeTier};
    /// let t = TieringPolicy::default().classify(&wealthscore::ClientRecord::example(), None)?;
    /// // mass, low activity, decline (400/498 − 1 ≈ −20 % over 6 months), diverse, at risk:
    /// // 0.35·0 + 0.15·0 + 0.15·0 + 0.10·1 + 0.25·0 = 0.10
    /// assert!((t.composite_score - 0.10).abs() < 1e-12);
    /// assert_eq!(t.composite, CompositeTier::Basic);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn classify(&self, c: &ClientRecord, churn_probability: Option<f64>) -> Result<Tiering> {
        self.classify_inputs(&self.inputs(c)?, churn_probability)
    }

    /// The six numbers tiering reads from a record (see [`TieringInputs`]).
    ///
    /// ```
    /// use wealthscore::segment::TieringPolicy;
    /// let p = TieringPolicy::default();
    /// let x = p.inputs(&wealthscore::ClientRecord::example())?;
    /// assert_eq!(x.categories_held, 4);
    /// // 400,000 now vs 498,000 six months earlier.
    /// assert!((x.aum_trend - (400.0 / 498.0 - 1.0)).abs() < 1e-12);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn inputs(&self, c: &ClientRecord) -> Result<TieringInputs> {
        check::non_negative("aum", c.aum)?;
        let aum_trend = self.aum_trend(c)?;
        let mut held = 0u32;
        for (i, a) in c.holdings.amounts().into_iter().enumerate() {
            if !a.is_finite() {
                return Err(Error::NonFinite {
                    field: format!("holdings.{}", crate::client::Holdings::NAMES[i]),
                });
            }
            held += u32::from(a > 0.0);
        }
        Ok(TieringInputs {
            aum: c.aum,
            activity_per_month: self.activity_per_month(c),
            aum_trend,
            tenure_months: c.tenure_months,
            categories_held: held,
            complaints_12m: c.complaints_12m,
        })
    }

    /// Classifies from the six inputs directly: the path for columnar callers that hold
    /// these as columns rather than as records. Same result as
    /// [`TieringPolicy::classify`] on the record they came from; allocates nothing
    /// unless it fails.
    ///
    /// ```
    /// use wealthscore::segment::{TieringPolicy, TieringInputs, AssetTier};
    /// let p = TieringPolicy::default();
    /// let x = TieringInputs::default()
    ///     .with_aum(6.0e6)
    ///     .with_activity_per_month(5.0)
    ///     .with_aum_trend(0.02)
    ///     .with_tenure_months(80)
    ///     .with_categories_held(4);
    /// let t = p.classify_inputs(&x, Some(0.05))?;
    /// assert_eq!(t.asset, AssetTier::HighNetWorth);
    /// assert!((t.composite_score - 1.0).abs() < 1e-12); // best on every dimension
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn classify_inputs(
        &self,
        x: &TieringInputs,
        churn_probability: Option<f64>,
    ) -> Result<Tiering> {
        let asset = self.asset_tier(x.aum)?;
        let activity = self.activity_tier(x.activity_per_month)?;
        let lifecycle = self.lifecycle(x.tenure_months, x.aum_trend)?;
        let complexity = self.complexity(x.categories_held);
        let loyalty = self.loyalty(
            x.tenure_months,
            x.aum_trend,
            x.complaints_12m,
            churn_probability,
        )?;
        let s = Self::dimension_scores(asset, activity, lifecycle, complexity, loyalty);
        let composite_score = s
            .iter()
            .zip(self.weights.iter())
            .map(|(a, w)| a * w)
            .sum::<f64>()
            .clamp(0.0, 1.0);
        Ok(Tiering {
            asset,
            activity,
            lifecycle,
            complexity,
            loyalty,
            composite_score,
            composite: self.composite_tier(composite_score),
        })
    }
}

human_labels!(AssetTier {
    Mass => "mass",
    MidNetWorth => "mid-net-worth",
    HighNetWorth => "high-net-worth",
});
human_labels!(ActivityTier {
    Low => "low activity",
    High => "high activity",
});
human_labels!(Lifecycle {
    New => "new",
    Growth => "growth",
    Mature => "mature",
    Decline => "decline",
});
human_labels!(NeedComplexity {
    Single => "single need",
    Diverse => "diverse needs",
});
human_labels!(Loyalty {
    AtRisk => "at risk",
    Loyal => "loyal",
});
