//! Service strategies per tier, as a replaceable catalogue.

use super::policy::{TierLabel, Tiering};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The service strategy for one tier label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Strategy {
    /// The tier label this strategy serves.
    pub tier: TierLabel,
    /// One line saying what the tier gets.
    pub summary: String,
    /// Concrete service actions, most important first (at least one).
    pub actions: Vec<String>,
}

impl Strategy {
    /// The strategy for `tier`: a one-line summary and concrete actions, most important
    /// first.
    ///
    /// ```
    /// use wealthscore::segment::{Strategy, TierLabel};
    /// let s = Strategy::new(TierLabel::Loyal, "Thank and reward", vec!["Annual review".into()]);
    /// assert_eq!(s.actions.len(), 1);
    /// ```
    pub fn new(tier: TierLabel, summary: impl Into<String>, actions: Vec<String>) -> Self {
        Strategy {
            tier,
            summary: summary.into(),
            actions,
        }
    }
}

/// Service strategies for every tier label: data a firm can replace (load its own from
/// JSON), not text buried in code.
///
/// A valid catalogue has exactly one [`Strategy`] per [`TierLabel`], each with a
/// non-empty summary and at least one non-empty action. Deserialisation validates.
///
/// The [default](StrategyCatalogue::default) follows the wealth-management guidance the
/// project was seeded with: high-net-worth — one-to-one advisor, customised plans,
/// exclusive products; mid — standard products plus seminars and training; mass —
/// online self-service and low-threshold products; high activity — real-time market
/// information; low activity — periodic reports and easy tools; new — product
/// introduction; growth — broader choice and advice; mature — personalised high-end
/// service; decline — learn their intentions and plan with them; diverse needs —
/// comprehensive planning; at risk — find the problem and fix it. The entries for
/// single needs and loyal clients are this crate's additions (the guidance names none).
///
/// ```
/// use wealthscore::segment::{StrategyCatalogue, TierLabel, TieringPolicy};
///
/// let catalogue = StrategyCatalogue::default();
/// assert!(catalogue.get(TierLabel::HighNetWorth).summary.contains("advisor"));
/// let t = TieringPolicy::default().classify(&wealthscore::ClientRecord::example(), None)?;
/// for s in catalogue.for_tiering(&t) {
///     assert!(!s.actions.is_empty());
/// }
/// let json = serde_json::to_string(&catalogue).unwrap();
/// let back: StrategyCatalogue = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, catalogue);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Strategy>", into = "Vec<Strategy>")]
pub struct StrategyCatalogue {
    /// Indexed by [`TierLabel::index`].
    entries: Vec<Strategy>,
}

impl From<StrategyCatalogue> for Vec<Strategy> {
    fn from(c: StrategyCatalogue) -> Self {
        c.entries
    }
}

impl TryFrom<Vec<Strategy>> for StrategyCatalogue {
    type Error = Error;
    fn try_from(v: Vec<Strategy>) -> Result<Self> {
        StrategyCatalogue::new(v)
    }
}

fn s(tier: TierLabel, summary: &str, actions: &[&str]) -> Strategy {
    Strategy {
        tier,
        summary: summary.to_string(),
        actions: actions.iter().map(|a| a.to_string()).collect(),
    }
}

impl Default for StrategyCatalogue {
    fn default() -> Self {
        use TierLabel::*;
        let entries = vec![
            s(
                HighNetWorth,
                "One-to-one dedicated advisor with customised plans and exclusive products",
                &[
                    "assign a dedicated relationship manager",
                    "build a customised wealth plan",
                    "offer exclusive and private products",
                ],
            ),
            s(
                MidNetWorth,
                "Standard products plus seminars and investor training",
                &[
                    "recommend from the standard product shelf",
                    "invite to investment seminars",
                    "offer investor-education training",
                ],
            ),
            s(
                Mass,
                "Online self-service and low-threshold products",
                &[
                    "steer to online and mobile self-service",
                    "offer low-minimum products",
                ],
            ),
            s(
                HighActivity,
                "Real-time market information",
                &[
                    "push real-time market news and alerts",
                    "offer fast trading channels",
                ],
            ),
            s(
                LowActivity,
                "Periodic reports and easy tools",
                &[
                    "send periodic portfolio reports",
                    "offer simple, easy-to-use tools",
                ],
            ),
            s(
                New,
                "Product introduction",
                &[
                    "introduce the product range",
                    "run an onboarding conversation",
                ],
            ),
            s(
                Growth,
                "Broader product choice and advice",
                &["widen the product choice", "give allocation advice"],
            ),
            s(
                Mature,
                "Personalised high-end service",
                &[
                    "provide personalised premium service",
                    "review the long-term plan together",
                ],
            ),
            s(
                Decline,
                "Learn the client's intentions and plan with them",
                &[
                    "contact to understand intentions",
                    "agree a plan for the assets together",
                ],
            ),
            s(
                SingleNeed,
                "Keep the core product well served; test one complementary need",
                &[
                    "check the held product still fits",
                    "suggest one complementary category",
                ],
            ),
            s(
                DiverseNeeds,
                "Comprehensive financial planning",
                &[
                    "offer comprehensive planning across categories",
                    "coordinate products in one plan",
                ],
            ),
            s(
                Loyal,
                "Recognise and maintain the relationship",
                &["keep regular contact", "offer loyalty recognition"],
            ),
            s(
                AtRisk,
                "Find the problem and fix it",
                &[
                    "contact to find the cause of dissatisfaction",
                    "remediate the problem and follow up",
                ],
            ),
        ];
        StrategyCatalogue { entries }
    }
}

impl StrategyCatalogue {
    /// Builds a catalogue from strategies in any order, validating it.
    ///
    /// ```
    /// use wealthscore::segment::StrategyCatalogue;
    /// let mut v: Vec<_> = StrategyCatalogue::default().iter().cloned().collect();
    /// v.pop();
    /// assert!(StrategyCatalogue::new(v).is_err()); // one tier left without a strategy
    /// ```
    pub fn new(strategies: Vec<Strategy>) -> Result<Self> {
        let mut slots: Vec<Option<Strategy>> = vec![None; TierLabel::ALL.len()];
        for st in strategies {
            let name = st.tier.name();
            if st.summary.trim().is_empty() {
                return Err(Error::config(
                    format!("strategy[{name}].summary"),
                    "must not be empty",
                ));
            }
            if st.actions.is_empty() || st.actions.iter().any(|a| a.trim().is_empty()) {
                return Err(Error::config(
                    format!("strategy[{name}].actions"),
                    "must hold at least one non-empty action",
                ));
            }
            let slot = &mut slots[st.tier.index()];
            if slot.is_some() {
                return Err(Error::config(
                    format!("strategy[{name}]"),
                    "appears more than once",
                ));
            }
            *slot = Some(st);
        }
        let mut entries = Vec::with_capacity(slots.len());
        for (label, slot) in TierLabel::ALL.iter().zip(slots) {
            match slot {
                Some(st) => entries.push(st),
                None => {
                    return Err(Error::config(
                        format!("strategy[{}]", label.name()),
                        "missing: every tier label needs a strategy",
                    ));
                }
            }
        }
        Ok(StrategyCatalogue { entries })
    }

    /// The strategy for a label (every label has one).
    pub fn get(&self, label: TierLabel) -> &Strategy {
        &self.entries[label.index()]
    }

    /// The five strategies that apply to a client's tiering, in the order of
    /// [`Tiering::labels`].
    pub fn for_tiering(&self, t: &Tiering) -> [&Strategy; 5] {
        t.labels().map(|l| self.get(l))
    }

    /// All strategies, in the order of [`TierLabel::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = &Strategy> {
        self.entries.iter()
    }
}
