//! A bundle's PreToolUse hook in a real session: it runs only once
//! approved by hash (`quire hooks trust`), then blocks the shell command;
//! unapproved, or changed after approval, it does not run.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};
use super::{copy_dir, fixture, isolate, run};

/// One turn where the model runs `touch FILE` in the shell.
fn touch(env: &TestEnv, file: &str) -> Run {
    env.server.push_all([
        Reply::tool_call("t1", "shell", json!({"command": format!("touch {file}")})),
        Reply::text("done"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "make the file"]);
    isolate(env, &mut cmd);
    let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

#[test]
fn an_approved_bundle_hook_blocks_and_an_unapproved_or_changed_one_does_not_run() {
    let env = TestEnv::new("responses");
    let installed = env.repo_path().join(".agents/plugins/claude-kit");
    copy_dir(&fixture("claude-kit"), &installed);

    // Not approved yet: the command runs.
    touch(&env, "before.txt");
    assert!(env.repo_path().join("before.txt").is_file());

    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["hooks", "list", "--json"]);
    assert!(r.stdout.contains("guard.sh"), "{}", r.stdout);
    assert!(!r.stdout.contains("not_approved"), "{}", r.stdout);

    // Approved: the hook blocks the call, the file is never made.
    let r = touch(&env, "approved.txt");
    assert!(!env.repo_path().join("approved.txt").exists());
    let done = r.of_type("tool_completed");
    assert_eq!(done.len(), 1, "{:?}", r.events);
    assert_eq!(done[0]["is_error"], true, "{:?}", done[0]);
    let out = done[0]["output"].as_str().unwrap_or_default();
    assert!(out.contains("blocked by claude-kit"), "{out}");

    // Changed after approval: not run until approved again.
    let hooks = installed.join("hooks/hooks.json");
    let text = std::fs::read_to_string(&hooks).unwrap();
    std::fs::write(&hooks, text.replace("guard.sh\"", "guard.sh --strict\"")).unwrap();
    touch(&env, "changed.txt");
    assert!(env.repo_path().join("changed.txt").is_file());
    let r = run(&env, &["hooks", "list", "--json"]);
    assert!(r.stdout.contains("not_approved"), "{}", r.stdout);
}
