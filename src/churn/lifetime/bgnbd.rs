//! BG/NBD: beta-geometric / negative-binomial model of repeat transactions
//! (Fader, Hardie and Lee 2005, "Counting your customers the easy way").
//!
//! While alive, a client transacts as a Poisson process with rate `λ ~ Gamma(r, α)`;
//! after each transaction the client drops out with probability `p ~ Beta(a, b)`.
//! The model is fitted from per-client summaries `(x, t_x, T)`: repeat transactions,
//! time of the last one and age, all measured from the first transaction.

use serde::{Deserialize, Serialize};

use super::Fitted;
use super::optim::{FitOptions, minimise};
use super::special::{digamma, hyp2f1, ln_gamma};
use crate::error::{Error, Result, check};
use crate::fastmath::{exp_nonpos, is_small_whole, ln_1p_fast, small_whole_index};

/// Size of the `ln(a / (b + x - 1))` lookup in [`BgNbd::probability_alive_batch`].
const LN_B_TABLE: usize = 64;

/// A client's transaction summary: the sufficient statistics of BG/NBD, and the mean
/// repeat spend that Gamma-Gamma and the lifetime value need.
///
/// Time is in any unit (days, weeks), the same for every client and for the
/// horizons later asked of the model. Build it with [`RfmSummary::new`] (and
/// [`RfmSummary::with_monetary`]), so that the fields cannot be swapped silently.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RfmSummary {
    /// `x`: number of repeat transactions (transactions after the first), a whole number.
    pub frequency: f64,
    /// `t_x`: time from the first to the last transaction (0 when `frequency` is 0).
    pub recency: f64,
    /// `T`: time from the first transaction to the end of observation.
    pub age: f64,
    /// `m̄`: mean value of the repeat transactions (0 without any; default 0).
    #[serde(default)]
    pub monetary: f64,
}

impl RfmSummary {
    /// Builds a summary with no monetary value and validates it.
    ///
    /// ```
    /// use wealthscore::churn::lifetime::RfmSummary;
    /// let s = RfmSummary::new(2.0, 30.43, 38.86)?.with_monetary(22.35)?;
    /// assert_eq!(s.monetary, 22.35);
    /// assert!(RfmSummary::new(2.0, 40.0, 38.86).is_err()); // recency after the end
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn new(frequency: f64, recency: f64, age: f64) -> Result<Self> {
        let s = RfmSummary {
            frequency,
            recency,
            age,
            monetary: 0.0,
        };
        s.validate()?;
        Ok(s)
    }

    /// The same summary with the mean repeat value `monetary` (finite, `>= 0`).
    pub fn with_monetary(mut self, monetary: f64) -> Result<Self> {
        check::non_negative("monetary", monetary)?;
        self.monetary = monetary;
        Ok(self)
    }

    /// `frequency` a whole number `>= 0`, `0 <= recency <= age`, `monetary >= 0`, all
    /// finite.
    pub fn validate(&self) -> Result<()> {
        self.validate_at("")
    }

    /// [`RfmSummary::validate`], naming the row by `suffix` (e.g. `[3]`).
    pub(crate) fn validate_at(&self, suffix: &str) -> Result<()> {
        validate_triplet(self.frequency, self.recency, self.age, suffix)?;
        check::non_negative(&format!("monetary{suffix}"), self.monetary)?;
        Ok(())
    }

    /// The cheap test the batch paths run first (the full check names the field).
    #[inline]
    fn looks_valid(&self) -> bool {
        let (x, t, big_t) = (self.frequency, self.recency, self.age);
        // Anything else (a count of 2^51 or more) takes the full check, which decides.
        is_small_whole(x)
            & (t >= 0.0)
            & (t <= big_t)
            & big_t.is_finite()
            & (self.monetary >= 0.0)
            & self.monetary.is_finite()
    }
}

/// Checks every row of a batch, naming the first bad one by index.
pub(crate) fn validate_rows(data: &[RfmSummary]) -> Result<()> {
    for (i, s) in data.iter().enumerate() {
        if !s.looks_valid() {
            s.validate_at(&format!("[{i}]"))?;
        }
    }
    Ok(())
}

/// Checks one `(x, t_x, T)`; `suffix` such as `[3]` names the row in errors.
pub(crate) fn validate_triplet(x: f64, t_x: f64, age: f64, suffix: &str) -> Result<()> {
    let fx = format!("frequency{suffix}");
    check::non_negative(&fx, x)?;
    if x.fract() != 0.0 {
        return Err(Error::invalid(
            fx,
            x,
            "must be a whole number of repeat transactions",
        ));
    }
    check::non_negative(&format!("recency{suffix}"), t_x)?;
    check::non_negative(&format!("age{suffix}"), age)?;
    if t_x > age {
        return Err(Error::invalid(
            format!("recency{suffix}"),
            t_x,
            format!("must not exceed age = {age}"),
        ));
    }
    Ok(())
}

/// A BG/NBD model with parameters `r, α` (transaction rate) and `a, b` (dropout).
///
/// Built by [`BgNbd::new`] or [`BgNbd::fit`]; every value of the type has positive
/// finite parameters, also after deserialisation.
///
/// ```
/// use wealthscore::churn::lifetime::{BgNbd, FitOptions, RfmSummary};
/// // (x, t_x, T) in weeks, and how many clients share each summary
/// let rows = [
///     (0.0, 0.0, 38.0, 1411.0), (1.0, 10.0, 38.0, 439.0), (2.0, 20.0, 38.0, 214.0),
///     (3.0, 25.0, 38.0, 100.0), (4.0, 30.0, 38.0, 62.0), (6.0, 33.0, 38.0, 60.0),
///     (10.0, 36.0, 38.0, 40.0), (1.0, 2.0, 38.0, 30.0),
/// ];
/// let data = rows
///     .iter()
///     .map(|&(x, t, age, _)| RfmSummary::new(x, t, age))
///     .collect::<Result<Vec<_>, _>>()?;
/// let counts = rows.map(|r| r.3);
/// let fit = BgNbd::fit_weighted(&data, Some(&counts), &FitOptions::default())?;
/// assert!(fit.report.converged);
/// let p = fit.model.probability_alive(&RfmSummary::new(1.0, 2.0, 38.0)?)?;
/// assert!(p > 0.0 && p < 1.0);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::json::Strict<BgNbdParams>")]
pub struct BgNbd {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
}

crate::json::strict_try_from!(BgNbd, BgNbdParams);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BgNbdParams {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
}

impl TryFrom<BgNbdParams> for BgNbd {
    type Error = Error;
    fn try_from(p: BgNbdParams) -> Result<Self> {
        BgNbd::new(p.r, p.alpha, p.a, p.b)
    }
}

impl BgNbd {
    /// A model from its four parameters, each finite and `> 0`.
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self> {
        check::positive("r", r)?;
        check::positive("alpha", alpha)?;
        check::positive("a", a)?;
        check::positive("b", b)?;
        Ok(BgNbd { r, alpha, a, b })
    }

    /// Shape `r` of the gamma distribution of transaction rates.
    pub fn r(&self) -> f64 {
        self.r
    }
    /// Scale `α` of the gamma distribution of transaction rates (in time units).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    /// First shape `a` of the beta distribution of dropout probabilities.
    pub fn a(&self) -> f64 {
        self.a
    }
    /// Second shape `b` of the beta distribution of dropout probabilities.
    pub fn b(&self) -> f64 {
        self.b
    }

    /// Fits by maximum likelihood (BFGS over the log-parameters, analytic gradient).
    ///
    /// Returns [`Error::NotConverged`] when the gradient does not fall to
    /// `opts.gradient_tolerance`, and [`Error::Fit`] when the data cannot identify the
    /// model (no client with a repeat transaction).
    pub fn fit(data: &[RfmSummary], opts: &FitOptions) -> Result<Fitted<BgNbd>> {
        Self::fit_weighted(data, None, opts)
    }

    /// [`BgNbd::fit`] where row `i` stands for `weights[i]` identical clients.
    ///
    /// Rows with the same `(x, t_x, T)` are merged (their weights added) before the
    /// fit, and the log-gamma and digamma terms that depend only on `x` are computed
    /// once per distinct `x` at each step: on CDNOW's 23,570 clients that is 8,685
    /// rows and 81 frequencies instead of 23,570 rows of special functions.
    pub fn fit_weighted(
        data: &[RfmSummary],
        weights: Option<&[f64]>,
        opts: &FitOptions,
    ) -> Result<Fitted<BgNbd>> {
        opts.validate()?;
        check::non_empty("data", data)?;
        validate_rows(data)?;
        let w = super::resolve_weights(weights, data.len())?;
        let total_w: f64 = w.iter().sum();
        if !data
            .iter()
            .zip(&w)
            .any(|(s, &wi)| s.frequency > 0.0 && wi > 0.0)
        {
            return Err(Error::Fit {
                model: "BG/NBD".into(),
                reason: "no client has a repeat transaction".into(),
            });
        }
        let mean_age = data.iter().zip(&w).map(|(s, wi)| s.age * wi).sum::<f64>() / total_w;
        let rows = Distinct::new(data, &w);
        // Start at r = a = b = 1 with α on the scale of the data's time unit.
        let x0 = [0.0, mean_age.max(1e-3).ln(), 0.0, 0.0];
        let mut per_x = vec![PerX::default(); rows.xs.len()];
        let objective = |theta: &[f64], grad: &mut [f64]| {
            let m = BgNbd {
                r: theta[0].exp(),
                alpha: theta[1].exp(),
                a: theta[2].exp(),
                b: theta[3].exp(),
            };
            let (ll, g) = m.ll_grad_distinct(&rows, &mut per_x);
            let p = [m.r, m.alpha, m.a, m.b];
            for k in 0..4 {
                // d/d ln θ = θ d/dθ; the objective is the mean negative log-likelihood.
                grad[k] = -g[k] * p[k] / total_w;
            }
            -ll / total_w
        };
        let min = minimise("BG/NBD maximum likelihood", objective, &x0, opts)?;
        let model = BgNbd::new(
            min.x[0].exp(),
            min.x[1].exp(),
            min.x[2].exp(),
            min.x[3].exp(),
        )
        .map_err(|e| Error::Fit {
            model: "BG/NBD".into(),
            reason: format!("optimum outside the parameter space: {e}"),
        })?;
        Ok(Fitted {
            model,
            report: min.report(total_w),
        })
    }

    /// Weighted log-likelihood and gradient in `(r, α, a, b)` over merged rows.
    fn ll_grad_distinct(&self, rows: &Distinct, per_x: &mut [PerX]) -> (f64, [f64; 4]) {
        let BgNbd { r, alpha, a, b } = *self;
        let (lg_r, psi_r) = (ln_gamma(r), digamma(r));
        let (lg_ab, lg_b) = (ln_gamma(a + b), ln_gamma(b));
        let (psi_ab, psi_b) = (digamma(a + b), digamma(b));
        let (ln_alpha, ln_a) = (alpha.ln(), a.ln());
        for (c, &x) in per_x.iter_mut().zip(&rows.xs) {
            let psi_abx = digamma(a + b + x);
            *c = PerX {
                base: ln_gamma(r + x) - lg_r + r * ln_alpha + lg_ab + ln_gamma(b + x)
                    - lg_b
                    - ln_gamma(a + b + x),
                ln_ab: if x > 0.0 {
                    ln_a - (b + x - 1.0).ln()
                } else {
                    0.0
                },
                dr: digamma(r + x) - psi_r + ln_alpha,
                da: psi_ab - psi_abx,
                db: psi_ab + digamma(b + x) - psi_b - psi_abx,
                inv_b: if x > 0.0 { 1.0 / (b + x - 1.0) } else { 0.0 },
            };
        }
        let inv_a = 1.0 / a;
        let mut ll = 0.0;
        let mut g = [0.0; 4];
        for row in &rows.rows {
            let c = &per_x[row.x as usize];
            let x = rows.xs[row.x as usize];
            let rx = r + x;
            let l_age = (alpha + row.age).ln();
            let a3 = -rx * l_age;
            let (mix, w3, w4, l_tx) = if x > 0.0 {
                let l_tx = (alpha + row.recency).ln();
                let a4 = c.ln_ab - rx * l_tx;
                // log(e^a3 + e^a4) without overflow; w3, w4 are the two shares.
                let m = a3.max(a4);
                let (e3, e4) = ((a3 - m).exp(), (a4 - m).exp());
                let sum = e3 + e4;
                (m + sum.ln(), e3 / sum, e4 / sum, l_tx)
            } else {
                (a3, 1.0, 0.0, 0.0)
            };
            let wi = row.weight;
            ll += wi * (c.base + mix);
            g[0] += wi * (c.dr - w3 * l_age - w4 * l_tx);
            g[1] +=
                wi * (r / alpha - w3 * rx / (alpha + row.age) - w4 * rx / (alpha + row.recency));
            g[2] += wi * (c.da + w4 * inv_a);
            g[3] += wi * (c.db - w4 * c.inv_b);
        }
        (ll, g)
    }

    /// Total log-likelihood of the data (Fader, Hardie and Lee 2005, eq. 6).
    pub fn log_likelihood(&self, data: &[RfmSummary]) -> Result<f64> {
        let mut ll = 0.0;
        validate_rows(data)?;
        for s in data {
            ll += self.row_ll(s.frequency, s.recency, s.age);
        }
        Ok(ll)
    }

    /// One client's log-likelihood.
    fn row_ll(&self, x: f64, t_x: f64, age: f64) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
        let a2 = ln_gamma(a + b) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x);
        let a3 = -(r + x) * (alpha + age).ln();
        let mix = if x > 0.0 {
            let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + t_x).ln();
            let m = a3.max(a4);
            m + ((a3 - m).exp() + (a4 - m).exp()).ln()
        } else {
            a3
        };
        a1 + a2 + mix
    }

    /// Probability that a client with this summary is still alive at `T`
    /// (Fader, Hardie and Lee 2005, eq. 10 in their note), computed in log space.
    ///
    /// ```
    /// use wealthscore::churn::lifetime::{BgNbd, RfmSummary};
    /// let m = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
    /// let p = m.probability_alive(&RfmSummary::new(2.0, 30.43, 38.86)?)?;
    /// assert!(p > 0.5 && p < 1.0);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn probability_alive(&self, summary: &RfmSummary) -> Result<f64> {
        summary.validate()?;
        Ok(self.p_alive_unchecked(summary.frequency, summary.recency, summary.age))
    }

    fn p_alive_unchecked(&self, x: f64, t_x: f64, age: f64) -> f64 {
        if x == 0.0 {
            return 1.0;
        }
        self.p_alive_from_log_ratio(x, t_x, age, self.a.ln() - (self.b + x - 1.0).ln())
    }

    /// `ln_ab = ln(a / (b + x - 1))`, passed in so the batch path can look it up.
    #[inline]
    fn p_alive_from_log_ratio(&self, x: f64, t_x: f64, age: f64, ln_ab: f64) -> f64 {
        // log of the odds of having dropped out after the last transaction;
        // ln((α+T)/(α+t_x)) as ln_1p of the gap avoids cancelling two large logs.
        let lr = ln_ab + (self.r + x) * ln_1p_fast((age - t_x) / (self.alpha + t_x));
        odds_to_alive(lr, exp_nonpos(-lr.abs()))
    }

    /// [`BgNbd::probability_alive`] of every client; writes `out[i]` for `data[i]`.
    ///
    /// Allocation-free; over all cores under the `parallel` feature for large batches
    /// (the result is the same either way). An invalid row is reported by index
    /// (e.g. `recency[7]`), and `out` is then partly written.
    ///
    /// ```
    /// use wealthscore::churn::lifetime::{BgNbd, RfmSummary};
    /// let m = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
    /// let data = [RfmSummary::new(0.0, 0.0, 38.86)?, RfmSummary::new(2.0, 30.43, 38.86)?];
    /// let mut out = [0.0; 2];
    /// m.probability_alive_batch(&data, &mut out)?;
    /// assert_eq!(out[0], 1.0);
    /// assert_eq!(out[1], m.probability_alive(&data[1])?);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn probability_alive_batch(&self, data: &[RfmSummary], out: &mut [f64]) -> Result<()> {
        check::same_len("out vs data", data.len(), out.len())?;
        let lut = self.ln_ab_table();
        par_chunks(data, out, |offset, rows, out| {
            self.p_alive_rows(&lut, offset, rows, out)
        })
    }

    /// Calls `f(row, its P(alive), its out)` for every row of a batch, P(alive) computed
    /// a chunk at a time by the batch path.
    pub(super) fn with_p_alive(
        &self,
        data: &[RfmSummary],
        out: &mut [f64],
        mut f: impl FnMut(&RfmSummary, f64, &mut f64) -> Result<()>,
    ) -> Result<()> {
        const CHUNK: usize = 4096;
        let lut = self.ln_ab_table();
        let mut alive = vec![0.0; CHUNK.min(data.len())];
        for (c, (rows, outs)) in data.chunks(CHUNK).zip(out.chunks_mut(CHUNK)).enumerate() {
            let alive = &mut alive[..rows.len()];
            self.p_alive_rows(&lut, c * CHUNK, rows, alive)?;
            for ((s, o), &p) in rows.iter().zip(outs).zip(alive.iter()) {
                f(s, p, o)?;
            }
        }
        Ok(())
    }

    /// `ln(a / (b + x - 1))` for the small counts most clients have (two logs fewer per
    /// client in the batch paths); entry 0 is unused.
    fn ln_ab_table(&self) -> [f64; LN_B_TABLE] {
        let ln_a = self.a.ln();
        let mut ln_ab = [0.0_f64; LN_B_TABLE];
        for (k, v) in ln_ab.iter_mut().enumerate().skip(1) {
            *v = ln_a - (self.b + k as f64 - 1.0).ln();
        }
        ln_ab
    }

    /// P(alive) of `rows` into `out` (as long), bitwise [`BgNbd::probability_alive`];
    /// `offset` is the index of `rows[0]` in the caller's batch, for naming a bad row.
    fn p_alive_rows(
        &self,
        ln_ab: &[f64; LN_B_TABLE],
        offset: usize,
        rows: &[RfmSummary],
        out: &mut [f64],
    ) -> Result<()> {
        let ln_a = self.a.ln();
        // A pass per step over blocks on the stack: the `ln_1p` and `exp` passes
        // have no call and no branch, so their iterations overlap (see `fastmath`);
        // each value goes through `p_alive_from_log_ratio`'s operations in its order.
        // Clients with no repeat purchase (often half a book) are alive with
        // probability 1, so the first pass packs the others and only they are computed.
        const BLOCK: usize = 256;
        let (mut g, mut coef, mut lab) = ([0.0; BLOCK], [0.0; BLOCK], [0.0; BLOCK]);
        let mut freq = [0.0; BLOCK];
        let mut pos = [0_u16; BLOCK];
        for (blk, (rows, out)) in rows.chunks(BLOCK).zip(out.chunks_mut(BLOCK)).enumerate() {
            // No branch in this pass: the checks are folded and the few rows they
            // flag are looked at after it; a row is always written and kept by
            // moving past it.
            let (mut plausible, mut k) = (true, 0);
            for (i, s) in rows.iter().enumerate() {
                plausible &= s.looks_valid();
                pos[k] = i as u16;
                g[k] = s.age - s.recency;
                coef[k] = self.alpha + s.recency;
                freq[k] = s.frequency;
                k += usize::from(s.frequency != 0.0);
            }
            if !plausible {
                for (i, s) in rows.iter().enumerate() {
                    if !s.looks_valid() {
                        s.validate_at(&format!("[{}]", offset + blk * BLOCK + i))?;
                    }
                }
            }
            let mut beyond = false;
            for (((v, c), l), &x) in g[..k].iter_mut().zip(&mut coef).zip(&mut lab).zip(&freq) {
                *v = ln_1p_fast(*v / *c);
                *c = self.r + x;
                *l = ln_ab[small_whole_index(x).min(LN_B_TABLE - 1)];
                beyond |= x >= LN_B_TABLE as f64;
            }
            if beyond {
                for (l, &x) in lab[..k].iter_mut().zip(&freq) {
                    if x >= LN_B_TABLE as f64 {
                        *l = ln_a - (self.b + x - 1.0).ln();
                    }
                }
            }
            // g becomes the log odds, lab the exponential.
            for ((l, c), v) in lab[..k].iter_mut().zip(&coef).zip(&mut g[..k]) {
                *v = *l + c * *v;
            }
            for (e, v) in lab[..k].iter_mut().zip(&g) {
                *e = exp_nonpos(-v.abs());
            }
            out.fill(1.0);
            for ((&i, &lr), &e) in pos[..k].iter().zip(&g).zip(&lab) {
                if let Some(o) = out.get_mut(usize::from(i)) {
                    *o = odds_to_alive(lr, e);
                }
            }
        }
        Ok(())
    }

    /// Expected number of repeat transactions of a new client in `(0, t]`
    /// (`E[X(t)]`, Fader, Hardie and Lee 2005, eq. 9).
    ///
    /// ```
    /// use wealthscore::churn::lifetime::BgNbd;
    /// let m = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
    /// let e = m.expected_transactions(39.0)?;
    /// assert!(e > 0.0 && e < 39.0);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn expected_transactions(&self, t: f64) -> Result<f64> {
        check::non_negative("t", t)?;
        self.conditional_unchecked(t, 0.0, 0.0)
    }

    /// Expected number of transactions in the next `t` time units of a client with
    /// this summary (Fader, Hardie and Lee 2005, eq. 10).
    ///
    /// The Gauss hypergeometric term is evaluated after Euler's transformation,
    /// `2F1(r+x, b+x; a+b+x-1; z) (1-z)^(r+x) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)`,
    /// whose series needs few terms however large `x` is and cannot overflow. The
    /// formula divides by `a - 1`: for `a` within about `1e-6` of 1 precision is lost,
    /// and `a == 1` exactly gives [`Error::InvalidModel`].
    ///
    /// ```
    /// use wealthscore::churn::lifetime::{BgNbd, RfmSummary};
    /// let m = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
    /// let e = m.conditional_expected_transactions(52.0, &RfmSummary::new(2.0, 30.43, 38.86)?)?;
    /// assert!(e > 0.0);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn conditional_expected_transactions(&self, t: f64, summary: &RfmSummary) -> Result<f64> {
        check::non_negative("t", t)?;
        summary.validate()?;
        let (x, t_x, age) = (summary.frequency, summary.recency, summary.age);
        Ok(self.conditional_unchecked(t, x, age)? * self.p_alive_unchecked(x, t_x, age))
    }

    /// [`BgNbd::conditional_expected_transactions`] of every client over the same
    /// horizon `t`; writes `out[i]` for `data[i]`. The hypergeometric term depends only
    /// on `(x, T)`, so it is computed once per distinct pair.
    ///
    /// ```
    /// use wealthscore::churn::lifetime::{BgNbd, RfmSummary};
    /// let m = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
    /// let data = [RfmSummary::new(2.0, 30.43, 38.86)?, RfmSummary::new(2.0, 10.0, 38.86)?];
    /// let mut out = [0.0; 2];
    /// m.conditional_expected_transactions_batch(52.0, &data, &mut out)?;
    /// assert_eq!(out[1], m.conditional_expected_transactions(52.0, &data[1])?);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn conditional_expected_transactions_batch(
        &self,
        t: f64,
        data: &[RfmSummary],
        out: &mut [f64],
    ) -> Result<()> {
        check::non_negative("t", t)?;
        check::same_len("out vs data", data.len(), out.len())?;
        validate_rows(data)?;
        let c = per_pair(data, |x, age| self.conditional_unchecked(t, x, age))?;
        let mut c = c.iter();
        self.with_p_alive(data, out, |_, p, o| {
            *o = c.next().ok_or_else(missing_pair)? * p;
            Ok(())
        })
    }

    /// `Σ_i (c_i − c_{i−1}) / (1 + d)^i` over the months `i` of `opts`, where `c_i` is the
    /// numerator of eq. 10 at `i` months: the discounted expected transactions of a
    /// client known to be alive, which depends only on `(x, T)`.
    pub(super) fn discounted_alive_transactions(
        &self,
        x: f64,
        age: f64,
        opts: &super::ClvOptions,
    ) -> Result<f64> {
        let f = opts.periods_per_month;
        let mut total = 0.0;
        let mut previous = 0.0;
        let mut discount = 1.0;
        for i in 1..=opts.months {
            discount /= 1.0 + opts.monthly_discount_rate;
            let cum = self.conditional_unchecked(f64::from(i) * f, x, age)?;
            total += (cum - previous) * discount;
            previous = cum;
        }
        Ok(total)
    }

    pub(super) fn p_alive_row(&self, s: &RfmSummary) -> f64 {
        self.p_alive_unchecked(s.frequency, s.recency, s.age)
    }

    /// Numerator of eq. 10: expected transactions in `(T, T+t]` given alive at `T`.
    fn conditional_unchecked(&self, t: f64, x: f64, age: f64) -> Result<f64> {
        let BgNbd { r, alpha, a, b } = *self;
        if a == 1.0 {
            return Err(Error::model(
                "BG/NBD expectations divide by a - 1; a is exactly 1",
            ));
        }
        if t == 0.0 {
            return Ok(0.0);
        }
        let z = t / (alpha + age + t);
        let f = hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)?;
        let tail = if f > 0.0 {
            // 1 - (1-z)^(a-1) F, accurate when both factors are near 1
            -((a - 1.0) * (-z).ln_1p() + f.ln()).exp_m1()
        } else {
            1.0 - (1.0 - z).powf(a - 1.0) * f
        };
        Ok((a + b + x - 1.0) / (a - 1.0) * tail)
    }
}

/// Runs `f(offset, rows, out)` over the batch, in parallel chunks under the `parallel`
/// feature when the batch is large; the first error by row order is returned.
pub(super) fn par_chunks<F>(data: &[RfmSummary], out: &mut [f64], f: F) -> Result<()>
where
    F: Fn(usize, &[RfmSummary], &mut [f64]) -> Result<()> + Sync,
{
    #[cfg(feature = "parallel")]
    const CHUNK: usize = 1 << 14;
    #[cfg(feature = "parallel")]
    if data.len() >= 4 * CHUNK {
        use rayon::prelude::*;
        let results: Vec<Result<()>> = data
            .par_chunks(CHUNK)
            .zip(out.par_chunks_mut(CHUNK))
            .enumerate()
            .map(|(c, (d, o))| f(c * CHUNK, d, o))
            .collect();
        return results.into_iter().collect();
    }
    f(0, data, out)
}

/// P(alive) from the log odds `lr` of having dropped out and `e = exp(-|lr|)`:
/// `1 / (1 + e^lr)` with the exponent kept <= 0, as selects rather than branches (the
/// sign of `lr` is what the data makes unpredictable).
#[inline]
fn odds_to_alive(lr: f64, e: f64) -> f64 {
    let num = if lr > 0.0 { e } else { 1.0 };
    num / (1.0 + e)
}

/// Terms of the BG/NBD likelihood that depend only on the frequency `x`.
#[derive(Debug, Clone, Copy, Default)]
struct PerX {
    /// `ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)`.
    base: f64,
    /// `ln(a / (b + x − 1))` (0 for `x = 0`).
    ln_ab: f64,
    /// `ψ(r+x) − ψ(r) + ln α`.
    dr: f64,
    /// `ψ(a+b) − ψ(a+b+x)`.
    da: f64,
    /// `ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x)`.
    db: f64,
    /// `1 / (b + x − 1)` (0 for `x = 0`).
    inv_b: f64,
}

/// One merged row: index of its frequency in `Distinct::xs`, recency, age, weight.
struct Row {
    x: u32,
    recency: f64,
    age: f64,
    weight: f64,
}

/// The data with identical `(x, t_x, T)` rows merged and the distinct frequencies.
struct Distinct {
    xs: Vec<f64>,
    rows: Vec<Row>,
}

impl Distinct {
    fn new(data: &[RfmSummary], w: &[f64]) -> Self {
        let mut idx: Vec<usize> = (0..data.len()).filter(|&i| w[i] > 0.0).collect();
        let key = |i: usize| (data[i].frequency, data[i].recency, data[i].age);
        idx.sort_unstable_by(|&i, &j| {
            let (a, b) = (key(i), key(j));
            a.0.total_cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.total_cmp(&b.2))
        });
        let mut xs: Vec<f64> = Vec::new();
        let mut rows: Vec<Row> = Vec::new();
        let mut last: Option<(f64, f64, f64)> = None;
        for i in idx {
            let k = key(i);
            if last == Some(k) {
                if let Some(r) = rows.last_mut() {
                    r.weight += w[i];
                }
                continue;
            }
            if xs.last() != Some(&k.0) {
                xs.push(k.0);
            }
            rows.push(Row {
                x: (xs.len() - 1) as u32,
                recency: k.1,
                age: k.2,
                weight: w[i],
            });
            last = Some(k);
        }
        Distinct { xs, rows }
    }
}

/// `f(x, T)` for every row of a validated batch, worked out once per distinct `(x, T)`:
/// over all cores under `parallel`, and the first failing pair is the first failing
/// row's, as one row after another.
pub(super) fn per_pair(
    data: &[RfmSummary],
    f: impl Fn(f64, f64) -> Result<f64> + Sync,
) -> Result<Vec<f64>> {
    // A book has far fewer distinct pairs than clients; the table doubles as it fills.
    let mut seen = PairCache::with_capacity(data.len().min(1 << 10));
    let mut pairs = Vec::new();
    let mut pair_of = Vec::with_capacity(data.len());
    for s in data {
        let k = match seen.get(s.frequency, s.age) {
            Some(k) => k,
            None => {
                seen.insert(s.frequency, s.age, pairs.len());
                pairs.push((s.frequency, s.age));
                pairs.len() - 1
            }
        };
        pair_of.push(k);
    }
    let one = |&(x, age): &(f64, f64)| f(x, age);
    #[cfg(feature = "parallel")]
    let values: Vec<Result<f64>> = {
        use rayon::prelude::*;
        pairs.par_iter().with_min_len(64).map(one).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let values: Vec<Result<f64>> = pairs.iter().map(one).collect();
    let values = values.into_iter().collect::<Result<Vec<f64>>>()?;
    pair_of
        .iter()
        .map(|&k| values.get(k).copied().ok_or_else(missing_pair))
        .collect()
}

/// The error for a row without its pair's value, which [`per_pair`] never leaves.
pub(super) fn missing_pair() -> Error {
    Error::model("a row's (x, T) value is missing")
}

/// A small open-addressing map from `(x, T)` to the pair's index (a std `HashMap` with
/// SipHash costs more than the work it saves here).
struct PairCache {
    keys: Vec<(u64, u64)>,
    vals: Vec<usize>,
    used: Vec<bool>,
    len: usize,
}

impl PairCache {
    fn with_capacity(n: usize) -> Self {
        let cap = (2 * n.max(8)).next_power_of_two();
        PairCache {
            keys: vec![(0, 0); cap],
            vals: vec![0; cap],
            used: vec![false; cap],
            len: 0,
        }
    }

    #[inline]
    fn slot(&self, k: (u64, u64)) -> usize {
        let h = (k.0 ^ k.1.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> 32) as usize & (self.keys.len() - 1)
    }

    fn get(&self, x: f64, age: f64) -> Option<usize> {
        let k = (x.to_bits(), age.to_bits());
        let mask = self.keys.len() - 1;
        let mut i = self.slot(k);
        while self.used[i] {
            if self.keys[i] == k {
                return Some(self.vals[i]);
            }
            i = (i + 1) & mask;
        }
        None
    }

    fn insert(&mut self, x: f64, age: f64, v: usize) {
        if 2 * (self.len + 1) > self.keys.len() {
            let mut bigger = PairCache::with_capacity(self.keys.len());
            for i in 0..self.keys.len() {
                if self.used[i] {
                    let (kx, ka) = self.keys[i];
                    bigger.insert(f64::from_bits(kx), f64::from_bits(ka), self.vals[i]);
                }
            }
            *self = bigger;
        }
        let k = (x.to_bits(), age.to_bits());
        let mask = self.keys.len() - 1;
        let mut i = self.slot(k);
        while self.used[i] && self.keys[i] != k {
            i = (i + 1) & mask;
        }
        if !self.used[i] {
            self.len += 1;
        }
        self.used[i] = true;
        self.keys[i] = k;
        self.vals[i] = v;
    }
}
