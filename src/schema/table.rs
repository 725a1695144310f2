//! The columnar [`Table`]: named, typed columns, read from CSV by header name or built
//! from `ndarray` or from columns directly.
//!
//! The layout follows Apache Arrow's so that Arrow arrays can be moved in with at most one
//! copy of their buffers: numbers are `Vec<f64>` (Arrow `Float64`), dates are days since
//! 1970-01-01 as `Vec<i32>` (Arrow `Date32`), categories are dictionary-encoded as `u32`
//! codes into a list of level strings (Arrow `Dictionary<UInt32, Utf8>`), and missing
//! cells are a validity bitmap in Arrow's bit order (bit `i % 8` of byte `i / 8`, 1 =
//! present). Integers are held as `f64` (exact up to 2^53).

use super::spec::{ColumnSpec, ColumnType, CsvFormat, Role, Schema};
use super::storage::Storage;
use crate::client::parse_iso_date;
use crate::error::{Error, Result};
use ndarray::ArrayView2;
use std::collections::HashMap;

/// A validity bitmap: bit `i` is 1 when row `i` holds a value (Arrow's layout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validity {
    bits: Vec<u8>,
    len: usize,
}

impl Validity {
    /// From one flag per row (`true` = present).
    ///
    /// ```
    /// let v = wealthscore::schema::Validity::from_flags(&[true, false, true]);
    /// assert!(v.is_valid(0) && !v.is_valid(1));
    /// assert_eq!(v.null_count(), 1);
    /// ```
    pub fn from_flags(flags: &[bool]) -> Self {
        let mut bits = vec![0u8; flags.len().div_ceil(8)];
        for (i, &f) in flags.iter().enumerate() {
            if f {
                bits[i / 8] |= 1 << (i % 8);
            }
        }
        Validity {
            bits,
            len: flags.len(),
        }
    }
    /// From Arrow-layout bytes and a length; the bytes must cover the length.
    pub fn from_bytes(bits: Vec<u8>, len: usize) -> Result<Self> {
        if bits.len() < len.div_ceil(8) {
            return Err(Error::dims("validity bytes", len.div_ceil(8), bits.len()));
        }
        Ok(Validity { bits, len })
    }
    /// The bytes, in Arrow's layout.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bits
    }
    /// Number of rows covered.
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether it covers no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Flags of rows `start..start + out.len()` into `out` (false past the end), a
    /// byte of the bitmap at a time.
    pub(crate) fn flags_into(&self, start: usize, out: &mut [bool]) {
        let mut i = start;
        let mut k = 0;
        // Unaligned head, bit by bit.
        while !i.is_multiple_of(8) && k < out.len() {
            out[k] = self.is_valid(i);
            i += 1;
            k += 1;
        }
        for block in out[k..].chunks_mut(8) {
            let byte = if i + 8 <= self.len {
                self.bits.get(i / 8).copied().unwrap_or(0)
            } else {
                // The last byte: bits past `len` may be set.
                (0..8).fold(0u8, |b, t| b | (u8::from(self.is_valid(i + t)) << t))
            };
            for (t, o) in block.iter_mut().enumerate() {
                *o = byte & (1 << t) != 0;
            }
            i += 8;
        }
    }

    /// Whether row `i` holds a value (false beyond the end).
    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        i < self.len
            && self
                .bits
                .get(i / 8)
                .is_some_and(|b| b & (1 << (i % 8)) != 0)
    }
    /// Number of missing rows.
    pub fn null_count(&self) -> usize {
        (0..self.len).filter(|&i| !self.is_valid(i)).count()
    }
}

/// Values of one type with an optional validity bitmap (`None`: no cell is missing).
#[derive(Debug, Clone, PartialEq)]
pub struct Values<T> {
    values: Storage<T>,
    validity: Option<Validity>,
}

impl<T> Values<T> {
    /// Builds values; the validity, when given, must have the same length.
    pub fn new(values: Vec<T>, validity: Option<Validity>) -> Result<Self> {
        if let Some(v) = &validity
            && v.len() != values.len()
        {
            return Err(Error::dims("validity vs values", values.len(), v.len()));
        }
        Ok(Values {
            values: values.into(),
            validity,
        })
    }
    /// Values kept where they are (e.g. shared with an Arrow buffer).
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn from_storage(values: Storage<T>, validity: Option<Validity>) -> Result<Self> {
        if let Some(v) = &validity
            && v.len() != values.as_slice().len()
        {
            return Err(Error::dims(
                "validity vs values",
                values.as_slice().len(),
                v.len(),
            ));
        }
        Ok(Values { values, validity })
    }
    /// The values (a missing cell holds an unspecified value).
    pub fn values(&self) -> &[T] {
        self.values.as_slice()
    }
    /// The validity bitmap, if any cell is missing.
    pub fn validity(&self) -> Option<&Validity> {
        self.validity.as_ref()
    }
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values().len()
    }
    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.values().is_empty()
    }
    /// The value of row `i`, `None` when missing or out of range.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&T> {
        match &self.validity {
            Some(v) if !v.is_valid(i) => None,
            _ => self.values().get(i),
        }
    }
    fn take(&self, rows: &[usize]) -> Result<Self>
    where
        T: Clone + Default,
    {
        let mut values = Vec::with_capacity(rows.len());
        let mut flags = Vec::with_capacity(rows.len());
        for &r in rows {
            if r >= self.len() {
                return Err(Error::invalid("row", r, "is beyond the table"));
            }
            let v = self.get(r);
            flags.push(v.is_some());
            values.push(v.cloned().unwrap_or_default());
        }
        let validity = self.validity.as_ref().map(|_| Validity::from_flags(&flags));
        Ok(Values {
            values: values.into(),
            validity,
        })
    }
}

/// Dictionary-encoded levels: row `i` is `levels[codes[i]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Categories {
    codes: Values<u32>,
    levels: Vec<String>,
}

impl Categories {
    /// Builds a category column; every present code must index `levels`.
    ///
    /// ```
    /// use wealthscore::schema::{Categories, Values};
    /// let c = Categories::new(Values::new(vec![1, 0, 1], None)?, vec!["a".into(), "b".into()])?;
    /// assert_eq!(c.get(0), Some("b"));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn new(codes: Values<u32>, levels: Vec<String>) -> Result<Self> {
        for i in 0..codes.len() {
            if let Some(&c) = codes.get(i)
                && c as usize >= levels.len()
            {
                return Err(Error::invalid(
                    format!("codes[{i}]"),
                    c,
                    format!("must index the {} levels", levels.len()),
                ));
            }
        }
        Ok(Categories { codes, levels })
    }
    /// From level texts (`None` = missing), building the dictionary in order of appearance.
    pub fn from_strs<'a>(cells: impl IntoIterator<Item = Option<&'a str>>) -> Self {
        let mut b = CatBuilder::default();
        for c in cells {
            match c {
                Some(s) => b.push(s),
                None => b.push_missing(),
            }
        }
        b.finish()
    }
    /// The codes.
    pub fn codes(&self) -> &Values<u32> {
        &self.codes
    }
    /// The level strings.
    pub fn levels(&self) -> &[String] {
        &self.levels
    }
    /// The level of row `i`.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.codes
            .get(i)
            .and_then(|&c| self.levels.get(c as usize))
            .map(String::as_str)
    }
}

#[derive(Default)]
struct CatBuilder {
    codes: Vec<u32>,
    flags: Vec<bool>,
    index: HashMap<String, u32>,
    levels: Vec<String>,
    missing: bool,
}

impl CatBuilder {
    fn code(&mut self, s: &str) -> u32 {
        if let Some(&c) = self.index.get(s) {
            return c;
        }
        let c = self.levels.len() as u32;
        self.index.insert(s.to_string(), c);
        self.levels.push(s.to_string());
        c
    }
    fn push(&mut self, s: &str) {
        let c = self.code(s);
        self.codes.push(c);
        self.flags.push(true);
    }
    fn push_missing(&mut self) {
        self.codes.push(0);
        self.flags.push(false);
        self.missing = true;
    }
    fn finish(self) -> Categories {
        let validity = self.missing.then(|| Validity::from_flags(&self.flags));
        Categories {
            codes: Values {
                values: self.codes.into(),
                validity,
            },
            levels: self.levels,
        }
    }
}

/// One column of a [`Table`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Column {
    /// Numbers and integers.
    Number(Values<f64>),
    /// Booleans.
    Boolean(Values<bool>),
    /// Dictionary-encoded levels.
    Category(Categories),
    /// Days since 1970-01-01.
    Date(Values<i32>),
    /// Free text (ids).
    Text(Values<String>),
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Number(v) => v.len(),
            Column::Boolean(v) => v.len(),
            Column::Category(c) => c.codes.len(),
            Column::Date(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }
    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The kind of cells, as a schema type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Column::Number(_) => "number",
            Column::Boolean(_) => "boolean",
            Column::Category(_) => "category",
            Column::Date(_) => "date",
            Column::Text(_) => "text",
        }
    }
    /// Row `i` as a number: numbers as they are, booleans as 0/1, dates as days since
    /// 1970-01-01; `None` when missing or not numeric.
    #[inline]
    pub fn number(&self, i: usize) -> Option<f64> {
        match self {
            Column::Number(v) => v.get(i).copied(),
            Column::Boolean(v) => v.get(i).map(|&b| f64::from(u8::from(b))),
            Column::Date(v) => v.get(i).map(|&d| f64::from(d)),
            _ => None,
        }
    }
    /// Whether row `i` holds a value.
    pub fn is_valid(&self, i: usize) -> bool {
        match self {
            Column::Number(v) => v.get(i).is_some(),
            Column::Boolean(v) => v.get(i).is_some(),
            Column::Category(c) => c.codes.get(i).is_some(),
            Column::Date(v) => v.get(i).is_some(),
            Column::Text(v) => v.get(i).is_some(),
        }
    }
    /// Row `i` as text, as a person reads it (`None` when missing).
    pub fn display(&self, i: usize) -> Option<String> {
        match self {
            Column::Number(v) => v.get(i).map(|x| format_number(*x)),
            Column::Boolean(v) => v.get(i).map(|b| if *b { "yes" } else { "no" }.to_string()),
            Column::Category(c) => c.get(i).map(str::to_string),
            Column::Date(v) => v.get(i).map(|&d| format_date(d)),
            Column::Text(v) => v.get(i).cloned(),
        }
    }
    fn take(&self, rows: &[usize]) -> Result<Column> {
        Ok(match self {
            Column::Number(v) => Column::Number(v.take(rows)?),
            Column::Boolean(v) => Column::Boolean(v.take(rows)?),
            Column::Category(c) => Column::Category(Categories {
                codes: c.codes.take(rows)?,
                levels: c.levels.clone(),
            }),
            Column::Date(v) => Column::Date(v.take(rows)?),
            Column::Text(v) => Column::Text(v.take(rows)?),
        })
    }
}

/// Largest magnitude a number cell may hold. Far beyond any amount, count or rate, yet
/// small enough that squares and products of two stay finite: a larger value is a
/// sentinel or an overflow upstream, and would saturate a model or a lifetime value.
pub const LARGEST_VALUE: f64 = 1e100;

/// Largest whole number an f64 holds exactly: an id beyond it would change.
const EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Why the value `v` of a number cell is refused, if it is: not finite, beyond
/// [`LARGEST_VALUE`], a fraction in an `integer` column, or (in an `id` column) an id a
/// number cannot hold exactly.
pub(crate) fn number_problem(v: f64, integer: bool, id: bool) -> Option<String> {
    if !v.is_finite() {
        Some("must be a finite number".into())
    } else if v.abs() > LARGEST_VALUE {
        Some(
            "is beyond ±1e100: a placeholder or an overflow upstream? List it in \
             `missing_values`, or fix the export"
                .into(),
        )
    } else if id && (v.fract() != 0.0 || v.abs() > EXACT_INTEGER) {
        Some(format!(
            "cannot be held exactly as a number id (whole numbers up to {EXACT_INTEGER:.0}): \
             declare the id column `\"type\": \"text\"`"
        ))
    } else if integer && v.fract() != 0.0 {
        Some("is not a whole number".into())
    } else {
        None
    }
}

/// A number as a person reads it: whole numbers without decimals, others with up to four
/// significant decimals.
pub(crate) fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() <= EXACT_INTEGER {
        format!("{x:.0}")
    } else if x.abs() >= 1e15 {
        // Not three hundred digits.
        format!("{x:e}")
    } else if x.abs() >= 100.0 {
        format!("{x:.2}")
    } else {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's algorithm,
/// written out because the crate has no date dependency).
pub(crate) fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of days since 1970-01-01.
pub(crate) fn format_date(days: i32) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses a date cell into days since 1970-01-01.
pub(crate) fn parse_date_days(s: &str) -> Result<i32> {
    let (y, m, d) = parse_iso_date(s)?;
    Ok(days_from_civil(y, m, d))
}

/// Parses a boolean cell: true/false, yes/no, y/n, t/f, 1/0, any case.
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "t" | "1" | "1.0" => Some(true),
        "false" | "no" | "n" | "f" | "0" | "0.0" => Some(false),
        _ => None,
    }
}

/// Named columns of equal length, with the rows' errors found while reading.
///
/// ```
/// use wealthscore::schema::{Schema, Table};
/// let schema = Schema::from_json(r#"{"columns": [
///     {"name": "id", "type": "text", "role": "id"},
///     {"name": "calls", "type": "integer"},
///     {"name": "plan", "type": "category"}]}"#)?;
/// // Any column order; extra columns are ignored; a bad cell is that row's error.
/// let csv = "plan,extra,calls,id\nbasic,x,3,A\npremium,y,many,B\n";
/// let t = Table::read_csv(csv.as_bytes(), &schema)?;
/// assert_eq!(t.n_rows(), 2);
/// assert_eq!(t.column("calls").unwrap().number(0), Some(3.0));
/// let (row, err) = &t.row_errors()[0];
/// assert_eq!(*row, 1);
/// assert!(err.to_string().contains("line 3: calls"));
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
    rows: usize,
    /// Physical line of each row in its CSV file (header = line 1), when read from CSV.
    lines: Option<Vec<u64>>,
    /// Errors found while reading, by row, sorted by row.
    errors: Vec<(usize, Error)>,
    /// Hash of the schema the table was read with.
    schema_hash: Option<String>,
}

impl Table {
    /// A table of columns; names must be distinct and lengths equal.
    ///
    /// ```
    /// use wealthscore::schema::{Column, Table, Values};
    /// let t = Table::from_columns(vec![
    ///     ("x".into(), Column::Number(Values::new(vec![1.0, 2.0], None)?)),
    /// ])?;
    /// assert_eq!(t.n_rows(), 2);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_columns(columns: Vec<(String, Column)>) -> Result<Self> {
        let rows = columns.first().map_or(0, |(_, c)| c.len());
        let mut names = Vec::with_capacity(columns.len());
        let mut cols = Vec::with_capacity(columns.len());
        for (name, c) in columns {
            if names.contains(&name) {
                return Err(Error::invalid("columns", &name, "appears twice"));
            }
            if c.len() != rows {
                return Err(Error::dims(
                    format!("rows of column `{name}`"),
                    rows,
                    c.len(),
                ));
            }
            names.push(name);
            cols.push(c);
        }
        Ok(Table {
            names,
            columns: cols,
            rows,
            lines: None,
            errors: Vec::new(),
            schema_hash: None,
        })
    }

    /// A table of number columns from a matrix; NaN cells are missing.
    ///
    /// ```
    /// let x = ndarray::array![[1.0, f64::NAN], [3.0, 4.0]];
    /// let t = wealthscore::schema::Table::from_array(x.view(), &["a", "b"])?;
    /// assert_eq!(t.column("b").unwrap().number(0), None);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_array(x: ArrayView2<f64>, names: &[&str]) -> Result<Self> {
        crate::error::check::same_len("column names vs matrix columns", x.ncols(), names.len())?;
        let mut cols = Vec::with_capacity(names.len());
        for (j, name) in names.iter().enumerate() {
            let col = x.column(j);
            let values: Vec<f64> = col.iter().copied().collect();
            if let Some(i) = values.iter().position(|v| v.is_infinite()) {
                return Err(Error::NonFinite {
                    field: format!("row {i}: {name}"),
                });
            }
            let flags: Vec<bool> = values.iter().map(|v| !v.is_nan()).collect();
            let validity = flags
                .iter()
                .any(|f| !f)
                .then(|| Validity::from_flags(&flags));
            cols.push((
                name.to_string(),
                Column::Number(Values {
                    values: values.into(),
                    validity,
                }),
            ));
        }
        Table::from_columns(cols)
    }

    /// Reads CSV with a header row, taking the schema's read columns by header name.
    ///
    /// Columns may come in any order and extra columns are ignored. A header lacking
    /// columns the schema reads is one error naming all of them (the label column may be
    /// absent: data to score need not be labelled), and so is a header naming one of them
    /// twice. A bad cell (not a number, not a date, an undeclared level, a row with too few
    /// fields or a non-empty one past the header's end) makes that row an error naming its
    /// physical line (the header is line 1) and column, in [`Table::row_errors`]; the
    /// other rows are unaffected. Cells are trimmed; an empty cell or one of
    /// [`Schema::missing_values`] is missing.
    pub fn read_csv<R: std::io::Read>(reader: R, schema: &Schema) -> Result<Self> {
        // The delimiter is ASCII (checked by `Schema::validate`).
        let delimiter = u8::try_from(schema.csv.delimiter).unwrap_or(b',');
        let (counting, newlines) = crate::csvlines::LineCounter::new(reader);
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .delimiter(delimiter)
            .from_reader(counting);
        // Bytes, not text: a name or cell that is not UTF-8 (a Windows-1252 export, say)
        // matters only in a column the schema reads.
        let header: Vec<String> = r
            .byte_headers()?
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        let read: Vec<_> = schema.columns.iter().filter(|c| c.is_read()).collect();
        let mut index = Vec::with_capacity(read.len());
        let mut absent = Vec::new();
        for c in &read {
            match find_header(&header, &c.name) {
                Some(j) => index.push(Some(j)),
                None if c.role == Role::Label => index.push(None),
                None => {
                    absent.push(c.name.as_str());
                    index.push(None);
                }
            }
        }
        let twice = named_twice(&header, read.iter().map(|c| c.name.as_str()));
        if !twice.is_empty() {
            return Err(Error::invalid(
                "CSV header",
                twice.join(", "),
                "the header names these columns more than once, so which one the schema \
                 reads is ambiguous: rename or drop the copies",
            ));
        }
        if !absent.is_empty() {
            return Err(Error::invalid(
                "CSV header",
                absent.join(", "),
                format!(
                    "the schema{} reads these columns but the header lacks them{}{}",
                    if schema.name.is_empty() {
                        String::new()
                    } else {
                        format!(" `{}`", schema.name)
                    },
                    delimiter_hint(&header, schema.csv.delimiter),
                    if header.iter().any(|h| h.contains('\u{FFFD}')) {
                        "; the header holds text that is not UTF-8 (a Windows-1252 export?): \
                         save the file as UTF-8, e.g. `iconv -f WINDOWS-1252 -t UTF-8`"
                    } else {
                        ""
                    }
                ),
            ));
        }
        let mut builders: Vec<Builder> = read.iter().map(|c| Builder::new(c, schema.csv)).collect();
        let mut lines = Vec::new();
        let mut errors = Vec::new();
        let mut rec = csv::ByteRecord::new();
        let mut row = 0usize;
        // Fields up to the header's last named one (a trailing delimiter in the header
        // names nothing, and rows need not repeat it).
        let named_fields = header
            .iter()
            .rposition(|h| !h.is_empty())
            .map_or(0, |k| k + 1);
        // The line and column of the last record's field holding a line break, and the
        // lines in it shaped like rows.
        let mut spans_lines: Option<(usize, usize, usize)> = None;
        loop {
            let start = r.position().byte();
            match r.read_byte_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    // A broken record is that row's error; keep reading.
                    let offset = e.position().map_or(start, |p| p.byte());
                    let line = newlines.borrow_mut().line_of(offset);
                    spans_lines = None;
                    lines.push(line as u64);
                    for b in builders.iter_mut() {
                        b.push_missing();
                    }
                    errors.push((
                        row,
                        Error::Parse {
                            context: format!("line {line}"),
                            message: e.to_string(),
                            source: Some(crate::error::ErrorSource::new(e)),
                        },
                    ));
                    row += 1;
                    continue;
                }
            }
            let line = newlines
                .borrow_mut()
                .line_of(rec.position().map_or(start, |p| p.byte()));
            lines.push(line as u64);
            // A quoted field holding lines shaped like rows swallowed them: a quote was
            // left open (parity of the quotes would also flag a stray `"` in a cell).
            spans_lines = rec
                .iter()
                .enumerate()
                .find(|(_, f)| f.contains(&b'\n'))
                .map(|(col, f)| (line, col, rows_inside(f, delimiter, named_fields)));
            let mut err: Option<Error> = None;
            for ((c, j), b) in read.iter().zip(&index).zip(builders.iter_mut()) {
                let Some(j) = *j else {
                    b.push_missing();
                    continue;
                };
                let Some(cell) = rec.get(j) else {
                    b.push_missing();
                    err.get_or_insert_with(|| {
                        Error::invalid(
                            format!("line {line}"),
                            format!("{} fields", rec.len()),
                            format!("the header has {}; `{}` is absent", header.len(), c.name),
                        )
                    });
                    continue;
                };
                let Ok(cell) = std::str::from_utf8(cell) else {
                    b.push_missing();
                    err.get_or_insert_with(|| {
                        Error::invalid(
                            format!("line {line}: {}", c.name),
                            String::from_utf8_lossy(cell),
                            "the cell is not UTF-8 text: save the file as UTF-8 (from a \
                             Windows export: `iconv -f WINDOWS-1252 -t UTF-8`)",
                        )
                    });
                    continue;
                };
                let cell = cell.trim();
                if cell.is_empty() || schema.missing_values.iter().any(|m| m == cell) {
                    b.push_missing();
                    continue;
                }
                if let Err(why) = b.push(cell) {
                    b.push_missing();
                    err.get_or_insert_with(|| {
                        Error::invalid(format!("line {line}: {}", c.name), cell, why)
                    });
                }
            }
            if err.is_none() && rec.len() < named_fields {
                // A short row (a shifted or truncated one), even where only columns the
                // schema does not read are absent.
                err = Some(Error::invalid(
                    format!("line {line}"),
                    format!("{} fields", rec.len()),
                    format!("the header has {named_fields}"),
                ));
            }
            if rec
                .iter()
                .skip(header.len())
                .any(|c| !c.trim_ascii().is_empty())
            {
                // Cells past the header's end (empty ones, from trailing delimiters, are
                // fine): the row is shifted, or a cell holds the delimiter unquoted. This
                // says more than the cell that the shift made unreadable, so it wins.
                err = Some(Error::invalid(
                    format!("line {line}"),
                    format!("{} fields", rec.len()),
                    format!(
                        "the header has {}: a cell holds the delimiter unquoted (a decimal \
                         comma?), or the row is shifted",
                        header.len()
                    ),
                ));
            }
            if let Some((_, col, k)) = spans_lines
                && k > 0
            {
                // Closed again by a later stray quote: the rows between are in this cell.
                err = Some(Error::invalid(
                    format!(
                        "line {line}: {}",
                        header.get(col).map_or("?", String::as_str)
                    ),
                    format!("a quoted field of {} lines", k + 1),
                    format!(
                        "the field holds {k} lines shaped like rows: a quote left open (or a \
                         stray one) merged them into this cell, so they are not read; fix \
                         the quote"
                    ),
                ));
            }
            if let Some(e) = err {
                errors.push((row, e));
            }
            row += 1;
        }
        // A quote left open swallows the rest of the input into the last record: fail
        // rather than lose the rows after it.
        if let Some((line, col, k)) = spans_lines
            && k > 0
        {
            return Err(Error::parse(
                format!("CSV line {line}"),
                format!(
                    "the quoted field in column `{}` is not closed before the end of the \
                     file (an unterminated quote?), so every line after it would be read as \
                     part of that field; close or remove the quote",
                    header.get(col).map_or("?", String::as_str)
                ),
            ));
        }
        let mut names = Vec::new();
        let mut columns = Vec::new();
        for ((c, j), b) in read.iter().zip(&index).zip(builders) {
            if j.is_some() {
                names.push(c.name.clone());
                columns.push(b.finish());
            }
        }
        Ok(Table {
            names,
            columns,
            rows: row,
            lines: Some(lines),
            errors,
            schema_hash: Some(schema.hash()),
        })
    }

    /// Reads a CSV file (see [`Table::read_csv`]).
    pub fn read_csv_path(path: impl AsRef<std::path::Path>, schema: &Schema) -> Result<Self> {
        let path = path.as_ref();
        let f = std::fs::File::open(path).map_err(|e| Error::io(path.display(), e))?;
        Table::read_csv(std::io::BufReader::new(f), schema)
            .map_err(|e| e.at(&path.display().to_string()))
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.rows
    }
    /// Column names, in the table's order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
    /// The columns, in the table's order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }
    /// The column of this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.names
            .iter()
            .position(|n| n == name)
            .and_then(|j| self.columns.get(j))
    }
    /// Errors found while reading, with their row, sorted by row.
    pub fn row_errors(&self) -> &[(usize, Error)] {
        &self.errors
    }
    /// The reading error of row `i`, if any.
    pub fn row_error(&self, i: usize) -> Option<&Error> {
        self.errors
            .binary_search_by_key(&i, |(r, _)| *r)
            .ok()
            .and_then(|k| self.errors.get(k))
            .map(|(_, e)| e)
    }
    /// Where row `i` came from: `line N` for CSV input, else `row i`.
    pub fn row_label(&self, i: usize) -> String {
        match self.lines.as_ref().and_then(|l| l.get(i)) {
            Some(line) => format!("line {line}"),
            None => format!("row {i}"),
        }
    }
    /// Hash of the schema the table was read with ([`Schema::hash`]), if any.
    pub fn schema_hash(&self) -> Option<&str> {
        self.schema_hash.as_deref()
    }
    /// Records the rows' reading errors (sorted by row, one per row).
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn with_row_errors(mut self, errors: Vec<(usize, Error)>) -> Self {
        self.errors = errors;
        self
    }
    /// Marks the table as read with `schema` (used by other readers, e.g. Arrow).
    pub fn with_schema_hash(mut self, schema: &Schema) -> Self {
        self.schema_hash = Some(schema.hash());
        self
    }
    /// The rows at `rows`, in that order (their lines and reading errors follow them).
    ///
    /// ```
    /// let x = ndarray::array![[1.0], [2.0], [3.0]];
    /// let t = wealthscore::schema::Table::from_array(x.view(), &["a"])?;
    /// let s = t.take(&[2, 0])?;
    /// assert_eq!(s.column("a").unwrap().number(0), Some(3.0));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn take(&self, rows: &[usize]) -> Result<Table> {
        let columns = self
            .columns
            .iter()
            .map(|c| c.take(rows))
            .collect::<Result<Vec<_>>>()?;
        let lines = self.lines.as_ref().map(|l| {
            rows.iter()
                .map(|&r| l.get(r).copied().unwrap_or(0))
                .collect()
        });
        let errors = rows
            .iter()
            .enumerate()
            .filter_map(|(k, &r)| self.row_error(r).map(|e| (k, e.clone())))
            .collect();
        Ok(Table {
            names: self.names.clone(),
            columns,
            rows: rows.len(),
            lines,
            errors,
            schema_hash: self.schema_hash.clone(),
        })
    }
}

/// The header index of a column: the exact name, else the unique case-insensitive match.
/// The columns of `read` that `header` names more than once (ignoring case): which one
/// a reader would take is ambiguous.
pub(super) fn named_twice<'a>(
    header: &[String],
    read: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    read.into_iter()
        .filter(|name| {
            header
                .iter()
                .filter(|h| h.eq_ignore_ascii_case(name))
                .count()
                > 1
        })
        .collect()
}

pub(super) fn find_header(header: &[String], name: &str) -> Option<usize> {
    if let Some(j) = header.iter().position(|h| h == name) {
        return Some(j);
    }
    let mut it = header
        .iter()
        .enumerate()
        .filter(|(_, h)| h.eq_ignore_ascii_case(name));
    match (it.next(), it.next()) {
        (Some((j, _)), None) => Some(j),
        _ => None,
    }
}

enum Builder {
    Number {
        values: Vec<f64>,
        flags: Vec<bool>,
        integer: bool,
        /// An id column: its text must be the number's own (no leading zeros).
        id: bool,
        format: CsvFormat,
    },
    Boolean {
        values: Vec<bool>,
        flags: Vec<bool>,
        /// For the column's own spellings of true and false.
        spec: Box<ColumnSpec>,
    },
    Category {
        b: CatBuilder,
        declared: bool,
    },
    Date {
        values: Vec<i32>,
        flags: Vec<bool>,
    },
    Text {
        values: Vec<String>,
        flags: Vec<bool>,
    },
}

/// Lines after the first of a multi-line field that hold as many delimiters as a row of
/// `named` fields (0 when rows have under three fields: too few to tell).
fn rows_inside(field: &[u8], delimiter: u8, named: usize) -> usize {
    if named < 3 {
        return 0;
    }
    field
        .split(|&b| b == b'\n')
        .skip(1)
        .filter(|l| l.iter().filter(|&&b| b == delimiter).count() + 1 >= named)
        .count()
}

fn finish_flags(flags: &[bool]) -> Option<Validity> {
    flags
        .iter()
        .any(|f| !f)
        .then(|| Validity::from_flags(flags))
}

impl Builder {
    fn new(spec: &ColumnSpec, format: CsvFormat) -> Self {
        let (kind, levels) = (spec.kind, spec.levels.as_deref());
        match kind {
            ColumnType::Number | ColumnType::Integer => Builder::Number {
                values: Vec::new(),
                flags: Vec::new(),
                integer: kind == ColumnType::Integer,
                id: spec.role == Role::Id,
                format,
            },
            ColumnType::Boolean => Builder::Boolean {
                values: Vec::new(),
                flags: Vec::new(),
                spec: Box::new(spec.clone()),
            },
            ColumnType::Date => Builder::Date {
                values: Vec::new(),
                flags: Vec::new(),
            },
            ColumnType::Text => Builder::Text {
                values: Vec::new(),
                flags: Vec::new(),
            },
            ColumnType::Category => {
                let mut b = CatBuilder::default();
                for l in levels.unwrap_or_default() {
                    b.code(l);
                }
                Builder::Category {
                    b,
                    declared: levels.is_some(),
                }
            }
        }
    }

    fn push_missing(&mut self) {
        match self {
            Builder::Number { values, flags, .. } => {
                values.push(0.0);
                flags.push(false);
            }
            Builder::Boolean { values, flags, .. } => {
                values.push(false);
                flags.push(false);
            }
            Builder::Date { values, flags } => {
                values.push(0);
                flags.push(false);
            }
            Builder::Text { values, flags } => {
                values.push(String::new());
                flags.push(false);
            }
            Builder::Category { b, .. } => b.push_missing(),
        }
    }

    /// Pushes a non-empty trimmed cell, or says why it does not parse.
    fn push(&mut self, cell: &str) -> std::result::Result<(), String> {
        match self {
            Builder::Number {
                values,
                flags,
                integer,
                id,
                format,
            } => {
                let text = format.normalise(cell);
                let v: f64 = text.parse().map_err(|_| {
                    if cell.contains([',', '.', ' ', '\''])
                        && cell.chars().filter(char::is_ascii_digit).count() > 1
                    {
                        "is not a number: a thousands separator or a decimal comma? Set the \
                         schema's `csv.thousands` or `csv.decimal`"
                            .to_string()
                    } else {
                        "is not a number".to_string()
                    }
                })?;
                if let Some(why) = number_problem(v, *integer, *id) {
                    return Err(why);
                }
                // `007`, `1e3` or `12.0` would come back as another text.
                if *id && format_number(v) != text.trim_start_matches('+') {
                    return Err(format!(
                        "would read back as `{}`: declare the id column \
                         `\"type\": \"text\"` to keep ids as written",
                        format_number(v)
                    ));
                }
                values.push(v);
                flags.push(true);
            }
            Builder::Boolean {
                values,
                flags,
                spec,
            } => {
                let v = spec.parse_flag(cell).ok_or_else(|| spec.flag_spellings())?;
                values.push(v);
                flags.push(true);
            }
            Builder::Date { values, flags } => {
                let d = parse_date_days(cell).map_err(|_| "is not a date YYYY-MM-DD")?;
                values.push(d);
                flags.push(true);
            }
            Builder::Text { values, flags } => {
                values.push(cell.to_string());
                flags.push(true);
            }
            Builder::Category { b, declared } => {
                if *declared && !b.index.contains_key(cell) {
                    return Err(format!(
                        "is not one of the declared levels {}",
                        b.levels.join(", ")
                    ));
                }
                b.push(cell);
            }
        }
        Ok(())
    }

    fn finish(self) -> Column {
        match self {
            Builder::Number { values, flags, .. } => Column::Number(Values {
                validity: finish_flags(&flags),
                values: values.into(),
            }),
            Builder::Boolean { values, flags, .. } => Column::Boolean(Values {
                validity: finish_flags(&flags),
                values: values.into(),
            }),
            Builder::Date { values, flags } => Column::Date(Values {
                validity: finish_flags(&flags),
                values: values.into(),
            }),
            Builder::Text { values, flags } => Column::Text(Values {
                validity: finish_flags(&flags),
                values: values.into(),
            }),
            Builder::Category { b, .. } => Column::Category(b.finish()),
        }
    }
}

/// A hint when the header looks split by another delimiter than the schema's.
fn delimiter_hint(header: &[String], delimiter: char) -> String {
    let [only] = header else {
        return String::new();
    };
    [';', '\t', '|', ',']
        .into_iter()
        .find(|&d| d != delimiter && only.contains(d))
        .map_or(String::new(), |d| {
            let shown = if d == '\t' {
                "\\t".to_string()
            } else {
                d.to_string()
            };
            format!(
                " (the header reads as one column `{only}`: if the file is separated by `{shown}`, \
                 set \"csv\": {{\"delimiter\": \"{shown}\"}} in the schema)"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_flags_of_a_range_match_the_bits_one_by_one() {
        // Every third row missing, 37 rows: ranges at every start and length, past the
        // end too, against `is_valid` (which reads one bit).
        let flags: Vec<bool> = (0..37).map(|i| i % 3 != 1).collect();
        let v = Validity::from_flags(&flags);
        for start in 0..40 {
            for len in 0..45 {
                let mut out = vec![true; len];
                v.flags_into(start, &mut out);
                let want: Vec<bool> = (start..start + len).map(|i| v.is_valid(i)).collect();
                assert_eq!(out, want, "start {start} len {len}");
            }
        }
        assert!(!v.is_valid(1) && v.is_valid(36) && !v.is_valid(37));
    }

    #[test]
    fn civil_days_match_known_dates() {
        // 2000-03-01 is day 11,017 and 1969-12-31 day −1 (closed form: 30 years × 365 + 7
        // leap days + Jan–Feb 2000 = 10,957 + 60).
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for d in [-800_000, -1, 0, 59, 11_016, 20_000, 2_000_000] {
            let s = format_date(d);
            assert_eq!(parse_date_days(&s).unwrap(), d, "{s}");
        }
    }

    #[test]
    fn validity_follows_arrow_bit_order() {
        let v = Validity::from_flags(&[true, false, false, true, true, true, true, true, false]);
        assert_eq!(v.as_bytes(), &[0b1111_1001, 0b0000_0000]);
        assert_eq!(v.null_count(), 3);
    }
}
