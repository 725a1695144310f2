//! A raw "core-banking export" of a generated portfolio: the flat file a bank's data
//! warehouse would hand over, with its own column names, categorical codes, blank cells,
//! an account-opening date and snapshot balances instead of monthly histories. The schema
//! `examples/schemas/core_banking.json` describes it, so the schema path can be run and
//! measured with no outside data.
//!
//! | column | content |
//! |---|---|
//! | `CUST_NO` | client number `K0000001`… |
//! | `OPEN_DT` | account opening date, `YYYY-MM-DD` (tenure before the snapshot) |
//! | `AGE_YRS` | age |
//! | `SEG_CD` | channel code: `DIG` (digital share ≥ 0.6), `BRN` (< 0.3), `MIX` |
//! | `RISK_CD` | risk tolerance code `C1`…`C5` |
//! | `BAL_CUR`, `BAL_3M`, `BAL_12M` | balance now, 3 and 12 months before (oldest month if the history is shorter) |
//! | `TXN_3M`, `TXN_PRV6M` | transactions in the last 3 months and the 6 before |
//! | `TRF_OUT_CNT`, `TRF_OUT_AMT` | transfers out in 90 days: count, amount |
//! | `IDLE_DAYS` | days since the last activity |
//! | `ADV_CNT` | advisor contacts in 180 days; **blank** for a share of clients (not recorded) |
//! | `CMPL_CNT` | complaints in 12 months |
//! | `REL_PERF` | return minus benchmark over 12 months; **blank** for a share of clients |
//! | `FEE_RT` | annual fee rate on assets (0.012 = 1.2 %) |
//! | `PROD_CNT` | product categories held |
//! | `DIG_SHR` | share of digital interactions |
//! | `SAT_AVG` | mean survey answer 1–5; blank when the client never answered |
//! | `RM_FLG` | `Y` with a dedicated relationship manager, else `N` |
//! | `CHURN_FLG` | `Y` if the client left, else `N` |
//! | `SNAP_DT` | the row's observation date: the snapshot, moved forward by the client's observation month when the portfolio drifts ([`crate::synth::SynthDrift`]) |
//!
//! ```
//! use wealthscore::synth::{generate, PortfolioConfig, core_banking::{write_csv, ExportConfig}};
//! let p = generate(&PortfolioConfig::default().with_clients(20).with_seed(1))?;
//! let mut out = Vec::new();
//! write_csv(&mut out, &p, &ExportConfig::default())?;
//! let text = String::from_utf8(out).unwrap();
//! assert!(text.starts_with("CUST_NO,OPEN_DT,AGE_YRS,SEG_CD"));
//! assert_eq!(text.lines().count(), 21);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use super::Portfolio;
use crate::client::parse_iso_date;
use crate::error::{Result, check};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use std::io::Write;

/// The export's header, in column order.
pub const HEADER: [&str; 23] = [
    "CUST_NO",
    "OPEN_DT",
    "AGE_YRS",
    "SEG_CD",
    "RISK_CD",
    "BAL_CUR",
    "BAL_3M",
    "BAL_12M",
    "TXN_3M",
    "TXN_PRV6M",
    "TRF_OUT_CNT",
    "TRF_OUT_AMT",
    "IDLE_DAYS",
    "ADV_CNT",
    "CMPL_CNT",
    "REL_PERF",
    "FEE_RT",
    "PROD_CNT",
    "DIG_SHR",
    "SAT_AVG",
    "RM_FLG",
    "CHURN_FLG",
    "SNAP_DT",
];

/// Settings of the export.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ExportConfig {
    /// Share of `ADV_CNT` and `REL_PERF` cells left blank (default 0.08).
    pub blank_share: f64,
    /// Snapshot date the opening dates count back from (default `2026-10-31`).
    pub snapshot: String,
    /// Seed of the blanking (default 7).
    pub seed: u64,
}

impl Default for ExportConfig {
    fn default() -> Self {
        ExportConfig {
            blank_share: 0.08,
            snapshot: "2026-10-31".into(),
            seed: 7,
        }
    }
}

fn ymd_minus_months(y: i32, m: u32, d: u32, months: i64) -> (i64, u32, u32) {
    // i64: a caller's portfolio may hold any u32 tenure.
    let total = i64::from(y) * 12 + i64::from(m) - 1 - months;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let leap = (ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0;
    let last = match nm {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        _ => 28,
    };
    (ny, nm, d.min(last))
}

/// Writes the export of a portfolio as CSV (header, then one row per client).
pub fn write_csv<W: Write>(writer: W, portfolio: &Portfolio, cfg: &ExportConfig) -> Result<()> {
    check::probability("blank_share", cfg.blank_share)?;
    let (sy, sm, sd) = parse_iso_date(&cfg.snapshot)?;
    let mut w = csv::Writer::from_writer(writer);
    w.write_record(HEADER)?;
    let mut rng = SmallRng::seed_from_u64(cfg.seed);
    for (i, c) in portfolio.clients.iter().enumerate() {
        let h = &c.aum_history;
        let n = h.len();
        let back = |k: usize| h.get(n.saturating_sub(1 + k)).copied().unwrap_or(c.aum);
        let tx = &c.monthly_transactions;
        let t = tx.len();
        let txn_3m: u32 = tx[t.saturating_sub(3)..].iter().sum();
        let txn_prev: u32 = tx[t.saturating_sub(9)..t.saturating_sub(3)].iter().sum();
        let (oy, om, od) = ymd_minus_months(sy, sm, sd, i64::from(c.tenure_months));
        let month = portfolio.truth.get(i).map_or(0, |t| i64::from(t.month));
        let (ny, nm, nd) = ymd_minus_months(sy, sm, sd, -month);
        let seg = if c.digital_share >= 0.6 {
            "DIG"
        } else if c.digital_share < 0.3 {
            "BRN"
        } else {
            "MIX"
        };
        let sat = c.survey.as_ref().and_then(|s| {
            let a: Vec<f64> = s
                .as_array()
                .iter()
                .flatten()
                .map(|&v| f64::from(v))
                .collect();
            (!a.is_empty()).then(|| a.iter().sum::<f64>() / a.len() as f64)
        });
        let blank_adv = rng.random::<f64>() < cfg.blank_share;
        let blank_perf = rng.random::<f64>() < cfg.blank_share;
        let row = [
            format!("K{:07}", i + 1),
            format!("{oy:04}-{om:02}-{od:02}"),
            c.age.to_string(),
            seg.to_string(),
            format!("C{}", c.risk_tolerance.level()),
            format!("{:.2}", c.aum),
            format!("{:.2}", back(3)),
            format!("{:.2}", back(12)),
            txn_3m.to_string(),
            txn_prev.to_string(),
            c.transfers_out_90d.to_string(),
            format!("{:.2}", c.transfer_out_amount_90d),
            c.days_since_last_activity.to_string(),
            if blank_adv {
                String::new()
            } else {
                c.advisor_contacts_180d.to_string()
            },
            c.complaints_12m.to_string(),
            if blank_perf {
                String::new()
            } else {
                format!("{:.5}", c.return_vs_benchmark_12m)
            },
            format!("{:.5}", c.fee_rate),
            c.holdings.categories_held().to_string(),
            format!("{:.3}", c.digital_share),
            sat.map_or(String::new(), |s| format!("{s:.2}")),
            if c.dedicated_advisor { "Y" } else { "N" }.to_string(),
            if c.churned().unwrap_or(false) {
                "Y"
            } else {
                "N"
            }
            .to_string(),
            format!("{ny:04}-{nm:02}-{nd:02}"),
        ];
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_back_clamp_the_day() {
        assert_eq!(ymd_minus_months(2026, 3, 31, 1), (2026, 2, 28));
        assert_eq!(ymd_minus_months(2026, 10, 31, 12), (2025, 10, 31));
        assert_eq!(ymd_minus_months(2026, 1, 15, 1), (2025, 12, 15));
        assert_eq!(ymd_minus_months(2024, 3, 30, 1), (2024, 2, 29));
    }
}
