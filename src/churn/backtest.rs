//! Out-of-time backtesting: fit on the earlier periods, then score each later period on
//! its own — ROC AUC, top-decile lift, calibration (ECE, mean predicted vs observed rate)
//! and the PSI of its scores against the training scores — so that a model's decay and
//! the drift behind it show period by period.
//!
//! Periods are integers (e.g. months counted from some origin, as a schema's date column
//! gives them); rows with `period <= train_until` train the model.
//!
//! ```
//! use wealthscore::churn::{backtest::backtest, logistic::{LogisticModel, LogisticParams}, features};
//! use wealthscore::synth::{generate, PortfolioConfig, SynthDrift};
//! let cfg = PortfolioConfig::default().with_clients(6_000).with_drift(Some(SynthDrift::default()));
//! let p = generate(&cfg)?;
//! let x = features::extract_batch(&p.clients)?;
//! let y = features::labels(&p.clients)?;
//! let month: Vec<i64> = p.truth.iter().map(|t| i64::from(t.month)).collect();
//! let b = backtest::<LogisticModel>(&LogisticParams::default(), x.view(), &y, &month, 5)?;
//! assert_eq!(b.periods.len(), 6); // months 6..=11
//! # Ok::<(), wealthscore::Error>(())
//! ```

use super::Fit;
use super::drift::{DriftBand, StabilityBins};
use super::eval::{calibration, lift_table, roc_auc, select_rows};
use crate::error::{Error, Result, check};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

/// Figures of one test period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PeriodResult {
    /// The period.
    pub period: i64,
    /// Rows in it.
    pub rows: usize,
    /// Observed churn rate.
    pub churn_rate: f64,
    /// Mean predicted probability.
    pub mean_predicted: f64,
    /// ROC AUC (`None` when the period holds one class only).
    pub auc: Option<f64>,
    /// Churn rate of the top-scored 10 % over the period's rate (`None` with one class).
    pub top_decile_lift: Option<f64>,
    /// Expected calibration error over 10 bins.
    pub ece: f64,
    /// PSI of the period's scores against the training scores.
    pub psi: f64,
    /// Its band.
    pub psi_band: DriftBand,
}

/// A backtest: the training window and one result per later period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Backtest {
    /// Last training period.
    pub train_until: i64,
    /// Training rows.
    pub train_rows: usize,
    /// Training churn rate.
    pub train_churn_rate: f64,
    /// Later periods, in order.
    pub periods: Vec<PeriodResult>,
}

impl Backtest {
    /// The table as text, one line per period.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "trained on periods <= {} ({} rows, churn rate {:.3})\nperiod    rows  churn  predicted    AUC   lift@10%   ECE     PSI  band\n",
            self.train_until, self.train_rows, self.train_churn_rate
        );
        for p in &self.periods {
            let f = |v: Option<f64>| v.map_or("   -  ".to_string(), |v| format!("{v:.4}"));
            s.push_str(&format!(
                "{:>6} {:>7} {:>6.3} {:>9.3} {:>8} {:>8} {:>7.4} {:>7.4}  {:?}\n",
                p.period,
                p.rows,
                p.churn_rate,
                p.mean_predicted,
                f(p.auc),
                f(p.top_decile_lift),
                p.ece,
                p.psi,
                p.psi_band
            ));
        }
        s
    }
}

/// Fits `M` on the rows with `period <= train_until` and scores every later period.
pub fn backtest<M: Fit>(
    params: &M::Params,
    x: ArrayView2<f64>,
    y: &[bool],
    period: &[i64],
    train_until: i64,
) -> Result<Backtest> {
    check::same_len("labels vs rows", x.nrows(), y.len())?;
    check::same_len("periods vs rows", x.nrows(), period.len())?;
    let train: Vec<usize> = (0..y.len()).filter(|&i| period[i] <= train_until).collect();
    if train.is_empty() {
        return Err(Error::invalid(
            "train_until",
            train_until,
            "no row lies in or before this period",
        ));
    }
    if !period.iter().any(|&p| p > train_until) {
        return Err(Error::invalid(
            "train_until",
            train_until,
            "no row lies after this period",
        ));
    }
    let ytr: Vec<bool> = train.iter().map(|&i| y[i]).collect();
    let model = M::fit(params, select_rows(x, &train)?.view(), &ytr)?;
    let train_scores = model
        .predict_proba(select_rows(x, &train)?.view())?
        .to_vec();
    let test: Vec<usize> = (0..y.len()).filter(|&i| period[i] > train_until).collect();
    let scores = model.predict_proba(select_rows(x, &test)?.view())?.to_vec();
    let yte: Vec<bool> = test.iter().map(|&i| y[i]).collect();
    let pte: Vec<i64> = test.iter().map(|&i| period[i]).collect();
    score_periods(&train_scores, &ytr, &scores, &yte, &pte, train_until)
}

/// The backtest figures of scored later rows (`scores`, `y`, `period`, one per row)
/// against the training scores and labels.
pub(crate) fn score_periods(
    train_scores: &[f64],
    y_train: &[bool],
    scores: &[f64],
    y: &[bool],
    period: &[i64],
    train_until: i64,
) -> Result<Backtest> {
    check::same_len("labels vs scores", scores.len(), y.len())?;
    check::same_len("periods vs scores", scores.len(), period.len())?;
    check::non_empty("training labels", y_train)?;
    let mut later = period.to_vec();
    later.sort_unstable();
    later.dedup();
    let bins = StabilityBins::fit(train_scores, 10)?;
    let rate = |ys: &[bool]| ys.iter().filter(|&&b| b).count() as f64 / ys.len() as f64;
    let periods = later
        .into_iter()
        .map(|p| {
            let idx: Vec<usize> = (0..y.len()).filter(|&i| period[i] == p).collect();
            let yy: Vec<bool> = idx.iter().map(|&i| y[i]).collect();
            let s: Vec<f64> = idx.iter().map(|&i| scores[i]).collect();
            let both = yy.iter().any(|&b| b) && yy.iter().any(|&b| !b);
            let psi = bins.index(&s)?;
            Ok(PeriodResult {
                period: p,
                rows: idx.len(),
                churn_rate: rate(&yy),
                mean_predicted: s.iter().sum::<f64>() / s.len() as f64,
                auc: if both { Some(roc_auc(&s, &yy)?) } else { None },
                top_decile_lift: if both {
                    lift_table(&s, &yy, 10)?.first().map(|r| r.lift)
                } else {
                    None
                },
                ece: calibration(&s, &yy, 10)?.ece,
                psi: psi.index,
                psi_band: psi.band,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Backtest {
        train_until,
        train_rows: y_train.len(),
        train_churn_rate: rate(y_train),
        periods,
    })
}
