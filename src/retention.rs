//! Retention actions: a catalogue as data, choosing and ranking actions for a client, and
//! allocating a limited budget across a portfolio.
//!
//! An action addresses some churn causes and some asset tiers, costs a fixed amount per
//! client and, when it addresses the reasons behind a client's risk, cuts the client's
//! churn probability by its `effect` (a relative reduction). For a client with churn
//! probability `p`, lifetime value `CLV` and reasons `r` (cause, contribution), the
//! **expected value saved** by action `a` is
//!
//! `p × CLV × effect_a × fit_a(r) − cost_a`,
//!
//! where `fit_a(r)` is the share of the client's positive reason contributions whose
//! causes the action addresses (1 for actions that address every cause; 1 when the
//! client has no positive reason, so general actions still rank).
//!
//! ```
//! use wealthscore::retention::{ActionCatalogue, ClientRisk, ActionKind};
//! use wealthscore::segment::AssetTier;
//! use wealthscore::ChurnCause;
//!
//! let catalogue = ActionCatalogue::default();
//! let reasons = [(ChurnCause::Service, 1.2), (ChurnCause::Fees, 0.3)];
//! let client = ClientRisk::new("C001", 0.4, 20_000.0, 400_000.0, &reasons, AssetTier::Mass);
//! let ranked = catalogue.rank(&client)?;
//! assert_eq!(ranked[0].unwrap().kind, ActionKind::ServiceRemediation);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use crate::assoc::{NextBestProduct, Recommendation};
use crate::client::{ChurnCause, Holdings};
use crate::error::{Error, Result, check};
use crate::segment::AssetTier;
use serde::{Deserialize, Serialize};

/// How many ranked actions [`ActionCatalogue::rank`] returns.
pub const TOP_ACTIONS: usize = 3;
/// Most actions a catalogue may hold (keeps ranking allocation-free and bounded).
pub const MAX_ACTIONS: usize = 64;

/// The retention actions the domain names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ActionKind {
    /// A personalised financial plan built with the client.
    PersonalisedPlan,
    /// Fix the service failure: apologise, resolve the complaint, speed up.
    ServiceRemediation,
    /// Review whether the products fit the client's goals and risk tolerance.
    ProductFitReview,
    /// Regular contact and care from the advisor.
    RegularContact,
    /// Fee waivers, rate offers and loyalty points.
    OffersAndPoints,
    /// Offer products the client does not hold yet.
    CrossSelling,
    /// A visit to win back a client who is moving money out.
    WinBackVisit,
    /// Assign a dedicated relationship manager.
    DedicatedAdvisor,
}

/// One action of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RetentionAction {
    /// Which action.
    pub kind: ActionKind,
    /// What a relationship manager reads.
    pub description: String,
    /// Causes the action addresses; empty means every cause.
    pub addresses: Vec<ChurnCause>,
    /// Tiers the action is offered to; empty means every tier.
    pub tiers: Vec<AssetTier>,
    /// Cost per client, in the portfolio's currency.
    pub cost: f64,
    /// Relative cut in churn probability when the action fits the reasons, in `[0, 1]`:
    /// the planning assumption, used for every tier without a measured effect.
    pub effect: f64,
    /// Effects measured by campaigns with a control group (overall and per tier); when
    /// present they replace [`RetentionAction::effect`] in ranking (see
    /// [`RetentionAction::effect_for`]). Empty by default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measured: Vec<MeasuredEffect>,
}

/// An action's effect measured by a campaign against a control group, as
/// [`crate::campaign::EffectTable::measured_effects`] produces it.
///
/// `effect` is the relative cut in churn probability, `1 − churn_treated / churn_control`,
/// with its confidence interval; negative when the action made clients leave more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MeasuredEffect {
    /// The tier measured, or `None` for all tiers together.
    pub tier: Option<AssetTier>,
    /// Relative cut in churn probability (at most 1).
    pub effect: f64,
    /// Lower bound of the interval.
    pub low: f64,
    /// Upper bound of the interval.
    pub high: f64,
    /// Confidence level of the interval, e.g. 0.95.
    pub confidence: f64,
    /// Treated clients measured.
    pub treated: u64,
    /// Control clients measured.
    pub control: u64,
    /// Days after the offer at which outcomes were read.
    pub horizon_days: u32,
    /// Where the figure comes from (campaign name or date).
    pub source: String,
}

impl MeasuredEffect {
    /// Checks the figures: finite, `low ≤ effect ≤ high ≤ 1`, confidence in `(0, 1)`, at
    /// least one client in each arm.
    ///
    /// ```
    /// use wealthscore::retention::MeasuredEffect;
    /// let m = MeasuredEffect::new(None, 0.3, 0.1, 0.5, 0.95, 400, 400, 180, "spring campaign")?;
    /// assert!(MeasuredEffect::new(None, 0.3, 0.4, 0.5, 0.95, 400, 400, 180, "x").is_err());
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        tier: Option<AssetTier>,
        effect: f64,
        low: f64,
        high: f64,
        confidence: f64,
        treated: u64,
        control: u64,
        horizon_days: u32,
        source: impl Into<String>,
    ) -> Result<Self> {
        let m = MeasuredEffect {
            tier,
            effect,
            low,
            high,
            confidence,
            treated,
            control,
            horizon_days,
            source: source.into(),
        };
        m.validate()?;
        Ok(m)
    }

    /// See [`MeasuredEffect::new`].
    pub fn validate(&self) -> Result<()> {
        check::finite("effect", self.effect)?;
        check::finite("low", self.low)?;
        check::in_range("high", self.high, f64::MIN, 1.0)?;
        if !(self.low <= self.effect && self.effect <= self.high) {
            return Err(Error::invalid(
                "effect",
                self.effect,
                format!("must lie in its interval [{}, {}]", self.low, self.high),
            ));
        }
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(Error::invalid(
                "confidence",
                self.confidence,
                "must lie in (0, 1)",
            ));
        }
        if self.treated == 0 || self.control == 0 {
            return Err(Error::invalid(
                "treated/control",
                format!("{}/{}", self.treated, self.control),
                "a measurement needs clients in both arms",
            ));
        }
        Ok(())
    }
}

/// Where the effect used for an action and tier comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum EffectBasis<'a> {
    /// The catalogue's planning assumption.
    Assumed,
    /// A campaign measurement (for the tier, or for all tiers).
    Measured(&'a MeasuredEffect),
}

impl RetentionAction {
    /// The effect ranking uses for clients of `tier`, and its basis: the measurement for
    /// that tier, else the measurement over all tiers, else the assumed
    /// [`RetentionAction::effect`]. A measured effect is clamped to `[0, 1]` for ranking (an
    /// action measured to harm is worth nothing).
    ///
    /// ```
    /// use wealthscore::retention::{ActionCatalogue, ActionKind, EffectBasis};
    /// use wealthscore::segment::AssetTier;
    /// let c = ActionCatalogue::default();
    /// let a = c.get(ActionKind::RegularContact).unwrap();
    /// assert_eq!(a.effect_for(AssetTier::Mass), (0.25, EffectBasis::Assumed));
    /// ```
    pub fn effect_for(&self, tier: AssetTier) -> (f64, EffectBasis<'_>) {
        let m = self
            .measured
            .iter()
            .find(|m| m.tier == Some(tier))
            .or_else(|| self.measured.iter().find(|m| m.tier.is_none()));
        match m {
            Some(m) => (m.effect.clamp(0.0, 1.0), EffectBasis::Measured(m)),
            None => (self.effect, EffectBasis::Assumed),
        }
    }
}

impl RetentionAction {
    /// An action of `kind` for every cause and every tier; narrow it with
    /// [`RetentionAction::with_addresses`] and [`RetentionAction::with_tiers`].
    ///
    /// ```
    /// use wealthscore::retention::{ActionKind, RetentionAction};
    /// use wealthscore::ChurnCause;
    /// let a = RetentionAction::new(ActionKind::ServiceRemediation, "Call back within a day", 150.0, 0.35)
    ///     .with_addresses(vec![ChurnCause::Service]);
    /// assert_eq!(a.addresses, [ChurnCause::Service]);
    /// ```
    pub fn new(kind: ActionKind, description: impl Into<String>, cost: f64, effect: f64) -> Self {
        RetentionAction {
            kind,
            description: description.into(),
            addresses: Vec::new(),
            tiers: Vec::new(),
            cost,
            effect,
            measured: Vec::new(),
        }
    }
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl RetentionAction {
    setters! {
        with_addresses => addresses: Vec<ChurnCause>,
        with_tiers => tiers: Vec<AssetTier>,
    }
}

/// An action's causes and tiers as bit sets, so ranking tests membership in one step.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ActionMask {
    /// Bit `c` set when the action addresses cause `c`; all bits when it addresses every cause.
    causes: u32,
    /// Bit `t` set when the action is offered to tier `t`.
    tiers: u32,
    /// Effect used for each asset tier (see [`RetentionAction::effect_for`]).
    effects: [f64; 3],
}

impl ActionMask {
    fn of(a: &RetentionAction) -> Self {
        let causes = if a.addresses.is_empty() {
            u32::MAX
        } else {
            a.addresses.iter().fold(0, |m, &c| m | 1 << c as u32)
        };
        let tiers = if a.tiers.is_empty() {
            u32::MAX
        } else {
            a.tiers.iter().fold(0, |m, &t| m | 1 << t as u32)
        };
        let effects = [
            AssetTier::Mass,
            AssetTier::MidNetWorth,
            AssetTier::HighNetWorth,
        ]
        .map(|t| a.effect_for(t).0);
        ActionMask {
            causes,
            tiers,
            effects,
        }
    }

    /// [`ActionMask::fit`] from the client's positive reasons gathered once, the same
    /// additions in the same order (the same bits), without re-testing every reason's
    /// sign for every action.
    fn fit_positive(self, pos: &Positives, reasons: &[(ChurnCause, f64)]) -> f64 {
        if self.causes == u32::MAX {
            return 1.0;
        }
        let Some(n) = pos.n else {
            return self.fit(reasons);
        };
        let mut hit = 0.0;
        for (&c, &v) in pos.causes.iter().zip(&pos.values).take(n) {
            // A bit mask instead of a branch the data decides (mispredicted half the
            // time); adding +0.0 to a sum of positives leaves its bits as they are.
            let take = u64::from(self.causes & c != 0).wrapping_neg();
            hit += f64::from_bits(v.to_bits() & take);
        }
        if pos.total > 0.0 {
            hit / pos.total
        } else {
            1.0
        }
    }

    /// Share of positive reason contributions whose cause the action addresses.
    fn fit(self, reasons: &[(ChurnCause, f64)]) -> f64 {
        if self.causes == u32::MAX {
            return 1.0;
        }
        let (mut hit, mut total) = (0.0, 0.0);
        for &(cause, v) in reasons {
            if v > 0.0 {
                total += v;
                if self.causes & (1 << cause as u32) != 0 {
                    hit += v;
                }
            }
        }
        if total > 0.0 { hit / total } else { 1.0 }
    }
}

/// A client's positive reason contributions, in order, with their total.
struct Positives {
    /// Cause bits and values of the first `n`; `n` is `None` when there are more
    /// positive reasons than fit (then each action reads the reasons itself).
    causes: [u32; MAX_POSITIVE],
    values: [f64; MAX_POSITIVE],
    n: Option<usize>,
    total: f64,
}

const MAX_POSITIVE: usize = 16;

impl Positives {
    fn of(reasons: &[(ChurnCause, f64)]) -> Self {
        let mut p = Positives {
            causes: [0; MAX_POSITIVE],
            values: [0.0; MAX_POSITIVE],
            n: Some(0),
            total: 0.0,
        };
        let mut n = 0;
        if reasons.len() <= MAX_POSITIVE {
            // Without data-dependent branches: every reason is written, and only a
            // positive one advances `n` (adding +0.0 to the total leaves its bits).
            for &(cause, v) in reasons {
                let pos = v > 0.0;
                if let (Some(c), Some(x)) = (p.causes.get_mut(n), p.values.get_mut(n)) {
                    *c = 1 << cause as u32;
                    *x = v;
                }
                p.total += f64::from_bits(v.to_bits() & u64::from(pos).wrapping_neg());
                n += usize::from(pos);
            }
            p.n = Some(n);
            return p;
        }
        for &(cause, v) in reasons {
            if v > 0.0 {
                p.total += v;
                match (p.causes.get_mut(n), p.values.get_mut(n)) {
                    (Some(c), Some(x)) => {
                        *c = 1 << cause as u32;
                        *x = v;
                        n += 1;
                    }
                    _ => p.n = None,
                }
            }
        }
        if p.n.is_some() {
            p.n = Some(n);
        }
        p
    }
}

/// The catalogue of actions a firm offers. Replace it with your own; `validate` runs on
/// construction through [`ActionCatalogue::new`] and on deserialisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionCatalogue {
    actions: Vec<RetentionAction>,
    #[serde(skip)]
    masks: Vec<ActionMask>,
}

impl<'de> Deserialize<'de> for ActionCatalogue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            actions: Vec<RetentionAction>,
        }
        let raw = Raw::deserialize(crate::json::StrictDe(d))?;
        ActionCatalogue::new(raw.actions)
            .map_err(crate::json::stash)
            .map_err(serde::de::Error::custom)
    }
}

impl Default for ActionCatalogue {
    /// The domain's eight actions. Costs are in the portfolio's currency per client and
    /// effects are planning assumptions of a retention team (relative cuts in churn
    /// probability), to be replaced by the firm's own measured figures.
    fn default() -> Self {
        use ActionKind::*;
        use ChurnCause::*;
        let a = |kind, description: &str, addresses: Vec<ChurnCause>, tiers, cost, effect| {
            RetentionAction {
                kind,
                description: description.to_string(),
                addresses,
                tiers,
                cost,
                effect,
                measured: Vec::new(),
            }
        };
        let actions = vec![
            a(
                PersonalisedPlan,
                "build a personalised plan with the client around their goals",
                vec![],
                vec![AssetTier::MidNetWorth, AssetTier::HighNetWorth],
                400.0,
                0.15,
            ),
            a(
                ServiceRemediation,
                "resolve open complaints and fix the service failure within a week",
                vec![Service, Trust],
                vec![],
                150.0,
                0.35,
            ),
            a(
                ProductFitReview,
                "review product fit and performance against the client's risk profile",
                vec![Product, Performance, Market],
                vec![],
                120.0,
                0.25,
            ),
            a(
                RegularContact,
                "schedule regular advisor contact and care calls",
                vec![Relationship],
                vec![],
                60.0,
                0.25,
            ),
            a(
                OffersAndPoints,
                "offer a fee waiver, a better rate or loyalty points",
                vec![Fees, Competitor],
                vec![],
                200.0,
                0.20,
            ),
            a(
                CrossSelling,
                "propose products the client does not hold yet",
                vec![Product],
                vec![],
                80.0,
                0.10,
            ),
            a(
                WinBackVisit,
                "visit the client to understand and stop the transfers out",
                vec![Competitor, LifeEvent, Trust],
                vec![AssetTier::MidNetWorth, AssetTier::HighNetWorth],
                500.0,
                0.30,
            ),
            a(
                DedicatedAdvisor,
                "assign a dedicated relationship manager",
                vec![Relationship, Service],
                vec![AssetTier::MidNetWorth, AssetTier::HighNetWorth],
                1_500.0,
                0.30,
            ),
        ];
        ActionCatalogue::from_checked(actions)
    }
}

/// What ranking needs to know about one client. Build it with [`ClientRisk::new`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ClientRisk<'a> {
    /// The caller's identifier of the client; a [`BudgetPlan`] names clients by it, so a
    /// plan stays right whatever records were filtered out before the call.
    pub id: &'a str,
    /// Churn probability in `[0, 1]`.
    pub probability: f64,
    /// Client lifetime value (≥ 0).
    pub clv: f64,
    /// Assets under management (≥ 0).
    pub aum: f64,
    /// Reasons behind the risk: cause and its (positive = risk-raising) contribution.
    pub reasons: &'a [(ChurnCause, f64)],
    /// Asset tier.
    pub tier: AssetTier,
    /// Whether the client already has a dedicated advisor (that action is then skipped).
    pub dedicated_advisor: bool,
}

impl<'a> ClientRisk<'a> {
    /// A client identified by `id` (the caller's key, e.g. [`crate::ClientRecord::id`]),
    /// without a dedicated advisor; see [`ClientRisk::with_dedicated_advisor`].
    ///
    /// ```
    /// use wealthscore::retention::ClientRisk;
    /// use wealthscore::segment::AssetTier;
    /// let c = ClientRisk::new("C001", 0.3, 1e4, 2e5, &[], AssetTier::Mass).with_dedicated_advisor(true);
    /// assert_eq!(c.id, "C001");
    /// ```
    pub fn new(
        id: &'a str,
        probability: f64,
        clv: f64,
        aum: f64,
        reasons: &'a [(ChurnCause, f64)],
        tier: AssetTier,
    ) -> Self {
        ClientRisk {
            id,
            probability,
            clv,
            aum,
            reasons,
            tier,
            dedicated_advisor: false,
        }
    }

    /// The same client, with or without a dedicated advisor.
    pub fn with_dedicated_advisor(mut self, dedicated_advisor: bool) -> Self {
        self.dedicated_advisor = dedicated_advisor;
        self
    }

    /// [`rankable`], naming what breaks it.
    fn validate(&self) -> Result<()> {
        let reasons_finite = self.reasons.iter().all(|(_, v)| v.is_finite());
        if rankable(self.probability, self.clv, self.aum, reasons_finite) {
            return Ok(());
        }
        check::probability("probability", self.probability)?;
        check::non_negative("clv", self.clv)?;
        check::non_negative("aum", self.aum)?;
        for (i, (_, v)) in self.reasons.iter().enumerate() {
            check::finite_lazy(*v, || format!("reasons[{i}]"))?;
        }
        Err(Error::invalid(
            "client",
            self.id,
            "cannot be ranked (probability, clv, aum or reasons out of range)",
        ))
    }
}

/// The rule a client must meet to be ranked, in one place: the row path's
/// [`ClientRisk::validate`] names what breaks it, and the column path
/// ([`ActionCatalogue::best_columns`]' caller) sends a client that breaks it to the row
/// path.
pub(crate) fn rankable(probability: f64, clv: f64, aum: f64, reasons_finite: bool) -> bool {
    (0.0..=1.0).contains(&probability)
        && clv.is_finite()
        && clv >= 0.0
        && aum.is_finite()
        && aum >= 0.0
        && reasons_finite
}

/// Clients of a block for [`ActionCatalogue::best_columns`], client `r` at index `r` of
/// each slice.
#[derive(Clone, Copy)]
pub(crate) struct ClientColumns<'a> {
    pub(crate) probability: &'a [f64],
    pub(crate) clv: &'a [f64],
    pub(crate) tier: &'a [AssetTier],
    pub(crate) dedicated_advisor: &'a [bool],
    /// Cause `c`'s total of client `r` at `c as usize * m + r`, for `m` clients.
    pub(crate) causes: &'a [f64],
}

/// Working buffers of [`ActionCatalogue::best_columns`], reused block after block.
#[derive(Default)]
pub(crate) struct BestScratch {
    total: Vec<f64>,
    fit: Vec<f64>,
    best: Vec<f64>,
    which: Vec<f64>,
    /// Each client's tier as 0, 1 or 2.
    tier: Vec<f64>,
    /// All ones where the client has a dedicated advisor.
    advisor: Vec<u64>,
}

/// One recommended action with its expected value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RankedAction {
    /// Which action.
    pub kind: ActionKind,
    /// Expected value saved, net of cost.
    pub value_saved: f64,
    /// Expected cut in churn probability (absolute).
    pub probability_cut: f64,
    /// Cost of the action.
    pub cost: f64,
}

impl ActionCatalogue {
    /// Builds a catalogue after checking it: 1 to [`MAX_ACTIONS`] actions, finite
    /// non-negative costs, effects in `[0, 1]`, no action kind twice.
    ///
    /// ```
    /// use wealthscore::retention::ActionCatalogue;
    /// let mut actions = ActionCatalogue::default().actions().to_vec();
    /// actions[0].effect = 1.5;
    /// assert!(ActionCatalogue::new(actions).is_err());
    /// ```
    pub fn new(actions: Vec<RetentionAction>) -> Result<Self> {
        check::non_empty("actions", &actions)?;
        if actions.len() > MAX_ACTIONS {
            return Err(Error::config(
                "actions",
                format!(
                    "{} actions exceed the limit of {MAX_ACTIONS}",
                    actions.len()
                ),
            ));
        }
        for (i, a) in actions.iter().enumerate() {
            check::non_negative(&format!("actions[{i}].cost"), a.cost)?;
            check::probability(&format!("actions[{i}].effect"), a.effect)?;
            for (j, m) in a.measured.iter().enumerate() {
                m.validate()
                    .map_err(|e| e.within(|f| format!("actions[{i}].measured[{j}].{f}")))?;
                if a.measured[..j].iter().any(|o| o.tier == m.tier) {
                    return Err(Error::config(
                        format!("actions[{i}].measured[{j}].tier"),
                        format!("{:?} is measured twice", m.tier),
                    ));
                }
            }
            if actions[..i].iter().any(|b| b.kind == a.kind) {
                return Err(Error::config(
                    format!("actions[{i}].kind"),
                    format!("{:?} appears twice", a.kind),
                ));
            }
        }
        Ok(ActionCatalogue::from_checked(actions))
    }

    fn from_checked(actions: Vec<RetentionAction>) -> Self {
        let masks = actions.iter().map(ActionMask::of).collect();
        ActionCatalogue { actions, masks }
    }

    /// The actions.
    pub fn actions(&self) -> &[RetentionAction] {
        &self.actions
    }

    /// The action of a given kind, if the catalogue has it.
    pub fn get(&self, kind: ActionKind) -> Option<&RetentionAction> {
        self.actions.iter().find(|a| a.kind == kind)
    }

    /// The same catalogue with `kind`'s measured effects replaced by `measured`, so that
    /// ranking uses what a campaign learnt (checked as in [`ActionCatalogue::new`]).
    ///
    /// ```
    /// use wealthscore::retention::{ActionCatalogue, ActionKind, MeasuredEffect};
    /// let m = MeasuredEffect::new(None, 0.10, 0.02, 0.18, 0.95, 800, 800, 180, "2026 spring")?;
    /// let c = ActionCatalogue::default().with_measured(ActionKind::RegularContact, vec![m])?;
    /// assert!(c.describe().contains("regular_contact: effect 0.10 measured"));
    /// assert!(c.describe().contains("cross_selling: effect 0.10 assumed"));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn with_measured(self, kind: ActionKind, measured: Vec<MeasuredEffect>) -> Result<Self> {
        let mut actions = self.actions;
        let Some(a) = actions.iter_mut().find(|a| a.kind == kind) else {
            return Err(Error::invalid(
                "kind",
                format!("{kind:?}"),
                "the catalogue has no such action",
            ));
        };
        a.measured = measured;
        ActionCatalogue::new(actions)
    }

    /// One line per action and measured tier: cost, the effect ranking uses and whether
    /// it is measured (with its interval, clients and source) or assumed.
    pub fn describe(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        for a in &self.actions {
            let name = serde_json::to_value(a.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            match a.measured.iter().find(|m| m.tier.is_none()) {
                Some(m) => {
                    let _ = writeln!(
                        s,
                        "{name}: effect {:.2} measured ({:.0} % interval {:.2} to {:.2}, {} treated vs {} control, {} days, {}), ranking uses {:.2}, cost {}",
                        m.effect,
                        m.confidence * 100.0,
                        m.low,
                        m.high,
                        m.treated,
                        m.control,
                        m.horizon_days,
                        m.source,
                        m.effect.clamp(0.0, 1.0),
                        a.cost
                    );
                }
                None => {
                    let _ = writeln!(s, "{name}: effect {:.2} assumed, cost {}", a.effect, a.cost);
                }
            }
            for m in &a.measured {
                if let Some(tier) = m.tier {
                    let _ = writeln!(
                        s,
                        "  {tier:?}: effect {:.2} measured ({:.2} to {:.2}, {} treated vs {} control), ranking uses {:.2}",
                        m.effect,
                        m.low,
                        m.high,
                        m.treated,
                        m.control,
                        m.effect.clamp(0.0, 1.0)
                    );
                }
            }
        }
        s
    }

    /// The best [`TOP_ACTIONS`] actions for a client with positive expected value saved,
    /// best first; allocates nothing.
    ///
    /// ```
    /// use wealthscore::retention::{ActionCatalogue, ClientRisk};
    /// use wealthscore::segment::AssetTier;
    /// // A client at no risk: no action is worth its cost.
    /// let c = ClientRisk::new("C001", 0.0, 1e4, 1e5, &[], AssetTier::Mass);
    /// assert!(ActionCatalogue::default().rank(&c)?.iter().all(Option::is_none));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn rank(&self, client: &ClientRisk<'_>) -> Result<[Option<RankedAction>; TOP_ACTIONS]> {
        let mut top: [Option<RankedAction>; TOP_ACTIONS] = [None; TOP_ACTIONS];
        self.each_worth_it(client, |candidate| insert_top(&mut top, candidate))?;
        Ok(top)
    }

    /// The first of [`ActionCatalogue::rank`], without ranking the others.
    pub(crate) fn best(&self, client: &ClientRisk<'_>) -> Result<Option<RankedAction>> {
        let mut best: Option<RankedAction> = None;
        // Strictly greater, as `insert_top` orders ties: the first one stays first.
        self.each_worth_it(client, |c| {
            if best.is_none_or(|b| c.value_saved > b.value_saved) {
                best = Some(c);
            }
        })?;
        Ok(best)
    }

    /// [`ActionCatalogue::best`] for every client of a block, an action at a time over
    /// the clients so that the arithmetic vectorises: each client's additions run in the
    /// same order as `best`'s, so the bits are the same. The caller has checked each
    /// client as [`ClientRisk::validate`] does; each client's reasons are the cause totals
    /// of [`ChurnCause::ALL`], in that order.
    pub(crate) fn best_columns(
        &self,
        clients: &ClientColumns<'_>,
        sc: &mut BestScratch,
        out: &mut [Option<ActionKind>],
    ) {
        let m = out.len();
        let ClientColumns {
            probability,
            clv,
            tier,
            dedicated_advisor,
            causes,
        } = *clients;
        let (probability, clv, tier) = (&probability[..m], &clv[..m], &tier[..m]);
        let dedicated_advisor = &dedicated_advisor[..m];
        let cause = |c: ChurnCause| causes.get(c as usize * m..(c as usize + 1) * m);
        // Adding +0.0 for a reason that is not positive leaves a sum of positives (never
        // -0.0) as it is: the same bits as `Positives::of`, which skips it.
        let positive = |v: f64| if v > 0.0 { v } else { 0.0 };
        let fit_size = |v: &mut Vec<f64>, x: f64| {
            v.clear();
            v.resize(m, x);
        };
        sc.tier.clear();
        sc.tier.extend(tier.iter().map(|&t| t as u8 as f64));
        sc.advisor.clear();
        sc.advisor.extend(
            dedicated_advisor
                .iter()
                .map(|&a| u64::from(a).wrapping_neg()),
        );
        fit_size(&mut sc.total, 0.0);
        for vs in ChurnCause::ALL.into_iter().filter_map(cause) {
            for (t, &v) in sc.total.iter_mut().zip(vs) {
                *t += positive(v);
            }
        }
        // 0 where no action is worth its cost yet: a worthwhile one beats it.
        fit_size(&mut sc.best, 0.0);
        // The best action's catalogue index, as an f64 so that it is selected in the
        // same vector lanes as its value (-1 for none).
        fit_size(&mut sc.which, -1.0);
        for (k, (a, mask)) in self.actions.iter().zip(&self.masks).enumerate() {
            if mask.causes == u32::MAX {
                fit_size(&mut sc.fit, 1.0);
            } else {
                fit_size(&mut sc.fit, 0.0);
                let addressed = ChurnCause::ALL
                    .into_iter()
                    .filter(|&c| mask.causes & (1 << c as u32) != 0);
                for vs in addressed.filter_map(cause) {
                    for (h, &v) in sc.fit.iter_mut().zip(vs) {
                        *h += positive(v);
                    }
                }
                for (h, &t) in sc.fit.iter_mut().zip(&sc.total) {
                    // Divided everywhere and selected, so that it vectorises.
                    let q = *h / t;
                    *h = if t > 0.0 { q } else { 1.0 };
                }
            }
            // Per tier, the effect and whether the action is offered (all ones); the
            // tiers are 0, 1, 2 as f64, selected by compares that vectorise, where an
            // index into the effects would gather.
            let all = |b: bool| u64::from(b).wrapping_neg();
            let [e0, e1, e2] = mask.effects.map(f64::to_bits);
            let [o0, o1, o2] = [0, 1, 2].map(|t| all(mask.tiers & (1 << t) != 0));
            let advisor = all(a.kind == ActionKind::DedicatedAdvisor);
            let k = k as f64;
            let rows = sc.best.iter_mut().zip(sc.which.iter_mut()).zip(&sc.fit);
            let per_client = sc
                .tier
                .iter()
                .zip(&sc.advisor)
                .zip(probability.iter().zip(clv));
            for (((best, which), &fit), ((&t, &has_advisor), (&p, &clv))) in rows.zip(per_client) {
                let (m0, m1) = (all(t == 0.0), all(t == 1.0));
                let m2 = !(m0 | m1);
                let effect = f64::from_bits((e0 & m0) | (e1 & m1) | (e2 & m2));
                let offered = ((o0 & m0) | (o1 & m1) | (o2 & m2)) & !(advisor & has_advisor);
                let value = p * effect * fit * clv - a.cost;
                // Strictly greater, as `best` orders ties: the first one stays first.
                // All ones where it leads: bit masks vectorise where an `if` branches.
                let lead = offered & all(value > *best);
                *best = f64::from_bits((value.to_bits() & lead) | (best.to_bits() & !lead));
                *which = f64::from_bits((k.to_bits() & lead) | (which.to_bits() & !lead));
            }
        }
        for (o, &k) in out.iter_mut().zip(&sc.which) {
            // A catalogue index, exactly, or -1 (which `get` turns into none).
            *o = self
                .actions
                .get(k as usize)
                .filter(|_| k >= 0.0)
                .map(|a| a.kind);
        }
    }

    /// Every action offered to the client whose expected value saved exceeds its cost,
    /// in catalogue order.
    fn each_worth_it(
        &self,
        client: &ClientRisk<'_>,
        mut take: impl FnMut(RankedAction),
    ) -> Result<()> {
        client.validate()?;
        let positives = Positives::of(client.reasons);
        for (a, mask) in self.actions.iter().zip(&self.masks) {
            if mask.tiers & (1 << client.tier as u32) == 0
                || (a.kind == ActionKind::DedicatedAdvisor && client.dedicated_advisor)
            {
                continue;
            }
            let cut = client.probability
                * mask.effects[client.tier as usize]
                * mask.fit_positive(&positives, client.reasons);
            let value = cut * client.clv - a.cost;
            if value <= 0.0 {
                continue;
            }
            take(RankedAction {
                kind: a.kind,
                value_saved: value,
                probability_cut: cut,
                cost: a.cost,
            });
        }
        Ok(())
    }

    /// Allocates a budget across clients, at most one action per client, for the most
    /// expected value saved.
    ///
    /// Each client's candidate is its best action by value saved per unit cost; candidates
    /// are taken greedily by that ratio while the budget lasts (the classic greedy for the
    /// knapsack problem: within one action's value of the optimum). Clients whose record
    /// is invalid are reported in [`BudgetPlan::rejected`], never dropped silently. Both
    /// name clients by [`ClientRisk::id`], never by position in `clients`.
    ///
    /// ```
    /// use wealthscore::retention::{ActionCatalogue, ClientRisk};
    /// use wealthscore::segment::AssetTier;
    /// use wealthscore::ChurnCause;
    /// let r = [(ChurnCause::Relationship, 1.0)];
    /// let c = |id| ClientRisk::new(id, 0.5, 10_000.0, 200_000.0, &r, AssetTier::Mass);
    /// let plan = ActionCatalogue::default().allocate_budget(&[c("A"), c("B"), c("C")], 130.0)?;
    /// assert_eq!(plan.chosen.len(), 2); // regular contact costs 60
    /// assert_eq!(plan.chosen[0].client, "A");
    /// assert!(plan.spent <= 130.0);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn allocate_budget(&self, clients: &[ClientRisk<'_>], budget: f64) -> Result<BudgetPlan> {
        check::non_negative("budget", budget)?;
        let mut rejected = Vec::new();
        let mut candidates = Vec::new();
        for (i, c) in clients.iter().enumerate() {
            match self.best_by_ratio(c) {
                Ok(Some(a)) => candidates.push((i, c, a)),
                Ok(None) => {}
                Err(e) => rejected.push((c.id.to_string(), e)),
            }
        }
        let ratio = |a: &RankedAction| {
            if a.cost > 0.0 {
                a.value_saved / a.cost
            } else {
                f64::INFINITY
            }
        };
        candidates.sort_by(|x, y| ratio(&y.2).total_cmp(&ratio(&x.2)).then(x.0.cmp(&y.0)));
        let mut plan = BudgetPlan {
            budget,
            ..BudgetPlan::default()
        };
        for (_, c, a) in candidates {
            if plan.spent + a.cost > budget {
                continue;
            }
            plan.spent += a.cost;
            plan.value_saved += a.value_saved;
            plan.retained_aum += a.probability_cut * c.aum;
            plan.chosen.push(Assignment {
                client: c.id.to_string(),
                action: a,
            });
        }
        plan.rejected = rejected;
        Ok(plan)
    }

    fn best_by_ratio(&self, c: &ClientRisk<'_>) -> Result<Option<RankedAction>> {
        let top = self.rank(c)?;
        let ratio = |a: &RankedAction| {
            if a.cost > 0.0 {
                a.value_saved / a.cost
            } else {
                f64::INFINITY
            }
        };
        Ok(top
            .into_iter()
            .flatten()
            .max_by(|a, b| ratio(a).total_cmp(&ratio(b))))
    }
}

/// The product a cross-selling action should offer and the rule that explains it: when
/// [`ActionKind::CrossSelling`] is among the `ranked` actions, the best product the client
/// does not hold by [`NextBestProduct::best_for_holdings`] (highest confidence, then lift);
/// `None` when cross-selling is not ranked or no rule fires. Allocates nothing.
///
/// ```
/// use wealthscore::assoc::*;
/// use wealthscore::retention::{ActionCatalogue, ActionKind, ClientRisk, cross_sell_offer};
/// use wealthscore::{ChurnCause, ClientRecord, segment::AssetTier};
///
/// let b = Baskets::from_lists(&[vec!["deposits", "funds", "fixed_income"],
///                               vec!["deposits", "funds", "fixed_income"], vec!["deposits"]])?;
/// let f = fpgrowth(&b, &MiningParams::new(MinSupport::Count(2)))?;
/// let next = NextBestProduct::new(&association_rules(&f, &RuleParams::new(Metric::Lift, 1.0))?)?;
///
/// let reasons = [(ChurnCause::Product, 1.0)];
/// let risk = ClientRisk::new("C001", 0.5, 5_000.0, 100_000.0, &reasons, AssetTier::Mass);
/// let ranked = ActionCatalogue::default().rank(&risk)?;
/// assert!(ranked.iter().flatten().any(|a| a.kind == ActionKind::CrossSelling));
/// let client = ClientRecord::example(); // holds deposits and funds, no fixed income
/// let offer = cross_sell_offer(&ranked, &next, &client.holdings).unwrap();
/// assert_eq!(next.product(&offer), "fixed_income");
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn cross_sell_offer(
    ranked: &[Option<RankedAction>],
    next: &NextBestProduct,
    holdings: &Holdings,
) -> Option<Recommendation> {
    ranked
        .iter()
        .flatten()
        .any(|a| a.kind == ActionKind::CrossSelling)
        .then(|| next.best_for_holdings(holdings))
        .flatten()
}

fn insert_top(top: &mut [Option<RankedAction>; TOP_ACTIONS], c: RankedAction) {
    let mut item = Some(c);
    for slot in top.iter_mut() {
        match (*slot, item) {
            (None, _) => {
                *slot = item;
                return;
            }
            (Some(s), Some(x)) if x.value_saved > s.value_saved => {
                *slot = Some(x);
                item = Some(s);
            }
            _ => {}
        }
    }
}

/// One client's assigned action in a [`BudgetPlan`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Assignment {
    /// The client's [`ClientRisk::id`].
    pub client: String,
    /// The action and its expected value.
    pub action: RankedAction,
}

/// The result of [`ActionCatalogue::allocate_budget`].
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct BudgetPlan {
    /// The budget given.
    pub budget: f64,
    /// Sum of the chosen actions' costs (≤ budget).
    pub spent: f64,
    /// Expected value saved, net of cost.
    pub value_saved: f64,
    /// Expected AUM kept: Σ probability cut × AUM over chosen clients.
    pub retained_aum: f64,
    /// Chosen clients and actions, best value per cost first.
    pub chosen: Vec<Assignment>,
    /// Clients whose input was invalid, by [`ClientRisk::id`], with the error.
    pub rejected: Vec<(String, Error)>,
}

human_labels!(ActionKind {
    PersonalisedPlan => "personalised plan",
    ServiceRemediation => "service remediation",
    ProductFitReview => "product fit review",
    RegularContact => "regular contact",
    OffersAndPoints => "offers and points",
    CrossSelling => "cross-selling",
    WinBackVisit => "win-back visit",
    DedicatedAdvisor => "dedicated advisor",
});

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::{RngExt, SeedableRng};

    /// The column-at-a-time best action is `best`'s for every client, on catalogues
    /// with random causes, tiers and costs and on clients with ties, zero, negative
    /// and -0.0 reasons, at the edges of probability and value.
    #[test]
    fn best_columns_is_best_for_every_client() {
        let mut rng = SmallRng::seed_from_u64(11);
        let tiers = [
            AssetTier::Mass,
            AssetTier::MidNetWorth,
            AssetTier::HighNetWorth,
        ];
        for round in 0..20 {
            let mut actions = ActionCatalogue::default().actions;
            for a in &mut actions {
                a.addresses = ChurnCause::ALL
                    .into_iter()
                    .filter(|_| rng.random::<f64>() < 0.3)
                    .collect();
                a.tiers = tiers
                    .into_iter()
                    .filter(|_| rng.random::<f64>() < 0.6)
                    .collect();
                a.cost = rng.random::<f64>() * 500.0;
                if round % 4 == 0 {
                    // Every action to every cause at one cost and effect: values tie,
                    // and at no cost a client of no value ties with no action.
                    a.addresses.clear();
                    a.cost = if round % 8 == 0 { 0.0 } else { 50.0 };
                    a.effect = 0.2;
                    a.measured.clear();
                }
            }
            let catalogue = ActionCatalogue::new(actions).expect("a valid catalogue");
            let m = 257;
            let mut causes = vec![0.0; ChurnCause::ALL.len() * m];
            for v in &mut causes {
                *v = match rng.random_range(0..6) {
                    0 => 0.0,
                    1 => -0.0,
                    2 => -rng.random::<f64>(),
                    _ => rng.random::<f64>() * 2.0,
                };
            }
            let probability: Vec<f64> = (0..m)
                .map(|r| match r % 50 {
                    0 => 0.0,
                    1 => 1.0,
                    _ => rng.random(),
                })
                .collect();
            let clv: Vec<f64> = (0..m)
                .map(|r| {
                    if r % 37 == 0 {
                        0.0
                    } else {
                        rng.random::<f64>() * 1e5
                    }
                })
                .collect();
            let tier: Vec<AssetTier> = (0..m).map(|_| tiers[rng.random_range(0..3)]).collect();
            let advisor: Vec<bool> = (0..m).map(|_| rng.random()).collect();
            let clients = ClientColumns {
                probability: &probability,
                clv: &clv,
                tier: &tier,
                dedicated_advisor: &advisor,
                causes: &causes,
            };
            let mut out = vec![None; m];
            catalogue.best_columns(&clients, &mut BestScratch::default(), &mut out);
            let mut some = 0;
            for r in 0..m {
                let reasons = ChurnCause::ALL.map(|c| (c, causes[c as usize * m + r]));
                let client = ClientRisk::new("", probability[r], clv[r], 0.0, &reasons, tier[r])
                    .with_dedicated_advisor(advisor[r]);
                let best = catalogue.best(&client).expect("a valid client");
                assert_eq!(out[r], best.map(|a| a.kind), "round {round}, client {r}");
                some += usize::from(best.is_some());
            }
            assert!(some > m / 4, "round {round}: {some} clients with an action");
        }
    }

    /// The gathered-positives fit is the per-reason fit to the bit, within and beyond
    /// the gathered capacity, with zero, negative and NaN contributions mixed in.
    #[test]
    fn fit_from_positives_is_the_fit_bitwise() {
        let catalogue = ActionCatalogue::default();
        let mut rng = SmallRng::seed_from_u64(7);
        let mut next = || rng.random::<f64>();
        for len in [
            0,
            1,
            5,
            ChurnCause::ALL.len(),
            MAX_POSITIVE,
            MAX_POSITIVE + 3,
            40,
        ] {
            let reasons: Vec<(ChurnCause, f64)> = (0..len)
                .map(|k| {
                    let cause = ChurnCause::ALL[k % ChurnCause::ALL.len()];
                    let v = match k % 7 {
                        0 => -next(),
                        1 => 0.0,
                        2 => -0.0,
                        3 if len == 40 => f64::NAN,
                        _ => next() * 3.0,
                    };
                    (cause, v)
                })
                .collect();
            let pos = Positives::of(&reasons);
            for mask in &catalogue.masks {
                assert_eq!(
                    mask.fit_positive(&pos, &reasons).to_bits(),
                    mask.fit(&reasons).to_bits(),
                    "{len} reasons"
                );
            }
        }
    }
}
