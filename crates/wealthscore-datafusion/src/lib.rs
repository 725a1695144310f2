//! Churn scoring in SQL on [Apache DataFusion](https://datafusion.apache.org), and
//! distributed with Ballista, from one fitted [`wealthscore`] pipeline.
//!
//! [`register_pipeline`] adds two scalar functions to a `SessionContext`:
//! `NAME_assess(...)`, a struct of the assessment (see [`assess_fields`]), and
//! `NAME_probability(...)`, the churn probability as `DOUBLE`. Their arguments are the
//! pipeline's input columns in schema order ([`argument_columns`], or [`call_sql`] writes
//! the call); their types are checked against the pipeline's schema when the query is
//! planned, with an error naming the column. Each batch is scored by the core's
//! columnar path ([`wealthscore::schema::FittedPipeline::assess_table_to_record_batch`]
//! for `NAME_assess`, [`wealthscore::schema::FittedPipeline::predict`] for
//! `NAME_probability`) on one thread: the engine owns the parallelism (one batch per
//! partition per task).
//!
//! [`PipelineCodec`] ships the pipeline with a serialised plan (its file and fingerprint),
//! so the same functions run on executors that never registered them; with the cargo
//! feature `ballista`, [`ballista::with_pipeline_codecs`] installs it in a Ballista
//! session.
//!
//! ```
//! use datafusion::prelude::SessionContext;
//! use wealthscore::schema::{FittedPipeline, PipelineConfig, Schema, Table};
//! use wealthscore_datafusion::register_pipeline;
//!
//! let schema = Schema::from_json(r#"{"columns": [
//!     {"name": "churned", "type": "boolean", "role": "label"},
//!     {"name": "calls", "type": "number", "cause": "service"}]}"#)?;
//! let csv = "churned,calls\n1,5\n0,1\n1,4\n0,0\n1,6\n0,2\n";
//! let table = Table::read_csv(csv.as_bytes(), &schema)?;
//! let pipeline = FittedPipeline::fit(schema, &table, &PipelineConfig::default())?.pipeline;
//!
//! let ctx = SessionContext::new();
//! register_pipeline(&ctx, "churn", &pipeline)?;
//! let rt = tokio::runtime::Runtime::new().unwrap();
//! let rows = rt.block_on(async {
//!     let df = ctx
//!         .sql("SELECT calls, churn_probability(calls) AS p, churn_assess(calls)['risk_level'] AS risk \
//!               FROM (VALUES (7.0), (0.0), (NULL)) AS t(calls) ORDER BY calls")
//!         .await?;
//!     df.collect().await
//! }).unwrap();
//! assert_eq!(rows.iter().map(|b| b.num_rows()).sum::<usize>(), 3);
//! # Ok::<(), wealthscore::Error>(())
//! ```

#![warn(missing_docs)]

mod codec;
mod udf;

#[cfg(feature = "ballista")]
pub mod ballista;

pub use codec::PipelineCodec;
pub use udf::{argument_columns, assess_fields};

use datafusion::logical_expr::ScalarUDF;
use datafusion::prelude::SessionContext;
use std::sync::Arc;
use udf::{ChurnUdf, Kind};
use wealthscore::schema::FittedPipeline;
use wealthscore::{Error, Result};

/// Checks that `name` can be written unquoted in SQL (DataFusion lowercases unquoted
/// identifiers, so a function name with capitals could never be called unquoted).
fn check_name(name: &str) -> Result<()> {
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput {
            field: "function name".into(),
            value: name.into(),
            reason: "use lowercase letters, digits and `_`, not starting with a digit, \
                     so that SQL can call it unquoted"
                .into(),
        })
    }
}

/// The UDF `NAME_assess(...)`: the assessment of each row as a struct of
/// [`assess_fields`].
///
/// ```
/// # let pipeline = wealthscore::schema::FittedPipeline::fit(
/// #     wealthscore::schema::Schema::from_json(r#"{"columns": [
/// #         {"name": "churned", "type": "boolean", "role": "label"},
/// #         {"name": "calls", "type": "number"}]}"#)?,
/// #     &wealthscore::schema::Table::read_csv("churned,calls\n1,5\n0,1\n1,4\n0,0\n".as_bytes(),
/// #         &wealthscore::schema::Schema::from_json(r#"{"columns": [
/// #         {"name": "churned", "type": "boolean", "role": "label"},
/// #         {"name": "calls", "type": "number"}]}"#)?)?,
/// #     &Default::default())?.pipeline;
/// let udf = wealthscore_datafusion::assess_udf("churn", &pipeline)?;
/// assert_eq!(udf.name(), "churn_assess");
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn assess_udf(name: &str, pipeline: &FittedPipeline) -> Result<ScalarUDF> {
    check_name(name)?;
    let p = Arc::new(pipeline.clone());
    Ok(ChurnUdf::new(&format!("{name}_assess"), Kind::Assess, p).into_udf())
}

/// The UDF `NAME_probability(...)`: the churn probability of each row (`DOUBLE`), null
/// where the pipeline refuses the row.
///
/// ```
/// # let schema = wealthscore::schema::Schema::from_json(r#"{"columns": [
/// #     {"name": "churned", "type": "boolean", "role": "label"},
/// #     {"name": "calls", "type": "number"}]}"#)?;
/// # let table = wealthscore::schema::Table::read_csv(
/// #     "churned,calls\n1,5\n0,1\n1,4\n0,0\n".as_bytes(), &schema)?;
/// # let pipeline = wealthscore::schema::FittedPipeline::fit(schema, &table, &Default::default())?.pipeline;
/// let udf = wealthscore_datafusion::probability_udf("churn", &pipeline)?;
/// assert_eq!(udf.name(), "churn_probability");
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn probability_udf(name: &str, pipeline: &FittedPipeline) -> Result<ScalarUDF> {
    check_name(name)?;
    let p = Arc::new(pipeline.clone());
    Ok(ChurnUdf::new(&format!("{name}_probability"), Kind::Probability, p).into_udf())
}

/// Registers `NAME_assess(...)` and `NAME_probability(...)` over `pipeline` in `ctx`
/// (one copy of the pipeline shared by both). Registering again under the same name
/// replaces them.
///
/// `name` must be lowercase letters, digits and `_`, so SQL can call the functions
/// unquoted; anything else is an error naming it.
///
/// ```
/// # let schema = wealthscore::schema::Schema::from_json(r#"{"columns": [
/// #     {"name": "churned", "type": "boolean", "role": "label"},
/// #     {"name": "calls", "type": "number"}]}"#)?;
/// # let table = wealthscore::schema::Table::read_csv(
/// #     "churned,calls\n1,5\n0,1\n1,4\n0,0\n".as_bytes(), &schema)?;
/// # let pipeline = wealthscore::schema::FittedPipeline::fit(schema, &table, &Default::default())?.pipeline;
/// use datafusion::execution::FunctionRegistry;
/// let ctx = datafusion::prelude::SessionContext::new();
/// wealthscore_datafusion::register_pipeline(&ctx, "churn", &pipeline)?;
/// assert!(ctx.udf("churn_assess").is_ok());
/// assert!(wealthscore_datafusion::register_pipeline(&ctx, "Churn", &pipeline).is_err());
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn register_pipeline(
    ctx: &SessionContext,
    name: &str,
    pipeline: &FittedPipeline,
) -> Result<()> {
    check_name(name)?;
    let p = Arc::new(pipeline.clone());
    let assess = ChurnUdf::new(&format!("{name}_assess"), Kind::Assess, Arc::clone(&p));
    let prob = ChurnUdf::new(&format!("{name}_probability"), Kind::Probability, p);
    ctx.register_udf(assess.into_udf());
    ctx.register_udf(prob.into_udf());
    Ok(())
}

/// The SQL call of `function` over the pipeline's input columns, each quoted, e.g.
/// `churn_assess("CUST_NO", "OPEN_DT", "AGE_YRS", ...)`.
///
/// ```
/// use wealthscore::schema::Schema;
/// let s = Schema::from_json(r#"{"columns": [
///     {"name": "id", "type": "text", "role": "id"},
///     {"name": "Calls", "type": "number"}]}"#)?;
/// assert_eq!(wealthscore_datafusion::call_sql("churn_assess", &s), r#"churn_assess("id", "Calls")"#);
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn call_sql(function: &str, schema: &wealthscore::schema::Schema) -> String {
    let args: Vec<String> = argument_columns(schema)
        .map(|c| format!("\"{}\"", c.name.replace('"', "\"\"")))
        .collect();
    format!("{function}({})", args.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_must_be_callable_unquoted() {
        assert!(check_name("churn").is_ok());
        assert!(check_name("churn_v2").is_ok());
        for bad in ["", "Churn", "2churn", "churn-x", "churn x"] {
            let e = check_name(bad).unwrap_err();
            assert!(e.to_string().contains("function name"), "{e}");
        }
    }
}

/// The README's examples, run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
