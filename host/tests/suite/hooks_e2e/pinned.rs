//! An approved repository hook's files are hashed again before each run:
//! a script (or the Makefile of a `make` hook) edited during the session
//! does not run with the old approval, and the warning names it.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

fn warnings(run: &super::support::quire::Run) -> Vec<String> {
    run.of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_hook_script_edited_by_the_model_in_the_session_does_not_run_again() {
    let env = TestEnv::new("chat");
    let log = env.home.path().join("hook-log");
    let ran = env.home.path().join("edited-ran");
    env.write(
        ".claude/hooks/log.sh",
        &format!("#!/bin/bash\necho run >> {:?}\n", log.display().to_string()),
    );
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"command": "bash \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/log.sh"}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    let edit = format!(
        "printf '#!/bin/bash\\ntouch {}\\n' > .claude/hooks/log.sh",
        ran.display()
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": edit})),
        Reply::tool_call("c2", "shell", json!({"command": "echo second"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::read_to_string(env.repo_path().join(".claude/hooks/log.sh"))
            .unwrap()
            .contains("touch"),
        "the model's edit did not land"
    );
    assert!(
        !ran.exists(),
        "the edited hook script ran with the old approval"
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "run\n");
    assert_eq!(run.of_type("hook_started").len(), 1, "{:?}", run.events);
    let w = warnings(&run);
    assert!(
        w.iter().any(|m| m.contains("does not run")
            && m.contains(".claude/hooks/log.sh changed since it was approved")
            && m.contains("quire hooks trust")),
        "{w:?}"
    );
}

#[test]
fn a_make_hook_covers_the_makefile_and_says_what_its_approval_does_not_cover() {
    let env = TestEnv::new("chat");
    let ran = env.home.path().join("make-ran");
    env.write("Makefile", "hook:\n\t@true\n");
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"command": "make -s hook"}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let list = env.run(&["hooks", "list"]);
    assert!(
        list.stdout.contains("partly covered: `make`") && list.stdout.contains("Makefile"),
        "{}",
        list.stdout
    );
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    assert!(trust.stdout.contains("partly covered"), "{}", trust.stdout);

    // Edited during the session: the hook stops running at once.
    let edit = format!("printf 'hook:\\n\\t@touch {}\\n' > Makefile", ran.display());
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": edit})),
        Reply::tool_call("c2", "shell", json!({"command": "echo second"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !ran.exists(),
        "the edited Makefile ran with the old approval"
    );
    let w = warnings(&run);
    assert!(
        w.iter()
            .any(|m| m.contains("Makefile changed since it was approved")),
        "{w:?}"
    );

    // And in the next session it waits for approval.
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("not_approved"), "{}", list.stdout);
}

/// A guard edited during the session fails closed: the next call it
/// guards is blocked, and the model and the user are told which hook did
/// not run and how to approve its new version.
#[test]
fn a_guard_edited_in_the_session_blocks_the_next_call_it_guards() {
    let env = TestEnv::new("chat");
    let marker = env.repo_path().join("second-ran");
    env.write(".claude/hooks/guard.sh", "#!/bin/bash\nexit 0\n");
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"command": "bash \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/guard.sh"}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    let edit = "printf '#!/bin/bash\\nexit 0 # edited\\n' > .claude/hooks/guard.sh";
    let second = "touch second-ran";
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": edit})),
        Reply::tool_call("c2", "shell", json!({"command": second})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!marker.exists(), "the guarded call ran without its guard");
    let done = run.of_type("tool_completed");
    let blocked = done
        .iter()
        .find(|e| e["call_id"] == "c2")
        .expect("c2 completed");
    assert_eq!(blocked["status"], "denied", "{blocked}");
    let output = blocked["output"].as_str().unwrap_or("");
    assert!(
        output.contains(
            "the PreToolUse hook `bash \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/guard.sh` did not run"
        ) && output.contains(".claude/hooks/guard.sh")
            && output.contains("changed since it was approved")
            && output.contains("quire hooks trust"),
        "{output}"
    );
    let last = env
        .server
        .requests()
        .last()
        .expect("a request")
        .body
        .to_string();
    assert!(last.contains("changed since it was approved"), "{last}");
    let w = warnings(&run);
    assert!(
        w.iter().any(|m| m.contains("does not run")
            && m.contains("so the tool call is blocked")
            && m.contains("quire hooks trust")),
        "{w:?}"
    );
}

/// A hook that guards nothing (PostToolUse) edited during the session is
/// left out with the warning; the calls go on.
#[test]
fn an_edited_post_tool_hook_is_skipped_and_the_calls_go_on() {
    let env = TestEnv::new("chat");
    let marker = env.repo_path().join("second-ran");
    env.write(".claude/hooks/after.sh", "#!/bin/bash\nexit 0\n");
    let settings = json!({"hooks": {"PostToolUse": [{"matcher": "Bash", "hooks": [
        {"command": "bash \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/after.sh"}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    let edit = "printf '#!/bin/bash\\nexit 0 # edited\\n' > .claude/hooks/after.sh";
    let second = "touch second-ran";
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": edit})),
        Reply::tool_call("c2", "shell", json!({"command": second})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(marker.exists(), "the call did not run");
    let w = warnings(&run);
    assert!(
        w.iter().any(|m| m.contains("does not run")
            && m.contains("after.sh changed since it was approved")
            && !m.contains("blocked")),
        "{w:?}"
    );
}
