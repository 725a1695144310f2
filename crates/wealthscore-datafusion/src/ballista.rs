//! Ballista sessions that run the churn functions (cargo feature `ballista`).
//!
//! Ballista sends the logical plan to its scheduler and the stages of the physical plan
//! to its executors as protobuf; [`with_pipeline_codecs`] makes both codecs a
//! [`PipelineCodec`] around Ballista's own, so the pipeline travels inside the plan and
//! executors need not register anything. Register the functions on the client's context
//! with [`crate::register_pipeline`] as for plain DataFusion.
//!
//! ```no_run
//! use ballista::prelude::{SessionConfigExt, SessionContextExt};
//! use datafusion::execution::SessionStateBuilder;
//! use datafusion::prelude::{SessionConfig, SessionContext};
//! # async fn run(pipeline: wealthscore::schema::FittedPipeline) -> datafusion::error::Result<()> {
//! let config = wealthscore_datafusion::ballista::with_pipeline_codecs(SessionConfig::new_with_ballista());
//! let state = SessionStateBuilder::new().with_config(config).with_default_features().build();
//! let ctx = SessionContext::remote_with_state("df://scheduler:50050", state).await?;
//! wealthscore_datafusion::register_pipeline(&ctx, "churn", &pipeline)
//!     .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?;
//! # Ok(())
//! # }
//! ```

use crate::PipelineCodec;
use ::ballista::prelude::SessionConfigExt;
use ballista_core::serde::{BallistaLogicalExtensionCodec, BallistaPhysicalExtensionCodec};
use datafusion::prelude::SessionConfig;
use std::sync::Arc;

/// `config` with Ballista's logical and physical extension codecs replaced by one
/// [`PipelineCodec`] wrapping them.
///
/// ```
/// use ballista::prelude::SessionConfigExt;
/// use datafusion::prelude::SessionConfig;
/// let config = wealthscore_datafusion::ballista::with_pipeline_codecs(SessionConfig::new_with_ballista());
/// assert!(format!("{:?}", config.ballista_physical_extension_codec()).contains("PipelineCodec"));
/// ```
pub fn with_pipeline_codecs(config: SessionConfig) -> SessionConfig {
    let codec = Arc::new(PipelineCodec::wrapping(
        Arc::new(BallistaLogicalExtensionCodec::default()),
        Arc::new(BallistaPhysicalExtensionCodec::default()),
    ));
    config
        .with_ballista_logical_extension_codec(codec.clone())
        .with_ballista_physical_extension_codec(codec)
}
