//! The composed pipeline: one call from a client record to an explained, actionable
//! [`Assessment`], and batch scoring that never drops good records.
//!
//! A [`Scorer`] is built once from a [`ScorerConfig`] — tiering policy, satisfaction
//! index, fitted churn model, risk cut-offs, warning scorecard, action catalogue and value
//! assumptions, all plain serde data validated on construction — and then scores clients.
//! [`Scorer::assess`] allocates nothing on success: every part of an [`Assessment`] is a
//! fixed-size value.
//!
//! ```
//! use wealthscore::scorer::{Scorer, ScorerConfig};
//! use wealthscore::churn::{ChurnModel, Fit, logistic::{LogisticModel, LogisticParams}};
//! use wealthscore::synth::{generate, PortfolioConfig};
//!
//! let book = generate(&PortfolioConfig::default().with_clients(4_000).with_seed(5))?;
//! let model = LogisticModel::fit_records(&LogisticParams::default(), &book.clients)?;
//! let scorer = Scorer::new(ScorerConfig::with_model(ChurnModel::Logistic(model)))?;
//!
//! let a = scorer.assess(&wealthscore::ClientRecord::example())?;
//! assert!(a.churn_probability > 0.0 && a.churn_probability < 1.0);
//! assert!((a.expected_value_lost - a.clv * a.churn_probability).abs() < 1e-9);
//! println!("{}", scorer.describe(&a));
//! # Ok::<(), wealthscore::Error>(())
//! ```

use crate::assoc::{NextBestProduct, Recommendation};
use crate::churn::ChurnModel;
use crate::churn::features::{self, N_FEATURES};
use crate::churn::reasons::{N_SIGNALS, SIGNALS};
use crate::churn::risk::{RiskCutoffs, RiskLevel};
use crate::churn::scorecard::Scorecard;
use crate::client::{ChurnCause, ClientRecord};
use crate::error::{Error, Result, check};
use crate::fuzzy::{Basis, Dimension, SatisfactionConfig, SatisfactionIndex};
use crate::metrics::retention_clv;
use crate::retention::{ActionCatalogue, ClientRisk, RankedAction, TOP_ACTIONS, cross_sell_offer};
use crate::schema::{N_CAUSES, SourceIndex};
use crate::segment::{AssetTier, Tiering, TieringPolicy};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::sync::Arc;

/// Number of reason codes in an [`Assessment`].
pub const TOP_REASONS: usize = 3;
/// Most warning signals a scorer evaluates (they are reported as a 64-bit set).
pub const MAX_WARNING_SIGNALS: usize = 64;
/// Number of satisfaction grades the scorer reports (the default five-grade set).
pub const GRADES: usize = crate::fuzzy::GRADES;

/// How client value is estimated: the retention-based CLV of [`crate::metrics`],
/// `margin × (1 + d) / (1 + d − r)` with the annual margin `AUM × margin rate` and the
/// retention rate `r = 1 − churn probability`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ValueAssumptions {
    /// Annual discount rate `d`, in `(0, 1]` (default 0.08).
    pub discount_rate: f64,
    /// Annual margin as a share of AUM; `None` (the default) uses the client's fee rate.
    pub margin_rate: Option<f64>,
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl ValueAssumptions {
    setters! {
        with_discount_rate => discount_rate: f64,
        with_margin_rate => margin_rate: Option<f64>,
    }
}

impl Default for ValueAssumptions {
    fn default() -> Self {
        ValueAssumptions {
            discount_rate: 0.08,
            margin_rate: None,
        }
    }
}

impl ValueAssumptions {
    /// Checks the rates.
    pub fn validate(&self) -> Result<()> {
        // A positive rate keeps CLV finite even for a client with churn probability 0.
        check::in_range("value.discount_rate", self.discount_rate, 0.0, 1.0)?;
        if self.discount_rate == 0.0 {
            return Err(Error::invalid("value.discount_rate", 0, "must be > 0"));
        }
        if let Some(m) = self.margin_rate {
            check::in_range("value.margin_rate", m, 0.0, 1.0)?;
        }
        Ok(())
    }
}

/// Everything a [`Scorer`] is built from; plain serde data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ScorerConfig {
    /// Five-dimension tiering thresholds and composite weights.
    #[serde(default)]
    pub tiering: TieringPolicy,
    /// Satisfaction index: indicators, weights, grades.
    #[serde(default)]
    pub satisfaction: SatisfactionConfig,
    /// The fitted churn model.
    pub model: ChurnModel,
    /// Probability cut-offs of the risk levels.
    #[serde(default)]
    pub risk: RiskCutoffs,
    /// Early-warning signals reported with each assessment (their probability is not used).
    #[serde(default)]
    pub warnings: Scorecard,
    /// Retention actions.
    #[serde(default)]
    pub actions: ActionCatalogue,
    /// CLV assumptions.
    #[serde(default)]
    pub value: ValueAssumptions,
    /// Rules that name the product a cross-selling action offers (none by default: the
    /// action is then ranked without a product).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_sell: Option<NextBestProduct>,
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl ScorerConfig {
    setters! {
        with_tiering => tiering: TieringPolicy,
        with_satisfaction => satisfaction: SatisfactionConfig,
        with_risk => risk: RiskCutoffs,
        with_warnings => warnings: Scorecard,
        with_actions => actions: ActionCatalogue,
        with_value => value: ValueAssumptions,
    }

    /// Sets [`cross_sell`](Self::cross_sell): the rules that name the product a
    /// cross-selling action offers.
    #[must_use]
    pub fn with_cross_sell(mut self, next: NextBestProduct) -> Self {
        self.cross_sell = Some(next);
        self
    }
}

impl ScorerConfig {
    /// Default policy, satisfaction index, cut-offs, signals and catalogue around a model.
    pub fn with_model(model: ChurnModel) -> Self {
        ScorerConfig {
            tiering: TieringPolicy::default(),
            satisfaction: SatisfactionConfig::default(),
            model,
            risk: RiskCutoffs::default(),
            warnings: Scorecard::default(),
            actions: ActionCatalogue::default(),
            value: ValueAssumptions::default(),
            cross_sell: None,
        }
    }
}

/// A reason behind a client's risk: a reason signal of [`crate::churn::reasons::SIGNALS`]
/// (one feature of the churn schema, or a value and its indicator) and its contribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReasonCode {
    /// Signal name, e.g. `complaints` or `transfers_out`.
    pub signal: &'static str,
    /// The churn cause it speaks for.
    pub cause: ChurnCause,
    /// The value of the signal's main feature.
    pub value: f64,
    /// Its contribution (logit units for linear models and the scorecard, probability
    /// units for the forest).
    pub contribution: f64,
}

/// The satisfaction part of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SatisfactionSummary {
    /// Grade vector B over the grade set, best grade first.
    pub b: [f64; GRADES],
    /// Index of the maximum-membership grade.
    pub grade: usize,
    /// Weighted-average score.
    pub score: f64,
    /// The lowest-scoring dimension.
    pub weakest_dimension: Dimension,
    /// Whether the evaluation rests on survey answers or behaviour only.
    pub basis: Basis,
}

/// Which warning signals fired: a set over the scorer's signal list, which it shares
/// (building one allocates nothing). It serialises as the list of the names that fired,
/// e.g. `["complaint", "repeated_complaints"]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Warnings {
    bits: u64,
    names: Arc<[String]>,
}

impl Warnings {
    /// Number of signals that fired.
    pub fn count(&self) -> u32 {
        self.bits.count_ones()
    }

    /// Whether signal `i` (in [`Scorer::warning_names`] order) fired.
    pub fn contains(&self, i: usize) -> bool {
        i < 64 && self.bits & (1 << i) != 0
    }

    /// The set `bits` over the signal list `names` (crate-internal: scorers build it).
    pub(crate) fn from_bits(bits: u64, names: &Arc<[String]>) -> Self {
        Warnings {
            bits,
            names: Arc::clone(names),
        }
    }

    /// The set as bits: bit `i` for signal `i`.
    pub fn bits(&self) -> u64 {
        self.bits
    }

    /// Names of the signals that fired, in signal order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names
            .iter()
            .enumerate()
            .filter(|(i, _)| self.contains(*i))
            .map(|(_, n)| n.as_str())
    }
}

impl Serialize for Warnings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.names())
    }
}

/// Everything a relationship manager needs about one client. Serialised (e.g. to JSON)
/// it reads without the scorer: warnings are names, levels and tiers are words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Assessment {
    /// The five tiering dimensions and the composite.
    pub tiering: Tiering,
    /// Satisfaction grade and weakest dimension.
    pub satisfaction: SatisfactionSummary,
    /// Churn probability from the model.
    pub churn_probability: f64,
    /// Risk level from the cut-offs.
    pub risk_level: RiskLevel,
    /// Warning signals that fired (see [`Scorer::warning_names`]).
    pub warnings: Warnings,
    /// Top reasons behind the risk, largest contribution first.
    pub reasons: [Option<ReasonCode>; TOP_REASONS],
    /// Client lifetime value.
    pub clv: f64,
    /// Expected value lost: the client lifetime value times the churn probability,
    /// `clv × churn_probability`, in the portfolio's currency. It is the client value the
    /// firm can expect to lose if nothing is done; it is not a market-risk measure.
    pub expected_value_lost: f64,
    /// Recommended retention actions, best first.
    pub actions: [Option<RankedAction>; TOP_ACTIONS],
    /// When cross-selling is among the actions and [`ScorerConfig::cross_sell`] is set:
    /// the product to offer and the rule behind it ([`NextBestProduct::explain`]).
    pub cross_sell: Option<Recommendation>,
}

/// A signal's feature index and bounds, resolved once.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ResolvedSignal {
    feature: usize,
    min: Option<f64>,
    max: Option<f64>,
}

/// The composed scorer. Cheap to share across threads (`Send + Sync`).
#[derive(Debug, Clone)]
pub struct Scorer {
    config: ScorerConfig,
    satisfaction: SatisfactionIndex,
    signals: Vec<ResolvedSignal>,
    /// The built-in features' metadata ([`features::builtin_features`]), compiled.
    sources: SourceIndex,
    /// Signal names, shared by every assessment's [`Warnings`].
    warning_names: Arc<[String]>,
}

impl Scorer {
    /// Builds a scorer, validating every part of the configuration.
    ///
    /// ```
    /// use wealthscore::scorer::{Scorer, ScorerConfig};
    /// use wealthscore::churn::{ChurnModel, scorecard::Scorecard};
    /// let mut cfg = ScorerConfig::with_model(ChurnModel::Scorecard(Scorecard::default()));
    /// cfg.value.discount_rate = -0.1;
    /// assert!(Scorer::new(cfg).is_err());
    /// ```
    pub fn new(config: ScorerConfig) -> Result<Self> {
        config.tiering.validate()?;
        config.model.validate()?;
        config.value.validate()?;
        let satisfaction = SatisfactionIndex::new(config.satisfaction.clone())?;
        let card = config.warnings.signals();
        if card.len() > MAX_WARNING_SIGNALS {
            return Err(Error::config(
                "warnings",
                format!(
                    "{} signals exceed the limit of {MAX_WARNING_SIGNALS}",
                    card.len()
                ),
            ));
        }
        let mut signals = Vec::with_capacity(card.len());
        for (i, s) in card.iter().enumerate() {
            let feature = features::index_of(&s.feature).ok_or_else(|| {
                Error::config(
                    format!("warnings[{i}].feature"),
                    format!("`{}` is not in the churn schema", s.feature),
                )
            })?;
            signals.push(ResolvedSignal {
                feature,
                min: s.min,
                max: s.max,
            });
        }
        let warning_names = card.iter().map(|s| s.name.clone()).collect();
        let sources = SourceIndex::new(&features::builtin_features())?;
        Ok(Scorer {
            config,
            satisfaction,
            signals,
            sources,
            warning_names,
        })
    }

    /// Loads a scorer from its JSON configuration, validating it. Loading is strict (see
    /// [`crate::json`]): unknown keys and arrays in place of objects are refused.
    pub fn from_json(json: &str) -> Result<Self> {
        let config: ScorerConfig = crate::json::from_str(json)?;
        Scorer::new(config)
    }

    /// Loads a scorer from a JSON configuration file, as [`Scorer::from_json`]; I/O and
    /// parse errors name the path.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self> {
        Scorer::new(crate::json::from_file(path)?)
    }

    /// The configuration.
    pub fn config(&self) -> &ScorerConfig {
        &self.config
    }

    /// Fingerprint of the churn model, to check that workers score with the same model.
    pub fn model_fingerprint(&self) -> Result<String> {
        self.config.model.fingerprint()
    }

    /// Fingerprint of the whole configuration (policy, satisfaction index, model, cut-offs,
    /// signals, catalogue, value assumptions): FNV-1a of its JSON, as 16 hex digits. Two
    /// workers with the same fingerprint score identically.
    ///
    /// ```
    /// use wealthscore::{Scorer, ScorerConfig};
    /// use wealthscore::churn::{ChurnModel, scorecard::Scorecard};
    /// let s = Scorer::new(ScorerConfig::with_model(ChurnModel::Scorecard(Scorecard::default())))?;
    /// let shipped = Scorer::from_json(&serde_json::to_string(s.config()).unwrap())?;
    /// assert_eq!(shipped.fingerprint()?, s.fingerprint()?);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn fingerprint(&self) -> Result<String> {
        let json = serde_json::to_string(&self.config)?;
        Ok(format!("{:016x}", crate::churn::fnv1a(json.as_bytes())))
    }

    /// Names of the warning signals, indexed as in [`Warnings`].
    pub fn warning_names(&self) -> impl Iterator<Item = &str> {
        self.config
            .warnings
            .signals()
            .iter()
            .map(|s| s.name.as_str())
    }

    /// Assesses one client. Allocates nothing unless it returns an error.
    pub fn assess(&self, client: &ClientRecord) -> Result<Assessment> {
        client.validate()?;
        let mut x = [0.0; N_FEATURES];
        features::extract(client, &mut x)?;
        let mut contrib = [0.0; N_FEATURES];
        let p = self
            .config
            .model
            .predict_with_contributions(&x, &mut contrib)?;
        if !p.is_finite() {
            return Err(Error::model("the model returned a non-finite probability"));
        }
        let p = p.clamp(0.0, 1.0);

        let mut warnings = 0u64;
        for (i, s) in self.signals.iter().enumerate() {
            let v = x[s.feature];
            if s.min.is_none_or(|m| v >= m) && s.max.is_none_or(|m| v <= m) {
                warnings |= 1 << i;
            }
        }

        // Reasons are the built-in metadata's sources (reason signals): paired features (a
        // value and its indicator) summed.
        let mut signals = [0.0; N_SIGNALS];
        self.sources.sum(&contrib, &mut signals)?;
        let mut top = [0usize; TOP_REASONS];
        let n = SourceIndex::top(&signals, &mut top);
        let mut reasons = [None; TOP_REASONS];
        for (slot, &i) in reasons.iter_mut().zip(&top[..n]) {
            if let Some(g) = SIGNALS.get(i) {
                *slot = Some(ReasonCode {
                    signal: g.name,
                    cause: g.cause,
                    value: g.features.first().map_or(f64::NAN, |&j| x[j]),
                    contribution: signals[i],
                });
            }
        }
        let mut causes = [(ChurnCause::Competitor, 0.0); N_CAUSES];
        self.sources.cause_totals(&signals, &mut causes);

        let s = self.satisfaction.evaluate(client)?;
        let satisfaction = SatisfactionSummary {
            b: s.b,
            grade: s.grade,
            score: s.score,
            weakest_dimension: s.weakest_dimension,
            basis: s.basis,
        };
        let tiering = self.config.tiering.classify(client, Some(p))?;

        let margin_rate = self.config.value.margin_rate.unwrap_or(client.fee_rate);
        let clv = retention_clv(
            client.aum * margin_rate,
            1.0 - p,
            self.config.value.discount_rate,
        )?;
        let expected_value_lost = clv * p;
        let risk = ClientRisk::new(&client.id, p, clv, client.aum, &causes, tiering.asset)
            .with_dedicated_advisor(client.dedicated_advisor);
        let actions = self.config.actions.rank(&risk)?;
        let cross_sell = self
            .config
            .cross_sell
            .as_ref()
            .and_then(|next| cross_sell_offer(&actions, next, &client.holdings));

        Ok(Assessment {
            tiering,
            satisfaction,
            churn_probability: p,
            risk_level: self.config.risk.level(p),
            warnings: Warnings {
                bits: warnings,
                names: Arc::clone(&self.warning_names),
            },
            reasons,
            clv,
            expected_value_lost,
            actions,
            cross_sell,
        })
    }

    /// Assesses a batch: one result per client, in order; a bad record yields its error
    /// and never affects the others. With the `parallel` feature the work is spread over
    /// all cores (rayon); without it, it runs on the calling thread.
    pub fn assess_batch(&self, clients: &[ClientRecord]) -> Vec<Result<Assessment>> {
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            clients.par_iter().map(|c| self.assess(c)).collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            clients.iter().map(|c| self.assess(c)).collect()
        }
    }

    /// A few lines a relationship manager can read.
    pub fn describe(&self, a: &Assessment) -> String {
        let mut s = String::new();
        let grade = self
            .satisfaction
            .grade_name(a.satisfaction.grade)
            .unwrap_or("?");
        let t = &a.tiering;
        let _ = writeln!(
            s,
            "churn {:.1}% ({} risk), CLV {:.0}, expected value lost {:.0}",
            100.0 * a.churn_probability,
            a.risk_level,
            a.clv,
            a.expected_value_lost
        );
        let _ = writeln!(
            s,
            "tier: {} / {} / {} / {} / {}",
            t.asset, t.activity, t.lifecycle, t.complexity, t.loyalty
        );
        let _ = writeln!(
            s,
            "satisfaction: {grade} (score {:.1}, weakest {}, {})",
            a.satisfaction.score,
            a.satisfaction.weakest_dimension.name(),
            a.satisfaction.basis
        );
        let fired: Vec<&str> = a.warnings.names().collect();
        let _ = writeln!(s, "warnings: {}", fired.join(", "));
        for r in a.reasons.iter().flatten() {
            let _ = writeln!(
                s,
                "reason: {} ({}) = {:.3}, contribution {:+.3}",
                r.signal,
                r.cause.name(),
                r.value,
                r.contribution
            );
        }
        for act in a.actions.iter().flatten() {
            let _ = writeln!(
                s,
                "action: {}, value saved {:.0}, cost {:.0}",
                act.kind, act.value_saved, act.cost
            );
        }
        if let (Some(offer), Some(next)) = (&a.cross_sell, &self.config.cross_sell) {
            let _ = writeln!(s, "offer: {}", next.explain(offer));
        }
        s
    }
}

/// Expected value lost and head count for one group of a [`PortfolioReport`].
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GroupTotals {
    /// Clients.
    pub clients: usize,
    /// Total AUM.
    pub aum: f64,
    /// Total CLV.
    pub clv: f64,
    /// Total expected value lost.
    pub expected_value_lost: f64,
    /// Expected churners (sum of probabilities).
    pub expected_churners: f64,
}

impl GroupTotals {
    fn add(&mut self, aum: f64, a: &Assessment) {
        self.clients += 1;
        self.aum += aum;
        self.clv += a.clv;
        self.expected_value_lost += a.expected_value_lost;
        self.expected_churners += a.churn_probability;
    }
}

/// A client to call, from [`PortfolioReport::to_call`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CallItem {
    /// The client's id.
    pub id: String,
    /// Churn probability.
    pub churn_probability: f64,
    /// Expected value lost (CLV × churn probability).
    pub expected_value_lost: f64,
    /// The top reason's signal, if any.
    pub top_reason: Option<&'static str>,
    /// The best action, if any.
    pub action: Option<RankedAction>,
    /// All reasons of the assessment, largest contribution first.
    pub reasons: [Option<ReasonCode>; TOP_REASONS],
    /// Asset tier.
    pub tier: AssetTier,
    /// Risk level.
    pub risk_level: RiskLevel,
    /// Client lifetime value.
    pub clv: f64,
}

/// Totals of the clients whose main reason (largest contribution) is one signal, from
/// [`PortfolioReport::by_reason`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReasonTotals {
    /// Signal name, as in [`ReasonCode::signal`].
    pub signal: &'static str,
    /// The churn cause it speaks for.
    pub cause: ChurnCause,
    /// Totals of the clients whose main reason it is.
    pub totals: GroupTotals,
}

/// Portfolio KPIs from a batch of assessments.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PortfolioReport {
    /// Clients assessed.
    pub clients: usize,
    /// Clients whose record or scoring failed (with their index and error).
    pub failed: Vec<(usize, Error)>,
    /// Expected churn rate (mean probability).
    pub expected_churn_rate: f64,
    /// Expected retention rate (1 − expected churn rate).
    pub expected_retention_rate: f64,
    /// Observed churn rate among labelled clients, if any are labelled.
    pub observed_churn_rate: Option<f64>,
    /// Expected churn cost: expected value lost plus the replacement cost of expected churners.
    pub expected_churn_cost: f64,
    /// Totals over all assessed clients.
    pub total: GroupTotals,
    /// Totals by asset tier (mass, mid, high-net-worth).
    pub by_tier: [GroupTotals; 3],
    /// Totals by risk level (low, medium, high, critical).
    pub by_risk: [GroupTotals; 4],
    /// The clients to call first: highest expected value lost.
    pub to_call: Vec<CallItem>,
    /// Totals by asset tier and risk level: `by_tier_risk[tier][level]`, indexed as
    /// [`by_tier`](Self::by_tier) and [`by_risk`](Self::by_risk).
    pub by_tier_risk: [[GroupTotals; 4]; 3],
    /// Totals by each client's main reason, largest expected value lost first (ties by
    /// signal order); signals that are no client's main reason are left out, and so
    /// are clients with no reason that raises their risk.
    pub by_reason: Vec<ReasonTotals>,
}

impl PortfolioReport {
    /// Builds the report from clients and their assessments (as returned by
    /// [`Scorer::assess_batch`]); `replacement_cost` is the cost of winning a new client
    /// to replace one lost, `top_n` the length of the call list.
    pub fn build(
        clients: &[ClientRecord],
        assessments: &[Result<Assessment>],
        replacement_cost: f64,
        top_n: usize,
    ) -> Result<Self> {
        check::same_len("assessments vs clients", clients.len(), assessments.len())?;
        check::non_negative("replacement_cost", replacement_cost)?;
        let mut total = GroupTotals::default();
        let mut by_tier = [GroupTotals::default(); 3];
        let mut by_risk = [GroupTotals::default(); 4];
        let mut by_tier_risk = [[GroupTotals::default(); 4]; 3];
        let mut by_signal = [GroupTotals::default(); N_SIGNALS];
        let mut failed = Vec::new();
        let (mut labelled, mut churned) = (0usize, 0usize);
        let mut ranked: Vec<(usize, f64)> = Vec::new();
        for (i, (c, a)) in clients.iter().zip(assessments).enumerate() {
            let a = match a {
                Ok(a) => a,
                Err(e) => {
                    failed.push((i, e.clone()));
                    continue;
                }
            };
            total.add(c.aum, a);
            let t = match a.tiering.asset {
                AssetTier::Mass => 0,
                AssetTier::MidNetWorth => 1,
                AssetTier::HighNetWorth => 2,
            };
            by_tier[t].add(c.aum, a);
            let r = RiskLevel::ALL
                .iter()
                .position(|l| *l == a.risk_level)
                .unwrap_or(0);
            by_risk[r].add(c.aum, a);
            by_tier_risk[t][r].add(c.aum, a);
            if let Some(k) =
                a.reasons[0].and_then(|m| SIGNALS.iter().position(|g| g.name == m.signal))
            {
                by_signal[k].add(c.aum, a);
            }
            if let Some(y) = c.churned() {
                labelled += 1;
                churned += usize::from(y);
            }
            ranked.push((i, a.expected_value_lost));
        }
        ranked.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        let to_call = ranked
            .iter()
            .take(top_n)
            .filter_map(|&(i, _)| {
                let a = assessments.get(i)?.as_ref().ok()?;
                Some(CallItem {
                    id: clients.get(i)?.id.clone(),
                    churn_probability: a.churn_probability,
                    expected_value_lost: a.expected_value_lost,
                    top_reason: a.reasons[0].map(|r| r.signal),
                    action: a.actions[0],
                    reasons: a.reasons,
                    tier: a.tiering.asset,
                    risk_level: a.risk_level,
                    clv: a.clv,
                })
            })
            .collect();
        let mut by_reason: Vec<ReasonTotals> = SIGNALS
            .iter()
            .zip(by_signal)
            .filter(|(_, g)| g.clients > 0)
            .map(|(g, totals)| ReasonTotals {
                signal: g.name,
                cause: g.cause,
                totals,
            })
            .collect();
        // Stable: equal values keep the signal order.
        by_reason.sort_by(|x, y| {
            y.totals
                .expected_value_lost
                .total_cmp(&x.totals.expected_value_lost)
        });
        let n = total.clients;
        let rate = if n > 0 {
            total.expected_churners / n as f64
        } else {
            0.0
        };
        Ok(PortfolioReport {
            clients: n,
            failed,
            expected_churn_rate: rate,
            expected_retention_rate: 1.0 - rate,
            observed_churn_rate: (labelled > 0).then(|| churned as f64 / labelled as f64),
            expected_churn_cost: total.expected_value_lost
                + replacement_cost * total.expected_churners,
            total,
            by_tier,
            by_risk,
            to_call,
            by_tier_risk,
            by_reason,
        })
    }
}

impl std::fmt::Display for PortfolioReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "clients assessed: {} ({} failed)",
            self.clients,
            self.failed.len()
        )?;
        write!(
            f,
            "expected churn rate {:.2}%, retention rate {:.2}%",
            100.0 * self.expected_churn_rate,
            100.0 * self.expected_retention_rate
        )?;
        match self.observed_churn_rate {
            Some(r) => writeln!(f, " (observed {:.2}%)", 100.0 * r)?,
            None => writeln!(f)?,
        }
        writeln!(
            f,
            "total AUM {:.0}, CLV {:.0}, expected value lost {:.0}, expected churn cost {:.0}",
            self.total.aum,
            self.total.clv,
            self.total.expected_value_lost,
            self.expected_churn_cost
        )?;
        writeln!(
            f,
            "\n{:<16} {:>9} {:>16} {:>20} {:>11}",
            "group", "clients", "AUM", "expected value lost", "churners"
        )?;
        let tiers = ["mass", "mid-net-worth", "high-net-worth"];
        let levels = ["risk low", "risk medium", "risk high", "risk critical"];
        for (name, g) in tiers
            .iter()
            .zip(&self.by_tier)
            .chain(levels.iter().zip(&self.by_risk))
        {
            writeln!(
                f,
                "{:<16} {:>9} {:>16.0} {:>20.0} {:>11.1}",
                name, g.clients, g.aum, g.expected_value_lost, g.expected_churners
            )?;
        }
        writeln!(f, "\nclients to call this week:")?;
        for c in &self.to_call {
            let action = c.action.map_or("-", |a| a.kind.label());
            writeln!(
                f,
                "  {:<12} p={:.2} expected value lost {:>10.0}  reason {:<18} action {action}",
                c.id,
                c.churn_probability,
                c.expected_value_lost,
                c.top_reason.unwrap_or("-"),
            )?;
        }
        Ok(())
    }
}
