//! Evaluation of churn scores: ranking (ROC AUC, PR AUC), probability quality (log-loss,
//! Brier, calibration table), targeting (lift and capture by decile, confusion matrix at
//! a cut-off), profit (the expected maximum profit measure for churn, EMPC), and seeded
//! stratified splits and k-fold cross-validation.
//!
//! Conventions follow scikit-learn where it has the metric: `roc_auc_score` (ties count
//! one half), `average_precision_score` (steps at each distinct score, no interpolation),
//! `log_loss` (probabilities clipped to `[ε, 1 − ε]` with `ε` = `f64::EPSILON`),
//! `brier_score_loss`, `calibration_curve(strategy="uniform")`.
//!
//! ```
//! use wealthscore::churn::eval::{roc_auc, average_precision, log_loss, brier};
//! let y = [false, false, true, true];
//! let s = [0.1, 0.4, 0.35, 0.8];
//! assert!((roc_auc(&s, &y)? - 0.75).abs() < 1e-12);
//! assert!((average_precision(&s, &y)? - 0.833_333_333_333_333_4).abs() < 1e-12);
//! assert!(log_loss(&s, &y)? > 0.0 && brier(&s, &y)? > 0.0);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use super::Fit;
use crate::error::{Error, Result, check};
use ndarray::{Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

fn check_inputs(scores: &[f64], y: &[bool]) -> Result<()> {
    check::non_empty("scores", scores)?;
    check::same_len("labels vs scores", scores.len(), y.len())?;
    check::all_finite("scores", scores)
}

fn check_probs(p: &[f64], y: &[bool]) -> Result<()> {
    check_inputs(p, y)?;
    for (i, &v) in p.iter().enumerate() {
        check::in_range_lazy(v, 0.0, 1.0, || format!("probabilities[{i}]"))?;
    }
    Ok(())
}

fn counts(y: &[bool]) -> Result<(f64, f64)> {
    let pos = y.iter().filter(|&&b| b).count() as f64;
    let neg = y.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return Err(Error::invalid(
            "labels",
            format!("{pos} churners of {}", y.len()),
            "both classes must be present",
        ));
    }
    Ok((pos, neg))
}

/// Indices sorted by descending score (stable: ties keep input order).
fn order_desc(scores: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    idx
}

/// ROC AUC: the probability that a random churner scores above a random non-churner,
/// ties counting one half (Mann–Whitney U with mid-ranks).
///
/// ```
/// // Hand count with a tie: pairs (p, n): (0.5, 0.5) tie → ½, (0.5, 0.2) → 1,
/// // (0.9, 0.5) → 1, (0.9, 0.2) → 1: 3.5 / 4.
/// let auc = wealthscore::churn::eval::roc_auc(&[0.5, 0.9, 0.5, 0.2], &[true, true, false, false])?;
/// assert!((auc - 0.875).abs() < 1e-15);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn roc_auc(scores: &[f64], y: &[bool]) -> Result<f64> {
    check_inputs(scores, y)?;
    let (pos, neg) = counts(y)?;
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        let tied_pos = idx[i..=j].iter().filter(|&&k| y[k]).count() as f64;
        rank_sum += r * tied_pos;
        i = j + 1;
    }
    Ok((rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

/// Average precision (PR AUC) as scikit-learn's `average_precision_score`:
/// `Σ_k (R_k − R_{k−1}) P_k` over the distinct score thresholds, highest first.
///
/// ```
/// // Thresholds 0.9: P = 1, R = ½; 0.5 (tie of a churner and a non-churner): P = 2/3, R = 1.
/// let ap = wealthscore::churn::eval::average_precision(&[0.5, 0.9, 0.5, 0.2], &[true, true, false, false])?;
/// assert!((ap - (0.5 * 1.0 + 0.5 * 2.0 / 3.0)).abs() < 1e-15);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn average_precision(scores: &[f64], y: &[bool]) -> Result<f64> {
    check_inputs(scores, y)?;
    let (pos, _) = counts(y)?;
    let idx = order_desc(scores);
    let (mut tp, mut seen, mut ap, mut prev_recall) = (0.0, 0.0, 0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let s = scores[idx[i]];
        while i < idx.len() && scores[idx[i]] == s {
            tp += f64::from(u8::from(y[idx[i]]));
            seen += 1.0;
            i += 1;
        }
        let recall = tp / pos;
        ap += (recall - prev_recall) * (tp / seen);
        prev_recall = recall;
    }
    Ok(ap)
}

/// Mean log-loss with probabilities clipped to `[ε, 1 − ε]`, `ε = f64::EPSILON` (as
/// scikit-learn 1.9 for float64), so a confident mistake costs about 36, never infinity.
///
/// ```
/// let l = wealthscore::churn::eval::log_loss(&[1.0, 0.0], &[false, true])?;
/// assert!(l.is_finite() && (l - 36.04365338911715).abs() < 1e-9);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn log_loss(probs: &[f64], y: &[bool]) -> Result<f64> {
    check_probs(probs, y)?;
    let eps = f64::EPSILON;
    let s: f64 = probs
        .iter()
        .zip(y)
        .map(|(&p, &yi)| {
            let p = p.clamp(eps, 1.0 - eps);
            if yi { -p.ln() } else { -(1.0 - p).ln() }
        })
        .sum();
    Ok(s / probs.len() as f64)
}

/// Brier score: mean squared difference between probability and outcome.
///
/// ```
/// let b = wealthscore::churn::eval::brier(&[0.8, 0.3], &[true, false])?;
/// assert!((b - (0.04 + 0.09) / 2.0).abs() < 1e-15);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn brier(probs: &[f64], y: &[bool]) -> Result<f64> {
    check_probs(probs, y)?;
    let s: f64 = probs
        .iter()
        .zip(y)
        .map(|(&p, &yi)| {
            let d = p - f64::from(u8::from(yi));
            d * d
        })
        .sum();
    Ok(s / probs.len() as f64)
}

/// One group of a lift table, clients ranked by descending score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LiftRow {
    /// Group number, 1 = highest scores.
    pub group: usize,
    /// Clients in the group.
    pub clients: usize,
    /// Churners in the group.
    pub churners: usize,
    /// Churn rate in the group.
    pub rate: f64,
    /// Group rate over the base rate.
    pub lift: f64,
    /// Share of all churners found in groups 1..=this one.
    pub cumulative_capture: f64,
    /// Cumulative churn rate over the base rate.
    pub cumulative_lift: f64,
}

/// Lift and capture by group (deciles for `groups = 10`): clients sorted by descending
/// score (ties in input order), group `k` holding rows `⌊k n / g⌋ .. ⌊(k+1) n / g⌋`.
///
/// ```
/// let s: Vec<f64> = (0..10).map(|i| i as f64).collect();
/// let y: Vec<bool> = (0..10).map(|i| i >= 8).collect();
/// let t = wealthscore::churn::eval::lift_table(&s, &y, 5)?;
/// assert_eq!(t[0].churners, 2);
/// assert!((t[0].lift - 5.0).abs() < 1e-12 && (t[0].cumulative_capture - 1.0).abs() < 1e-12);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn lift_table(scores: &[f64], y: &[bool], groups: usize) -> Result<Vec<LiftRow>> {
    check_inputs(scores, y)?;
    let (pos, _) = counts(y)?;
    if groups == 0 || groups > scores.len() {
        return Err(Error::invalid(
            "groups",
            groups,
            format!("must lie in 1..={}", scores.len()),
        ));
    }
    let n = scores.len();
    let base = pos / n as f64;
    let idx = order_desc(scores);
    let (mut cum_pos, mut cum_n) = (0usize, 0usize);
    Ok((0..groups)
        .map(|k| {
            let (a, b) = (k * n / groups, (k + 1) * n / groups);
            let churners = idx[a..b].iter().filter(|&&i| y[i]).count();
            cum_pos += churners;
            cum_n += b - a;
            let rate = churners as f64 / (b - a).max(1) as f64;
            LiftRow {
                group: k + 1,
                clients: b - a,
                churners,
                rate,
                lift: rate / base,
                cumulative_capture: cum_pos as f64 / pos,
                cumulative_lift: (cum_pos as f64 / cum_n.max(1) as f64) / base,
            }
        })
        .collect())
}

/// One bin of a calibration table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CalibrationBin {
    /// Lower edge of the predicted-probability bin.
    pub lower: f64,
    /// Upper edge.
    pub upper: f64,
    /// Clients in the bin.
    pub count: usize,
    /// Mean predicted probability in the bin.
    pub mean_predicted: f64,
    /// Observed churn rate in the bin.
    pub observed_rate: f64,
}

/// A calibration table and its summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Calibration {
    /// Non-empty bins, lowest first.
    pub bins: Vec<CalibrationBin>,
    /// Expected calibration error: `Σ_b (n_b / n) |mean predicted_b − observed_b|`.
    pub ece: f64,
    /// Largest `|mean predicted − observed|` over bins holding at least 1 % of clients.
    pub max_error: f64,
}

/// Calibration table over `bins` equal-width bins of `[0, 1]` (scikit-learn's
/// `calibration_curve(strategy="uniform")`; a probability of exactly 1 falls in the last).
///
/// ```
/// let c = wealthscore::churn::eval::calibration(&[0.1, 0.1, 0.9, 0.9], &[false, false, true, false], 10)?;
/// assert_eq!(c.bins.len(), 2);
/// // (2/4)·|0.1 − 0| + (2/4)·|0.9 − 0.5| = 0.25
/// assert!((c.ece - 0.25).abs() < 1e-12);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn calibration(probs: &[f64], y: &[bool], bins: usize) -> Result<Calibration> {
    check_probs(probs, y)?;
    if bins == 0 || bins > 10_000 {
        return Err(Error::invalid("bins", bins, "must lie in 1..=10000"));
    }
    let mut acc = vec![(0usize, 0.0f64, 0usize); bins];
    for (&p, &yi) in probs.iter().zip(y) {
        let b = ((p * bins as f64) as usize).min(bins - 1);
        acc[b].0 += 1;
        acc[b].1 += p;
        acc[b].2 += usize::from(yi);
    }
    let n = probs.len() as f64;
    let (mut ece, mut max_error) = (0.0, 0.0f64);
    let mut out = Vec::new();
    for (b, &(count, sum_p, pos)) in acc.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let mean_predicted = sum_p / count as f64;
        let observed_rate = pos as f64 / count as f64;
        let err = (mean_predicted - observed_rate).abs();
        ece += count as f64 / n * err;
        if count as f64 >= 0.01 * n {
            max_error = max_error.max(err);
        }
        out.push(CalibrationBin {
            lower: b as f64 / bins as f64,
            upper: (b + 1) as f64 / bins as f64,
            count,
            mean_predicted,
            observed_rate,
        });
    }
    Ok(Calibration {
        bins: out,
        ece,
        max_error,
    })
}

/// Counts of a binary decision against outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confusion {
    /// Flagged churners.
    pub true_positives: usize,
    /// Flagged non-churners.
    pub false_positives: usize,
    /// Unflagged non-churners.
    pub true_negatives: usize,
    /// Missed churners.
    pub false_negatives: usize,
}

/// `num / den`, or 0 when `den` is 0.
fn share(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

impl Confusion {
    /// Share of flagged clients who churned (0 when none flagged).
    pub fn precision(&self) -> f64 {
        share(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }
    /// Share of churners flagged (0 when there are none).
    pub fn recall(&self) -> f64 {
        share(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
    /// Share of non-churners flagged.
    pub fn false_positive_rate(&self) -> f64 {
        share(
            self.false_positives,
            self.false_positives + self.true_negatives,
        )
    }
    /// Share of correct decisions.
    pub fn accuracy(&self) -> f64 {
        share(
            self.true_positives + self.true_negatives,
            self.true_positives + self.false_positives + self.true_negatives + self.false_negatives,
        )
    }
}

/// Confusion matrix flagging clients whose score is at least `cutoff`.
///
/// ```
/// let c = wealthscore::churn::eval::confusion(&[0.9, 0.6, 0.4, 0.1], &[true, false, true, false], 0.5)?;
/// assert_eq!((c.true_positives, c.false_positives, c.true_negatives, c.false_negatives), (1, 1, 1, 1));
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn confusion(scores: &[f64], y: &[bool], cutoff: f64) -> Result<Confusion> {
    check_inputs(scores, y)?;
    check::finite("cutoff", cutoff)?;
    let mut c = Confusion {
        true_positives: 0,
        false_positives: 0,
        true_negatives: 0,
        false_negatives: 0,
    };
    for (&s, &yi) in scores.iter().zip(y) {
        match (s >= cutoff, yi) {
            (true, true) => c.true_positives += 1,
            (true, false) => c.false_positives += 1,
            (false, false) => c.true_negatives += 1,
            (false, true) => c.false_negatives += 1,
        }
    }
    Ok(c)
}

/// Parameters of the expected maximum profit measure for churn (Verbraken, Verbeke and
/// Baesens 2013). Defaults are those of the R package `EMP` (`empChurn`) and of Python's
/// `empulse.metrics.empc`: `alpha = 6`, `beta = 14` (the share of contacted churners who
/// accept the offer is Beta(6, 14), mean 0.3), `clv = 200`, incentive cost `d = 10`,
/// contact cost `f = 1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct EmpParams {
    /// First shape of the acceptance-rate Beta distribution (default 6).
    pub alpha: f64,
    /// Second shape (default 14).
    pub beta: f64,
    /// Customer lifetime value (default 200).
    pub clv: f64,
    /// Cost of the retention incentive, paid by every contacted client who accepts it —
    /// all contacted non-churners and the accepting churners (default 10).
    pub incentive_cost: f64,
    /// Cost of contacting a client (default 1).
    pub contact_cost: f64,
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl EmpParams {
    setters! {
        with_alpha => alpha: f64,
        with_beta => beta: f64,
        with_clv => clv: f64,
        with_incentive_cost => incentive_cost: f64,
        with_contact_cost => contact_cost: f64,
    }
}

impl Default for EmpParams {
    fn default() -> Self {
        EmpParams {
            alpha: 6.0,
            beta: 14.0,
            clv: 200.0,
            incentive_cost: 10.0,
            contact_cost: 1.0,
        }
    }
}

impl EmpParams {
    /// Checks the settings (all positive; costs below the CLV).
    pub fn validate(&self) -> Result<()> {
        check::positive("alpha", self.alpha)?;
        check::positive("beta", self.beta)?;
        check::positive("clv", self.clv)?;
        check::non_negative("incentive_cost", self.incentive_cost)?;
        check::non_negative("contact_cost", self.contact_cost)?;
        if self.incentive_cost >= self.clv {
            return Err(Error::config("incentive_cost", "must be below clv"));
        }
        Ok(())
    }
}

/// The expected maximum profit and the share of clients targeted at the optimum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Emp {
    /// Expected maximum profit per client, in the currency of `clv`.
    pub emp: f64,
    /// Expected share of clients the profit-maximising campaign contacts.
    pub fraction_targeted: f64,
}

/// Expected maximum profit for churn (EMPC).
///
/// A campaign contacts the top share of clients; a contacted churner accepts the offer
/// with probability `γ ~ Beta(α, β)`. With churn share `π₀`, per-client profit at an ROC
/// point (TPR `F₀`, FPR `F₁`) is
/// `CLV·[(γ(1 − δ) − φ)·π₀F₀ − (δ + φ)·π₁F₁]`, `δ = d/CLV`, `φ = f/CLV`.
/// EMP is `∫ max_t profit(t; γ) h(γ) dγ`: the maximum is attained on the ROC convex hull,
/// and the vertex that is optimal changes at known `γ` between consecutive vertices, so
/// the integral is a sum of incomplete Beta functions (no quadrature).
///
/// ```
/// use wealthscore::churn::eval::{emp_churn, EmpParams};
/// // A perfect ranking: contact exactly the churners when γ(1 − δ) > φ.
/// let y = [true, false, false, false];
/// let e = emp_churn(&[0.9, 0.1, 0.2, 0.3], &y, &EmpParams::default())?;
/// // π₀·CLV·(E[γ]·(1 − δ) − φ) = 0.25·200·(0.3·0.95 − 0.005) = 14.0, less the Beta
/// // mass below γ = φ/(1 − δ), about 1e-12 (empulse's empc_score: 14.00000000002).
/// assert!((e.emp - 14.0).abs() < 1e-9);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn emp_churn(scores: &[f64], y: &[bool], params: &EmpParams) -> Result<Emp> {
    check_inputs(scores, y)?;
    params.validate()?;
    let (pos, neg) = counts(y)?;
    let n = pos + neg;
    let (pi0, pi1) = (pos / n, neg / n);
    // ROC points at distinct thresholds, from (0, 0) to (1, 1), as (FPR, TPR).
    let idx = order_desc(scores);
    let mut pts = vec![(0.0, 0.0)];
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let s = scores[idx[i]];
        while i < idx.len() && scores[idx[i]] == s {
            if y[idx[i]] {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
            i += 1;
        }
        pts.push((fp / neg, tp / pos));
    }
    // Upper convex hull (points already sorted by FPR, then TPR).
    let mut hull: Vec<(f64, f64)> = Vec::with_capacity(pts.len());
    for p in pts {
        while hull.len() >= 2 {
            let (a, b) = (hull[hull.len() - 2], hull[hull.len() - 1]);
            let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
            if cross >= 0.0 {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(p);
    }
    let delta = params.incentive_cost / params.clv;
    let phi = params.contact_cost / params.clv;
    let (a, b) = (params.alpha, params.beta);
    let mean = a / (a + b);
    // γ at which vertex k becomes better than vertex k − 1.
    let mut bounds = vec![0.0];
    for w in hull.windows(2) {
        let (df, dt) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
        let g = if dt > 0.0 {
            ((delta + phi) * pi1 * df + phi * pi0 * dt) / ((1.0 - delta) * pi0 * dt)
        } else {
            f64::INFINITY
        };
        bounds.push(g.clamp(0.0, 1.0));
    }
    bounds.push(1.0);
    let (mut emp, mut frac) = (0.0, 0.0);
    for (k, &(f1, f0)) in hull.iter().enumerate() {
        let (lo, hi) = (bounds[k], bounds[k + 1].max(bounds[k]));
        if hi <= lo {
            continue;
        }
        let mass = reg_inc_beta(a, b, hi) - reg_inc_beta(a, b, lo);
        let first = mean * (reg_inc_beta(a + 1.0, b, hi) - reg_inc_beta(a + 1.0, b, lo));
        emp += params.clv
            * ((1.0 - delta) * pi0 * f0 * first
                - (phi * pi0 * f0 + (delta + phi) * pi1 * f1) * mass);
        frac += mass * (pi0 * f0 + pi1 * f1);
    }
    Ok(Emp {
        emp,
        fraction_targeted: frac,
    })
}

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, n = 9; relative error below 1e-15).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut s = G[0];
    for (i, g) in G.iter().enumerate().skip(1) {
        s += g / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + s.ln()
}

/// Continued fraction of the incomplete Beta function (modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// Regularised incomplete Beta function `I_x(a, b)`.
pub(crate) fn reg_inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// A seeded stratified split: each class is shuffled and `test_fraction` of it (rounded)
/// goes to the test set. Returns `(train, test)` row indices, each sorted.
///
/// ```
/// let y: Vec<bool> = (0..100).map(|i| i % 5 == 0).collect();
/// let (train, test) = wealthscore::churn::eval::stratified_split(&y, 0.3, 7)?;
/// assert_eq!(test.len(), 30);
/// assert_eq!(test.iter().filter(|&&i| y[i]).count(), 6);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn stratified_split(
    y: &[bool],
    test_fraction: f64,
    seed: u64,
) -> Result<(Vec<usize>, Vec<usize>)> {
    check::non_empty("labels", y)?;
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(Error::invalid(
            "test_fraction",
            test_fraction,
            "must lie strictly between 0 and 1",
        ));
    }
    let mut rng = SmallRng::seed_from_u64(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for class in [true, false] {
        let mut idx: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        idx.shuffle(&mut rng);
        let k = (idx.len() as f64 * test_fraction).round() as usize;
        test.extend_from_slice(&idx[..k]);
        train.extend_from_slice(&idx[k..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    Ok((train, test))
}

/// Seeded stratified k-fold: each class is shuffled and dealt round-robin to `k` folds.
/// Returns `k` pairs `(train, test)` of sorted row indices; every row is tested once.
///
/// ```
/// let y: Vec<bool> = (0..50).map(|i| i % 5 == 0).collect();
/// let folds = wealthscore::churn::eval::stratified_kfold(&y, 5, 1)?;
/// assert!(folds.iter().all(|(_, t)| t.len() == 10 && t.iter().filter(|&&i| y[i]).count() == 2));
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn stratified_kfold(y: &[bool], k: usize, seed: u64) -> Result<Vec<(Vec<usize>, Vec<usize>)>> {
    if k < 2 || k > y.len() {
        return Err(Error::invalid(
            "k",
            k,
            format!("must lie in 2..={}", y.len()),
        ));
    }
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut fold_of = vec![0usize; y.len()];
    let mut next = 0;
    for class in [true, false] {
        let mut idx: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        idx.shuffle(&mut rng);
        for i in idx {
            fold_of[i] = next % k;
            next += 1;
        }
    }
    Ok((0..k)
        .map(|f| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..y.len()).partition(|&i| fold_of[i] == f);
            (train, test)
        })
        .collect())
}

/// Rows of `x` at `idx`, in that order.
pub fn select_rows(x: ArrayView2<f64>, idx: &[usize]) -> Result<Array2<f64>> {
    if let Some(&bad) = idx.iter().find(|&&i| i >= x.nrows()) {
        return Err(Error::invalid(
            "row index",
            bad,
            format!("must be below {}", x.nrows()),
        ));
    }
    Ok(x.select(Axis(0), idx))
}

/// Test-fold ROC AUC of a model fitted on each training fold of a seeded stratified
/// k-fold split.
///
/// ```
/// use wealthscore::churn::{eval::cross_val_auc, logistic::{LogisticModel, LogisticParams}};
/// let p = wealthscore::synth::generate(&wealthscore::synth::PortfolioConfig::default().with_clients(2_000))?;
/// let x = wealthscore::churn::features::extract_batch(&p.clients)?;
/// let y = wealthscore::churn::features::labels(&p.clients)?;
/// let aucs = cross_val_auc::<LogisticModel>(&LogisticParams::default(), x.view(), &y, 3, 0)?;
/// assert_eq!(aucs.len(), 3);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn cross_val_auc<M: Fit>(
    params: &M::Params,
    x: ArrayView2<f64>,
    y: &[bool],
    k: usize,
    seed: u64,
) -> Result<Vec<f64>> {
    check::same_len("labels vs rows", x.nrows(), y.len())?;
    stratified_kfold(y, k, seed)?
        .into_iter()
        .map(|(train, test)| {
            let xtr = select_rows(x, &train)?;
            let ytr: Vec<bool> = train.iter().map(|&i| y[i]).collect();
            let model = M::fit(params, xtr.view(), &ytr)?;
            let xte = select_rows(x, &test)?;
            let yte: Vec<bool> = test.iter().map(|&i| y[i]).collect();
            let p = model.predict_proba(xte.view())?;
            roc_auc(&p.to_vec(), &yte)
        })
        .collect()
}
