//! The native half of the `wealthscore` Python package: the core crate's schema
//! pipeline, AHP, FCE, tiering and BG/NBD behind PyO3, with data exchanged as Arrow
//! (pyo3-arrow, zero-copy for `Float64` and `Date32` columns) and numpy.
//!
//! The Python modules under `python/wealthscore/` wrap this one with docstrings,
//! pandas conversion and result classes; `_native.pyi` types it.

use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::types::UInt32Type;
use arrow_array::{
    ArrayRef, DictionaryArray, Float64Array, RecordBatch, StringArray, UInt32Array, UInt64Array,
};
use arrow_buffer::{NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;
use wealthscore::schema::{AssessmentColumns, FittedPipeline, ModelParams, PipelineConfig, Table};

create_exception!(
    wealthscore,
    WealthscoreError,
    PyValueError,
    "An error of the wealthscore library: `str(e)` is the Rust message; `e.kind` names the \
     error variant and `e.field` the field, column, row or file at fault (None if none)."
);

/// The core error as a `WealthscoreError` with `kind` and `field` attributes.
fn py_err(e: wealthscore::Error) -> PyErr {
    let message = e.to_string();
    // The error serialises as `{"Variant": {"field": ..}}`; the at-fault name is its
    // `field`, `what`, `context`, `model` or `method` member.
    let (kind, field) = match serde_json::to_value(&e) {
        Ok(serde_json::Value::Object(m)) => match m.into_iter().next() {
            Some((kind, serde_json::Value::Object(body))) => {
                let field = ["field", "what", "context", "model", "method"]
                    .iter()
                    .find_map(|k| body.get(*k).and_then(|v| v.as_str()).map(str::to_string));
                (kind, field)
            }
            Some((kind, _)) => (kind, None),
            None => ("Error".to_string(), None),
        },
        _ => ("Error".to_string(), None),
    };
    Python::attach(|py| {
        let err = WealthscoreError::new_err(message);
        let value = err.value(py);
        // Setting attributes on a fresh exception instance cannot fail short of memory
        // exhaustion; the message is kept either way.
        let _ = value.setattr("kind", kind);
        let _ = value.setattr("field", field);
        err
    })
}

fn invalid(field: &str, value: impl std::fmt::Display, reason: &str) -> PyErr {
    py_err(wealthscore::Error::InvalidInput {
        field: field.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    })
}

/// The error with its field named within an array element, e.g. `aum[3]`.
fn at(mut e: wealthscore::Error, prefix: &str) -> PyErr {
    use wealthscore::Error as E;
    match &mut e {
        E::NonFinite { field } | E::InvalidInput { field, .. } | E::InvalidConfig { field, .. } => {
            *field = format!("{prefix}: {field}");
        }
        _ => {}
    }
    py_err(e)
}

/// All batches of an Arrow input (a `pyarrow.Table`, `RecordBatch`, reader or any object
/// with `__arrow_c_stream__` / `__arrow_c_array__`).
fn batches(data: AnyRecordBatch) -> PyResult<(Vec<RecordBatch>, arrow_schema::SchemaRef)> {
    let (batches, schema) = data.into_table()?.into_inner();
    Ok((batches, schema))
}

/// One batch holding every row (a copy only when the input has several chunks).
fn one_batch(data: AnyRecordBatch) -> PyResult<RecordBatch> {
    let (mut bs, schema) = batches(data)?;
    if bs.len() == 1 {
        return Ok(bs.remove(0));
    }
    arrow_select::concat::concat_batches(&schema, &bs)
        .map_err(|e| invalid("table", "several chunks", &format!("cannot be joined: {e}")))
}

/// `(row, message)` of the rows that could not be scored.
type RowErrors = Vec<(usize, String)>;

/// A schema: the columns of a bank's data, their types, roles, missing-value policies,
/// transforms and warnings (`docs/schema.md`).
#[pyclass(module = "wealthscore._native", name = "Schema", frozen)]
struct PySchema {
    inner: wealthscore::schema::Schema,
}

#[pymethods]
impl PySchema {
    /// Reads and validates a schema from its JSON text.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let inner = wealthscore::schema::Schema::from_json(text).map_err(py_err)?;
        inner.validate().map_err(py_err)?;
        Ok(PySchema { inner })
    }

    /// The schema as JSON text.
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json().map_err(py_err)
    }

    /// The schema's content hash (the one a pipeline file records).
    fn hash(&self) -> String {
        self.inner.hash()
    }

    /// Names of the declared columns, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.inner.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// Reads CSV text with this schema's types (the Rust reader, as the command-line
    /// tools read a file) into one Arrow record batch.
    fn read_csv<'py>(&self, py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
        let table = py
            .detach(|| Table::read_csv(text.as_bytes(), &self.inner))
            .map_err(py_err)?;
        let batch = table.to_record_batch().map_err(py_err)?;
        pyo3_arrow::PyRecordBatch::new(batch).into_pyarrow(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "Schema(name={:?}, columns={})",
            self.inner.name,
            self.inner.columns.len()
        )
    }
}

/// A fitted pipeline: the schema's learnt statistics, the model, risk cut-offs and
/// actions, in one file that Rust, Python and Spark load alike.
#[pyclass(module = "wealthscore._native", name = "Pipeline", frozen)]
struct PyPipeline {
    inner: Arc<FittedPipeline>,
    skipped: Vec<(usize, String)>,
    /// With `model="auto"`: the selection's report as JSON and as text.
    selection: Option<(String, String)>,
}

/// A result type as JSON text for the Python side.
fn to_json_text<T: serde::Serialize>(what: &str, v: &T) -> PyResult<String> {
    serde_json::to_string(v)
        .map_err(|e| invalid(what, "result", &format!("cannot be written: {e}")))
}

/// Model settings from a kind and keyword overrides of its defaults.
fn model_params(
    py: Python<'_>,
    model: &str,
    params: Option<&Bound<'_, PyDict>>,
) -> PyResult<ModelParams> {
    let defaults = ModelParams::from_name(model).map_err(py_err)?;
    let Some(params) = params.filter(|p| !p.is_empty()) else {
        return Ok(defaults);
    };
    let text: String = py
        .import("json")?
        .call_method1("dumps", (params,))?
        .extract()?;
    let given: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| invalid("params", &text, &format!("is not JSON data: {e}")))?;
    let mut value = serde_json::to_value(&defaults)
        .map_err(|e| invalid("model", model, &format!("cannot be written: {e}")))?;
    if let (Some(serde_json::Value::Object(into)), serde_json::Value::Object(from)) =
        (value.get_mut("params"), given)
    {
        for (k, v) in from {
            if !into.contains_key(&k) {
                let known: Vec<&str> = into.keys().map(String::as_str).collect();
                return Err(invalid(
                    &format!("{model} parameter"),
                    &k,
                    &format!(
                        "is not a setting of this model; use one of {}",
                        known.join(", ")
                    ),
                ));
            }
            into.insert(k, v);
        }
    }
    serde_json::from_value(value).map_err(|e| invalid(model, "parameters", &e.to_string()))
}

/// The pipeline settings: `model`, and the other `PipelineConfig` fields from JSON text.
fn pipeline_config(model: ModelParams, json: Option<&str>) -> PyResult<PipelineConfig> {
    let Some(json) = json else {
        return Ok(PipelineConfig::with_model(model));
    };
    let mut value: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| invalid("config", json, &format!("is not JSON: {e}")))?;
    let Some(fields) = value.as_object_mut() else {
        return Err(invalid(
            "config",
            json,
            "must be an object with risk, actions or tiering",
        ));
    };
    if fields.contains_key("model") {
        return Err(invalid(
            "config",
            "model",
            "is given by the model argument and its keyword parameters, not in config",
        ));
    }
    let model = serde_json::to_value(&model)
        .map_err(|e| invalid("model", model.kind(), &format!("cannot be written: {e}")))?;
    fields.insert("model".to_string(), model);
    serde_json::from_value(value).map_err(|e| {
        invalid(
            "config",
            json,
            &format!("is not a pipeline configuration (keys risk, actions, tiering): {e}"),
        )
    })
}

impl PyPipeline {
    /// Probabilities of every row of every batch, with the errors of rows not scored.
    fn probabilities(&self, data: AnyRecordBatch) -> PyResult<(Vec<f64>, RowErrors)> {
        let (bs, _) = batches(data)?;
        let pipeline = self.inner.clone();
        Python::attach(|py| {
            py.detach(move || {
                let mut probs = Vec::new();
                let mut errors = Vec::new();
                for b in &bs {
                    let table = Table::from_record_batch(b, pipeline.schema())?;
                    for r in pipeline.predict(&table)? {
                        match r {
                            Ok(p) => probs.push(p),
                            Err(e) => {
                                errors.push((probs.len(), e.to_string()));
                                probs.push(f64::NAN);
                            }
                        }
                    }
                }
                Ok::<_, wealthscore::Error>((probs, errors))
            })
        })
        .map_err(py_err)
    }
}

#[pymethods]
impl PyPipeline {
    /// Fits the schema's statistics and the model on a labelled Arrow table; `config` is
    /// the JSON text of the `PipelineConfig` settings besides the model (`risk`,
    /// `actions`, `tiering`).
    #[staticmethod]
    #[pyo3(signature = (schema, table, model = "logistic", config = None, **params))]
    fn fit(
        py: Python<'_>,
        schema: &PySchema,
        table: AnyRecordBatch,
        model: &str,
        config: Option<&str>,
        params: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let config = pipeline_config(model_params(py, model, params)?, config)?;
        let batch = one_batch(table)?;
        let schema = schema.inner.clone();
        let fitted = py
            .detach(move || {
                let t = Table::from_record_batch(&batch, &schema)?;
                FittedPipeline::fit(schema, &t, &config)
            })
            .map_err(py_err)?;
        let selection = match &fitted.selection {
            Some(sel) => Some((to_json_text("selection", sel)?, sel.to_text())),
            None => None,
        };
        Ok(PyPipeline {
            inner: Arc::new(fitted.pipeline),
            skipped: fitted
                .skipped
                .into_iter()
                .map(|(r, e)| (r, e.to_string()))
                .collect(),
            selection,
        })
    }

    /// Churn probability of every row (NaN where a row could not be scored) and the
    /// `(row, message)` of those rows.
    fn predict_churn<'py>(
        &self,
        py: Python<'py>,
        table: AnyRecordBatch,
    ) -> PyResult<(Bound<'py, PyArray1<f64>>, RowErrors)> {
        let (p, errors) = self.probabilities(table)?;
        Ok((p.into_pyarray(py), errors))
    }

    /// The assessment of every row as a `pyarrow.Table` (one output batch per input
    /// batch), columns as `FittedPipeline::assess_record_batch` documents.
    fn assess<'py>(&self, py: Python<'py>, table: AnyRecordBatch) -> PyResult<Bound<'py, PyAny>> {
        let (bs, _) = batches(table)?;
        let pipeline = self.inner.clone();
        let out = py
            .detach(move || {
                bs.iter()
                    .map(|b| pipeline.assess_record_batch(b))
                    .collect::<wealthscore::Result<Vec<_>>>()
            })
            .map_err(py_err)?;
        let schema = match out.first() {
            Some(b) => b.schema(),
            None => self.empty_assessment()?.schema(),
        };
        PyTable::try_new(out, schema)?.into_pyarrow(py)
    }

    /// The columnar assessment (`FittedPipeline::assess_columns`) of every row as a
    /// `pyarrow.Table`: numbers, warning bits and dictionary-coded names, no per-row text
    /// (one output batch per input batch).
    fn assess_columns<'py>(
        &self,
        py: Python<'py>,
        table: AnyRecordBatch,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (bs, _) = batches(table)?;
        let pipeline = self.inner.clone();
        let out = py.detach(move || {
            bs.iter()
                .map(|b| columnar_batch(&pipeline, b))
                .collect::<PyResult<Vec<_>>>()
        })?;
        PyTable::try_new(out, columnar_schema())?.into_pyarrow(py)
    }

    /// Names of the schema's warning rules: bit `k` of `assess_columns`' `warnings` is
    /// rule `k`.
    #[getter]
    fn warning_names(&self) -> Vec<String> {
        self.inner.warning_names().map(str::to_string).collect()
    }

    /// The Arrow schema of `assess`'s output, as a `pyarrow.Schema`.
    fn assessment_schema<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let schema = self.empty_assessment()?.schema();
        pyo3_arrow::PySchema::new(schema).into_pyarrow(py)
    }

    /// Seconds the Rust side alone takes over the batches of `table`, without Python
    /// conversions (the baselines of the Python benchmark): `from_arrow`
    /// (`Table::from_record_batch`), `assess_columns` (the columnar assessment of those
    /// tables) and `assess_record_batch` (both, plus the Arrow output `assess` returns).
    fn time_rust_assess(&self, py: Python<'_>, table: AnyRecordBatch) -> PyResult<(f64, f64, f64)> {
        let (bs, _) = batches(table)?;
        let pipeline = self.inner.clone();
        py.detach(move || {
            let start = std::time::Instant::now();
            let tables = bs
                .iter()
                .map(|b| Table::from_record_batch(b, pipeline.schema()))
                .collect::<wealthscore::Result<Vec<_>>>()?;
            let from_arrow = start.elapsed().as_secs_f64();
            let start = std::time::Instant::now();
            let mut out = wealthscore::schema::AssessmentColumns::default();
            for t in &tables {
                pipeline.assess_columns(t, &mut out)?;
                std::hint::black_box(&out);
            }
            let columns = start.elapsed().as_secs_f64();
            drop(tables);
            let start = std::time::Instant::now();
            for b in &bs {
                std::hint::black_box(pipeline.assess_record_batch(b)?);
            }
            Ok((from_arrow, columns, start.elapsed().as_secs_f64()))
        })
        .map_err(py_err)
    }

    /// The pipeline file's JSON text.
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json().map_err(py_err)
    }

    /// Loads and checks a pipeline file's JSON text.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Ok(PyPipeline {
            inner: Arc::new(FittedPipeline::from_json(text).map_err(py_err)?),
            skipped: Vec::new(),
            selection: None,
        })
    }

    /// The fingerprint of the fitted content (schema, statistics, model, settings).
    fn fingerprint(&self) -> String {
        self.inner.fingerprint().to_string()
    }

    /// The schema the pipeline was fitted with.
    #[getter]
    fn schema(&self) -> PySchema {
        PySchema {
            inner: self.inner.schema().clone(),
        }
    }

    /// The model kind: `logistic`, `forest`, `boosted` or `auto`.
    #[getter]
    fn model_kind(&self) -> &'static str {
        self.inner.config().model.kind()
    }

    /// The settings the pipeline was fitted with (`PipelineConfig`: model, risk,
    /// actions, tiering) as JSON text.
    #[getter]
    fn config(&self) -> PyResult<String> {
        serde_json::to_string(self.inner.config())
            .map_err(|e| invalid("config", "pipeline", &format!("cannot be written: {e}")))
    }

    /// Names of the model's features, in order.
    #[getter]
    fn feature_names(&self) -> Vec<String> {
        self.inner
            .features()
            .iter()
            .map(|f| f.name.clone())
            .collect()
    }

    /// `(row, message)` of the training rows left out of the fit.
    #[getter]
    fn skipped(&self) -> Vec<(usize, String)> {
        self.skipped.clone()
    }

    /// With `model="auto"`, `(json, text)` of the selection: every candidate's
    /// cross-validated AUC, the winner and the calibration (None otherwise, and after
    /// loading a file).
    #[getter]
    fn selection(&self) -> Option<(String, String)> {
        self.selection.clone()
    }

    /// `(json, text)` of the model card (None for a file written before cards).
    #[getter]
    fn card(&self) -> PyResult<Option<(String, String)>> {
        match self.inner.card() {
            Some(c) => Ok(Some((to_json_text("card", c)?, c.to_text()))),
            None => Ok(None),
        }
    }

    /// A copy of this pipeline whose model card records the metrics on a labelled
    /// test table (`FittedPipeline::record_test`).
    fn with_test(&self, py: Python<'_>, table: AnyRecordBatch) -> PyResult<Self> {
        let batch = one_batch(table)?;
        let mut pipeline = (*self.inner).clone();
        py.detach(|| {
            let t = Table::from_record_batch(&batch, pipeline.schema())?;
            pipeline.record_test(&t).map(|_| ())
        })
        .map_err(py_err)?;
        Ok(PyPipeline {
            inner: Arc::new(pipeline),
            skipped: self.skipped.clone(),
            selection: self.selection.clone(),
        })
    }

    /// `(json, text)` of the out-of-time backtest (`FittedPipeline::backtest`) of this
    /// pipeline, fitted on `train`, scoring `test` month by month.
    fn backtest(
        &self,
        py: Python<'_>,
        train: AnyRecordBatch,
        test: AnyRecordBatch,
    ) -> PyResult<(String, String)> {
        let (train, test) = (one_batch(train)?, one_batch(test)?);
        let pipeline = self.inner.clone();
        let b = py
            .detach(move || {
                let schema = pipeline.schema();
                let train = Table::from_record_batch(&train, schema)?;
                let test = Table::from_record_batch(&test, schema)?;
                pipeline.backtest(&train, &test)
            })
            .map_err(py_err)?;
        Ok((to_json_text("backtest", &b)?, b.to_text()))
    }

    fn __repr__(&self) -> String {
        format!(
            "Pipeline(model={:?}, features={}, fingerprint={:?})",
            self.inner.config().model.kind(),
            self.inner.n_features(),
            self.inner.fingerprint()
        )
    }
}

impl PyPipeline {
    /// `assess` of no rows: the output columns with their Arrow types.
    fn empty_assessment(&self) -> PyResult<RecordBatch> {
        use wealthscore::schema::{Categories, Column, ColumnType, Values};
        let mut columns = Vec::new();
        for c in self.inner.schema().columns.iter().filter(|c| c.is_read()) {
            let col = match c.kind {
                ColumnType::Number | ColumnType::Integer => {
                    Values::new(Vec::new(), None).map(Column::Number)
                }
                ColumnType::Boolean => Values::new(Vec::new(), None).map(Column::Boolean),
                ColumnType::Date => Values::new(Vec::new(), None).map(Column::Date),
                ColumnType::Category => Values::new(Vec::new(), None)
                    .and_then(|codes| Categories::new(codes, Vec::new()))
                    .map(Column::Category),
                _ => Values::new(Vec::new(), None).map(Column::Text),
            }
            .map_err(py_err)?;
            columns.push((c.name.clone(), col));
        }
        let batch = Table::from_columns(columns)
            .and_then(|t| t.to_record_batch())
            .map_err(py_err)?;
        self.inner.assess_record_batch(&batch).map_err(py_err)
    }
}

/// `(train, test, undated)` row indices of an out-of-time split by the schema's `as_of`
/// date column (`schema::out_of_time`), dated on or before `cutoff` (`YYYY-MM-DD`) or after.
#[pyfunction]
fn out_of_time(
    py: Python<'_>,
    schema: &PySchema,
    table: AnyRecordBatch,
    cutoff: &str,
) -> PyResult<(Vec<usize>, Vec<usize>, Vec<usize>)> {
    let batch = one_batch(table)?;
    let schema = &schema.inner;
    let split = py
        .detach(|| {
            let t = Table::from_record_batch(&batch, schema)?;
            wealthscore::schema::out_of_time(schema, &t, cutoff)
        })
        .map_err(py_err)?;
    Ok((split.train, split.test, split.undated))
}

/// The Arrow schema of `Pipeline.assess_columns`' output: every field nullable (null
/// where the row was not assessed, or the part does not apply).
fn columnar_schema() -> SchemaRef {
    let names = || DataType::Dictionary(Box::new(DataType::UInt32), Box::new(DataType::Utf8));
    Arc::new(Schema::new(vec![
        Field::new("churn_probability", DataType::Float64, true),
        Field::new("risk_level", names(), true),
        Field::new("warnings", DataType::UInt64, true),
        Field::new("top_reason_column", names(), true),
        Field::new("top_reason_contribution", DataType::Float64, true),
        Field::new("clv", DataType::Float64, true),
        Field::new("expected_value_lost", DataType::Float64, true),
        Field::new("best_action", names(), true),
        Field::new("error", DataType::Utf8, true),
    ]))
}

/// Small enums (risk levels, actions) as a dictionary of their wire names, in order of
/// first appearance.
fn wire_dictionary<T: Copy + PartialEq + serde::Serialize>(
    values: &[Option<T>],
) -> PyResult<ArrayRef> {
    let mut seen: Vec<T> = Vec::new();
    let keys: UInt32Array = values
        .iter()
        .map(|v| {
            v.map(|v| match seen.iter().position(|s| *s == v) {
                Some(k) => k as u32,
                None => {
                    seen.push(v);
                    (seen.len() - 1) as u32
                }
            })
        })
        .collect();
    let names = seen
        .iter()
        .map(|v| match serde_json::to_value(v) {
            Ok(serde_json::Value::String(s)) => Ok(s),
            _ => Err(invalid("assessment", "label", "has no name")),
        })
        .collect::<PyResult<Vec<String>>>()?;
    let dict = DictionaryArray::<UInt32Type>::try_new(keys, Arc::new(StringArray::from(names)))
        .map_err(|e| invalid("assessment", "labels", &e.to_string()))?;
    Ok(Arc::new(dict))
}

/// `Pipeline.assess_columns` of one batch: the core's columns moved into Arrow arrays.
fn columnar_batch(pipeline: &FittedPipeline, batch: &RecordBatch) -> PyResult<RecordBatch> {
    let table = Table::from_record_batch(batch, pipeline.schema()).map_err(py_err)?;
    let mut a = AssessmentColumns::default();
    pipeline.assess_columns(&table, &mut a).map_err(py_err)?;
    let n = a.len();
    let valid = NullBuffer::from(std::mem::take(&mut a.valid));
    let probability = Float64Array::new(
        ScalarBuffer::from(std::mem::take(&mut a.probability)),
        Some(valid.clone()),
    );
    let warnings = UInt64Array::new(
        ScalarBuffer::from(std::mem::take(&mut a.warnings)),
        Some(valid),
    );
    // The reason keys index the pipeline's source columns, so the dictionary is all of them.
    let sources: Vec<&str> = (0..).map_while(|s| pipeline.reason_column(s)).collect();
    let keys: UInt32Array = a.top_reason.iter().copied().collect();
    let contribution: Float64Array = a
        .top_reason
        .iter()
        .zip(&a.top_reason_contribution)
        .map(|(t, c)| t.map(|_| *c))
        .collect();
    let reason = DictionaryArray::<UInt32Type>::try_new(keys, Arc::new(StringArray::from(sources)))
        .map_err(|e| invalid("assessment", "reason columns", &e.to_string()))?;
    let mut error = StringBuilder::new();
    let mut bad = a.errors.iter().peekable();
    for r in 0..n {
        match bad.next_if(|(i, _)| *i == r) {
            Some((_, e)) => error.append_value(e.to_string()),
            None => error.append_null(),
        }
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(probability),
        wire_dictionary(&a.risk_level)?,
        Arc::new(warnings),
        Arc::new(reason),
        Arc::new(contribution),
        Arc::new(Float64Array::from(std::mem::take(&mut a.clv))),
        Arc::new(Float64Array::from(std::mem::take(
            &mut a.expected_value_lost,
        ))),
        wire_dictionary(&a.best_action)?,
        Arc::new(error.finish()),
    ];
    RecordBatch::try_new(columnar_schema(), columns)
        .map_err(|e| invalid("assessment", "columns", &e.to_string()))
}

/// AHP weights and consistency of a pairwise comparison matrix, as JSON.
#[pyfunction]
#[pyo3(signature = (matrix, method = "eigenvector"))]
fn ahp_priorities(matrix: PyReadonlyArray2<'_, f64>, method: &str) -> PyResult<String> {
    let m = wealthscore::ahp::PairwiseMatrix::from_array(matrix.as_array()).map_err(py_err)?;
    let method: wealthscore::ahp::PriorityMethod =
        serde_json::from_value(serde_json::Value::String(method.to_string())).map_err(|_| {
            invalid(
                "method",
                method,
                "is not a priority method; use eigenvector, geometric_mean or column_mean",
            )
        })?;
    let p = m.priorities(method).map_err(py_err)?;
    serde_json::to_string(&p).map_err(|e| invalid("priorities", "result", &e.to_string()))
}

/// Fuzzy comprehensive evaluation `B = A ∘ R`, read against the grades, as JSON.
#[pyfunction]
#[pyo3(signature = (weights, membership, operator = "weighted_average", normalisation = "require", grades = None))]
fn fce(
    weights: PyReadonlyArray1<'_, f64>,
    membership: PyReadonlyArray2<'_, f64>,
    operator: &str,
    normalisation: &str,
    grades: Option<Vec<(String, f64)>>,
) -> PyResult<String> {
    use wealthscore::fuzzy::{
        FuzzyEvaluation, GradeSet, MembershipMatrix, Normalisation, Operator,
    };
    let op: Operator = serde_json::from_value(serde_json::Value::String(operator.to_string()))
        .map_err(|_| {
            invalid(
                "operator",
                operator,
                "is not an operator; use min_max, product_max, min_bounded_sum or weighted_average",
            )
        })?;
    let norm = match normalisation {
        "require" => Normalisation::Require {
            tolerance: wealthscore::fuzzy::ROW_SUM_TOLERANCE,
        },
        "row_sum" => Normalisation::RowSum,
        "keep" => Normalisation::Keep,
        other => {
            return Err(invalid(
                "normalisation",
                other,
                "is not a normalisation; use require, row_sum or keep",
            ));
        }
    };
    let grades = match grades {
        None => GradeSet::default(),
        Some(g) => {
            let pairs: Vec<(&str, f64)> = g.iter().map(|(n, s)| (n.as_str(), *s)).collect();
            GradeSet::new(&pairs).map_err(py_err)?
        }
    };
    let w = weights
        .as_slice()
        .map_err(|_| invalid("weights", "array", "must be contiguous"))?;
    let r = MembershipMatrix::new(membership.as_array().to_owned(), norm).map_err(py_err)?;
    let raw = r.compose_raw(w, op).map_err(py_err)?;
    let e = FuzzyEvaluation::from_raw(raw, &grades).map_err(py_err)?;
    let out = serde_json::json!({
        "raw": e.raw,
        "b": e.b,
        "grade": e.grade,
        "grade_name": e.grade_name(&grades),
        "score": e.score,
        "effectiveness": e.effectiveness,
    });
    Ok(out.to_string())
}

/// Asset tier names (`mass`, `mid_net_worth`, `high_net_worth`) of AUM values under
/// a tiering policy given as JSON (the default policy when None).
#[pyfunction]
#[pyo3(signature = (aum, policy_json = None))]
fn asset_tiers(aum: PyReadonlyArray1<'_, f64>, policy_json: Option<&str>) -> PyResult<Vec<String>> {
    let policy: wealthscore::TieringPolicy = match policy_json {
        None => wealthscore::TieringPolicy::default(),
        Some(t) => serde_json::from_str(t)
            .map_err(|e| invalid("tiering policy", "JSON", &e.to_string()))?,
    };
    aum.as_array()
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let tier = policy
                .asset_tier(x)
                .map_err(|e| at(e, &format!("aum[{i}]")))?;
            match serde_json::to_value(tier) {
                Ok(serde_json::Value::String(s)) => Ok(s),
                _ => Err(invalid("tier", i, "has no name")),
            }
        })
        .collect()
}

fn rfm(
    frequency: &PyReadonlyArray1<'_, f64>,
    recency: &PyReadonlyArray1<'_, f64>,
    t: &PyReadonlyArray1<'_, f64>,
) -> PyResult<Vec<wealthscore::churn::lifetime::RfmSummary>> {
    let (f, r, t) = (frequency.as_array(), recency.as_array(), t.as_array());
    if f.len() != r.len() || f.len() != t.len() {
        return Err(py_err(wealthscore::Error::DimensionMismatch {
            what: "frequency, recency and T".into(),
            expected: f.len(),
            found: if r.len() != f.len() { r.len() } else { t.len() },
        }));
    }
    (0..f.len())
        .map(|i| {
            wealthscore::churn::lifetime::RfmSummary::new(f[i], r[i], t[i])
                .map_err(|e| at(e, &format!("client {i}")))
        })
        .collect()
}

/// The BG/NBD model of repeat transactions (Fader, Hardie & Lee 2005).
#[pyclass(module = "wealthscore._native", name = "BgNbd", frozen)]
struct PyBgNbd {
    inner: wealthscore::churn::lifetime::BgNbd,
    report: Option<String>,
}

#[pymethods]
impl PyBgNbd {
    /// A model with given parameters.
    #[new]
    fn new(r: f64, alpha: f64, a: f64, b: f64) -> PyResult<Self> {
        let inner = wealthscore::churn::lifetime::BgNbd::new(r, alpha, a, b).map_err(py_err)?;
        Ok(PyBgNbd {
            inner,
            report: None,
        })
    }

    /// Maximum-likelihood fit on per-client frequency, recency and age `T`.
    #[staticmethod]
    #[pyo3(signature = (frequency, recency, t, weights = None, max_iterations = 500, gradient_tolerance = 1e-7))]
    fn fit(
        py: Python<'_>,
        frequency: PyReadonlyArray1<'_, f64>,
        recency: PyReadonlyArray1<'_, f64>,
        t: PyReadonlyArray1<'_, f64>,
        weights: Option<PyReadonlyArray1<'_, f64>>,
        max_iterations: usize,
        gradient_tolerance: f64,
    ) -> PyResult<Self> {
        let data = rfm(&frequency, &recency, &t)?;
        let w: Option<Vec<f64>> = weights.map(|w| w.as_array().to_vec());
        let opts = wealthscore::churn::lifetime::FitOptions::default()
            .with_max_iterations(max_iterations)
            .with_gradient_tolerance(gradient_tolerance);
        let fitted = py
            .detach(|| match &w {
                None => wealthscore::churn::lifetime::BgNbd::fit(&data, &opts),
                Some(w) => wealthscore::churn::lifetime::BgNbd::fit_weighted(&data, Some(w), &opts),
            })
            .map_err(py_err)?;
        let report = serde_json::to_string(&fitted.report).ok();
        Ok(PyBgNbd {
            inner: fitted.model,
            report,
        })
    }

    /// `(r, alpha, a, b)`.
    #[getter]
    fn params(&self) -> (f64, f64, f64, f64) {
        (
            self.inner.r(),
            self.inner.alpha(),
            self.inner.a(),
            self.inner.b(),
        )
    }

    /// The optimiser's report of the fit as JSON (None for a model built by hand).
    #[getter]
    fn fit_report(&self) -> Option<String> {
        self.report.clone()
    }

    /// P(alive) of each client.
    fn probability_alive<'py>(
        &self,
        py: Python<'py>,
        frequency: PyReadonlyArray1<'_, f64>,
        recency: PyReadonlyArray1<'_, f64>,
        t: PyReadonlyArray1<'_, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let data = rfm(&frequency, &recency, &t)?;
        let mut out = vec![0.0; data.len()];
        py.detach(|| self.inner.probability_alive_batch(&data, &mut out))
            .map_err(py_err)?;
        Ok(out.into_pyarray(py))
    }

    /// Expected transactions of each client in the next `horizon` periods.
    fn conditional_expected_transactions<'py>(
        &self,
        py: Python<'py>,
        horizon: f64,
        frequency: PyReadonlyArray1<'_, f64>,
        recency: PyReadonlyArray1<'_, f64>,
        t: PyReadonlyArray1<'_, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let data = rfm(&frequency, &recency, &t)?;
        let out = data
            .iter()
            .enumerate()
            .map(|(i, s)| {
                self.inner
                    .conditional_expected_transactions(horizon, s)
                    .map_err(|e| at(e, &format!("client {i}")))
            })
            .collect::<PyResult<Vec<f64>>>()?;
        Ok(out.into_pyarray(py))
    }

    fn __repr__(&self) -> String {
        format!(
            "BgNbd(r={}, alpha={}, a={}, b={})",
            self.inner.r(),
            self.inner.alpha(),
            self.inner.a(),
            self.inner.b()
        )
    }
}

/// The CSV text of a synthetic core-banking export of `clients` rows (the columns of
/// `examples/schemas/core_banking.json`).
#[pyfunction]
#[pyo3(signature = (clients, seed = 42))]
fn synth_core_banking_csv(py: Python<'_>, clients: usize, seed: u64) -> PyResult<String> {
    use wealthscore::synth::{PortfolioConfig, core_banking, generate};
    let csv = py
        .detach(|| {
            let book = generate(
                &PortfolioConfig::default()
                    .with_clients(clients)
                    .with_seed(seed),
            )?;
            let mut csv = Vec::new();
            core_banking::write_csv(&mut csv, &book, &core_banking::ExportConfig::default())?;
            Ok::<_, wealthscore::Error>(csv)
        })
        .map_err(py_err)?;
    String::from_utf8(csv).map_err(|e| invalid("synthetic export", "CSV", &e.to_string()))
}

/// Parity checks, the pure Rust path with no Arrow: reads `csv` with the schema, fits
/// with the `PipelineConfig` given as JSON and saves the pipeline file at `path` with
/// `FittedPipeline::save`.
#[pyfunction]
fn _rust_fit_csv(schema_json: &str, csv: &str, config_json: &str, path: &str) -> PyResult<()> {
    let run = || {
        let schema = wealthscore::schema::Schema::from_json(schema_json)?;
        let config: PipelineConfig =
            serde_json::from_str(config_json).map_err(|e| wealthscore::Error::InvalidConfig {
                field: "config".into(),
                reason: e.to_string(),
            })?;
        let table = Table::read_csv(csv.as_bytes(), &schema)?;
        FittedPipeline::fit(schema, &table, &config)?
            .pipeline
            .save(path)
    };
    run().map_err(py_err)
}

/// Parity checks, the pure Rust path with no Arrow: loads the pipeline file at `path`
/// with `FittedPipeline::load`, reads `csv` with its schema, and returns the churn
/// probabilities of `predict` and of `assess` (NaN where a row is an error).
#[pyfunction]
fn _rust_score_csv(path: &str, csv: &str) -> PyResult<(Vec<f64>, Vec<f64>)> {
    let run = || {
        let pipeline = FittedPipeline::load(path)?;
        let table = Table::read_csv(csv.as_bytes(), pipeline.schema())?;
        let p = pipeline
            .predict(&table)?
            .into_iter()
            .map(|r| r.unwrap_or(f64::NAN))
            .collect();
        let a = pipeline
            .assess(&table)?
            .into_iter()
            .map(|r| r.map_or(f64::NAN, |a| a.churn_probability))
            .collect();
        Ok::<_, wealthscore::Error>((p, a))
    };
    run().map_err(py_err)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("WealthscoreError", m.py().get_type::<WealthscoreError>())?;
    m.add_class::<PySchema>()?;
    m.add_class::<PyPipeline>()?;
    m.add_class::<PyBgNbd>()?;
    m.add_function(wrap_pyfunction!(ahp_priorities, m)?)?;
    m.add_function(wrap_pyfunction!(fce, m)?)?;
    m.add_function(wrap_pyfunction!(asset_tiers, m)?)?;
    m.add_function(wrap_pyfunction!(out_of_time, m)?)?;
    m.add_function(wrap_pyfunction!(synth_core_banking_csv, m)?)?;
    m.add_function(wrap_pyfunction!(_rust_fit_csv, m)?)?;
    m.add_function(wrap_pyfunction!(_rust_score_csv, m)?)?;
    Ok(())
}
