//! Flat tree ensembles shared by the forest and the boosted model: validation of the node
//! arrays, the packed scoring layout, batch walks, and path-dependent TreeSHAP.
//!
//! Layout: trees occupy consecutive node ranges starting at their roots; a split node's
//! children sit next to each other after it (`left`, `left + 1`), `left == 0` marks a
//! leaf. A row goes left when `x[feature] <= threshold`. `cover` is the training weight
//! that reached the node (the children's covers add up to the parent's).

use std::sync::OnceLock;

use crate::error::{Error, Result};

/// Deepest tree allowed in either ensemble.
pub(crate) const MAX_DEPTH: usize = 40;

/// A node packed into 16 bytes, so that a visit touches one cache line. A leaf points at
/// itself (`left` = its own index) with an infinite threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Node {
    pub threshold: f64,
    pub feature: u32,
    pub left: u32,
}

/// Borrowed node arrays of an ensemble.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arrays<'a> {
    pub roots: &'a [u32],
    pub feature: &'a [u16],
    pub threshold: &'a [f64],
    pub left: &'a [u32],
    pub value: &'a [f64],
    pub cover: &'a [f64],
}

/// What validation derives from valid arrays.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Packed {
    pub nodes: Vec<Node>,
    /// Shape of each tree, for batch walks.
    tree_depth: Vec<Depth>,
    /// Cover-weighted mean leaf value of each tree (the tree's expected value).
    pub expected: Vec<f64>,
    /// The byte layout of batch walks, when every feature splits at 255 values or fewer.
    binned: Option<Binned>,
}

/// How deep a tree's leaves lie.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Depth {
    deepest: u8,
    shallowest: u8,
    /// Whether a walk should test for rows that all reached their leaves: worth it when
    /// rows end well above the deepest leaf (leaf-wise trees), a waste of a third of the
    /// instructions when nearly all end at the bottom (depth-limited trees).
    stop_early: bool,
}

/// Batch walks compare bytes, not f64s: a value is replaced by the number of its
/// feature's distinct split thresholds below it, and a threshold by its rank among them.
/// With thresholds `t_0 < t_1 < …`, `x > t_k` exactly when more than `k` thresholds lie
/// below `x`, so every row reaches the same leaf. A block of rows is then a few kB and
/// stays in L1 next to the tree (as f64s it spilled to L2, and every step waited on it).
///
/// A block is binned column by column (feature `f` of row `r` at `f * stride + r`), so the
/// top [`TOP`] levels of a tree can be walked for the whole block at once: each of their
/// nodes is one compare over a byte column, which the compiler turns into vector
/// instructions (16 or 32 rows a step) where a row-at-a-time walk pays a dependent load
/// per level. Only the levels below are walked row by row.
#[derive(Debug, Clone, PartialEq)]
struct Binned {
    /// Distinct thresholds of feature `f`, ascending: `cuts[cut_start[f]..cut_start[f + 1]]`.
    cuts: Vec<f64>,
    cut_start: Vec<usize>,
    nodes: Vec<ByteNode>,
    /// Rows of a block; a feature's column starts at `f * stride`.
    stride: usize,
    /// The top levels of each tree, in tree order.
    tops: Vec<Top>,
    /// For each small tree (see [`Binned::walk_block`]), its splits' range in `splits`.
    whole: Vec<Option<(usize, usize)>>,
    splits: Vec<Split>,
}

/// A split of a small tree walked whole over a block: rows at node `at` (numbered from
/// the tree's root) move to `left + (bins[off + row] > rank)`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Split {
    at: u8,
    left: u8,
    off: u16,
    rank: u8,
}

/// A split on `bins[off + row] > rank` (`off` is the feature's column start); a leaf
/// points at itself with rank 255, which no byte exceeds.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ByteNode {
    left: u32,
    off: u16,
    rank: u8,
}

/// Levels of a tree walked column-wise over a block of rows.
const TOP: usize = 5;

/// A tree's first [`TOP`] levels as a complete tree in level order: slot `2^k − 1 + j`
/// holds position `j` of level `k`. A leaf above the last level fills its slot and the
/// slots below it with rank 255 (no row goes right), so a row's position at level
/// [`TOP`] names the node it has reached, in `exit`.
#[derive(Debug, Clone, PartialEq)]
struct Top {
    off: [u16; (1 << TOP) - 1],
    rank: [u8; (1 << TOP) - 1],
    exit: [u32; 1 << TOP],
}

impl Top {
    fn of(nodes: &[ByteNode], root: u32) -> Option<Top> {
        let mut t = Top {
            off: [0; (1 << TOP) - 1],
            rank: [u8::MAX; (1 << TOP) - 1],
            exit: [root; 1 << TOP],
        };
        let mut at = [root; 1 << TOP];
        for k in 0..TOP {
            let width = 1 << k;
            let mut below = [root; 1 << TOP];
            for j in 0..width {
                let i = at[j];
                let n = *nodes.get(i as usize)?;
                if n.left != i {
                    t.off[width - 1 + j] = n.off;
                    t.rank[width - 1 + j] = n.rank;
                }
                // A leaf's step leads to itself: both its slots below hold it.
                below[2 * j] = n.left;
                below[2 * j + 1] = if n.left == i { i } else { n.left + 1 };
            }
            at = below;
        }
        t.exit = at;
        Some(t)
    }
}

impl Binned {
    fn new(a: &Arrays<'_>, n_features: usize, tree_depth: &[Depth]) -> Option<Binned> {
        if n_features == 0 || n_features * LANES > BIN_BYTES {
            return None;
        }
        let stride = (BIN_BYTES / n_features).min(BLOCK_ROWS);
        let mut by_feature: Vec<Vec<f64>> = vec![Vec::new(); n_features];
        for i in 0..a.left.len() {
            if a.left[i] != 0 {
                by_feature
                    .get_mut(usize::from(a.feature[i]))?
                    .push(a.threshold[i]);
            }
        }
        let mut cuts = Vec::new();
        let mut cut_start = Vec::with_capacity(n_features + 1);
        for t in &mut by_feature {
            // Thresholds are finite (checked by `pack`).
            t.sort_by(f64::total_cmp);
            t.dedup_by(|a, b| a == b);
            if t.len() > 255 {
                return None;
            }
            cut_start.push(cuts.len());
            cuts.extend_from_slice(t);
        }
        cut_start.push(cuts.len());
        let mut nodes = Vec::with_capacity(a.left.len());
        for i in 0..a.left.len() {
            nodes.push(if a.left[i] == 0 {
                ByteNode {
                    left: i as u32,
                    off: 0,
                    rank: u8::MAX,
                }
            } else {
                let f = usize::from(a.feature[i]);
                let mine = cuts.get(*cut_start.get(f)?..*cut_start.get(f + 1)?)?;
                let rank = mine.partition_point(|&c| c < a.threshold[i]);
                ByteNode {
                    left: a.left[i],
                    // Below BIN_BYTES = 2^14.
                    off: u16::try_from(f * stride).ok()?,
                    rank: u8::try_from(rank).ok()?,
                }
            });
        }
        let tops = a
            .roots
            .iter()
            .map(|&r| Top::of(&nodes, r))
            .collect::<Option<Vec<_>>>()?;
        let mut whole = Vec::with_capacity(a.roots.len());
        let mut splits = Vec::new();
        for (t, &r) in a.roots.iter().enumerate() {
            let r = r as usize;
            let end = a.roots.get(t + 1).map_or(a.left.len(), |&e| e as usize);
            let tree = nodes.get(r..end)?;
            let n_splits = tree.iter().filter(|n| n.rank != u8::MAX).count();
            let deepest = usize::from(tree_depth.get(t)?.deepest);
            // A row-wise step costs about ten instructions a row, a split walked over a
            // block about one (a vector compare and select per 16 rows): a tree with
            // fewer than eight splits per level of depth is cheaper walked whole.
            if tree.len() > 256 || n_splits > 8 * deepest {
                whole.push(None);
                continue;
            }
            let from = splits.len();
            for (i, n) in tree.iter().enumerate() {
                if n.rank != u8::MAX {
                    splits.push(Split {
                        at: u8::try_from(i).ok()?,
                        left: u8::try_from(n.left as usize - r).ok()?,
                        off: n.off,
                        rank: n.rank,
                    });
                }
            }
            whole.push(Some((from, splits.len())));
        }
        Some(Binned {
            cuts,
            cut_start,
            nodes,
            stride,
            tops,
            whole,
            splits,
        })
    }

    /// Writes the byte of every value of the row-major block `xb` (`p` columns, at most
    /// `stride` rows) into the columns of `bins`, a feature at a time so that its
    /// thresholds stay in registers and cache.
    fn bin_block(&self, xb: &[f64], p: usize, bins: &mut [u8]) {
        for f in 0..p {
            let (Some(&s), Some(&e)) = (self.cut_start.get(f), self.cut_start.get(f + 1)) else {
                return;
            };
            let Some(cuts) = self.cuts.get(s..e) else {
                return;
            };
            let rows = xb.len() / p;
            let Some(col) = bins.get_mut(f * self.stride..f * self.stride + rows) else {
                return;
            };
            if cuts.is_empty() {
                // Never read: no node splits on the feature.
                continue;
            }
            // Eight rows searched abreast: each search is a chain of dependent loads,
            // eight chains overlap.
            let mut rows = xb.chunks_exact(p * LANES);
            let mut outs = col.chunks_exact_mut(LANES);
            for (group, o) in rows.by_ref().zip(outs.by_ref()) {
                let v: [f64; LANES] = std::array::from_fn(|k| group[k * p + f]);
                o.copy_from_slice(&count_below_lanes(cuts, &v));
            }
            for (b, row) in outs
                .into_remainder()
                .iter_mut()
                .zip(rows.remainder().chunks_exact(p))
            {
                *b = count_below(cuts, row[f]);
            }
        }
    }

    /// Adds to each `ob[r]` the leaf value row `r` of the binned block reaches in every
    /// tree, in tree order. `pos` and `acc` are scratch of [`BLOCK_ROWS`] bytes.
    #[allow(clippy::too_many_arguments)]
    fn walk_block(
        &self,
        roots: &[u32],
        tree_depth: &[Depth],
        value: &[f64],
        bins: &[u8; BIN_BYTES + BLOCK_ROWS],
        ob: &mut [f64],
        pos: &mut [u8; BLOCK_ROWS],
        acc: &mut [u8; BLOCK_ROWS],
    ) {
        let m = ob.len().min(BLOCK_ROWS);
        let (pos, acc) = (&mut pos[..m], &mut acc[..m]);
        // Row `k` of the window `w` starting at a group's first row: column starts and
        // rows stay below BIN_BYTES (a power of two), so the mask changes no index and
        // leaves the compiler no bounds check, and the lane's row is a constant.
        let step = |w: &[u8; BIN_BYTES], i: usize, k: usize| {
            let n = self.nodes[i];
            n.left as usize + usize::from(w[(usize::from(n.off) + k) & (BIN_BYTES - 1)] > n.rank)
        };
        for (((top, d), whole), &root) in
            self.tops.iter().zip(tree_depth).zip(&self.whole).zip(roots)
        {
            if let Some(&(from, to)) = whole.as_ref() {
                // Each row's node, all rows one split at a time; children come after
                // their parent, so one pass in node order takes every row to its leaf.
                pos.fill(0);
                for sp in self.splits.get(from..to).unwrap_or_default() {
                    let off = usize::from(sp.off);
                    let Some(col) = bins.get(off..off + m) else {
                        continue;
                    };
                    for (p, &v) in pos.iter_mut().zip(col) {
                        let next = sp.left + u8::from(v > sp.rank);
                        *p = if *p == sp.at { next } else { *p };
                    }
                }
                let root = root as usize;
                for (o, &p) in ob.iter_mut().zip(pos.iter()) {
                    *o += value[root + usize::from(p)];
                }
                continue;
            }
            // Each row's position in the top levels, all rows one level at a time.
            pos.fill(0);
            let levels = usize::from(d.deepest).min(TOP);
            for k in 0..levels {
                let width = 1usize << k;
                acc.fill(0);
                for j in 0..width {
                    let rank = top.rank[width - 1 + j];
                    if rank == u8::MAX {
                        // A leaf above the bottom: its rows stay left.
                        continue;
                    }
                    let off = usize::from(top.off[width - 1 + j]);
                    let Some(col) = bins.get(off..off + m) else {
                        continue;
                    };
                    let j = j as u8;
                    for ((a, &p), &v) in acc.iter_mut().zip(pos.iter()).zip(col) {
                        *a |= u8::from(p == j) & u8::from(v > rank);
                    }
                }
                for (p, &a) in pos.iter_mut().zip(acc.iter()) {
                    *p = 2 * *p + a;
                }
            }
            let shift = TOP - levels;
            let exit =
                |r: usize| top.exit[(usize::from(pos[r]) << shift) & ((1 << TOP) - 1)] as usize;
            let rest = usize::from(d.deepest).saturating_sub(TOP);
            // No row reaches a leaf before the shallowest one.
            let unchecked = if d.stop_early {
                usize::from(d.shallowest).saturating_sub(TOP)
            } else {
                rest
            };
            let mut groups = ob.chunks_exact_mut(LANES);
            for (g, o) in groups.by_ref().enumerate() {
                let base = g * LANES;
                let Some(Ok(w)) = bins
                    .get(base..base + BIN_BYTES)
                    .map(<&[u8; BIN_BYTES]>::try_from)
                else {
                    continue;
                };
                // Eight rows walk the levels below together for a fixed number of
                // steps: their loads overlap instead of waiting on each other, and no
                // branch depends on the data.
                let mut idx: [usize; LANES] = std::array::from_fn(|k| exit(base + k));
                for _ in 0..unchecked {
                    for (k, i) in idx.iter_mut().enumerate() {
                        *i = step(w, *i, k);
                    }
                }
                for _ in unchecked..rest {
                    // Leaf-wise trees are deep in places and shallow elsewhere: stop at
                    // the group's own depth, once no lane moves.
                    let mut moved = false;
                    for (k, i) in idx.iter_mut().enumerate() {
                        let next = step(w, *i, k);
                        moved |= next != *i;
                        *i = next;
                    }
                    if !moved {
                        break;
                    }
                }
                for (o, &i) in o.iter_mut().zip(&idx) {
                    *o += value[i];
                }
            }
            let done = m - m % LANES;
            let Some(Ok(w)) = bins
                .get(done..done + BIN_BYTES)
                .map(<&[u8; BIN_BYTES]>::try_from)
            else {
                continue;
            };
            for (k, o) in groups.into_remainder().iter_mut().enumerate() {
                let mut i = exit(done + k);
                loop {
                    let next = step(w, i, k);
                    if next == i {
                        break;
                    }
                    i = next;
                }
                *o += value[i];
            }
        }
    }
}

/// [`count_below`] for eight values at once.
#[inline]
fn count_below_lanes(cuts: &[f64], v: &[f64; LANES]) -> [u8; LANES] {
    let mut base = [0usize; LANES];
    let mut len = cuts.len();
    while len > 1 {
        let half = len / 2;
        for (b, &x) in base.iter_mut().zip(v) {
            *b = std::hint::select_unpredictable(x > cuts[*b + half - 1], *b + half, *b);
        }
        len -= half;
    }
    std::array::from_fn(|k| (base[k] + usize::from(v[k] > cuts[base[k]])) as u8)
}

/// How many of the ascending `cuts` (1 to 255 of them) lie below `v`: a binary search
/// without data-dependent branches, so rows in flight do not mispredict.
#[inline]
fn count_below(cuts: &[f64], v: f64) -> u8 {
    let mut base = 0usize;
    let mut len = cuts.len();
    // The answer lies in base..=base + len.
    while len > 1 {
        let half = len / 2;
        // Without the hint the compiler branches here, and half the rows mispredict.
        base = std::hint::select_unpredictable(v > cuts[base + half - 1], base + half, base);
        len -= half;
    }
    (base + usize::from(v > cuts[base])) as u8
}

/// Checks the arrays (sizes, ranges, children after parents and inside their tree, so no
/// cycles; finite values; positive covers that add up) and packs them for scoring.
pub(crate) fn pack(
    a: &Arrays<'_>,
    n_features: usize,
    max_trees: usize,
    max_nodes: usize,
) -> Result<Packed> {
    let n = a.value.len();
    if a.roots.is_empty() || a.roots.len() > max_trees {
        return Err(Error::model(format!(
            "{} trees (1..={max_trees} allowed)",
            a.roots.len()
        )));
    }
    if n > max_nodes {
        return Err(Error::model(format!("{n} nodes exceed {max_nodes}")));
    }
    if a.feature.len() != n || a.threshold.len() != n || a.left.len() != n || a.cover.len() != n {
        return Err(Error::model(format!(
            "node arrays differ in length: feature {}, threshold {}, left {}, cover {}, value {n}",
            a.feature.len(),
            a.threshold.len(),
            a.left.len(),
            a.cover.len()
        )));
    }
    let mut depth = vec![0u8; n];
    let mut has_parent = vec![false; n];
    let mut tree_depth = Vec::with_capacity(a.roots.len());
    let mut expected = Vec::with_capacity(a.roots.len());
    for (t, &r) in a.roots.iter().enumerate() {
        let r = r as usize;
        let end = a.roots.get(t + 1).map_or(n, |&e| e as usize);
        if (t == 0 && r != 0) || r >= end || end > n {
            return Err(Error::model(format!("tree {t} has an invalid node range")));
        }
        let mut deepest = 0u8;
        let mut shallowest = u8::MAX;
        let mut leaf_sum = 0.0;
        let mut depth_sum = 0.0;
        for i in r..end {
            if !a.value[i].is_finite() {
                return Err(Error::model(format!("node {i} has a non-finite value")));
            }
            if !(a.cover[i].is_finite() && a.cover[i] > 0.0) {
                return Err(Error::model(format!(
                    "node {i} has cover {} (must be positive and finite)",
                    a.cover[i]
                )));
            }
            let l = a.left[i] as usize;
            if l == 0 {
                leaf_sum += a.cover[i] * a.value[i];
                shallowest = shallowest.min(depth[i]);
                depth_sum += a.cover[i] * f64::from(depth[i]);
                continue;
            }
            // Children after their parent and inside the tree: no cycles, no escape.
            if l <= i || l + 1 >= end {
                return Err(Error::model(format!(
                    "node {i} has child {l} outside its tree"
                )));
            }
            if usize::from(a.feature[i]) >= n_features {
                return Err(Error::model(format!(
                    "node {i} splits on feature {} of {n_features}",
                    a.feature[i]
                )));
            }
            if !a.threshold[i].is_finite() {
                return Err(Error::model(format!("node {i} has a non-finite threshold")));
            }
            let sum = a.cover[l] + a.cover[l + 1];
            if (sum - a.cover[i]).abs() > 1e-9 * a.cover[i] {
                return Err(Error::model(format!(
                    "node {i} has cover {} but its children {sum}",
                    a.cover[i]
                )));
            }
            if usize::from(depth[i]) >= MAX_DEPTH {
                return Err(Error::model(format!(
                    "tree {t} is deeper than {MAX_DEPTH} levels"
                )));
            }
            // Every node but a root has exactly one parent, so each tree is a tree (one-row
            // and batch walks reach the same leaf).
            for c in [l, l + 1] {
                if has_parent[c] {
                    return Err(Error::model(format!(
                        "node {c} of tree {t} has two parents (the second is node {i}); \
                         a tree's nodes must each have one parent"
                    )));
                }
                has_parent[c] = true;
            }
            depth[l] = depth[i] + 1;
            depth[l + 1] = depth[i] + 1;
            deepest = deepest.max(depth[i] + 1);
        }
        // Every node but the root is the child of exactly one node: no orphans, no sharing.
        if let Some(i) = (r + 1..end).find(|&i| !has_parent[i]) {
            return Err(Error::model(format!(
                "node {i} of tree {t} has no parent (only the root, node {r}, may lack one)"
            )));
        }
        tree_depth.push(Depth {
            deepest,
            shallowest: shallowest.min(deepest),
            // The mean row's leaf (by training cover) lies over a level above the deepest.
            stop_early: depth_sum / a.cover[r] < f64::from(deepest) - 1.0,
        });
        expected.push(leaf_sum / a.cover[r]);
    }
    // Leaves point at themselves with an infinite threshold, so that a walk of fixed
    // length (the tree's depth) ends on the leaf whatever its depth.
    let nodes = (0..n)
        .map(|i| {
            if a.left[i] == 0 {
                Node {
                    threshold: f64::INFINITY,
                    feature: 0,
                    left: i as u32,
                }
            } else {
                Node {
                    threshold: a.threshold[i],
                    feature: u32::from(a.feature[i]),
                    left: a.left[i],
                }
            }
        })
        .collect();
    let binned = Binned::new(a, n_features, &tree_depth);
    Ok(Packed {
        nodes,
        tree_depth,
        expected,
        binned,
    })
}

/// Leaf reached by `x` from `root` (`x` holds every feature the nodes use).
#[inline]
pub(crate) fn leaf(nodes: &[Node], root: u32, x: &[f64]) -> usize {
    let mut i = root as usize;
    loop {
        let node = nodes[i];
        if node.left as usize == i {
            return i;
        }
        i = node.left as usize + usize::from(x[node.feature as usize] > node.threshold);
    }
}

/// `init` plus the leaf values one row `x` (finite, every feature) reaches, trees added in
/// order. Eight depth-limited trees are walked abreast to their bottom without
/// data-dependent branches (alone, the walk mispredicts about every other level);
/// leaf-wise trees, whose rows mostly end far above the bottom, are walked one by one.
pub(crate) fn one_row_sum(
    packed: &Packed,
    roots: &[u32],
    value: &[f64],
    x: &[f64],
    init: f64,
) -> f64 {
    let nodes = &packed.nodes;
    let mut z = init;
    let mut trees = roots.chunks_exact(LANES);
    let mut depths = packed.tree_depth.chunks_exact(LANES);
    for (rs, ds) in trees.by_ref().zip(depths.by_ref()) {
        if ds.iter().any(|d| d.stop_early) {
            for &r in rs {
                z += value[leaf(nodes, r, x)];
            }
            continue;
        }
        let mut idx: [usize; LANES] = std::array::from_fn(|k| rs[k] as usize);
        let deepest = ds.iter().map(|d| d.deepest).max().unwrap_or(0);
        for _ in 0..deepest {
            for i in &mut idx {
                let n = nodes[*i];
                *i = n.left as usize + usize::from(x[n.feature as usize] > n.threshold);
            }
        }
        for &i in &idx {
            z += value[i];
        }
    }
    for &r in trees.remainder() {
        z += value[leaf(nodes, r, x)];
    }
    z
}

/// Largest block of row bytes a batch walk bins at once (on the stack, so that batch
/// scoring allocates nothing).
const BIN_BYTES: usize = 16 * 1024;
/// Rows per block: enough that a tree's nodes are fetched once for many rows, few enough
/// that the block and the tree share L1.
const BLOCK_ROWS: usize = 512;
/// Rows that walk a tree abreast.
const LANES: usize = 8;

/// Scores the row-major rows `x` (`p` columns, `out.len()` rows): each `out[k]` becomes
/// `finish(init + Σ leaf values)`, the trees added in order, so the sums equal
/// [`leaf`]'s row by row. The first row holding a non-finite value fails the call.
#[allow(clippy::too_many_arguments)]
pub(crate) fn leaf_sums_into(
    packed: &Packed,
    roots: &[u32],
    value: &[f64],
    x: &[f64],
    p: usize,
    out: &mut [f64],
    init: f64,
    finish: impl Fn(f64) -> f64,
) -> Result<()> {
    if p == 0 {
        // No feature, no split: every tree is its root leaf.
        let z = roots
            .iter()
            .fold(init, |z, &r| z + value[leaf(&packed.nodes, r, &[])]);
        out.iter_mut().for_each(|o| *o = finish(z));
        return Ok(());
    }
    let depth = &packed.tree_depth;
    match &packed.binned {
        // Built for `p` features (always so: callers check the row width).
        Some(b) if b.cut_start.len() == p + 1 && b.tops.len() == roots.len() => {
            let rows = b.stride;
            // A window of BIN_BYTES from any row of the block lies inside.
            let mut bins = [0u8; BIN_BYTES + BLOCK_ROWS];
            let mut pos = [0u8; BLOCK_ROWS];
            let mut acc = [0u8; BLOCK_ROWS];
            for (k, (xb, ob)) in x.chunks(rows * p).zip(out.chunks_mut(rows)).enumerate() {
                check_block(xb, p, k * rows)?;
                b.bin_block(xb, p, &mut bins);
                ob.fill(init);
                b.walk_block(roots, depth, value, &bins, ob, &mut pos, &mut acc);
                ob.iter_mut().for_each(|o| *o = finish(*o));
            }
        }
        _ => {
            let rows = BLOCK_ROWS / 2;
            for (k, (xb, ob)) in x.chunks(rows * p).zip(out.chunks_mut(rows)).enumerate() {
                check_block(xb, p, k * rows)?;
                ob.fill(init);
                let step = |i: usize, row: &[f64], at: usize| {
                    let n = packed.nodes[i];
                    n.left as usize + usize::from(row[at + n.feature as usize] > n.threshold)
                };
                walk_block(roots, depth, value, xb, p, ob, step);
                ob.iter_mut().for_each(|o| *o = finish(*o));
            }
        }
    }
    Ok(())
}

/// Names the first non-finite value of the block whose first row is row `first`.
fn check_block(xb: &[f64], p: usize, first: usize) -> Result<()> {
    for (i, row) in xb.chunks_exact(p).enumerate() {
        if row.iter().any(|v| !v.is_finite()) {
            super::check_row(row, first + i)?;
        }
    }
    Ok(())
}

/// Adds to each `ob[k]` the leaf value row `k` of the row-major block `xb` reaches in
/// every tree, in tree order; `step(i, rows, at)` is the node after node `i` for the row
/// starting at `rows[at]` (a leaf's is itself).
#[inline(always)]
fn walk_block<T>(
    roots: &[u32],
    tree_depth: &[Depth],
    value: &[f64],
    xb: &[T],
    p: usize,
    ob: &mut [f64],
    step: impl Fn(usize, &[T], usize) -> usize,
) {
    for (&r, d) in roots.iter().zip(tree_depth) {
        let mut groups = xb.chunks_exact(p * LANES);
        let mut outs = ob.chunks_exact_mut(LANES);
        // Eight rows walk a tree together for a fixed number of steps: their loads
        // overlap instead of waiting on each other, and no branch depends on the data.
        for (group, o) in groups.by_ref().zip(outs.by_ref()) {
            let mut idx = [r as usize; LANES];
            // No row reaches a leaf before the shallowest one.
            let unchecked = if d.stop_early {
                d.shallowest
            } else {
                d.deepest
            };
            for _ in 0..unchecked {
                for (k, i) in idx.iter_mut().enumerate() {
                    *i = step(*i, group, k * p);
                }
            }
            for _ in unchecked..d.deepest {
                // Leaf-wise trees are deep in places and shallow elsewhere: stop at the
                // group's own depth, once no lane moves (every lane sits on a leaf).
                let mut moved = false;
                for (k, i) in idx.iter_mut().enumerate() {
                    let next = step(*i, group, k * p);
                    moved |= next != *i;
                    *i = next;
                }
                if !moved {
                    break;
                }
            }
            for (o, &i) in o.iter_mut().zip(&idx) {
                *o += value[i];
            }
        }
        for (row, o) in groups
            .remainder()
            .chunks_exact(p)
            .zip(outs.into_remainder())
        {
            let mut i = r as usize;
            loop {
                let next = step(i, row, 0);
                if next == i {
                    break;
                }
                i = next;
            }
            *o += value[i];
        }
    }
}

/// Most Gauss–Legendre points a tree needs (trees are at most [`MAX_DEPTH`] deep).
const QMAX: usize = MAX_DEPTH.div_ceil(2);
// `tree_shap` lists the rule lengths 1..=QMAX.
const _: () = assert!(QMAX == 20);

/// Gauss–Legendre nodes and weights on [0, 1] for 1 to [`QMAX`] points, rule `n` at
/// offset `n(n − 1)/2`. Our own: the classic Newton iteration on Legendre polynomials is
/// a dozen lines, and we need the rules once, at these sizes only.
fn rules() -> &'static [(f64, f64)] {
    // A fixed array: the first explanation allocates nothing either.
    static RULES: OnceLock<[(f64, f64); QMAX * (QMAX + 1) / 2]> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut all = [(0.0, 0.0); QMAX * (QMAX + 1) / 2];
        for n in 1..=QMAX {
            gauss_legendre(&mut all[n * (n - 1) / 2..n * (n + 1) / 2]);
        }
        all
    })
}

/// The Gauss–Legendre rule on [0, 1] of `rule.len()` points into `rule`: exact for
/// polynomials of degree `2n − 1`.
fn gauss_legendre(rule: &mut [(f64, f64)]) {
    let n = rule.len();
    let nf = n as f64;
    for i in 0..n.div_ceil(2) {
        let mut z = (std::f64::consts::PI * (i as f64 + 0.75) / (nf + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            let (mut p1, mut p2) = (1.0, 0.0);
            for j in 1..=n {
                let p3 = p2;
                p2 = p1;
                let jf = j as f64;
                p1 = ((2.0 * jf - 1.0) * z * p2 - (jf - 1.0) * p3) / jf;
            }
            dp = nf * (z * p1 - p2) / (z * z - 1.0);
            let dz = p1 / dp;
            z -= dz;
            if dz.abs() <= 1e-16 {
                break;
            }
        }
        let w = 1.0 / ((1.0 - z * z) * dp * dp);
        rule[i] = ((1.0 - z) / 2.0, w);
        rule[n - 1 - i] = ((1.0 + z) / 2.0, w);
    }
}

/// Adds `scale ×` the path-dependent TreeSHAP values of every tree of `a` at `x` into
/// `phi`: the Shapley values of Lundberg, Erion et al. 2020 ("From local explanations to
/// global understanding with explainable AI for trees", Algorithm 2 computes the same
/// numbers in O(L D²)). Per tree they add up to the leaf value reached minus the tree's
/// expected value.
///
/// A leaf of value `v` whose path holds the distinct features `D`, each with its
/// cover share `z_j` and whether `x` follows it `o_j`, gives feature `i`
/// `v (o_i − z_i) Σ_S |S|! (|D| − 1 − |S|)! / |D|! Π_S o_j Π_rest z_j`, which is
/// `v (o_i − z_i) ∫₀¹ Π_{j ≠ i} (z_j (1 − t) + o_j t) dt`, a polynomial of degree below the
/// tree's depth, so a Gauss–Legendre rule of ⌈depth / 2⌉ points integrates it exactly
/// (the idea of Yu et al. 2022, "Linear TreeShap"). The products grow down the tree and
/// the leaf sums come back up, so a tree costs O(nodes × depth / 2) and allocates nothing.
pub(crate) fn tree_shap(a: &Arrays<'_>, packed: &Packed, x: &[f64], scale: f64, phi: &mut [f64]) {
    let all = rules();
    for (&r, depth) in a.roots.iter().zip(&packed.tree_depth) {
        let n = usize::from(depth.deepest).div_ceil(2);
        let Some(rule) = all.get(n * n.saturating_sub(1) / 2..n * (n + 1) / 2) else {
            continue;
        };
        let (nodes, root) = (&packed.nodes[..], r as usize);
        // Fixed-size arrays per rule length, so the loops over points unroll.
        macro_rules! by_points {
            ($($k:literal)*) => {
                match n {
                    $($k => Shap::<$k>::new(a, nodes, x, &mut *phi, scale, rule).run(root),)*
                    _ => {} // a lone leaf explains nothing
                }
            };
        }
        by_points!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20);
    }
}

/// A split's feature, its path entry `slot` (already on the path when `seen`) and that
/// entry's shares above the split.
#[derive(Clone, Copy)]
struct Entry {
    f: u32,
    slot: usize,
    seen: bool,
    zero: f64,
    one: f64,
}

/// One tree's TreeSHAP walk with an `N`-point rule: the distinct features of the current
/// path with their merged cover shares and directions (a feature split twice on a path
/// counts once, its shares multiplied), and per feature the leaf sums of deeper splits on
/// it, which belong to those splits.
struct Shap<'a, 'b, const N: usize> {
    a: &'b Arrays<'a>,
    nodes: &'b [Node],
    x: &'b [f64],
    phi: &'b mut [f64],
    scale: f64,
    /// The rule's nodes and weights.
    t: [f64; N],
    w: [f64; N],
    /// `w / (1 − t)`.
    w_off: [f64; N],
    feat: [u32; MAX_DEPTH],
    zero: [f64; MAX_DEPTH],
    one: [f64; MAX_DEPTH],
    acc: [[f64; N]; MAX_DEPTH],
    len: usize,
}

// Each loop runs over the N points of several fixed-size arrays at once; an index reads
// plainer than zips of three or four.
#[allow(clippy::needless_range_loop)]
impl<'a, 'b, const N: usize> Shap<'a, 'b, N> {
    fn new(
        a: &'b Arrays<'a>,
        nodes: &'b [Node],
        x: &'b [f64],
        phi: &'b mut [f64],
        scale: f64,
        rule: &[(f64, f64)],
    ) -> Self {
        let mut s = Shap {
            a,
            nodes,
            x,
            phi,
            scale,
            t: [0.0; N],
            w: [0.0; N],
            w_off: [0.0; N],
            feat: [0; MAX_DEPTH],
            zero: [0.0; MAX_DEPTH],
            one: [0.0; MAX_DEPTH],
            acc: [[0.0; N]; MAX_DEPTH],
            len: 0,
        };
        for (q, &(t, w)) in rule.iter().enumerate().take(N) {
            s.t[q] = t;
            s.w[q] = w;
            s.w_off[q] = w / (1.0 - t);
        }
        s
    }

    fn run(mut self, root: usize) {
        let mut h = [0.0; N];
        self.visit(root, &[1.0; N], &mut h);
    }

    /// Visits the subtree at `node`, reached with path product `prod` at each quadrature
    /// node, and writes into `h` the sum over its leaves of value × path product.
    fn visit(&mut self, node: usize, prod: &[f64; N], h: &mut [f64; N]) {
        let nd = self.nodes[node];
        if nd.left as usize == node {
            let v = self.a.value[node];
            for q in 0..N {
                h[q] = v * prod[q];
            }
            return;
        }
        let f = nd.feature;
        let l = nd.left as usize;
        let right = self.x.get(f as usize).is_some_and(|&v| v > nd.threshold);
        let hot = l + usize::from(right);
        let seen = (0..self.len).find(|&k| self.feat[k] == f);
        let slot = seen.unwrap_or(self.len);
        if slot >= MAX_DEPTH {
            return; // deeper than `pack` allows
        }
        let old = (self.zero[slot], self.one[slot], self.acc[slot]);
        let inv_cover = 1.0 / self.a.cover[node];
        let mut hot_h = [0.0; N];
        let mut cold_h = [0.0; N];
        let at = Entry {
            f,
            slot,
            seen: seen.is_some(),
            zero: old.0,
            one: old.1,
        };
        self.edge::<false>(hot, inv_cover, at, prod, &mut hot_h);
        self.edge::<true>(2 * l + 1 - hot, inv_cover, at, prod, &mut cold_h);
        for q in 0..N {
            h[q] = hot_h[q] + cold_h[q];
        }
        // An earlier split on `f` owns these leaves no more.
        (self.zero[slot], self.one[slot], self.acc[slot]) = old;
        if seen.is_some() {
            for q in 0..N {
                self.acc[slot][q] += h[q];
            }
        }
    }

    /// The edge to `child` (the row's way, or off it when `COLD`) of the split `at`; its
    /// leaf sums into `h`.
    #[inline(always)]
    fn edge<const COLD: bool>(
        &mut self,
        child: usize,
        inv_cover: f64,
        at: Entry,
        prod: &[f64; N],
        h: &mut [f64; N],
    ) {
        let Entry {
            f,
            slot,
            seen,
            zero: z_old,
            one: o_old,
        } = at;
        let share = self.a.cover[child] * inv_cover;
        let (z, o) = match (seen, COLD) {
            (true, _) => (z_old * share, if COLD { 0.0 } else { o_old }),
            (false, true) => (share, 0.0),
            (false, false) => (share, 1.0),
        };
        let mut pc = [0.0; N];
        for q in 0..N {
            let t = self.t[q];
            pc[q] = prod[q] * (z * (1.0 - t) + o * t);
        }
        if seen {
            // The feature's earlier factor gives way to the merged one; it is positive
            // (covers are, and t < 1).
            for q in 0..N {
                let t = self.t[q];
                pc[q] /= z_old * (1.0 - t) + o_old * t;
            }
        }
        self.feat[slot] = f;
        self.zero[slot] = z;
        self.one[slot] = o;
        self.acc[slot] = [0.0; N];
        if !seen {
            self.len += 1;
        }
        self.visit(child, &pc, h);
        if !seen {
            self.len -= 1;
        }
        // The leaves below whose last split on `f` is this one.
        let mut sum = 0.0;
        if COLD {
            // o = 0: the factor is z (1 − t), so one division, not N.
            for q in 0..N {
                sum += self.w_off[q] * (h[q] - self.acc[slot][q]);
            }
            sum /= z;
        } else {
            for q in 0..N {
                let t = self.t[q];
                sum += self.w[q] * (h[q] - self.acc[slot][q]) / (z * (1.0 - t) + o * t);
            }
        }
        if let Some(p) = self.phi.get_mut(f as usize) {
            *p += self.scale * (o - z) * sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Node arrays of one tree: feature, threshold, left, value, cover.
    type TreeArrays = (Vec<u16>, Vec<f64>, Vec<u32>, Vec<f64>, Vec<f64>);

    /// A random tree as arrays, built breadth-first so that children follow parents.
    fn random_tree(
        n_features: usize,
        max_depth: usize,
        splits: &[(u16, f64, f64, bool)],
    ) -> TreeArrays {
        let (mut feature, mut threshold, mut left, mut value, mut cover) =
            (vec![0u16], vec![0.0], vec![0u32], vec![0.0], vec![100.0]);
        let mut depth = vec![0usize];
        let mut i = 0;
        let mut s = splits.iter().cycle();
        while i < feature.len() {
            let &(f, t, share, split) = s.next().unwrap_or(&(0, 0.0, 0.5, false));
            if split && depth[i] < max_depth && feature.len() < 600 {
                let l = feature.len();
                feature[i] = f % n_features as u16;
                threshold[i] = t;
                left[i] = l as u32;
                let c = cover[i];
                for cc in [c * share, c * (1.0 - share)] {
                    feature.push(0);
                    threshold.push(0.0);
                    left.push(0);
                    value.push(0.0);
                    cover.push(cc);
                    depth.push(depth[i] + 1);
                }
            } else {
                // Leaf value from the threshold draw, reused.
                value[i] = t * 3.0 - 1.0;
            }
            i += 1;
        }
        (feature, threshold, left, value, cover)
    }

    /// E[f(x) | x_S] under the path-dependent expectation: follow x on features in S,
    /// average the children by cover elsewhere.
    fn cond_exp(a: &Arrays<'_>, node: usize, x: &[f64], s: u32) -> f64 {
        let l = a.left[node] as usize;
        if l == 0 {
            return a.value[node];
        }
        let f = usize::from(a.feature[node]);
        if s & (1 << f) != 0 {
            let next = if x[f] <= a.threshold[node] { l } else { l + 1 };
            cond_exp(a, next, x, s)
        } else {
            (a.cover[l] * cond_exp(a, l, x, s) + a.cover[l + 1] * cond_exp(a, l + 1, x, s))
                / a.cover[node]
        }
    }

    fn brute_force(a: &Arrays<'_>, x: &[f64], m: usize) -> Vec<f64> {
        let fact = |k: usize| (1..=k).map(|v| v as f64).product::<f64>();
        let mut phi = vec![0.0; m];
        for (i, ph) in phi.iter_mut().enumerate() {
            for s in 0u32..(1 << m) {
                if s & (1 << i) != 0 {
                    continue;
                }
                let k = s.count_ones() as usize;
                let w = fact(k) * fact(m - k - 1) / fact(m);
                *ph += w * (cond_exp(a, 0, x, s | (1 << i)) - cond_exp(a, 0, x, s));
            }
        }
        phi
    }

    /// The arrays of a single tree rooted at node 0.
    fn one_tree(t: &TreeArrays) -> Arrays<'_> {
        Arrays {
            roots: &[0],
            feature: &t.0,
            threshold: &t.1,
            left: &t.2,
            value: &t.3,
            cover: &t.4,
        }
    }

    /// TreeSHAP and brute-force Shapley values of the random tree over `m` features at
    /// `x`, with the margin f(x) − E f they should add up to.
    fn shap_and_brute_force(
        m: usize,
        max_depth: usize,
        splits: &[(u16, f64, f64, bool)],
        x: &[f64],
    ) -> (Vec<f64>, Vec<f64>, f64) {
        let t = random_tree(m, max_depth, splits);
        let a = one_tree(&t);
        let packed = pack(&a, m, 1, 1_000_000).unwrap();
        let mut phi = vec![0.0; m];
        tree_shap(&a, &packed, x, 1.0, &mut phi);
        let margin = t.3[leaf(&packed.nodes, 0, x)] - packed.expected[0];
        (phi, brute_force(&a, x, m), margin)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// TreeSHAP equals the Shapley values of the path-dependent value function,
        /// computed by brute force over all 2^M feature subsets (a closed form).
        #[test]
        fn tree_shap_equals_brute_force_shapley(
            m in 1usize..6,
            max_depth in 1usize..6,
            splits in prop::collection::vec((0u16..6, 0.0f64..1.0, 0.05f64..0.95, prop::bool::weighted(0.8)), 1..40),
            x in prop::collection::vec(0.0f64..1.0, 6),
        ) {
            let (phi, expect, margin) = shap_and_brute_force(m, max_depth, &splits, &x[..m]);
            for (p, e) in phi.iter().zip(&expect) {
                prop_assert!((p - e).abs() < 1e-9, "treeshap {phi:?} vs brute force {expect:?}");
            }
            // And they add up to f(x) − E f.
            let total: f64 = phi.iter().sum();
            prop_assert!((total - margin).abs() < 1e-9);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(60))]
        /// Deep trees that split few features many times (a feature repeats on a path,
        /// up to the deepest tree `pack` accepts): the rule of up to 20 points against
        /// brute force.
        #[test]
        fn tree_shap_equals_brute_force_on_deep_trees(
            m in 1usize..7,
            max_depth in 6usize..=MAX_DEPTH,
            splits in prop::collection::vec((0u16..7, 0.0f64..1.0, 0.02f64..0.98, prop::bool::weighted(0.95)), 1..80),
            x in prop::collection::vec(0.0f64..1.0, 7),
        ) {
            let (phi, expect, _) = shap_and_brute_force(m, max_depth, &splits, &x[..m]);
            for (p, e) in phi.iter().zip(&expect) {
                prop_assert!((p - e).abs() < 1e-9, "treeshap {phi:?} vs brute force {expect:?}");
            }
        }
    }

    #[test]
    fn quadrature_rules_integrate_their_degree_exactly() {
        // ∫₀¹ t^k dt = 1 / (k + 1), a closed form, for every k up to 2n − 1.
        for n in 1..=QMAX {
            let rule = &rules()[n * (n - 1) / 2..n * (n + 1) / 2];
            assert!(rule.iter().all(|&(t, w)| t > 0.0 && t < 1.0 && w > 0.0));
            for k in 0..2 * n {
                let got: f64 = rule.iter().map(|&(t, w)| w * t.powi(k as i32)).sum();
                assert!(
                    (got - 1.0 / (k + 1) as f64).abs() < 1e-14,
                    "n {n} k {k}: {got}"
                );
            }
        }
    }

    #[test]
    fn a_chain_as_deep_as_allowed_is_explained_exactly() {
        // A chain of MAX_DEPTH splits cycling over 5 features: split node i has the leaf
        // i + 1 on its left and the next split i + 2 on its right, so one path holds
        // every split.
        let m = 5;
        let (mut feature, mut threshold, mut left, mut value, mut cover) =
            (vec![], vec![], vec![], vec![], vec![]);
        let mut c = 1_000.0;
        for d in 0..MAX_DEPTH {
            let i = feature.len();
            feature.extend([(d % m) as u16, 0]);
            threshold.extend([0.1 + 0.02 * d as f64, 0.0]);
            left.extend([i as u32 + 1, 0]);
            value.extend([0.0, (d as f64 * 0.37).sin()]);
            cover.extend([c, c * 0.3]);
            c *= 0.7;
        }
        feature.push(0);
        threshold.push(0.0);
        left.push(0);
        value.push(2.0);
        cover.push(c);
        let t = (feature, threshold, left, value, cover);
        let a = one_tree(&t);
        let packed = pack(&a, m, 1, 1_000_000).unwrap();
        assert_eq!(packed.tree_depth[0].deepest as usize, MAX_DEPTH);
        for x in [[0.0, 0.5, 1.0, 0.3, 0.9], [1.0; 5], [0.0; 5]] {
            let mut phi = vec![0.0; m];
            tree_shap(&a, &packed, &x, 1.0, &mut phi);
            let expect = brute_force(&a, &x, m);
            for (p, e) in phi.iter().zip(&expect) {
                assert!(
                    (p - e).abs() < 1e-9,
                    "treeshap {phi:?} vs brute force {expect:?}"
                );
            }
        }
    }

    /// Trees concatenated into one ensemble: node arrays and roots.
    fn ensemble(trees: &[TreeArrays]) -> (Vec<u32>, TreeArrays) {
        let mut roots = Vec::new();
        let (mut f, mut t, mut l, mut v, mut c) = (vec![], vec![], vec![], vec![], vec![]);
        for (tf, tt, tl, tv, tc) in trees {
            let off = f.len() as u32;
            roots.push(off);
            f.extend_from_slice(tf);
            t.extend_from_slice(tt);
            l.extend(tl.iter().map(|&x| if x == 0 { 0 } else { x + off }));
            v.extend_from_slice(tv);
            c.extend_from_slice(tc);
        }
        (roots, (f, t, l, v, c))
    }

    /// The ensemble `roots`, `t` over `m` features, validated and packed.
    fn packed_of(roots: &[u32], t: &TreeArrays, m: usize) -> Packed {
        let (feature, threshold, left, value, cover) = t;
        let a = Arrays {
            roots,
            feature,
            threshold,
            left,
            value,
            cover,
        };
        pack(&a, m, 10_000, 1_000_000).unwrap()
    }

    /// The batch walk and the one-row walk against the definition: each row's leaves found one row at a time
    /// by [`leaf`] (f64 comparisons), summed in tree order.
    fn batch_equals_one_row_walks(roots: &[u32], t: &TreeArrays, m: usize, x: &[f64]) -> bool {
        let value = &t.3;
        let packed = packed_of(roots, t, m);
        let mut out = vec![f64::NAN; x.len() / m];
        leaf_sums_into(&packed, roots, value, x, m, &mut out, 0.25, |z| z * 3.0).unwrap();
        out.iter().zip(x.chunks_exact(m)).all(|(&o, row)| {
            let z = roots
                .iter()
                .fold(0.25, |z, &r| z + value[leaf(&packed.nodes, r, row)]);
            let one = one_row_sum(&packed, roots, value, row, 0.25);
            (z * 3.0).to_bits() == o.to_bits() && z.to_bits() == one.to_bits()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(60))]

        /// Thresholds and values from one small grid, so that rows sit exactly on
        /// thresholds and several nodes share one; 1,100 rows span three blocks and end
        /// off the lane width.
        #[test]
        fn byte_walk_reaches_the_leaves_of_the_f64_walk(
            m in 1usize..6,
            trees in prop::collection::vec(
                prop::collection::vec((0u16..6, -4i32..5, 0.05f64..0.95, prop::bool::weighted(0.85)), 1..60),
                1..20),
            cells in prop::collection::vec(-5i32..6, 1_100 * 5),
        ) {
            let grid = |k: i32| if k == 0 { -0.0 } else { f64::from(k) * 0.5 };
            let trees: Vec<TreeArrays> = trees
                .iter()
                .map(|s| {
                    let s: Vec<_> = s.iter().map(|&(f, k, sh, sp)| (f, grid(k), sh, sp)).collect();
                    random_tree(m, 12, &s)
                })
                .collect();
            let (roots, t) = ensemble(&trees);
            let x: Vec<f64> = cells.iter().take(1_100 * m).map(|&k| grid(k)).collect();
            prop_assert!(packed_of(&roots, &t, m).binned.is_some());
            prop_assert!(batch_equals_one_row_walks(&roots, &t, m, &x));
        }
    }

    #[test]
    fn more_than_255_thresholds_walk_in_f64() {
        // 300 stumps on feature 1, each at its own threshold: too many for a byte.
        let stumps: Vec<TreeArrays> = (0..300)
            .map(|k| {
                let t = f64::from(k) / 300.0;
                (
                    vec![1, 0, 0],
                    vec![t, 0.0, 0.0],
                    vec![1, 0, 0],
                    vec![0.0, t, 1.0 - t],
                    vec![2.0, 1.0, 1.0],
                )
            })
            .collect();
        let (roots, t) = ensemble(&stumps);
        assert!(packed_of(&roots, &t, 2).binned.is_none());
        let x: Vec<f64> = (0..1_000)
            .flat_map(|i| [0.0, f64::from(i) / 999.0])
            .collect();
        assert!(batch_equals_one_row_walks(&roots, &t, 2, &x));
        // 255 thresholds: the byte path, same leaves.
        let (roots, t) = ensemble(&stumps[..255]);
        assert!(packed_of(&roots, &t, 2).binned.is_some());
        assert!(batch_equals_one_row_walks(&roots, &t, 2, &x));
    }

    #[test]
    fn a_non_finite_value_names_its_row_across_blocks() {
        let (roots, t) = ensemble(&[(
            vec![0, 0, 0],
            vec![0.5, 0.0, 0.0],
            vec![1, 0, 0],
            vec![0.0, 1.0, 2.0],
            vec![2.0, 1.0, 1.0],
        )]);
        let packed = packed_of(&roots, &t, 1);
        let mut x = vec![0.0; 1_500];
        x[1_234] = f64::NAN;
        let mut out = vec![0.0; 1_500];
        let e = leaf_sums_into(&packed, &roots, &t.3, &x, 1, &mut out, 0.0, |z| z).unwrap_err();
        assert!(e.to_string().contains("x[1234][0]"), "{e}");
    }

    #[test]
    fn bad_covers_are_refused() {
        let roots = [0u32];
        let a = Arrays {
            roots: &roots,
            feature: &[0, 0, 0],
            threshold: &[0.5, 0.0, 0.0],
            left: &[1, 0, 0],
            value: &[0.0, 1.0, 2.0],
            cover: &[10.0, 4.0, 5.0],
        };
        assert!(pack(&a, 1, 1, 100).is_err());
        let a = Arrays {
            cover: &[9.0, 4.0, 5.0],
            ..a
        };
        let p = pack(&a, 1, 1, 100).unwrap();
        // Expected value by hand: (4·1 + 5·2) / 9.
        assert!((p.expected[0] - 14.0 / 9.0).abs() < 1e-15);
    }
}
