//! Behavioural clusters: k-means (seeded, [`super::kmeans`]) over standardised features, `k`
//! chosen by silhouette or the elbow, and a profile per cluster saying what is
//! distinctive about it. Also the silhouette coefficient and the adjusted Rand index.

use super::kmeans::{KMeansParams, kmeans};
use crate::client::ClientRecord;
use crate::error::check::in_range_lazy;
use crate::error::{Error, Result, check};
use ndarray::{Array2, ArrayView2};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Names of the behavioural features of [`behaviour_features`], in column order.
pub const BEHAVIOUR_FEATURES: [&str; 10] = [
    "log_aum",
    "transactions_per_month",
    "days_since_last_activity",
    "advisor_contacts_180d",
    "complaints_12m",
    "categories_held",
    "digital_share",
    "aum_trend_6m",
    "transfer_out_share_90d",
    "tenure_months",
];

/// Behavioural features of each client, one row per client, columns as in
/// [`BEHAVIOUR_FEATURES`]: `ln(1 + aum)`, mean monthly transactions over the history
/// (at most 12 months), days since the last activity, advisor contacts in 180 days,
/// complaints in 12 months, product categories held, digital share, relative AUM change
/// over 6 months, transferred-out share `out / (aum + out)` over 90 days, tenure.
///
/// Fails on an empty slice or a non-finite or negative amount, naming the client.
pub fn behaviour_features(clients: &[ClientRecord]) -> Result<Array2<f64>> {
    check::non_empty("clients", clients)?;
    let d = BEHAVIOUR_FEATURES.len();
    let mut x = Array2::zeros((clients.len(), d));
    for (i, c) in clients.iter().enumerate() {
        in_range_lazy(c.aum, 0.0, f64::MAX, || format!("clients[{i}].aum"))?;
        in_range_lazy(c.transfer_out_amount_90d, 0.0, f64::MAX, || {
            format!("clients[{i}].transfer_out_amount_90d")
        })?;
        in_range_lazy(c.digital_share, 0.0, 1.0, || {
            format!("clients[{i}].digital_share")
        })?;
        let h = &c.aum_history;
        for (t, &v) in h.iter().enumerate() {
            in_range_lazy(v, 0.0, f64::MAX, || {
                format!("clients[{i}].aum_history[{t}]")
            })?;
        }
        let n = h.len();
        let trend = if n >= 2 {
            let then = h[n - 1 - 6.min(n - 1)];
            if then > 0.0 {
                h[n - 1] / then - 1.0
            } else {
                0.0
            }
        } else {
            0.0
        };
        let tx = &c.monthly_transactions;
        let recent = &tx[tx.len().saturating_sub(12)..];
        let tx_rate = if recent.is_empty() {
            0.0
        } else {
            recent.iter().map(|&t| f64::from(t)).sum::<f64>() / recent.len() as f64
        };
        let out = c.transfer_out_amount_90d;
        let share = if c.aum + out > 0.0 {
            out / (c.aum + out)
        } else {
            0.0
        };
        let row = [
            c.aum.ln_1p(),
            tx_rate,
            f64::from(c.days_since_last_activity),
            f64::from(c.advisor_contacts_180d),
            f64::from(c.complaints_12m),
            c.holdings.categories_held() as f64,
            c.digital_share,
            trend,
            share,
            f64::from(c.tenure_months),
        ];
        for (j, v) in row.into_iter().enumerate() {
            x[[i, j]] = v;
        }
    }
    Ok(x)
}

/// How `k` is chosen among the candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum KSelection {
    /// The `k` with the highest mean silhouette coefficient.
    Silhouette,
    /// The elbow of the inertia curve: the `k` farthest below the chord joining the
    /// first and last candidates (inertia and `k` both scaled to `[0, 1]`).
    Elbow,
}

/// Most points [`silhouette`] accepts and largest [`ClusterParams::silhouette_sample`]:
/// the exact silhouette costs O(n² d), so 10,000 points are 10⁸ distances (about a
/// second), and [`fit_clusters`] computes one per candidate `k`. Larger data is sampled.
pub const MAX_SILHOUETTE_POINTS: usize = 10_000;

/// Largest [`ClusterParams::max_iter`] (scikit-learn's default is 300).
pub const MAX_KMEANS_ITER: usize = 10_000;

/// Settings of [`fit_clusters`]. Defaults are documented on each field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ClusterParams {
    /// Smallest `k` tried (default 2; at least 2).
    pub k_min: usize,
    /// Largest `k` tried (default 8).
    pub k_max: usize,
    /// How `k` is chosen (default silhouette).
    pub selection: KSelection,
    /// Seed of the k-means++ initialisations and of the silhouette sample (default 42).
    pub seed: u64,
    /// Maximum Lloyd iterations per run (default 100).
    pub max_iter: usize,
    /// Runs per `k` with seeds `seed, seed + 1, …`; the lowest inertia is kept (default 4).
    pub n_init: usize,
    /// Points on which the silhouette is computed (a seeded random sample when the data
    /// is larger; the exact silhouette costs O(n²)) (default 2,000).
    pub silhouette_sample: usize,
    /// Distinctive features listed per cluster profile (default 3).
    pub top_features: usize,
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl ClusterParams {
    setters! {
        with_k_min => k_min: usize,
        with_k_max => k_max: usize,
        with_selection => selection: KSelection,
        with_seed => seed: u64,
        with_max_iter => max_iter: usize,
        with_n_init => n_init: usize,
        with_silhouette_sample => silhouette_sample: usize,
        with_top_features => top_features: usize,
    }
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams {
            k_min: 2,
            k_max: 8,
            selection: KSelection::Silhouette,
            seed: 42,
            max_iter: 100,
            n_init: 4,
            silhouette_sample: 2_000,
            top_features: 3,
        }
    }
}

impl ClusterParams {
    /// Checks the settings: `2 <= k_min <= k_max <= 100`, `1 <= max_iter <=`
    /// [`MAX_KMEANS_ITER`], `1 <= n_init <= 100`, a silhouette sample of 10 to
    /// [`MAX_SILHOUETTE_POINTS`] points.
    pub fn validate(&self) -> Result<()> {
        if self.k_min < 2 {
            return Err(Error::config("k_min", "must be >= 2"));
        }
        if self.k_max < self.k_min || self.k_max > 100 {
            return Err(Error::config("k_max", "must lie in k_min..=100"));
        }
        if self.max_iter == 0 || self.max_iter > MAX_KMEANS_ITER {
            return Err(Error::config(
                "max_iter",
                format!("must lie in 1..=MAX_KMEANS_ITER = {MAX_KMEANS_ITER}"),
            ));
        }
        if self.n_init == 0 || self.n_init > 100 {
            return Err(Error::config("n_init", "must lie in 1..=100"));
        }
        if self.silhouette_sample < 10 || self.silhouette_sample > MAX_SILHOUETTE_POINTS {
            return Err(Error::config(
                "silhouette_sample",
                format!(
                    "must lie in 10..=MAX_SILHOUETTE_POINTS = {MAX_SILHOUETTE_POINTS} \
                     (the silhouette costs O(n²) per candidate k)"
                ),
            ));
        }
        Ok(())
    }
}

/// The quality of one candidate `k`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KCandidate {
    /// Number of clusters.
    pub k: usize,
    /// Within-cluster sum of squared distances (standardised units).
    pub inertia: f64,
    /// Mean silhouette coefficient (on the sample), in `[−1, 1]`.
    pub silhouette: f64,
}

/// A fitted clustering that can assign new rows: standardisation plus centroids.
///
/// Plain serde data; deserialisation runs [`ClusterModel::validate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "crate::json::Strict<RawClusterModel>",
    into = "RawClusterModel"
)]
#[non_exhaustive]
pub struct ClusterModel {
    /// Feature names, one per column.
    pub feature_names: Vec<String>,
    /// Column means used for standardising.
    pub mean: Vec<f64>,
    /// Column standard deviations used for standardising (1 where a column is constant).
    pub scale: Vec<f64>,
    /// Centroids in standardised units, one row per cluster.
    pub centroids: Vec<Vec<f64>>,
}

crate::json::strict_try_from!(ClusterModel, RawClusterModel);

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClusterModel {
    feature_names: Vec<String>,
    mean: Vec<f64>,
    scale: Vec<f64>,
    centroids: Vec<Vec<f64>>,
}

impl From<ClusterModel> for RawClusterModel {
    fn from(m: ClusterModel) -> Self {
        RawClusterModel {
            feature_names: m.feature_names,
            mean: m.mean,
            scale: m.scale,
            centroids: m.centroids,
        }
    }
}

impl TryFrom<RawClusterModel> for ClusterModel {
    type Error = Error;
    fn try_from(r: RawClusterModel) -> Result<Self> {
        let m = ClusterModel {
            feature_names: r.feature_names,
            mean: r.mean,
            scale: r.scale,
            centroids: r.centroids,
        };
        m.validate()?;
        Ok(m)
    }
}

impl ClusterModel {
    /// Checks shapes and finiteness (deserialisation runs it).
    pub fn validate(&self) -> Result<()> {
        let d = self.feature_names.len();
        if d == 0 {
            return Err(Error::model("no features"));
        }
        if self.mean.len() != d || self.scale.len() != d {
            return Err(Error::model("mean/scale length differs from the features"));
        }
        if self.centroids.len() < 2 {
            return Err(Error::model("fewer than two centroids"));
        }
        if self.centroids.iter().any(|c| c.len() != d) {
            return Err(Error::model(
                "a centroid's length differs from the features",
            ));
        }
        let all = self
            .mean
            .iter()
            .chain(&self.scale)
            .chain(self.centroids.iter().flatten());
        if all.clone().any(|v| !v.is_finite()) {
            return Err(Error::model("non-finite mean, scale or centroid"));
        }
        if self.scale.iter().any(|&s| s <= 0.0) {
            return Err(Error::model("scale must be > 0"));
        }
        Ok(())
    }

    /// Nearest centroid of one raw (unstandardised) feature row.
    pub fn assign(&self, row: &[f64]) -> Result<usize> {
        check::same_len("row vs features", self.mean.len(), row.len())?;
        check::all_finite("row", row)?;
        let mut best = (f64::INFINITY, 0);
        for (k, c) in self.centroids.iter().enumerate() {
            let d2: f64 = row
                .iter()
                .zip(&self.mean)
                .zip(&self.scale)
                .zip(c)
                .map(|(((x, m), s), c)| ((x - m) / s - c).powi(2))
                .sum();
            if d2 < best.0 {
                best = (d2, k);
            }
        }
        Ok(best.1)
    }
}

/// A feature on which a cluster stands out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Distinctive {
    /// Feature name.
    pub feature: String,
    /// Cluster mean minus overall mean, in overall standard deviations.
    pub z: f64,
    /// Cluster mean, raw units.
    pub cluster_mean: f64,
    /// Overall mean, raw units.
    pub overall_mean: f64,
}

/// What a cluster is: its size and the features where it differs most from the
/// portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClusterProfile {
    /// Cluster index.
    pub cluster: usize,
    /// Number of members.
    pub size: usize,
    /// Share of all rows.
    pub share: f64,
    /// Mean of every feature in raw units, in feature order.
    pub means: Vec<f64>,
    /// Features with the largest absolute standardised deviation from the overall mean,
    /// largest first.
    pub distinctive: Vec<Distinctive>,
}

impl ClusterProfile {
    /// A one-line description, e.g. `complaints_12m high (+2.3 sd), …`.
    pub fn describe(&self) -> String {
        self.distinctive
            .iter()
            .map(|d| {
                let dir = if d.z >= 0.0 { "high" } else { "low" };
                format!("{} {dir} ({:+.1} sd)", d.feature, d.z)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The result of [`fit_clusters`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Clustering {
    /// The chosen model.
    pub model: ClusterModel,
    /// Cluster of each input row.
    pub labels: Vec<usize>,
    /// Every candidate `k` tried, in increasing `k`.
    pub candidates: Vec<KCandidate>,
    /// One profile per cluster.
    pub profiles: Vec<ClusterProfile>,
}

impl Clustering {
    /// The chosen number of clusters.
    pub fn k(&self) -> usize {
        self.model.centroids.len()
    }
}

/// Column means and population standard deviations (1 for a constant column).
fn standardize(x: ArrayView2<f64>) -> (Vec<f64>, Vec<f64>, Array2<f64>) {
    let n = x.nrows() as f64;
    let mean: Vec<f64> = x.columns().into_iter().map(|c| c.sum() / n).collect();
    let scale: Vec<f64> = x
        .columns()
        .into_iter()
        .zip(&mean)
        .map(|(c, m)| {
            let sd = (c.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n).sqrt();
            if sd > 1e-12 * (1.0 + m.abs()) {
                sd
            } else {
                1.0
            }
        })
        .collect();
    let mut z = x.to_owned();
    for mut row in z.rows_mut() {
        for ((v, m), s) in row.iter_mut().zip(&mean).zip(&scale) {
            *v = (*v - m) / s;
        }
    }
    (mean, scale, z)
}

/// Centroids (means of members) and inertia of a labelling.
fn centroids_inertia(z: &Array2<f64>, labels: &[usize], k: usize) -> (Vec<Vec<f64>>, f64) {
    let d = z.ncols();
    let mut sums = vec![vec![0.0; d]; k];
    let mut counts = vec![0usize; k];
    for (row, &l) in z.rows().into_iter().zip(labels) {
        counts[l] += 1;
        for (s, v) in sums[l].iter_mut().zip(row) {
            *s += v;
        }
    }
    for (s, &c) in sums.iter_mut().zip(&counts) {
        if c > 0 {
            s.iter_mut().for_each(|v| *v /= c as f64);
        }
    }
    let inertia = z
        .rows()
        .into_iter()
        .zip(labels)
        .map(|(row, &l)| {
            row.iter()
                .zip(&sums[l])
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f64>()
        })
        .sum();
    (sums, inertia)
}

/// Best of `n_init` seeded k-means runs: labels (renumbered 0..k' over the non-empty
/// clusters) and inertia.
fn kmeans_best(z: &Array2<f64>, k: usize, p: &ClusterParams) -> Result<(Vec<usize>, f64)> {
    let params = KMeansParams::new(k)
        .with_n_init(p.n_init)
        .with_max_iter(p.max_iter)
        .with_seed(p.seed);
    let fit = kmeans(z.view(), &params)?;
    let labels = compact_labels(fit.labels.iter());
    let kk = labels.iter().max().map_or(0, |m| m + 1);
    let (_, inertia) = centroids_inertia(z, &labels, kk);
    Ok((labels, inertia))
}

/// Renumbers labels in order of first appearance so that they are dense.
fn compact_labels<'a>(labels: impl Iterator<Item = &'a usize>) -> Vec<usize> {
    let mut map: HashMap<usize, usize> = HashMap::new();
    labels
        .map(|&l| {
            let next = map.len();
            *map.entry(l).or_insert(next)
        })
        .collect()
}

/// Fits k-means for every `k` in `k_min..=k_max` on the standardised columns of `x`,
/// keeps the `k` chosen by `params.selection`, and profiles its clusters.
///
/// `x` has one row per client and one column per named feature (e.g. from
/// [`behaviour_features`] with [`BEHAVIOUR_FEATURES`]). Needs more rows than `k_max`
/// and finite values.
///
/// ```
/// use ndarray::array;
/// use wealthscore::segment::{fit_clusters, ClusterParams};
///
/// // Two obvious groups on one feature.
/// let x = array![[0.0], [0.1], [0.2], [10.0], [10.1], [10.2]];
/// let params = ClusterParams::default().with_k_max(3);
/// let c = fit_clusters(&x, &["balance"], &params)?;
/// assert_eq!(c.k(), 2);
/// assert_eq!(c.labels[0], c.labels[2]);
/// assert_ne!(c.labels[0], c.labels[3]);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn fit_clusters(
    x: &Array2<f64>,
    feature_names: &[&str],
    params: &ClusterParams,
) -> Result<Clustering> {
    params.validate()?;
    let (n, d) = x.dim();
    check::same_len("feature names vs columns", d, feature_names.len())?;
    if d == 0 {
        return Err(Error::Empty {
            what: "feature columns".into(),
        });
    }
    if n <= params.k_max {
        return Err(Error::invalid(
            "rows",
            n,
            format!("need more rows than k_max = {}", params.k_max),
        ));
    }
    for ((i, j), v) in x.indexed_iter() {
        if !v.is_finite() {
            return Err(Error::NonFinite {
                field: format!("x[{i}][{j}]"),
            });
        }
    }
    let (mean, scale, z) = standardize(x.view());
    let sample = sample_indices(n, params.silhouette_sample, params.seed);
    let zs = z.select(ndarray::Axis(0), &sample);

    let mut candidates = Vec::new();
    let mut fits = Vec::new();
    for k in params.k_min..=params.k_max {
        let (labels, inertia) = kmeans_best(&z, k, params)?;
        let sl: Vec<usize> = sample.iter().map(|&i| labels[i]).collect();
        let silhouette = silhouette_or_zero(zs.view(), &sl);
        candidates.push(KCandidate {
            k,
            inertia,
            silhouette,
        });
        fits.push(labels);
    }
    let chosen = match params.selection {
        // The smallest k among equal silhouettes.
        KSelection::Silhouette => {
            candidates
                .iter()
                .enumerate()
                .fold((0, f64::NEG_INFINITY), |best, (i, c)| {
                    if c.silhouette > best.1 {
                        (i, c.silhouette)
                    } else {
                        best
                    }
                })
                .0
        }
        KSelection::Elbow => elbow(&candidates),
    };
    let labels = fits.swap_remove(chosen);
    let k = labels.iter().max().map_or(0, |m| m + 1);
    let (centroids, _) = centroids_inertia(&z, &labels, k);
    let profiles = profiles(x, &z, &labels, k, &mean, feature_names, params.top_features);
    Ok(Clustering {
        model: ClusterModel {
            feature_names: feature_names.iter().map(|s| s.to_string()).collect(),
            mean,
            scale,
            centroids,
        },
        labels,
        candidates,
        profiles,
    })
}

/// Clusters clients on their [`behaviour_features`].
///
/// ```
/// use wealthscore::synth::{generate, PortfolioConfig};
/// use wealthscore::segment::{cluster_clients, ClusterParams};
/// let p = generate(&PortfolioConfig::default().with_clients(300))?;
/// let c = cluster_clients(&p.clients, &ClusterParams::default().with_k_max(4).with_n_init(1))?;
/// assert_eq!(c.profiles.len(), c.k());
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn cluster_clients(clients: &[ClientRecord], params: &ClusterParams) -> Result<Clustering> {
    let x = behaviour_features(clients)?;
    fit_clusters(&x, &BEHAVIOUR_FEATURES, params)
}

fn elbow(c: &[KCandidate]) -> usize {
    let (Some(first), Some(last)) = (c.first(), c.last()) else {
        return 0;
    };
    if c.len() < 3 {
        return 0;
    }
    let (k0, k1) = (first.k as f64, last.k as f64);
    let (i0, i1) = (first.inertia, last.inertia);
    let span = (i0 - i1).abs().max(f64::MIN_POSITIVE);
    c.iter()
        .enumerate()
        .map(|(i, cand)| {
            let t = (cand.k as f64 - k0) / (k1 - k0);
            let chord = 1.0 - t; // scaled inertia on the chord
            let y = (cand.inertia - i1) / span;
            (i, chord - y)
        })
        .fold((0, f64::NEG_INFINITY), |best, (i, g)| {
            if g > best.1 { (i, g) } else { best }
        })
        .0
}

fn sample_indices(n: usize, m: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    if n <= m {
        return idx;
    }
    let mut rng = SmallRng::seed_from_u64(seed ^ 0x5EED_5A3B);
    for i in 0..m {
        let j = rng.random_range(i..n);
        idx.swap(i, j);
    }
    idx.truncate(m);
    idx.sort_unstable();
    idx
}

fn silhouette_or_zero(x: ArrayView2<f64>, labels: &[usize]) -> f64 {
    silhouette_view(x, labels).unwrap_or(0.0)
}

/// Mean silhouette coefficient of a labelling, with Euclidean distances.
///
/// For each point, `a` is its mean distance to the other members of its cluster and `b`
/// the smallest mean distance to another cluster; its coefficient is
/// `(b − a) / max(a, b)`, and 0 for a point alone in its cluster (the conventions of
/// scikit-learn's `silhouette_score`). Needs between 2 and `n − 1` distinct labels and at
/// most [`MAX_SILHOUETTE_POINTS`] points. Costs O(n² d): sample large data first.
///
/// ```
/// use ndarray::array;
/// let x = array![[0.0], [1.0], [10.0], [11.0]];
/// // Points 0 and 3: a = 1, b = 10.5; points 1 and 2: a = 1, b = 9.5.
/// let s = wealthscore::segment::silhouette(&x, &[0, 0, 1, 1])?;
/// assert!((s - (9.5 / 10.5 + 8.5 / 9.5) / 2.0).abs() < 1e-12);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn silhouette(x: &Array2<f64>, labels: &[usize]) -> Result<f64> {
    check::same_len("labels vs rows", x.nrows(), labels.len())?;
    if x.nrows() > MAX_SILHOUETTE_POINTS {
        return Err(Error::invalid(
            "rows",
            x.nrows(),
            format!(
                "the exact silhouette takes at most MAX_SILHOUETTE_POINTS = \
                 {MAX_SILHOUETTE_POINTS} points (it costs O(n²)); pass a random sample"
            ),
        ));
    }
    for ((i, j), v) in x.indexed_iter() {
        if !v.is_finite() {
            return Err(Error::NonFinite {
                field: format!("x[{i}][{j}]"),
            });
        }
    }
    silhouette_view(x.view(), labels)
}

fn silhouette_view(x: ArrayView2<f64>, labels: &[usize]) -> Result<f64> {
    let n = x.nrows();
    let dense = compact_labels(labels.iter());
    let k = dense.iter().max().map_or(0, |m| m + 1);
    if k < 2 || k >= n {
        return Err(Error::invalid(
            "labels",
            format!("{k} clusters over {n} points"),
            "silhouette needs 2..=n-1 clusters",
        ));
    }
    let mut sizes = vec![0usize; k];
    for &l in &dense {
        sizes[l] += 1;
    }
    let mut sum_d = vec![0.0; k];
    let mut total = 0.0;
    for i in 0..n {
        sum_d.iter_mut().for_each(|v| *v = 0.0);
        let xi = x.row(i);
        for j in 0..n {
            if i != j {
                let d = xi
                    .iter()
                    .zip(x.row(j))
                    .map(|(a, b)| (a - b).powi(2))
                    .sum::<f64>()
                    .sqrt();
                sum_d[dense[j]] += d;
            }
        }
        let own = dense[i];
        if sizes[own] <= 1 {
            continue; // coefficient 0
        }
        let a = sum_d[own] / (sizes[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && sizes[c] > 0)
            .map(|c| sum_d[c] / sizes[c] as f64)
            .fold(f64::INFINITY, f64::min);
        let m = a.max(b);
        if m > 0.0 {
            total += (b - a) / m;
        }
    }
    Ok(total / n as f64)
}

/// Adjusted Rand index of two labellings of the same items (Hubert & Arabie, 1985), in
/// the pair-counting form scikit-learn uses: 1 for identical partitions (up to
/// renaming), about 0 for independent ones, and exactly 1 when neither labelling has a
/// disagreeing pair (e.g. one item, or both all in one cluster).
///
/// ```
/// let ari = wealthscore::segment::adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0])?;
/// assert_eq!(ari, 1.0);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> Result<f64> {
    check::same_len("labels", a.len(), b.len())?;
    let n = a.len() as f64;
    let mut cont: HashMap<(usize, usize), f64> = HashMap::new();
    let mut rows: HashMap<usize, f64> = HashMap::new();
    let mut cols: HashMap<usize, f64> = HashMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *cont.entry((x, y)).or_insert(0.0) += 1.0;
        *rows.entry(x).or_insert(0.0) += 1.0;
        *cols.entry(y).or_insert(0.0) += 1.0;
    }
    let sum_sq: f64 = cont.values().map(|v| v * v).sum();
    let rows_sq: f64 = rows.values().map(|v| v * v).sum();
    let cols_sq: f64 = cols.values().map(|v| v * v).sum();
    // Ordered-pair confusion counts, as sklearn's pair_confusion_matrix.
    let tp = sum_sq - n;
    let fp = cols_sq - sum_sq;
    let fneg = rows_sq - sum_sq;
    let tn = n * n - fp - fneg - sum_sq;
    if fneg == 0.0 && fp == 0.0 {
        return Ok(1.0);
    }
    Ok(2.0 * (tp * tn - fneg * fp) / ((tp + fneg) * (fneg + tn) + (tp + fp) * (fp + tn)))
}

fn profiles(
    x: &Array2<f64>,
    z: &Array2<f64>,
    labels: &[usize],
    k: usize,
    mean: &[f64],
    names: &[&str],
    top: usize,
) -> Vec<ClusterProfile> {
    let (n, d) = x.dim();
    let mut raw_sum = vec![vec![0.0; d]; k];
    let mut z_sum = vec![vec![0.0; d]; k];
    let mut size = vec![0usize; k];
    for ((xr, zr), &l) in x.rows().into_iter().zip(z.rows()).zip(labels) {
        size[l] += 1;
        for j in 0..d {
            raw_sum[l][j] += xr[j];
            z_sum[l][j] += zr[j];
        }
    }
    (0..k)
        .map(|c| {
            let s = size[c].max(1) as f64;
            let means: Vec<f64> = raw_sum[c].iter().map(|v| v / s).collect();
            let zs: Vec<f64> = z_sum[c].iter().map(|v| v / s).collect();
            let mut order: Vec<usize> = (0..d).collect();
            order.sort_by(|&a, &b| zs[b].abs().total_cmp(&zs[a].abs()));
            let distinctive = order
                .into_iter()
                .take(top)
                .map(|j| Distinctive {
                    feature: names[j].to_string(),
                    z: zs[j],
                    cluster_mean: means[j],
                    overall_mean: mean[j],
                })
                .collect();
            ClusterProfile {
                cluster: c,
                size: size[c],
                share: size[c] as f64 / n as f64,
                means,
                distinctive,
            }
        })
        .collect()
}
