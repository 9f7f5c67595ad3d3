//! An answer the user interrupted after it began: the text already
//! streamed (and shown) is kept in the history, with a note for the model
//! that it was cut short, instead of being thrown away as if nothing had
//! been said.

use std::sync::{Arc, Mutex};

use super::Session;
use crate::model::Item;

/// What the model is told after an interrupted answer.
pub const INTERRUPTED_NOTE: &str =
    "The answer above was cut short: the user interrupted it after it began, so it is incomplete.";

/// The source of [`INTERRUPTED_NOTE`]'s context item.
pub const NOTE_SOURCE: &str = "quire";

/// The text streamed by the current request's attempt (a retried attempt
/// starts it again).
#[derive(Debug, Clone, Default)]
pub(crate) struct Partial(Arc<Mutex<String>>);

impl Partial {
    pub fn push(&self, delta: &str) {
        if let Ok(mut s) = self.0.lock() {
            s.push_str(delta);
        }
    }

    pub fn clear(&self) {
        if let Ok(mut s) = self.0.lock() {
            s.clear();
        }
    }

    pub fn take(&self) -> String {
        self.0
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default()
    }
}

impl Session {
    /// After a request the user interrupted: the text it had streamed, if
    /// any, is recorded as the (incomplete) answer, with a note saying so.
    /// Returns whether there was any.
    pub(crate) fn keep_partial_answer(&mut self) -> bool {
        let text = self.partial.take();
        if text.trim().is_empty() {
            return false;
        }
        self.record(Item::Assistant { text });
        self.record(Item::Context {
            source: NOTE_SOURCE.to_string(),
            text: INTERRUPTED_NOTE.to_string(),
        });
        true
    }
}
