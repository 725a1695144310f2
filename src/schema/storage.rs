//! Where a column's values live: a `Vec` the crate owns, or a buffer shared with another
//! owner (an Arrow array), read in place without a copy.

use std::fmt;
use std::sync::Arc;

/// A buffer owned elsewhere that lends its values as a slice (e.g. an Arrow
/// `ScalarBuffer`, reference-counted, so the table keeps it alive without copying).
pub(crate) trait SharedSlice<T>: Send + Sync {
    fn as_slice(&self) -> &[T];
}

/// The values of a column: owned, or shared with the buffer they came from.
#[cfg_attr(not(feature = "arrow"), allow(dead_code))] // shared only by Arrow input
pub(crate) enum Storage<T> {
    Owned(Vec<T>),
    Shared(Arc<dyn SharedSlice<T>>),
}

impl<T> Storage<T> {
    #[inline]
    pub(crate) fn as_slice(&self) -> &[T] {
        match self {
            Storage::Owned(v) => v,
            Storage::Shared(s) => s.as_slice(),
        }
    }
}

impl<T> From<Vec<T>> for Storage<T> {
    fn from(v: Vec<T>) -> Self {
        Storage::Owned(v)
    }
}

impl<T: Clone> Clone for Storage<T> {
    fn clone(&self) -> Self {
        match self {
            Storage::Owned(v) => Storage::Owned(v.clone()),
            Storage::Shared(s) => Storage::Shared(Arc::clone(s)),
        }
    }
}

impl<T: PartialEq> PartialEq for Storage<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: fmt::Debug> fmt::Debug for Storage<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Storage::Owned(v) => v.fmt(f),
            Storage::Shared(s) => f
                .debug_struct("Shared")
                .field("len", &s.as_slice().len())
                .finish(),
        }
    }
}
