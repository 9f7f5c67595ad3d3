//! A child that starts a child of its own in the background and answers
//! without waiting for it: the grandchild stops when the child answers
//! (nothing could collect its work any more), as a root's background
//! child stops at `quire exec`'s end — a warning, its `agent_completed`
//! (interrupted) before the child's, its usage counted in the child's and
//! the task's, its session saying why it stopped (not "by the user"), its
//! command gone.

use serde_json::json;
use support::model_server::{Reply, Step};
use support::quire::{TestEnv, wait_gone};

use super::{PARENT, spawn, spawn_with, support};

/// Why the grandchild stopped (its `task_completed` reason).
const ANSWERED: &str = "stopped at the end of the parent's task (the agent that started it answered without waiting for it)";

#[test]
fn a_grandchild_left_in_the_background_stops_when_its_parent_child_answers() {
    let env = TestEnv::new("responses");
    let pid_file = env.repo_path().join("grand.pid");
    let pid = pid_file.display();
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn("s1", "NESTED-N go")]),
            Reply::text("PARENT-DONE"),
        ],
    );
    env.server.route(
        "NESTED-N",
        [
            Reply::tool_calls(vec![spawn_with(
                "g1",
                json!({"task": "GRAND-G sleep for long", "background": true}),
            )]),
            // Until the grandchild's command runs.
            Reply::tool_call(
                "w1",
                "shell",
                json!({"command": format!("while [ ! -s '{pid}' ]; do sleep 0.05; done")}),
            ),
            Reply::text("NESTED-DONE"),
        ],
    );
    env.server.route(
        "GRAND-G",
        [Reply::steps(vec![
            Step::tool_call(
                "c1",
                "shell",
                json!({"command": format!("echo $$ > '{pid}'; exec sleep 300")}),
            ),
            Step::Usage {
                input: 7000,
                output: 11,
            },
        ])],
    );
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warned = run.of_type("warning").iter().any(|w| {
        w["message"]
            .as_str()
            .is_some_and(|m| m.contains("of its own still running in the background: stopped"))
    });
    assert!(warned, "{}", run.stdout);
    let ended = run.of_type("agent_completed");
    assert_eq!(ended.len(), 2, "{}", run.stdout);
    assert_eq!(ended[0]["status"], "interrupted", "{}", ended[0]);
    assert_eq!(ended[0]["usage"]["input_tokens"], 7000, "{}", ended[0]);
    // The child's end counts its own three requests and the grandchild's.
    assert_eq!(ended[1]["status"], "done", "{}", ended[1]);
    assert_eq!(ended[1]["usage"]["input_tokens"], 7300, "{}", ended[1]);
    let grand_task = run
        .of_type("task_completed")
        .into_iter()
        .find(|e| e["status"] == "interrupted")
        .cloned()
        .expect("the grandchild's task_completed");
    assert_eq!(grand_task["reason"], ANSWERED, "{grand_task}");
    let last = run.events.last().expect("events");
    assert_eq!(last["type"], "task_completed", "{}", run.stdout);
    assert!(last.get("agent_id").is_none(), "{last}");
    // The parent's two requests, the child's three, the grandchild's one.
    assert_eq!(last["usage"]["input_tokens"], 7500, "{last}");
    let recorded = env
        .session_files()
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .any(|t| t.contains(ANSWERED));
    assert!(
        recorded,
        "no session file records why the grandchild stopped"
    );
    assert!(
        !run.stdout.contains("interrupted by the user"),
        "{}",
        run.stdout
    );
    let grand: i32 = std::fs::read_to_string(&pid_file)
        .unwrap_or_default()
        .trim()
        .parse()
        .expect("the grandchild's pid");
    assert!(
        wait_gone(grand),
        "the grandchild's command {grand} still runs"
    );
}
