//! Parquet files in and out in record batches, so memory stays bounded whatever the file
//! size (cargo feature `parquet`).
//!
//! ```
//! use wealthscore::schema::{Schema, Table, parquet::{ParquetSink, read_parquet}};
//! let schema = Schema::from_json(r#"{"columns": [{"name": "x", "type": "number"}]}"#)?;
//! let t = Table::from_array(ndarray::array![[1.0], [2.0], [3.0]].view(), &["x"])?;
//! let path = std::env::temp_dir().join(format!("ws-doc-{}.parquet", std::process::id()));
//! let mut sink = ParquetSink::create(&path, &t.to_record_batch()?.schema())?;
//! sink.write(&t.to_record_batch()?)?;
//! sink.close()?;
//! let chunks: Vec<Table> = read_parquet(&path, &schema, 2)?.collect::<Result<_, _>>()?;
//! assert_eq!(chunks.iter().map(Table::n_rows).collect::<Vec<_>>(), [2, 1]);
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), wealthscore::Error>(())
//! ```

use super::spec::Schema;
use super::table::{Table, find_header};
use crate::error::{Error, Result};
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Rows per batch when none is asked for: 64 Ki rows of a few dozen columns stay within
/// a few megabytes.
pub const DEFAULT_BATCH_ROWS: usize = 65_536;

fn pq_err(path: &Path, e: parquet::errors::ParquetError) -> Error {
    Error::Parse {
        context: format!("Parquet file {}", path.display()),
        message: e.to_string(),
        source: Some(crate::error::ErrorSource::new(e)),
    }
}

fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::io(path.display(), e)
}

/// Tables of at most `batch_rows` rows read from a Parquet file, in order.
pub struct ParquetTables {
    reader: ParquetRecordBatchReader,
    schema: Schema,
    path: PathBuf,
    next_row: usize,
}

impl std::fmt::Debug for ParquetTables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetTables")
            .field("path", &self.path)
            .field("next_row", &self.next_row)
            .finish()
    }
}

/// Opens a Parquet file and reads only the schema's columns, `batch_rows` rows at a time
/// (0 means [`DEFAULT_BATCH_ROWS`]). Columns the schema reads that the file lacks are one
/// error naming them; a bad cell is its row's error in the table of its batch, named by
/// its row in the file (`row 70000: tenure`).
pub fn read_parquet(
    path: impl AsRef<Path>,
    schema: &Schema,
    batch_rows: usize,
) -> Result<ParquetTables> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| pq_err(path, e))?;
    let header: Vec<String> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let roots: Vec<usize> = schema
        .columns
        .iter()
        .filter(|c| c.is_read())
        .filter_map(|c| find_header(&header, &c.name))
        .collect();
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
    let rows = if batch_rows == 0 {
        DEFAULT_BATCH_ROWS
    } else {
        batch_rows
    };
    let reader = builder
        .with_projection(mask)
        .with_batch_size(rows)
        .build()
        .map_err(|e| pq_err(path, e))?;
    Ok(ParquetTables {
        reader,
        schema: schema.clone(),
        path: path.to_path_buf(),
        next_row: 0,
    })
}

impl Iterator for ParquetTables {
    type Item = Result<Table>;
    fn next(&mut self) -> Option<Result<Table>> {
        let batch = match self.reader.next()? {
            Ok(b) => b,
            Err(e) => {
                return Some(Err(Error::Parse {
                    context: format!("Parquet file {}", self.path.display()),
                    message: e.to_string(),
                    source: Some(crate::error::ErrorSource::new(e)),
                }));
            }
        };
        let first = self.next_row;
        self.next_row += batch.num_rows();
        Some(Table::from_record_batch_at(&batch, &self.schema, first))
    }
}

/// A Parquet file written one record batch at a time.
pub struct ParquetSink {
    writer: ArrowWriter<File>,
    path: PathBuf,
}

impl std::fmt::Debug for ParquetSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetSink")
            .field("path", &self.path)
            .finish()
    }
}

impl ParquetSink {
    /// Creates (or truncates) the file for batches of `schema` (snappy-compressed).
    pub fn create(path: impl AsRef<Path>, schema: &SchemaRef) -> Result<Self> {
        let path = path.as_ref();
        let file = File::create(path).map_err(|e| io_err(path, e))?;
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::SNAPPY)
            .build();
        let writer =
            ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| pq_err(path, e))?;
        Ok(ParquetSink {
            writer,
            path: path.to_path_buf(),
        })
    }
    /// Appends a batch (its schema must be the sink's).
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer.write(batch).map_err(|e| pq_err(&self.path, e))
    }
    /// Appends a table.
    pub fn write_table(&mut self, table: &Table) -> Result<()> {
        self.write(&table.to_record_batch()?)
    }
    /// Finishes the file (writes its footer).
    pub fn close(self) -> Result<()> {
        self.writer
            .close()
            .map(|_| ())
            .map_err(|e| pq_err(&self.path, e))
    }
}
