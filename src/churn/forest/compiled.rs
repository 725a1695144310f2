//! The forest recompiled for fast prediction: every feature value becomes a one-byte
//! code (its rank among the forest's thresholds on that feature), and every tree a
//! perfect binary tree of the forest's depth, whose children sit at `2i + 1` and
//! `2i + 2`. A walk is then a fixed number of steps of "load a 4-byte split, compare
//! two bytes, double the index", free of branches and of child pointers, and a block
//! of rows walks each tree level by level so that their loads overlap.
//!
//! Exactness: with `c_0 < … < c_{m−1}` the distinct thresholds on a feature and
//! `code(x) = #{j : c_j < x}`, `x > c_k ⇔ code(x) > k`; so every row reaches the same
//! leaf as in the node arrays, and the leaf values are added in the same tree order,
//! giving the same probabilities bit for bit. A leaf above the full depth is pushed
//! down along a chain of "always left" splits (code 255, which no value exceeds).
//!
//! Forests this layout does not fit (more than 255 thresholds on a feature, deeper than
//! [`MAX_DEPTH`] levels, more than [`MAX_BYTES`] of tables, or rows too wide for the
//! stack block) keep walking the node arrays.

/// Deepest forest compiled (a perfect tree has `2^depth` leaves).
const MAX_DEPTH: u8 = 14;
/// Largest compiled tables, in bytes.
const MAX_BYTES: usize = 256 << 20;
/// Bytes of codes a block of rows may take on the stack.
const BLOCK_BYTES: usize = 8192;
/// Most rows walked together.
const BLOCK_ROWS: usize = 128;
/// A split that sends every row left: code 255 is never exceeded.
const ALWAYS_LEFT: u32 = 255;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Compiled {
    /// Number of features.
    p: usize,
    /// Sorted distinct thresholds of all features, feature `f` at `cut_off[f]..cut_off[f+1]`.
    cuts: Vec<f64>,
    cut_off: Vec<usize>,
    /// Depth of every perfect tree.
    depth: u8,
    /// Per tree, `2^depth − 1` splits `feature << 8 | code`, in heap order.
    split: Vec<u32>,
    /// Per tree, `2^depth` leaf values.
    leaf: Vec<f64>,
    n_trees: usize,
}

/// What [`Compiled::build`] needs of a tree node: a leaf has `left == None`.
pub(super) struct NodeRef {
    pub feature: usize,
    pub threshold: f64,
    pub left: Option<usize>,
    pub value: f64,
}

impl Compiled {
    /// Compiles the forest (trees rooted at `roots` in `nodes`, right child after the
    /// left one), or `None` when it does not fit the layout.
    pub(super) fn build(nodes: &[NodeRef], roots: &[usize], depth: u8, p: usize) -> Option<Self> {
        // A forest of single leaves walks one "always left" step.
        let depth = depth.max(1);
        if depth > MAX_DEPTH || p == 0 || p > BLOCK_BYTES || p > (u32::MAX >> 8) as usize {
            return None;
        }
        let inner = (1usize << depth) - 1;
        let bytes = roots.len().checked_mul(inner * 4 + (inner + 1) * 8)?;
        if bytes > MAX_BYTES {
            return None;
        }
        let mut per_feature: Vec<Vec<f64>> = vec![Vec::new(); p];
        for n in nodes {
            if n.left.is_some() {
                per_feature.get_mut(n.feature)?.push(n.threshold);
            }
        }
        let mut cuts = Vec::new();
        let mut cut_off = vec![0];
        for c in &mut per_feature {
            c.sort_unstable_by(f64::total_cmp);
            c.dedup();
            if c.len() > 255 {
                return None;
            }
            cuts.extend_from_slice(c);
            cut_off.push(cuts.len());
        }
        let mut split = vec![ALWAYS_LEFT; roots.len() * inner];
        let mut leaf = vec![0.0; roots.len() * (inner + 1)];
        for (t, &root) in roots.iter().enumerate() {
            let s = &mut split[t * inner..(t + 1) * inner];
            let l = &mut leaf[t * (inner + 1)..(t + 1) * (inner + 1)];
            // (node, heap index, level)
            let mut stack = vec![(root, 0usize, 0u8)];
            while let Some((i, h, level)) = stack.pop() {
                let n = nodes.get(i)?;
                if level == depth {
                    if n.left.is_some() {
                        return None; // deeper than announced
                    }
                    *l.get_mut(h - inner)? = n.value;
                    continue;
                }
                match n.left {
                    Some(left) => {
                        let f = &per_feature[n.feature];
                        let code = f.partition_point(|&c| c < n.threshold);
                        *s.get_mut(h)? = ((n.feature as u32) << 8) | code as u32;
                        stack.push((left, 2 * h + 1, level + 1));
                        stack.push((left + 1, 2 * h + 2, level + 1));
                    }
                    None => stack.push((i, 2 * h + 1, level + 1)),
                }
            }
        }
        Some(Compiled {
            p,
            cuts,
            cut_off,
            depth,
            split,
            leaf,
            n_trees: roots.len(),
        })
    }

    /// Codes of one row of finite values.
    #[inline]
    fn encode(&self, x: &[f64], codes: &mut [u8]) {
        for (f, (c, &v)) in codes.iter_mut().zip(x).enumerate() {
            let cuts = &self.cuts[self.cut_off[f]..self.cut_off[f + 1]];
            // Branch-free lower bound: count of cuts below v.
            let mut base = 0usize;
            let mut len = cuts.len();
            while len > 1 {
                let half = len / 2;
                base = if cuts[base + half - 1] < v {
                    base + half
                } else {
                    base
                };
                len -= half;
            }
            let last = usize::from(len == 1 && cuts[base] < v);
            *c = (base + last) as u8;
        }
    }

    /// Sum over trees, in tree order, of the leaf values of each row of `x`
    /// (row-major), times `w`, into `out`. Stops at the first row holding a
    /// non-finite value and returns its index (`out` is then partly written).
    pub(super) fn predict(&self, x: &[f64], out: &mut [f64], w: f64) -> Result<(), usize> {
        let p = self.p;
        let rows_per_block = (BLOCK_BYTES / p).clamp(1, BLOCK_ROWS);
        let mut codes = [0u8; BLOCK_BYTES];
        let mut idx = [0u32; BLOCK_ROWS];
        let inner = (1usize << self.depth) - 1;
        for (b, (xb, ob)) in x
            .chunks(rows_per_block * p)
            .zip(out.chunks_mut(rows_per_block))
            .enumerate()
        {
            let rows = ob.len();
            for (r, (row, c)) in xb
                .chunks_exact(p)
                .zip(codes.chunks_exact_mut(p))
                .enumerate()
            {
                if row.iter().any(|v| !v.is_finite()) {
                    return Err(b * rows_per_block + r);
                }
                self.encode(row, c);
            }
            let codes = &codes[..rows * p];
            ob.iter_mut().for_each(|o| *o = 0.0);
            let idx = &mut idx[..rows];
            for (split, leaf) in self
                .split
                .chunks_exact(inner)
                .zip(self.leaf.chunks_exact(inner + 1))
            {
                idx.iter_mut().for_each(|i| *i = 0);
                for _ in 0..self.depth {
                    for (r, i) in idx.iter_mut().enumerate() {
                        let s = split[*i as usize];
                        let c = codes[r * p + (s >> 8) as usize];
                        *i = 2 * *i + 1 + u32::from(c > s as u8);
                    }
                }
                for (o, &i) in ob.iter_mut().zip(idx.iter()) {
                    *o += leaf[i as usize - inner];
                }
            }
            ob.iter_mut().for_each(|o| *o *= w);
        }
        Ok(())
    }

    /// [`Compiled::predict`] of one row: trees walked eight at a time so that their
    /// loads overlap, leaf values still added in tree order.
    pub(super) fn predict_one(&self, x: &[f64], w: f64) -> f64 {
        let mut codes = [0u8; BLOCK_BYTES];
        let codes = &mut codes[..self.p];
        self.encode(x, codes);
        let inner = (1usize << self.depth) - 1;
        const LANES: usize = 8;
        let mut s = 0.0;
        let mut t = 0;
        while t < self.n_trees {
            let lanes = LANES.min(self.n_trees - t);
            let mut idx = [0usize; LANES];
            for _ in 0..self.depth {
                for (k, i) in idx[..lanes].iter_mut().enumerate() {
                    let sp = self.split[(t + k) * inner + *i];
                    let c = codes[(sp >> 8) as usize];
                    *i = 2 * *i + 1 + usize::from(c > sp as u8);
                }
            }
            for (k, &i) in idx[..lanes].iter().enumerate() {
                s += self.leaf[(t + k) * (inner + 1) + i - inner];
            }
            t += lanes;
        }
        s * w
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Classifier, Fit, ForestModel, ForestParams};
    use ndarray::Array2;

    /// The compiled layout against the node arrays it replaces: the same probabilities
    /// bit for bit, for blocks and single rows, on rows that sit exactly on thresholds.
    #[test]
    fn compiled_equals_node_walk_bitwise() {
        let (n, p) = (3_000, 5);
        let mut state = 3u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 40) as f64 / (1u64 << 24) as f64
        };
        let x = Array2::from_shape_fn((n, p), |(_, j)| {
            let v = next();
            if j == 0 { (v * 6.0).floor() } else { v }
        });
        let y: Vec<bool> = x
            .rows()
            .into_iter()
            .map(|r| r[0] + 3.0 * r[1] - r[2] > 2.5)
            .collect();
        for (depth, min_leaf) in [(1, 1), (4, 5), (10, 2)] {
            let params = ForestParams {
                n_trees: 30,
                max_depth: depth,
                min_samples_leaf: min_leaf,
                ..Default::default()
            };
            let fast = ForestModel::fit(&params, x.view(), &y).unwrap();
            assert!(fast.compiled.is_some());
            let mut slow = fast.clone();
            slow.compiled = None;
            // Rows on the thresholds themselves, and the data.
            let mut rows: Vec<f64> = x.iter().copied().collect();
            for (i, &t) in fast.data.threshold.iter().enumerate().take(200) {
                let mut r = x.row(i % n).to_vec();
                r[usize::from(fast.data.feature[i])] = t;
                rows.extend(r);
            }
            let m = rows.len() / p;
            let (mut a, mut b) = (vec![0.0; m], vec![0.0; m]);
            fast.predict_into(&rows, &mut a).unwrap();
            slow.predict_into(&rows, &mut b).unwrap();
            for (i, (u, v)) in a.iter().zip(&b).enumerate() {
                assert_eq!(u.to_bits(), v.to_bits(), "row {i}");
                let one = fast.predict_one(&rows[i * p..(i + 1) * p]).unwrap();
                assert_eq!(one.to_bits(), v.to_bits(), "one row {i}");
            }
            let mut bad = rows.clone();
            bad[7 * p + 2] = f64::NAN;
            match fast.predict_into(&bad, &mut a) {
                Err(crate::Error::NonFinite { field }) => assert_eq!(field, "x[7][2]"),
                other => panic!("{other:?}"),
            }
        }
    }
}
