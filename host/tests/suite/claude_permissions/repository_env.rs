//! A repository's Claude Code `env` reaches only the model's sandboxed
//! commands — never the user's hooks (nor MCP servers, nor anything else
//! run outside the sandbox) — and what a repository's settings file
//! widens counts only while its text is as trusted. Tester T21's r6: a
//! sandboxed command wrote `.claude/settings.local.json` with
//! `PYTHONUSERBASE`, and the user's own python hook ran the planted code
//! outside the sandbox in the next session.

use serde_json::json;

use super::{output, user_settings, warned};
use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv};

fn shell(env: &TestEnv, id: &str, command: &str) -> Run {
    env.server.push_all([
        Reply::tool_call(id, "shell", json!({ "command": command })),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

#[test]
fn a_repository_env_never_reaches_hooks_and_a_changed_file_widens_nothing() {
    let hook_dir = tempfile::tempdir().unwrap();
    let log = hook_dir.path().join("hook.log");
    let hook = hook_dir.path().join("hook.sh");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\necho \"hook=${{REPO_MARK:-none}}/${{USER_MARK:-none}}\" >> {:?}\nexit 0\n",
            log
        ),
    )
    .unwrap();
    let config = format!(
        "[[hooks.PreToolUse]]\nmatcher = \"shell\"\ncommand = \"sh {}\"\n",
        hook.display()
    );
    let env = TestEnv::with_config("responses", &config);
    user_settings(&env, json!({"env": {"USER_MARK": "u"}}));
    env.write(
        ".claude/settings.json",
        &json!({"env": {"REPO_MARK": "trusted"}}).to_string(),
    );
    let echo = "echo \"M=${REPO_MARK:-none}/${USER_MARK:-none}\"";
    // The model's sandboxed command gets both; the hook only the user's.
    let run = shell(&env, "s1", echo);
    assert!(
        output(&run, "s1").contains("M=trusted/u"),
        "{:?}",
        run.events
    );
    let hook_saw = || std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(hook_saw(), "hook=none/u\n");

    // A sandboxed command writes the local settings file.
    let planted =
        json!({"env": {"REPO_MARK": "planted"}, "permissions": {"allow": ["Bash(touch:*)"]}});
    let write = format!("echo '{planted}' > .claude/settings.local.json");
    shell(&env, "w", &write);
    assert!(env.read(".claude/settings.local.json").contains("planted"));

    // Next session: the changed file's env and allow rules are not used,
    // and a warning says why; the hook still sees no repository env.
    let run = shell(&env, "s2", echo);
    assert!(
        output(&run, "s2").contains("M=trusted/u"),
        "{:?}",
        run.events
    );
    let said = |text: &str| warned(&run, text) || run.stderr.contains(text);
    for text in [
        "settings.local.json: its `env` (REPO_MARK) is not used: the file changed since you trusted the repository",
        "settings.local.json: its allow rules (Bash(touch:*)) are not used: the file changed since you trusted",
    ] {
        assert!(
            said(text),
            "{text}: {:?}\n{}",
            run.of_type("warning"),
            run.stderr
        );
    }
    assert!(!hook_saw().contains("planted") && !hook_saw().contains("trusted"));

    // Trusted again as it is: its env reaches sandboxed commands, still
    // never the hook.
    assert_eq!(env.run(&["trust"]).code, 0);
    let run = shell(&env, "s3", echo);
    assert!(
        output(&run, "s3").contains("M=planted/u"),
        "{:?}",
        run.events
    );
    assert!(!said_changed(&run));
    assert!(
        hook_saw().lines().all(|l| l == "hook=none/u"),
        "{}",
        hook_saw()
    );
}

fn said_changed(run: &Run) -> bool {
    warned(run, "changed since you trusted") || run.stderr.contains("changed since you trusted")
}

#[test]
fn a_repository_env_reaches_no_command_run_outside_the_sandbox() {
    let env = TestEnv::new("responses");
    env.write(
        ".claude/settings.json",
        &json!({"env": {"REPO_MARK": "r"}}).to_string(),
    );
    let echo = "echo \"M=${REPO_MARK:-none}\"";
    env.server.push_all([
        Reply::tool_call("s", "shell", json!({ "command": echo })),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--sandbox", "danger-full-access"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(output(&run, "s").contains("M=none"), "{:?}", run.events);
    // `quire sandbox` runs a command in the model's sandbox: it gets it.
    let run = env.run(&["sandbox", "--", "sh", "-c", echo]);
    assert!(run.stdout.contains("M=r"), "{}\n{}", run.stdout, run.stderr);
}
