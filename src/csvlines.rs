//! Physical line numbers for the CSV readers: csv's own line count is one short for a
//! record after a `\r\n` (it starts the record at the `\n`), so the lines are tallied
//! here from the bytes read.

use std::cell::RefCell;
use std::rc::Rc;

/// Byte offsets of the `\n`s read so far and not yet passed, to turn a record's byte
/// offset into its physical line.
#[derive(Default)]
pub(crate) struct Newlines {
    pending: std::collections::VecDeque<u64>,
    passed: usize,
}

impl Newlines {
    /// The 1-based line of the record starting at `offset`: one more than the newlines
    /// at or before it (a record may start at the `\n` of a `\r\n`).
    pub(crate) fn line_of(&mut self, offset: u64) -> usize {
        while self.pending.front().is_some_and(|&p| p <= offset) {
            self.pending.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

/// A reader that records where the newlines are.
pub(crate) struct LineCounter<R> {
    inner: R,
    offset: u64,
    newlines: Rc<RefCell<Newlines>>,
}

impl<R> LineCounter<R> {
    /// The reader, and the tally it keeps as it is read.
    pub(crate) fn new(inner: R) -> (Self, Rc<RefCell<Newlines>>) {
        let newlines = Rc::new(RefCell::new(Newlines::default()));
        let reader = LineCounter {
            inner,
            offset: 0,
            newlines: Rc::clone(&newlines),
        };
        (reader, newlines)
    }
}

impl<R: std::io::Read> std::io::Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut nl = self.newlines.borrow_mut();
        for (i, &b) in buf.get(..n).unwrap_or_default().iter().enumerate() {
            if b == b'\n' {
                nl.pending.push_back(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}
