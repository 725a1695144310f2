//! Client tiering (placeholder for the asset tier until the segment module lands).

use serde::{Deserialize, Serialize};

/// Asset-size tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetTier {
    /// Mass market.
    Mass,
    /// Mid net worth.
    MidNetWorth,
    /// High net worth.
    HighNetWorth,
}
