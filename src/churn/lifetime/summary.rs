//! From a transaction log to the per-client summaries the lifetime models need, with
//! an optional calibration/holdout split (as `lifetimes`' `summary_data_from_transaction_data`
//! and `calibration_and_holdout_data` with `freq='D'`).
//!
//! Time is counted in whole days (see [`day_number`]); several transactions of a client
//! on one day count as one transaction whose value is their sum. Recency, age and the
//! holdout length are divided by `period_days` (7 for weeks).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::bgnbd::RfmSummary;
use crate::error::{Error, Result, check};

/// One purchase or other transaction in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transaction<K> {
    /// Client identifier.
    pub customer: K,
    /// Day of the transaction (e.g. from [`day_number`]).
    pub day: i64,
    /// Monetary value.
    pub value: f64,
}

/// A client's summary over one observation window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClientSummary<K> {
    /// Client identifier.
    pub customer: K,
    /// Frequency, recency and age (in periods of `period_days`), and as monetary value
    /// the mean value of the repeat transaction days (first day excluded; 0 without any).
    pub rfm: RfmSummary,
}

/// A client's calibration summary and what the client did in the holdout window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CalibrationHoldout<K> {
    /// Calibration-window summary.
    pub calibration: ClientSummary<K>,
    /// Transaction days in the holdout window (`calibration_end`, `observation_end`].
    pub holdout_frequency: f64,
    /// Mean value per holdout transaction day; 0 without any.
    pub holdout_mean_value: f64,
    /// Length of the holdout window in periods.
    pub holdout_duration: f64,
}

/// Days since 1970-01-01 of a date written `YYYYMMDD` (proleptic Gregorian calendar).
///
/// ```
/// use wealthscore::churn::lifetime::day_number;
/// assert_eq!(day_number("19700101")?, 0);
/// assert_eq!(day_number("19970930")? - day_number("19970101")?, 272);
/// assert!(day_number("19970230").is_err());
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn day_number(yyyymmdd: &str) -> Result<i64> {
    let bad = |why: &str| Error::parse(format!("date `{yyyymmdd}`"), why);
    let s = yyyymmdd.trim();
    if s.len() != 8 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad("expected 8 digits YYYYMMDD"));
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|v| v.parse::<i64>().ok());
    let (y, m, d) = match (num(0..4), num(4..6), num(6..8)) {
        (Some(y), Some(m), Some(d)) => (y, m, d),
        _ => return Err(bad("expected 8 digits YYYYMMDD")),
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad("month out of range")),
    };
    if d < 1 || d > days_in_month {
        return Err(bad("day out of range for the month"));
    }
    // Days from civil (H. Hinnant's algorithm), March-based year.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok(era * 146_097 + doe - 719_468)
}

/// Per client, per day: summed value.
type DayTotals<K> = BTreeMap<K, BTreeMap<i64, f64>>;

fn group<K: Ord + Clone>(
    transactions: &[Transaction<K>],
    keep: impl Fn(i64) -> bool,
) -> Result<DayTotals<K>> {
    let mut by: DayTotals<K> = BTreeMap::new();
    for (i, t) in transactions.iter().enumerate() {
        check::finite_lazy(t.value, || format!("transactions[{i}].value"))?;
        if keep(t.day) {
            *by.entry(t.customer.clone())
                .or_default()
                .entry(t.day)
                .or_insert(0.0) += t.value;
        }
    }
    Ok(by)
}

fn check_period(period_days: f64) -> Result<()> {
    check::positive("period_days", period_days).map(|_| ())
}

/// Summarises every client with a transaction on or before `observation_end`.
///
/// Frequency is the number of distinct transaction days after the first, recency the
/// days from the first to the last, age the days from the first to `observation_end`,
/// the last two divided by `period_days`. Sorted by client.
///
/// ```
/// use wealthscore::churn::lifetime::{summarise, Transaction};
/// let log = [
///     Transaction { customer: 1, day: 0, value: 10.0 },
///     Transaction { customer: 1, day: 7, value: 4.0 },
///     Transaction { customer: 1, day: 7, value: 6.0 },
///     Transaction { customer: 1, day: 14, value: 20.0 },
/// ];
/// let s = summarise(&log, 21, 7.0)?;
/// assert_eq!((s[0].rfm.frequency, s[0].rfm.recency, s[0].rfm.age), (2.0, 2.0, 3.0));
/// assert_eq!(s[0].rfm.monetary, 15.0);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn summarise<K: Ord + Clone>(
    transactions: &[Transaction<K>],
    observation_end: i64,
    period_days: f64,
) -> Result<Vec<ClientSummary<K>>> {
    check_period(period_days)?;
    let by = group(transactions, |d| d <= observation_end)?;
    Ok(by
        .into_iter()
        .filter_map(|(customer, days)| summary_of(customer, &days, observation_end, period_days))
        .collect())
}

fn summary_of<K>(
    customer: K,
    days: &BTreeMap<i64, f64>,
    end: i64,
    period_days: f64,
) -> Option<ClientSummary<K>> {
    let (&first, _) = days.first_key_value()?;
    let (&last, _) = days.last_key_value()?;
    let repeat: Vec<f64> = days.values().skip(1).copied().collect();
    let mean_value = if repeat.is_empty() {
        0.0
    } else {
        repeat.iter().sum::<f64>() / repeat.len() as f64
    };
    Some(ClientSummary {
        customer,
        rfm: RfmSummary {
            frequency: repeat.len() as f64,
            recency: (last as f64 - first as f64) / period_days,
            age: (end as f64 - first as f64) / period_days,
            monetary: mean_value,
        },
    })
}

/// Splits the log at `calibration_end` (inclusive) and summarises each client first seen
/// in the calibration window, with what they did in (`calibration_end`,
/// `observation_end`]. Clients whose first transaction falls in the holdout window are
/// left out, as the models condition on the calibration summary.
///
/// Unlike `lifetimes`, whose holdout mean value averages raw transactions, the holdout
/// mean here averages transaction days, as the calibration mean does.
///
/// ```
/// use wealthscore::churn::lifetime::{calibration_holdout, Transaction};
/// let log = [
///     Transaction { customer: "a", day: 0, value: 10.0 },
///     Transaction { customer: "a", day: 30, value: 5.0 },
///     Transaction { customer: "b", day: 40, value: 5.0 }, // first seen in holdout
/// ];
/// let s = calibration_holdout(&log, 20, 50, 1.0)?;
/// assert_eq!(s.len(), 1);
/// assert_eq!((s[0].holdout_frequency, s[0].holdout_duration), (1.0, 30.0));
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn calibration_holdout<K: Ord + Clone>(
    transactions: &[Transaction<K>],
    calibration_end: i64,
    observation_end: i64,
    period_days: f64,
) -> Result<Vec<CalibrationHoldout<K>>> {
    check_period(period_days)?;
    if observation_end <= calibration_end {
        return Err(Error::invalid(
            "observation_end",
            observation_end,
            format!("must be after calibration_end = {calibration_end}"),
        ));
    }
    let cal = group(transactions, |d| d <= calibration_end)?;
    let hold = group(transactions, |d| {
        d > calibration_end && d <= observation_end
    })?;
    let duration = (observation_end as f64 - calibration_end as f64) / period_days;
    Ok(cal
        .into_iter()
        .filter_map(|(customer, days)| {
            let (hf, hm) = match hold.get(&customer) {
                Some(h) if !h.is_empty() => {
                    (h.len() as f64, h.values().sum::<f64>() / h.len() as f64)
                }
                _ => (0.0, 0.0),
            };
            summary_of(customer, &days, calibration_end, period_days).map(|calibration| {
                CalibrationHoldout {
                    calibration,
                    holdout_frequency: hf,
                    holdout_mean_value: hm,
                    holdout_duration: duration,
                }
            })
        })
        .collect())
}
