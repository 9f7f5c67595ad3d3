//! A child continued after `quire exec --resume` (send_agent reopens it
//! from its file) stops with the task that continued it, as a child that
//! task spawned would: at the end of `quire exec` its follow-up still at
//! work is stopped, said, ended before the task's own end, its command
//! gone.

use serde_json::json;
use support::model_server::{Reply, Step};
use support::quire::{TestEnv, wait_gone};

use super::{PARENT, spawn, support};

#[test]
fn a_child_continued_after_resume_stops_when_the_resumed_exec_ends() {
    let env = TestEnv::new("responses");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn("s1", "CHILD-RE answer")]),
            Reply::text("noted"),
        ],
    );
    env.server.route("CHILD-RE", [Reply::text("first answer")]);
    let first = env.exec_json(&format!("{PARENT} start"), &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let id = first.of_type("agent_spawned")[0]["agent_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    let pid_file = env.repo_path().join("child.pid");
    let pid = pid_file.display();
    env.server.route(
        PARENT,
        [
            Reply::tool_call(
                "f1",
                "send_agent",
                json!({"id": id, "message": "FOLLOW-RE work long", "timeout_sec": 0.1}),
            ),
            // Until the child's command runs.
            Reply::tool_call(
                "w1",
                "shell",
                json!({"command": format!("while [ ! -s '{pid}' ]; do sleep 0.05; done")}),
            ),
            Reply::text("PARENT-DONE"),
        ],
    );
    env.server.route(
        "CHILD-RE",
        [Reply::steps(vec![Step::tool_call(
            "c1",
            "shell",
            json!({"command": format!("echo $$ > '{pid}'; exec sleep 300")}),
        )])],
    );
    let second = env.exec_json("go on", &["--resume", "last"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let ends = second.of_type("agent_completed");
    assert_eq!(ends.len(), 1, "{}", second.stdout);
    assert_eq!(ends[0]["agent_id"], id.as_str(), "{}", ends[0]);
    assert_eq!(ends[0]["status"], "interrupted", "{}", ends[0]);
    let child_end = second
        .of_type("task_completed")
        .into_iter()
        .find(|e| e["agent_id"] == id.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("no task_completed of the child: {}", second.stdout));
    assert!(
        child_end["reason"]
            .as_str()
            .is_some_and(|r| r.contains("end of the parent's task")),
        "{child_end}"
    );
    let last = second.events.last().cloned().unwrap_or_default();
    assert_eq!(last["type"], "task_completed", "{}", second.stdout);
    assert!(last.get("agent_id").is_none(), "{last}");
    let child: i32 = std::fs::read_to_string(&pid_file)
        .unwrap_or_default()
        .trim()
        .parse()
        .expect("the child's pid");
    assert!(wait_gone(child), "the child's command {child} still runs");
}
