//! Flat tree ensembles shared by the forest and the boosted model: validation of the node
//! arrays, the packed scoring layout, batch walks, and path-dependent TreeSHAP.
//!
//! Layout: trees occupy consecutive node ranges starting at their roots; a split node's
//! children sit next to each other after it (`left`, `left + 1`), `left == 0` marks a
//! leaf. A row goes left when `x[feature] <= threshold`. `cover` is the training weight
//! that reached the node (the children's covers add up to the parent's).

use crate::error::{Error, Result};

/// Deepest tree allowed in either ensemble.
pub(crate) const MAX_DEPTH: usize = 40;

/// Path buffer length TreeSHAP needs for trees of depth `d` (Lundberg et al. 2020,
/// Algorithm 2: one path of at most `d + 1` elements per recursion level).
const fn path_len(d: usize) -> usize {
    (d + 2) * (d + 3) / 2
}
const PATH_LEN: usize = path_len(MAX_DEPTH);

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
#[derive(Debug, Clone, PartialEq)]
struct Binned {
    /// Distinct thresholds of feature `f`, ascending: `cuts[cut_start[f]..cut_start[f + 1]]`.
    cuts: Vec<f64>,
    cut_start: Vec<usize>,
    nodes: Vec<ByteNode>,
}

/// A split on `bins[feature] > rank`; a leaf points at itself with rank 255, which no
/// byte exceeds.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ByteNode {
    left: u32,
    feature: u16,
    rank: u8,
}

impl Binned {
    fn new(a: &Arrays<'_>, n_features: usize) -> Option<Binned> {
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
                    feature: 0,
                    rank: u8::MAX,
                }
            } else {
                let f = usize::from(a.feature[i]);
                let mine = cuts.get(*cut_start.get(f)?..*cut_start.get(f + 1)?)?;
                let rank = mine.partition_point(|&c| c < a.threshold[i]);
                ByteNode {
                    left: a.left[i],
                    feature: a.feature[i],
                    rank: u8::try_from(rank).ok()?,
                }
            });
        }
        Some(Binned {
            cuts,
            cut_start,
            nodes,
        })
    }

    /// Writes the byte of every value of the row-major block `xb` (`p` columns) into
    /// `bins`, a feature at a time so that its thresholds stay in registers and cache.
    fn bin_block(&self, xb: &[f64], p: usize, bins: &mut [u8]) {
        for f in 0..p {
            let (Some(&s), Some(&e)) = (self.cut_start.get(f), self.cut_start.get(f + 1)) else {
                return;
            };
            let Some(cuts) = self.cuts.get(s..e) else {
                return;
            };
            if cuts.is_empty() {
                continue;
            }
            for (b, row) in bins.chunks_exact_mut(p).zip(xb.chunks_exact(p)) {
                b[f] = count_below(cuts, row[f]);
            }
        }
    }
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
    Ok(Packed {
        nodes,
        tree_depth,
        expected,
        binned: Binned::new(a, n_features),
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
        Some(b) if p * LANES <= BIN_BYTES => {
            let rows = (BIN_BYTES / p).min(BLOCK_ROWS);
            let mut bins = [0u8; BIN_BYTES];
            for (k, (xb, ob)) in x.chunks(rows * p).zip(out.chunks_mut(rows)).enumerate() {
                check_block(xb, p, k * rows)?;
                let bb = &mut bins[..ob.len() * p];
                b.bin_block(xb, p, bb);
                ob.fill(init);
                let step = |i: usize, row: &[u8], at: usize| {
                    let n = b.nodes[i];
                    n.left as usize + usize::from(row[at + usize::from(n.feature)] > n.rank)
                };
                walk_block(roots, depth, value, bb, p, ob, step);
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

#[derive(Debug, Clone, Copy, Default)]
struct PathElement {
    feature: i64,
    zero_fraction: f64,
    one_fraction: f64,
    pweight: f64,
}

/// Adds `scale ×` the path-dependent TreeSHAP values of every tree of `a` at `x` into
/// `phi` (Lundberg, Erion et al. 2020, "From local explanations to global understanding
/// with explainable AI for trees", Algorithm 2). Per tree they add up to the leaf value
/// reached minus the tree's expected value. Cost O(L D²) per tree of L leaves and depth
/// D; allocates nothing (the path lives on the stack).
pub(crate) fn tree_shap(a: &Arrays<'_>, nodes: &[Node], x: &[f64], scale: f64, phi: &mut [f64]) {
    let mut path = [PathElement::default(); PATH_LEN];
    for &r in a.roots {
        recurse(
            a, nodes, x, phi, scale, r as usize, 0, &mut path, 0, 1.0, 1.0, -1,
        );
    }
}

fn extend_path(path: &mut [PathElement], depth: usize, zero: f64, one: f64, feature: i64) {
    path[depth] = PathElement {
        feature,
        zero_fraction: zero,
        one_fraction: one,
        pweight: if depth == 0 { 1.0 } else { 0.0 },
    };
    let d1 = (depth + 1) as f64;
    for i in (0..depth).rev() {
        path[i + 1].pweight += one * path[i].pweight * (i + 1) as f64 / d1;
        path[i].pweight = zero * path[i].pweight * (depth - i) as f64 / d1;
    }
}

fn unwind_path(path: &mut [PathElement], depth: usize, index: usize) {
    let one = path[index].one_fraction;
    let zero = path[index].zero_fraction;
    let mut next_one = path[depth].pweight;
    let d1 = (depth + 1) as f64;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = path[i].pweight;
            path[i].pweight = next_one * d1 / ((i + 1) as f64 * one);
            next_one = tmp - path[i].pweight * zero * (depth - i) as f64 / d1;
        } else {
            path[i].pweight = path[i].pweight * d1 / (zero * (depth - i) as f64);
        }
    }
    for i in index..depth {
        path[i].feature = path[i + 1].feature;
        path[i].zero_fraction = path[i + 1].zero_fraction;
        path[i].one_fraction = path[i + 1].one_fraction;
    }
}

fn unwound_path_sum(path: &[PathElement], depth: usize, index: usize) -> f64 {
    let one = path[index].one_fraction;
    let zero = path[index].zero_fraction;
    let mut next_one = path[depth].pweight;
    let d1 = (depth + 1) as f64;
    let mut total = 0.0;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = next_one * d1 / ((i + 1) as f64 * one);
            total += tmp;
            next_one = path[i].pweight - tmp * zero * (depth - i) as f64 / d1;
        } else if zero != 0.0 {
            total += path[i].pweight / zero / ((depth - i) as f64 / d1);
        }
    }
    total
}

#[allow(clippy::too_many_arguments)] // the recursion state of Algorithm 2, as published
fn recurse(
    a: &Arrays<'_>,
    nodes: &[Node],
    x: &[f64],
    phi: &mut [f64],
    scale: f64,
    node: usize,
    depth: usize,
    buf: &mut [PathElement],
    parent_start: usize,
    zero: f64,
    one: f64,
    feature: i64,
) {
    // This level's path starts after the parent's (depth + 1 elements were the parent's).
    let start = parent_start + depth;
    let (head, tail) = buf.split_at_mut(start);
    let path = &mut tail[..depth + 1];
    if depth > 0 {
        path[..depth].copy_from_slice(&head[parent_start..parent_start + depth]);
    }
    extend_path(path, depth, zero, one, feature);
    let nd = nodes[node];
    if nd.left as usize == node {
        let v = a.value[node] * scale;
        for i in 1..=depth {
            let w = unwound_path_sum(path, depth, i);
            let el = path[i];
            phi[el.feature as usize] += w * (el.one_fraction - el.zero_fraction) * v;
        }
        return;
    }
    let f = nd.feature as usize;
    let l = nd.left as usize;
    let (hot, cold) = if x[f] > nd.threshold {
        (l + 1, l)
    } else {
        (l, l + 1)
    };
    let w = a.cover[node];
    let hot_zero = a.cover[hot] / w;
    let cold_zero = a.cover[cold] / w;
    let (mut in_zero, mut in_one) = (1.0, 1.0);
    let mut depth = depth;
    // A feature already split on above: undo its earlier extension and carry its fractions.
    if let Some(k) = (1..=depth).find(|&k| path[k].feature == f as i64) {
        in_zero = path[k].zero_fraction;
        in_one = path[k].one_fraction;
        unwind_path(path, depth, k);
        depth -= 1;
    }
    let child_depth = depth + 1;
    recurse(
        a,
        nodes,
        x,
        phi,
        scale,
        hot,
        child_depth,
        buf,
        start,
        hot_zero * in_zero,
        in_one,
        f as i64,
    );
    recurse(
        a,
        nodes,
        x,
        phi,
        scale,
        cold,
        child_depth,
        buf,
        start,
        cold_zero * in_zero,
        0.0,
        f as i64,
    );
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
            if split && depth[i] < max_depth {
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
            let (feature, threshold, left, value, cover) = random_tree(m, max_depth, &splits);
            let roots = [0u32];
            let a = Arrays { roots: &roots, feature: &feature, threshold: &threshold, left: &left, value: &value, cover: &cover };
            let packed = pack(&a, m, 1, 1_000_000).unwrap();
            let mut phi = vec![0.0; m];
            tree_shap(&a, &packed.nodes, &x[..m], 1.0, &mut phi);
            let expect = brute_force(&a, &x[..m], m);
            for (p, e) in phi.iter().zip(&expect) {
                prop_assert!((p - e).abs() < 1e-9, "treeshap {phi:?} vs brute force {expect:?}");
            }
            // And they add up to f(x) − E f.
            let fx = value[leaf(&packed.nodes, 0, &x[..m])];
            let total: f64 = phi.iter().sum();
            prop_assert!((total - (fx - packed.expected[0])).abs() < 1e-9);
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
