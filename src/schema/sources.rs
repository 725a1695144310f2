//! Reason arithmetic over feature metadata, shared by every feature provider: the
//! built-in `ClientRecord` features ([`crate::churn::features::builtin_features`]) and a
//! fitted schema pipeline ([`super::FittedPipeline::features`]) both sum contributions
//! to their sources, rank the sources and total them per churn cause through this one
//! type.

use super::FeatureMeta;
use crate::client::ChurnCause;
use crate::error::{Error, Result};

/// Number of churn causes ([`ChurnCause::ALL`]).
pub const N_CAUSES: usize = ChurnCause::ALL.len();

/// Feature metadata compiled for per-row work: the source each feature's contribution is
/// summed into (a schema column, or a built-in signal such as `transfers_out`), and each
/// source's churn cause. Sources are numbered in the order they first appear among the
/// features. Per-row methods write into caller buffers and allocate nothing.
///
/// ```
/// use wealthscore::schema::{FeatureMeta, SourceIndex};
/// use wealthscore::ChurnCause;
///
/// let mut fee = FeatureMeta::new("fee", "fee");
/// fee.cause = Some(ChurnCause::Fees);
/// let mut plan_a = FeatureMeta::new("plan=a", "plan");
/// plan_a.cause = Some(ChurnCause::Product);
/// let mut plan_b = plan_a.clone();
/// plan_b.name = "plan=b".into();
/// let index = SourceIndex::new(&[fee, plan_a, plan_b])?;
/// assert_eq!(index.n_sources(), 2);
///
/// let mut by_source = [0.0; 2];
/// index.sum(&[0.5, 0.25, 0.5], &mut by_source)?; // one-hot parts summed back to `plan`
/// assert_eq!(by_source, [0.5, 0.75]);
/// let mut top = [0usize; 2];
/// assert_eq!(SourceIndex::top(&by_source, &mut top), 2);
/// assert_eq!(index.source_name(top[0]), Some("plan"));
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SourceIndex {
    source_of: Box<[u32]>,
    names: Box<[String]>,
    causes: Box<[Option<ChurnCause>]>,
}

impl SourceIndex {
    /// Compiles the metadata. Every feature of one source must name the same cause; an
    /// error names the feature that does not.
    pub fn new(features: &[FeatureMeta]) -> Result<Self> {
        let mut names: Vec<String> = Vec::new();
        let mut causes: Vec<Option<ChurnCause>> = Vec::new();
        let mut source_of = Vec::with_capacity(features.len());
        for (j, f) in features.iter().enumerate() {
            let s = match names.iter().position(|n| *n == f.source) {
                Some(s) => {
                    if causes.get(s).copied().flatten() != f.cause {
                        return Err(Error::invalid(
                            format!("features[{j}].cause"),
                            &f.name,
                            format!(
                                "the other features of source `{}` name another cause",
                                f.source
                            ),
                        ));
                    }
                    s
                }
                None => {
                    names.push(f.source.clone());
                    causes.push(f.cause);
                    names.len() - 1
                }
            };
            source_of.push(u32::try_from(s).map_err(|_| {
                Error::invalid("features", features.len().to_string(), "too many sources")
            })?);
        }
        Ok(SourceIndex {
            source_of: source_of.into(),
            names: names.into(),
            causes: causes.into(),
        })
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.source_of.len()
    }

    /// Number of sources.
    pub fn n_sources(&self) -> usize {
        self.names.len()
    }

    /// The name of source `s`.
    pub fn source_name(&self, s: usize) -> Option<&str> {
        self.names.get(s).map(String::as_str)
    }

    /// The churn cause of source `s`.
    pub fn cause(&self, s: usize) -> Option<ChurnCause> {
        self.causes.get(s).copied().flatten()
    }

    /// The source feature `j` is summed into.
    pub fn source_of(&self, j: usize) -> Option<usize> {
        self.source_of.get(j).map(|&s| s as usize)
    }

    /// Sums per-feature contributions into `out`, one entry per source, adding in
    /// feature order. `contrib` must hold [`SourceIndex::n_features`] values and `out`
    /// [`SourceIndex::n_sources`].
    pub fn sum(&self, contrib: &[f64], out: &mut [f64]) -> Result<()> {
        if contrib.len() != self.source_of.len() || out.len() != self.names.len() {
            return Err(Error::invalid(
                "contributions",
                format!("{} values into {} sources", contrib.len(), out.len()),
                format!(
                    "expected {} values into {} sources",
                    self.source_of.len(),
                    self.names.len()
                ),
            ));
        }
        // -0.0 is the identity of addition (0.0 + -0.0 is 0.0), as in `Iterator::sum`.
        out.fill(-0.0);
        for (&c, &s) in contrib.iter().zip(self.source_of.iter()) {
            if let Some(o) = out.get_mut(s as usize) {
                *o += c;
            }
        }
        Ok(())
    }

    /// Writes the indices of the `out.len()` largest positive values of `by_source` into
    /// `out`, largest first (ties: lower index first), and returns how many it wrote.
    /// NaN and non-positive values are never chosen.
    pub fn top(by_source: &[f64], out: &mut [usize]) -> usize {
        let mut used = 0;
        for (j, &c) in by_source.iter().enumerate() {
            if c <= 0.0 || c.is_nan() {
                continue;
            }
            let mut pos = used;
            while pos > 0
                && out
                    .get(pos - 1)
                    .and_then(|&k| by_source.get(k))
                    .is_some_and(|&v| v < c)
            {
                pos -= 1;
            }
            if pos >= out.len() {
                continue;
            }
            let end = (used + 1).min(out.len());
            for k in (pos + 1..end).rev() {
                out[k] = out[k - 1];
            }
            out[pos] = j;
            used = end;
        }
        used
    }

    /// Positive source totals summed per churn cause, in source order, into `out`
    /// (indexed as [`ChurnCause::ALL`]); sources without a cause are left out.
    pub fn cause_totals(&self, by_source: &[f64], out: &mut [(ChurnCause, f64); N_CAUSES]) {
        *out = ChurnCause::ALL.map(|c| (c, 0.0));
        for (&v, cause) in by_source.iter().zip(self.causes.iter()) {
            if let Some(cause) = cause
                && v > 0.0
                && let Some(slot) = out.get_mut(*cause as usize)
            {
                slot.1 += v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(name: &str, source: &str, cause: Option<ChurnCause>) -> FeatureMeta {
        let mut m = FeatureMeta::new(name, source);
        m.cause = cause;
        m
    }

    #[test]
    fn sources_follow_first_appearance_and_sums_are_per_source() {
        let idx = SourceIndex::new(&[
            meta("b", "b", None),
            meta("a=1", "a", Some(ChurnCause::Fees)),
            meta("b=missing", "b", None),
            meta("a=2", "a", Some(ChurnCause::Fees)),
        ])
        .unwrap();
        assert_eq!(idx.n_sources(), 2);
        assert_eq!(idx.source_name(0), Some("b"));
        let mut out = [0.0; 2];
        idx.sum(&[1.0, 2.0, 4.0, 8.0], &mut out).unwrap();
        assert_eq!(out, [5.0, 10.0]);
        assert!(idx.sum(&[1.0], &mut out).is_err());
        let mut causes = [(ChurnCause::Fees, 0.0); N_CAUSES];
        idx.cause_totals(&out, &mut causes);
        assert_eq!(causes[ChurnCause::Fees as usize], (ChurnCause::Fees, 10.0));
        assert_eq!(causes.iter().map(|c| c.1).sum::<f64>(), 10.0);
    }

    #[test]
    fn a_source_with_two_causes_is_refused_naming_the_feature() {
        let e = SourceIndex::new(&[
            meta("a=1", "a", Some(ChurnCause::Fees)),
            meta("a=2", "a", Some(ChurnCause::Trust)),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("features[1].cause"), "{e}");
    }

    #[test]
    fn top_skips_nan_and_non_positive_and_breaks_ties_by_index() {
        let mut out = [9usize; 3];
        let n = SourceIndex::top(&[0.5, f64::NAN, 0.0, 0.7, 0.5, -1.0], &mut out);
        assert_eq!(n, 3);
        assert_eq!(out, [3, 0, 4]);
    }
}
