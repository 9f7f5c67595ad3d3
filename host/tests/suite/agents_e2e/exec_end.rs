//! `quire exec` ending while a background subagent still works: the
//! child stops with the task, a warning says so, and its
//! `agent_completed` comes before `task_completed`; its command is gone.

use serde_json::json;
use support::model_server::{Reply, Step};
use support::quire::{TestEnv, wait_gone};

use super::{PARENT, spawn_with, support};

#[test]
fn a_background_child_still_working_when_exec_ends_is_stopped_and_said() {
    let env = TestEnv::new("responses");
    let pid_file = env.repo_path().join("child.pid");
    let pid = pid_file.display();
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-E sleep for long", "background": true}),
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
    env.server.route(
        "CHILD-E",
        [Reply::tool_calls(vec![Step::tool_call(
            "c1",
            "shell",
            json!({"command": format!("echo $$ > '{pid}'; exec sleep 300")}),
        )])],
    );
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let types = run.types();
    let warned = run.of_type("warning").iter().any(|w| {
        w["message"]
            .as_str()
            .is_some_and(|m| m.contains("still running in the background: stopped"))
    });
    assert!(warned, "{}", run.stdout);
    let ended = run.of_type("agent_completed");
    assert_eq!(ended.len(), 1, "{}", run.stdout);
    assert_eq!(ended[0]["status"], "interrupted", "{}", ended[0]);
    // The parent's task_completed (a child's own carry its agent_id) is
    // the last event, after the child's end.
    let ended_at = types.iter().position(|x| x == "agent_completed");
    assert!(ended_at < Some(types.len() - 1), "{types:?}");
    let last = run.events.last().expect("events");
    assert_eq!(last["type"], "task_completed", "{types:?}");
    assert!(last.get("agent_id").is_none(), "{last}");
    let child: i32 = std::fs::read_to_string(&pid_file)
        .unwrap_or_default()
        .trim()
        .parse()
        .expect("the child's pid");
    assert!(wait_gone(child), "the child's command {child} still runs");
}
