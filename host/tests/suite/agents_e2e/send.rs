//! `send_agent` never holds the parent for a running child: the message
//! is queued and taken after the child's current run, its answer comes
//! with `wait_agents`; a finished child's answer is waited for at most
//! `timeout_sec`. A child waiting for a slot (`max_parallel`) is said to
//! be queued and announced when it starts. Children are held on a file
//! the parent's own shell call creates, so the order is the test's.

use serde_json::json;
use support::model_server::{Reply, Step};
use support::quire::{TestEnv, finish, wait_for_file, wait_gone};

use super::{PARENT, index_of, result_of, spawn, spawn_with, support};

fn touch(id: &str, file: &std::path::Path) -> Reply {
    Reply::tool_call(
        id,
        "shell",
        json!({"command": format!("touch '{}'", file.display())}),
    )
}

#[test]
fn send_to_a_running_child_is_queued_and_returns_at_once() {
    let env = TestEnv::new("responses");
    let release = env.repo_path().join("release");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-Q work", "background": true}),
            )]),
            Reply::tool_call(
                "s2",
                "send_agent",
                json!({"id": "agent", "message": "FOLLOW-UP-MARK also this"}),
            ),
            touch("s3", &release),
            Reply::tool_call("s4", "wait_agents", json!({})),
            Reply::text("all done"),
        ],
    );
    env.server.route(
        "CHILD-Q",
        [
            Reply::steps(vec![
                Step::Hold(release.clone()),
                Step::text("first answer"),
            ]),
            Reply::text("follow-up answer"),
        ],
    );
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run.of_type("agent_spawned")[0]["agent_id"]
        .as_str()
        .unwrap()
        .to_string();
    // The parent went on while the child was held on the file it then
    // created itself.
    let (sent_at, sent) = result_of(&run, "s2");
    assert_eq!(sent["status"], "queued", "{sent}");
    assert_eq!(sent["agent_id"], id.as_str());
    assert!(
        sent["note"]
            .as_str()
            .unwrap_or_default()
            .contains("wait_agents"),
        "{sent}"
    );
    assert!(sent_at < index_of(&run, "agent_completed", &id));
    // The follow-up ran after the first run, in the child's own history.
    let completed: Vec<_> = run
        .of_type("agent_completed")
        .into_iter()
        .filter(|e| e["agent_id"] == id.as_str())
        .collect();
    assert_eq!(completed.len(), 2, "one per run: {}", run.stdout);
    let follow_up = env
        .server
        .requests()
        .into_iter()
        .find(|r| r.raw_body.contains("FOLLOW-UP-MARK") && !r.raw_body.contains(PARENT))
        .expect("the child got the follow-up");
    assert!(follow_up.raw_body.contains("first answer"));
    // wait_agents returned the follow-up's answer, and the earlier one.
    let (_, waited) = result_of(&run, "s4");
    assert_eq!(waited[0]["answer"], "follow-up answer", "{waited}");
    assert_eq!(waited[0]["earlier_answers"], json!(["first answer"]));
}

#[test]
fn send_to_a_finished_child_stops_waiting_after_timeout_sec() {
    let env = TestEnv::new("responses");
    let release = env.repo_path().join("release");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn("s1", "CHILD-T start")]),
            Reply::tool_call(
                "s2",
                "send_agent",
                json!({"id": "agent", "message": "AGAIN-MARK more", "timeout_sec": 1}),
            ),
            touch("s3", &release),
            Reply::tool_call("s4", "wait_agents", json!({})),
            Reply::text("all done"),
        ],
    );
    env.server.route(
        "CHILD-T",
        [
            Reply::text("first"),
            Reply::steps(vec![Step::Hold(release.clone()), Step::text("second")]),
        ],
    );
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run.of_type("agent_spawned")[0]["agent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, sent) = result_of(&run, "s2");
    assert_eq!(sent["status"], "running", "{sent}");
    assert_eq!(sent["agent_id"], id.as_str());
    let (_, waited) = result_of(&run, "s4");
    assert_eq!(waited[0]["answer"], "second", "{waited}");
}

#[test]
fn a_child_waiting_for_a_slot_is_queued_and_announced_when_it_starts() {
    let env = TestEnv::with_config("responses", "[agents]\nmax_parallel = 1\n");
    let release = env.repo_path().join("release");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-A1 first", "background": true}),
            )]),
            Reply::tool_calls(vec![spawn_with(
                "s2",
                json!({"task": "CHILD-B1 second", "background": true}),
            )]),
            touch("s3", &release),
            Reply::tool_call("s4", "wait_agents", json!({})),
            Reply::text("all done"),
        ],
    );
    env.server.route(
        "CHILD-A1",
        [Reply::steps(vec![
            Step::Hold(release.clone()),
            Step::text("a done"),
        ])],
    );
    env.server.route("CHILD-B1", [Reply::text("b done")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (_, first) = result_of(&run, "s1");
    assert_eq!(first["status"], "running", "{first}");
    let (_, second) = result_of(&run, "s2");
    assert_eq!(second["status"], "queued", "{second}");
    let a = first["agent_id"].as_str().unwrap();
    let b = second["agent_id"].as_str().unwrap();
    // B is announced only once A has ended and given up its slot.
    assert!(
        index_of(&run, "agent_completed", a) < index_of(&run, "agent_spawned", b),
        "{}",
        run.stdout
    );
    let (_, waited) = result_of(&run, "s4");
    let answers: Vec<&str> = waited
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["answer"].as_str().unwrap())
        .collect();
    assert_eq!(answers, ["a done", "b done"]);
}

#[test]
fn ctrl_c_stops_a_child_with_a_queued_message_which_never_runs() {
    let env = TestEnv::new("responses");
    let pid_file = env.repo_path().join("child.pid");
    let went_on = env.repo_path().join("went-on");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-S sleep", "background": true}),
            )]),
            Reply::tool_call(
                "s2",
                "send_agent",
                json!({"id": "agent", "message": "FOLLOW-UP-MARK then this"}),
            ),
            Reply::tool_call(
                "s3",
                "shell",
                json!({"command": format!("echo on > '{}'", went_on.display())}),
            ),
            Reply::tool_call("s4", "wait_agents", json!({})),
        ],
    );
    env.server.route(
        "CHILD-S",
        [Reply::tool_call(
            "c1",
            "shell",
            json!({"command": format!("echo $$ > '{}'; exec sleep 300", pid_file.display())}),
        )],
    );
    let child = env.spawn(&["exec", "--json", &format!("{PARENT} go")]);
    let pid: i32 = wait_for_file(&pid_file).parse().expect("a pid");
    wait_for_file(&went_on);
    let quire = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: a signal to the quire process this test started.
    unsafe { libc::kill(quire, libc::SIGINT) };
    let run = finish(child);
    assert!(wait_gone(pid), "the child's sleep {pid} outlived Ctrl-C");
    let (_, sent) = result_of(&run, "s2");
    assert_eq!(sent["status"], "queued", "{sent}");
    let done = run.of_type("agent_completed");
    assert_eq!(done.len(), 1, "{}", run.stdout);
    assert_eq!(done[0]["status"], "interrupted");
    assert!(
        !env.server
            .requests()
            .iter()
            .any(|r| r.raw_body.contains("FOLLOW-UP-MARK") && !r.raw_body.contains(PARENT)),
        "the queued message ran after Ctrl-C"
    );
    let task = run
        .of_type("task_completed")
        .into_iter()
        .find(|e| e.get("agent_id").is_none())
        .cloned()
        .expect("the parent's task ended");
    assert_eq!(task["status"], "interrupted");
}

/// A model's `timeout_sec` of any size is a wait, never a crash.
#[test]
fn a_huge_timeout_sec_is_a_wait_not_a_panic() {
    let env = TestEnv::new("responses");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn("s1", "CHILD-H start")]),
            Reply::tool_call("s2", "wait_agents", json!({"timeout_sec": 1e30})),
            Reply::tool_call(
                "s3",
                "send_agent",
                json!({"id": "agent", "message": "more", "timeout_sec": 1e300}),
            ),
            Reply::text("all done"),
        ],
    );
    env.server
        .route("CHILD-H", [Reply::text("first"), Reply::text("second")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let (_, waited) = result_of(&run, "s2");
    assert_eq!(waited[0]["answer"], "first", "{waited}");
    let (_, sent) = result_of(&run, "s3");
    assert_eq!(sent[0]["answer"], "second", "{sent}");
}
