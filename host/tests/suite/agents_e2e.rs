//! Subagents end to end: the real binary against the model server, which
//! holds the parent's and each child's conversation at once (routed by a
//! marker in each one's first message).
use crate::support;

mod cancel;
mod ctrl_c_queue;
mod definitions;
mod double_term;
mod exec_end;
mod git_traps;
mod grandchild_end;
mod hooks;
mod limits;
mod line_stops;
mod line_view;
mod loose_frontmatter;
mod model_hint;
mod model_inherit;
mod offer_once;
mod parallel;
mod plugin_skills;
mod resume;
mod resume_end;
mod resume_listing;
mod resume_worktree;
mod sandbox;
mod send;
mod slot_queue;
mod star_tools;
mod task_tools;
mod wait_deadline;
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

/// The parent spawns a background child whose task starts with `child`,
/// waits until the child's command runs (its pid written to `pid`), then
/// answers PARENT-DONE; the child's one reply runs that long command,
/// then `more` (its usage, say).
pub fn parent_leaving_a_child(
    env: &support::quire::TestEnv,
    child: &str,
    pid: &std::path::Path,
    more: Vec<support::model_server::Step>,
) {
    use support::model_server::{Reply, Step};
    let pid = pid.display();
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": format!("{child} sleep for long"), "background": true}),
            )]),
            // The parent's own call: until the child's command runs.
            Reply::tool_call(
                "w1",
                "shell",
                json!({"command": format!("while [ ! -s '{pid}' ]; do sleep 0.05; done")}),
            ),
            Reply::text("PARENT-DONE"),
        ],
    );
    let mut steps = vec![Step::tool_call(
        "c1",
        "shell",
        json!({"command": format!("echo $$ > '{pid}'; exec sleep 300")}),
    )];
    steps.extend(more);
    env.server.route(child, [Reply::steps(steps)]);
}

/// The parent's own result of call `call_id`: its place among the events
/// and its text parsed as JSON (a string when it is not).
pub fn result_of(run: &support::quire::Run, call_id: &str) -> (usize, Value) {
    let (at, e) = run
        .events
        .iter()
        .enumerate()
        .find(|(_, e)| {
            e["type"] == "tool_completed" && e["call_id"] == call_id && e.get("agent_id").is_none()
        })
        .unwrap_or_else(|| panic!("no result of {call_id}: {}", run.stdout));
    let text = e["output"].as_str().unwrap_or_default();
    (
        at,
        serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string())),
    )
}

/// Where the first event of type `ty` of child `agent_id` is.
pub fn index_of(run: &support::quire::Run, ty: &str, agent_id: &str) -> usize {
    run.events
        .iter()
        .position(|e| e["type"] == ty && e["agent_id"] == agent_id)
        .unwrap_or_else(|| panic!("no {ty} of {agent_id}: {}", run.stdout))
}
