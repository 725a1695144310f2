//! Apriori (Agrawal & Srikant 1994), level by level over basket bitsets: slower than
//! FP-growth, kept as an independent cross-check of it.

use super::itemsets::{FrequentItemsets, MiningParams};
use super::{Baskets, IdMap};
use crate::error::Result;

/// Frequent itemsets by Apriori: candidates of length `k + 1` join two frequent
/// `k`-itemsets sharing their first `k − 1` products, are pruned unless every `k`-subset
/// is frequent, and are counted over one bitset of baskets per product. Same results
/// and errors as [`super::fpgrowth`]; memory `N / 8` bytes per frequent product.
///
/// ```
/// use wealthscore::assoc::{Baskets, MiningParams, MinSupport, apriori, fpgrowth};
/// let b = Baskets::from_lists(&[vec!["a", "b", "c"], vec!["a", "b"], vec!["a"], vec!["c"]])?;
/// let p = MiningParams::new(MinSupport::Count(2));
/// assert_eq!(apriori(&b, &p)?, fpgrowth(&b, &p)?);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn apriori(baskets: &Baskets, params: &MiningParams) -> Result<FrequentItemsets> {
    params.validate()?;
    let min_count = params.min_count(baskets.len());
    let words = baskets.len().div_ceil(64);
    let m = baskets.items().len();
    let mut bits = vec![0u64; m * words];
    for (r, b) in baskets.iter().enumerate() {
        for &i in b {
            if let Some(w) = bits.get_mut(i as usize * words + r / 64) {
                *w |= 1 << (r % 64);
            }
        }
    }
    let column = |i: u32| {
        let a = i as usize * words;
        bits.get(a..a + words).unwrap_or(&[])
    };
    let mut out: Vec<(Vec<u32>, u64)> = Vec::new();
    let mut level: Vec<Vec<u32>> = Vec::new();
    for i in 0..m as u32 {
        let c: u64 = column(i).iter().map(|w| u64::from(w.count_ones())).sum();
        if c >= min_count {
            if out.len() >= params.max_itemsets {
                return Err(params.too_many(min_count));
            }
            out.push((vec![i], c));
            level.push(vec![i]);
        }
    }
    let mut k = 1;
    let mut scratch = vec![0u64; words];
    while !level.is_empty() && params.max_len.is_none_or(|l| k < l) {
        let known: IdMap<&[u32], ()> = level.iter().map(|s| (s.as_slice(), ())).collect();
        let mut next = Vec::new();
        for (a, x) in level.iter().enumerate() {
            for y in level.iter().skip(a + 1) {
                if x[..k - 1] != y[..k - 1] {
                    break; // `level` is sorted, so no later set shares the prefix
                }
                let mut cand = x.clone();
                cand.push(y[k - 1]);
                let pruned = (0..cand.len()).any(|drop| {
                    let sub: Vec<u32> = cand
                        .iter()
                        .enumerate()
                        .filter(|&(j, _)| j != drop)
                        .map(|(_, &v)| v)
                        .collect();
                    !known.contains_key(sub.as_slice())
                });
                if pruned {
                    continue;
                }
                scratch.copy_from_slice(column(cand[0]));
                for &i in &cand[1..] {
                    for (s, w) in scratch.iter_mut().zip(column(i)) {
                        *s &= w;
                    }
                }
                let c: u64 = scratch.iter().map(|w| u64::from(w.count_ones())).sum();
                if c >= min_count {
                    if out.len() >= params.max_itemsets {
                        return Err(params.too_many(min_count));
                    }
                    out.push((cand.clone(), c));
                    next.push(cand);
                }
            }
        }
        level = next;
        k += 1;
    }
    Ok(FrequentItemsets::from_raw(baskets, out))
}
