//! The seam through which skills (and later sources) shape each turn.

use std::sync::Arc;

use futures::future::BoxFuture;

use super::Tool;
use crate::protocol::Item;

/// A change to the session's tools, picked up before a model round trip
/// (for example an MCP server that became ready after the session began).
pub enum ToolChange {
    /// A tool joins, under its spec's name.
    Added(Arc<dyn Tool>),
    /// The tool with this name leaves.
    Removed(String),
}

/// Something that adds to the prompt. Skills implement this: a catalog
/// and activated bodies as items after the user's message, and
/// re-injection after compaction.
///
/// The prompt's prefix only grows (providers cache it): what depends on a
/// user message goes into items after that message ([`Item::Context`]),
/// never into the system prompt.
pub trait Extension: Send + Sync {
    /// Text appended to the system prompt. It must be the same for every
    /// request of a session: anything that depends on the message belongs
    /// in [`Extension::on_user_message`].
    fn instructions(&self) -> Option<String> {
        None
    }

    /// Items added to the history right after the user's message, kept
    /// there and in the session file (for example the skills catalog for
    /// the message as an [`Item::Context`], and the skills it activated).
    /// Called after [`Extension::ready`] was waited for.
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

    /// The names of the tools a model request is about to carry (for
    /// example to start a lazy MCP server whose tool is sent).
    fn on_tools_sent(&self, _names: &[String]) {}

    /// Something the first model request of a task must wait for (for
    /// example MCP servers marked `required`). An error fails the task.
    fn ready(&self) -> Option<BoxFuture<'static, Result<(), String>>> {
        None
    }
    /// The session's history when the extension is added (a resumed
    /// session's items) and again when `/new` clears it, so state that
    /// mirrors the history (skills already active) can be restored.
    fn sync_history(&self, _history: &[Item]) {}

    /// The user called skill `name` with arguments: the next user message
    /// activates it with `instructions` (filled in) instead of its body as
    /// written.
    fn skill_invoked(&self, _name: &str, _instructions: &str) {}

    /// The session leaves its conversation for another (`/new`,
    /// `/resume`): what was counted for the one before (its subagents'
    /// tokens) is forgotten.
    fn on_new_conversation(&self) {}

    /// Before a round of tool calls runs: `scope` is cancelled when the
    /// user message the calls answer leaves the conversation (going back
    /// to it or to an earlier one). What the calls start that outlives
    /// the task (a subagent in the background) stops with it, and says
    /// the scope's reason ([`crate::protocol::interrupt::Stop::why`]).
    fn message_scope(&self, _scope: &crate::protocol::interrupt::Stop) {}

    /// What a cancelled task waits for before it ends (subagents that
    /// are stopping), so their last events and results are not lost.
    /// Bounded by the caller.
    fn settle(&self) -> Option<BoxFuture<'static, ()>> {
        None
    }

    /// How many things it runs in the background right now (subagents
    /// still at work), for a one-shot task to say it stops them.
    fn running(&self) -> usize {
        0
    }

    /// The task ends (or stops): what it holds queued, not started yet
    /// (subagents waiting for a slot), is dropped for `why`, never
    /// started. Called before anything running is stopped; returns how
    /// many were dropped.
    fn drop_queued(&self, _why: &str) -> usize {
        0
    }

    /// The task was interrupted (Ctrl-C): what it queued itself, not
    /// started yet (subagents it spawned, follow-ups it sent, waiting for
    /// a slot), is dropped for `why`, never started; what earlier tasks
    /// queued keeps its place. Called before anything running is stopped;
    /// returns how many were dropped.
    fn drop_interrupted(&self, _why: &str) -> usize {
        0
    }

    /// Tokens used on the session's behalf outside its own requests (the
    /// subagents it ran); added to the session's total.
    fn usage(&self) -> Option<crate::protocol::Usage> {
        None
    }
}
