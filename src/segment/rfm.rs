//! Recency–frequency–monetary (RFM) scores by quintiles and the named RFM segments.
//!
//! - **Recency** = days since the last activity (lower is better), **frequency** =
//!   transactions over the last 12 months, **monetary** = AUM.
//! - **Quintile edges** are the 20/40/60/80 % quantiles of the portfolio, by linear
//!   interpolation between order statistics (numpy's and pandas' default method).
//! - **Scores 1–5.** A value's bin is `1 + (number of edges strictly below it)`, i.e.
//!   right-closed bins `(e_{k−1}, e_k]` as in `pandas.qcut(x, 5, labels=[1, 2, 3, 4, 5])`;
//!   frequency and monetary take the bin as score, recency takes `6 − bin` (as
//!   `pandas.qcut(recency, 5, labels=[5, 4, 3, 2, 1])`).
//! - **Tie rule:** equal values always get equal scores. When ties make edges coincide
//!   (where `pandas.qcut` would raise "Bin edges must be unique"), the empty bins are
//!   simply skipped: e.g. a frequency column of mostly zeros gives all zeros score 1.
//!   This differs from the other common practice, `qcut(x.rank(method="first"))`,
//!   which splits ties by row order; ours does not depend on row order.
//!
//! **Segments** follow the standard R–F grid (the map of recency and frequency scores
//! used by most RFM tutorials and tools, e.g. the `seg_map` of regular expressions over
//! the two-digit RF code):
//!
//! | R \ F | 1 | 2 | 3 | 4 | 5 |
//! |---|---|---|---|---|---|
//! | 5 | new | potential loyalist | potential loyalist | champions | champions |
//! | 4 | promising | potential loyalist | potential loyalist | loyal | loyal |
//! | 3 | about to sleep | about to sleep | need attention | loyal | loyal |
//! | 2 | hibernating | hibernating | at risk | at risk | can't lose |
//! | 1 | **lost** | hibernating | at risk | at risk | can't lose |
//!
//! The grid has ten segments; the eleventh, *lost*, is the grid's worst cell (R = 1,
//! F = 1: least recent and least frequent), carved out of *hibernating* as in tools
//! that list lost separately. Monetary is reported but, as in the grid, does not move
//! the segment.
//!
//! ```
//! use wealthscore::segment::{RfmModel, RfmValues, RfmSegment};
//!
//! // Ten clients: recency days, transactions in 12 months, AUM.
//! let v: Vec<RfmValues> = (0..10)
//!     .map(|i| RfmValues { recency_days: 10.0 * i as f64, frequency: 50.0 - 5.0 * i as f64, monetary: 1000.0 * (i + 1) as f64 })
//!     .collect();
//! let model = RfmModel::fit(&v)?;
//! let best = model.score(&v[0])?;
//! assert_eq!((best.recency, best.frequency), (5, 5));
//! assert_eq!(best.segment, RfmSegment::Champions);
//! assert_eq!(model.score(&v[9])?.segment, RfmSegment::Lost);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use crate::client::ClientRecord;
use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// Months of transactions counted as frequency.
pub const FREQUENCY_MONTHS: usize = 12;

/// The raw recency, frequency and monetary values of one client.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RfmValues {
    /// Days since the last activity (`>= 0`).
    pub recency_days: f64,
    /// Transactions over the last 12 months (`>= 0`).
    pub frequency: f64,
    /// Assets under management (`>= 0`).
    pub monetary: f64,
}

impl RfmValues {
    /// Values of a client record: `days_since_last_activity`, transactions over the
    /// last [`FREQUENCY_MONTHS`] months, and `aum`.
    pub fn from_client(c: &ClientRecord) -> Self {
        RfmValues {
            recency_days: f64::from(c.days_since_last_activity),
            frequency: c.recent_transactions(FREQUENCY_MONTHS) as f64,
            monetary: c.aum,
        }
    }

    /// Checks the three values; names are built only on failure (scoring must not
    /// allocate).
    /// All three finite and >= 0, without branches (so a pass over many vectorises).
    fn looks_valid(&self) -> bool {
        let ok = |v: f64| (0.0..=f64::MAX).contains(&v);
        ok(self.recency_days) & ok(self.frequency) & ok(self.monetary)
    }

    fn check(&self, i: Option<usize>) -> Result<()> {
        for (f, v) in [
            ("recency_days", self.recency_days),
            ("frequency", self.frequency),
            ("monetary", self.monetary),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                let name = match i {
                    Some(i) => format!("rfm[{i}].{f}"),
                    None => f.to_string(),
                };
                return Err(if v.is_finite() {
                    Error::invalid(name, v, "must be >= 0")
                } else {
                    Error::NonFinite { field: name }
                });
            }
        }
        Ok(())
    }
}

/// The named RFM segments (see the module docs for the grid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum RfmSegment {
    /// Recent and very frequent (R 5, F 4–5).
    Champions,
    /// Frequent, fairly recent (R 3–4, F 4–5).
    Loyal,
    /// Recent, moderately frequent (R 4–5, F 2–3).
    PotentialLoyalist,
    /// Most recent, least frequent (R 5, F 1).
    New,
    /// Recent, infrequent (R 4, F 1).
    Promising,
    /// Middling on both (R 3, F 3).
    NeedAttention,
    /// Slipping, infrequent (R 3, F 1–2).
    AboutToSleep,
    /// Were frequent, not recent (R 1–2, F 3–4).
    AtRisk,
    /// Were the most frequent, not recent (R 1–2, F 5).
    CantLose,
    /// Neither recent nor frequent (R 1–2, F 1–2, except the lost cell).
    Hibernating,
    /// Least recent and least frequent (R 1, F 1).
    Lost,
}

impl RfmSegment {
    /// All segments, best first.
    pub const ALL: [RfmSegment; 11] = [
        RfmSegment::Champions,
        RfmSegment::Loyal,
        RfmSegment::PotentialLoyalist,
        RfmSegment::New,
        RfmSegment::Promising,
        RfmSegment::NeedAttention,
        RfmSegment::AboutToSleep,
        RfmSegment::AtRisk,
        RfmSegment::CantLose,
        RfmSegment::Hibernating,
        RfmSegment::Lost,
    ];

    /// The segment of a recency and a frequency score (each 1–5).
    ///
    /// ```
    /// use wealthscore::segment::RfmSegment;
    /// assert_eq!(RfmSegment::from_scores(2, 5)?, RfmSegment::CantLose);
    /// assert!(RfmSegment::from_scores(0, 3).is_err());
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_scores(recency: u8, frequency: u8) -> Result<Self> {
        if !(1..=5).contains(&recency) {
            return Err(Error::invalid(
                "recency score",
                recency,
                "must lie in 1..=5",
            ));
        }
        if !(1..=5).contains(&frequency) {
            return Err(Error::invalid(
                "frequency score",
                frequency,
                "must lie in 1..=5",
            ));
        }
        use RfmSegment::*;
        Ok(match (recency, frequency) {
            (1, 1) => Lost,
            (1..=2, 1..=2) => Hibernating,
            (1..=2, 3..=4) => AtRisk,
            (1..=2, _) => CantLose,
            (3, 1..=2) => AboutToSleep,
            (3, 3) => NeedAttention,
            (3..=4, 4..=5) => Loyal,
            (4, 1) => Promising,
            (5, 1) => New,
            (4..=5, 2..=3) => PotentialLoyalist,
            _ => Champions,
        })
    }

    /// A display name, e.g. `can't lose`.
    pub fn name(self) -> &'static str {
        match self {
            RfmSegment::Champions => "champions",
            RfmSegment::Loyal => "loyal",
            RfmSegment::PotentialLoyalist => "potential loyalist",
            RfmSegment::New => "new",
            RfmSegment::Promising => "promising",
            RfmSegment::NeedAttention => "need attention",
            RfmSegment::AboutToSleep => "about to sleep",
            RfmSegment::AtRisk => "at risk",
            RfmSegment::CantLose => "can't lose",
            RfmSegment::Hibernating => "hibernating",
            RfmSegment::Lost => "lost",
        }
    }
}

/// [`RfmSegment::from_scores`] as a table, indexed `[recency - 1][frequency - 1]`.
const SEGMENT_GRID: [[RfmSegment; 5]; 5] = {
    use RfmSegment::*;
    [
        [Lost, Hibernating, AtRisk, AtRisk, CantLose],
        [Hibernating, Hibernating, AtRisk, AtRisk, CantLose],
        [AboutToSleep, AboutToSleep, NeedAttention, Loyal, Loyal],
        [
            Promising,
            PotentialLoyalist,
            PotentialLoyalist,
            Loyal,
            Loyal,
        ],
        [
            New,
            PotentialLoyalist,
            PotentialLoyalist,
            Champions,
            Champions,
        ],
    ]
};

/// One client's RFM scores and segment.
// Left exhaustive: the three RFM scores and their segment are the whole definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RfmScore {
    /// Recency score, 5 = most recent.
    pub recency: u8,
    /// Frequency score, 5 = most frequent.
    pub frequency: u8,
    /// Monetary score, 5 = largest AUM.
    pub monetary: u8,
    /// Segment from the R–F grid.
    pub segment: RfmSegment,
}

impl RfmScore {
    /// The three-digit RFM code, e.g. 545.
    pub fn code(&self) -> u16 {
        100 * u16::from(self.recency) + 10 * u16::from(self.frequency) + u16::from(self.monetary)
    }
}

/// numpy's `_lerp` between two neighbouring order statistics, so that edges agree with
/// numpy/pandas to the last bit.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// The inner quintile edges (20, 40, 60, 80 %) of finite data, by linear interpolation.
///
/// ```
/// let e = wealthscore::segment::quintile_edges(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])?;
/// // numpy.quantile([1..6], [.2, .4, .6, .8]) = [2.0, 3.0, 4.0, 5.0]
/// assert_eq!(e, [2.0, 3.0, 4.0, 5.0]);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn quintile_edges(xs: &[f64]) -> Result<[f64; 4]> {
    check::non_empty("quintile data", xs)?;
    check::all_finite("quintile data", xs)?;
    Ok(quintile_edges_by(xs.len(), |i| order_key(xs[i])))
}

/// An integer whose order is `f64::total_cmp`'s (the map is its own inverse): selection
/// then compares integers, which the partitioning loops inline and vectorise.
#[inline]
fn order_key(v: f64) -> i64 {
    let k = v.to_bits() as i64;
    k ^ ((((k >> 63) as u64) >> 1) as i64)
}

#[inline]
fn from_key(k: i64) -> f64 {
    f64::from_bits((k ^ ((((k >> 63) as u64) >> 1) as i64)) as u64)
}

/// Checks every value, naming the first bad one (`rfm[i].field`); over all cores under
/// `parallel`, chunks in order so the first bad row is the one reported.
fn check_all(values: &[RfmValues]) -> Result<()> {
    const CHUNK: usize = 1 << 15;
    let run = |(c, vs): (usize, &[RfmValues])| -> Result<()> {
        if vs.iter().all(RfmValues::looks_valid) {
            return Ok(());
        }
        vs.iter()
            .enumerate()
            .try_for_each(|(i, v)| v.check(Some(c * CHUNK + i)))
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let results: Vec<Result<()>> = values.par_chunks(CHUNK).enumerate().map(run).collect();
        results.into_iter().collect()
    }
    #[cfg(not(feature = "parallel"))]
    values.chunks(CHUNK).enumerate().try_for_each(run)
}

/// Quintile edges of `n > 0` data given by their [`order_key`]s, `key(i)` for row `i`.
///
/// Each edge needs the order statistics at `⌊h⌋` and `⌊h⌋ + 1` (`h = (n − 1) p`): eight
/// ranks. One pass counts the keys per bucket of their top 16 bits, which places every
/// rank in a bucket; a second pass gathers the few buckets holding a rank, and selection
/// inside each gives the statistic. Linear, with two streaming passes, where sorting (or
/// selecting over the whole column) moves every key several times.
fn quintile_edges_by(n: usize, key: impl Fn(usize) -> i64) -> [f64; 4] {
    const BITS: u32 = 16;
    let bucket = |k: i64| ((k as u64 ^ (1 << 63)) >> (64 - BITS)) as usize;
    let mut ranks = [0usize; 8];
    let mut frac = [0.0; 4];
    for (e, p) in [0.2, 0.4, 0.6, 0.8].into_iter().enumerate() {
        let h = (n - 1) as f64 * p;
        let lo = (h.floor() as usize).min(n - 1);
        frac[e] = h - lo as f64;
        ranks[2 * e] = lo;
        ranks[2 * e + 1] = (lo + 1).min(n - 1);
    }
    let mut counts = vec![0usize; 1 << BITS];
    for i in 0..n {
        counts[bucket(key(i))] += 1;
    }
    // Per needed rank: its bucket and its rank inside the bucket (`ends`: running totals).
    let mut ends = counts;
    let mut total = 0;
    for e in ends.iter_mut() {
        total += *e;
        *e = total;
    }
    let at = ranks.map(|r| {
        let b = ends.partition_point(|&e| e <= r);
        let below = b
            .checked_sub(1)
            .and_then(|p| ends.get(p))
            .copied()
            .unwrap_or(0);
        (b, r - below)
    });
    // The distinct buckets holding a rank (at most eight), gathered in one pass.
    let mut wanted: Vec<usize> = at.iter().map(|&(b, _)| b).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut slot_of = vec![u8::MAX; 1 << BITS];
    for (s, &b) in wanted.iter().enumerate() {
        slot_of[b] = s as u8;
    }
    let size = |b: usize| ends[b] - b.checked_sub(1).map_or(0, |p| ends[p]);
    let mut gathered: Vec<Vec<i64>> = wanted
        .iter()
        .map(|&b| Vec::with_capacity(size(b)))
        .collect();
    for i in 0..n {
        let k = key(i);
        let s = slot_of[bucket(k)];
        if s != u8::MAX {
            gathered[usize::from(s)].push(k);
        }
    }
    let mut stats = [0i64; 8];
    for (st, &(b, r)) in stats.iter_mut().zip(&at) {
        let s = usize::from(slot_of[b]);
        let (_, v, _) = gathered[s].select_nth_unstable(r);
        *st = *v;
    }
    let mut edges = [0.0; 4];
    for (e, edge) in edges.iter_mut().enumerate() {
        *edge = lerp(from_key(stats[2 * e]), from_key(stats[2 * e + 1]), frac[e]);
    }
    edges
}

/// `1 + (number of edges strictly below x)`: the right-closed quintile bin.
fn bin(edges: &[f64; 4], x: f64) -> u8 {
    1 + edges.iter().filter(|&&e| e < x).count() as u8
}

/// Quintile edges fitted on a portfolio; scores any client against them.
///
/// Plain serde data, validated on load (edges finite and non-decreasing), so a model
/// fitted on one portfolio can score clients elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::json::Strict<RawRfm>", into = "RawRfm")]
#[non_exhaustive]
pub struct RfmModel {
    /// Quintile edges of recency days.
    pub recency_edges: [f64; 4],
    /// Quintile edges of frequency.
    pub frequency_edges: [f64; 4],
    /// Quintile edges of monetary value.
    pub monetary_edges: [f64; 4],
}

crate::json::strict_try_from!(RfmModel, RawRfm);

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRfm {
    recency_edges: [f64; 4],
    frequency_edges: [f64; 4],
    monetary_edges: [f64; 4],
}

impl From<RfmModel> for RawRfm {
    fn from(m: RfmModel) -> Self {
        RawRfm {
            recency_edges: m.recency_edges,
            frequency_edges: m.frequency_edges,
            monetary_edges: m.monetary_edges,
        }
    }
}

impl TryFrom<RawRfm> for RfmModel {
    type Error = Error;
    fn try_from(r: RawRfm) -> Result<Self> {
        let m = RfmModel {
            recency_edges: r.recency_edges,
            frequency_edges: r.frequency_edges,
            monetary_edges: r.monetary_edges,
        };
        m.validate()?;
        Ok(m)
    }
}

impl RfmModel {
    /// A model from quintile edges found elsewhere (recency days, frequency, monetary),
    /// checked as on load.
    ///
    /// ```
    /// use wealthscore::segment::RfmModel;
    /// let e = [1.0, 2.0, 3.0, 4.0];
    /// assert!(RfmModel::from_edges(e, e, e).is_ok());
    /// assert!(RfmModel::from_edges([4.0, 3.0, 2.0, 1.0], e, e).is_err());
    /// ```
    pub fn from_edges(
        recency_edges: [f64; 4],
        frequency_edges: [f64; 4],
        monetary_edges: [f64; 4],
    ) -> Result<Self> {
        RfmModel::try_from(RawRfm {
            recency_edges,
            frequency_edges,
            monetary_edges,
        })
    }

    /// Fits the quintile edges of each of the three values.
    pub fn fit(values: &[RfmValues]) -> Result<Self> {
        check::non_empty("rfm values", values)?;
        check_all(values)?;
        fn edges(values: &[RfmValues], f: impl Fn(&RfmValues) -> f64) -> [f64; 4] {
            quintile_edges_by(values.len(), |i| order_key(f(&values[i])))
        }
        let recency = || edges(values, |v| v.recency_days);
        let frequency = || edges(values, |v| v.frequency);
        let monetary = || edges(values, |v| v.monetary);
        #[cfg(feature = "parallel")]
        let (recency_edges, (frequency_edges, monetary_edges)) =
            rayon::join(recency, || rayon::join(frequency, monetary));
        #[cfg(not(feature = "parallel"))]
        let (recency_edges, frequency_edges, monetary_edges) = (recency(), frequency(), monetary());
        Ok(RfmModel {
            recency_edges,
            frequency_edges,
            monetary_edges,
        })
    }

    /// Checks the edges: finite and non-decreasing.
    pub fn validate(&self) -> Result<()> {
        for (name, e) in [
            ("recency_edges", &self.recency_edges),
            ("frequency_edges", &self.frequency_edges),
            ("monetary_edges", &self.monetary_edges),
        ] {
            if e.iter().any(|x| !x.is_finite()) {
                return Err(Error::model(format!("{name} must be finite")));
            }
            if e.windows(2).any(|w| w[1] < w[0]) {
                return Err(Error::model(format!("{name} must be non-decreasing")));
            }
        }
        Ok(())
    }

    /// Scores one client's values (allocation-free).
    pub fn score(&self, v: &RfmValues) -> Result<RfmScore> {
        v.check(None)?;
        Ok(self.score_unchecked(v))
    }

    /// Scores of many clients, in order; a bad row is named by its index (`rfm[7].monetary`).
    ///
    /// ```
    /// use wealthscore::segment::{RfmModel, RfmValues};
    /// let v: Vec<RfmValues> = (0..10)
    ///     .map(|i| RfmValues { recency_days: i as f64, frequency: i as f64, monetary: i as f64 })
    ///     .collect();
    /// let model = RfmModel::fit(&v)?;
    /// let scores = model.score_all(&v)?;
    /// assert_eq!(scores[9], model.score(&v[9])?);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn score_all(&self, values: &[RfmValues]) -> Result<Vec<RfmScore>> {
        let blank = RfmScore {
            recency: 1,
            frequency: 1,
            monetary: 1,
            segment: RfmSegment::Lost,
        };
        let mut out = vec![blank; values.len()];
        let run = |offset: usize, vs: &[RfmValues], out: &mut [RfmScore]| -> Result<()> {
            for (i, (v, o)) in vs.iter().zip(out.iter_mut()).enumerate() {
                v.check(Some(offset + i))?;
                *o = self.score_unchecked(v);
            }
            Ok(())
        };
        const CHUNK: usize = 1 << 15;
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            // In chunk order, so the first bad row is the one reported.
            let results: Vec<Result<()>> = values
                .par_chunks(CHUNK)
                .zip(out.par_chunks_mut(CHUNK))
                .enumerate()
                .map(|(c, (vs, o))| run(c * CHUNK, vs, o))
                .collect();
            results.into_iter().collect::<Result<()>>()?;
        }
        #[cfg(not(feature = "parallel"))]
        for (c, (vs, o)) in values.chunks(CHUNK).zip(out.chunks_mut(CHUNK)).enumerate() {
            run(c * CHUNK, vs, o)?;
        }
        Ok(out)
    }

    fn score_unchecked(&self, v: &RfmValues) -> RfmScore {
        let recency = 6 - bin(&self.recency_edges, v.recency_days);
        let frequency = bin(&self.frequency_edges, v.frequency);
        let monetary = bin(&self.monetary_edges, v.monetary);
        RfmScore {
            recency,
            frequency,
            monetary,
            // Both bins lie in 1..=5 by construction.
            segment: SEGMENT_GRID[usize::from(recency - 1)][usize::from(frequency - 1)],
        }
    }
}

/// Fits RFM quintiles on a portfolio of clients and scores each of them.
///
/// ```
/// use wealthscore::synth::{generate, PortfolioConfig};
/// let p = generate(&PortfolioConfig::default().with_clients(200))?;
/// let (_model, scores) = wealthscore::segment::rfm(&p.clients)?;
/// assert_eq!(scores.len(), 200);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn rfm(clients: &[ClientRecord]) -> Result<(RfmModel, Vec<RfmScore>)> {
    let values: Vec<RfmValues> = clients.iter().map(RfmValues::from_client).collect();
    let model = RfmModel::fit(&values)?;
    let scores = model.score_all(&values)?;
    Ok((model, scores))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Among many values (checked in parallel chunks), the first bad one is the one
    /// named, by fit and by scoring alike.
    #[test]
    fn the_first_bad_value_of_many_is_named() {
        let mut values: Vec<RfmValues> = (0..100_000)
            .map(|i| RfmValues {
                recency_days: (i % 365) as f64,
                frequency: (i % 40) as f64,
                monetary: 1000.0 + i as f64,
            })
            .collect();
        let model = RfmModel::fit(&values).unwrap();
        values[90_000].frequency = -1.0;
        values[70_000].monetary = f64::NAN;
        match RfmModel::fit(&values) {
            Err(Error::NonFinite { field }) => assert_eq!(field, "rfm[70000].monetary"),
            other => panic!("{other:?}"),
        }
        match model.score_all(&values) {
            Err(Error::NonFinite { field }) => assert_eq!(field, "rfm[70000].monetary"),
            other => panic!("{other:?}"),
        }
        values[70_000].monetary = 5.0;
        let e = RfmModel::fit(&values).unwrap_err().to_string();
        assert!(
            e.contains("rfm[90000].frequency") && e.contains(">= 0"),
            "{e}"
        );
    }

    #[test]
    fn segment_grid_equals_from_scores() {
        for r in 1..=5u8 {
            for f in 1..=5u8 {
                assert_eq!(
                    SEGMENT_GRID[usize::from(r - 1)][usize::from(f - 1)],
                    RfmSegment::from_scores(r, f).unwrap()
                );
            }
        }
    }

    /// Selection must give the same edges, bit for bit, as interpolating the sorted data
    /// (numpy's linear method), whatever the ties and sizes.
    #[test]
    fn selection_edges_equal_sorted_edges() {
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as f64
        };
        for n in (1..60).chain([97, 1000, 1001, 4096]) {
            for (ties, signed) in [(false, false), (true, false), (false, true), (true, true)] {
                // Signed data cross zero (both zeros included): the buckets follow
                // `total_cmp`'s order through the sign bit.
                let shift = if signed { 3.0 } else { 0.0 };
                let xs: Vec<f64> = (0..n)
                    .map(|i| {
                        if signed && i % 11 == 0 {
                            if i % 22 == 0 { -0.0 } else { 0.0 }
                        } else if ties {
                            (next() % 7.0).floor() - shift
                        } else {
                            next() / 1e3 - shift * 3e5
                        }
                    })
                    .collect();
                let mut sorted = xs.clone();
                sorted.sort_by(f64::total_cmp);
                let want = [0.2, 0.4, 0.6, 0.8].map(|p| {
                    let h = (n - 1) as f64 * p;
                    let lo = h.floor() as usize;
                    let hi = (lo + 1).min(n - 1);
                    lerp(sorted[lo], sorted[hi], h - lo as f64)
                });
                let got = quintile_edges(&xs).unwrap();
                assert_eq!(
                    got.map(f64::to_bits),
                    want.map(f64::to_bits),
                    "n = {n}, ties {ties}"
                );
            }
        }
    }
}
