//! The scalar UDFs: a fitted pipeline evaluated on the argument columns of each batch.

use datafusion::arrow::array::{
    Array, ArrayRef, Float64Array, RecordBatch, RecordBatchOptions, StringBuilder, StructArray,
    new_null_array,
};
use datafusion::arrow::datatypes::{DataType, Field, Fields, Schema as ArrowSchema};
use datafusion::common::{
    DataFusionError, Result as DfResult, exec_datafusion_err, exec_err, plan_err,
};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use wealthscore::schema::{ColumnType, FittedPipeline, Meaning, Role, Table};
use wealthscore::segment::AssetTier;

/// Which of the two functions a UDF computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// The whole assessment, as a struct.
    Assess,
    /// The churn probability alone.
    Probability,
}

impl Kind {
    pub(crate) fn wire(self) -> &'static str {
        match self {
            Kind::Assess => "assess",
            Kind::Probability => "probability",
        }
    }

    pub(crate) fn from_wire(s: &str) -> Option<Kind> {
        match s {
            "assess" => Some(Kind::Assess),
            "probability" => Some(Kind::Probability),
            _ => None,
        }
    }
}

/// The fields of the struct `churn_assess` returns, in order.
///
/// `churn_probability` (Float64), `risk_level`, `top_reason` (as a person reads it, e.g.
/// `idle days = 120`), `top_reason_column` (all Utf8), `top_reason_contribution`
/// (Float64), `asset_tier` (Utf8, with an `aum` column), `clv` and `expected_value_lost`
/// (Float64, when the schema gives a margin), `best_action`, `warnings` (the rules that
/// fired, comma-separated) and `error` (Utf8). Every field is nullable: a row the
/// pipeline refuses (a missing cell under `reject`, an undeclared level) has nulls in
/// all fields but `error`, which says why.
///
/// ```
/// let f = wealthscore_datafusion::assess_fields();
/// assert_eq!(f[0].name(), "churn_probability");
/// assert!(f.iter().any(|f| f.name() == "expected_value_lost"));
/// ```
pub fn assess_fields() -> Fields {
    let text = |n: &str| Field::new(n, DataType::Utf8, true);
    let num = |n: &str| Field::new(n, DataType::Float64, true);
    Fields::from(vec![
        num("churn_probability"),
        text("risk_level"),
        text("top_reason"),
        text("top_reason_column"),
        num("top_reason_contribution"),
        text("asset_tier"),
        num("clv"),
        num("expected_value_lost"),
        text("best_action"),
        text("warnings"),
        text("error"),
    ])
}

/// The columns a pipeline's UDFs take, in argument order: every column its schema reads
/// (id, features and info columns; not the label, not derived columns), in schema order.
///
/// ```
/// use wealthscore::schema::Schema;
/// let s = Schema::from_json(r#"{"columns": [
///     {"name": "id", "type": "text", "role": "id"},
///     {"name": "churned", "type": "boolean", "role": "label"},
///     {"name": "calls", "type": "number"}]}"#)?;
/// let cols: Vec<&str> = wealthscore_datafusion::argument_columns(&s).map(|c| c.name.as_str()).collect();
/// assert_eq!(cols, ["id", "calls"]);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn argument_columns(
    schema: &wealthscore::schema::Schema,
) -> impl Iterator<Item = &wealthscore::schema::ColumnSpec> {
    schema
        .columns
        .iter()
        .filter(|c| c.is_read() && c.role != Role::Label)
}

/// The scalar UDF over one fitted pipeline.
pub(crate) struct ChurnUdf {
    name: String,
    kind: Kind,
    pipeline: Arc<FittedPipeline>,
    /// Argument names and schema types, in argument order.
    columns: Vec<(String, ColumnType)>,
    /// The `aum` column (the first, as the core picks it) and whether it is read.
    aum: Option<(String, bool)>,
    /// Asset tiers by their names in the output.
    tier_names: Vec<(AssetTier, String)>,
    signature: Signature,
}

impl std::fmt::Debug for ChurnUdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChurnUdf")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("fingerprint", &self.pipeline.fingerprint())
            .finish()
    }
}

// Two UDFs are the same function when name, kind and pipeline fingerprint agree.
impl PartialEq for ChurnUdf {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.kind == other.kind
            && self.pipeline.fingerprint() == other.pipeline.fingerprint()
    }
}

impl Eq for ChurnUdf {}

impl Hash for ChurnUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.kind.hash(state);
        self.pipeline.fingerprint().hash(state);
    }
}

impl ChurnUdf {
    pub(crate) fn new(name: &str, kind: Kind, pipeline: Arc<FittedPipeline>) -> Self {
        let columns = argument_columns(pipeline.schema())
            .map(|c| (c.name.clone(), c.kind))
            .collect();
        let aum = pipeline
            .schema()
            .columns
            .iter()
            .find(|c| c.meaning == Some(Meaning::Aum))
            .map(|c| (c.name.clone(), c.is_read()));
        let tier_names = [
            AssetTier::Mass,
            AssetTier::MidNetWorth,
            AssetTier::HighNetWorth,
        ]
        .into_iter()
        .filter_map(|t| Some((t, wire_name(&t)?)))
        .collect();
        ChurnUdf {
            name: name.to_string(),
            kind,
            pipeline,
            columns,
            aum,
            tier_names,
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }

    pub(crate) fn kind(&self) -> Kind {
        self.kind
    }

    pub(crate) fn pipeline(&self) -> &Arc<FittedPipeline> {
        &self.pipeline
    }

    pub(crate) fn into_udf(self) -> ScalarUDF {
        ScalarUDF::new_from_impl(self)
    }

    fn usage(&self) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(n, _)| n.as_str()).collect();
        format!("{}({})", self.name, names.join(", "))
    }
}

/// Whether the core's Arrow reader reads a column of type `dt` as schema type `kind`.
fn accepts(kind: ColumnType, dt: &DataType) -> bool {
    use DataType as D;
    let string = matches!(dt, D::Utf8 | D::LargeUtf8 | D::Utf8View);
    let int = matches!(
        dt,
        D::Int8 | D::Int16 | D::Int32 | D::Int64 | D::UInt8 | D::UInt16 | D::UInt32 | D::UInt64
    );
    match kind {
        ColumnType::Number | ColumnType::Integer => {
            int || matches!(dt, D::Float32 | D::Float64 | D::Boolean | D::Null)
        }
        ColumnType::Boolean => string || int || matches!(dt, D::Boolean | D::Float32 | D::Null),
        ColumnType::Date => string || matches!(dt, D::Date32 | D::Date64 | D::Null),
        ColumnType::Category | ColumnType::Text => match dt {
            D::Dictionary(_, values) => accepts(kind, values) && !matches!(**values, D::Null),
            _ => string || int || matches!(dt, D::Float32 | D::Float64 | D::Boolean | D::Null),
        },
        _ => false,
    }
}

/// The type a `NULL` literal becomes for schema type `kind`.
fn null_as(kind: ColumnType) -> DataType {
    match kind {
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Date => DataType::Date32,
        ColumnType::Category | ColumnType::Text => DataType::Utf8,
        _ => DataType::Float64,
    }
}

fn hint(kind: ColumnType) -> &'static str {
    match kind {
        ColumnType::Number | ColumnType::Integer => "pass a numeric column, or CAST(... AS DOUBLE)",
        ColumnType::Boolean => "pass a boolean, 0/1 or yes/no text column",
        ColumnType::Date => "pass a DATE column, or text YYYY-MM-DD",
        _ => "pass a text column, or CAST(... AS VARCHAR)",
    }
}

fn wire_name<T: serde::Serialize>(v: &T) -> Option<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

fn external(e: wealthscore::Error) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

impl ScalarUDFImpl for ChurnUdf {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(match self.kind {
            Kind::Assess => DataType::Struct(assess_fields()),
            Kind::Probability => DataType::Float64,
        })
    }

    // Checked at planning time: the query's column types against the pipeline's schema.
    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        if arg_types.len() != self.columns.len() {
            return plan_err!(
                "{} takes {} arguments, the pipeline's input columns in schema order: {}; \
                 the query passes {}",
                self.name,
                self.columns.len(),
                self.usage(),
                arg_types.len()
            );
        }
        let mut out = Vec::with_capacity(arg_types.len());
        for (i, ((column, kind), dt)) in self.columns.iter().zip(arg_types).enumerate() {
            if !accepts(*kind, dt) {
                return plan_err!(
                    "{} argument {} is the pipeline's column `{column}`, of type {} in its \
                     schema, but the query passes {dt}: {}",
                    self.name,
                    i + 1,
                    kind.name(),
                    hint(*kind)
                );
            }
            out.push(if dt == &DataType::Null {
                null_as(*kind)
            } else {
                dt.clone()
            });
        }
        Ok(out)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let n = args.number_rows;
        if args.args.len() != self.columns.len() {
            return exec_err!(
                "{} received {} arguments, expected {}",
                self.name,
                args.args.len(),
                self.columns.len()
            );
        }
        let mut fields = Vec::with_capacity(self.columns.len());
        let mut arrays = Vec::with_capacity(self.columns.len());
        for ((column, _), value) in self.columns.iter().zip(args.args) {
            let a = value.into_array(n)?;
            fields.push(Field::new(column, a.data_type().clone(), true));
            arrays.push(a);
        }
        let batch = RecordBatch::try_new_with_options(
            Arc::new(ArrowSchema::new(fields)),
            arrays,
            &RecordBatchOptions::new().with_row_count(Some(n)),
        )?;
        let table = Table::from_record_batch(&batch, self.pipeline.schema()).map_err(external)?;
        let out: ArrayRef = match self.kind {
            Kind::Probability => {
                let p = self.pipeline.predict(&table).map_err(external)?;
                Arc::new(p.into_iter().map(Result::ok).collect::<Float64Array>())
            }
            Kind::Assess => Arc::new(self.assessments(&table)?),
        };
        Ok(ColumnarValue::Array(out))
    }
}

impl ChurnUdf {
    /// The struct of [`assess_fields`] from the core's columnar assessment of `table`.
    fn assessments(&self, table: &Table) -> DfResult<StructArray> {
        let core = self
            .pipeline
            .assess_table_to_record_batch(table)
            .map_err(external)?;
        let fields = assess_fields();
        let mut columns = Vec::with_capacity(fields.len());
        for f in &fields {
            columns.push(if f.name() == "asset_tier" {
                let error = core
                    .column_by_name("error")
                    .ok_or_else(|| exec_datafusion_err!("the core's assessment has no `error`"))?;
                self.asset_tiers(table, error.as_ref())?
            } else {
                core.column_by_name(f.name()).cloned().ok_or_else(|| {
                    exec_datafusion_err!("the core's assessment has no `{}`", f.name())
                })?
            });
        }
        Ok(StructArray::try_new(fields, columns, None)?)
    }

    /// Each assessed row's asset tier (null where `error` is set). The core's columnar
    /// output has no tier, so it is taken as the core takes it: the tiering policy of the
    /// `aum` column's non-negative value; a derived `aum` goes through the row path.
    fn asset_tiers(&self, table: &Table, error: &dyn Array) -> DfResult<ArrayRef> {
        let n = table.n_rows();
        let Some((aum, read)) = &self.aum else {
            return Ok(new_null_array(&DataType::Utf8, n));
        };
        let mut out = StringBuilder::with_capacity(n, 16 * n);
        if !read {
            for a in self.pipeline.assess(table).map_err(external)? {
                let tier = a.ok().and_then(|a| a.asset_tier);
                out.append_option(tier.and_then(|t| wire_name(&t)));
            }
            return Ok(Arc::new(out.finish()));
        }
        let column = table.column(aum);
        let tiering = &self.pipeline.config().tiering;
        for r in 0..n {
            let tier = column
                .filter(|_| error.is_null(r))
                .and_then(|c| c.number(r))
                .filter(|v| *v >= 0.0)
                .and_then(|v| tiering.asset_tier(v).ok());
            match tier {
                Some(t) => match self.tier_names.iter().find(|(k, _)| *k == t) {
                    Some((_, name)) => out.append_value(name),
                    None => out.append_option(wire_name(&t)),
                },
                None => out.append_null(),
            }
        }
        Ok(Arc::new(out.finish()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_types_follow_the_core_arrow_reader() {
        assert!(accepts(ColumnType::Number, &DataType::Int64));
        assert!(!accepts(ColumnType::Number, &DataType::Utf8));
        assert!(accepts(ColumnType::Category, &DataType::Utf8View));
        assert!(accepts(
            ColumnType::Category,
            &DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
        ));
        assert!(!accepts(ColumnType::Date, &DataType::Float64));
        assert_eq!(null_as(ColumnType::Date), DataType::Date32);
    }
}
