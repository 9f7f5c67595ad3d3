//! Ctrl-C with children running: every child stops, its processes too,
//! and the parent ends instead of hanging.

use serde_json::json;
use support::model_server::Reply;
use support::quire::{TestEnv, finish, wait_for_file, wait_gone};

use super::{PARENT, spawn, support};

#[test]
fn ctrl_c_stops_running_children_and_their_processes() {
    let env = TestEnv::new("responses");
    env.server.route(
        PARENT,
        [Reply::tool_calls(vec![
            spawn("s1", "CHILD-F sleep"),
            spawn("s2", "CHILD-G sleep"),
        ])],
    );
    for m in ["CHILD-F", "CHILD-G"] {
        let pid_file = env.repo_path().join(format!("{m}.pid"));
        env.server.route(
            m,
            [Reply::tool_call(
                "c1",
                "shell",
                json!({"command": format!("echo $$ > '{}'; exec sleep 300", pid_file.display())}),
            )],
        );
    }
    let child = env.spawn(&["exec", "--json", &format!("{PARENT} wait")]);
    let pids: Vec<i32> = ["CHILD-F", "CHILD-G"]
        .iter()
        .map(|m| {
            let text = wait_for_file(&env.repo_path().join(format!("{m}.pid")));
            text.trim().parse().expect("a pid")
        })
        .collect();
    let quire = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: a signal to the quire process this test started.
    unsafe { libc::kill(quire, libc::SIGINT) };
    let run = finish(child);
    for pid in pids {
        assert!(wait_gone(pid), "the child's sleep {pid} outlived Ctrl-C");
    }
    let done = run.of_type("agent_completed");
    assert_eq!(done.len(), 2, "{}", run.stdout);
    for d in done {
        assert_eq!(d["status"], "interrupted");
    }
    let task = run
        .of_type("task_completed")
        .into_iter()
        .find(|e| e.get("agent_id").is_none())
        .cloned()
        .expect("the parent's task ended");
    assert_eq!(task["status"], "interrupted");
}
