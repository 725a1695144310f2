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
///
/// [`Error::Io`] and [`Error::Parse`] keep the underlying error, which
/// [`std::error::Error::source`] returns (an [`std::io::Error`] or a
/// [`serde_json::Error`], for instance):
///
/// ```
/// use std::error::Error as _;
/// let e = wealthscore::Scorer::from_file("no/such/scorer.json").unwrap_err();
/// assert!(e.to_string().contains("no/such/scorer.json"));
/// let io = e.source().and_then(|s| s.downcast_ref::<std::io::Error>()).unwrap();
/// assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub enum Error {
    /// A value is NaN or infinite.
    NonFinite {
        /// The field, cell or parameter at fault, e.g. `aum_history[3]`.
        field: String,
    },
    /// A value is finite but outside what the field allows.
    InvalidInput {
        /// The field, cell or parameter at fault.
        field: String,
        /// The offending value, as text.
        value: String,
        /// What the field allows.
        reason: String,
    },
    /// Two inputs that must agree in size do not.
    DimensionMismatch {
        /// What was being matched, e.g. `weights vs rows of R`.
        what: String,
        /// The size required.
        expected: usize,
        /// The size given.
        found: usize,
    },
    /// An input that must hold at least one element is empty.
    Empty {
        /// What was empty.
        what: String,
    },
    /// An iterative method stopped before meeting its tolerance.
    NotConverged {
        /// The method, e.g. `BG/NBD maximum likelihood`.
        method: String,
        /// Iterations spent.
        iterations: usize,
        /// What was left, e.g. the final gradient norm.
        detail: String,
    },
    /// Pairwise judgments are too inconsistent to be used.
    Inconsistent {
        /// The matrix or hierarchy node.
        what: String,
        /// The consistency ratio found.
        ratio: f64,
        /// The threshold that was required.
        threshold: f64,
    },
    /// Incomplete judgments whose comparison graph is not connected.
    Disconnected {
        /// The matrix at fault.
        what: String,
        /// Which items are cut off.
        detail: String,
    },
    /// A configuration (policy, thresholds, catalogue, weights) is not valid.
    InvalidConfig {
        /// The setting at fault.
        field: String,
        /// Why it is rejected.
        reason: String,
    },
    /// A fitted model is not usable: wrong shapes, unknown schema, absurd sizes.
    InvalidModel {
        /// Why the model is rejected.
        reason: String,
    },
    /// Fitting is impossible on the data given (e.g. one class only).
    Fit {
        /// The model being fitted.
        model: String,
        /// Why the data does not allow it.
        reason: String,
    },
    /// Reading or writing failed.
    Io {
        /// What was being read or written: the path when there is one.
        context: String,
        /// The system's message.
        message: String,
        /// The underlying error, returned by [`std::error::Error::source`].
        source: Option<ErrorSource>,
    },
    /// Text (JSON, CSV, a date) could not be parsed.
    Parse {
        /// Where: a file, a line, a field.
        context: String,
        /// The parser's message.
        message: String,
        /// The underlying parser error, if any, returned by
        /// [`std::error::Error::source`].
        source: Option<ErrorSource>,
    },
}

// Display and Error by hand rather than with thiserror: `source()` must return the
// underlying error itself (inside the shared `ErrorSource`), so that callers can downcast.
impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NonFinite { field } => {
                write!(f, "`{field}` must be finite (got NaN or infinity)")
            }
            Error::InvalidInput {
                field,
                value,
                reason,
            } => write!(f, "invalid `{field}` = {value}: {reason}"),
            Error::DimensionMismatch {
                what,
                expected,
                found,
            } => write!(
                f,
                "dimension mismatch in `{what}`: expected {expected}, found {found}"
            ),
            Error::Empty { what } => write!(f, "`{what}` must not be empty"),
            Error::NotConverged {
                method,
                iterations,
                detail,
            } => write!(
                f,
                "{method} did not converge after {iterations} iterations: {detail}"
            ),
            Error::Inconsistent {
                what,
                ratio,
                threshold,
            } => write!(
                f,
                "inconsistent judgments in `{what}`: consistency ratio {ratio:.4} exceeds {threshold:.4}"
            ),
            Error::Disconnected { what, detail } => write!(
                f,
                "comparisons in `{what}` do not connect every item: {detail}"
            ),
            Error::InvalidConfig { field, reason } => {
                write!(f, "invalid configuration `{field}`: {reason}")
            }
            Error::InvalidModel { reason } => write!(f, "invalid model: {reason}"),
            Error::Fit { model, reason } => write!(f, "cannot fit {model}: {reason}"),
            Error::Io {
                context, message, ..
            } => write!(f, "I/O error on {context}: {message}"),
            Error::Parse {
                context, message, ..
            } => write!(f, "parse error in {context}: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io {
                source: Some(s), ..
            }
            | Error::Parse {
                source: Some(s), ..
            } => Some(s.get()),
            _ => None,
        }
    }
}

/// The underlying error of an [`Error::Io`] or [`Error::Parse`], shared so that [`Error`]
/// stays `Clone`. Two sources are equal when their messages are; one serialises as its
/// message. As a [`std::error::Error`] it is transparent: its `source()` is the
/// underlying error itself, so `downcast_ref::<std::io::Error>()` works on it.
#[derive(Clone)]
pub struct ErrorSource(Arc<dyn std::error::Error + Send + Sync>);

impl ErrorSource {
    /// Wraps an error.
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        ErrorSource(Arc::new(e))
    }

    /// The underlying error.
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl std::fmt::Debug for ErrorSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for ErrorSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0, f)
    }
}

impl PartialEq for ErrorSource {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

impl serde::Serialize for ErrorSource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(&*self.0)
    }
}

use std::sync::Arc;

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

impl Error {
    /// An I/O error on `path` (or on whatever `context` names), keeping the source.
    pub(crate) fn io(context: impl std::fmt::Display, e: std::io::Error) -> Self {
        Error::Io {
            context: context.to_string(),
            message: e.to_string(),
            source: Some(ErrorSource::new(e)),
        }
    }

    /// A parse error with no underlying error to keep.
    pub(crate) fn parse(context: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Parse {
            context: context.into(),
            message: message.into(),
            source: None,
        }
    }

    /// The same error with the context of an [`Error::Io`] or [`Error::Parse`] prefixed
    /// by `place` (a file path), other errors unchanged.
    pub(crate) fn at(self, place: &str) -> Self {
        match self {
            Error::Io {
                context,
                message,
                source,
            } => Error::Io {
                context: format!("{place}: {context}"),
                message,
                source,
            },
            Error::Parse {
                context,
                message,
                source,
            } => Error::Parse {
                context: format!("{place}: {context}"),
                message,
                source,
            },
            other => other,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::io("stream", e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        if e.is_io() {
            let message = e.to_string();
            return Error::Io {
                context: "JSON stream".into(),
                message,
                source: Some(ErrorSource::new(e)),
            };
        }
        // serde_json's message ends with the position, which the context already names.
        let position = format!(" at line {} column {}", e.line(), e.column());
        let text = e.to_string();
        let message = text.strip_suffix(&position).unwrap_or(&text).to_string();
        Error::Parse {
            context: format!("JSON at line {} column {}", e.line(), e.column()),
            message,
            source: Some(ErrorSource::new(e)),
        }
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        let context = match e.position() {
            Some(p) => format!("CSV line {}", p.line()),
            None => "CSV".to_string(),
        };
        Error::Parse {
            context,
            message: e.to_string(),
            source: Some(ErrorSource::new(e)),
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
            non_negative_lazy(x, || format!("{field}[{i}]"))?;
        }
        let s: f64 = w.iter().sum();
        if (s - 1.0).abs() > tol {
            return Err(Error::invalid(field, format!("sum {s}"), "must sum to 1"));
        }
        Ok(())
    }
}
