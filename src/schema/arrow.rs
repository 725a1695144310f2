//! Apache Arrow in and out of a [`Table`] (cargo feature `arrow`).
//!
//! A `RecordBatch` is read by the schema's column names, as a CSV file is: any column
//! order, extra columns ignored, a missing column one error naming it, a bad cell that
//! row's error. `Float64` and `Date32` columns are shared with the batch, not copied
//! (sliced batches included); other numeric types are widened to `f64`; strings,
//! string views and dictionaries of strings become categories (or text for ids); Arrow
//! nulls are missing cells, filled as the schema's missing-value policy says.
//! [`Table::to_record_batch`] goes the other way, with categories as
//! `Dictionary<UInt32, Utf8>`.

use super::AssessmentColumns;
use super::spec::{ColumnSpec, ColumnType, Role, Schema};
use super::storage::{SharedSlice, Storage};
use super::table::{Categories, Column, Table, Validity, Values, find_header, named_twice};
use crate::error::{Error, Result};
use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, RecordBatch,
    StringArray,
};
use arrow_buffer::{NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field};
use std::collections::HashMap;
use std::sync::Arc;

impl<T: arrow_buffer::ArrowNativeType> SharedSlice<T> for ScalarBuffer<T> {
    fn as_slice(&self) -> &[T] {
        self
    }
}

fn arrow_err(e: arrow_schema::ArrowError) -> Error {
    Error::Parse {
        context: "Arrow record batch".into(),
        message: e.to_string(),
        source: Some(crate::error::ErrorSource::new(e)),
    }
}

/// The validity of `n` rows from Arrow's null buffer (any bit offset).
fn validity(nulls: Option<&NullBuffer>, n: usize) -> Option<Validity> {
    let nulls = nulls.filter(|b| b.null_count() > 0)?;
    let mut bits = vec![0u8; n.div_ceil(8)];
    for (i, valid) in nulls.iter().enumerate().take(n) {
        if valid {
            bits[i / 8] |= 1 << (i % 8);
        }
    }
    Validity::from_bytes(bits, n).ok()
}

/// Row errors of one column, named as CSV errors are.
type CellErrors = Vec<(usize, Error)>;

fn cell_error(
    row: usize,
    column: &str,
    value: impl std::fmt::Display,
    why: &str,
) -> (usize, Error) {
    (row, Error::invalid(column, value, why))
}

/// Any numeric Arrow array as `f64` values (a copy), with its nulls.
fn numbers(a: &dyn Array) -> Option<Vec<f64>> {
    macro_rules! widen {
        ($($t:ty),*) => {
            match a.data_type() {
                $(d if d == &<$t as arrow_array::types::ArrowPrimitiveType>::DATA_TYPE => {
                    // Integers beyond 2^53 round, as they do when read from CSV.
                    return Some(a.as_primitive::<$t>().values().iter().map(|&v| v as f64).collect());
                })*
                _ => None,
            }
        };
    }
    widen!(
        Float32Type,
        Int8Type,
        Int16Type,
        Int32Type,
        Int64Type,
        UInt8Type,
        UInt16Type,
        UInt32Type,
        UInt64Type
    )
}

/// The text of every row of a string-like array (`None` where null).
fn texts(a: &dyn Array) -> Option<Vec<Option<&str>>> {
    if let Some(s) = a.as_string_opt::<i32>() {
        return Some(s.iter().collect());
    }
    if let Some(s) = a.as_string_opt::<i64>() {
        return Some(s.iter().collect());
    }
    a.as_string_view_opt().map(|s| s.iter().collect())
}

fn number_column(
    name: &str,
    a: &dyn Array,
    integer: bool,
    id: bool,
) -> Result<(Column, CellErrors)> {
    let n = a.len();
    let nulls = validity(a.logical_nulls().as_ref(), n);
    let values: Storage<f64> = if let Some(f) = a.as_primitive_opt::<Float64Type>() {
        Storage::Shared(Arc::new(f.values().clone()))
    } else if let Some(v) = numbers(a) {
        v.into()
    } else if a.data_type() == &DataType::Boolean {
        let b = a.as_boolean();
        (0..n)
            .map(|i| f64::from(u8::from(b.value(i))))
            .collect::<Vec<_>>()
            .into()
    } else {
        return Err(type_error(name, a.data_type(), "a number"));
    };
    let mut errors = Vec::new();
    for (i, &v) in values.as_slice().iter().enumerate() {
        if nulls.as_ref().is_some_and(|m| !m.is_valid(i)) {
            continue;
        }
        if let Some(why) = super::table::number_problem(v, integer, id) {
            errors.push(cell_error(i, name, v, &why));
        }
    }
    Ok((Column::Number(Values::from_storage(values, nulls)?), errors))
}

fn boolean_column(
    spec: &ColumnSpec,
    a: &dyn Array,
    missing: &[String],
) -> Result<(Column, CellErrors)> {
    let name = &spec.name;
    let n = a.len();
    if let Some(b) = a.as_boolean_opt() {
        let values: Vec<bool> = (0..n).map(|i| b.value(i)).collect();
        let nulls = validity(b.logical_nulls().as_ref(), n);
        return Ok((Column::Boolean(Values::new(values, nulls)?), Vec::new()));
    }
    let (mut values, mut flags, mut errors) = (vec![false; n], vec![true; n], Vec::new());
    if let Some(t) = texts(a) {
        for (i, cell) in t.into_iter().enumerate() {
            match cell.map(str::trim).filter(|c| !is_missing(c, missing)) {
                None => flags[i] = false,
                Some(c) => match spec.parse_flag(c) {
                    Some(v) => values[i] = v,
                    None => {
                        flags[i] = false;
                        errors.push(cell_error(i, name, c, &spec.flag_spellings()));
                    }
                },
            }
        }
    } else if let Some(v) = numbers(a) {
        let nulls = a.logical_nulls();
        for (i, x) in v.into_iter().enumerate() {
            if nulls.as_ref().is_some_and(|m| m.is_null(i)) {
                flags[i] = false;
            } else if x == 0.0 || x == 1.0 {
                values[i] = x == 1.0;
            } else {
                flags[i] = false;
                errors.push(cell_error(i, name, x, "is not 1/0"));
            }
        }
    } else {
        return Err(type_error(name, a.data_type(), "a boolean"));
    }
    let validity = flags
        .iter()
        .any(|f| !f)
        .then(|| Validity::from_flags(&flags));
    Ok((Column::Boolean(Values::new(values, validity)?), errors))
}

fn date_column(name: &str, a: &dyn Array, missing: &[String]) -> Result<(Column, CellErrors)> {
    let n = a.len();
    if let Some(d) = a.as_primitive_opt::<Date32Type>() {
        let nulls = validity(d.logical_nulls().as_ref(), n);
        let values = Storage::Shared(Arc::new(d.values().clone()));
        return Ok((
            Column::Date(Values::from_storage(values, nulls)?),
            Vec::new(),
        ));
    }
    if let Some(d) = a.as_primitive_opt::<Date64Type>() {
        let nulls = validity(d.logical_nulls().as_ref(), n);
        let mut errors = Vec::new();
        let values = d
            .values()
            .iter()
            .enumerate()
            .map(|(i, &ms)| {
                i32::try_from(ms.div_euclid(86_400_000)).unwrap_or_else(|_| {
                    errors.push(cell_error(i, name, ms, "is out of the date range"));
                    0
                })
            })
            .collect();
        return Ok((Column::Date(Values::new(values, nulls)?), errors));
    }
    let Some(t) = texts(a) else {
        return Err(type_error(name, a.data_type(), "a date"));
    };
    let (mut values, mut flags, mut errors) = (vec![0; n], vec![true; n], Vec::new());
    for (i, cell) in t.into_iter().enumerate() {
        match cell.map(str::trim).filter(|c| !is_missing(c, missing)) {
            None => flags[i] = false,
            Some(c) => match super::table::parse_date_days(c) {
                Ok(d) => values[i] = d,
                Err(_) => {
                    flags[i] = false;
                    errors.push(cell_error(i, name, c, "is not a date YYYY-MM-DD"));
                }
            },
        }
    }
    let validity = flags
        .iter()
        .any(|f| !f)
        .then(|| Validity::from_flags(&flags));
    Ok((Column::Date(Values::new(values, validity)?), errors))
}

/// Level text of each row: strings as they are, dictionary entries looked up, integers
/// and booleans written as a CSV would hold them.
fn level_texts(a: &dyn Array) -> Option<Vec<Option<String>>> {
    if let Some(d) = a.as_any_dictionary_opt() {
        let values = level_texts(d.values().as_ref())?;
        if values.is_empty() {
            return Some(vec![None; a.len()]);
        }
        let keys = d.normalized_keys();
        let nulls = a.logical_nulls();
        return Some(
            keys.iter()
                .enumerate()
                .map(|(i, &k)| {
                    if nulls.as_ref().is_some_and(|m| m.is_null(i)) {
                        None
                    } else {
                        values.get(k).cloned().flatten()
                    }
                })
                .collect(),
        );
    }
    if let Some(t) = texts(a) {
        return Some(t.into_iter().map(|c| c.map(str::to_string)).collect());
    }
    let nulls = a.logical_nulls();
    let present = |i: usize| nulls.as_ref().is_none_or(|m| m.is_valid(i));
    if let Some(b) = a.as_boolean_opt() {
        return Some(
            (0..a.len())
                .map(|i| present(i).then(|| b.value(i).to_string()))
                .collect(),
        );
    }
    let v = numbers(a).or_else(|| {
        a.as_primitive_opt::<Float64Type>()
            .map(|f| f.values().to_vec())
    })?;
    Some(
        v.into_iter()
            .enumerate()
            .map(|(i, x)| present(i).then(|| super::table::format_number(x)))
            .collect(),
    )
}

fn category_column(
    name: &str,
    a: &dyn Array,
    levels: Option<&[String]>,
    missing: &[String],
) -> Result<(Column, CellErrors)> {
    let Some(cells) = level_texts(a) else {
        return Err(type_error(name, a.data_type(), "category levels"));
    };
    let n = cells.len();
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut all: Vec<String> = Vec::new();
    for l in levels.unwrap_or_default() {
        index.insert(l.clone(), all.len() as u32);
        all.push(l.clone());
    }
    let (mut codes, mut flags, mut errors) = (vec![0u32; n], vec![true; n], Vec::new());
    for (i, cell) in cells.iter().enumerate() {
        let Some(c) = cell
            .as_deref()
            .map(str::trim)
            .filter(|c| !is_missing(c, missing))
        else {
            flags[i] = false;
            continue;
        };
        match index.get(c) {
            Some(&k) => codes[i] = k,
            None if levels.is_some() => {
                flags[i] = false;
                let why = format!("is not one of the declared levels {}", all.join(", "));
                errors.push(cell_error(i, name, c, &why));
            }
            None => {
                let k = all.len() as u32;
                index.insert(c.to_string(), k);
                all.push(c.to_string());
                codes[i] = k;
            }
        }
    }
    let validity = flags
        .iter()
        .any(|f| !f)
        .then(|| Validity::from_flags(&flags));
    let cats = Categories::new(Values::new(codes, validity)?, all)?;
    Ok((Column::Category(cats), errors))
}

fn text_column(name: &str, a: &dyn Array, missing: &[String]) -> Result<(Column, CellErrors)> {
    let Some(cells) = level_texts(a) else {
        return Err(type_error(name, a.data_type(), "text"));
    };
    let flags: Vec<bool> = cells
        .iter()
        .map(|c| c.as_deref().is_some_and(|c| !is_missing(c.trim(), missing)))
        .collect();
    let values: Vec<String> = cells.into_iter().map(Option::unwrap_or_default).collect();
    let validity = flags
        .iter()
        .any(|f| !f)
        .then(|| Validity::from_flags(&flags));
    Ok((Column::Text(Values::new(values, validity)?), Vec::new()))
}

fn is_missing(cell: &str, tokens: &[String]) -> bool {
    cell.is_empty() || tokens.iter().any(|m| m == cell)
}

fn type_error(name: &str, found: &DataType, wanted: &str) -> Error {
    Error::invalid(
        format!("column `{name}`"),
        found,
        format!("an Arrow column of this type cannot be read as {wanted}"),
    )
}

impl Table {
    /// Reads an Arrow `RecordBatch` by the schema's column names (feature `arrow`).
    ///
    /// Columns may come in any order and extra columns are ignored; the columns the
    /// schema reads that the batch lacks are one error naming them (the label may be
    /// absent). A column whose Arrow type cannot hold the schema's type is an error
    /// naming it. A bad cell (NaN, a fraction in an integer column, an undeclared level)
    /// is that row's error in [`Table::row_errors`], named `row i: column`; the other
    /// rows are unaffected. `Float64` and `Date32` values are shared with the batch.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
    /// use wealthscore::schema::{Schema, Table};
    /// let schema = Schema::from_json(r#"{"columns": [
    ///     {"name": "tenure", "type": "number"},
    ///     {"name": "plan", "type": "category"}]}"#)?;
    /// let batch = RecordBatch::try_from_iter([
    ///     ("plan", Arc::new(StringArray::from(vec![Some("basic"), None])) as ArrayRef),
    ///     ("tenure", Arc::new(Float64Array::from(vec![3.0, 40.0])) as ArrayRef),
    /// ]).unwrap();
    /// let t = Table::from_record_batch(&batch, &schema)?;
    /// assert_eq!(t.column("tenure").unwrap().number(1), Some(40.0));
    /// assert!(!t.column("plan").unwrap().is_valid(1));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_record_batch(batch: &RecordBatch, schema: &Schema) -> Result<Table> {
        Table::from_record_batch_at(batch, schema, 0)
    }

    /// As [`Table::from_record_batch`], naming rows from `first_row` on (the batch's
    /// place in a larger file).
    pub(crate) fn from_record_batch_at(
        batch: &RecordBatch,
        schema: &Schema,
        first_row: usize,
    ) -> Result<Table> {
        let header: Vec<String> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let twice = named_twice(
            &header,
            schema
                .columns
                .iter()
                .filter(|c| c.is_read())
                .map(|c| c.name.as_str()),
        );
        if !twice.is_empty() {
            return Err(Error::invalid(
                "record batch",
                twice.join(", "),
                "the batch has more than one field of these names, so which one the schema \
                 reads is ambiguous: rename or drop the copies",
            ));
        }
        let mut absent = Vec::new();
        let mut columns = Vec::new();
        let mut errors: CellErrors = Vec::new();
        for c in schema.columns.iter().filter(|c| c.is_read()) {
            let Some(j) = find_header(&header, &c.name) else {
                if c.role != Role::Label {
                    absent.push(c.name.clone());
                }
                continue;
            };
            let a = batch.column(j).as_ref();
            let missing = &schema.missing_values;
            let (col, errs) = match c.kind {
                ColumnType::Number => number_column(&c.name, a, false, c.role == Role::Id)?,
                ColumnType::Integer => number_column(&c.name, a, true, c.role == Role::Id)?,
                ColumnType::Boolean => boolean_column(c, a, missing)?,
                ColumnType::Date => date_column(&c.name, a, missing)?,
                ColumnType::Category => category_column(&c.name, a, c.levels.as_deref(), missing)?,
                _ => text_column(&c.name, a, missing)?,
            };
            columns.push((c.name.clone(), col));
            errors.extend(errs);
        }
        if !absent.is_empty() {
            return Err(Error::invalid(
                "record batch",
                absent.join(", "),
                "lacks these columns of the schema",
            ));
        }
        // One error per row: the first bad cell, as CSV reading reports it.
        errors.sort_by_key(|(r, _)| *r);
        errors.dedup_by_key(|(r, _)| *r);
        let errors = errors
            .into_iter()
            .map(|(r, e)| (r, e.within(|f| format!("row {}: {f}", first_row + r))))
            .collect();
        let t = Table::from_columns(columns)?.with_row_errors(errors);
        Ok(t.with_schema_hash(schema))
    }

    /// The table as an Arrow `RecordBatch` (feature `arrow`): numbers as `Float64`,
    /// booleans as `Boolean`, categories as `Dictionary<UInt32, Utf8>`, dates as
    /// `Date32`, text as `Utf8`; missing cells are nulls.
    ///
    /// ```
    /// let x = ndarray::array![[1.0, f64::NAN], [3.0, 4.0]];
    /// let t = wealthscore::schema::Table::from_array(x.view(), &["a", "b"])?;
    /// let batch = t.to_record_batch()?;
    /// assert_eq!(batch.num_rows(), 2);
    /// assert_eq!(arrow_array::Array::null_count(batch.column(1).as_ref()), 1);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn to_record_batch(&self) -> Result<RecordBatch> {
        let mut fields = Vec::with_capacity(self.names().len());
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.names().len());
        for (name, col) in self.names().iter().zip(self.columns()) {
            let a: ArrayRef = match col {
                Column::Number(v) => Arc::new(Float64Array::new(
                    v.values().to_vec().into(),
                    nulls_of(v.validity()),
                )),
                Column::Boolean(v) => Arc::new(BooleanArray::new(
                    v.values().iter().copied().collect(),
                    nulls_of(v.validity()),
                )),
                Column::Date(v) => Arc::new(Date32Array::new(
                    v.values().to_vec().into(),
                    nulls_of(v.validity()),
                )),
                Column::Text(v) => Arc::new(StringArray::from_iter(
                    (0..v.len()).map(|i| v.get(i).map(String::as_str)),
                )),
                Column::Category(c) => {
                    let keys = arrow_array::UInt32Array::new(
                        c.codes().values().to_vec().into(),
                        nulls_of(c.codes().validity()),
                    );
                    let levels = StringArray::from_iter_values(c.levels());
                    Arc::new(
                        DictionaryArray::<UInt32Type>::try_new(keys, Arc::new(levels))
                            .map_err(arrow_err)?,
                    )
                }
            };
            fields.push(Field::new(name, a.data_type().clone(), a.null_count() > 0));
            arrays.push(a);
        }
        let schema = Arc::new(arrow_schema::Schema::new(fields));
        RecordBatch::try_new(schema, arrays).map_err(arrow_err)
    }
}

fn nulls_of(v: Option<&Validity>) -> Option<NullBuffer> {
    v.map(|v| {
        NullBuffer::new(arrow_buffer::BooleanBuffer::new(
            arrow_buffer::Buffer::from(v.as_bytes()),
            0,
            v.len(),
        ))
    })
}

/// A serde enum's wire name (`high`, `service_remediation`), as JSON output shows it.
fn wire_name<T: serde::Serialize>(v: &T) -> Option<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

impl super::FittedPipeline {
    /// Assesses an Arrow batch into a batch of results, one row per input row in order
    /// (feature `arrow`): `id`, `churn_probability`, `risk_level`, `warnings` (names,
    /// comma-separated), `top_reason` (as a person reads it, e.g. `contract =
    /// month-to-month`), `top_reason_column`, `top_reason_contribution`, `clv`,
    /// `expected_value_lost`, `best_action`, and `error` — null on rows that were
    /// assessed, the message on rows that were not (their other cells are null).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
    /// use wealthscore::schema::{FittedPipeline, PipelineConfig, Schema, Table};
    /// let schema = Schema::from_json(r#"{"columns": [
    ///     {"name": "churned", "type": "boolean", "role": "label"},
    ///     {"name": "calls", "type": "number", "cause": "service"}]}"#)?;
    /// let csv = "churned,calls\n1,5\n0,1\n1,4\n0,0\n1,6\n0,2\n";
    /// let table = Table::read_csv(csv.as_bytes(), &schema)?;
    /// let fitted = FittedPipeline::fit(schema, &table, &PipelineConfig::default())?.pipeline;
    /// let batch = RecordBatch::try_from_iter([
    ///     ("calls", Arc::new(Float64Array::from(vec![Some(7.0), None])) as ArrayRef),
    /// ]).unwrap();
    /// let out = fitted.assess_record_batch(&batch)?;
    /// assert_eq!(out.num_rows(), 2);
    /// assert!(out.column_by_name("churn_probability").is_some());
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn assess_record_batch(&self, batch: &RecordBatch) -> Result<RecordBatch> {
        self.assess_table_to_record_batch(&Table::from_record_batch(batch, self.schema())?)
    }

    /// The assessments of a table read with this pipeline's schema (a CSV, or one batch
    /// of a Parquet file) as a record batch, with the columns of
    /// [`Self::assess_record_batch`].
    ///
    /// ```
    /// use wealthscore::schema::{FittedPipeline, PipelineConfig, Schema, Table};
    /// let schema = Schema::from_json(r#"{"columns": [
    ///   {"name": "left", "type": "boolean", "role": "label"},
    ///   {"name": "calls", "type": "number"}]}"#)?;
    /// let csv = "calls,left\n1,no\n6,yes\n2,no\n7,yes\n";
    /// let table = Table::read_csv(csv.as_bytes(), &schema)?;
    /// let fitted = FittedPipeline::fit(schema, &table, &PipelineConfig::default())?.pipeline;
    /// let out = fitted.assess_table_to_record_batch(&table)?;
    /// assert_eq!(out.num_rows(), 4);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn assess_table_to_record_batch(&self, table: &Table) -> Result<RecordBatch> {
        use std::fmt::Write as _;
        let mut a = AssessmentColumns::default();
        self.assess_columns(table, &mut a)?;
        let bound = self.bind(table)?;
        let names: Vec<&str> = self.warning_names().collect();
        let n = a.len();
        // Text written straight into the arrays' buffers: no string per cell.
        let text = || StringBuilder::with_capacity(n, 16 * n);
        let (mut id, mut level, mut warnings) = (text(), text(), text());
        let (mut reason, mut reason_col, mut action, mut error) = (text(), text(), text(), text());
        let id_column = self
            .schema()
            .columns
            .iter()
            .find(|c| c.role == Role::Id)
            .and_then(|c| table.column(&c.name));
        for r in 0..n {
            match id_column {
                Some(Column::Text(v)) => id.append_option(v.get(r)),
                Some(c) => id.append_option(c.display(r)),
                None => id.append_null(),
            }
            level.append_option(a.risk_level[r].as_ref().and_then(wire_name));
            action.append_option(a.best_action[r].as_ref().and_then(wire_name));
            if a.valid[r] {
                let bits = a.warnings[r];
                let fired = names
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| bits & (1 << k) != 0);
                for (m, (_, w)) in fired.enumerate() {
                    let _ = write!(warnings, "{}{w}", if m > 0 { ", " } else { "" });
                }
                warnings.append_value("");
            } else {
                warnings.append_null();
            }
            match a.top_reason[r]
                .and_then(|s| self.write_reason(&bound, r, s as usize, &mut reason))
            {
                Some(column) => {
                    reason.append_value("");
                    reason_col.append_value(column);
                }
                None => {
                    reason.append_null();
                    reason_col.append_null();
                }
            }
        }
        let mut errors = a.errors.iter().peekable();
        for r in 0..n {
            match errors.next_if(|(i, _)| *i == r) {
                Some((_, e)) => {
                    let _ = write!(error, "{e}");
                    error.append_value("");
                }
                None => error.append_null(),
            }
        }
        let p: Vec<Option<f64>> = (0..n)
            .map(|r| a.valid[r].then(|| a.probability[r]))
            .collect();
        let reason_c = (0..n)
            .map(|r| a.top_reason[r].map(|_| a.top_reason_contribution[r]))
            .collect();
        let clv = std::mem::take(&mut a.clv);
        let lost = std::mem::take(&mut a.expected_value_lost);
        let text = |mut b: StringBuilder| Arc::new(b.finish()) as ArrayRef;
        let num = |v: Vec<Option<f64>>| Arc::new(Float64Array::from(v)) as ArrayRef;
        // Every field nullable whatever this table holds: batches of one stream share one
        // schema (`try_from_iter` would mark a field nullable only when it has a null).
        RecordBatch::try_from_iter_with_nullable([
            ("id", text(id), true),
            ("churn_probability", num(p), true),
            ("risk_level", text(level), true),
            ("warnings", text(warnings), true),
            ("top_reason", text(reason), true),
            ("top_reason_column", text(reason_col), true),
            ("top_reason_contribution", num(reason_c), true),
            ("clv", num(clv), true),
            ("expected_value_lost", num(lost), true),
            ("best_action", text(action), true),
            ("error", text(error), true),
        ])
        .map_err(arrow_err)
    }
}
