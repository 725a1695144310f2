//! Client tiering on five dimensions with service strategies, RFM scores and
//! behavioural clusters.
//!
//! - [`TieringPolicy`] holds the thresholds of the five dimensions — asset size
//!   ([`AssetTier`]), activity ([`ActivityTier`]), lifecycle ([`Lifecycle`]), need
//!   complexity ([`NeedComplexity`]) and loyalty ([`Loyalty`]) — and the weights of a
//!   composite score; [`TieringPolicy::classify`] turns one [`ClientRecord`] into a
//!   `Copy` [`Tiering`] without allocating.
//! - [`StrategyCatalogue`] maps each [`TierLabel`] to a service [`Strategy`]; it is data
//!   a firm can replace.
//! - [`PortfolioSummary`] gives counts, AUM share and mean churn probability per tier.
//! - [`rfm`] / [`RfmModel`] score recency, frequency and monetary value by quintiles and
//!   name the RFM segment.
//! - [`kmeans`] is seeded k-means (k-means++ seeding, Hamerly-accelerated Lloyd).
//! - [`fit_clusters`] / [`cluster_clients`] run it on
//!   standardised behavioural features, choose `k` by silhouette or elbow and profile
//!   each cluster; [`silhouette`] and [`adjusted_rand_index`] measure clusterings.
//!
//! ```
//! use wealthscore::segment::{StrategyCatalogue, TieringPolicy, PortfolioSummary, TierLabel};
//! use wealthscore::synth::{generate, PortfolioConfig};
//!
//! let policy = TieringPolicy::default();
//! let catalogue = StrategyCatalogue::default();
//! let client = wealthscore::ClientRecord::example();
//! let tiering = policy.classify(&client, Some(0.35))?;
//! for strategy in catalogue.for_tiering(&tiering) {
//!     println!("{}: {}", strategy.tier.name(), strategy.summary);
//! }
//!
//! let p = generate(&PortfolioConfig::default().with_clients(1_000))?;
//! let probs: Vec<f64> = p.truth.iter().map(|t| t.probability).collect();
//! let summary = PortfolioSummary::from_clients(&policy, &p.clients, Some(&probs))?;
//! let hnw = summary.label(TierLabel::HighNetWorth);
//! assert!(hnw.aum_share > 0.2); // 3 % of clients, a large share of the assets
//! # Ok::<(), wealthscore::Error>(())
//! ```
//!
//! [`ClientRecord`]: crate::ClientRecord

mod cluster;
mod kmeans;
mod policy;
mod rfm;
mod strategy;
mod summary;

pub use cluster::{
    BEHAVIOUR_FEATURES, ClusterModel, ClusterParams, ClusterProfile, Clustering, Distinctive,
    KCandidate, KSelection, MAX_KMEANS_ITER, MAX_SILHOUETTE_POINTS, adjusted_rand_index,
    behaviour_features, cluster_clients, fit_clusters, silhouette,
};
pub use kmeans::{KMeansFit, KMeansParams, kmeans};
pub use policy::{
    ActivityTier, AssetTier, CompositeTier, Lifecycle, Loyalty, NeedComplexity, TierLabel, Tiering,
    TieringInputs, TieringPolicy, WEIGHT_NAMES, WEIGHT_SUM_TOL,
};
pub use rfm::{FREQUENCY_MONTHS, RfmModel, RfmScore, RfmSegment, RfmValues, quintile_edges, rfm};
pub use strategy::{Strategy, StrategyCatalogue};

pub use summary::{PortfolioSummary, TierStats};
