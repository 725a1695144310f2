//! Which clients does an action actually change? Uplift models and their evaluation.
//!
//! The outcome throughout is **staying** (`true` = the client stayed), so a positive uplift
//! means the action keeps the client.
//!
//! - [`TLearner`]: two models of the crate (logistic, forest, any [`Fit`]) fitted on treated
//!   and on control clients; uplift = P(churn | control, x) − P(churn | treated, x).
//! - [`ClassTransformation`] (Jaskowski & Jaroszewicz 2012): one model of
//!   `z = stayed XNOR treated`; with equal arms `uplift = 2 P(z | x) − 1`. The larger arm is
//!   subsampled (seeded) to the smaller so that identity holds.
//! - Evaluation as scikit-uplift 0.5.1's `sklift.metrics` computes it, number for number:
//!   [`uplift_at_k`], [`qini_curve`], [`uplift_curve`], their perfect curves,
//!   [`qini_auc_score`] (the Qini coefficient) and [`uplift_auc_score`] (normalised AUUC).
//!   Scores are ordered as numpy's stable sort reversed (ties: later clients first), and
//!   areas use numpy's pairwise summation, so the figures agree to rounding.
//!
//! ```
//! use wealthscore::campaign::uplift::{qini_auc_score, uplift_at_k, TopK, KStrategy};
//! let stayed  = [true, false, true, false, true, false, true, true];
//! let treated = [true, true, false, false, true, false, true, false];
//! let score   = [0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.6, 0.4];
//! let q = qini_auc_score(&stayed, &score, &treated, true)?;
//! let at = uplift_at_k(&stayed, &score, &treated, KStrategy::Overall, TopK::Share(0.5))?;
//! assert!(q.is_finite() && at.is_finite());
//! # Ok::<(), wealthscore::Error>(())
//! ```

use crate::churn::Fit;
use crate::error::{Error, Result, check};
use ndarray::{Array1, ArrayView2, Axis};
use rand::rngs::SmallRng;
use rand::{SeedableRng, seq::SliceRandom};

/// Points of a gain curve: `x` = clients targeted, `y` = gain.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GainCurve {
    /// Number of clients targeted (0 first).
    pub x: Vec<f64>,
    /// Gain at that number.
    pub y: Vec<f64>,
}

impl GainCurve {
    /// Area under the curve by the trapezoid rule (as `sklearn.metrics.auc`).
    pub fn area(&self) -> f64 {
        trapezoid(&self.x, &self.y)
    }
}

fn check_inputs(y: &[bool], score: Option<&[f64]>, treated: &[bool]) -> Result<()> {
    check::non_empty("outcomes", y)?;
    check::same_len("treated vs outcomes", y.len(), treated.len())?;
    if let Some(s) = score {
        check::same_len("scores vs outcomes", y.len(), s.len())?;
        check::all_finite("scores", s)?;
    }
    let n_t = treated.iter().filter(|&&t| t).count();
    if n_t == 0 || n_t == treated.len() {
        return Err(Error::Empty {
            what: format!(
                "{} clients: uplift needs treated and control clients",
                if n_t == 0 { "treated" } else { "control" }
            ),
        });
    }
    Ok(())
}

/// Indices by score descending, ties with the later index first: numpy's
/// `argsort(kind="mergesort")[::-1]`, which scikit-uplift uses.
fn descending_order(score: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..score.len()).collect();
    // Stable ascending; scores are finite, so `partial_cmp` never fails and ±0 tie as in numpy.
    idx.sort_by(|&a, &b| {
        score[a]
            .partial_cmp(&score[b])
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    idx.reverse();
    idx
}

/// Cumulative counts at each distinct-score threshold: (clients, treated, treated stayed,
/// control stayed).
fn thresholds(y: &[bool], score: &[f64], treated: &[bool]) -> Vec<(f64, f64, f64, f64)> {
    let order = descending_order(score);
    let mut out = Vec::new();
    let (mut nt, mut yt, mut yc) = (0.0, 0.0, 0.0);
    for (k, &i) in order.iter().enumerate() {
        if treated[i] {
            nt += 1.0;
            if y[i] {
                yt += 1.0;
            }
        } else if y[i] {
            yc += 1.0;
        }
        let last = k + 1 == order.len();
        if last || score[order[k + 1]] != score[i] {
            out.push(((k + 1) as f64, nt, yt, yc));
        }
    }
    out
}

fn with_origin(points: impl Iterator<Item = (f64, f64)>) -> GainCurve {
    let (mut x, mut y) = (vec![0.0], vec![0.0]);
    for (a, b) in points {
        x.push(a);
        y.push(b);
    }
    GainCurve { x, y }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b != 0.0 { a / b } else { 0.0 }
}

/// The Qini curve (Radcliffe 2007): at each distinct score, targeted clients against
/// `stayed_T − stayed_C × n_T / n_C` among them (`sklift.metrics.qini_curve`).
///
/// ```
/// let c = wealthscore::campaign::uplift::qini_curve(&[true, false], &[0.9, 0.1], &[true, false])?;
/// assert_eq!((c.x, c.y), (vec![0.0, 1.0, 2.0], vec![0.0, 1.0, 1.0]));
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn qini_curve(stayed: &[bool], score: &[f64], treated: &[bool]) -> Result<GainCurve> {
    check_inputs(stayed, Some(score), treated)?;
    Ok(with_origin(
        thresholds(stayed, score, treated)
            .into_iter()
            .map(|(n, nt, yt, yc)| (n, yt - yc * ratio(nt, n - nt))),
    ))
}

/// The uplift curve: at each distinct score, `(rate_T − rate_C) × targeted`
/// (`sklift.metrics.uplift_curve`).
pub fn uplift_curve(stayed: &[bool], score: &[f64], treated: &[bool]) -> Result<GainCurve> {
    check_inputs(stayed, Some(score), treated)?;
    Ok(with_origin(
        thresholds(stayed, score, treated)
            .into_iter()
            .map(|(n, nt, yt, yc)| (n, (ratio(yt, nt) - ratio(yc, n - nt)) * n)),
    ))
}

/// The best possible Qini curve (`sklift.metrics.perfect_qini_curve`): with
/// `negative_effect`, clients ordered treated-stayed first and control-stayed last;
/// without, the three-point curve that reaches the total gain at once.
pub fn perfect_qini_curve(
    stayed: &[bool],
    treated: &[bool],
    negative_effect: bool,
) -> Result<GainCurve> {
    check_inputs(stayed, None, treated)?;
    if negative_effect {
        let s: Vec<f64> = stayed
            .iter()
            .zip(treated)
            .map(|(&y, &t)| {
                let (y, t) = (f64::from(u8::from(y)), f64::from(u8::from(t)));
                y * t - y * (1.0 - t)
            })
            .collect();
        qini_curve(stayed, &s, treated)
    } else {
        let (mut yt, mut nt, mut yc, mut nc) = (0.0, 0.0, 0.0, 0.0);
        for (&y, &t) in stayed.iter().zip(treated) {
            let y = f64::from(u8::from(y));
            if t {
                yt += y;
                nt += 1.0;
            } else {
                yc += y;
                nc += 1.0;
            }
        }
        let r = yt - nt * yc / nc;
        Ok(GainCurve {
            x: vec![0.0, r, stayed.len() as f64],
            y: vec![0.0, r, r],
        })
    }
}

/// The best possible uplift curve (`sklift.metrics.perfect_uplift_curve`).
pub fn perfect_uplift_curve(stayed: &[bool], treated: &[bool]) -> Result<GainCurve> {
    check_inputs(stayed, None, treated)?;
    let cr = stayed
        .iter()
        .zip(treated)
        .filter(|&(&y, &t)| y && !t)
        .count();
    let tn = stayed
        .iter()
        .zip(treated)
        .filter(|&(&y, &t)| !y && t)
        .count();
    let s: Vec<f64> = stayed
        .iter()
        .zip(treated)
        .map(|(&y, &t)| {
            let summand = if cr > tn { y } else { t };
            2.0 * f64::from(u8::from(y == t)) + f64::from(u8::from(summand))
        })
        .collect();
    uplift_curve(stayed, &s, treated)
}

fn normalised(actual: &GainCurve, perfect: &GainCurve) -> Result<f64> {
    let (Some(&xe), Some(&ye)) = (perfect.x.last(), perfect.y.last()) else {
        return Err(Error::Empty {
            what: "perfect curve".into(),
        });
    };
    if perfect.x.windows(2).any(|w| w[1] < w[0]) {
        // sklearn's `auc` refuses such a curve too.
        return Err(Error::invalid(
            "negative_effect",
            "false",
            format!(
                "the perfect curve without negative effects is undefined when the total gain ({ye}) is negative; use negative_effect = true"
            ),
        ));
    }
    let baseline = trapezoid(&[0.0, xe], &[0.0, ye]);
    let best = perfect.area() - baseline;
    if best == 0.0 || !best.is_finite() {
        return Err(Error::invalid(
            "outcomes",
            "no uplift possible",
            "the perfect curve has no area above random targeting (one class or one arm only)",
        ));
    }
    Ok((actual.area() - baseline) / best)
}

/// The Qini coefficient: area between the Qini curve and random targeting, over the same
/// area of the perfect curve (`sklift.metrics.qini_auc_score`). 1 is perfect, 0 random.
///
/// ```
/// use wealthscore::campaign::uplift::qini_auc_score;
/// let stayed  = [true, false, false, true];
/// let treated = [true, true, false, false];
/// // Scoring by the perfect order gives 1.
/// assert!((qini_auc_score(&stayed, &[1.0, 0.0, 0.0, -1.0], &treated, true)? - 1.0).abs() < 1e-12);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn qini_auc_score(
    stayed: &[bool],
    score: &[f64],
    treated: &[bool],
    negative_effect: bool,
) -> Result<f64> {
    let actual = qini_curve(stayed, score, treated)?;
    let perfect = perfect_qini_curve(stayed, treated, negative_effect)?;
    normalised(&actual, &perfect)
}

/// Normalised area under the uplift curve (`sklift.metrics.uplift_auc_score`).
pub fn uplift_auc_score(stayed: &[bool], score: &[f64], treated: &[bool]) -> Result<f64> {
    let actual = uplift_curve(stayed, score, treated)?;
    let perfect = perfect_uplift_curve(stayed, treated)?;
    normalised(&actual, &perfect)
}

/// How many clients [`uplift_at_k`] takes.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum TopK {
    /// A share in `(0, 1)` of the clients (truncated, as `int(n × k)`).
    Share(f64),
    /// A number of clients in `1..n`.
    Count(usize),
}

/// How [`uplift_at_k`] counts the top clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KStrategy {
    /// The top k of all clients; rates of treated and control among them.
    Overall,
    /// The top k of each arm separately.
    ByGroup,
}

/// Retention rate of treated minus control clients among the top `k` by score
/// (`sklift.metrics.uplift_at_k`). Fails when an arm has no client among them.
///
/// ```
/// use wealthscore::campaign::uplift::{uplift_at_k, TopK, KStrategy};
/// let stayed  = [true, false, true, false];
/// let treated = [true, false, false, true];
/// let u = uplift_at_k(&stayed, &[0.9, 0.8, 0.1, 0.2], &treated, KStrategy::Overall, TopK::Count(2))?;
/// assert_eq!(u, 1.0);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn uplift_at_k(
    stayed: &[bool],
    score: &[f64],
    treated: &[bool],
    strategy: KStrategy,
    k: TopK,
) -> Result<f64> {
    check_inputs(stayed, Some(score), treated)?;
    let n = stayed.len();
    match k {
        TopK::Share(s) if !(s > 0.0 && s < 1.0) => {
            return Err(Error::invalid("k", s, "a share must lie in (0, 1)"));
        }
        TopK::Count(c) if c == 0 || c >= n => {
            return Err(Error::invalid(
                "k",
                c,
                format!("a count must lie in 1..{n} (the number of clients)"),
            ));
        }
        _ => {}
    }
    let order = descending_order(score);
    let mean = |rows: &mut dyn Iterator<Item = usize>, arm: &str| -> Result<f64> {
        let (mut s, mut m) = (0.0, 0usize);
        for i in rows {
            s += f64::from(u8::from(stayed[i]));
            m += 1;
        }
        if m == 0 {
            return Err(Error::Empty {
                what: format!("{arm} clients among the top k"),
            });
        }
        Ok(s / m as f64)
    };
    let (rate_t, rate_c) = match strategy {
        KStrategy::Overall => {
            let size = match k {
                TopK::Share(s) => (n as f64 * s) as usize,
                TopK::Count(c) => c,
            };
            let top = &order[..size.min(n)];
            (
                mean(&mut top.iter().copied().filter(|&i| treated[i]), "treated")?,
                mean(&mut top.iter().copied().filter(|&i| !treated[i]), "control")?,
            )
        }
        KStrategy::ByGroup => {
            let n_t = treated.iter().filter(|&&t| t).count();
            let n_c = n - n_t;
            let (k_t, k_c) = match k {
                TopK::Share(s) => ((n_t as f64 * s) as usize, (n_c as f64 * s) as usize),
                TopK::Count(c) => (c, c),
            };
            if k_t > n_t || k_c > n_c {
                return Err(Error::invalid(
                    "k",
                    format!("{k:?}"),
                    format!("exceeds an arm ({n_t} treated, {n_c} control)"),
                ));
            }
            (
                mean(
                    &mut order.iter().copied().filter(|&i| treated[i]).take(k_t),
                    "treated",
                )?,
                mean(
                    &mut order.iter().copied().filter(|&i| !treated[i]).take(k_c),
                    "control",
                )?,
            )
        }
    };
    Ok(rate_t - rate_c)
}

/// `np.trapezoid(y, x)`: `Σ (x[i+1] − x[i]) (y[i+1] + y[i]) / 2`, summed pairwise as
/// numpy does so the areas agree with scikit-uplift's to rounding.
fn trapezoid(x: &[f64], y: &[f64]) -> f64 {
    let terms: Vec<f64> = x
        .windows(2)
        .zip(y.windows(2))
        .map(|(xw, yw)| (xw[1] - xw[0]) * (yw[1] + yw[0]) / 2.0)
        .collect();
    pairwise_sum(&terms)
}

/// numpy's pairwise summation (`pairwise_sum` in `loops_utils.h`): blocks of 8
/// accumulators up to 128 elements, halves above.
fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        // numpy starts from -0.0 so that a sum of negative zeros stays negative.
        a.iter().fold(-0.0, |s, v| s + v)
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - n % 8 {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for v in &a[i..] {
            res += v;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

/// Checks a training set for an uplift model: sizes, both arms, and both outcomes in each.
fn check_training(x: &ArrayView2<f64>, stayed: &[bool], treated: &[bool]) -> Result<()> {
    check_inputs(stayed, None, treated)?;
    check::same_len("rows of x vs outcomes", stayed.len(), x.nrows())?;
    Ok(())
}

fn rows_where(
    x: &ArrayView2<f64>,
    keep: impl Fn(usize) -> bool,
) -> (ndarray::Array2<f64>, Vec<usize>) {
    let idx: Vec<usize> = (0..x.nrows()).filter(|&i| keep(i)).collect();
    (x.select(Axis(0), &idx), idx)
}

/// Two-model uplift: one churn model on treated clients, one on control clients.
///
/// ```
/// use wealthscore::campaign::uplift::TLearner;
/// use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
/// use wealthscore::retention::ActionKind;
/// use wealthscore::synth::campaign::{simulate, CampaignConfig};
///
/// let sim = simulate(&CampaignConfig::default().with_clients(6_000).with_seed(4))?;
/// let (x, stayed, treated) = sim.log.training_data(ActionKind::ServiceRemediation)?;
/// let t = TLearner::<LogisticModel>::fit(&LogisticParams::default(), x.view(), &stayed, &treated)?;
/// let u = t.predict_uplift(x.view())?;
/// assert_eq!(u.len(), x.nrows());
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TLearner<M> {
    /// Churn model of treated clients.
    pub treated: M,
    /// Churn model of control clients.
    pub control: M,
}

impl<M: Fit> TLearner<M> {
    /// Fits both models; `stayed[i]` and `treated[i]` describe row `i` of `x`. Each arm
    /// needs both outcomes (the models' own checks say which arm fails).
    pub fn fit(
        params: &M::Params,
        x: ArrayView2<f64>,
        stayed: &[bool],
        treated: &[bool],
    ) -> Result<Self> {
        check_training(&x, stayed, treated)?;
        let fit_arm = |arm: bool, name: &str| -> Result<M> {
            let (xa, idx) = rows_where(&x, |i| treated[i] == arm);
            let churned: Vec<bool> = idx.iter().map(|&i| !stayed[i]).collect();
            M::fit(params, xa.view(), &churned).map_err(|e| match e {
                Error::Fit { model, reason } => Error::Fit {
                    model: format!("{model} on the {name} arm"),
                    reason,
                },
                Error::Empty { what } => Error::Empty {
                    what: format!("{name} arm: {what}"),
                },
                other => other,
            })
        };
        Ok(TLearner {
            treated: fit_arm(true, "treated")?,
            control: fit_arm(false, "control")?,
        })
    }

    /// Predicted uplift in retention: P(churn | control, x) − P(churn | treated, x).
    pub fn predict_uplift(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        let pc = self.control.predict_proba(x)?;
        let pt = self.treated.predict_proba(x)?;
        Ok(pc - pt)
    }
}

/// Class-transformation uplift (Jaskowski & Jaroszewicz 2012): one model of
/// `z = (treated and stayed) or (control and churned)`; uplift = `2 P(z | x) − 1`.
///
/// ```
/// use wealthscore::campaign::uplift::ClassTransformation;
/// use wealthscore::churn::logistic::{LogisticModel, LogisticParams};
/// use wealthscore::retention::ActionKind;
/// use wealthscore::synth::campaign::{simulate, CampaignConfig};
///
/// let sim = simulate(&CampaignConfig::default().with_clients(6_000).with_seed(4))?;
/// let (x, stayed, treated) = sim.log.training_data(ActionKind::ServiceRemediation)?;
/// let ct = ClassTransformation::<LogisticModel>::fit(&LogisticParams::default(), x.view(), &stayed, &treated, 7)?;
/// assert!(ct.predict_uplift(x.view())?.iter().all(|u| (-1.0..=1.0).contains(u)));
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ClassTransformation<M> {
    /// The model of `z`.
    pub model: M,
}

impl<M: Fit> ClassTransformation<M> {
    /// Fits the model of `z`. The identity `uplift = 2 P(z) − 1` needs equal arms, so the
    /// larger arm is subsampled at random (seeded) to the size of the smaller.
    pub fn fit(
        params: &M::Params,
        x: ArrayView2<f64>,
        stayed: &[bool],
        treated: &[bool],
        seed: u64,
    ) -> Result<Self> {
        check_training(&x, stayed, treated)?;
        let mut t: Vec<usize> = (0..stayed.len()).filter(|&i| treated[i]).collect();
        let mut c: Vec<usize> = (0..stayed.len()).filter(|&i| !treated[i]).collect();
        if t.is_empty() || c.is_empty() {
            return Err(Error::Empty {
                what: format!(
                    "an arm of the campaign ({} treated, {} control)",
                    t.len(),
                    c.len()
                ),
            });
        }
        let mut rng = SmallRng::seed_from_u64(seed);
        let m = t.len().min(c.len());
        for arm in [&mut t, &mut c] {
            if arm.len() > m {
                arm.shuffle(&mut rng);
                arm.truncate(m);
            }
        }
        let mut idx: Vec<usize> = t.into_iter().chain(c).collect();
        idx.sort_unstable();
        let xs = x.select(Axis(0), &idx);
        let z: Vec<bool> = idx.iter().map(|&i| stayed[i] == treated[i]).collect();
        Ok(ClassTransformation {
            model: M::fit(params, xs.view(), &z)?,
        })
    }

    /// Predicted uplift in retention, `2 P(z | x) − 1`, in `[−1, 1]`.
    pub fn predict_uplift(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        Ok(self.model.predict_proba(x)?.mapv(|p| 2.0 * p - 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_put_later_clients_first_as_numpy() {
        // np.argsort([0.5, 0.9, 0.5, 0.1], kind="mergesort")[::-1] == [1, 2, 0, 3]
        assert_eq!(descending_order(&[0.5, 0.9, 0.5, 0.1]), vec![1, 2, 0, 3]);
    }

    #[test]
    fn pairwise_sum_is_the_sum() {
        let a: Vec<f64> = (1..=300).map(f64::from).collect();
        assert_eq!(pairwise_sum(&a), 45_150.0);
        assert_eq!(pairwise_sum(&a[..100]), 5_050.0);
        assert_eq!(pairwise_sum(&a[..5]), 15.0);
    }
}
