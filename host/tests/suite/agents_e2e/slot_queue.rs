//! Runs waiting for a slot (`agents.max_parallel`): a queued child is
//! announced as such (`agent_queued`, its task), its `session_started`
//! comes when it starts, never while it waits; a
//! follow-up `send_agent` gave a finished child that still waits for a
//! slot when `quire exec` ends is dropped, never started, even though
//! stopping the running child at the end frees a slot; a child dropped
//! that way is recorded as never started, and a resumed session's
//! `/agents` lists it so.

use serde_json::{Value, json};
use support::model_server::{Reply, Step};
use support::pty::Pty;
use support::quire::TestEnv;

use super::{PARENT, index_of, result_of, spawn_with, support};

fn background(call: &str, task: &str) -> Step {
    spawn_with(call, json!({"task": task, "background": true}))
}

/// `max_parallel = 1`: the first child holds the slot until the parent's
/// own shell call creates the release file; the second waits for it.
/// Its session is announced when it starts (after the first one's end),
/// right before its `agent_spawned`, never at its spawn.
#[test]
fn a_queued_childs_session_started_comes_when_it_starts() {
    let env = TestEnv::with_config("responses", "[agents]\nmax_parallel = 1\n");
    let release = env.repo_path().join("release");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![background("s1", "CHILD-RUN holds the slot")]),
            Reply::tool_calls(vec![background("s2", "CHILD-NEXT waits")]),
            Reply::tool_call(
                "t1",
                "shell",
                json!({"command": format!("touch '{}'", release.display())}),
            ),
            Reply::tool_call("w1", "wait_agents", json!({})),
            Reply::text("PARENT-DONE"),
        ],
    );
    env.server.route(
        "CHILD-RUN",
        [Reply::steps(vec![
            Step::Hold(release.clone()),
            Step::text("run done"),
        ])],
    );
    env.server.route("CHILD-NEXT", [Reply::text("next done")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (_, first) = result_of(&run, "s1");
    let (queued_at, queued) = result_of(&run, "s2");
    assert_eq!(queued["status"], "queued", "{queued}");
    let (first, next) = (
        first["agent_id"].as_str().unwrap_or_default(),
        queued["agent_id"].as_str().unwrap_or_default(),
    );
    let started = index_of(&run, "session_started", next);
    let spawned = index_of(&run, "agent_spawned", next);
    // Nothing of it while it waited but that it waits (before the spawn's
    // result): its session first, once the running child ended and freed
    // the slot.
    let before: Vec<&Value> = run.events[..started]
        .iter()
        .filter(|e| e["agent_id"] == next)
        .collect();
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(before[0]["type"], "agent_queued", "{}", before[0]);
    assert_eq!(before[0]["task"], "CHILD-NEXT waits", "{}", before[0]);
    assert_eq!(before[0]["agent_name"], "agent", "{}", before[0]);
    assert_eq!(before[0]["depth"], 1, "{}", before[0]);
    assert!(
        index_of(&run, "agent_queued", next) < queued_at,
        "{}",
        run.stdout
    );
    assert!(started > queued_at, "{}", run.stdout);
    assert!(
        started > index_of(&run, "agent_completed", first),
        "announced before the slot was free: {}",
        run.stdout
    );
    assert!(started < spawned, "{}", run.stdout);
    // The stream and the session file agree on which file it is.
    assert_eq!(
        run.events[started]["session_file"], run.events[spawned]["session_file"],
        "{}",
        run.stdout
    );
    let (_, waited) = result_of(&run, "w1");
    let answers: Vec<&str> = waited
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["answer"].as_str()).collect())
        .unwrap_or_default();
    assert!(answers.contains(&"next done"), "{waited}");
}

const ALPHA: &str = "---\nname: alpha\ndescription: Alpha answers.\n---\nYou are alpha.\n";
const BETA: &str = "---\nname: beta\ndescription: Beta holds the slot.\n---\nYou are beta.\n";

/// `max_parallel = 1`: alpha answers in the foreground; beta then takes
/// the slot in the background and never gets an answer; a follow-up to
/// alpha waits for the slot (`send_agent` says so after `timeout_sec`).
/// The parent answers: the end stops beta, which frees the slot, but the
/// follow-up must not take it — alpha never gets the message, its file
/// does not hold it, it has one `agent_completed`, and its answer stands.
#[test]
fn a_follow_up_waiting_for_a_slot_when_exec_ends_is_never_started() {
    let env = TestEnv::with_config("responses", "[agents]\nmax_parallel = 1\n");
    env.write(".quire/agents/alpha.md", ALPHA);
    env.write(".quire/agents/beta.md", BETA);
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-A answer", "agent_type": "alpha"}),
            )]),
            Reply::tool_calls(vec![spawn_with(
                "s2",
                json!({"task": "CHILD-B hang", "agent_type": "beta", "background": true}),
            )]),
            Reply::tool_call(
                "f1",
                "send_agent",
                json!({"id": "alpha", "message": "FOLLOW-UP-MARK more", "timeout_sec": 0.2}),
            ),
            Reply::text("PARENT-DONE"),
        ],
    );
    env.server.route(
        "CHILD-A",
        [Reply::text("alpha done"), Reply::text("a follow-up ran")],
    );
    env.server.route("CHILD-B", [Reply::Hang]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (_, alpha) = result_of(&run, "s1");
    assert_eq!(alpha[0]["answer"], "alpha done", "{alpha}");
    let alpha_id = alpha[0]["agent_id"].as_str().unwrap_or_default();
    let (_, sent) = result_of(&run, "f1");
    assert_eq!(sent["status"], "queued", "{sent}");
    assert!(
        sent["note"]
            .as_str()
            .is_some_and(|n| n.contains("free slot")),
        "{sent}"
    );
    let ends: Vec<&Value> = run
        .of_type("agent_completed")
        .into_iter()
        .filter(|e| e["agent_id"] == alpha_id)
        .collect();
    assert_eq!(ends.len(), 1, "the follow-up ran: {}", run.stdout);
    assert_eq!(ends[0]["status"], "done", "{}", ends[0]);
    let got = env
        .server
        .requests()
        .iter()
        .any(|r| r.raw_body.contains("FOLLOW-UP-MARK") && !r.raw_body.contains(PARENT));
    assert!(!got, "alpha got the follow-up");
    let alpha_file = run.events[index_of(&run, "agent_spawned", alpha_id)]["session_file"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let text = std::fs::read_to_string(&alpha_file).unwrap_or_default();
    assert!(text.contains("alpha done"), "{text}");
    assert!(!text.contains("FOLLOW-UP-MARK"), "{text}");
    let warnings: Vec<&str> = run
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str())
        .collect();
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "1 subagent still waiting for a free slot (agents.max_parallel) at the end of the task: dropped, never started"
        )),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("the task ended with 1 subagent still running")),
        "{warnings:?}"
    );
    let last = run.events.last().cloned().unwrap_or_default();
    assert_eq!(last["type"], "task_completed", "{}", run.stdout);
    assert!(last.get("agent_id").is_none(), "{last}");
}

/// A child dropped while it waited for a slot: no event of its session,
/// only its `agent_queued` and an `agent_completed` saying `not_started`;
/// its file records that it never started, and after `quire resume` the
/// line mode's `/agents` lists it as not started.
#[test]
fn a_child_dropped_while_queued_is_recorded_and_listed_as_not_started() {
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
        .route("CHILD-WAIT", [Reply::text("a queued child ran")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (_, queued) = result_of(&run, "s2");
    let id = queued["agent_id"].as_str().unwrap_or_default().to_string();
    let of_it: Vec<&Value> = run.events.iter().filter(|e| e["agent_id"] == id).collect();
    let types: Vec<&str> = of_it.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(types, ["agent_queued", "agent_completed"], "{of_it:?}");
    assert_eq!(of_it[1]["status"], "not_started", "{}", of_it[1]);
    let file = env
        .session_files()
        .into_iter()
        .find(|f| f.to_string_lossy().contains(&id))
        .expect("the dropped child's session file");
    let records: Vec<Value> = std::fs::read_to_string(&file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let not_started = records
        .iter()
        .find(|r| r["event"]["type"] == "not_started")
        .unwrap_or_else(|| panic!("no not_started record: {records:?}"));
    assert!(
        not_started["event"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("end of the parent's task")),
        "{not_started}"
    );
    assert!(
        !records.iter().any(|r| r["record"] == "item"),
        "a never-started child has no history: {records:?}"
    );

    let mut cmd = env.command(&["resume", "last"]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 30, 200);
    pty.wait_text("› ");
    pty.send("/agents\r");
    let short = &id[id.len() - 8..];
    let out = pty.wait_for("the /agents list", |s| {
        s.lines().any(|l| l.trim().starts_with(short))
    });
    let line = out
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(short))
        .unwrap_or_default();
    assert!(line.contains("not started"), "{out}");
    assert!(!line.contains("unfinished"), "{out}");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
