//! Going back to an earlier message (Esc Esc in the terminal view,
//! `/rewind N` in both front ends, Codex's backtrack): the history from
//! that user message on is dropped — later turns with their tool calls
//! and results — and the message is given back to edit. The next request
//! is the kept history and the new message, so the provider's cached
//! prefix of the kept part still holds. Files the model changed stay as
//! they are (`/undo` reverts patches).

use super::{Event, Session};
use crate::images::Image;
use crate::model::Item;
use crate::store;

/// What going back to a message did.
#[derive(Debug, Clone, PartialEq)]
pub struct Rewound {
    /// The message as typed (files its `@path` mentions attached left
    /// out), to edit and send again.
    pub text: String,
    /// The images attached to it, in the order they were sent, for the
    /// front end to attach again.
    pub images: Vec<Image>,
    /// The user messages dropped, the one gone back to included.
    pub dropped_messages: usize,
}

/// Why a rewind was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RewindError {
    #[error("there is no message to go back to: the conversation holds none yet")]
    Empty,
    #[error(
        "there is no message {asked}: the conversation holds {held}; /rewind without a number lists them"
    )]
    NoSuch { asked: usize, held: usize },
}

impl Session {
    /// The next task's message holds files quire attached (`@path`
    /// mentions, a custom command's files) from byte `at` on: the session
    /// records how much was typed, so a resumed view, the session list and
    /// [`Session::rewind`] show the typed part whole, whatever it holds.
    pub fn attached_from(&mut self, at: usize) {
        self.attached_from = Some(at);
    }

    /// The user messages the history holds, oldest first, as typed (a
    /// compaction leaves only those it kept).
    pub fn user_messages(&self) -> Vec<String> {
        self.history
            .iter()
            .filter_map(|i| match i {
                Item::User { text, typed } => Some(store::typed_part(text, *typed).to_string()),
                _ => None,
            })
            .collect()
    }

    /// Goes back to the `n`-th user message of the history (from 1): it
    /// and everything after it leave the history, the session file
    /// records it (a resumed session drops the same), and its text comes
    /// back. Only between tasks: a running task holds the session.
    pub fn rewind(&mut self, n: usize) -> Result<Rewound, RewindError> {
        let held = self.user_messages().len();
        if held == 0 {
            return Err(RewindError::Empty);
        }
        let at = store::cut_at(&self.history, n).ok_or(RewindError::NoSuch { asked: n, held })?;
        let text = match &self.history[at] {
            Item::User { text, typed } => store::typed_part(text, *typed).to_string(),
            _ => String::new(),
        };
        let images = self.images_of_message(at);
        let dropped_messages = store::messages_from(&self.history, at);
        let event = Event::Rewound {
            to_user_message: n,
            dropped_messages,
            text: text.clone(),
        };
        if let Err(e) = self.writer.append_rewound(&event, dropped_messages) {
            self.warn(format!(
                "{e}; a resumed session will still hold the messages dropped here"
            ));
        }
        self.history.truncate(at);
        // What the dropped messages started in the background stops.
        self.scopes_cut();
        self.after_rewind();
        self.events.send(event);
        Ok(Rewound {
            text,
            images,
            dropped_messages,
        })
    }

    /// State that followed the dropped part is reset with it.
    fn after_rewind(&mut self) {
        // What the model never answered was after the cut, or is the
        // message given back.
        self.unanswered = None;
        // The usage measured covers items that are gone: estimated again.
        self.last_usage = None;
        self.compaction_kept = self.compaction_kept.min(self.history.len());
        self.compaction_stuck = false;
        for ext in &self.extensions {
            ext.sync_history(&self.history);
        }
    }
}
