//! What a hook's `updatedInput` does beyond `PreToolUse`'s: a
//! `PermissionRequest` hook that allows a call with a changed input has
//! that input run (Claude Code's contract), never the model's; its
//! `interrupt` on a deny ends the turn; an `updatedInput` that is not an
//! object refuses the call, saying so, instead of being dropped.

use serde_json::{Value, json};

use super::claude_input::user_claude_hook;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{completed, script};

/// A Claude Code PermissionRequest hook on `Bash` answering `answer`
/// (its `decision`) to every request, logging each input.
fn permission_hook(env: &TestEnv, answer: Value) -> std::path::PathBuf {
    let log = env.home.path().join("asked.jsonl");
    let hook = script(
        env,
        "answer.py",
        &format!(
            "#!/usr/bin/env python3\nimport json, sys\ndata = json.load(sys.stdin)\nopen({:?}, 'a').write(json.dumps(data) + '\\n')\nprint(json.dumps({{'hookSpecificOutput': {{'hookEventName': 'PermissionRequest', 'decision': json.loads({:?})}}}}))\n",
            log.display().to_string(),
            answer.to_string()
        ),
    );
    user_claude_hook(
        env,
        "PermissionRequest",
        "Bash",
        json!({"type": "command", "command": hook.display().to_string()}),
    );
    log
}

/// The model's escalated command, which writes `orig.txt`.
fn escalated_call(env: &TestEnv) {
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "shell",
            json!({"command": "echo original > orig.txt", "escalate": true,
                   "justification": "needs the network"}),
        ),
        Reply::tool_call("c2", "shell", json!({"command": "touch later.txt"})),
        Reply::text("done"),
    ]);
}

#[test]
fn a_permission_request_hooks_updated_input_is_what_runs() {
    let env = TestEnv::new("chat");
    let log = permission_hook(
        &env,
        json!({"behavior": "allow", "updatedInput": {"command": "echo rewritten > new.txt", "escalate": true}}),
    );
    escalated_call(&env);
    let run = env.exec_json("go", &["--approval", "on-request"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !env.repo_path().join("orig.txt").exists(),
        "the model's command ran in place of the approved one: {:?}",
        run.events
    );
    assert_eq!(env.read("new.txt"), "rewritten\n", "{:?}", run.events);
    assert_eq!(completed(&run, "c1")["status"], "ok");
    let rewritten = run.of_type("tool_input_rewritten");
    assert_eq!(rewritten.len(), 1, "{:?}", run.events);
    assert_eq!(rewritten[0]["call_id"], "c1");
    assert_eq!(
        rewritten[0]["arguments"]["command"],
        "echo rewritten > new.txt"
    );
    // The allow approved the rewritten call: the hook was asked once.
    let asked = std::fs::read_to_string(log).unwrap();
    assert_eq!(asked.lines().count(), 1, "{asked}");
}

#[test]
fn a_permission_request_rewrite_into_invalid_arguments_runs_nothing() {
    let env = TestEnv::new("chat");
    permission_hook(
        &env,
        json!({"behavior": "allow", "updatedInput": {"command": 42}}),
    );
    escalated_call(&env);
    let run = env.exec_json("go", &["--approval", "on-request"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!env.repo_path().join("orig.txt").exists());
    let c1 = completed(&run, "c1");
    assert!(
        c1["output"].as_str().unwrap_or("").contains(
            "a PermissionRequest hook allowed 'shell' with arguments rewritten into invalid ones"
        ),
        "{c1}"
    );
}

#[test]
fn a_permission_request_deny_with_interrupt_ends_the_turn() {
    let env = TestEnv::new("chat");
    permission_hook(
        &env,
        json!({"behavior": "deny", "message": "HALT: escalation refused", "interrupt": true}),
    );
    escalated_call(&env);
    let run = env.exec_json("go", &["--approval", "on-request"]);
    assert!(!env.repo_path().join("orig.txt").exists());
    assert!(
        !env.repo_path().join("later.txt").exists(),
        "the turn went on"
    );
    assert_eq!(run.of_type("task_completed")[0]["status"], "blocked");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(env.server.requests().len(), 1, "no request after the stop");
}

#[test]
fn an_updated_input_that_is_no_object_refuses_the_call_with_a_warning() {
    let env = TestEnv::new("chat");
    let hook = script(
        &env,
        "strupd.sh",
        "#!/bin/bash\ncat >/dev/null\necho '{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"updatedInput\":\"touch rewritten\"}}'\n",
    );
    user_claude_hook(
        &env,
        "PreToolUse",
        "Bash",
        json!({"type": "command", "command": hook.display().to_string()}),
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "touch ran"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !env.repo_path().join("ran").exists(),
        "the model's call ran"
    );
    assert!(!env.repo_path().join("rewritten").exists());
    assert_eq!(completed(&run, "c1")["status"], "denied");
    // The hook's line says why (its `hook_completed` message).
    let said = run.of_type("hook_completed").iter().any(|h| {
        h["message"].as_str().is_some_and(|m| {
            m.contains("answered updatedInput \"touch rewritten\", which is not an object")
        })
    });
    assert!(said, "{:?}", run.events);
}

/// quire's own hook that echoes `tool_input` back with the patch changed
/// (the usual jq idiom) sends `file_path` and `file_paths`, which quire
/// added: they are dropped, the changed patch runs.
#[test]
fn a_quire_hook_echoing_a_patchs_input_with_the_patch_changed_is_run() {
    let env = TestEnv::new("chat");
    let hook = script(
        &env,
        "echoback.py",
        "#!/usr/bin/env python3\nimport json, sys\nti = json.load(sys.stdin)['tool_input']\nti['patch'] = ti['patch'].replace('orig', 'PATCHED')\nprint(json.dumps({'hookSpecificOutput': {'hookEventName': 'PreToolUse', 'updatedInput': ti}}))\n",
    );
    super::add_user_hooks(
        &env,
        &[super::hook_toml(
            "PreToolUse",
            Some("apply_patch"),
            &hook,
            "",
        )],
    );
    let patch = "*** Begin Patch\n*** Add File: eb1.txt\n+orig\n*** End Patch\n";
    env.server.push_all([
        Reply::tool_call("c1", "apply_patch", json!({"patch": patch})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let c1 = completed(&run, "c1");
    assert_eq!(c1["status"], "ok", "{c1}");
    assert_eq!(env.read("eb1.txt"), "PATCHED\n");
    let rewritten = run.of_type("tool_input_rewritten");
    assert_eq!(rewritten.len(), 1, "{:?}", run.events);
    let args = rewritten[0]["arguments"].as_object().unwrap();
    assert_eq!(args.keys().collect::<Vec<_>>(), ["patch"], "{args:?}");
}
