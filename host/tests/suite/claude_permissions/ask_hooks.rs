//! A `permissions.ask` rule's prompt is a permission dialog like any
//! other: Claude Code's `PermissionRequest` hooks answer it first, so in
//! `quire exec` (no one to ask) a hook's allow runs the call, its deny
//! reaches the model with the hook's message, and without an answer the
//! call is refused as before.

use serde_json::{Value, json};

use super::{call, output};
use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

/// Claude Code's user settings: `touch` and `mkdir` ask first, and a
/// PermissionRequest hook (a real script) allows `touch`, denies
/// `mkdir` and says nothing of anything else, logging what it saw.
fn settings_with_hook(env: &TestEnv) -> std::path::PathBuf {
    let dir = env.home.path().join("claude");
    std::fs::create_dir_all(&dir).unwrap();
    let log = env.home.path().join("asked.jsonl");
    let hook = dir.join("answer.py");
    std::fs::write(
        &hook,
        format!(
            r#"#!/usr/bin/env python3
import json, sys
data = json.load(sys.stdin)
open({log:?}, "a").write(json.dumps(data) + "\n")
cmd = data["tool_input"].get("command", "")
if cmd.startswith("touch "):
    behavior = {{"behavior": "allow"}}
elif cmd.startswith("mkdir "):
    behavior = {{"behavior": "deny", "message": "policy: no new folders"}}
else:
    sys.exit(0)
print(json.dumps({{"hookSpecificOutput": {{"hookEventName": "PermissionRequest", "decision": behavior}}}}))
"#,
            log = log.display().to_string()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let settings = json!({
        "permissions": {"ask": ["Bash(touch:*)", "Bash(mkdir:*)", "Bash(rmdir:*)"]},
        "hooks": {"PermissionRequest": [{"matcher": "Bash", "hooks": [
            {"type": "command", "command": hook.display().to_string()}
        ]}]}
    });
    std::fs::write(dir.join("settings.json"), settings.to_string()).unwrap();
    log
}

#[test]
fn permission_request_hooks_answer_an_ask_rules_prompt_in_exec() {
    let env = TestEnv::new("responses");
    env.write("kept/.keep", "");
    let log = settings_with_hook(&env);
    env.server.push_all([
        Reply::tool_call("t", "shell", json!({"command": "touch allowed.txt"})),
        Reply::tool_call("m", "shell", json!({"command": "mkdir refused"})),
        Reply::tool_call("r", "shell", json!({"command": "rmdir kept"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The hook's allow: the call runs, though exec has no one to ask.
    assert_eq!(call(&run, "t")["status"], "ok", "{:?}", call(&run, "t"));
    assert!(env.repo_path().join("allowed.txt").exists());
    // Its deny: refused with its message.
    assert_eq!(call(&run, "m")["status"], "denied");
    let out = output(&run, "m");
    assert!(
        out.contains("denied by a PermissionRequest hook: policy: no new folders"),
        "{out}"
    );
    assert!(!env.repo_path().join("refused").exists());
    // No answer: as before, exec refuses what the rule asks about.
    assert_eq!(call(&run, "r")["status"], "denied");
    let out = output(&run, "r");
    assert!(
        out.contains("Bash(rmdir:*)") && out.contains("non-interactive"),
        "{out}"
    );
    assert!(env.repo_path().join("kept").is_dir());
    // The hook saw each call under Claude's names.
    let seen: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(
        seen.iter()
            .all(|s| s["hook_event_name"] == "PermissionRequest" && s["tool_name"] == "Bash"),
        "{seen:?}"
    );
}
