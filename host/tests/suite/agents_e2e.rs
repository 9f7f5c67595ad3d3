//! Subagents end to end: the real binary against the model server, which
//! holds the parent's and each child's conversation at once (routed by a
//! marker in each one's first message).
use crate::support;

mod cancel;
mod definitions;
mod exec_end;
mod git_traps;
mod hooks;
mod limits;
mod line_stops;
mod line_view;
mod model_hint;
mod parallel;
mod resume;
mod resume_worktree;
mod sandbox;
mod send;
pub(crate) mod worktree;
mod worktree_escape;

use serde_json::{Value, json};

/// The marker in the parent's task: its requests are routed by it.
pub const PARENT: &str = "PARENT-MARK";

/// A spawn_agent call (foreground).
pub fn spawn(id: &str, task: &str) -> support::model_server::Step {
    support::model_server::Step::tool_call(id, "spawn_agent", json!({"task": task}))
}

/// A spawn_agent call with more arguments.
pub fn spawn_with(id: &str, args: Value) -> support::model_server::Step {
    support::model_server::Step::tool_call(id, "spawn_agent", args)
}
