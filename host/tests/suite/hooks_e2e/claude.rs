//! Claude Code style `.claude/settings.json` hooks in the repository:
//! approved by hash before they run, unchanged scripts work.

use serde_json::{Value, json};

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// A Claude Code hook script: blocks `git push` for the Bash tool.
const NO_PUSH: &str = r#"#!/usr/bin/env python3
import json, sys
data = json.load(sys.stdin)
if data.get("tool_name") == "Bash" and "git push" in data["tool_input"].get("command", ""):
    print("pushing is done by CI", file=sys.stderr)
    sys.exit(2)
"#;

fn settings(command: &str) -> String {
    json!({
        "permissions": {"allow": []},
        "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
            {"type": "command", "command": command, "timeout": 30}
        ]}]}
    })
    .to_string()
}

fn push_replies(env: &TestEnv) {
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "shell",
            json!({"command": "echo git push origin main"}),
        ),
        Reply::text("ok"),
    ]);
}

fn shell_output(run: &super::support::quire::Run) -> (bool, String) {
    let done = run.of_type("tool_completed");
    (
        done[0]["is_error"].as_bool().unwrap_or(false),
        done[0]["output"].as_str().unwrap_or("").to_string(),
    )
}

#[test]
fn a_claude_settings_hook_with_a_bash_matcher_runs_once_approved_and_not_after_a_change() {
    let env = TestEnv::new("responses");
    env.write(".claude/hooks/no_push.py", NO_PUSH);
    let cmd = "python3 \"$CLAUDE_PROJECT_DIR/.claude/hooks/no_push.py\"";
    env.write(".claude/settings.json", &settings(cmd));

    // New: listed, not run, and the user is told how to approve it.
    push_replies(&env);
    let run = env.exec_json("push it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("hook_started").is_empty());
    assert!(!shell_output(&run).0);
    let warned = run.of_type("warning").iter().any(|w| {
        let m = w["message"].as_str().unwrap_or("");
        m.contains("quire hooks trust") && m.contains(".claude/settings.json")
    });
    assert!(warned, "{:?}", run.events);
    let list = env.run(&["hooks", "list", "--json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let hooks: Vec<Value> = list
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(hooks.len(), 1, "{}", list.stdout);
    assert_eq!(hooks[0]["trust"], "not_approved");
    assert_eq!(hooks[0]["event"], "PreToolUse");
    assert!(
        hooks[0]["source"]
            .as_str()
            .unwrap()
            .ends_with(".claude/settings.json")
    );

    // Approved: the unchanged Claude Code script blocks the push.
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    assert!(trust.stdout.contains("approved"), "{}", trust.stdout);
    push_replies(&env);
    let run = env.exec_json("push it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (is_error, out) = shell_output(&run);
    assert!(is_error && out.contains("pushing is done by CI"), "{out}");

    // Changed in the repository: it does not run until approved again,
    // and the approved guard it replaced still refuses what it matched.
    env.write(
        ".claude/settings.json",
        &settings(&format!("{cmd} --changed")),
    );
    push_replies(&env);
    let run = env.exec_json("push it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("hook_started").is_empty(), "{:?}", run.events);
    let (is_error, out) = shell_output(&run);
    assert!(
        is_error && out.contains("was removed, or its matcher or command changed"),
        "{out}"
    );
    let list = env.run(&["hooks", "list"]);
    assert!(
        list.stdout.contains("NOT APPROVED") && list.stdout.contains("GONE since approved"),
        "{}",
        list.stdout
    );
}

#[test]
fn an_approved_hook_whose_script_is_edited_in_the_repository_waits_for_approval_again() {
    let env = TestEnv::new("responses");
    env.write(".claude/hooks/no_push.py", NO_PUSH);
    env.write(
        ".claude/settings.json",
        &settings("python3 .claude/hooks/no_push.py"),
    );
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    push_replies(&env);
    let run = env.exec_json("push it", &[]);
    let (is_error, out) = shell_output(&run);
    assert!(is_error && out.contains("pushing is done by CI"), "{out}");

    // Same settings.json, edited script: not run, listed as not approved.
    let ran = env.home.path().join("edited-script-ran");
    env.write(
        ".claude/hooks/no_push.py",
        &NO_PUSH.replacen(
            "import json, sys\n",
            &format!(
                "import json, sys\nopen({:?}, 'w').write('x')\n",
                ran.display().to_string()
            ),
            1,
        ),
    );
    push_replies(&env);
    let run = env.exec_json("push it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("hook_started").is_empty(), "{:?}", run.events);
    assert!(!ran.exists(), "the edited script ran without approval");
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("not_approved"), "{}", list.stdout);

    // Approved again: the edited script runs.
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    push_replies(&env);
    let run = env.exec_json("push it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(ran.exists(), "{:?}", run.events);
}

#[test]
fn repository_hooks_do_not_run_in_an_untrusted_repository() {
    let env = super::untrusted_env("chat");
    env.write(".claude/hooks/no_push.py", NO_PUSH);
    env.write(
        ".claude/settings.json",
        &settings("python3 \"$CLAUDE_PROJECT_DIR/.claude/hooks/no_push.py\""),
    );
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    push_replies(&env);
    let run = env.exec_json("push it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("hook_started").is_empty(), "{:?}", run.events);
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("repo_not_trusted"), "{}", list.stdout);
}

#[test]
fn the_interactive_session_asks_to_approve_new_repository_hooks() {
    let env = TestEnv::new("chat");
    let seen = env.home.path().join("prompt-seen");
    env.write(
        ".claude/settings.json",
        &json!({"hooks": {"UserPromptSubmit": [{"hooks": [
            {"type": "command", "command": format!("cat > {}", seen.display())}
        ]}]}})
        .to_string(),
    );
    env.server.push(Reply::text("hi"));
    let run = repl(&env, "y\nhello\n/quit\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("new or changed since you approved"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("approved 1 hook(s)"), "{}", run.stderr);
    let input: Value = serde_json::from_str(&std::fs::read_to_string(&seen).unwrap()).unwrap();
    assert_eq!(input["prompt"], "hello");
    // Approved: not asked again.
    env.server.push(Reply::text("again"));
    let run = repl(&env, "hello\n/quit\n");
    assert!(
        !run.stderr.contains("new or changed since you approved"),
        "{}",
        run.stderr
    );
}

pub(super) fn repl(env: &TestEnv, input: &str) -> super::support::quire::Run {
    use std::io::Write;
    let mut cmd = env.command(&[]);
    cmd.stdin(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    super::support::quire::finish(child)
}

/// What is written wrong in a settings.json is named with its file, its
/// event and its entry, in the file's own words: an unknown key (with the
/// closest one), an `if` on the entry instead of the handler, a handler
/// without `command`, `"timeout": 0`.
#[test]
fn hooks_written_wrong_in_settings_are_named_by_file_entry_and_key() {
    let env = TestEnv::new("responses");
    env.write(
        ".claude/settings.json",
        &json!({"hooks": {"PreToolUse": [
            {"matcher": "Bash", "if": "Bash(git push:*)", "hooks": [
                {"type": "command", "command": "true", "timeoutt": 5}]},
            {"matcher": "Bash", "hooks": [{"type": "command", "commnd": "x.sh"}]},
            {"matcher": "Bash", "hooks": [{"type": "command", "command": "true", "timeout": 0}]}
        ]}})
        .to_string(),
    );
    let list = env.run(&["hooks", "list"]);
    let warnings: Vec<&str> = list
        .stderr
        .lines()
        .filter(|l| l.contains(".claude/settings.json"))
        .collect();
    let has = |needles: &[&str]| {
        warnings
            .iter()
            .any(|w| needles.iter().all(|n| w.contains(n)))
    };
    assert!(
        has(&[
            "the `if` of entry 1 of the PreToolUse hooks",
            "move it into the handlers"
        ]),
        "{warnings:#?}"
    );
    assert!(
        has(&[
            "`timeoutt` of hook 1 of entry 1 of the PreToolUse hooks",
            "did you mean 'timeout'"
        ]),
        "{warnings:#?}"
    );
    assert!(
        has(&["`commnd` of hook 1 of entry 2", "did you mean 'command'"]),
        "{warnings:#?}"
    );
    assert!(
        has(&[
            "hook 1 of entry 2 of the PreToolUse hooks is skipped",
            "needs `command`"
        ]),
        "{warnings:#?}"
    );
    assert!(
        has(&[
            "hook 1 of entry 3 of the PreToolUse hooks is skipped",
            "timeout must be"
        ]),
        "{warnings:#?}"
    );
    assert!(!list.stderr.contains("timeout_sec"), "{}", list.stderr);
}

/// Claude Code's `mcp_tool` handler is skipped with one warning, its own
/// keys (`server`, `tool`, `input`) not called unknown.
#[test]
fn an_mcp_tool_handler_is_skipped_without_false_unknown_key_warnings() {
    let env = TestEnv::new("responses");
    env.write(
        ".claude/settings.json",
        &json!({"hooks": {"PostToolUse": [{"matcher": "Bash", "hooks": [
            {"type": "mcp_tool", "server": "x", "tool": "y", "input": {}},
            {"type": "command", "command": "true"}
        ]}]}})
        .to_string(),
    );
    let list = env.run(&["hooks", "list"]);
    assert!(
        list.stderr.contains("a `mcp_tool` hook of PostToolUse"),
        "{}",
        list.stderr
    );
    assert!(!list.stderr.contains("no such key"), "{}", list.stderr);
}
