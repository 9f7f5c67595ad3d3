//! Hooks are told the permission mode in effect when they run: after
//! `/approvals …` every hook input carries the new one (quire's approval
//! policy, Claude's closest mode for a Claude Code hook).

use serde_json::{Value, json};

use super::claude_input::user_claude_hook;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use crate::suite::terminal_e2e::line_session::line_mode_args;

/// The inputs a hook appended to `log`, one JSON object a line.
fn seen(log: &std::path::Path, key: &str) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            v[key].as_str().unwrap_or("").to_string()
        })
        .collect()
}

#[test]
fn hooks_see_the_permission_mode_approvals_switched_to() {
    let env = TestEnv::new("chat");
    let claude_log = env.home.path().join("claude.jsonl");
    let quire_log = env.home.path().join("quire.jsonl");
    // Each input on a line of its own.
    let append = |log: &std::path::Path| format!("(cat; echo) >> {}", log.display());
    user_claude_hook(
        &env,
        "UserPromptSubmit",
        "",
        json!({"type": "command", "command": append(&claude_log)}),
    );
    let own = super::script(
        &env,
        "own.sh",
        &format!("#!/bin/bash\n{}\n", append(&quire_log)),
    );
    super::add_user_hooks(
        &env,
        &[super::hook_toml("UserPromptSubmit", None, &own, "")],
    );
    for i in 0..4 {
        env.server.push(Reply::text(format!("answer {i}")));
    }
    let r = line_mode_args(
        &env,
        &["-s", "workspace-write", "-a", "on-request"],
        "one\n/approvals read-only\ntwo\n/approvals full-access --yes\nthree\n/approvals untrusted\nfour\n",
        &[],
    );
    assert_eq!(env.server.requests().len(), 4, "{}", r.stderr);
    assert_eq!(
        seen(&quire_log, "permission_mode"),
        ["on-request", "on-request", "never", "untrusted"],
        "{}",
        r.stderr
    );
    assert_eq!(
        seen(&claude_log, "permission_mode"),
        ["acceptEdits", "plan", "bypassPermissions", "default"]
    );
    assert_eq!(
        seen(&claude_log, "quire_permission_mode"),
        ["on-request", "on-request", "never", "untrusted"]
    );
}
