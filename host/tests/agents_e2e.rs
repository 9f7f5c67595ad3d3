//! Subagents end to end: the real binary against the model server, which
//! holds the parent's and each child's conversation at once (routed by a
//! marker in each one's first message).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod support;

#[path = "agents_e2e/cancel.rs"]
mod cancel;
#[path = "agents_e2e/definitions.rs"]
mod definitions;
#[path = "agents_e2e/limits.rs"]
mod limits;
#[path = "agents_e2e/line_view.rs"]
mod line_view;
#[path = "agents_e2e/parallel.rs"]
mod parallel;
#[path = "agents_e2e/resume.rs"]
mod resume;
#[path = "agents_e2e/worktree.rs"]
mod worktree;

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
