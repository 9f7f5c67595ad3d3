//! `PreCompact` (manual `/compact` and compaction after a context-window
//! error) and `Notification` (the interactive session waits for input),
//! through the real binary.

use serde_json::Value;

use super::claude::repl;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{add_user_hooks, hook_toml, script};

/// A hook that appends its input (one JSON line) to `log`.
fn recorder(env: &TestEnv, name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let log = env.home.path().join(format!("{name}.jsonl"));
    let hook = script(
        env,
        &format!("{name}.sh"),
        &format!("#!/bin/bash\ncat >> {log:?}\necho >> {log:?}\n"),
    );
    (hook, log)
}

fn inputs(log: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A first exec, then a second whose request the server refuses as too
/// long: it compacts once (no hook has run before it) and goes on.
fn refused_then_compacted(env: &TestEnv, log: &std::path::Path) -> super::support::quire::Run {
    // The hand-off may go in parts (the refused request tells the window).
    env.server.route(
        "hand-off summary",
        (0..4).map(|_| Reply::text("SUMMARY-OF-EVERYTHING")),
    );
    env.server.push_all([
        Reply::text("first answer"),
        Reply::ContextLengthExceeded,
        Reply::text("second answer"),
    ]);
    let first = env.exec_json("first question", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(inputs(log).is_empty(), "no compaction yet");
    let run = env.exec_json("second question", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("compaction").len(), 1, "{:?}", run.events);
    run
}

#[test]
fn compaction_after_a_context_window_error_runs_pre_compact_with_trigger_auto() {
    let env = TestEnv::new("responses");
    let (hook, log) = recorder(&env, "pre-compact");
    add_user_hooks(&env, &[hook_toml("PreCompact", None, &hook, "")]);
    refused_then_compacted(&env, &log);
    let seen = inputs(&log);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["hook_event_name"], "PreCompact");
    assert_eq!(seen[0]["trigger"], "auto");
    assert!(seen[0]["transcript_path"].as_str().is_some(), "{seen:?}");
}

/// A compaction inside a turn (the server refused the request as too
/// long) runs `SessionStart` with source `compact` before the request is
/// asked again, so what the hook restores reaches the rest of the turn.
#[test]
fn a_compaction_inside_a_turn_runs_session_start_before_the_turn_goes_on() {
    let env = TestEnv::new("responses");
    let (recorded, log) = recorder(&env, "session-start");
    let hook = script(
        &env,
        "restore.sh",
        &format!(
            "#!/bin/bash\n{}\necho RESTORED-CONTEXT-MARK\n",
            recorded.display()
        ),
    );
    add_user_hooks(
        &env,
        &[hook_toml("SessionStart", Some("compact"), &hook, "")],
    );
    refused_then_compacted(&env, &log);
    let seen = inputs(&log);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["source"], "compact");
    let last = env
        .server
        .requests()
        .last()
        .expect("requests")
        .raw_body
        .clone();
    assert!(
        last.contains("RESTORED-CONTEXT-MARK") && last.contains("SUMMARY-OF-EVERYTHING"),
        "{last}"
    );
    // Not again at the next message.
    env.server.push(Reply::text("third answer"));
    let run = env.exec_json("third question", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(inputs(&log).len(), 1);
}

#[test]
fn slash_compact_runs_pre_compact_with_trigger_manual() {
    let env = TestEnv::new("chat");
    let (hook, log) = recorder(&env, "pre-compact");
    // A matcher on the trigger: only manual compaction.
    add_user_hooks(&env, &[hook_toml("PreCompact", Some("manual"), &hook, "")]);
    // Long enough to be worth compacting.
    env.server.push_all([
        Reply::text(format!("hi{}", " there".repeat(400))),
        Reply::text("SUMMARY-OF-HELLO"),
    ]);
    let run = repl(&env, "hello\n/compact\n/quit\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let seen = inputs(&log);
    assert_eq!(seen.len(), 1, "{seen:?}\n{}", run.stderr);
    assert_eq!(seen[0]["hook_event_name"], "PreCompact");
    assert_eq!(seen[0]["trigger"], "manual");
    assert!(
        env.server.requests()[1]
            .raw_body
            .contains("hand-off summary")
    );
}

#[test]
fn the_interactive_session_waiting_for_input_runs_notification_hooks() {
    let env = TestEnv::new("chat");
    let (hook, log) = recorder(&env, "notify");
    add_user_hooks(&env, &[hook_toml("Notification", None, &hook, "")]);
    env.server.push(Reply::text("hi"));
    let run = repl(&env, "hello\n/quit\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let seen = inputs(&log);
    assert!(!seen.is_empty(), "{}", run.stderr);
    assert_eq!(seen[0]["hook_event_name"], "Notification");
    assert_eq!(seen[0]["notification_type"], "idle_prompt");
    assert!(
        seen[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("waiting for your input"),
        "{seen:?}"
    );

    // `quire exec` never waits for the user: no Notification.
    let before = seen.len();
    env.server.push(Reply::text("done"));
    let run = env.exec_json("once", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(inputs(&log).len(), before);
}

#[test]
fn a_tool_waiting_for_the_users_approval_runs_notification_hooks() {
    let env = TestEnv::with_config("responses", "approval = \"untrusted\"");
    let (hook, log) = recorder(&env, "notify");
    add_user_hooks(
        &env,
        &[hook_toml(
            "Notification",
            Some("permission_prompt"),
            &hook,
            "",
        )],
    );
    let seen = approve_a_touch(&env, &log);
    assert_eq!(seen[0]["notification_type"], "permission_prompt");
    let msg = seen[0]["message"].as_str().unwrap_or("");
    assert!(msg.contains("permission to use shell"), "{msg}");
}

/// A PreToolUse hook answering `"ask"` makes quire ask the user; that
/// prompt, like every other, runs the Notification hooks
/// (`permission_prompt`), here under `approval = "never"`, where nothing
/// else asks.
#[test]
fn a_pre_tool_use_ask_runs_notification_hooks() {
    let env = TestEnv::with_config("responses", "approval = \"never\"");
    let (hook, log) = recorder(&env, "notify");
    let ask = script(
        &env,
        "ask.sh",
        "#!/bin/bash\ncat > /dev/null\necho '{\"hookSpecificOutput\": {\"hookEventName\": \"PreToolUse\", \"permissionDecision\": \"ask\", \"permissionDecisionReason\": \"check it\"}}'\n",
    );
    add_user_hooks(
        &env,
        &[
            hook_toml("PreToolUse", Some("shell"), &ask, ""),
            hook_toml("Notification", Some("permission_prompt"), &hook, ""),
        ],
    );
    let seen = approve_a_touch(&env, &log);
    assert_eq!(seen[0]["notification_type"], "permission_prompt");
}

/// The model asks to `touch one.txt`, the user answers y at the prompt:
/// the file is made and the recorder at `log` saw one notification, which
/// is returned.
fn approve_a_touch(env: &TestEnv, log: &std::path::Path) -> Vec<Value> {
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "shell",
            serde_json::json!({"command": "touch one.txt"}),
        ),
        Reply::text("done"),
    ]);
    let run = repl(env, "make a file\ny\n/quit\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(env.repo.path().join("one.txt").exists(), "{}", run.stderr);
    let seen = inputs(log);
    assert_eq!(seen.len(), 1, "{seen:?}\n{}", run.stderr);
    seen
}

/// The question a PreToolUse `"ask"` opens shows a shell call as every
/// other approval of a command does: the command, not the tool's JSON.
#[test]
fn a_pre_tool_use_ask_shows_the_command_not_its_json() {
    let env = TestEnv::with_config("responses", "approval = \"never\"");
    let ask = script(
        &env,
        "ask.sh",
        "#!/bin/bash\ncat > /dev/null\necho '{\"hookSpecificOutput\": {\"hookEventName\": \"PreToolUse\", \"permissionDecision\": \"ask\", \"permissionDecisionReason\": \"check it\"}}'\n",
    );
    add_user_hooks(&env, &[hook_toml("PreToolUse", Some("shell"), &ask, "")]);
    env.server.push_all([
        Reply::tool_call("c1", "shell", serde_json::json!({"command": "echo askme"})),
        Reply::text("done"),
    ]);
    let run = repl(&env, "say it\ny\n/quit\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = format!("{}{}", run.stdout, run.stderr);
    assert!(shown.contains("$ echo askme"), "{shown}");
    assert!(!shown.contains("{\"command\""), "{shown}");
}

/// `quire hooks trust --help` says what it approves: plugins' hooks too.
#[test]
fn hooks_trust_help_names_plugin_hooks() {
    let env = TestEnv::new("responses");
    let run = env.run(&["hooks", "trust", "--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("of this repository and of installed plugins"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("Approve repository hooks"),
        "{}",
        run.stdout
    );
}
