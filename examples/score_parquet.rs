//! Score a Parquet book in bounded memory: writes a synthetic core-banking export of
//! `N` clients (default 1,000,000) as Parquet, fits the schema pipeline
//! (`examples/schemas/core_banking.json`, logistic) on its first 50,000 rows, then reads
//! the file back in record batches, assesses each batch and writes the results as a
//! second Parquet file. Prints rows per second, peak memory and the first rows.
//!
//! `cargo run --release --features parquet --example score_parquet -- [N] [--batch ROWS]`

use std::time::Instant;
use wealthscore::schema::parquet::{ParquetSink, read_parquet};
use wealthscore::schema::{FittedPipeline, PipelineConfig, Schema, Table};
use wealthscore::synth::{PortfolioConfig, core_banking, generate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut n = 1_000_000usize;
    let mut batch = 0usize; // the library's default batch
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--batch" => batch = args.next().ok_or("--batch needs a number")?.parse()?,
            other => {
                n = other
                    .parse()
                    .map_err(|_| format!("unknown argument `{other}`"))?
            }
        }
    }
    let schema = Schema::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/schemas/core_banking.json"
    ))?;
    let dir = std::env::temp_dir().join(format!("wealthscore-parquet-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let book_path = dir.join("book.parquet");
    let out_path = dir.join("assessed.parquet");

    // The book: a synthetic export, written as Parquet in 100,000-row batches.
    let t0 = Instant::now();
    let mut fit_rows = None;
    let mut sink: Option<ParquetSink> = None;
    let mut done = 0;
    while done < n {
        let m = (n - done).min(100_000);
        let cfg = PortfolioConfig::default()
            .with_clients(m)
            .with_seed(7 + done as u64);
        let mut csv = Vec::new();
        core_banking::write_csv(
            &mut csv,
            &generate(&cfg)?,
            &core_banking::ExportConfig::default(),
        )?;
        let table = Table::read_csv(csv.as_slice(), &schema)?;
        let rb = table.to_record_batch()?;
        if sink.is_none() {
            sink = Some(ParquetSink::create(&book_path, &rb.schema())?);
        }
        if let Some(s) = sink.as_mut() {
            s.write(&rb)?;
        }
        if fit_rows.is_none() {
            fit_rows = Some(table.take(&(0..m.min(50_000)).collect::<Vec<_>>())?);
        }
        done += m;
    }
    if let Some(s) = sink {
        s.close()?;
    }
    let size = std::fs::metadata(&book_path)?.len();
    println!(
        "wrote {n} clients to {} ({:.1} MB) in {:.1} s",
        book_path.display(),
        size as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );

    let train = fit_rows.ok_or("no rows")?;
    let pipeline =
        FittedPipeline::fit(schema.clone(), &train, &PipelineConfig::default())?.pipeline;
    println!(
        "fitted on {} rows ({} features), fingerprint {}",
        pipeline.fit_summary().rows,
        pipeline.n_features(),
        pipeline.fingerprint()
    );

    // Score: one batch in memory at a time.
    let before = rss_mb();
    let mut peak = before;
    let t1 = Instant::now();
    let mut sink: Option<ParquetSink> = None;
    let (mut rows, mut bad, mut batches) = (0usize, 0usize, 0usize);
    let mut first = None;
    for table in read_parquet(&book_path, pipeline.schema(), batch)? {
        let table = table?;
        let out = pipeline.assess_table_to_record_batch(&table)?;
        rows += out.num_rows();
        bad += out
            .column_by_name("error")
            .map_or(0, |c| c.len() - c.null_count());
        batches += 1;
        if sink.is_none() {
            sink = Some(ParquetSink::create(&out_path, &out.schema())?);
        }
        if let Some(s) = sink.as_mut() {
            s.write(&out)?;
        }
        if first.is_none() {
            first = Some(out.slice(0, out.num_rows().min(5)));
        }
        peak = match (peak, rss_mb()) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    if let Some(s) = sink {
        s.close()?;
    }
    let secs = t1.elapsed().as_secs_f64();
    println!(
        "assessed {rows} clients in {batches} batches in {secs:.2} s: {:.2} M rows/s \
         (read, assess, write), {bad} rows with an error",
        rows as f64 / secs / 1e6
    );
    match (before, peak) {
        (Some(b), Some(a)) => println!(
            "resident memory while scoring: at most {a:.0} MB, sampled after each batch \
             ({b:.0} MB before scoring, the fit's table included)"
        ),
        _ => println!("resident memory: not available on this platform"),
    }
    println!("results in {}", out_path.display());
    if let Some(first) = first {
        for r in 0..first.num_rows() {
            let cell = |name: &str| -> String {
                first
                    .column_by_name(name)
                    .and_then(|c| arrow_value(c.as_ref(), r))
                    .unwrap_or_else(|| "-".into())
            };
            println!(
                "  {}  p={}  {}  reason: {}  action: {}",
                cell("id"),
                cell("churn_probability"),
                cell("risk_level"),
                cell("top_reason"),
                cell("best_action")
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

/// A cell as text (strings and floats, the result columns' types).
fn arrow_value(c: &dyn arrow_array::Array, r: usize) -> Option<String> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Float64Type;
    if c.is_null(r) {
        return None;
    }
    if let Some(s) = c.as_string_opt::<i32>() {
        return Some(s.value(r).to_string());
    }
    c.as_primitive_opt::<Float64Type>()
        .map(|f| format!("{:.4}", f.value(r)))
}

/// Resident memory of this process now (Linux), in MB.
fn rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
