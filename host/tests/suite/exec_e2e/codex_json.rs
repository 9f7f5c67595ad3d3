//! `quire exec --json=codex`: the events as `codex exec --json` prints
//! them (thread, one turn per task, items), so a CI script written for
//! Codex CLI reads a quire run unchanged.
use super::*;

use serde_json::Value;

/// The items of `event` type, as they are.
fn items<'a>(run: &'a support::quire::Run, event: &str) -> Vec<&'a Value> {
    run.of_type(event).into_iter().map(|e| &e["item"]).collect()
}

#[test]
fn a_task_reads_as_codex_s_thread_turn_and_items() {
    let env = TestEnv::new("responses");
    env.write("notes.txt", "x\n");
    let plan = |second: &str| json!({"plan": [{"step": "look", "status": "completed"}, {"step": "fix", "status": second}]});
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo hi"})),
        Reply::steps(vec![
            Step::text("Now the missing file."),
            Step::tool_call("c2", "shell", json!({"command": "ls nonexist"})),
        ]),
        Reply::tool_call(
            "c3",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: a.txt\n+hello\n*** Update File: notes.txt\n@@\n-x\n+y\n*** End Patch\n"}),
        ),
        Reply::tool_call("c4", "update_plan", plan("in_progress")),
        Reply::tool_call("c5", "read_file", json!({"path": "a.txt"})),
        Reply::tool_call("c6", "update_plan", plan("completed")),
        Reply::text("All done."),
    ]);
    let run = env.run(&["exec", "--json=codex", "fix it"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let types = run.types();
    assert_eq!(types[..2], ["thread.started", "turn.started"], "{types:?}");
    assert_eq!(types.last().map(String::as_str), Some("turn.completed"));
    assert_eq!(run.of_type("turn.started").len(), 1, "one turn per task");
    // The thread is the session: `exec resume` takes its id.
    let thread = run.events[0]["thread_id"].as_str().unwrap();
    let file = env.session_files().pop().unwrap();
    assert!(file.to_string_lossy().contains(thread), "{file:?}");
    // No quire event leaks into Codex's stream.
    for t in &types {
        assert!(
            t.contains('.') || t == "error",
            "{t} is not one of Codex's events: {types:?}"
        );
    }

    let done = items(&run, "item.completed");
    let kinds: Vec<&str> = done.iter().map(|i| i["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "command_execution",
            "agent_message",
            "command_execution",
            "file_change",
            "mcp_tool_call",
            "agent_message",
            "todo_list"
        ]
    );
    // Commands: what they printed (not quire's status lines), the exit
    // code, completed or failed; each started first with the same id.
    assert_eq!(done[0]["command"], "echo hi");
    assert_eq!(done[0]["aggregated_output"], "hi\n");
    assert_eq!(done[0]["exit_code"], 0);
    assert_eq!(done[0]["status"], "completed");
    assert_eq!(done[2]["exit_code"], 2);
    assert_eq!(done[2]["status"], "failed");
    assert!(
        done[2]["aggregated_output"]
            .as_str()
            .unwrap()
            .contains("nonexist")
    );
    let started = items(&run, "item.started");
    assert_eq!(started[0]["id"], done[0]["id"]);
    assert_eq!(started[0]["status"], "in_progress");
    assert_eq!(started[0]["exit_code"], Value::Null);
    assert_eq!(done[1]["text"], "Now the missing file.");
    // The patch: absolute paths, Codex's kinds.
    let root = env.repo.path().canonicalize().unwrap();
    assert_eq!(
        done[3]["changes"],
        json!([
            {"path": root.join("a.txt").display().to_string(), "kind": "add"},
            {"path": root.join("notes.txt").display().to_string(), "kind": "update"},
        ])
    );
    assert_eq!(done[3]["status"], "completed");
    // quire's own tools Codex has no item for: an MCP call of `quire`.
    assert_eq!(done[4]["server"], "quire");
    assert_eq!(done[4]["tool"], "read_file");
    assert!(
        done[4]["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("hello")
    );
    // The plan: a to-do list started, updated, completed with the turn.
    let todo_id = &done[6]["id"];
    assert_eq!(started.iter().filter(|i| i["id"] == *todo_id).count(), 1);
    let updated = items(&run, "item.updated");
    assert_eq!(updated.len(), 1);
    assert_eq!(
        done[6]["items"],
        json!([{"text": "look", "completed": true}, {"text": "fix", "completed": true}])
    );
    assert_eq!(done[5]["text"], "All done.");
    // Item ids are unique per item.
    let mut ids: Vec<&str> = done.iter().map(|i| i["id"].as_str().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 7);
    let usage = &run.of_type("turn.completed")[0]["usage"];
    assert!(usage["input_tokens"].as_u64().unwrap() > 0, "{usage}");
    assert!(usage["output_tokens"].is_u64());
    assert!(usage["cached_input_tokens"].is_u64());
}

/// A task that does not end well is Codex's `turn.failed`; Codex's older
/// flag `--experimental-json` gives the same stream; `--json codex` (no
/// `=`) is not taken as a task named "codex".
#[test]
fn a_failed_task_is_turn_failed_and_codex_s_flag_names_work() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "true"})),
        Reply::tool_call("c2", "shell", json!({"command": "true"})),
    ]);
    let run = env.run(&["exec", "--experimental-json", "--max-turns", "1", "loop"]);
    assert_ne!(run.code, 0);
    let failed = run.of_type("turn.failed");
    assert_eq!(failed.len(), 1, "{:?}", run.types());
    assert!(
        failed[0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("round trips")
    );
    assert!(run.of_type("turn.completed").is_empty());
    assert_eq!(run.types()[0], "thread.started");

    // A refused flag is an `error` line on stdout, Codex's shape too.
    let run = env.run(&["exec", "--json=codex", "--bogus", "x"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.types(), ["error"], "{}", run.stdout);

    let run = env.run(&["exec", "--json", "codex"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("--json=codex"), "{}", run.stderr);
}

/// A task the provider failed says why in `turn.failed`, as Codex does
/// (not only in the `error` line before it).
#[test]
fn a_provider_failure_is_named_in_turn_failed() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::status_with_body(
        400,
        json!({"error": {"message": "model m9 does not exist", "type": "invalid_request_error"}}),
    ));
    let run = env.run(&["exec", "--json=codex", "hello"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let failed = run.of_type("turn.failed");
    let message = failed[0]["error"]["message"].as_str().unwrap();
    assert!(message.contains("m9 does not exist"), "{message}");
}
