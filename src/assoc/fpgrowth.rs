//! FP-growth (Han, Pei & Yin 2000): frequent itemsets from a prefix tree of the baskets,
//! mined by recursive conditional trees.
//!
//! Our own: no well-kept Rust crate offers FP-growth whose supports and rule metrics
//! follow mlxtend's conventions, which analysts compare against.

use super::Baskets;
use super::itemsets::{FrequentItemsets, MiningParams};
use crate::error::Result;

const ROOT: usize = 0;
const NONE: usize = usize::MAX;

/// An FP-tree over local items `0..m`, 0 the most frequent; node 0 is the root.
struct FpTree {
    item: Vec<u32>,
    count: Vec<u64>,
    parent: Vec<usize>,
    first_child: Vec<usize>,
    next_sibling: Vec<usize>,
    next_same: Vec<usize>,
    /// Per local item: first node of the item, total count, global id, child of the root.
    head: Vec<usize>,
    total: Vec<u64>,
    global: Vec<u32>,
    root_child: Vec<usize>,
    /// Whether some node has two children (else the tree is one path).
    branched: bool,
}

impl FpTree {
    fn new(global: Vec<u32>) -> Self {
        let m = global.len();
        FpTree {
            item: vec![u32::MAX],
            count: vec![0],
            parent: vec![NONE],
            first_child: vec![NONE],
            next_sibling: vec![NONE],
            next_same: vec![NONE],
            head: vec![NONE; m],
            total: vec![0; m],
            global,
            root_child: vec![NONE; m],
            branched: false,
        }
    }

    /// Adds a path of local items (ascending) with weight `w`.
    fn insert(&mut self, path: &[u32], w: u64) {
        let mut node = ROOT;
        for &it in path {
            let i = it as usize;
            self.total[i] += w;
            let mut child = if node == ROOT {
                self.root_child[i]
            } else {
                let mut c = self.first_child[node];
                while c != NONE && self.item[c] != it {
                    c = self.next_sibling[c];
                }
                c
            };
            if child == NONE {
                child = self.item.len();
                if self.first_child[node] != NONE {
                    self.branched = true;
                }
                self.item.push(it);
                self.count.push(0);
                self.parent.push(node);
                self.first_child.push(NONE);
                self.next_sibling.push(self.first_child[node]);
                self.first_child[node] = child;
                self.next_same.push(self.head[i]);
                self.head[i] = child;
                if node == ROOT {
                    self.root_child[i] = child;
                }
            }
            self.count[child] += w;
            node = child;
        }
    }
}

/// State shared by the recursion.
struct Miner<'p> {
    params: &'p MiningParams,
    min_count: u64,
    out: Vec<(Vec<u32>, u64)>,
    suffix: Vec<u32>,
    path: Vec<u32>,
}

impl Miner<'_> {
    fn emit(&mut self, extra: &[u32], count: u64) -> Result<()> {
        if self.out.len() >= self.params.max_itemsets {
            return Err(self.params.too_many(self.min_count));
        }
        let mut s = Vec::with_capacity(self.suffix.len() + extra.len());
        s.extend_from_slice(&self.suffix);
        s.extend_from_slice(extra);
        self.out.push((s, count));
        Ok(())
    }

    /// Whether the output so far plus the itemsets of up to `upto` items drawn from `n`
    /// (beyond the current suffix) exceeds the cap.
    fn subsets_exceed_cap(&self, n: u32, upto: u32) -> bool {
        let cap = self.params.max_itemsets as u128;
        let mut total = self.out.len() as u128;
        let mut binom: u128 = 1;
        for i in 1..=upto.min(n) {
            binom = binom * u128::from(n - i + 1) / u128::from(i);
            total = total.saturating_add(binom);
            if total > cap {
                return true;
            }
        }
        false
    }

    /// How many more items an itemset may take beyond the suffix.
    fn room(&self) -> usize {
        self.params
            .max_len
            .map_or(usize::MAX, |l| l.saturating_sub(self.suffix.len()))
    }

    fn mine(&mut self, t: &FpTree) -> Result<()> {
        if !t.branched {
            return self.mine_path(t);
        }
        for it in (0..t.global.len()).rev() {
            self.suffix.push(t.global[it]);
            // Every subset of a frequent s-itemset is frequent, so the output will hold at
            // least 2^s − 1 itemsets. Failing now also bounds the recursion depth.
            let s = self.suffix.len() as u32;
            if s >= 64 || (1u64 << s) - 1 > self.params.max_itemsets as u64 {
                return Err(self.params.too_many(self.min_count));
            }
            self.emit(&[], t.total[it])?;
            if self.room() > 0
                && let Some(cond) = self.conditional(t, it)
            {
                self.mine(&cond)?;
            }
            self.suffix.pop();
        }
        Ok(())
    }

    /// Every combination of a single path's nodes; the support of a combination is the
    /// count of its deepest node.
    fn mine_path(&mut self, t: &FpTree) -> Result<()> {
        // A one-path tree was built top-down, so nodes 1.. are the path in order.
        let nodes: Vec<(u32, u64)> = (1..t.item.len())
            .map(|n| (t.global[t.item[n] as usize], t.count[n]))
            .collect();
        let room = self.room();
        // The path yields Σ C(len, i) itemsets for i ≤ room: fail before enumerating.
        let len = nodes.len() as u32;
        if self.subsets_exceed_cap(len, room.min(nodes.len()) as u32) {
            return Err(self.params.too_many(self.min_count));
        }
        let mut chosen = Vec::new();
        self.combos(&nodes, 0, room, &mut chosen)
    }

    fn combos(
        &mut self,
        nodes: &[(u32, u64)],
        from: usize,
        room: usize,
        chosen: &mut Vec<u32>,
    ) -> Result<()> {
        if room == chosen.len() {
            return Ok(());
        }
        for k in from..nodes.len() {
            let (id, count) = nodes[k];
            chosen.push(id);
            self.emit(chosen, count)?;
            self.combos(nodes, k + 1, room, chosen)?;
            chosen.pop();
        }
        Ok(())
    }

    /// The conditional tree of local item `it`: its prefix paths, weighted by the item's
    /// count on each, restricted to the items frequent among them.
    fn conditional(&mut self, t: &FpTree, it: usize) -> Option<FpTree> {
        let mut counts = vec![0u64; it];
        let mut n = t.head[it];
        while n != NONE {
            let w = t.count[n];
            let mut p = t.parent[n];
            while p != ROOT {
                counts[t.item[p] as usize] += w;
                p = t.parent[p];
            }
            n = t.next_same[n];
        }
        let mut local = vec![u32::MAX; it];
        let mut global = Vec::new();
        for (j, &c) in counts.iter().enumerate() {
            if c >= self.min_count {
                local[j] = global.len() as u32;
                global.push(t.global[j]);
            }
        }
        if global.is_empty() {
            return None;
        }
        let mut cond = FpTree::new(global);
        let mut n = t.head[it];
        while n != NONE {
            self.path.clear();
            let mut p = t.parent[n];
            while p != ROOT {
                let l = local[t.item[p] as usize];
                if l != u32::MAX {
                    self.path.push(l);
                }
                p = t.parent[p];
            }
            self.path.reverse();
            cond.insert(&self.path, t.count[n]);
            n = t.next_same[n];
        }
        Some(cond)
    }
}

/// Frequent itemsets by FP-growth.
///
/// Errors: invalid parameters (a share outside `(0, 1]`, a zero count, `max_len` 0), or
/// more frequent itemsets than [`MiningParams::max_itemsets`] (the error names it).
///
/// ```
/// use wealthscore::assoc::{Baskets, MiningParams, MinSupport, fpgrowth};
/// let b = Baskets::from_lists(&[vec!["a", "b", "c"], vec!["a", "b"], vec!["a"], vec![]])?;
/// let f = fpgrowth(&b, &MiningParams::new(MinSupport::Share(0.5)))?;
/// assert_eq!(f.len(), 3); // {a} 0.75, {b} 0.5, {a, b} 0.5
/// assert_eq!(f.support(&[0, 1]), Some(0.5));
/// let capped = MiningParams::new(MinSupport::Count(1)).max_itemsets(5);
/// assert!(fpgrowth(&b, &capped).unwrap_err().to_string().contains("max_itemsets"));
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn fpgrowth(baskets: &Baskets, params: &MiningParams) -> Result<FrequentItemsets> {
    params.validate()?;
    let min_count = params.min_count(baskets.len());
    let mut counts = vec![0u64; baskets.items().len()];
    for b in baskets.iter() {
        for &i in b {
            if let Some(c) = counts.get_mut(i as usize) {
                *c += 1;
            }
        }
    }
    // Most frequent first (ties by id): short, shared prefixes.
    let mut order: Vec<u32> = (0..counts.len() as u32)
        .filter(|&i| counts[i as usize] >= min_count)
        .collect();
    order.sort_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b)));
    let mut local = vec![u32::MAX; counts.len()];
    for (l, &g) in order.iter().enumerate() {
        local[g as usize] = l as u32;
    }
    let mut miner = Miner {
        params,
        min_count,
        out: Vec::new(),
        suffix: Vec::new(),
        path: Vec::new(),
    };
    if !order.is_empty() {
        let mut tree = FpTree::new(order);
        let mut path = Vec::new();
        for b in baskets.iter() {
            path.clear();
            path.extend(
                b.iter()
                    .filter_map(|&i| local.get(i as usize).copied())
                    .filter(|&l| l != u32::MAX),
            );
            path.sort_unstable();
            tree.insert(&path, 1);
        }
        miner.mine(&tree)?;
    }
    Ok(FrequentItemsets::from_raw(baskets, miner.out))
}
