//! Shipping the pipeline with the plan: extension codecs that serialise the UDFs.

use crate::udf::{ChurnUdf, Kind};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::{DataFusionError, Result as DfResult, TableReference};
use datafusion::datasource::TableProvider;
use datafusion::datasource::file_format::FileFormatFactory;
use datafusion::execution::TaskContext;
use datafusion::logical_expr::{
    AggregateUDF, Extension, HigherOrderUDF, LogicalPlan, ScalarUDF, WindowUDF,
};
use datafusion::physical_expr_common::physical_expr::proto_decode::PhysicalExprDecodeCtx;
use datafusion::physical_expr_common::physical_expr::proto_encode::PhysicalExprEncodeCtx;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::PhysicalExpr;
use datafusion_proto::logical_plan::{DefaultLogicalExtensionCodec, LogicalExtensionCodec};
use datafusion_proto::physical_plan::{
    DefaultPhysicalExtensionCodec, PhysicalExtensionCodec, PhysicalProtoConverterExtension,
};
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use wealthscore::schema::FittedPipeline;

/// First line of an encoded UDF; the format's version is in it.
const MAGIC: &[u8] = b"wealthscore-udf/1\n";

/// Extension codecs (logical and physical) that ship the churn UDFs with a serialised
/// plan: the bytes of a UDF are its kind, the pipeline's fingerprint and the pipeline
/// file, and a receiver rebuilds the UDF from them and checks the fingerprint, so a
/// remote executor (Ballista's, or any process decoding a plan with this codec) scores
/// with the very model the client registered, without having it registered itself.
///
/// Everything else is handed to the inner codecs it wraps (DataFusion's defaults from
/// [`PipelineCodec::new`], an engine's own with [`PipelineCodec::wrapping`]). Decoded
/// pipelines are cached by fingerprint, so the tasks of one job parse the file once.
///
/// ```
/// use std::sync::Arc;
/// use datafusion::prelude::SessionContext;
/// use datafusion_proto::bytes::{
///     physical_plan_from_bytes_with_extension_codec, physical_plan_to_bytes_with_extension_codec,
/// };
/// use wealthscore_datafusion::{PipelineCodec, register_pipeline};
/// # let schema = wealthscore::schema::Schema::from_json(r#"{"columns": [
/// #     {"name": "churned", "type": "boolean", "role": "label"},
/// #     {"name": "calls", "type": "number"}]}"#)?;
/// # let table = wealthscore::schema::Table::read_csv(
/// #     "churned,calls\n1,5\n0,1\n1,4\n0,0\n".as_bytes(), &schema)?;
/// # let pipeline = wealthscore::schema::FittedPipeline::fit(schema, &table, &Default::default())?.pipeline;
/// # let rt = tokio::runtime::Runtime::new().unwrap();
/// # rt.block_on(async {
/// let ctx = SessionContext::new();
/// register_pipeline(&ctx, "churn", &pipeline)?;
/// let sql = "SELECT churn_probability(calls) AS p FROM (VALUES (7.0), (0.0)) AS t(calls)";
/// let plan = ctx.sql(sql).await.unwrap().create_physical_plan().await.unwrap();
/// let codec = PipelineCodec::new();
/// let bytes = physical_plan_to_bytes_with_extension_codec(plan, &codec).unwrap();
/// // A context that never saw the pipeline runs the plan.
/// let remote = SessionContext::new();
/// let plan = physical_plan_from_bytes_with_extension_codec(&bytes, &remote.task_ctx(), &codec)
///     .unwrap();
/// let out = datafusion::physical_plan::collect(plan, remote.task_ctx()).await.unwrap();
/// assert_eq!(out[0].num_rows(), 2);
/// # Ok::<(), wealthscore::Error>(())
/// # })?;
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub struct PipelineCodec {
    logical: Arc<dyn LogicalExtensionCodec>,
    physical: Arc<dyn PhysicalExtensionCodec>,
    cache: Mutex<HashMap<String, Arc<FittedPipeline>>>,
}

impl std::fmt::Debug for PipelineCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipelineCodec")
            .field("logical", &self.logical)
            .field("physical", &self.physical)
            .finish_non_exhaustive()
    }
}

impl Default for PipelineCodec {
    fn default() -> Self {
        PipelineCodec::new()
    }
}

impl PipelineCodec {
    /// The codecs around DataFusion's default extension codecs.
    pub fn new() -> Self {
        PipelineCodec::wrapping(
            Arc::new(DefaultLogicalExtensionCodec {}),
            Arc::new(DefaultPhysicalExtensionCodec {}),
        )
    }

    /// The codecs around an engine's own (e.g. Ballista's), which keep handling the
    /// engine's plan nodes and every other function.
    pub fn wrapping(
        logical: Arc<dyn LogicalExtensionCodec>,
        physical: Arc<dyn PhysicalExtensionCodec>,
    ) -> Self {
        PipelineCodec {
            logical,
            physical,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Our bytes for `node`, or `None` when it is not a churn UDF.
    fn encode(node: &ScalarUDF, buf: &mut Vec<u8>) -> DfResult<bool> {
        let Some(udf) = (node.inner().as_ref() as &dyn Any).downcast_ref::<ChurnUdf>() else {
            return Ok(false);
        };
        let json = udf
            .pipeline()
            .to_json()
            .map_err(|e| DataFusionError::External(Box::new(e)))?;
        buf.extend_from_slice(MAGIC);
        buf.extend_from_slice(udf.kind().wire().as_bytes());
        buf.push(b'\n');
        buf.extend_from_slice(udf.pipeline().fingerprint().as_bytes());
        buf.push(b'\n');
        buf.extend_from_slice(json.as_bytes());
        Ok(true)
    }

    /// The UDF from our bytes, or `None` when they are not ours.
    fn decode(&self, name: &str, buf: &[u8]) -> DfResult<Option<Arc<ScalarUDF>>> {
        let Some(rest) = buf.strip_prefix(MAGIC) else {
            return Ok(None);
        };
        let bad = |why: &str| {
            DataFusionError::Plan(format!(
                "the serialised UDF `{name}` is not a wealthscore pipeline: {why}"
            ))
        };
        let mut parts = rest.splitn(3, |&b| b == b'\n');
        let (Some(kind), Some(fingerprint), Some(json)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("truncated"));
        };
        let kind = std::str::from_utf8(kind)
            .ok()
            .and_then(Kind::from_wire)
            .ok_or_else(|| bad("unknown function kind"))?;
        let fingerprint =
            std::str::from_utf8(fingerprint).map_err(|_| bad("fingerprint is not text"))?;
        let cached = self
            .cache
            .lock()
            .map_err(|_| bad("pipeline cache poisoned"))?
            .get(fingerprint)
            .cloned();
        let pipeline = match cached {
            Some(p) => p,
            None => {
                let json = std::str::from_utf8(json).map_err(|_| bad("pipeline is not UTF-8"))?;
                // from_json checks that the file's content gives the fingerprint it carries.
                let p = FittedPipeline::from_json(json)
                    .map_err(|e| DataFusionError::External(Box::new(e)))?;
                if p.fingerprint() != fingerprint {
                    return Err(DataFusionError::Plan(format!(
                        "the pipeline shipped for `{name}` has fingerprint {}, but the plan \
                         names {fingerprint}: it was changed on the way",
                        p.fingerprint()
                    )));
                }
                let p = Arc::new(p);
                self.cache
                    .lock()
                    .map_err(|_| bad("pipeline cache poisoned"))?
                    .insert(fingerprint.to_string(), Arc::clone(&p));
                p
            }
        };
        Ok(Some(Arc::new(
            ChurnUdf::new(name, kind, pipeline).into_udf(),
        )))
    }
}

impl PhysicalExtensionCodec for PipelineCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn ExecutionPlan>],
        ctx: &TaskContext,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        self.physical.try_decode(buf, inputs, ctx, proto_converter)
    }

    fn try_encode(
        &self,
        node: Arc<dyn ExecutionPlan>,
        buf: &mut Vec<u8>,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> DfResult<()> {
        self.physical.try_encode(node, buf, proto_converter)
    }

    fn try_decode_udf(&self, name: &str, buf: &[u8]) -> DfResult<Arc<ScalarUDF>> {
        match self.decode(name, buf)? {
            Some(udf) => Ok(udf),
            None => self.physical.try_decode_udf(name, buf),
        }
    }

    fn try_encode_udf(&self, node: &ScalarUDF, buf: &mut Vec<u8>) -> DfResult<()> {
        if Self::encode(node, buf)? {
            return Ok(());
        }
        self.physical.try_encode_udf(node, buf)
    }

    fn try_decode_udaf(&self, name: &str, buf: &[u8]) -> DfResult<Arc<AggregateUDF>> {
        self.physical.try_decode_udaf(name, buf)
    }

    fn try_encode_udaf(&self, node: &AggregateUDF, buf: &mut Vec<u8>) -> DfResult<()> {
        self.physical.try_encode_udaf(node, buf)
    }

    fn try_decode_udwf(&self, name: &str, buf: &[u8]) -> DfResult<Arc<WindowUDF>> {
        self.physical.try_decode_udwf(name, buf)
    }

    fn try_encode_udwf(&self, node: &WindowUDF, buf: &mut Vec<u8>) -> DfResult<()> {
        self.physical.try_encode_udwf(node, buf)
    }

    fn try_decode_higher_order_function(
        &self,
        name: &str,
        buf: &[u8],
    ) -> DfResult<Arc<HigherOrderUDF>> {
        self.physical.try_decode_higher_order_function(name, buf)
    }

    fn try_encode_higher_order_function(
        &self,
        node: &HigherOrderUDF,
        buf: &mut Vec<u8>,
    ) -> DfResult<()> {
        self.physical.try_encode_higher_order_function(node, buf)
    }

    fn try_decode_expr(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn PhysicalExpr>],
        ctx: &PhysicalExprDecodeCtx<'_>,
    ) -> DfResult<Arc<dyn PhysicalExpr>> {
        self.physical.try_decode_expr(buf, inputs, ctx)
    }

    fn try_encode_expr(
        &self,
        node: &Arc<dyn PhysicalExpr>,
        buf: &mut Vec<u8>,
        ctx: &PhysicalExprEncodeCtx<'_>,
    ) -> DfResult<()> {
        self.physical.try_encode_expr(node, buf, ctx)
    }
}

impl LogicalExtensionCodec for PipelineCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[LogicalPlan],
        ctx: &TaskContext,
    ) -> DfResult<Extension> {
        self.logical.try_decode(buf, inputs, ctx)
    }

    fn try_encode(&self, node: &Extension, buf: &mut Vec<u8>) -> DfResult<()> {
        self.logical.try_encode(node, buf)
    }

    fn try_decode_table_provider(
        &self,
        buf: &[u8],
        table_ref: &TableReference,
        schema: SchemaRef,
        ctx: &TaskContext,
    ) -> DfResult<Arc<dyn TableProvider>> {
        self.logical
            .try_decode_table_provider(buf, table_ref, schema, ctx)
    }

    fn try_encode_table_provider(
        &self,
        table_ref: &TableReference,
        node: Arc<dyn TableProvider>,
        buf: &mut Vec<u8>,
    ) -> DfResult<()> {
        self.logical.try_encode_table_provider(table_ref, node, buf)
    }

    fn try_decode_file_format(
        &self,
        buf: &[u8],
        ctx: &TaskContext,
    ) -> DfResult<Arc<dyn FileFormatFactory>> {
        self.logical.try_decode_file_format(buf, ctx)
    }

    fn try_encode_file_format(
        &self,
        buf: &mut Vec<u8>,
        node: Arc<dyn FileFormatFactory>,
    ) -> DfResult<()> {
        self.logical.try_encode_file_format(buf, node)
    }

    fn try_decode_udf(&self, name: &str, buf: &[u8]) -> DfResult<Arc<ScalarUDF>> {
        match self.decode(name, buf)? {
            Some(udf) => Ok(udf),
            None => self.logical.try_decode_udf(name, buf),
        }
    }

    fn try_encode_udf(&self, node: &ScalarUDF, buf: &mut Vec<u8>) -> DfResult<()> {
        if Self::encode(node, buf)? {
            return Ok(());
        }
        self.logical.try_encode_udf(node, buf)
    }

    fn try_decode_udaf(&self, name: &str, buf: &[u8]) -> DfResult<Arc<AggregateUDF>> {
        self.logical.try_decode_udaf(name, buf)
    }

    fn try_encode_udaf(&self, node: &AggregateUDF, buf: &mut Vec<u8>) -> DfResult<()> {
        self.logical.try_encode_udaf(node, buf)
    }

    fn try_decode_udwf(&self, name: &str, buf: &[u8]) -> DfResult<Arc<WindowUDF>> {
        self.logical.try_decode_udwf(name, buf)
    }

    fn try_encode_udwf(&self, node: &WindowUDF, buf: &mut Vec<u8>) -> DfResult<()> {
        self.logical.try_encode_udwf(node, buf)
    }

    fn try_decode_higher_order_function(
        &self,
        name: &str,
        buf: &[u8],
    ) -> DfResult<Arc<HigherOrderUDF>> {
        self.logical.try_decode_higher_order_function(name, buf)
    }

    fn try_encode_higher_order_function(
        &self,
        node: &HigherOrderUDF,
        buf: &mut Vec<u8>,
    ) -> DfResult<()> {
        self.logical.try_encode_higher_order_function(node, buf)
    }
}
