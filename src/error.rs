//! The one error type of the crate.
//!
//! Every fallible public function returns [`Result<T>`]. Variants carry the name of the
//! field or cell at fault so that a caller can log or show it as it is, and are plain
//! data (`Clone + PartialEq`) so that a batch can return one error per record.
//!
//! ```
//! use wealthscore::{Error, ClientRecord};
//!
//! let mut client = ClientRecord::example();
//! client.fee_rate = f64::NAN;
//! match client.validate() {
//!     Err(Error::NonFinite { field }) => assert_eq!(field, "fee_rate"),
//!     other => panic!("unexpected {other:?}"),
//! }
//! ```

/// Everything that can go wrong in `wealthscore`.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize)]
#[non_exhaustive]
pub enum Error {
    /// A value is NaN or infinite.
    #[error("`{field}` must be finite (got NaN or infinity)")]
    NonFinite {
        /// The field, cell or parameter at fault, e.g. `aum_history[3]`.
        field: String,
    },
    /// A value is finite but outside what the field allows.
    #[error("invalid `{field}` = {value}: {reason}")]
    InvalidInput {
        /// The field, cell or parameter at fault.
        field: String,
        /// The offending value, as text.
        value: String,
        /// What the field allows.
        reason: String,
    },
    /// Two inputs that must agree in size do not.
    #[error("dimension mismatch in `{what}`: expected {expected}, found {found}")]
    DimensionMismatch {
        /// What was being matched, e.g. `weights vs rows of R`.
        what: String,
        /// The size required.
        expected: usize,
        /// The size given.
        found: usize,
    },
    /// An input that must hold at least one element is empty.
    #[error("`{what}` must not be empty")]
    Empty {
        /// What was empty.
        what: String,
    },
    /// An iterative method stopped before meeting its tolerance.
    #[error("{method} did not converge after {iterations} iterations: {detail}")]
    NotConverged {
        /// The method, e.g. `BG/NBD maximum likelihood`.
        method: String,
        /// Iterations spent.
        iterations: usize,
        /// What was left, e.g. the final gradient norm.
        detail: String,
    },
    /// Pairwise judgments are too inconsistent to be used.
    #[error(
        "inconsistent judgments in `{what}`: consistency ratio {ratio:.4} exceeds {threshold:.4}"
    )]
    Inconsistent {
        /// The matrix or hierarchy node.
        what: String,
        /// The consistency ratio found.
        ratio: f64,
        /// The threshold that was required.
        threshold: f64,
    },
    /// Incomplete judgments whose comparison graph is not connected.
    #[error("comparisons in `{what}` do not connect every item: {detail}")]
    Disconnected {
        /// The matrix at fault.
        what: String,
        /// Which items are cut off.
        detail: String,
    },
    /// A configuration (policy, thresholds, catalogue, weights) is not valid.
    #[error("invalid configuration `{field}`: {reason}")]
    InvalidConfig {
        /// The setting at fault.
        field: String,
        /// Why it is rejected.
        reason: String,
    },
    /// A fitted model is not usable: wrong shapes, unknown schema, absurd sizes.
    #[error("invalid model: {reason}")]
    InvalidModel {
        /// Why the model is rejected.
        reason: String,
    },
    /// Fitting is impossible on the data given (e.g. one class only).
    #[error("cannot fit {model}: {reason}")]
    Fit {
        /// The model being fitted.
        model: String,
        /// Why the data does not allow it.
        reason: String,
    },
    /// Reading or writing failed.
    #[error("I/O error on {context}: {message}")]
    Io {
        /// What was being read or written.
        context: String,
        /// The system's message.
        message: String,
    },
    /// Text (JSON, CSV, a date) could not be parsed.
    #[error("parse error in {context}: {message}")]
    Parse {
        /// Where: a file, a line, a field.
        context: String,
        /// The parser's message.
        message: String,
    },
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

#[allow(dead_code)] // constructors used as modules land
impl Error {
    /// The same error with the field it names rewritten by `f`, to place it in a larger
    /// input (`clients[3].fee_rate`, `line 7: age`); errors naming no field are unchanged.
    pub(crate) fn within(self, f: impl FnOnce(&str) -> String) -> Self {
        match self {
            Error::NonFinite { field } => Error::NonFinite { field: f(&field) },
            Error::InvalidInput {
                field,
                value,
                reason,
            } => Error::InvalidInput {
                field: f(&field),
                value,
                reason,
            },
            Error::InvalidConfig { field, reason } => Error::InvalidConfig {
                field: f(&field),
                reason,
            },
            other => other,
        }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub(crate) fn invalid(
        field: impl Into<String>,
        value: impl std::fmt::Display,
        reason: impl Into<String>,
    ) -> Self {
        Error::InvalidInput {
            field: field.into(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::InvalidConfig`].
    pub(crate) fn config(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidConfig {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::DimensionMismatch`].
    pub(crate) fn dims(what: impl Into<String>, expected: usize, found: usize) -> Self {
        Error::DimensionMismatch {
            what: what.into(),
            expected,
            found,
        }
    }

    /// Shorthand for [`Error::InvalidModel`].
    pub(crate) fn model(reason: impl Into<String>) -> Self {
        Error::InvalidModel {
            reason: reason.into(),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io {
            context: "stream".into(),
            message: e.to_string(),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Parse {
            context: format!("JSON at line {} column {}", e.line(), e.column()),
            message: e.to_string(),
        }
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        let context = match e.position() {
            Some(p) => format!("CSV record {} (line {})", p.record(), p.line()),
            None => "CSV".to_string(),
        };
        Error::Parse {
            context,
            message: e.to_string(),
        }
    }
}

/// Checks used by every module's validation; they name the field in the error.
#[allow(dead_code)] // shared helpers; not every module uses every check
pub(crate) mod check {
    use super::{Error, Result};

    /// Rejects NaN and infinities.
    pub(crate) fn finite(field: &str, v: f64) -> Result<f64> {
        finite_lazy(v, || field.to_string())
    }

    /// Finite and `>= 0`.
    pub(crate) fn non_negative(field: &str, v: f64) -> Result<f64> {
        non_negative_lazy(v, || field.to_string())
    }

    /// Finite and `> 0`.
    pub(crate) fn positive(field: &str, v: f64) -> Result<f64> {
        finite(field, v)?;
        if v <= 0.0 {
            return Err(Error::invalid(field, v, "must be > 0"));
        }
        Ok(v)
    }

    /// Finite and within `[lo, hi]`.
    pub(crate) fn in_range(field: &str, v: f64, lo: f64, hi: f64) -> Result<f64> {
        in_range_lazy(v, lo, hi, || field.to_string())
    }

    // The `_lazy` forms build the field name only on failure, so that loops over
    // histories and batches on the scoring hot path do not allocate per element.

    /// [`finite`] naming the field lazily.
    pub(crate) fn finite_lazy(v: f64, field: impl FnOnce() -> String) -> Result<f64> {
        if v.is_finite() {
            Ok(v)
        } else {
            Err(Error::NonFinite { field: field() })
        }
    }

    /// [`non_negative`] naming the field lazily.
    pub(crate) fn non_negative_lazy(v: f64, field: impl FnOnce() -> String) -> Result<f64> {
        if v.is_finite() && v >= 0.0 {
            return Ok(v);
        }
        let field = field();
        finite_lazy(v, || field.clone())?;
        Err(Error::invalid(field, v, "must be >= 0"))
    }

    /// [`in_range`] naming the field lazily.
    pub(crate) fn in_range_lazy(
        v: f64,
        lo: f64,
        hi: f64,
        field: impl FnOnce() -> String,
    ) -> Result<f64> {
        if !v.is_finite() {
            return Err(Error::NonFinite { field: field() });
        }
        if v < lo || v > hi {
            return Err(Error::invalid(
                field(),
                v,
                format!("must lie in [{lo}, {hi}]"),
            ));
        }
        Ok(v)
    }

    /// A probability in `[0, 1]`.
    pub(crate) fn probability(field: &str, v: f64) -> Result<f64> {
        in_range(field, v, 0.0, 1.0)
    }

    /// Every element finite; the error names `field[i]`.
    pub(crate) fn all_finite(field: &str, xs: &[f64]) -> Result<()> {
        for (i, &x) in xs.iter().enumerate() {
            if !x.is_finite() {
                return Err(Error::NonFinite {
                    field: format!("{field}[{i}]"),
                });
            }
        }
        Ok(())
    }

    /// Not empty.
    pub(crate) fn non_empty<T>(what: &str, xs: &[T]) -> Result<()> {
        if xs.is_empty() {
            Err(Error::Empty {
                what: what.to_string(),
            })
        } else {
            Ok(())
        }
    }

    /// Same length.
    pub(crate) fn same_len(what: &str, expected: usize, found: usize) -> Result<()> {
        if expected == found {
            Ok(())
        } else {
            Err(Error::dims(what, expected, found))
        }
    }

    /// Non-negative finite weights summing to 1 within `tol`.
    pub(crate) fn weights(field: &str, w: &[f64], tol: f64) -> Result<()> {
        non_empty(field, w)?;
        for (i, &x) in w.iter().enumerate() {
            non_negative(&format!("{field}[{i}]"), x)?;
        }
        let s: f64 = w.iter().sum();
        if (s - 1.0).abs() > tol {
            return Err(Error::invalid(field, format!("sum {s}"), "must sum to 1"));
        }
        Ok(())
    }
}
