//! Cross-selling: frequent itemsets, association rules and the next-best product.
//!
//! "Clients who hold X tend to hold Y": the module turns product holdings into
//! [`Baskets`] (one per client), finds the frequent itemsets by FP-growth
//! ([`fpgrowth`]; [`apriori`] is a slower cross-check), derives [`association_rules`]
//! with every metric mlxtend 0.25 reports, and ranks for one client the products it does
//! not hold yet ([`NextBestProduct`]), each with the rule that explains it.
//!
//! Conventions follow mlxtend, the tool analysts use, so figures can be compared:
//! - the support of an itemset is the share of **all** baskets holding it; empty baskets
//!   (a client with no product) are allowed and count in that denominator, as an
//!   all-`False` row does in mlxtend;
//! - a share `s` as minimum support keeps the itemsets held by at least `ceil(s × N)`
//!   baskets whose share is `>= s` (mlxtend's `fpgrowth`);
//! - rule metrics are computed with mlxtend's formulas, in its order of operations, so
//!   they agree to the last few bits; [`Rule::conviction`] is `f64::INFINITY` when the
//!   confidence is 1 (mlxtend gives `inf`) and is written as JSON `null`.
//!
//! Memory stays bounded: [`MiningParams::max_itemsets`] and [`RuleParams::max_rules`]
//! stop the search with an error naming the limit instead of exhausting memory.
//!
//! ```
//! use wealthscore::assoc::{Baskets, MiningParams, MinSupport, RuleParams, Metric,
//!                          fpgrowth, association_rules, NextBestProduct};
//!
//! let baskets = Baskets::from_lists(&[
//!     vec!["deposits", "funds"],
//!     vec!["deposits", "funds", "insurance"],
//!     vec!["deposits", "insurance"],
//!     vec!["deposits", "funds"],
//! ])?;
//! let itemsets = fpgrowth(&baskets, &MiningParams::new(MinSupport::Share(0.5)))?;
//! assert_eq!(itemsets.len(), 5); // 3 products, {deposits, funds}, {deposits, insurance}
//! let rules = association_rules(&itemsets, &RuleParams::new(Metric::Confidence, 0.7))?;
//! // funds → deposits holds for every client with funds.
//! let r = rules.iter().find(|r| rules.names(&r.antecedent) == ["funds"]).unwrap();
//! assert_eq!(r.confidence, 1.0);
//! assert_eq!(r.conviction, f64::INFINITY);
//!
//! let next = NextBestProduct::new(&rules)?;
//! let offers = next.recommend(&["funds"])?;
//! assert_eq!(next.product(&offers[0]), "deposits");
//! # Ok::<(), wealthscore::Error>(())
//! ```

mod apriori;
mod baskets;
mod fpgrowth;
mod itemsets;
mod nextbest;
mod rules;

pub use apriori::apriori;
pub use baskets::{Baskets, MAX_BASKETS, MAX_ITEMS};
pub use fpgrowth::fpgrowth;
pub use itemsets::{DEFAULT_MAX_ITEMSETS, FrequentItemsets, Itemset, MinSupport, MiningParams};
pub use nextbest::{NextBestProduct, Recommendation};
pub use rules::{DEFAULT_MAX_RULES, Metric, Rule, RuleParams, Rules, association_rules};

/// A small, fast hasher for item-id keys: std's SipHash resists hash flooding, which
/// internal keys built from validated ids do not need, and costs several times more.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        // FxHash's multiply-rotate step.
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type IdMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;
