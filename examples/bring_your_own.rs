//! Bring your own columns: fit, evaluate and explain a churn model on any CSV described by
//! a schema file.
//!
//! ```text
//! cargo run --release --example bring_your_own -- SCHEMA.json DATA.csv \
//!     [--label COLUMN] [--split FILE | --out-of-time YYYY-MM-DD | --test-share 0.3]
//!     [--seed N] [--model logistic|forest|boosted|auto] [--out DIR]
//! cargo run --release --example bring_your_own -- --synth 20000   # no outside data needed
//! cargo run --release --example bring_your_own -- --synth 20000 --drift --out-of-time 2027-06-30
//! ```
//!
//! With `--split FILE` (a CSV naming each row's side, `train` or `test`, by the schema's id
//! column, as `../shared/data/real/*_split.csv`), that split is used; with
//! `--out-of-time DATE`, rows whose `as_of` date column is on or before DATE train and
//! later rows test, and the test figures are also given per month; otherwise a seeded
//! stratified split. `--synth N` writes a synthetic core-banking export of N clients next
//! to the pipeline file and uses `examples/schemas/core_banking.json` (plus its `SNAP_DT`
//! observation date as the `as_of` column); `--drift` makes the book drift (12 monthly
//! cohorts; after the eighth, fees rise and the reasons clients leave shift).
//!
//! `--model auto` chooses the model on the training rows only (seeded 5-fold
//! cross-validation over logistic, forest and boosted settings and their blends, then a
//! calibrator; see `wealthscore::churn::select`) and prints what it chose and why.
//!
//! Prints `test AUC 0.xxxx`, the lift table, the ten clients to call first with their
//! reasons and actions, the model card, and writes the fitted pipeline (card included) to
//! a file it names, in `--out DIR` (default `target/bring_your_own` of this crate).

use std::collections::HashMap;
use wealthscore::churn::eval::{lift_table, roc_auc, stratified_split};
use wealthscore::schema::{
    ColumnSpec, ColumnType, FittedPipeline, Meaning, ModelParams, PipelineConfig, Role, Schema,
    Table,
};
use wealthscore::synth::{PortfolioConfig, SynthDrift, core_banking, generate};

/// `println!` that ends the program quietly when the reader has gone (`| head`), where
/// `println!` would panic.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($t)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("error: cannot write the output: {e}");
            std::process::exit(1);
        }
    }};
}

struct Args {
    schema: Option<String>,
    data: Option<String>,
    label: Option<String>,
    split: Option<String>,
    out_of_time: Option<String>,
    test_share: f64,
    seed: u64,
    model: String,
    synth: Option<usize>,
    drift: bool,
    out: Option<String>,
}

const USAGE: &str = "usage: bring_your_own SCHEMA.json DATA.csv [--label COLUMN] \
    [--split FILE | --out-of-time YYYY-MM-DD | --test-share 0.3] [--seed N] \
    [--model logistic|forest|boosted|auto] [--out DIR] | --synth N [--drift] [--out DIR]";

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        schema: None,
        data: None,
        label: None,
        split: None,
        out_of_time: None,
        test_share: 0.3,
        seed: 42,
        model: "logistic".into(),
        synth: None,
        drift: false,
        out: None,
    };
    let mut it = std::env::args().skip(1);
    let mut given = std::collections::HashSet::new();
    while let Some(arg) = it.next() {
        if arg.starts_with("--") && !given.insert(arg.clone()) {
            return Err(format!("{arg} is given twice"));
        }
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--help" | "-h" => {
                out!("{USAGE}");
                std::process::exit(0);
            }
            "--label" => a.label = Some(value("--label")?),
            "--split" => a.split = Some(value("--split")?),
            "--out-of-time" => a.out_of_time = Some(value("--out-of-time")?),
            "--test-share" => {
                a.test_share = value("--test-share")?
                    .parse()
                    .map_err(|_| "--test-share needs a number")?
            }
            "--seed" => {
                a.seed = value("--seed")?
                    .parse()
                    .map_err(|_| "--seed needs a whole number from 0 to 2^64 − 1")?
            }
            "--model" => a.model = value("--model")?,
            "--drift" => a.drift = true,
            "--out" => a.out = Some(value("--out")?),
            "--synth" => {
                a.synth = Some(
                    value("--synth")?
                        .parse()
                        .map_err(|_| "--synth needs a count")?,
                )
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            s if a.schema.is_none() => a.schema = Some(s.to_string()),
            s if a.data.is_none() => a.data = Some(s.to_string()),
            s => return Err(format!("unexpected argument {s}")),
        }
    }
    let ways = ["--split", "--out-of-time", "--test-share"]
        .into_iter()
        .filter(|w| given.contains(*w))
        .collect::<Vec<_>>();
    if ways.len() > 1 {
        return Err(format!(
            "{} each choose the test rows: give one",
            ways.join(" and ")
        ));
    }
    Ok(a)
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let out_dir = match &args.out {
        Some(d) => std::path::PathBuf::from(d),
        None => std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bring_your_own"),
    };
    std::fs::create_dir_all(&out_dir)?;
    let (schema_path, data_path) = match (args.synth, &args.schema, &args.data) {
        (Some(n), _, _) => {
            let path = out_dir.join(format!("core_banking_{n}.csv"));
            let drift = args.drift.then(SynthDrift::default);
            let p = generate(
                &PortfolioConfig::default()
                    .with_clients(n)
                    .with_seed(args.seed)
                    .with_drift(drift),
            )?;
            let f = std::io::BufWriter::new(std::fs::File::create(&path)?);
            core_banking::write_csv(f, &p, &core_banking::ExportConfig::default())?;
            out!(
                "wrote a synthetic core-banking export of {n} clients to {}",
                path.display()
            );
            let schema = args.schema.clone().unwrap_or_else(|| {
                concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/examples/schemas/core_banking.json"
                )
                .into()
            });
            (schema, path.display().to_string())
        }
        (None, Some(s), Some(d)) => (s.clone(), d.clone()),
        _ => {
            return Err(USAGE.into());
        }
    };

    let mut schema = Schema::from_path(&schema_path)?;
    if args.synth.is_some() && schema.with_meaning_column(Meaning::AsOf).is_none() {
        // The export's observation date, for `--out-of-time`.
        schema.columns.push(
            ColumnSpec::new("SNAP_DT", ColumnType::Date)
                .with_role(Role::Info)
                .with_meaning(Meaning::AsOf),
        );
    }
    if let Some(label) = &args.label {
        // The named column becomes the label; the schema's former label is kept as info.
        let mut found = false;
        for c in &mut schema.columns {
            if c.role == Role::Label {
                c.role = Role::Info;
            }
            if &c.name == label {
                c.role = Role::Label;
                found = true;
            }
        }
        if !found {
            return Err(format!("--label {label}: not a column of the schema").into());
        }
        schema.validate()?;
    }
    let table = Table::read_csv_path(&data_path, &schema)?;
    out!(
        "read {} rows of {data_path} with schema `{}` ({} rows with errors)",
        table.n_rows(),
        schema.name,
        table.row_errors().len()
    );
    for (_, e) in table.row_errors().iter().take(3) {
        out!("  {e}");
    }
    read_errors_check(&table)?;
    // A client listed twice can land on both sides of the split and flatter the test.
    if let Some(id) = schema.id_column()
        && let Some(ids) = table.column(&id.name)
    {
        let mut seen = std::collections::HashSet::new();
        let repeated: Vec<String> = (0..table.n_rows())
            .filter_map(|i| ids.display(i))
            .filter(|v| !seen.insert(v.clone()))
            .collect();
        if let Some(first) = repeated.first() {
            out!(
                "warning: {} rows repeat the `{}` of an earlier row (the first: `{first}`)",
                repeated.len(),
                id.name
            );
        }
    }

    let (train, test) = split(&args, &schema, &table)?;
    out!("train {} rows, test {} rows", train.len(), test.len());
    many_levels_check(&schema, &table, &train);
    let model = ModelParams::from_name(&args.model)?;
    if let ModelParams::Auto(sp) = &model {
        // Selection fits every candidate on every fold: say so before the wait.
        out!(
            "selecting among {} candidates by {}-fold cross-validation on {} rows: {} fits, \
             typically 10 s to a minute on two cores",
            sp.candidates.len(),
            sp.folds,
            train.len(),
            sp.candidates.len() * sp.folds + 1
        );
    }
    let config = PipelineConfig::with_model(model);
    let t0 = std::time::Instant::now();
    let train_table = table.take(&train)?;
    let fitted = FittedPipeline::fit(schema.clone(), &train_table, &config)?;
    if let Some(sel) = &fitted.selection {
        print!("{}", sel.to_text());
    }
    let mut pipeline = fitted.pipeline;
    out!(
        "fitted {} on {} rows ({} skipped) and {} features in {:.2?}",
        args.model,
        pipeline.fit_summary().rows,
        pipeline.fit_summary().skipped,
        pipeline.n_features(),
        t0.elapsed()
    );

    let test_table = table.take(&test)?;
    // The test split is scored once: these figures go into the model card.
    pipeline.record_test(&test_table)?;
    let label = schema.label_column().ok_or("the schema has no label")?;
    let label_col = test_table.column(&label.name).ok_or(format!(
        "the data has no `{}` column (the label)",
        label.name
    ))?;
    let probs = pipeline.predict(&test_table)?;
    let (mut p, mut y) = (Vec::new(), Vec::new());
    let mut failed = Vec::new();
    for (i, r) in probs.iter().enumerate() {
        match (r, label_col.number(i)) {
            (Ok(q), Some(l)) => {
                p.push(*q);
                y.push(l > 0.5);
            }
            (Err(e), _) => failed.push(e.to_string()),
            (Ok(_), None) => failed.push(format!("{}: no label", test_table.row_label(i))),
        }
    }
    // Say why rows were not scored, not only how many.
    for e in failed.iter().take(3) {
        out!("  not scored: {e}");
    }
    let failed = failed.len();
    let auc = roc_auc(&p, &y).map_err(|e| format!("the test split cannot be scored: {e}"))?;
    out!(
        "test AUC {auc:.4}  ({} rows scored, {failed} failed)",
        p.len()
    );
    let churners = y.iter().filter(|&&v| v).count();
    let stayers = y.len() - churners;
    if churners.min(stayers) < 30 {
        // Hanley & McNeil (1982), "The meaning and use of the area under a ROC curve".
        let (a, n1, n0) = (auc, churners as f64, stayers as f64);
        let (q1, q2) = (a / (2.0 - a), 2.0 * a * a / (1.0 + a));
        let se = ((a * (1.0 - a) + (n1 - 1.0) * (q1 - a * a) + (n0 - 1.0) * (q2 - a * a))
            / (n1 * n0))
            .sqrt();
        out!(
            "warning: the test split holds {churners} churners and {stayers} others, so its AUC \
             is uncertain: standard error ±{se:.3} (Hanley–McNeil)"
        );
    }
    out!(
        "\n{:>6} {:>8} {:>9} {:>7} {:>6} {:>9}",
        "decile",
        "clients",
        "churners",
        "rate",
        "lift",
        "captured"
    );
    // Deciles, or fewer groups on a small test split.
    for r in lift_table(&p, &y, p.len().clamp(1, 10))? {
        out!(
            "{:>6} {:>8} {:>9} {:>6.1}% {:>6.2} {:>8.1}%",
            r.group,
            r.clients,
            r.churners,
            100.0 * r.rate,
            r.lift,
            100.0 * r.cumulative_capture
        );
    }

    let assessed = pipeline.assess(&test_table)?;
    let not_assessed: Vec<_> = assessed.iter().filter_map(|a| a.as_ref().err()).collect();
    if let Some(e) = not_assessed.first() {
        out!(
            "\n{} test rows could not be assessed and are not in the list; the first: {e}",
            not_assessed.len()
        );
    }
    // Money and probabilities do not share a ranking: clients with a value go by expected
    // value lost, those without one (no margin, or a negative one) by probability.
    let (mut valued, mut unvalued): (Vec<_>, Vec<_>) = assessed
        .iter()
        .filter_map(|a| a.as_ref().ok())
        .partition(|a| a.expected_value_lost.is_some());
    let by = |key: fn(&wealthscore::schema::TableAssessment) -> f64| {
        move |a: &&wealthscore::schema::TableAssessment,
              b: &&wealthscore::schema::TableAssessment| {
            key(b).total_cmp(&key(a)).then(a.row.cmp(&b.row))
        }
    };
    valued.sort_by(by(|a| a.expected_value_lost.unwrap_or(0.0)));
    unvalued.sort_by(by(|a| a.churn_probability));
    let show = |list: &[&wealthscore::schema::TableAssessment], n: usize| {
        for a in list.iter().take(n) {
            // Say once at the end what was not assessed.
            let lines: String = pipeline
                .describe(a)
                .lines()
                .filter(|l| !l.starts_with("not assessed"))
                .map(|l| format!("  {l}\n"))
                .collect();
            out!("{lines}");
        }
    };
    if valued.is_empty() {
        out!("\nclients to call first (by churn probability: no client has a value):");
        show(&unvalued, 10);
    } else {
        out!("\nclients to call first (by expected value lost):");
        show(&valued, 10);
        if !unvalued.is_empty() {
            out!(
                "{} clients have no value (no margin, or a negative one), ranked by churn \
                 probability; the riskiest:",
                unvalued.len()
            );
            show(&unvalued, 3);
        }
    }
    for n in pipeline.not_assessed() {
        out!("not assessed: {n}");
    }
    if args.out_of_time.is_some() {
        out!("\nout of time, per month of the as_of column:");
        print!(
            "{}",
            pipeline.backtest(&train_table, &test_table)?.to_text()
        );
    }
    if let Some(card) = pipeline.card() {
        print!("\n{}", card.to_text());
    }
    // The schema's name is the user's text: only its plain characters reach the path.
    let stem: String = schema
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = if stem.trim_matches('_').is_empty() {
        "pipeline".into()
    } else {
        stem
    };
    let path = out_dir.join(format!("{stem}.{}.pipeline.json", args.model));
    pipeline.save(&path)?;
    out!(
        "\nwrote the fitted pipeline to {} (fingerprint {}, schema hash {}: FNV-1a of the \
         schema JSON, whose SHA-256 the card gives{})",
        path.display(),
        pipeline.fingerprint(),
        pipeline.schema_hash(),
        pipeline
            .card()
            .map(|c| format!(", {}", c.schema_sha256))
            .unwrap_or_default()
    );
    Ok(())
}

/// Train and test rows: from a split file by id, else a seeded stratified split over the
/// labelled rows without reading errors.
fn split(
    args: &Args,
    schema: &Schema,
    table: &Table,
) -> Result<(Vec<usize>, Vec<usize>), Box<dyn std::error::Error>> {
    if let Some(cutoff) = &args.out_of_time {
        let s = wealthscore::schema::out_of_time(schema, table, cutoff)?;
        out!(
            "out-of-time split on `{}` at {cutoff} ({} rows without a date left out)",
            s.column,
            s.undated.len()
        );
        return Ok((s.train, s.test));
    }
    if let Some(path) = &args.split {
        let id = schema
            .id_column()
            .ok_or("--split needs an id column in the schema")?;
        let ids = table.column(&id.name).ok_or("the data has no id column")?;
        let mut r = csv::Reader::from_path(path)?;
        let header: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
        let key = header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(&id.name))
            .ok_or(format!(
                "{path}: no column named like the id column `{}`",
                id.name
            ))?;
        let side = header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case("split"))
            .ok_or(format!("{path}: no `split` column"))?;
        let mut sides: HashMap<String, String> = HashMap::new();
        for (k, rec) in r.records().enumerate() {
            let rec = rec?;
            let line = k + 2;
            let (Some(id_value), Some(side_value)) = (rec.get(key), rec.get(side)) else {
                return Err(format!("{path} line {line}: fewer fields than the header").into());
            };
            let (id_value, side_value) = (id_value.trim(), side_value.trim().to_lowercase());
            if side_value != "train" && side_value != "test" {
                return Err(format!(
                    "{path} line {line}: side `{side_value}` of id `{id_value}` is neither \
                     `train` nor `test`"
                )
                .into());
            }
            match sides.get(id_value) {
                Some(before) if *before != side_value => {
                    return Err(format!(
                        "{path} line {line}: id `{id_value}` is on both sides of the split"
                    )
                    .into());
                }
                Some(_) => {}
                None => {
                    sides.insert(id_value.to_string(), side_value);
                }
            }
        }
        let (mut train, mut test, mut neither) = (Vec::new(), Vec::new(), 0);
        let mut matched = std::collections::HashSet::new();
        for i in 0..table.n_rows() {
            let id_value = ids.display(i);
            match id_value
                .as_ref()
                .and_then(|v| sides.get(v))
                .map(String::as_str)
            {
                Some("train") => train.push(i),
                Some("test") => test.push(i),
                _ => neither += 1,
            }
            if let Some(v) = id_value {
                matched.insert(v);
            }
        }
        if neither > 0 {
            out!("{neither} rows of the data are on neither side of {path}, left out");
        }
        let unknown = sides.keys().filter(|k| !matched.contains(*k)).count();
        if unknown > 0 {
            out!("{unknown} ids of {path} are not in the data");
        }
        if train.is_empty() || test.is_empty() {
            return Err(format!(
                "{path}: {} train and {} test rows match the data's `{}` values; \
                 is it the split file of this data?",
                train.len(),
                test.len(),
                id.name
            )
            .into());
        }
        return Ok((train, test));
    }
    let label = schema.label_column().ok_or("the schema has no label")?;
    let col = table.column(&label.name).ok_or(format!(
        "the data has no `{}` column (the label)",
        label.name
    ))?;
    let usable: Vec<usize> = (0..table.n_rows())
        .filter(|&i| table.row_error(i).is_none() && col.number(i).is_some())
        .collect();
    let unlabelled = (0..table.n_rows())
        .filter(|&i| table.row_error(i).is_none() && col.number(i).is_none())
        .count();
    if unlabelled > 0 {
        out!(
            "{unlabelled} rows without a `{}` value left out",
            label.name
        );
    }
    if usable.is_empty() {
        let first = table
            .row_errors()
            .first()
            .map_or(String::new(), |(_, e)| format!("; the first error: {e}"));
        return Err(format!(
            "no row of the data can be used: {} of {} failed to read and {unlabelled} lack \
             the label{first}",
            table.row_errors().len(),
            table.n_rows()
        )
        .into());
    }
    let y: Vec<bool> = usable
        .iter()
        .map(|&i| col.number(i).is_some_and(|v| v > 0.5))
        .collect();
    let (tr, te) = stratified_split(&y, args.test_share, args.seed)?;
    Ok((
        tr.iter().map(|&k| usable[k]).collect(),
        te.iter().map(|&k| usable[k]).collect(),
    ))
}

/// Stops when most rows failed to read (one column or a format setting is likely wrong,
/// and a model of the rest would mislead), and warns when many did.
fn read_errors_check(table: &Table) -> Result<(), Box<dyn std::error::Error>> {
    let (bad, n) = (table.row_errors().len(), table.n_rows());
    if bad == 0 || n == 0 {
        return Ok(());
    }
    // The column most errors name (`line 17: balance`).
    let mut by_column: HashMap<String, usize> = HashMap::new();
    for (_, e) in table.row_errors() {
        if let wealthscore::Error::InvalidInput { field, .. } = e
            && let Some((_, column)) = field.split_once(": ")
        {
            *by_column.entry(column.to_string()).or_default() += 1;
        }
    }
    let worst = by_column
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(c, k)| format!("; {k} of them in column `{c}`"))
        .unwrap_or_default();
    let share = bad as f64 / n as f64;
    if share > 0.5 {
        return Err(format!(
            "{bad} of {n} rows could not be read{worst}: a format setting is likely wrong \
             (the schema's `csv` delimiter, decimal or thousands separator, the column's type \
             or levels, dates not written YYYY-MM-DD, or the file's encoding); see the errors \
             above"
        )
        .into());
    }
    if share > 0.05 {
        out!(
            "warning: {bad} of {n} rows ({:.0}%) could not be read and are left out{worst}",
            100.0 * share
        );
    }
    Ok(())
}

/// Warns about one-hot columns with so many levels for the training rows that their
/// features fit noise (a post code, a branch id), unless rare levels are pooled.
fn many_levels_check(schema: &Schema, table: &Table, train: &[usize]) {
    for c in &schema.columns {
        let pooled = c
            .transform
            .iter()
            .any(|t| matches!(t, wealthscore::schema::Transform::OneHot(o) if o.min_frequency > 1));
        if c.role != Role::Feature || c.kind != ColumnType::Category || pooled {
            continue;
        }
        let Some(col) = table.column(&c.name) else {
            continue;
        };
        let levels: std::collections::HashSet<String> =
            train.iter().filter_map(|&i| col.display(i)).collect();
        if levels.len() > 50 && levels.len() * 20 > train.len() {
            out!(
                "warning: column `{}` has {} levels over {} training rows, under 20 rows a \
                 level: its features can fit noise. Pool rare levels (`\"one_hot\": \
                 {{\"min_frequency\": 20, \"unseen\": \"infrequent\"}}`) or drop it",
                c.name,
                levels.len(),
                train.len()
            );
        }
    }
}
