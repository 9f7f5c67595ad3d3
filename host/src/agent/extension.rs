//! The seam through which skills (and later sources) shape each turn.

use std::sync::Arc;

use futures::future::BoxFuture;

use crate::model::Item;
use crate::tools::Tool;

/// A change to the session's tools, picked up before a model round trip
/// (for example an MCP server that became ready after the session began).
pub enum ToolChange {
    /// A tool joins, under its spec's name.
    Added(Arc<dyn Tool>),
    /// The tool with this name leaves.
    Removed(String),
}

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

    /// Tools that joined or left since the last call; polled before each
    /// model round trip.
    fn tool_changes(&self) -> Vec<ToolChange> {
        Vec::new()
    }

    /// Something the first model request of a task must wait for (for
    /// example MCP servers marked `required`). An error fails the task.
    fn ready(&self) -> Option<BoxFuture<'static, Result<(), String>>> {
        None
    }
    /// The session's history when the extension is added (a resumed
    /// session's items) and again when `/new` clears it, so state that
    /// mirrors the history (skills already active) can be restored.
    fn sync_history(&self, _history: &[Item]) {}
}
