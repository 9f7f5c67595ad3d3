//! The seam through which skills (and later sources) shape each turn.

use crate::model::Item;

/// Something that adds to the prompt. Skills implement this: a catalog in
/// the instructions, activated bodies as items, and re-injection after
/// compaction.
pub trait Extension: Send + Sync {
    /// Text appended to the system prompt for a turn started by
    /// `user_text` (for example a catalog of the skills that fit it).
    fn instructions(&self, _user_text: &str) -> Option<String> {
        None
    }

    /// Items added to the history right after the user's message (for
    /// example skills the message activated).
    fn on_user_message(&self, _user_text: &str) -> Vec<Item> {
        Vec::new()
    }

    /// Items added after compaction replaced the history (for example the
    /// bodies of skills that were active).
    fn after_compaction(&self) -> Vec<Item> {
        Vec::new()
    }

    /// The session's history when the extension is added (a resumed
    /// session's items) and again when `/new` clears it, so state that
    /// mirrors the history (skills already active) can be restored.
    fn sync_history(&self, _history: &[Item]) {}
}
