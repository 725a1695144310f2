//! The churn feature schema: a documented, versioned mapping from a [`ClientRecord`] to a
//! fixed vector of [`N_FEATURES`] numbers.
//!
//! Every model in [`crate::churn`] scores these vectors, so that a columnar engine can
//! extract features once and score them without a second implementation. The schema is
//! identified by [`SCHEMA_VERSION`] and [`FEATURE_NAMES`]; a fitted model stores both and
//! is rejected on load if they differ.
//!
//! | # | name | definition | short history (1 month) |
//! |---|---|---|---|
//! | 0 | `aum_change_3m` | AUM now / AUM 3 months ago − 1 (oldest month if shorter; 0 if that balance is 0) | 0 |
//! | 1 | `aum_change_6m` | the same over 6 months | 0 |
//! | 2 | `aum_change_12m` | the same over 12 months | 0 |
//! | 3 | `transfers_out_90d` | transfer-outs in 90 days (count) | — |
//! | 4 | `transfer_out_share` | transferred / (AUM + transferred), 0 when both are 0 | — |
//! | 5 | `activity_log_ratio` | ln((mean tx of last 3 months + 0.5) / (mean of the 6 before + 0.5)) | 0 (fewer than 4 months) |
//! | 6 | `months_inactive` | min(days since last activity, 180) / 30 | — |
//! | 7 | `advisor_contacts_180d` | advisor contacts in 180 days | — |
//! | 8 | `no_advisor_contact` | 1 if no advisor contact in 180 days | — |
//! | 9 | `complaints_12m` | complaints in 12 months | — |
//! | 10 | `return_vs_benchmark` | 12-month return minus benchmark | — |
//! | 11 | `underperformance` | −min(return vs benchmark, 0) | — |
//! | 12 | `fee_rate_pct` | fee rate in percent | — |
//! | 13 | `excess_fee_pct` | max(fee rate − 1 %, 0), in percent | — |
//! | 14 | `product_breadth` | product categories held (0–6) | — |
//! | 15 | `single_product` | 1 if at most one category is held | — |
//! | 16 | `tenure_years` | min(tenure months, 120) / 12 | — |
//! | 17 | `age_band` | 0: < 30, 1: 30–44, 2: 45–59, 3: 60–74, 4: 75+ | — |
//! | 18 | `digital_share` | share of digital interactions | — |
//! | 19 | `survey_mean` | mean answered survey score (1–5); 0 when unknown | — |
//! | 20 | `survey_answered` | 1 if at least one survey answer is known | — |
//! | 21 | `log_aum` | ln(1 + AUM) | — |
//! | 22 | `dedicated_advisor` | 1 if the client has a dedicated advisor | — |
//!
//! The transforms (log activity ratio, capped inactivity, the no-contact and
//! single-product indicators, the negative part of relative performance, the fee excess
//! over 1 %, the tenure cap and the survey mean with its indicator) are the forms in which
//! such signals act on churn in practice; they are also the terms of the synthetic
//! generator's mechanism ([`crate::synth::mechanism::churn_logit`]), so a linear model on them can
//! reach its Bayes-optimal AUC.
//!
//! ```
//! use wealthscore::churn::features::{extract, FEATURE_NAMES, N_FEATURES};
//! use wealthscore::ClientRecord;
//!
//! let mut x = [0.0; N_FEATURES];
//! extract(&ClientRecord::example(), &mut x)?;
//! assert_eq!(FEATURE_NAMES[9], "complaints_12m");
//! assert_eq!(x[9], 2.0);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use crate::client::{ChurnCause, ClientRecord};
use crate::error::{Error, Result};
use crate::schema::FeatureMeta;
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// Name and version of the built-in feature set as a provider of [`FeatureMeta`]: the
/// metadata [`builtin_features`] returns for [`SCHEMA_VERSION`].
pub const BUILTIN_FEATURE_SET: &str = "wealthscore.client_record.v1";

/// Units of the built-in features, in vector order (`None`: a unitless indicator).
const FEATURE_UNITS: [Option<&str>; N_FEATURES] = [
    Some("relative change"),
    Some("relative change"),
    Some("relative change"),
    Some("transfers"),
    Some("share"),
    Some("log ratio"),
    Some("months"),
    Some("contacts"),
    None,
    Some("complaints"),
    Some("return difference"),
    Some("return difference"),
    Some("%"),
    Some("%"),
    Some("categories"),
    None,
    Some("years"),
    Some("band"),
    Some("share"),
    Some("score 1-5"),
    None,
    Some("ln(1 + AUM)"),
    None,
];

/// The built-in features as [`FeatureMeta`], in vector order: the one metadata the
/// reasons, causes and actions of [`crate::Scorer`] work over, as they do over a
/// fitted schema pipeline's ([`crate::schema::FittedPipeline::features`]). Each
/// feature's source is its reason signal ([`super::reasons::SIGNALS`]), so that paired
/// features (a count and its zero indicator) give one reason.
///
/// ```
/// use wealthscore::churn::features::{builtin_features, N_FEATURES};
/// use wealthscore::schema::SourceIndex;
/// let meta = builtin_features();
/// assert_eq!(meta.len(), N_FEATURES);
/// assert_eq!(meta[3].source, "transfers_out");
/// assert_eq!(meta[4].source, "transfers_out");
/// assert_eq!(SourceIndex::new(&meta)?.n_sources(), 17);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn builtin_features() -> Vec<FeatureMeta> {
    (0..N_FEATURES)
        .map(|j| {
            let signal = super::reasons::SIGNALS
                .iter()
                .find(|g| g.features.contains(&j));
            let source = signal.map_or(FEATURE_NAMES[j], |g| g.name);
            let mut m = FeatureMeta::new(FEATURE_NAMES[j], source);
            m.label = source.replace('_', " ");
            m.cause = Some(signal.map_or(FEATURE_CAUSES[j], |g| g.cause));
            m.unit = FEATURE_UNITS[j].map(str::to_string);
            m
        })
        .collect()
}

/// Version of the feature schema; bump it whenever a definition or the order changes.
pub const SCHEMA_VERSION: u32 = 1;
/// Number of features in the schema.
pub const N_FEATURES: usize = 23;

/// Feature names, in vector order.
pub const FEATURE_NAMES: [&str; N_FEATURES] = [
    "aum_change_3m",
    "aum_change_6m",
    "aum_change_12m",
    "transfers_out_90d",
    "transfer_out_share",
    "activity_log_ratio",
    "months_inactive",
    "advisor_contacts_180d",
    "no_advisor_contact",
    "complaints_12m",
    "return_vs_benchmark",
    "underperformance",
    "fee_rate_pct",
    "excess_fee_pct",
    "product_breadth",
    "single_product",
    "tenure_years",
    "age_band",
    "digital_share",
    "survey_mean",
    "survey_answered",
    "log_aum",
    "dedicated_advisor",
];

/// The churn cause each feature speaks for, used by reason codes.
///
/// Balance falls and transfer-outs over 3–6 months are money moving to a competitor; the
/// 12-month change also carries market moves; activity, silence and advisor contact are
/// relationship upkeep; complaints, survey answers and the digital channel mix are
/// service; age band stands for life events; tenure for trust built over time.
pub const FEATURE_CAUSES: [ChurnCause; N_FEATURES] = [
    ChurnCause::Competitor,
    ChurnCause::Competitor,
    ChurnCause::Market,
    ChurnCause::Competitor,
    ChurnCause::Competitor,
    ChurnCause::Relationship,
    ChurnCause::Relationship,
    ChurnCause::Relationship,
    ChurnCause::Relationship,
    ChurnCause::Service,
    ChurnCause::Performance,
    ChurnCause::Performance,
    ChurnCause::Fees,
    ChurnCause::Fees,
    ChurnCause::Product,
    ChurnCause::Product,
    ChurnCause::Trust,
    ChurnCause::LifeEvent,
    ChurnCause::Service,
    ChurnCause::Service,
    ChurnCause::Service,
    ChurnCause::Market,
    ChurnCause::Relationship,
];

/// Index of a feature by name.
///
/// ```
/// assert_eq!(wealthscore::churn::features::index_of("complaints_12m"), Some(9));
/// ```
pub fn index_of(name: &str) -> Option<usize> {
    FEATURE_NAMES.iter().position(|&n| n == name)
}

fn age_band(age: u32) -> f64 {
    match age {
        0..30 => 0.0,
        30..45 => 1.0,
        45..60 => 2.0,
        60..75 => 3.0,
        _ => 4.0,
    }
}

/// Extracts the features of one client into `out`, allocating nothing.
///
/// The record is not validated here (call [`ClientRecord::validate`] on untrusted input);
/// a feature that comes out NaN or infinite is an [`Error::NonFinite`] naming it.
///
/// ```
/// use wealthscore::churn::features::{extract, N_FEATURES};
/// let mut x = [0.0; N_FEATURES];
/// extract(&wealthscore::ClientRecord::example(), &mut x)?;
/// assert!((x[0] - (400_000.0 / 455_000.0 - 1.0)).abs() < 1e-12);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn extract(c: &ClientRecord, out: &mut [f64; N_FEATURES]) -> Result<()> {
    let outflow = c.transfer_out_amount_90d;
    let share = if c.aum + outflow > 0.0 {
        outflow / (c.aum + outflow)
    } else {
        0.0
    };
    let ret = c.return_vs_benchmark_12m;
    let breadth = c.holdings.categories_held() as f64;
    let (sum, n) = c
        .survey
        .as_ref()
        .map(|s| {
            s.as_array()
                .iter()
                .flatten()
                .fold((0.0, 0u32), |(s, n), &v| (s + f64::from(v), n + 1))
        })
        .unwrap_or((0.0, 0));
    let (survey_mean, answered) = if n > 0 {
        (sum / f64::from(n), 1.0)
    } else {
        (0.0, 0.0)
    };
    *out = [
        c.aum_change(3),
        c.aum_change(6),
        c.aum_change(12),
        f64::from(c.transfers_out_90d),
        share,
        c.activity_ratio().ln(),
        f64::from(c.days_since_last_activity.min(180)) / 30.0,
        f64::from(c.advisor_contacts_180d),
        f64::from(u8::from(c.advisor_contacts_180d == 0)),
        f64::from(c.complaints_12m),
        ret,
        -ret.min(0.0),
        c.fee_rate * 100.0,
        (c.fee_rate - 0.01).max(0.0) * 100.0,
        breadth,
        f64::from(u8::from(breadth <= 1.0)),
        f64::from(c.tenure_months.min(120)) / 12.0,
        age_band(c.age),
        c.digital_share,
        survey_mean,
        answered,
        c.aum.max(0.0).ln_1p(),
        f64::from(u8::from(c.dedicated_advisor)),
    ];
    for (v, name) in out.iter().zip(FEATURE_NAMES) {
        if !v.is_finite() {
            return Err(Error::NonFinite {
                field: format!("{}: feature {name}", c.id),
            });
        }
    }
    Ok(())
}

/// Extracts a batch into an `n × N_FEATURES` matrix (one row per record).
///
/// ```
/// let clients = vec![wealthscore::ClientRecord::example(); 3];
/// let x = wealthscore::churn::features::extract_batch(&clients)?;
/// assert_eq!(x.dim(), (3, wealthscore::churn::features::N_FEATURES));
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn extract_batch(records: &[ClientRecord]) -> Result<Array2<f64>> {
    let mut x = Array2::zeros((records.len(), N_FEATURES));
    let mut row = [0.0; N_FEATURES];
    for (r, mut dst) in records.iter().zip(x.rows_mut()) {
        extract(r, &mut row)?;
        dst.iter_mut().zip(row).for_each(|(d, v)| *d = v);
    }
    Ok(x)
}

/// Churn labels of a batch; every record must carry one.
///
/// ```
/// let p = wealthscore::synth::generate(&wealthscore::synth::PortfolioConfig::default().with_clients(10))?;
/// assert_eq!(wealthscore::churn::features::labels(&p.clients)?.len(), 10);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn labels(records: &[ClientRecord]) -> Result<Vec<bool>> {
    records
        .iter()
        .map(|r| {
            r.churned().ok_or_else(|| {
                Error::invalid(format!("{}: churn", r.id), "none", "a label is required")
            })
        })
        .collect()
}

/// Per-feature centring and scaling fitted on training data (population standard
/// deviation, as scikit-learn's `StandardScaler`); a constant feature gets scale 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Standardiser {
    /// Training means.
    pub mean: Vec<f64>,
    /// Training standard deviations (1 where the feature was constant).
    pub scale: Vec<f64>,
}

impl Standardiser {
    /// Fits on the rows of `x`.
    ///
    /// ```
    /// use ndarray::array;
    /// let s = wealthscore::churn::features::Standardiser::fit(array![[1.0, 5.0], [3.0, 5.0]].view())?;
    /// assert_eq!(s.mean, vec![2.0, 5.0]);
    /// assert_eq!(s.scale, vec![1.0, 1.0]);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn fit(x: ArrayView2<f64>) -> Result<Self> {
        let (n, p) = x.dim();
        if n == 0 {
            return Err(Error::Empty {
                what: "training rows".into(),
            });
        }
        let mut mean = vec![0.0; p];
        for (i, row) in x.rows().into_iter().enumerate() {
            for (j, (m, &v)) in mean.iter_mut().zip(row).enumerate() {
                if !v.is_finite() {
                    return Err(Error::NonFinite {
                        field: format!("x[{i}][{j}]"),
                    });
                }
                *m += v;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        let mut var = vec![0.0; p];
        for row in x.rows() {
            for ((s, &v), m) in var.iter_mut().zip(row).zip(&mean) {
                *s += (v - m) * (v - m);
            }
        }
        let scale = var
            .into_iter()
            .map(|s| {
                let sd = (s / n as f64).sqrt();
                if sd > 1e-12 * (1.0 + sd) { sd } else { 1.0 }
            })
            .collect();
        Ok(Standardiser { mean, scale })
    }

    /// Checks shapes and values against `n_features`.
    pub fn validate(&self, n_features: usize) -> Result<()> {
        if self.mean.len() != n_features || self.scale.len() != n_features {
            return Err(Error::model(format!(
                "standardiser has {} means and {} scales for {n_features} features",
                self.mean.len(),
                self.scale.len()
            )));
        }
        if self.mean.iter().any(|v| !v.is_finite())
            || self.scale.iter().any(|v| !v.is_finite() || *v <= 0.0)
        {
            return Err(Error::model(
                "standardiser means must be finite and scales positive",
            ));
        }
        Ok(())
    }
}
