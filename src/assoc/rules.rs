//! Association rules `antecedent → consequent` and their metrics.

use super::FrequentItemsets;
use crate::error::{Error, Result};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A rule metric: the columns of mlxtend 0.25's `association_rules`, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[non_exhaustive]
pub enum Metric {
    /// `s(A)`.
    AntecedentSupport,
    /// `s(C)`.
    ConsequentSupport,
    /// `s(A ∪ C)`.
    Support,
    /// `s(A ∪ C) / s(A)`, in `[0, 1]`.
    Confidence,
    /// `confidence / s(C)`, in `[0, ∞)`; above 1 when A raises the odds of C.
    Lift,
    /// Share of baskets without missing values: always 1 here (no missing values).
    Representativity,
    /// `s(A ∪ C) − s(A) s(C)`, in `[−1, 1]`.
    Leverage,
    /// `(1 − s(C)) / (1 − confidence)`, in `[0, ∞]`; infinite when confidence is 1.
    Conviction,
    /// Zhang's metric: leverage over `max(s(AC)(1 − s(A)), s(A)(s(C) − s(AC)))`, in
    /// `[−1, 1]` (0 when that denominator is 0).
    ZhangsMetric,
    /// `s(AC) / (s(A) + s(C) − s(AC))`.
    Jaccard,
    /// `(confidence − s(C)) / (1 − s(C))` (0 when `s(C)` is 1).
    Certainty,
    /// Mean of the confidences of `A → C` and `C → A`.
    Kulczynski,
}

impl Metric {
    /// Every metric, in mlxtend's column order.
    pub const ALL: [Metric; 12] = [
        Metric::AntecedentSupport,
        Metric::ConsequentSupport,
        Metric::Support,
        Metric::Confidence,
        Metric::Lift,
        Metric::Representativity,
        Metric::Leverage,
        Metric::Conviction,
        Metric::ZhangsMetric,
        Metric::Jaccard,
        Metric::Certainty,
        Metric::Kulczynski,
    ];

    /// mlxtend's column name, e.g. `antecedent support` or `zhangs_metric`.
    ///
    /// ```
    /// assert_eq!(wealthscore::assoc::Metric::ZhangsMetric.name(), "zhangs_metric");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Metric::AntecedentSupport => "antecedent support",
            Metric::ConsequentSupport => "consequent support",
            Metric::Support => "support",
            Metric::Confidence => "confidence",
            Metric::Lift => "lift",
            Metric::Representativity => "representativity",
            Metric::Leverage => "leverage",
            Metric::Conviction => "conviction",
            Metric::ZhangsMetric => "zhangs_metric",
            Metric::Jaccard => "jaccard",
            Metric::Certainty => "certainty",
            Metric::Kulczynski => "kulczynski",
        }
    }

    /// The metric's value for a rule.
    pub fn of(self, r: &Rule) -> f64 {
        match self {
            Metric::AntecedentSupport => r.antecedent_support,
            Metric::ConsequentSupport => r.consequent_support,
            Metric::Support => r.support,
            Metric::Confidence => r.confidence,
            Metric::Lift => r.lift,
            Metric::Representativity => r.representativity,
            Metric::Leverage => r.leverage,
            Metric::Conviction => r.conviction,
            Metric::ZhangsMetric => r.zhangs_metric,
            Metric::Jaccard => r.jaccard,
            Metric::Certainty => r.certainty,
            Metric::Kulczynski => r.kulczynski,
        }
    }
}

/// Writes an infinite conviction as JSON `null` (JSON has no infinity) and reads `null`
/// back as infinity.
mod infinite_as_null {
    use super::*;

    pub(super) fn serialize<S: Serializer>(v: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
        if v.is_infinite() {
            s.serialize_none()
        } else {
            s.serialize_some(v)
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> std::result::Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
    }
}

/// One rule `antecedent → consequent` with every metric of mlxtend 0.25 (see [`Metric`]
/// for the formulas). Supports are shares of all baskets.
///
/// `conviction` is `f64::INFINITY` when the confidence is 1, as mlxtend's `inf`; in JSON
/// it is `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Rule {
    /// Product ids of the antecedent, ascending.
    pub antecedent: Vec<u32>,
    /// Product ids of the consequent, ascending (disjoint from the antecedent).
    pub consequent: Vec<u32>,
    /// `s(A)`.
    pub antecedent_support: f64,
    /// `s(C)`.
    pub consequent_support: f64,
    /// `s(A ∪ C)`.
    pub support: f64,
    /// `s(A ∪ C) / s(A)`.
    pub confidence: f64,
    /// `confidence / s(C)`.
    pub lift: f64,
    /// 1 (no missing values).
    pub representativity: f64,
    /// `s(A ∪ C) − s(A) s(C)`.
    pub leverage: f64,
    /// `(1 − s(C)) / (1 − confidence)`; infinite (JSON `null`) when confidence is 1.
    #[serde(with = "infinite_as_null")]
    pub conviction: f64,
    /// Zhang's metric.
    pub zhangs_metric: f64,
    /// Jaccard index of A and C.
    pub jaccard: f64,
    /// Certainty factor.
    pub certainty: f64,
    /// Kulczynski measure.
    pub kulczynski: f64,
}

impl Rule {
    /// Every metric from the three supports and the number of baskets `n`, with
    /// mlxtend's formulas in its order of operations (e.g. confidence as
    /// `(s(AC) n) / (s(A) n)`), so that results agree to the last bits.
    fn from_supports(
        antecedent: Vec<u32>,
        consequent: Vec<u32>,
        s_ac: f64,
        s_a: f64,
        s_c: f64,
        n: f64,
    ) -> Rule {
        let confidence = (s_ac * n) / (s_a * n);
        let leverage = s_ac - s_a * s_c;
        let conviction = if confidence < 1.0 {
            (1.0 - s_c) / (1.0 - confidence)
        } else {
            f64::INFINITY
        };
        let zhang_den = (s_ac * (1.0 - s_a)).max(s_a * (s_c - s_ac));
        let zhangs_metric = if zhang_den == 0.0 {
            0.0
        } else {
            leverage / zhang_den
        };
        let certainty_den = 1.0 - s_c;
        let certainty = if certainty_den == 0.0 {
            0.0
        } else {
            (confidence - s_c) / certainty_den
        };
        let kulczynski = ((s_ac * n) / (s_a * n) + (s_ac * n) / (s_c * n)) / 2.0;
        Rule {
            antecedent,
            consequent,
            antecedent_support: s_a,
            consequent_support: s_c,
            support: s_ac,
            confidence,
            lift: confidence / s_c,
            // (N − 0) / N in mlxtend: no basket has a missing value here.
            representativity: 1.0,
            leverage,
            conviction,
            zhangs_metric,
            jaccard: s_ac / (s_a + s_c - s_ac),
            certainty,
            kulczynski,
        }
    }
}

/// Default cap on the number of rules kept.
pub const DEFAULT_MAX_RULES: usize = 10_000_000;

/// Which rules to keep: those whose `metric >= min_threshold`. Defaults follow mlxtend
/// (confidence ≥ 0.8) with a cap of [`DEFAULT_MAX_RULES`] rules.
///
/// ```
/// use wealthscore::assoc::{RuleParams, Metric};
/// let p = RuleParams::new(Metric::Lift, 1.2).max_rules(1_000);
/// assert!(p.validate().is_ok());
/// assert!(RuleParams::new(Metric::Lift, f64::NAN).validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct RuleParams {
    /// The metric filtered on (default confidence).
    pub metric: Metric,
    /// Rules with `metric >= min_threshold` are kept (default 0.8); may be `-inf` to
    /// keep every rule, never NaN.
    pub min_threshold: f64,
    /// Most rules kept; generation stops with an error naming this limit beyond it.
    pub max_rules: usize,
}

impl Default for RuleParams {
    fn default() -> Self {
        RuleParams {
            metric: Metric::Confidence,
            min_threshold: 0.8,
            max_rules: DEFAULT_MAX_RULES,
        }
    }
}

impl RuleParams {
    /// Keep rules whose `metric >= min_threshold`.
    pub fn new(metric: Metric, min_threshold: f64) -> Self {
        RuleParams {
            metric,
            min_threshold,
            ..Self::default()
        }
    }

    /// Sets the cap on the number of rules.
    pub fn max_rules(mut self, max_rules: usize) -> Self {
        self.max_rules = max_rules;
        self
    }

    /// Checks the threshold (not NaN; `-inf` keeps every rule) and the cap (`>= 1`).
    pub fn validate(&self) -> Result<()> {
        if self.min_threshold.is_nan() {
            return Err(Error::invalid(
                "min_threshold",
                "NaN",
                "must be a number; use -inf to keep every rule",
            ));
        }
        if self.max_rules == 0 {
            return Err(Error::invalid("max_rules", 0, "must be at least 1"));
        }
        Ok(())
    }
}

/// Rules derived from frequent itemsets, with the product names they refer to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rules {
    products: Vec<String>,
    baskets: usize,
    rules: Vec<Rule>,
}

impl Rules {
    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether no rule passed the filter.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rules, per itemset in the order of [`FrequentItemsets`].
    pub fn as_slice(&self) -> &[Rule] {
        &self.rules
    }

    /// Every rule.
    pub fn iter(&self) -> std::slice::Iter<'_, Rule> {
        self.rules.iter()
    }

    /// Product names; rule ids index them.
    pub fn items(&self) -> &[String] {
        &self.products
    }

    /// Number of baskets the rules were mined from.
    pub fn baskets(&self) -> usize {
        self.baskets
    }

    /// The names of products given by id.
    pub fn names(&self, ids: &[u32]) -> Vec<&str> {
        ids.iter()
            .map(|&i| self.products.get(i as usize).map_or("?", String::as_str))
            .collect()
    }

    /// Sorts the rules by a metric, largest first (ties keep their order).
    ///
    /// ```
    /// use wealthscore::assoc::*;
    /// let b = Baskets::from_lists(&[vec!["a", "b"], vec!["a", "b"], vec!["a"], vec!["b", "c"]])?;
    /// let f = fpgrowth(&b, &MiningParams::new(MinSupport::Count(1)))?;
    /// let mut r = association_rules(&f, &RuleParams::new(Metric::Lift, 0.0))?;
    /// r.sort_by(Metric::Lift);
    /// assert!(r.as_slice().windows(2).all(|w| w[0].lift >= w[1].lift));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn sort_by(&mut self, metric: Metric) {
        self.rules
            .sort_by(|a, b| metric.of(b).total_cmp(&metric.of(a)));
    }

    /// Keeps the rules whose `metric >= min_threshold`.
    pub fn retain(&mut self, metric: Metric, min_threshold: f64) {
        self.rules.retain(|r| metric.of(r) >= min_threshold);
    }
}

/// Association rules from frequent itemsets: for every itemset of two or more products,
/// every split into a non-empty antecedent and consequent, kept when the chosen metric
/// reaches its threshold — mlxtend's `association_rules(df, num_itemsets=N, metric,
/// min_threshold)`.
///
/// Errors: a NaN threshold, or more rules than [`RuleParams::max_rules`] (named).
///
/// ```
/// use wealthscore::assoc::*;
/// let b = Baskets::from_lists(&[vec!["a", "b"], vec!["a", "b"], vec!["a"], vec!["c"]])?;
/// let f = fpgrowth(&b, &MiningParams::new(MinSupport::Count(2)))?;
/// let r = association_rules(&f, &RuleParams::new(Metric::Confidence, 0.0))?;
/// assert_eq!(r.len(), 2); // a → b (2/3) and b → a (1)
/// let b_to_a = r.iter().find(|x| x.antecedent == [1]).unwrap();
/// assert_eq!(b_to_a.conviction, f64::INFINITY);
/// let json = serde_json::to_string(b_to_a).unwrap();
/// assert!(json.contains("\"conviction\":null"));
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn association_rules(itemsets: &FrequentItemsets, params: &RuleParams) -> Result<Rules> {
    params.validate()?;
    let n = itemsets.baskets() as f64;
    let mut rules = Vec::new();
    let mut a = Vec::new();
    let mut c = Vec::new();
    for set in itemsets.iter() {
        let k = set.items.len();
        if k < 2 {
            continue;
        }
        if k >= 63 {
            // 2^63 splits cannot be frequent: max_itemsets bounds k far below.
            return Err(Error::config(
                "max_rules",
                format!("an itemset of {k} products has too many splits"),
            ));
        }
        let s_ac = set.support;
        for mask in 1..(1u64 << k) - 1 {
            a.clear();
            c.clear();
            for (j, &id) in set.items.iter().enumerate() {
                if mask & (1 << j) != 0 {
                    a.push(id);
                } else {
                    c.push(id);
                }
            }
            // Every subset of a frequent itemset is frequent.
            let (Some(s_a), Some(s_c)) = (itemsets.support(&a), itemsets.support(&c)) else {
                continue;
            };
            // Ids are filled in only for kept rules: most candidates are dropped.
            let mut rule = Rule::from_supports(Vec::new(), Vec::new(), s_ac, s_a, s_c, n);
            if params.metric.of(&rule) >= params.min_threshold {
                rule.antecedent = a.clone();
                rule.consequent = c.clone();
                if rules.len() >= params.max_rules {
                    return Err(Error::config(
                        "max_rules",
                        format!(
                            "more than {} rules pass {} >= {}; raise the threshold or max_rules",
                            params.max_rules,
                            params.metric.name(),
                            params.min_threshold
                        ),
                    ));
                }
                rules.push(rule);
            }
        }
    }
    Ok(Rules {
        products: itemsets.items().to_vec(),
        baskets: itemsets.baskets(),
        rules,
    })
}
