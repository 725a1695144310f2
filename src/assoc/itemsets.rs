//! Mining parameters and the frequent itemsets found.

use super::{Baskets, IdMap};
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// Minimum support, as a share of all baskets or as a count of baskets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum MinSupport {
    /// A share in `(0, 1]`: itemsets held by at least `ceil(share × N)` of the `N`
    /// baskets and whose share is `>= share`, as in mlxtend's `fpgrowth`.
    Share(f64),
    /// At least this many baskets (`>= 1`).
    Count(u64),
}

/// Default cap on the number of frequent itemsets (about 50 MB for short itemsets).
pub const DEFAULT_MAX_ITEMSETS: usize = 1_000_000;

/// How to mine frequent itemsets. Defaults follow mlxtend (`min_support = 0.5`, no
/// length limit) with a memory cap of [`DEFAULT_MAX_ITEMSETS`].
///
/// ```
/// use wealthscore::assoc::{MiningParams, MinSupport};
/// let p = MiningParams::new(MinSupport::Share(0.01)).max_len(3).max_itemsets(10_000);
/// assert!(p.validate().is_ok());
/// assert!(MiningParams::new(MinSupport::Share(1.5)).validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct MiningParams {
    /// Minimum support (default a share of 0.5, mlxtend's default).
    pub min_support: MinSupport,
    /// Longest itemset mined (default none).
    pub max_len: Option<usize>,
    /// Most itemsets kept; mining stops with an error naming this limit beyond it.
    pub max_itemsets: usize,
}

impl Default for MiningParams {
    fn default() -> Self {
        MiningParams {
            min_support: MinSupport::Share(0.5),
            max_len: None,
            max_itemsets: DEFAULT_MAX_ITEMSETS,
        }
    }
}

impl MiningParams {
    /// Default parameters with the given minimum support.
    pub fn new(min_support: MinSupport) -> Self {
        MiningParams {
            min_support,
            ..Self::default()
        }
    }

    /// Sets the longest itemset mined.
    pub fn max_len(mut self, max_len: usize) -> Self {
        self.max_len = Some(max_len);
        self
    }

    /// Sets the cap on the number of itemsets.
    pub fn max_itemsets(mut self, max_itemsets: usize) -> Self {
        self.max_itemsets = max_itemsets;
        self
    }

    /// Checks the parameters: a share in `(0, 1]`, a count `>= 1`, `max_len >= 1`,
    /// `max_itemsets >= 1`.
    pub fn validate(&self) -> Result<()> {
        match self.min_support {
            MinSupport::Share(s) => {
                check::finite("min_support", s)?;
                if s <= 0.0 || s > 1.0 {
                    return Err(Error::invalid(
                        "min_support",
                        s,
                        "a share must lie in (0, 1]; use MinSupport::Count for a number of baskets",
                    ));
                }
            }
            MinSupport::Count(0) => {
                return Err(Error::invalid(
                    "min_support",
                    0,
                    "a count must be at least 1",
                ));
            }
            MinSupport::Count(_) => {}
        }
        if self.max_len == Some(0) {
            return Err(Error::invalid("max_len", 0, "must be at least 1"));
        }
        if self.max_itemsets == 0 {
            return Err(Error::invalid("max_itemsets", 0, "must be at least 1"));
        }
        Ok(())
    }

    /// The smallest basket count that is frequent among `n` baskets (validated params).
    pub(crate) fn min_count(&self, n: usize) -> u64 {
        match self.min_support {
            MinSupport::Count(c) => c,
            MinSupport::Share(s) => {
                // mlxtend: count >= ceil(s * n) while mining, then count / n >= s.
                let mut c = (s * n as f64).ceil().max(1.0) as u64;
                while (c as f64) / (n as f64) < s {
                    c += 1;
                }
                c
            }
        }
    }

    pub(crate) fn too_many(&self, min_count: u64) -> Error {
        Error::config(
            "max_itemsets",
            format!(
                "more than {} frequent itemsets at a minimum support of {min_count} baskets; \
                 raise min_support, set max_len, or raise max_itemsets",
                self.max_itemsets
            ),
        )
    }
}

/// One frequent itemset: product ids ascending, the baskets holding it, its support.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Itemset<'a> {
    /// Product ids, ascending (names in [`FrequentItemsets::items`]).
    pub items: &'a [u32],
    /// Number of baskets holding every product of the set.
    pub count: u64,
    /// `count / N`.
    pub support: f64,
}

/// Frequent itemsets, ordered by length then by product ids.
///
/// ```
/// use wealthscore::assoc::{Baskets, MiningParams, MinSupport, fpgrowth};
/// let b = Baskets::from_lists(&[vec!["a", "b"], vec!["a"], vec!["b", "c"]])?;
/// let f = fpgrowth(&b, &MiningParams::new(MinSupport::Count(2)))?;
/// let names: Vec<Vec<&str>> = f.iter().map(|s| f.names(s.items)).collect();
/// assert_eq!(names, [vec!["a"], vec!["b"]]);
/// assert_eq!(f.support(&[0]), Some(2.0 / 3.0));
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FrequentItemsets {
    pub(crate) products: Vec<String>,
    pub(crate) baskets: usize,
    pub(crate) offsets: Vec<usize>,
    pub(crate) ids: Vec<u32>,
    pub(crate) counts: Vec<u64>,
    pub(crate) index: IdMap<Box<[u32]>, usize>,
}

impl FrequentItemsets {
    /// Builds the collection from raw (ids, count) pairs, sorting each itemset and the
    /// collection.
    pub(crate) fn from_raw(b: &Baskets, mut raw: Vec<(Vec<u32>, u64)>) -> Self {
        for (s, _) in raw.iter_mut() {
            s.sort_unstable();
        }
        raw.sort_unstable_by(|x, y| x.0.len().cmp(&y.0.len()).then_with(|| x.0.cmp(&y.0)));
        let mut offsets = Vec::with_capacity(raw.len() + 1);
        offsets.push(0);
        let mut ids = Vec::new();
        let mut counts = Vec::with_capacity(raw.len());
        let mut index = IdMap::default();
        index.reserve(raw.len());
        for (k, (s, c)) in raw.into_iter().enumerate() {
            ids.extend_from_slice(&s);
            offsets.push(ids.len());
            counts.push(c);
            index.insert(s.into_boxed_slice(), k);
        }
        FrequentItemsets {
            products: b.items().to_vec(),
            baskets: b.len(),
            offsets,
            ids,
            counts,
            index,
        }
    }

    /// Number of itemsets.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether no itemset is frequent.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Number of baskets mined (`N`, empty baskets included).
    pub fn baskets(&self) -> usize {
        self.baskets
    }

    /// Product names; ids index them.
    pub fn items(&self) -> &[String] {
        &self.products
    }

    /// The names of the products of an itemset.
    pub fn names(&self, ids: &[u32]) -> Vec<&str> {
        ids.iter()
            .map(|&i| self.products.get(i as usize).map_or("?", String::as_str))
            .collect()
    }

    /// Itemset `k`.
    pub fn get(&self, k: usize) -> Option<Itemset<'_>> {
        let (&a, &b) = (self.offsets.get(k)?, self.offsets.get(k + 1)?);
        let count = *self.counts.get(k)?;
        Some(Itemset {
            items: self.ids.get(a..b)?,
            count,
            support: count as f64 / self.baskets as f64,
        })
    }

    /// Every itemset, in order.
    pub fn iter(&self) -> impl Iterator<Item = Itemset<'_>> + '_ {
        (0..self.len()).filter_map(move |k| self.get(k))
    }

    /// The basket count of an itemset given as ascending ids, if frequent.
    pub fn count(&self, ids: &[u32]) -> Option<u64> {
        self.index
            .get(ids)
            .and_then(|&k| self.counts.get(k).copied())
    }

    /// The support of an itemset given as ascending ids, if frequent.
    pub fn support(&self, ids: &[u32]) -> Option<f64> {
        self.count(ids).map(|c| c as f64 / self.baskets as f64)
    }
}
