//! A guard approved before whose script changed keeps guarding in later
//! sessions: what it guards is blocked until its new version is approved,
//! so one edit by the model does not switch it off for every later run.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

#[test]
fn a_guard_edited_in_one_session_blocks_what_it_guards_in_the_next() {
    let env = TestEnv::new("chat");
    let marker = env.repo_path().join("second-session-ran");
    env.write(".claude/hooks/guard.sh", "#!/bin/bash\nexit 0\n");
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"command": "bash \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/guard.sh"}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);

    // First session: the model rewrites the guard.
    let edit = "printf '#!/bin/bash\\nexit 0 # switched off\\n' > .claude/hooks/guard.sh";
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": edit})),
        Reply::text("done"),
    ]);
    let first = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(first.code, 0, "{}", first.stderr);

    // Second session, a new process: the guarded call is refused.
    env.server.push_all([
        Reply::tool_call(
            "c2",
            "shell",
            json!({"command": "touch second-session-ran"}),
        ),
        Reply::text("done"),
    ]);
    let second = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(!marker.exists(), "the guarded call ran without its guard");
    let done = second.of_type("tool_completed");
    let blocked = done
        .iter()
        .find(|e| e["call_id"] == "c2")
        .expect("c2 completed");
    assert_eq!(blocked["status"], "denied", "{blocked}");
    let output = blocked["output"].as_str().unwrap_or("");
    assert!(
        output.contains(
            "the PreToolUse hook `bash \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/guard.sh` did not run"
        ) && output.contains("changed since it was approved")
            && output.contains("quire hooks trust"),
        "{output}"
    );
    let warned = second.of_type("warning").iter().any(|w| {
        w["message"]
            .as_str()
            .is_some_and(|m| m.contains("blocked until they are approved again"))
    });
    assert!(warned, "{:?}", second.of_type("warning"));

    // Approved again: the guard runs and the call goes through.
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    env.server.push_all([
        Reply::tool_call(
            "c3",
            "shell",
            json!({"command": "touch second-session-ran"}),
        ),
        Reply::text("done"),
    ]);
    let third = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert!(marker.exists(), "the re-approved guard still blocked");
}

/// A guard never approved keeps waiting for approval: it does not run and
/// blocks nothing.
#[test]
fn a_new_guard_never_approved_does_not_block() {
    let env = TestEnv::new("chat");
    let marker = env.repo_path().join("ran");
    env.write(".claude/hooks/guard.sh", "#!/bin/bash\nexit 2\n");
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"command": "bash \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/guard.sh"}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "touch ran"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(marker.exists(), "a never-approved hook blocked the call");
}
