//! Columnar assessment: a whole table scored into reusable column buffers, chunk by
//! chunk, with the same per-row arithmetic as [`FittedPipeline::assess`] (bitwise).

use super::pipeline::{Bound, CHUNK, FillScratch};
use super::{FittedPipeline, N_CAUSES, Table};
use crate::churn::risk::RiskLevel;
use crate::churn::{ChurnModel, sigmoid};
use crate::client::ChurnCause;
use crate::error::{Error, Result};
use crate::retention::{ActionKind, BestScratch, ClientColumns, rankable};
use crate::segment::AssetTier;

/// The assessment of every row of a table, one vector per output, index `i` for row `i`.
/// Reuse one value across calls to [`FittedPipeline::assess_columns`]: it keeps its
/// capacity, so scoring a stream of tables allocates nothing per table once warm.
///
/// A row that could not be assessed has `valid[i] == false`, zero or `None` in every
/// output, and its error in [`AssessmentColumns::errors`]; it never affects the others.
///
/// ```
/// use wealthscore::schema::{AssessmentColumns, FittedPipeline, PipelineConfig, Schema, Table};
///
/// let schema = Schema::from_json(r#"{"columns": [
///   {"name": "churned", "type": "boolean", "role": "label"},
///   {"name": "calls", "type": "number", "cause": "service"}]}"#)?;
/// let csv = "calls,churned\n1,no\n6,yes\n2,no\n7,yes\n0,no\n5,yes\n";
/// let table = Table::read_csv(csv.as_bytes(), &schema)?;
/// let fitted = FittedPipeline::fit(schema, &table, &PipelineConfig::default())?.pipeline;
///
/// let mut out = AssessmentColumns::default();
/// fitted.assess_columns(&table, &mut out)?;
/// let rows = fitted.assess(&table)?;
/// for (i, row) in rows.iter().enumerate() {
///     let row = row.as_ref().unwrap();
///     assert_eq!(out.probability[i].to_bits(), row.churn_probability.to_bits());
///     assert_eq!(out.risk_level[i], Some(row.risk_level));
/// }
/// assert_eq!(fitted.reason_column(out.top_reason[1].unwrap() as usize), Some("calls"));
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct AssessmentColumns {
    /// Whether row `i` was assessed (its error is in [`AssessmentColumns::errors`] if not).
    pub valid: Vec<bool>,
    /// Churn probability (0 where not valid).
    pub probability: Vec<f64>,
    /// Risk level from the pipeline's cut-offs.
    pub risk_level: Vec<Option<RiskLevel>>,
    /// Warning rules that fired, bit `k` for rule `k` of
    /// [`FittedPipeline::warning_names`].
    pub warnings: Vec<u64>,
    /// The top reason's source column, as an index for [`FittedPipeline::reason_column`];
    /// `None` when no column pushes the risk up.
    pub top_reason: Vec<Option<u32>>,
    /// The top reason's contribution (0 when there is none).
    pub top_reason_contribution: Vec<f64>,
    /// Client lifetime value, when the schema provides a margin and the row's margin is
    /// not negative (a client who costs more than they earn has no value to save).
    pub clv: Vec<Option<f64>>,
    /// Expected value lost, `clv × probability`.
    pub expected_value_lost: Vec<Option<f64>>,
    /// The best retention action, when the client has a value and one qualifies.
    pub best_action: Vec<Option<ActionKind>>,
    /// Rows that could not be assessed, with their error, in row order.
    pub errors: Vec<(usize, Error)>,
}

impl AssessmentColumns {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.valid.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.valid.is_empty()
    }

    /// Sizes every output to `n` rows. Cells kept from an earlier call are not cleared
    /// here: `assess_chunk` writes every cell of every row (clearing
    /// first would write the whole output twice).
    fn reset(&mut self, n: usize) {
        fn size<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
            v.truncate(n);
            v.resize(n, x);
        }
        size(&mut self.valid, n, false);
        size(&mut self.probability, n, 0.0);
        size(&mut self.risk_level, n, None);
        size(&mut self.warnings, n, 0);
        size(&mut self.top_reason, n, None);
        size(&mut self.top_reason_contribution, n, 0.0);
        size(&mut self.clv, n, None);
        size(&mut self.expected_value_lost, n, None);
        size(&mut self.best_action, n, None);
        self.errors.clear();
    }

    /// Disjoint per-chunk views of every output, so chunks can be filled in parallel.
    fn parts(&mut self, chunk: usize) -> Vec<Part<'_>> {
        let mut parts = Vec::with_capacity(self.len().div_ceil(chunk));
        let mut valid = self.valid.chunks_mut(chunk);
        let mut probability = self.probability.chunks_mut(chunk);
        let mut risk_level = self.risk_level.chunks_mut(chunk);
        let mut warnings = self.warnings.chunks_mut(chunk);
        let mut top_reason = self.top_reason.chunks_mut(chunk);
        let mut top_contribution = self.top_reason_contribution.chunks_mut(chunk);
        let mut clv = self.clv.chunks_mut(chunk);
        let mut lost = self.expected_value_lost.chunks_mut(chunk);
        let mut best_action = self.best_action.chunks_mut(chunk);
        let mut start = 0;
        while let (
            Some(v),
            Some(p),
            Some(r),
            Some(w),
            Some(t),
            Some(tc),
            Some(c),
            Some(l),
            Some(a),
        ) = (
            valid.next(),
            probability.next(),
            risk_level.next(),
            warnings.next(),
            top_reason.next(),
            top_contribution.next(),
            clv.next(),
            lost.next(),
            best_action.next(),
        ) {
            let len = v.len();
            parts.push(Part {
                start,
                valid: v,
                probability: p,
                risk_level: r,
                warnings: w,
                top_reason: t,
                top_reason_contribution: tc,
                clv: c,
                expected_value_lost: l,
                best_action: a,
            });
            start += len;
        }
        parts
    }
}

struct Part<'a> {
    start: usize,
    valid: &'a mut [bool],
    probability: &'a mut [f64],
    risk_level: &'a mut [Option<RiskLevel>],
    warnings: &'a mut [u64],
    top_reason: &'a mut [Option<u32>],
    top_reason_contribution: &'a mut [f64],
    clv: &'a mut [Option<f64>],
    expected_value_lost: &'a mut [Option<f64>],
    best_action: &'a mut [Option<ActionKind>],
}

/// Which outputs [`FittedPipeline::assess_columns_with`] computes.
///
/// ```
/// use wealthscore::schema::Outputs;
/// assert_eq!(Outputs::default(), Outputs::Full);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Outputs {
    /// Every output of [`AssessmentColumns`].
    #[default]
    Full,
    /// Probability, risk level and the top reason (column and contribution) only; the
    /// warnings, lifetime value, expected value lost and best action stay empty (0 and
    /// `None`), and are not computed.
    RiskAndReason,
}

/// Per-thread working buffers of the column-at-a-time kernel, reused chunk after chunk
/// (a fresh allocation per chunk would cost page faults on every chunk).
#[derive(Default)]
struct Scratch {
    /// Features, column-major: feature `j` of row `r` at `j * m + r`.
    x: Vec<f64>,
    errs: Vec<Option<Error>>,
    /// Probability per row.
    prob: Vec<f64>,
    /// Contribution per source, column-major.
    by_source: Vec<f64>,
    /// Whether a source has had a term yet.
    started: Vec<bool>,
    /// Positive contribution per cause, column-major.
    causes: Vec<f64>,
    best: Vec<f64>,
    /// Source index of the top reason, [`NO_REASON`] for none.
    top: Vec<f64>,
    warnings: Vec<u64>,
    row: Vec<f64>,
    contrib: Vec<f64>,
    source_row: Vec<f64>,
    level_hits: Vec<bool>,
    values: Vec<Option<f64>>,
    /// The value columns ([`FittedPipeline::value_columns`]) of the chunk.
    value_columns: [Vec<Option<f64>>; 5],
    value: ValueScratch,
    fill: FillScratch,
}

impl Scratch {
    fn prepare(&mut self, m: usize, p: usize, n_sources: usize, outputs: Outputs) {
        let fit = |v: &mut Vec<f64>, n: usize| {
            v.clear();
            v.resize(n, 0.0);
        };
        // `fill_columns` writes every cell.
        self.x.resize(p * m, 0.0);
        // Every cell is written before it is read: by the logistic sums, or by each
        // assessed row (a row in error is never read).
        self.prob.resize(m, 0.0);
        self.by_source.resize(n_sources * m, 0.0);
        if outputs == Outputs::Full {
            fit(&mut self.causes, N_CAUSES * m);
        }
        fit(&mut self.best, m);
        fit(&mut self.row, p);
        fit(&mut self.contrib, p);
        fit(&mut self.source_row, n_sources);
        // `fill_columns` sets every row's error; the last chunk took them all.
        self.errs.resize(m, None);
        self.top.clear();
        self.top.resize(m, NO_REASON);
        // `warnings_of` clears the bits it sets.
        self.warnings.resize(m, 0);
    }
}

const NO_REASON: f64 = -1.0;

impl FittedPipeline {
    /// Assesses every row of `table` into `out` (resized to the table, its capacity
    /// reused), chunk by chunk in cache and a column at a time; with the `parallel`
    /// feature, chunks are spread over all cores. Each row's numbers are bitwise those
    /// of [`FittedPipeline::assess`]; a bad row yields its error at its index. Fails as
    /// a whole only when the table does not fit the pipeline (another schema, a required
    /// column missing).
    pub fn assess_columns(&self, table: &Table, out: &mut AssessmentColumns) -> Result<()> {
        self.assess_columns_with(table, Outputs::Full, out)
    }

    /// As [`FittedPipeline::assess_columns`], computing only `outputs`.
    ///
    /// ```
    /// use wealthscore::schema::{AssessmentColumns, FittedPipeline, Outputs, PipelineConfig, Schema, Table};
    ///
    /// let schema = Schema::from_json(r#"{"columns": [
    ///   {"name": "churned", "type": "boolean", "role": "label"},
    ///   {"name": "calls", "type": "number", "cause": "service"},
    ///   {"name": "margin", "type": "number", "meaning": "annual_margin"}]}"#)?;
    /// let csv = "calls,margin,churned\n1,900,no\n6,200,yes\n2,800,no\n7,100,yes\n0,700,no\n5,300,yes\n";
    /// let table = Table::read_csv(csv.as_bytes(), &schema)?;
    /// let fitted = FittedPipeline::fit(schema, &table, &PipelineConfig::default())?.pipeline;
    ///
    /// let (mut full, mut fast) = (AssessmentColumns::default(), AssessmentColumns::default());
    /// fitted.assess_columns(&table, &mut full)?;
    /// fitted.assess_columns_with(&table, Outputs::RiskAndReason, &mut fast)?;
    /// assert_eq!(fast.probability, full.probability);
    /// assert_eq!(fast.top_reason, full.top_reason);
    /// assert!(full.clv[1].is_some() && fast.clv[1].is_none());
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn assess_columns_with(
        &self,
        table: &Table,
        outputs: Outputs,
        out: &mut AssessmentColumns,
    ) -> Result<()> {
        let bound = self.bind(table)?;
        out.reset(table.n_rows());
        let parts = out.parts(CHUNK);
        #[cfg(feature = "parallel")]
        let errors: Vec<Vec<(usize, Error)>> = {
            use rayon::prelude::*;
            parts
                .into_par_iter()
                .map_init(Scratch::default, |scratch, part| {
                    self.assess_chunk(&bound, table, part, outputs, scratch)
                })
                .collect()
        };
        #[cfg(not(feature = "parallel"))]
        let errors: Vec<Vec<(usize, Error)>> = {
            let mut scratch = Scratch::default();
            parts
                .into_iter()
                .map(|part| self.assess_chunk(&bound, table, part, outputs, &mut scratch))
                .collect()
        };
        out.errors.extend(errors.into_iter().flatten());
        Ok(())
    }

    /// The source column of reason index `s` (as in [`AssessmentColumns::top_reason`]).
    pub fn reason_column(&self, s: usize) -> Option<&str> {
        self.sources().source_name(s)
    }

    /// One chunk, a column at a time: each row's arithmetic runs in the same order as
    /// [`FittedPipeline::core_row`], so the bits are the same.
    fn assess_chunk(
        &self,
        bound: &Bound<'_>,
        table: &Table,
        part: Part<'_>,
        outputs: Outputs,
        sc: &mut Scratch,
    ) -> Vec<(usize, Error)> {
        let p = self.n_features();
        let m = part.valid.len();
        let sources = self.sources();
        let ns = sources.n_sources();
        let start = part.start;
        sc.prepare(m, p, ns, outputs);
        self.fill_columns(
            bound,
            table,
            start..start + m,
            &mut sc.x,
            &mut sc.errs,
            &mut sc.fill,
        );

        // Probabilities and per-source contributions.
        let mut top_reason_done = false;
        match self.model() {
            ChurnModel::Logistic(lr) => {
                let (intercept, coef, mean) = lr.contribution_terms();
                let z = &mut sc.prob;
                z.fill(intercept);
                // `SourceIndex::sum` starts each source at -0.0, the identity of
                // addition: a source's first term is stored as it is, the same bits.
                let started = &mut sc.started;
                started.clear();
                started.resize(ns, false);
                let source = |j: usize| sources.source_of(j).unwrap_or(0);
                // When each source's features follow one another in source order, a
                // source is complete at its last feature and enters the top-reason race
                // there, in source order as below, while its sums are in cache.
                top_reason_done = (1..p).all(|j| source(j - 1) <= source(j));
                for (j, ((&c, &mu), xs)) in
                    coef.iter().zip(mean).zip(sc.x.chunks_exact(m)).enumerate()
                {
                    let s = source(j);
                    let (Some(bs), Some(started)) =
                        (sc.by_source.get_mut(s * m..(s + 1) * m), started.get_mut(s))
                    else {
                        continue;
                    };
                    let first = !std::mem::replace(started, true);
                    let last = top_reason_done && (j + 1 == p || source(j + 1) != s);
                    let race = (s as f64, &mut sc.best[..], &mut sc.top[..]);
                    let terms = Terms { c, mu, xs, z, bs };
                    match (first, last) {
                        (true, true) => terms.add::<true, true>(race),
                        (true, false) => terms.add::<true, false>(race),
                        (false, true) => terms.add::<false, true>(race),
                        (false, false) => terms.add::<false, false>(race),
                    }
                }
                for (bs, _) in sc
                    .by_source
                    .chunks_exact_mut(m)
                    .zip(started.iter())
                    .filter(|(_, s)| !**s)
                {
                    bs.fill(-0.0);
                }
                for r in 0..m {
                    if sc.errs[r].is_some() {
                        continue;
                    }
                    let zr = sc.prob[r];
                    if zr.is_finite() {
                        sc.prob[r] = sigmoid(zr).clamp(0.0, 1.0);
                    } else {
                        // A non-finite feature or logit: the row path names the
                        // feature, or gives the probability.
                        gather(&sc.x, m, r, &mut sc.row);
                        match self.row_probability(table, start + r, &sc.row, &mut sc.contrib) {
                            Ok(p) => sc.prob[r] = p,
                            Err(e) => sc.errs[r] = Some(e),
                        }
                    }
                }
            }
            _ => {
                for r in 0..m {
                    if sc.errs[r].is_some() {
                        continue;
                    }
                    gather(&sc.x, m, r, &mut sc.row);
                    let got = self
                        .row_probability(table, start + r, &sc.row, &mut sc.contrib)
                        .and_then(|pr| sources.sum(&sc.contrib, &mut sc.source_row).map(|()| pr));
                    match got {
                        Ok(pr) => {
                            sc.prob[r] = pr;
                            for (s, &v) in sc.source_row.iter().enumerate() {
                                sc.by_source[s * m + r] = v;
                            }
                        }
                        Err(e) => sc.errs[r] = Some(e),
                    }
                }
            }
        }

        // The top reason, unless the sums above ran the race.
        if !top_reason_done {
            for (s, bs) in sc.by_source.chunks_exact(m).enumerate() {
                for ((best, top), &v) in sc.best.iter_mut().zip(sc.top.iter_mut()).zip(bs) {
                    race(v, s as f64, best, top);
                }
            }
        }

        if outputs == Outputs::Full {
            self.warnings_of(
                bound,
                start,
                &mut sc.warnings,
                &mut sc.level_hits,
                &mut sc.values,
            );
            // Positive contributions per cause, summed in source order as
            // `SourceIndex::cause_totals` does.
            for (s, bs) in sc.by_source.chunks_exact(m).enumerate() {
                let Some(cause) = sources.cause(s) else {
                    continue;
                };
                let c = cause as usize;
                let Some(cs) = sc.causes.get_mut(c * m..(c + 1) * m) else {
                    continue;
                };
                for (t, &v) in cs.iter_mut().zip(bs) {
                    // Adding +0.0 leaves a total of positive terms (never -0.0) as it is,
                    // so this select gives the bits of the row path's `if`.
                    *t += if v > 0.0 { v } else { 0.0 };
                }
            }
            for (j, vals) in self.value_columns().iter().zip(sc.value_columns.iter_mut()) {
                vals.clear();
                vals.resize(m, None);
                if let Some(src) = j.and_then(|j| bound.sources.get(j).copied().flatten()) {
                    src.numbers(start, vals);
                }
            }
        }

        let columns = self.value_columns();
        let meaning = |r: usize, j: Option<usize>| {
            let j = j?;
            let k = columns.iter().position(|c| *c == Some(j))?;
            sc.value_columns.get(k)?.get(r).copied().flatten()
        };
        if outputs == Outputs::Full {
            // Each row's value first, then the best action of every row with a value an
            // action at a time; a row the catalogue would reject takes the row path below,
            // which names its error.
            let v = &mut sc.value;
            v.prepare(m);
            for r in 0..m {
                if sc.errs[r].is_some() {
                    continue;
                }
                let pr = sc.prob[r];
                let base = self.value_base(&|j| meaning(r, j), pr);
                let Some(clv) = base.clv else {
                    continue;
                };
                v.clv[r] = clv;
                v.has_value[r] = true;
                v.tier[r] = base.asset_tier.unwrap_or(AssetTier::Mass);
                v.advisor[r] = base.dedicated_advisor;
                let causes_finite = (0..N_CAUSES).all(|c| {
                    sc.causes
                        .get(c * m + r)
                        .is_some_and(|x: &f64| x.is_finite())
                });
                v.columns[r] = rankable(pr, clv, base.aum, causes_finite);
            }
            let clients = ClientColumns {
                probability: &sc.prob,
                clv: &v.clv,
                tier: &v.tier,
                dedicated_advisor: &v.advisor,
                causes: &sc.causes,
            };
            self.config()
                .actions
                .best_columns(&clients, &mut v.best, &mut v.action);
        }

        let mut errors = Vec::new();
        let risk = &self.config().risk;
        // Every cell is written (see `AssessmentColumns::reset`), once.
        for r in 0..m {
            let i = start + r;
            let mut assessed = sc.errs[r].take().map_or(Ok(()), Err);
            let pr = sc.prob[r];
            let (mut clv, mut action) = (None, None);
            if assessed.is_ok() && outputs == Outputs::Full {
                let v = &sc.value;
                // A row ranked a column at a time has a value; others with one take
                // the row path.
                if v.columns[r] {
                    (clv, action) = (Some(v.clv[r]), v.action[r]);
                } else if v.has_value[r] {
                    let causes = ChurnCause::ALL.map(|c| (c, sc.causes[c as usize * m + r]));
                    match self.value_from(|j| meaning(r, j), pr, &causes, false) {
                        Ok((_, c, actions)) => (clv, action) = (c, actions[0].map(|a| a.kind)),
                        Err(e) => assessed = Err(e),
                    }
                }
            }
            let ok = match assessed {
                Ok(()) => true,
                Err(e) => {
                    errors.push((i, e));
                    false
                }
            };
            let full = ok && outputs == Outputs::Full;
            part.valid[r] = ok;
            part.probability[r] = if ok { pr } else { 0.0 };
            part.risk_level[r] = ok.then(|| risk.level(pr));
            part.warnings[r] = if full { sc.warnings[r] } else { 0 };
            part.clv[r] = clv;
            part.expected_value_lost[r] = clv.map(|c| c * pr);
            part.best_action[r] = action;
            // A source index, exactly (there are fewer than 2^32 sources).
            let reason = ok && sc.top[r] >= 0.0;
            part.top_reason[r] = reason.then(|| sc.top[r] as u32);
            part.top_reason_contribution[r] = if reason { sc.best[r] } else { 0.0 };
        }
        errors
    }
}

/// Each row's lifetime value and what ranking its actions reads, column by column.
#[derive(Default)]
struct ValueScratch {
    /// Whether the row has a lifetime value (then its actions are ranked).
    has_value: Vec<bool>,
    /// Whether the row's best action is taken from [`ValueScratch::action`] (else the
    /// row path ranks it).
    columns: Vec<bool>,
    clv: Vec<f64>,
    tier: Vec<AssetTier>,
    advisor: Vec<bool>,
    action: Vec<Option<ActionKind>>,
    best: BestScratch,
}

impl ValueScratch {
    fn prepare(&mut self, m: usize) {
        fn fit<T: Clone>(v: &mut Vec<T>, m: usize, x: T) {
            v.clear();
            v.resize(m, x);
        }
        fit(&mut self.has_value, m, false);
        fit(&mut self.columns, m, false);
        fit(&mut self.clv, m, 0.0);
        fit(&mut self.tier, m, AssetTier::Mass);
        fit(&mut self.advisor, m, false);
        fit(&mut self.action, m, None);
    }
}

/// Source `s`'s contribution `v` against the lead so far: the first source of largest
/// positive contribution wins, as `SourceIndex::top` ranks them. The index is carried
/// as an f64 (exact below 2^53) so that value and index select in the same vector lanes;
/// bit masks vectorise where an `if` would branch.
#[inline(always)]
fn race(v: f64, s: f64, best: &mut f64, top: &mut f64) {
    let lead = u64::from(v > *best).wrapping_neg();
    *best = f64::from_bits((v.to_bits() & lead) | (best.to_bits() & !lead));
    *top = f64::from_bits((s.to_bits() & lead) | (top.to_bits() & !lead));
}

/// One logistic feature's terms `c (x - mu)` over a chunk, added to the linear sums `z`
/// and its source's sums `bs` in feature order, as the row path adds them.
struct Terms<'a> {
    c: f64,
    mu: f64,
    xs: &'a [f64],
    z: &'a mut [f64],
    bs: &'a mut [f64],
}

impl Terms<'_> {
    /// `FIRST`: the source's first term, stored (the row path adds it to -0.0, which
    /// gives the same bits). `LAST`: the source is complete and races for the top
    /// reason at once.
    #[inline(always)]
    fn add<const FIRST: bool, const LAST: bool>(
        self,
        (s, best, top): (f64, &mut [f64], &mut [f64]),
    ) {
        let rows = self.z.iter_mut().zip(self.bs.iter_mut()).zip(self.xs);
        for (((zr, br), &v), (b, t)) in rows.zip(best.iter_mut().zip(top.iter_mut())) {
            let term = self.c * (v - self.mu);
            *zr += term;
            *br = if FIRST { term } else { *br + term };
            if LAST {
                race(*br, s, b, t);
            }
        }
    }
}

/// Row `r` of a column-major block of `m` rows into `row`.
fn gather(x: &[f64], m: usize, r: usize, row: &mut [f64]) {
    for (j, v) in row.iter_mut().enumerate() {
        *v = x.get(j * m + r).copied().unwrap_or(0.0);
    }
}
