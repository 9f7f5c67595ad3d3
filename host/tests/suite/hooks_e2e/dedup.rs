//! Identical hook commands run once per call, as in Claude Code: the same
//! hook in the repository's and the user's Claude Code settings, or in
//! one file under two matchers that both fit.

use serde_json::json;

use super::claude_input::user_claude_hooks;
use super::support::quire::TestEnv;
use super::{shell_session, trust_hooks};

/// The runs a hook logging `tag` into `log` made.
fn runs(log: &std::path::Path, tag: &str) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| *l == tag)
        .count()
}

/// A handler that logs `tag` into `log`.
fn logger(log: &std::path::Path, tag: &str) -> serde_json::Value {
    json!({"type": "command",
        "command": format!("cat >/dev/null; echo {tag} >> '{}'", log.display())})
}

#[test]
fn the_same_hook_in_the_repositorys_and_the_users_settings_runs_once() {
    let env = TestEnv::new("responses");
    let log = env.home.path().join("dup.log");
    let entry =
        |matcher: &str, tag: &str| json!({"matcher": matcher, "hooks": [logger(&log, tag)]});
    let settings = json!({"hooks": {"PreToolUse": [entry("Bash", "dup")]}});
    env.write(".claude/settings.json", &settings.to_string());
    // The user's: the same hook, once more under `*` in the same file,
    // and another one that runs beside it.
    let dir = env.home.path().join("claude");
    std::fs::create_dir_all(&dir).unwrap();
    let user = json!({"hooks": {"PreToolUse": [
        entry("Bash", "dup"), entry("*", "dup"), entry("Bash", "other")
    ]}});
    std::fs::write(dir.join("settings.json"), user.to_string()).unwrap();
    trust_hooks(&env);
    let run = shell_session(&env, "c1", "echo A");
    assert_eq!(runs(&log, "dup"), 1, "{:?}", run.events);
    assert_eq!(runs(&log, "other"), 1, "{:?}", run.events);
    let completed: Vec<_> = run
        .of_type("hook_completed")
        .into_iter()
        .filter(|e| e["name"].as_str().is_some_and(|n| n.contains("echo dup")))
        .collect();
    assert_eq!(completed.len(), 1, "{:?}", run.events);
}

#[test]
fn an_identical_hook_still_runs_once_per_file_of_a_patch() {
    let env = TestEnv::new("responses");
    let log = env.home.path().join("files.log");
    user_claude_hooks(
        &env,
        "PreToolUse",
        "Write",
        vec![logger(&log, "file"), logger(&log, "file")],
    );
    let patch =
        "*** Begin Patch\n*** Add File: a.txt\n+a\n*** Add File: b.txt\n+b\n*** End Patch\n";
    env.server.push_all([
        super::support::model_server::Reply::tool_call(
            "c1",
            "apply_patch",
            json!({"patch": patch}),
        ),
        super::support::model_server::Reply::text("ok"),
    ]);
    let run = env.exec_json("edit", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // One run per file (each its own input), not one per occurrence.
    assert_eq!(runs(&log, "file"), 2, "{:?}", run.events);
}
