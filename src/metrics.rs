//! Portfolio KPIs: churn and retention rates over a period, churn cost, simple
//! retention-based client lifetime value, and cohort retention tables.
//!
//! **Clients who join during the period.** [`PeriodFlow`] keeps them apart: the
//! retention and churn rates ([`PeriodFlow::retention_rate`], [`PeriodFlow::churn_rate`])
//! are over the clients present at the start only, so that new clients neither distort
//! retention (the common `(end - new) / start` charges the departures of new clients
//! to the clients present at the start) nor dilute churn. [`PeriodFlow::churn_rate_average_base`] is the other common
//! convention: every departure over the average of the start and end counts.
//!
//! ```
//! use wealthscore::metrics::{retention_clv, ClientSpan, PeriodFlow};
//! let clients = [
//!     ClientSpan { joined: 0.0, left: None },        // stays
//!     ClientSpan { joined: 0.0, left: Some(5.0) },   // leaves during the period
//!     ClientSpan { joined: 3.0, left: Some(8.0) },   // joins, then leaves: not counted in churn
//!     ClientSpan { joined: 4.0, left: None },        // joins and stays
//! ];
//! let flow = PeriodFlow::from_clients(&clients, 1.0, 12.0)?;
//! assert_eq!((flow.at_start, flow.joined, flow.left_from_start, flow.left_from_joined), (2, 2, 1, 1));
//! assert_eq!(flow.churn_rate()?, 0.5);
//! // 1,000 a year of margin, 80 % retention, 10 % discount: 1000 * 1.1 / 0.3
//! assert!((retention_clv(1000.0, 0.8, 0.1)? - 3666.666_666_666_667).abs() < 1e-9);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check};

/// When a client joined and, if so, left (any time unit, e.g. day numbers).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpan {
    /// Time the relationship started.
    pub joined: f64,
    /// Time it ended; `None` while the client is active.
    pub left: Option<f64>,
}

/// Client counts over one period `(start, end]`, with joiners kept apart.
///
/// `at_end = at_start + joined - left_from_start - left_from_joined`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodFlow {
    /// Clients active at the start.
    pub at_start: u64,
    /// Clients who joined during the period.
    pub joined: u64,
    /// Clients active at the start who left during the period.
    pub left_from_start: u64,
    /// Clients who joined during the period and left before its end.
    pub left_from_joined: u64,
}

impl PeriodFlow {
    /// Counts from client spans. A client is active at `start` if `joined <= start` and
    /// has not left by then (`left > start`); joins and departures count when they fall
    /// in `(start, end]`. Clients who left by `start` or join after `end` are ignored.
    pub fn from_clients(clients: &[ClientSpan], start: f64, end: f64) -> Result<Self> {
        check::finite("start", start)?;
        check::finite("end", end)?;
        if end <= start {
            return Err(Error::invalid(
                "end",
                end,
                format!("must be after start = {start}"),
            ));
        }
        let mut flow = PeriodFlow {
            at_start: 0,
            joined: 0,
            left_from_start: 0,
            left_from_joined: 0,
        };
        for (i, c) in clients.iter().enumerate() {
            check::finite_lazy(c.joined, || format!("clients[{i}].joined"))?;
            if let Some(l) = c.left {
                check::finite_lazy(l, || format!("clients[{i}].left"))?;
                if l < c.joined {
                    return Err(Error::invalid(
                        format!("clients[{i}].left"),
                        l,
                        format!("must not precede joined = {}", c.joined),
                    ));
                }
            }
            let left_in = c.left.is_some_and(|l| l > start && l <= end);
            if c.joined <= start {
                if c.left.is_none_or(|l| l > start) {
                    flow.at_start += 1;
                    flow.left_from_start += u64::from(left_in);
                }
            } else if c.joined <= end {
                flow.joined += 1;
                flow.left_from_joined += u64::from(left_in);
            }
        }
        Ok(flow)
    }

    /// Checks that departures do not exceed the clients they come from.
    pub fn validate(&self) -> Result<()> {
        if self.left_from_start > self.at_start {
            return Err(Error::invalid(
                "left_from_start",
                self.left_from_start,
                format!("exceeds at_start = {}", self.at_start),
            ));
        }
        if self.left_from_joined > self.joined {
            return Err(Error::invalid(
                "left_from_joined",
                self.left_from_joined,
                format!("exceeds joined = {}", self.joined),
            ));
        }
        Ok(())
    }

    /// Clients active at the end of the period.
    pub fn at_end(&self) -> Result<u64> {
        self.validate()?;
        (self.at_start - self.left_from_start)
            .checked_add(self.joined - self.left_from_joined)
            .ok_or_else(|| Error::invalid("joined", self.joined, "client count overflows u64"))
    }

    fn start_base(&self) -> Result<f64> {
        self.validate()?;
        if self.at_start == 0 {
            return Err(Error::Empty {
                what: "clients active at the start of the period".into(),
            });
        }
        Ok(self.at_start as f64)
    }

    /// Share of the clients active at the start still active at the end; joiners excluded.
    pub fn retention_rate(&self) -> Result<f64> {
        let base = self.start_base()?;
        Ok((self.at_start - self.left_from_start) as f64 / base)
    }

    /// Share of the clients active at the start who left; `1 - retention_rate`.
    pub fn churn_rate(&self) -> Result<f64> {
        let base = self.start_base()?;
        Ok(self.left_from_start as f64 / base)
    }

    /// All departures, joiners' included, over the mean of the start and end counts.
    pub fn churn_rate_average_base(&self) -> Result<f64> {
        let end = self.at_end()?;
        let base = (self.at_start as f64 + end as f64) / 2.0;
        if base == 0.0 {
            return Err(Error::Empty {
                what: "clients active at the start or end of the period".into(),
            });
        }
        Ok((self.left_from_start as f64 + self.left_from_joined as f64) / base)
    }
}

/// What losing clients costs: the margin they would have brought plus replacing them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChurnCost {
    /// Margin lost with the departed clients.
    pub lost_margin: f64,
    /// Cost of acquiring as many new clients.
    pub replacement_cost: f64,
    /// `lost_margin + replacement_cost`.
    pub total: f64,
}

impl ChurnCost {
    /// Cost of losing clients whose forgone margins are `lost_margins` (e.g. each one's
    /// CLV, or annual margin times the years they would have stayed), each replaced at
    /// `replacement_cost_per_client`.
    ///
    /// ```
    /// use wealthscore::metrics::ChurnCost;
    /// let c = ChurnCost::from_clients(&[1200.0, 800.0], 500.0)?;
    /// assert_eq!((c.lost_margin, c.replacement_cost, c.total), (2000.0, 1000.0, 3000.0));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_clients(lost_margins: &[f64], replacement_cost_per_client: f64) -> Result<Self> {
        check::all_finite("lost_margins", lost_margins)?;
        check::non_negative("replacement_cost_per_client", replacement_cost_per_client)?;
        let lost_margin: f64 = lost_margins.iter().sum();
        let replacement_cost = lost_margins.len() as f64 * replacement_cost_per_client;
        ChurnCost::finite(
            lost_margin,
            replacement_cost,
            ("lost_margins", "their sum"),
            ("replacement_cost_per_client", replacement_cost_per_client),
        )
    }

    /// Cost of losing `clients_lost` clients of equal forgone margin.
    pub fn uniform(
        clients_lost: f64,
        margin_per_client: f64,
        replacement_cost_per_client: f64,
    ) -> Result<Self> {
        check::non_negative("clients_lost", clients_lost)?;
        check::finite("margin_per_client", margin_per_client)?;
        check::non_negative("replacement_cost_per_client", replacement_cost_per_client)?;
        let lost_margin = clients_lost * margin_per_client;
        let replacement_cost = clients_lost * replacement_cost_per_client;
        ChurnCost::finite(
            lost_margin,
            replacement_cost,
            ("margin_per_client", margin_per_client),
            ("replacement_cost_per_client", replacement_cost_per_client),
        )
    }

    /// The cost, or an error naming the argument whose product or sum left the f64 range.
    fn finite(
        lost_margin: f64,
        replacement_cost: f64,
        margin_arg: (&str, impl std::fmt::Display),
        replacement_arg: (&str, f64),
    ) -> Result<Self> {
        let total = lost_margin + replacement_cost;
        fn overflow<T>(field: &str, value: impl std::fmt::Display) -> Result<T> {
            Err(Error::invalid(
                field,
                value,
                "is so large that the churn cost exceeds the largest f64 (about 1.8e308)",
            ))
        }
        if !lost_margin.is_finite() {
            return overflow(margin_arg.0, margin_arg.1);
        }
        if !replacement_cost.is_finite() || !total.is_finite() {
            return overflow(replacement_arg.0, replacement_arg.1);
        }
        Ok(ChurnCost {
            lost_margin,
            replacement_cost,
            total,
        })
    }
}

/// Simple retention-based CLV: `margin · (1 + d) / (1 + d − r)`.
///
/// The value of a margin received at the start of each period, the current one
/// included, while the client stays with constant retention `r` per period, discounted
/// at `d` per period: `Σ_{t≥0} margin · r^t / (1 + d)^t`. Needs `0 <= r <= 1`,
/// `d > -1` and `1 + d > r` (otherwise the sum diverges), and a finite result: a value
/// beyond the f64 range is an error naming `margin` (or `discount_rate`), never infinity.
pub fn retention_clv(margin: f64, retention: f64, discount_rate: f64) -> Result<f64> {
    check::finite("margin", margin)?;
    check::probability("retention", retention)?;
    check::finite("discount_rate", discount_rate)?;
    if discount_rate <= -1.0 {
        return Err(Error::invalid(
            "discount_rate",
            discount_rate,
            "must be > -1",
        ));
    }
    if 1.0 + discount_rate - retention <= 0.0 {
        return Err(Error::invalid(
            "discount_rate",
            discount_rate,
            format!("1 + d must exceed retention = {retention} for the value to be finite"),
        ));
    }
    // The factor first, so that a finite result never overflows on the way.
    let factor = (1.0 + discount_rate) / (1.0 + discount_rate - retention);
    if !factor.is_finite() {
        return Err(Error::invalid(
            "discount_rate",
            discount_rate,
            format!("1 + d is so close to retention = {retention} that the value is infinite"),
        ));
    }
    let clv = margin * factor;
    if !clv.is_finite() {
        return Err(Error::invalid(
            "margin",
            margin,
            format!("times the retention factor {factor} exceeds the largest f64 (about 1.8e308)"),
        ));
    }
    Ok(clv)
}

/// Longest span, in periods, a [`CohortTable`] row may cover (27 years of days, 833 of
/// months). The table is an upper triangle, so its size grows as the square of the span:
/// at this limit at most 5 × 10⁷ cells (400 MB), built in time linear in the clients
/// plus the cells.
pub const MAX_COHORT_PERIODS: usize = 10_000;

/// Cohort retention table: clients grouped by the period they joined, counted active at
/// each later period up to the last observed one (an upper triangle).
///
/// ```
/// use wealthscore::metrics::CohortTable;
/// // (joined period, period in which the client left)
/// let clients = [(0, None), (0, Some(1)), (0, Some(2)), (0, None), (1, None), (1, Some(2))];
/// let t = CohortTable::build(&clients, 2)?;
/// assert_eq!(t.cohorts, vec![0, 1]);
/// assert_eq!(t.active, vec![vec![4, 3, 2], vec![2, 1]]);
/// assert_eq!(t.retention()[0], vec![1.0, 0.75, 0.5]);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohortTable {
    /// Join period of each cohort, ascending.
    pub cohorts: Vec<i64>,
    /// `active[c][k]`: clients of cohort `c` still active `k` periods after joining
    /// (`k = 0` is the cohort size), for every `k` up to the last observed period.
    pub active: Vec<Vec<u64>>,
}

impl CohortTable {
    /// Builds the table from `(joined, left)` periods: a client is active in period `p`
    /// if `joined <= p` and has not left (`left` is `None` or `left > p`). Clients who
    /// join after `last_period` are not yet observable and are left out. A client who
    /// leaves in the period they joined is counted in no cell.
    /// Rows longer than [`MAX_COHORT_PERIODS`] are rejected.
    pub fn build(clients: &[(i64, Option<i64>)], last_period: i64) -> Result<Self> {
        let mut by: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
        for (i, &(joined, left)) in clients.iter().enumerate() {
            if let Some(l) = left
                && l < joined
            {
                return Err(Error::invalid(
                    format!("clients[{i}].left"),
                    l,
                    format!("must not precede joined = {joined}"),
                ));
            }
            if joined > last_period {
                continue;
            }
            let span = last_period
                .checked_sub(joined)
                .and_then(|d| usize::try_from(d).ok())
                .filter(|&d| d <= MAX_COHORT_PERIODS)
                .ok_or_else(|| {
                    Error::invalid(
                        format!("clients[{i}].joined"),
                        joined,
                        format!("more than {MAX_COHORT_PERIODS} periods before last_period"),
                    )
                })?;
            let row = by.entry(joined).or_insert_with(|| vec![0; span + 1]);
            let stop = match left {
                None => span + 1,
                Some(l) => usize::try_from(l - joined)
                    .unwrap_or(usize::MAX)
                    .min(span + 1),
            };
            // Counted while building: row[0] the clients active when they joined, row[k]
            // (k ≥ 1) those who left k periods after; one pass below turns departures into
            // active counts, so a client costs O(1) whatever the span.
            if stop > 0 {
                row[0] += 1;
                if let Some(d) = row.get_mut(stop) {
                    *d += 1;
                }
            }
        }
        for row in by.values_mut() {
            let mut active = row[0];
            for v in row.iter_mut().skip(1) {
                active -= *v;
                *v = active;
            }
        }
        let (cohorts, active) = by.into_iter().unzip();
        Ok(CohortTable { cohorts, active })
    }

    /// Share of each cohort active `k` periods after joining; empty cohorts give 0.
    pub fn retention(&self) -> Vec<Vec<f64>> {
        self.active
            .iter()
            .map(|row| {
                let size = row.first().copied().unwrap_or(0);
                row.iter()
                    .map(|&v| {
                        if size == 0 {
                            0.0
                        } else {
                            v as f64 / size as f64
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Survivor counts of cohort `index` as `f64`, ready for
    /// [`ShiftedBetaGeometric::fit`](crate::churn::lifetime::ShiftedBetaGeometric::fit).
    pub fn survivors(&self, index: usize) -> Result<Vec<f64>> {
        let row = self.active.get(index).ok_or_else(|| {
            Error::invalid(
                "index",
                index,
                format!("only {} cohorts", self.active.len()),
            )
        })?;
        Ok(row.iter().map(|&v| v as f64).collect())
    }
}
