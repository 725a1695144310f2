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
    /// Depth of each tree.
    pub tree_depth: Vec<u8>,
    /// Cover-weighted mean leaf value of each tree (the tree's expected value).
    pub expected: Vec<f64>,
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
        let mut leaf_sum = 0.0;
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
        tree_depth.push(deepest);
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

/// Adds to each `out[k]` the sum over trees of the leaf value row `k` of the row-major
/// block `xb` (`p` columns, finite) reaches.
pub(crate) fn add_leaf_sums(
    nodes: &[Node],
    roots: &[u32],
    tree_depth: &[u8],
    value: &[f64],
    xb: &[f64],
    p: usize,
    ob: &mut [f64],
) {
    // Eight rows walk a tree together for a fixed number of steps: their loads overlap
    // instead of waiting on each other, and no branch depends on the data.
    const LANES: usize = 8;
    for (&r, &depth) in roots.iter().zip(tree_depth) {
        let mut groups = xb.chunks_exact(p * LANES);
        let mut oi = 0;
        for group in groups.by_ref() {
            let mut idx = [r as usize; LANES];
            for _ in 0..depth {
                // Leaf-wise trees are deep in places and shallow elsewhere: stop at the
                // group's own depth, once no lane moves (every lane sits on a leaf).
                let mut moved = false;
                for (k, i) in idx.iter_mut().enumerate() {
                    let node = nodes[*i];
                    let v = group[k * p + node.feature as usize];
                    let next = node.left as usize + usize::from(v > node.threshold);
                    moved |= next != *i;
                    *i = next;
                }
                if !moved {
                    break;
                }
            }
            for (o, &i) in ob[oi..oi + LANES].iter_mut().zip(&idx) {
                *o += value[i];
            }
            oi += LANES;
        }
        for (row, o) in groups.remainder().chunks_exact(p).zip(ob[oi..].iter_mut()) {
            *o += value[leaf(nodes, r, row)];
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
