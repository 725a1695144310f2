//! Goal → criteria → sub-criteria → (optional) alternatives.

use super::matrix::{PairwiseMatrix, check_labels};
use super::priority::{Priorities, PriorityMethod};
use super::random_index::ConsistencyConfig;
use super::sensitivity::{Sensitivity, sensitivity_linear};
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// How the alternatives are judged under one leaf criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AlternativeJudgments {
    /// Pairwise comparison of the alternatives.
    Pairwise(PairwiseMatrix),
    /// Measured positive values (more is better), normalised to sum 1 (AHP "ratings").
    Scores(Vec<f64>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Node {
    name: String,
    parent: Option<usize>,
    children: Vec<usize>,
    /// Comparison of `children`, in their order.
    judgments: Option<PairwiseMatrix>,
    alternatives: Option<AlternativeJudgments>,
}

/// An AHP hierarchy: a goal, criteria compared under it, sub-criteria compared under any
/// criterion, and optionally alternatives judged under every leaf criterion.
///
/// Item names come from the labels of each [`PairwiseMatrix`] and must be unique across
/// the hierarchy.
///
/// ```
/// use wealthscore::ahp::{Hierarchy, PairwiseMatrix, PriorityMethod, ConsistencyConfig};
///
/// let criteria = PairwiseMatrix::from_upper_triangle(2, &[3.0])?.with_labels(["service", "product"])?;
/// let mut h = Hierarchy::new("retain client", criteria)?;
/// let service = PairwiseMatrix::from_upper_triangle(2, &[1.0])?.with_labels(["speed", "care"])?;
/// h.add_subcriteria("service", service)?;
/// let r = h.evaluate(PriorityMethod::Eigenvector, &ConsistencyConfig::default())?;
/// let speed = r.node("speed").unwrap();
/// assert!((speed.global_weight - 0.375).abs() < 1e-12); // 0.75 × 0.5
/// println!("{}", r.report());
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "HierarchyRaw")]
pub struct Hierarchy {
    nodes: Vec<Node>,
    alternatives: Option<Vec<String>>,
}

/// Serde form, checked structurally on load.
#[derive(Deserialize)]
struct HierarchyRaw {
    nodes: Vec<Node>,
    #[serde(default)]
    alternatives: Option<Vec<String>>,
}

impl TryFrom<HierarchyRaw> for Hierarchy {
    type Error = Error;
    fn try_from(r: HierarchyRaw) -> Result<Self> {
        let h = Hierarchy {
            nodes: r.nodes,
            alternatives: r.alternatives,
        };
        h.validate()?;
        Ok(h)
    }
}

impl Hierarchy {
    /// A hierarchy with its goal and the judgments comparing the top criteria (labelled).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty goal or a matrix without labels.
    pub fn new(goal: impl Into<String>, criteria: PairwiseMatrix) -> Result<Self> {
        let goal = goal.into();
        if goal.trim().is_empty() {
            return Err(Error::invalid("goal", "\"\"", "must not be empty"));
        }
        let mut h = Hierarchy {
            nodes: vec![Node {
                name: goal,
                parent: None,
                children: Vec::new(),
                judgments: None,
                alternatives: None,
            }],
            alternatives: None,
        };
        h.attach(0, criteria)?;
        Ok(h)
    }

    /// Adds sub-criteria under the existing leaf criterion `parent`, with the judgments
    /// comparing them (labelled with their names).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an unknown parent, a parent that already has sub-criteria
    /// or alternative judgments, missing labels or a repeated name.
    pub fn add_subcriteria(&mut self, parent: &str, judgments: PairwiseMatrix) -> Result<()> {
        let p = self.find_criterion(parent)?;
        if !self.nodes[p].children.is_empty() {
            return Err(Error::invalid("parent", parent, "already has sub-criteria"));
        }
        if self.nodes[p].alternatives.is_some() {
            return Err(Error::invalid(
                "parent",
                parent,
                "already has alternative judgments; a criterion with sub-criteria cannot",
            ));
        }
        self.attach(p, judgments)
    }

    /// Names the alternatives; judgments under each leaf criterion must then follow.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if alternatives were already set, or for an empty or
    /// repeated name; [`Error::Empty`] for none.
    pub fn set_alternatives<I, S>(&mut self, names: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        if self.alternatives.is_some() {
            return Err(Error::invalid("alternatives", "set", "already set"));
        }
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        check::non_empty("alternatives", &names)?;
        check_labels("alternatives", &names)?;
        self.alternatives = Some(names);
        Ok(())
    }

    /// Judgments of the alternatives under the leaf criterion `criterion`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an unknown or non-leaf criterion, alternatives not set,
    /// labels that differ from the alternatives, or invalid scores;
    /// [`Error::DimensionMismatch`] for a wrong size.
    pub fn add_alternative_judgments(
        &mut self,
        criterion: &str,
        judgments: AlternativeJudgments,
    ) -> Result<()> {
        let c = self.find_criterion(criterion)?;
        if !self.nodes[c].children.is_empty() {
            return Err(Error::invalid(
                "criterion",
                criterion,
                "has sub-criteria; alternatives are judged under leaf criteria only",
            ));
        }
        let Some(alts) = &self.alternatives else {
            return Err(Error::invalid(
                "alternatives",
                "unset",
                "call set_alternatives first",
            ));
        };
        match &judgments {
            AlternativeJudgments::Pairwise(m) => {
                check::same_len(
                    &format!("alternatives under {criterion}"),
                    alts.len(),
                    m.n(),
                )?;
                if let Some(l) = m.labels()
                    && l != alts.as_slice()
                {
                    return Err(Error::invalid(
                        format!("labels under {criterion}"),
                        l.join(","),
                        "must list the alternatives in the order given to set_alternatives",
                    ));
                }
            }
            AlternativeJudgments::Scores(s) => {
                check::same_len(&format!("scores under {criterion}"), alts.len(), s.len())?;
                for (i, &v) in s.iter().enumerate() {
                    check::positive(&format!("scores under {criterion}[{i}]"), v)?;
                }
            }
        }
        self.nodes[c].alternatives = Some(judgments);
        Ok(())
    }

    /// Checks the structure: parents listed before children and linked both ways, every
    /// criterion with sub-criteria has a matrix labelled with their names, unique names,
    /// alternative judgments only on leaves and of the right size. Runs on deserialisation;
    /// values built through the methods are valid by construction.
    ///
    /// # Errors
    /// [`Error::InvalidModel`] describing the first defect.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::model(format!("hierarchy: {m}")));
        let Some(goal) = self.nodes.first() else {
            return bad("no goal node".into());
        };
        if goal.parent.is_some() || goal.children.is_empty() {
            return bad("the goal must be node 0, without parent, with criteria".into());
        }
        if let Some(alts) = &self.alternatives {
            check_labels("alternatives", alts)?;
            check::non_empty("alternatives", alts)?;
        }
        for (k, node) in self.nodes.iter().enumerate() {
            if node.name.trim().is_empty() || self.nodes[..k].iter().any(|o| o.name == node.name) {
                return bad(format!("node {k} has an empty or repeated name"));
            }
            if k > 0 {
                match node.parent {
                    Some(p) if p < k && self.nodes[p].children.contains(&k) => {}
                    _ => return bad(format!("node {k} ({}) has no valid parent", node.name)),
                }
            }
            if node
                .children
                .iter()
                .any(|&c| c <= k || c >= self.nodes.len())
            {
                return bad(format!("node {k} ({}) lists invalid children", node.name));
            }
            match (&node.judgments, node.children.is_empty()) {
                (Some(m), false) => {
                    let names: Vec<&str> = node
                        .children
                        .iter()
                        .map(|&c| self.nodes[c].name.as_str())
                        .collect();
                    let ok = m.labels().is_some_and(|l| {
                        l.len() == names.len() && l.iter().zip(&names).all(|(a, b)| a == b)
                    });
                    if !ok {
                        return bad(format!(
                            "judgments under {} must be labelled with its children in order",
                            node.name
                        ));
                    }
                }
                (None, true) => {}
                _ => {
                    return bad(format!(
                        "node {} must have judgments exactly when it has children",
                        node.name
                    ));
                }
            }
            if let Some(j) = &node.alternatives {
                let Some(alts) = &self.alternatives else {
                    return bad(format!(
                        "{} judges alternatives that are not set",
                        node.name
                    ));
                };
                if !node.children.is_empty() {
                    return bad(format!("{} has both children and alternatives", node.name));
                }
                let (len, ok) = match j {
                    AlternativeJudgments::Pairwise(m) => (m.n(), true),
                    AlternativeJudgments::Scores(s) => {
                        (s.len(), s.iter().all(|v| v.is_finite() && *v > 0.0))
                    }
                };
                if len != alts.len() || !ok {
                    return bad(format!(
                        "alternative judgments under {} are invalid",
                        node.name
                    ));
                }
            }
        }
        Ok(())
    }

    /// The goal's name.
    pub fn goal(&self) -> &str {
        &self.nodes[0].name
    }

    /// The alternatives, if set.
    pub fn alternatives(&self) -> Option<&[String]> {
        self.alternatives.as_deref()
    }

    /// Local, global and final weights with every node's consistency.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming a leaf criterion without alternative judgments when
    /// alternatives are set; errors of [`PairwiseMatrix::priorities_with`].
    pub fn evaluate(
        &self,
        method: PriorityMethod,
        config: &ConsistencyConfig,
    ) -> Result<HierarchyResult> {
        config.validate()?;
        let n_alt = self.alternatives.as_ref().map(Vec::len);
        let mut out: Vec<NodeResult> = Vec::with_capacity(self.nodes.len());
        for (k, node) in self.nodes.iter().enumerate() {
            let depth = match node.parent {
                None => 0,
                Some(p) => out.get(p).map_or(0, |r| r.depth + 1),
            };
            out.push(NodeResult {
                name: node.name.clone(),
                parent: node.parent,
                depth,
                local_weight: if k == 0 { 1.0 } else { 0.0 },
                global_weight: if k == 0 { 1.0 } else { 0.0 },
                children: node.children.clone(),
                priorities: None,
                alternative_priorities: None,
                alternative_weights: None,
            });
        }
        // Nodes are stored parents-first, so one forward pass propagates global weights.
        for (k, node) in self.nodes.iter().enumerate() {
            if let Some(m) = &node.judgments {
                let p = m.priorities_with(method, config)?;
                let g = out[k].global_weight;
                for (&c, &w) in node.children.iter().zip(&p.weights) {
                    out[c].local_weight = w;
                    out[c].global_weight = g * w;
                }
                out[k].priorities = Some(p);
            }
            if node.children.is_empty() && k != 0 {
                match (&node.alternatives, n_alt) {
                    (Some(AlternativeJudgments::Pairwise(m)), Some(_)) => {
                        let p = m.priorities_with(method, config)?;
                        out[k].alternative_weights = Some(p.weights.clone());
                        out[k].alternative_priorities = Some(p);
                    }
                    (Some(AlternativeJudgments::Scores(s)), Some(_)) => {
                        let t: f64 = s.iter().sum();
                        out[k].alternative_weights = Some(s.iter().map(|v| v / t).collect());
                    }
                    (None, Some(_)) => {
                        return Err(Error::invalid(
                            "criterion",
                            &node.name,
                            "leaf criterion has no alternative judgments",
                        ));
                    }
                    _ => {}
                }
            }
        }
        let leaves: Vec<usize> = (1..self.nodes.len())
            .filter(|&k| self.nodes[k].children.is_empty())
            .collect();
        let alternative_weights = n_alt.map(|m| {
            let mut s = vec![0.0; m];
            for &l in &leaves {
                if let Some(aw) = &out[l].alternative_weights {
                    for (x, y) in s.iter_mut().zip(aw) {
                        *x += out[l].global_weight * y;
                    }
                }
            }
            s
        });
        let all_acceptable = out.iter().all(|r| {
            r.priorities.as_ref().is_none_or(|p| p.acceptable)
                && r.alternative_priorities
                    .as_ref()
                    .is_none_or(|p| p.acceptable)
        });
        Ok(HierarchyResult {
            nodes: out,
            leaves,
            alternatives: self.alternatives.clone(),
            alternative_weights,
            all_acceptable,
        })
    }

    fn find_criterion(&self, name: &str) -> Result<usize> {
        self.nodes
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, n)| n.name == name)
            .map(|(k, _)| k)
            .ok_or_else(|| Error::invalid("criterion", name, "no such criterion"))
    }

    fn attach(&mut self, parent: usize, judgments: PairwiseMatrix) -> Result<()> {
        let Some(labels) = judgments.labels().map(<[String]>::to_vec) else {
            return Err(Error::invalid(
                format!("judgments under {}", self.nodes[parent].name),
                "unlabelled",
                "label the matrix with the names of the items compared",
            ));
        };
        for l in &labels {
            if self.nodes.iter().any(|n| &n.name == l) {
                return Err(Error::invalid(
                    "criterion",
                    l,
                    "name already used in the hierarchy",
                ));
            }
        }
        for l in labels {
            let k = self.nodes.len();
            self.nodes.push(Node {
                name: l,
                parent: Some(parent),
                children: Vec::new(),
                judgments: None,
                alternatives: None,
            });
            self.nodes[parent].children.push(k);
        }
        self.nodes[parent].judgments = Some(judgments);
        Ok(())
    }
}

/// One node of an evaluated hierarchy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NodeResult {
    /// Criterion name (the goal for node 0).
    pub name: String,
    /// Index of the parent node in [`HierarchyResult::nodes`].
    pub parent: Option<usize>,
    /// 0 for the goal, 1 for top criteria, …
    pub depth: usize,
    /// Weight among its siblings.
    pub local_weight: f64,
    /// Product of local weights from the goal down.
    pub global_weight: f64,
    /// Indices of the sub-criteria.
    pub children: Vec<usize>,
    /// Priorities and consistency of the judgments comparing the children.
    pub priorities: Option<Priorities>,
    /// Priorities and consistency of the alternatives' pairwise judgments (leaves).
    pub alternative_priorities: Option<Priorities>,
    /// Local weights of the alternatives under this leaf.
    pub alternative_weights: Option<Vec<f64>>,
}

/// An evaluated hierarchy (serialisable for export; re-evaluate a [`Hierarchy`] rather than
/// loading results).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct HierarchyResult {
    /// All nodes, goal first, parents before children.
    pub nodes: Vec<NodeResult>,
    /// Indices of the leaf criteria.
    pub leaves: Vec<usize>,
    /// Alternative names, if any.
    pub alternatives: Option<Vec<String>>,
    /// Final weights of the alternatives (sum 1), if any.
    pub alternative_weights: Option<Vec<f64>>,
    /// Whether every matrix in the hierarchy met its consistency threshold.
    pub all_acceptable: bool,
}

impl HierarchyResult {
    /// The node called `name`.
    pub fn node(&self, name: &str) -> Option<&NodeResult> {
        self.nodes.iter().find(|n| n.name == name)
    }

    /// Leaf criteria with their global weights (summing to 1).
    pub fn leaf_weights(&self) -> Vec<(String, f64)> {
        self.leaves
            .iter()
            .filter_map(|&k| self.nodes.get(k))
            .map(|n| (n.name.clone(), n.global_weight))
            .collect()
    }

    /// How far the global weight of criterion `name` (any node but the goal) may move,
    /// the other criteria keeping their proportions, before the top alternative changes.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for the goal, an unknown name, a hierarchy without
    /// alternatives, or a criterion holding all the weight.
    pub fn sensitivity(&self, name: &str) -> Result<Sensitivity> {
        let Some(total) = &self.alternative_weights else {
            return Err(Error::invalid(
                "alternatives",
                "none",
                "sensitivity needs alternatives",
            ));
        };
        let k = self
            .nodes
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, n)| n.name == name)
            .map(|(k, _)| k)
            .ok_or_else(|| Error::invalid("criterion", name, "no such criterion"))?;
        let g = self.nodes[k].global_weight;
        // Contribution of the subtree under k to each alternative.
        let mut contrib = vec![0.0; total.len()];
        for &l in &self.leaves {
            if self.is_under(l, k)
                && let Some(leaf) = self.nodes.get(l)
                && let Some(aw) = &leaf.alternative_weights
            {
                for (c, a) in contrib.iter_mut().zip(aw) {
                    *c += leaf.global_weight * a;
                }
            }
        }
        sensitivity_linear(name, g, &contrib, total)
    }

    fn is_under(&self, mut node: usize, ancestor: usize) -> bool {
        // Bounded walk: the fields are public, so do not trust them to form a tree.
        for _ in 0..=self.nodes.len() {
            if node == ancestor {
                return true;
            }
            match self.nodes.get(node).and_then(|n| n.parent) {
                Some(p) => node = p,
                None => return false,
            }
        }
        false
    }

    /// A plain-text report: the tree with local and global weights and each matrix's
    /// CR, then the alternatives ranked.
    pub fn report(&self) -> String {
        let mut s = String::new();
        self.report_node(0, &mut s);
        if let (Some(names), Some(w)) = (&self.alternatives, &self.alternative_weights) {
            let mut idx: Vec<usize> = (0..w.len()).collect();
            idx.sort_by(|&a, &b| w[b].total_cmp(&w[a]));
            let _ = writeln!(s, "Alternatives:");
            for (rank, i) in idx.into_iter().enumerate() {
                let name = names.get(i).map_or("?", String::as_str);
                let _ = writeln!(s, "  {}. {:<24} {:.4}", rank + 1, name, w[i]);
            }
        }
        let _ = writeln!(
            s,
            "All judgments acceptably consistent: {}",
            if self.all_acceptable { "yes" } else { "NO" }
        );
        s
    }

    fn report_node(&self, k: usize, s: &mut String) {
        let Some(n) = self.nodes.get(k) else { return };
        let indent = "  ".repeat(n.depth);
        if k == 0 {
            let _ = write!(s, "Goal: {}", n.name);
        } else {
            let _ = write!(
                s,
                "{indent}- {:<24} local {:.4}  global {:.4}",
                n.name, n.local_weight, n.global_weight
            );
        }
        for (what, p) in [
            ("sub-criteria", &n.priorities),
            ("alternatives", &n.alternative_priorities),
        ] {
            if let Some(p) = p {
                let _ = write!(
                    s,
                    "  [{what}: lambda_max {:.4}, CR {:.4} {} {:.2}]",
                    p.lambda_max,
                    p.consistency_ratio,
                    if p.acceptable {
                        "<="
                    } else {
                        "> (inconsistent)"
                    },
                    p.threshold
                );
            }
        }
        s.push('\n');
        // Children come after their parent; skipping anything else rules out cycles.
        for &c in n.children.iter().filter(|&&c| c > k) {
            self.report_node(c, s);
        }
    }
}
