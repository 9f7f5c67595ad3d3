//! `wait_agents` with `timeout_sec` has one deadline for the whole call,
//! however many children it waits for (not `timeout_sec` per child in
//! turn); and a child still queued for a slot (`max_parallel`) when
//! `quire exec` ends is dropped, never started, even though stopping the
//! running child at the end frees a slot.

use serde_json::{Value, json};
use support::model_server::{Reply, Step};
use support::quire::{Run, TestEnv};

use super::{PARENT, spawn, spawn_with, support};

/// The parent's own `tool_completed` of call `call_id`.
fn completed<'a>(run: &'a Run, call_id: &str) -> &'a Value {
    run.events
        .iter()
        .find(|e| {
            e["type"] == "tool_completed" && e["call_id"] == call_id && e.get("agent_id").is_none()
        })
        .unwrap_or_else(|| panic!("no result of {call_id}: {}", run.stdout))
}

/// The text of the parent's own result of call `call_id`.
fn output_of(run: &Run, call_id: &str) -> String {
    completed(run, call_id)["output"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn background(id: &str, task: &str) -> Step {
    spawn_with(id, json!({"task": task, "background": true}))
}

const HUNG: usize = 6;
const TIMEOUT_MS: u64 = 1500;

/// Six children that never get an answer, listed before one that has
/// answered (spawned in the foreground). `wait_agents` for all with
/// `timeout_sec` 1.5 reports the answered one done and the six still
/// running. Waiting 1.5 s per hung child in turn took at least 9 s (the
/// bound asserted is that minimum of the old behaviour, not a measure of
/// speed: one deadline takes about 1.5 s).
#[test]
fn wait_agents_timeout_is_one_deadline_for_all_the_children() {
    let env = TestEnv::with_config("responses", "[agents]\nmax_parallel = 8\n");
    let hung: Vec<Step> = (1..=HUNG)
        .map(|i| background(&format!("s{i}"), &format!("CHILD-H{i} hang")))
        .collect();
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(hung),
            // In the foreground: done before the call under test.
            Reply::tool_calls(vec![spawn("q1", "CHILD-QUICK answers")]),
            Reply::tool_call(
                "w1",
                "wait_agents",
                json!({"timeout_sec": TIMEOUT_MS as f64 / 1000.0}),
            ),
            Reply::text("PARENT-DONE"),
        ],
    );
    for i in 1..=HUNG {
        env.server.route(&format!("CHILD-H{i}"), [Reply::Hang]);
    }
    env.server.route("CHILD-QUICK", [Reply::text("quick done")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let q1 = output_of(&run, "q1");
    let quick: Value = serde_json::from_str(&q1).unwrap_or_default();
    assert_eq!(quick[0]["answer"], "quick done", "{q1}");
    let quick = quick[0]["agent_id"]
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
    let still: Vec<&str> = still.split(", ").filter(|s| !s.is_empty()).collect();
    assert_eq!(still.len(), HUNG, "the hung ones: {out}");
    assert!(!still.contains(&quick.as_str()), "{out}");
    let took = completed(&run, "w1")["duration_ms"].as_u64().unwrap_or(0);
    assert!(
        took < HUNG as u64 * TIMEOUT_MS,
        "wait_agents waited {took} ms: timeout_sec per child, not one deadline"
    );
}

/// `max_parallel = 1`: the first background child has the slot and never
/// gets an answer (the server holds it), three more wait for the slot
/// when the parent answers. The end stops the running one, which frees
/// the slot; none of the waiting ones may take it: never announced as
/// started or run (an `agent_completed` says `not_started`), and the
/// end's warnings count them apart.
#[test]
fn a_child_still_queued_for_a_slot_when_exec_ends_is_never_started() {
    let env = TestEnv::with_config("responses", "[agents]\nmax_parallel = 1\n");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![background("s1", "CHILD-RUN hang")]),
            Reply::tool_calls(vec![
                background("s2", "CHILD-WAIT1 never runs"),
                background("s3", "CHILD-WAIT2 never runs"),
                background("s4", "CHILD-WAIT3 never runs"),
            ]),
            Reply::text("PARENT-DONE"),
        ],
    );
    env.server.route("CHILD-RUN", [Reply::Hang]);
    for m in ["CHILD-WAIT1", "CHILD-WAIT2", "CHILD-WAIT3"] {
        env.server.route(m, [Reply::text("a queued child ran")]);
    }
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut waiting = Vec::new();
    for call in ["s2", "s3", "s4"] {
        let queued: Value = serde_json::from_str(&output_of(&run, call)).unwrap_or_default();
        assert_eq!(queued["status"], "queued", "{queued}");
        waiting.push(queued["agent_id"].as_str().unwrap_or_default().to_string());
    }
    let spawned = run.of_type("agent_spawned");
    assert_eq!(spawned.len(), 1, "only the running child: {}", run.stdout);
    assert!(
        spawned[0]["task"]
            .as_str()
            .is_some_and(|t| t.contains("CHILD-RUN")),
        "{}",
        spawned[0]
    );
    let ended = run.of_type("agent_completed");
    assert_eq!(ended.len(), 4, "{}", run.stdout);
    // No event of a dropped child's session: only that it was queued,
    // then that it never started.
    for id in &waiting {
        let of_it: Vec<&Value> = run
            .events
            .iter()
            .filter(|e| e["agent_id"] == id.as_str())
            .collect();
        let types: Vec<&str> = of_it.iter().filter_map(|e| e["type"].as_str()).collect();
        assert_eq!(
            types,
            ["agent_queued", "agent_completed"],
            "{id}: {of_it:?}"
        );
        assert_eq!(of_it[1]["status"], "not_started", "{}", of_it[1]);
    }
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
            "3 subagents still waiting for a free slot (agents.max_parallel) at the end of the task: dropped, never started"
        )),
        "{warnings:?}"
    );
    let ran = env
        .server
        .requests()
        .iter()
        .any(|r| r.raw_body.contains("CHILD-WAIT") && !r.raw_body.contains(PARENT));
    assert!(!ran, "a queued child sent a request");
    let last = run.events.last().cloned().unwrap_or_default();
    assert_eq!(last["type"], "task_completed", "{}", run.stdout);
}
