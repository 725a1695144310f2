//! Columnar assessment: a whole table scored into reusable column buffers, chunk by
//! chunk, with the same per-row arithmetic as [`FittedPipeline::assess`] (bitwise).

use super::pipeline::{Bound, CHUNK};
use super::{FittedPipeline, Table};
use crate::churn::risk::RiskLevel;
use crate::error::{Error, Result};
use crate::retention::ActionKind;

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
    /// Client lifetime value, when the schema provides a margin.
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

    fn reset(&mut self, n: usize) {
        self.valid.clear();
        self.valid.resize(n, false);
        self.probability.clear();
        self.probability.resize(n, 0.0);
        self.risk_level.clear();
        self.risk_level.resize(n, None);
        self.warnings.clear();
        self.warnings.resize(n, 0);
        self.top_reason.clear();
        self.top_reason.resize(n, None);
        self.top_reason_contribution.clear();
        self.top_reason_contribution.resize(n, 0.0);
        self.clv.clear();
        self.clv.resize(n, None);
        self.expected_value_lost.clear();
        self.expected_value_lost.resize(n, None);
        self.best_action.clear();
        self.best_action.resize(n, None);
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

impl FittedPipeline {
    /// Assesses every row of `table` into `out` (resized to the table, its capacity
    /// reused), chunk by chunk in cache; with the `parallel` feature, chunks are spread
    /// over all cores. Each row's numbers are bitwise those of [`FittedPipeline::assess`];
    /// a bad row yields its error at its index. Fails as a whole only when the table
    /// does not fit the pipeline (another schema, a required column missing).
    pub fn assess_columns(&self, table: &Table, out: &mut AssessmentColumns) -> Result<()> {
        let bound = self.bind(table)?;
        out.reset(table.n_rows());
        let parts = out.parts(CHUNK);
        #[cfg(feature = "parallel")]
        let errors: Vec<Vec<(usize, Error)>> = {
            use rayon::prelude::*;
            parts
                .into_par_iter()
                .map(|part| self.assess_chunk(&bound, table, part))
                .collect()
        };
        #[cfg(not(feature = "parallel"))]
        let errors: Vec<Vec<(usize, Error)>> = parts
            .into_iter()
            .map(|part| self.assess_chunk(&bound, table, part))
            .collect();
        out.errors.extend(errors.into_iter().flatten());
        Ok(())
    }

    /// The source column of reason index `s` (as in [`AssessmentColumns::top_reason`]).
    pub fn reason_column(&self, s: usize) -> Option<&str> {
        self.sources().source_name(s)
    }

    fn assess_chunk(
        &self,
        bound: &Bound<'_>,
        table: &Table,
        part: Part<'_>,
    ) -> Vec<(usize, Error)> {
        let p = self.n_features();
        let m = part.valid.len();
        let mut buf = vec![0.0; m * p];
        let mut errs: Vec<Option<Error>> = vec![None; m];
        let mut contrib = vec![0.0; p];
        let mut by_source = vec![0.0; self.sources().n_sources()];
        let mut errors = Vec::new();
        self.fill_rows(
            bound,
            table,
            part.start,
            part.start + m,
            &mut buf,
            &mut errs,
        );
        for (r, err) in errs.into_iter().enumerate() {
            let i = part.start + r;
            if let Some(e) = err {
                errors.push((i, e));
                continue;
            }
            let x = buf.get(r * p..(r + 1) * p).unwrap_or_default();
            match self.core_row(bound, table, i, x, &mut contrib, &mut by_source) {
                Ok(core) => {
                    part.valid[r] = true;
                    part.probability[r] = core.p;
                    part.risk_level[r] = Some(self.config().risk.level(core.p));
                    part.warnings[r] = core.warnings;
                    if core.n_top > 0 {
                        let s = core.top[0];
                        part.top_reason[r] = u32::try_from(s).ok();
                        part.top_reason_contribution[r] = by_source[s];
                    }
                    part.clv[r] = core.clv;
                    part.expected_value_lost[r] = core.clv.map(|c| c * core.p);
                    part.best_action[r] = core.actions[0].map(|a| a.kind);
                }
                Err(e) => errors.push((i, e)),
            }
        }
        errors
    }
}
