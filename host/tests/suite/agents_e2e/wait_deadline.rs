//! `wait_agents` with `timeout_sec` has one deadline for the whole call,
//! however many children it waits for (not `timeout_sec` per child in
//! turn); and a child still queued for a slot (`max_parallel`) when
//! `quire exec` ends is dropped, never started.

use serde_json::{Value, json};
use support::model_server::{Reply, Step};
use support::quire::{Run, TestEnv};

use super::{PARENT, spawn_with, support};

/// The text of the parent's own result of call `call_id`.
fn output_of(run: &Run, call_id: &str) -> String {
    run.events
        .iter()
        .find(|e| {
            e["type"] == "tool_completed" && e["call_id"] == call_id && e.get("agent_id").is_none()
        })
        .and_then(|e| e["output"].as_str())
        .unwrap_or_else(|| panic!("no result of {call_id}: {}", run.stdout))
        .to_string()
}

fn background(id: &str, task: &str) -> Step {
    spawn_with(id, json!({"task": task, "background": true}))
}

/// Four children that never get an answer, listed before one released
/// 6 s after the parent calls `wait_agents` (`timeout_sec` 2) and one
/// that answers at once. Waiting 2 s per hung child in turn (8 s) saw
/// the released one done; one deadline for the call reports it running.
#[test]
fn wait_agents_timeout_is_one_deadline_for_all_the_children() {
    let env = TestEnv::with_config("responses", "[agents]\nmax_parallel = 8\n");
    let armed = env.repo_path().join("armed");
    let release = env.repo_path().join("release");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![
                background("s1", "CHILD-H1 hang"),
                background("s2", "CHILD-H2 hang"),
                background("s3", "CHILD-H3 hang"),
                background("s4", "CHILD-H4 hang"),
            ]),
            Reply::tool_calls(vec![
                background("s5", "CHILD-LATE held"),
                background("s6", "CHILD-QUICK answers"),
            ]),
            Reply::tool_call(
                "a1",
                "shell",
                json!({"command": format!("touch '{}'", armed.display())}),
            ),
            Reply::tool_call("w1", "wait_agents", json!({"timeout_sec": 2})),
            Reply::text("PARENT-DONE"),
        ],
    );
    for m in ["CHILD-H1", "CHILD-H2", "CHILD-H3", "CHILD-H4"] {
        env.server.route(m, [Reply::Hang]);
    }
    env.server.route(
        "CHILD-LATE",
        [Reply::steps(vec![
            Step::Hold(release.clone()),
            Step::text("late done"),
        ])],
    );
    env.server.route("CHILD-QUICK", [Reply::text("quick done")]);
    // The late child is let go 6 s after the parent's call just before
    // `wait_agents`.
    let releaser = {
        let (armed, release) = (armed.clone(), release.clone());
        std::thread::spawn(move || {
            let start = std::time::Instant::now();
            while !armed.exists() && start.elapsed().as_secs() < 120 {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            std::thread::sleep(std::time::Duration::from_secs(6));
            let _ = std::fs::write(&release, "go");
        })
    };
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    let _ = releaser.join();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let late = run
        .of_type("agent_spawned")
        .into_iter()
        .find(|e| e["task"].as_str().is_some_and(|t| t.contains("CHILD-LATE")))
        .unwrap_or_else(|| panic!("the late child: {}", run.stdout))["agent_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let out = output_of(&run, "w1");
    let (done, still) = out.split_once("\nstill running: ").unwrap_or((&out, ""));
    let done: Value = serde_json::from_str(done).unwrap_or_else(|e| panic!("{e}: {out}"));
    let answers: Vec<&str> = done
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["answer"].as_str()).collect())
        .unwrap_or_default();
    // The quick one, listed after the hung ones, is reported done.
    assert_eq!(answers, ["quick done"], "{out}");
    let still: Vec<&str> = still.split(", ").collect();
    assert_eq!(still.len(), 5, "four hung and the late one: {out}");
    assert!(still.contains(&late.as_str()), "{out}");
}

/// `max_parallel = 1` and two background children: the one with the slot
/// never gets an answer, the other waits for the slot when the parent
/// answers. Only the first was started: the queued one is never announced
/// or run, and the end's warning counts it apart.
#[test]
fn a_child_still_queued_for_a_slot_when_exec_ends_is_never_started() {
    let env = TestEnv::with_config("responses", "[agents]\nmax_parallel = 1\n");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![background("s1", "CHILD-RUN hang")]),
            Reply::tool_calls(vec![background("s2", "CHILD-WAIT never runs")]),
            Reply::text("PARENT-DONE"),
        ],
    );
    env.server.route("CHILD-RUN", [Reply::Hang]);
    env.server
        .route("CHILD-WAIT", [Reply::text("the queued child ran")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let queued: Value = serde_json::from_str(&output_of(&run, "s2")).unwrap_or_default();
    assert_eq!(queued["status"], "queued", "{queued}");
    let spawned = run.of_type("agent_spawned");
    assert_eq!(spawned.len(), 1, "only the running child: {}", run.stdout);
    assert!(
        spawned[0]["task"]
            .as_str()
            .is_some_and(|t| t.contains("CHILD-RUN")),
        "{}",
        spawned[0]
    );
    assert_eq!(run.of_type("agent_completed").len(), 1, "{}", run.stdout);
    let warnings: Vec<String> = run
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str().map(str::to_string))
        .collect();
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "the task ended with 1 subagent still running in the background: stopped"
        )),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "1 subagent still waiting for a free slot (agents.max_parallel) at the end of the task: dropped, never started"
        )),
        "{warnings:?}"
    );
    let ran = env
        .server
        .requests()
        .iter()
        .any(|r| r.raw_body.contains("CHILD-WAIT") && !r.raw_body.contains(PARENT));
    assert!(!ran, "the queued child sent a request");
    let last = run.events.last().cloned().unwrap_or_default();
    assert_eq!(last["type"], "task_completed", "{}", run.stdout);
}
