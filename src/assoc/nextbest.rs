//! The next-best product for a client: products not held, ranked by the rules that fire.

use super::{Rule, Rules};
use crate::client::Holdings;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// One product to offer and the rule that explains it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    /// The product's id in [`NextBestProduct::products`].
    pub product: u32,
    /// Index of the explaining rule in [`NextBestProduct::rules`].
    pub rule: usize,
    /// That rule's confidence: the share of clients holding its antecedent who hold the
    /// product.
    pub confidence: f64,
    /// That rule's lift.
    pub lift: f64,
}

/// Ranks the products a client does not hold by the association rules that fire for it.
///
/// Only rules with a one-product consequent are kept. A rule fires for a client holding
/// every product of its antecedent and not its consequent. Each product not held is
/// scored by its best firing rule, and products are ranked **by that rule's confidence,
/// then its lift**, then support, then the shorter antecedent, then product id — so
/// the explanation given is the rule the ranking used.
///
/// Build it from rules mined with a low confidence threshold (e.g. lift `>= 1`), so that
/// it only recommends what raises the odds.
///
/// ```
/// use wealthscore::assoc::*;
/// let b = Baskets::from_lists(&[
///     vec!["deposits", "funds", "insurance"],
///     vec!["deposits", "funds", "insurance"],
///     vec!["deposits", "funds"],
///     vec!["deposits"],
///     vec!["insurance"],
/// ])?;
/// let f = fpgrowth(&b, &MiningParams::new(MinSupport::Count(2)))?;
/// let next = NextBestProduct::new(&association_rules(&f, &RuleParams::new(Metric::Lift, 1.0))?)?;
/// let offers = next.recommend(&["deposits", "funds"])?;
/// assert_eq!(next.product(&offers[0]), "insurance");
/// assert_eq!(next.explain(&offers[0]),
///            "clients holding funds also hold insurance: confidence 66.7 %, lift 1.11");
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextBestProduct {
    products: Vec<String>,
    rules: Vec<Rule>,
    /// Id of each category of [`Holdings::NAMES`] among the products, if present.
    #[serde(skip)]
    holdings: [Option<u32>; 6],
}

impl<'de> Deserialize<'de> for NextBestProduct {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            products: Vec<String>,
            rules: Vec<Rule>,
        }
        let raw = Raw::deserialize(d)?;
        NextBestProduct::from_parts(raw.products, raw.rules).map_err(serde::de::Error::custom)
    }
}

fn rank(a: &Rule, b: &Rule) -> Ordering {
    b.confidence
        .total_cmp(&a.confidence)
        .then(b.lift.total_cmp(&a.lift))
        .then(b.support.total_cmp(&a.support))
        .then(a.antecedent.len().cmp(&b.antecedent.len()))
        .then_with(|| a.antecedent.cmp(&b.antecedent))
        .then_with(|| a.consequent.cmp(&b.consequent))
}

/// Whether ascending `sub` is contained in ascending `set`.
fn subset(sub: &[u32], set: &[u32]) -> bool {
    let mut it = set.iter();
    sub.iter().all(|x| it.any(|y| y == x))
}

impl NextBestProduct {
    /// Keeps the rules with a one-product consequent and sorts them best first.
    pub fn new(rules: &Rules) -> Result<Self> {
        let kept = rules
            .iter()
            .filter(|r| r.consequent.len() == 1)
            .cloned()
            .collect();
        Self::from_parts(rules.items().to_vec(), kept)
    }

    /// Builds the model from product names and rules, checking them: ids within the
    /// products, antecedents non-empty, ascending and without the consequent, one-product
    /// consequents, finite metrics (conviction may be infinite), confidence in `[0, 1]`.
    pub fn from_parts(products: Vec<String>, mut rules: Vec<Rule>) -> Result<Self> {
        let m = products.len();
        for (k, r) in rules.iter().enumerate() {
            let field = |f: &str| format!("rules[{k}].{f}");
            let &[c] = r.consequent.as_slice() else {
                return Err(Error::invalid(
                    field("consequent"),
                    format!("{:?}", r.consequent),
                    "must hold exactly one product",
                ));
            };
            if r.antecedent.is_empty()
                || r.antecedent.windows(2).any(|w| w[0] >= w[1])
                || r.antecedent.contains(&c)
            {
                return Err(Error::invalid(
                    field("antecedent"),
                    format!("{:?}", r.antecedent),
                    "must be non-empty, ascending, without the consequent",
                ));
            }
            if let Some(&bad) = r.antecedent.iter().chain([&c]).find(|&&i| i as usize >= m) {
                return Err(Error::invalid(
                    field("products"),
                    bad,
                    format!("product id beyond the {m} products"),
                ));
            }
            for metric in super::Metric::ALL {
                let v = metric.of(r);
                if v.is_nan() || (v.is_infinite() && metric != super::Metric::Conviction) {
                    return Err(Error::NonFinite {
                        field: field(metric.name()),
                    });
                }
            }
            if !(0.0..=1.0).contains(&r.confidence) {
                return Err(Error::invalid(
                    field("confidence"),
                    r.confidence,
                    "must lie in [0, 1]",
                ));
            }
        }
        rules.sort_by(rank);
        let mut holdings = [None; 6];
        for (slot, name) in holdings.iter_mut().zip(Holdings::NAMES) {
            *slot = products.iter().position(|p| p == name).map(|i| i as u32);
        }
        Ok(NextBestProduct {
            products,
            rules,
            holdings,
        })
    }

    /// Product names; ids index them.
    pub fn products(&self) -> &[String] {
        &self.products
    }

    /// The rules, best first.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule behind a recommendation.
    pub fn rule(&self, r: &Recommendation) -> Option<&Rule> {
        self.rules.get(r.rule)
    }

    /// The name of the recommended product.
    pub fn product(&self, r: &Recommendation) -> &str {
        self.products
            .get(r.product as usize)
            .map_or("?", String::as_str)
    }

    /// One sentence a relationship manager reads.
    pub fn explain(&self, r: &Recommendation) -> String {
        let because = self.rule(r).map_or_else(String::new, |rule| {
            rule.antecedent
                .iter()
                .map(|&i| self.products.get(i as usize).map_or("?", String::as_str))
                .collect::<Vec<_>>()
                .join(", ")
        });
        format!(
            "clients holding {because} also hold {}: confidence {:.1} %, lift {:.2}",
            self.product(r),
            100.0 * r.confidence,
            r.lift
        )
    }

    /// Every product not held that some rule recommends, best first, each with its best
    /// rule. `held` lists product ids in any order; ids the model does not know are
    /// ignored.
    pub fn recommend_ids(&self, held: &[u32]) -> Vec<Recommendation> {
        let mut held = held.to_vec();
        held.sort_unstable();
        held.dedup();
        let mut seen = vec![false; self.products.len()];
        let mut out = Vec::new();
        for (k, r) in self.rules.iter().enumerate() {
            let Some(&c) = r.consequent.first() else {
                continue;
            };
            let Some(s) = seen.get_mut(c as usize) else {
                continue;
            };
            if *s || held.binary_search(&c).is_ok() || !subset(&r.antecedent, &held) {
                continue;
            }
            *s = true;
            out.push(Recommendation {
                product: c,
                rule: k,
                confidence: r.confidence,
                lift: r.lift,
            });
        }
        out
    }

    /// [`NextBestProduct::recommend_ids`] from product names. Errors on an empty name;
    /// names the model does not know are ignored (no rule mentions them).
    pub fn recommend<S: AsRef<str>>(&self, held: &[S]) -> Result<Vec<Recommendation>> {
        let mut ids = Vec::with_capacity(held.len());
        for (j, p) in held.iter().enumerate() {
            let p = p.as_ref();
            if p.trim().is_empty() {
                return Err(Error::invalid(
                    format!("held[{j}]"),
                    "\"\"",
                    "a product name must not be empty",
                ));
            }
            if let Some(i) = self.products.iter().position(|q| q == p) {
                ids.push(i as u32);
            }
        }
        Ok(self.recommend_ids(&ids))
    }

    /// The best product to offer a client with these holdings (categories with a
    /// positive amount are held), or `None` when no rule fires. Allocates nothing.
    ///
    /// ```
    /// use wealthscore::{ClientRecord, assoc::*};
    /// let b = Baskets::from_lists(&[vec!["deposits", "funds", "fixed_income"],
    ///                               vec!["deposits", "funds", "fixed_income"],
    ///                               vec!["deposits"]])?;
    /// let f = fpgrowth(&b, &MiningParams::new(MinSupport::Count(2)))?;
    /// let next = NextBestProduct::new(&association_rules(&f, &RuleParams::new(Metric::Lift, 1.0))?)?;
    /// let offer = next.best_for_holdings(&ClientRecord::example().holdings).unwrap();
    /// assert_eq!(next.product(&offer), "fixed_income"); // the example holds funds
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn best_for_holdings(&self, h: &Holdings) -> Option<Recommendation> {
        let mut held = [u32::MAX; 6];
        let mut n = 0;
        for (slot, amount) in self.holdings.iter().zip(h.amounts()) {
            if let Some(id) = slot
                && amount > 0.0
            {
                held[n] = *id;
                n += 1;
            }
        }
        let held = &mut held[..n];
        held.sort_unstable();
        self.rules.iter().enumerate().find_map(|(k, r)| {
            let &[c] = r.consequent.as_slice() else {
                return None;
            };
            (held.binary_search(&c).is_err() && subset(&r.antecedent, held)).then_some(
                Recommendation {
                    product: c,
                    rule: k,
                    confidence: r.confidence,
                    lift: r.lift,
                },
            )
        })
    }
}
