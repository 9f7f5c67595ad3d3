//! Tool events beyond blocking: edit hooks find the patched files, and a
//! PermissionRequest hook answers an approval.

use serde_json::{Value, json};

use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{add_user_hooks, hook_toml, script};

#[test]
fn a_post_tool_use_hook_gets_the_files_of_a_patch() {
    let env = TestEnv::new("responses");
    env.write("src/lib.rs", "fn a() {}\n");
    let seen = env.home.path().join("post.json");
    let hook = script(&env, "post.sh", &format!("#!/bin/bash\ncat > {seen:?}\n"));
    add_user_hooks(
        &env,
        &[hook_toml("PostToolUse", Some("apply_patch"), &hook, "")],
    );
    let patch = "*** Begin Patch\n*** Update File: src/lib.rs\n@@\n-fn a() {}\n+fn b() {}\n*** Add File: src/new.rs\n+// new\n*** End Patch\n";
    env.server.push_all([
        Reply::tool_call("c1", "apply_patch", json!({"patch": patch})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("edit", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let input: Value = serde_json::from_str(&std::fs::read_to_string(&seen).unwrap()).unwrap();
    let root = env.repo_path();
    let lib = root.join("src/lib.rs").display().to_string();
    let new = root.join("src/new.rs").display().to_string();
    assert_eq!(input["tool_name"], "apply_patch");
    // Several files: no single file_path claimed after the call.
    assert!(input["tool_input"].get("file_path").is_none(), "{input}");
    assert_eq!(input["tool_input"]["file_paths"], json!([lib, new]));
    assert_eq!(input["tool_response"]["is_error"], false);
}

#[test]
fn a_permission_request_hook_answers_for_the_user() {
    let env = TestEnv::new("chat");
    let hook = script(
        &env,
        "allow.py",
        "#!/usr/bin/env python3\nimport json, sys\ndata = json.load(sys.stdin)\nok = data['tool_input']['command'].startswith('touch ')\nprint(json.dumps({'hookSpecificOutput': {'hookEventName': 'PermissionRequest',\n  'decision': {'behavior': 'allow' if ok else 'deny'}}}))\n",
    );
    add_user_hooks(
        &env,
        &[hook_toml("PermissionRequest", Some("shell"), &hook, "")],
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "touch approved.txt"})),
        Reply::tool_call("c2", "shell", json!({"command": "mkdir refused"})),
        Reply::text("ok"),
    ]);
    // `quire exec` has no one to ask: without the hook both would be refused.
    let run = env.exec_json("go", &["--approval", "untrusted"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        env.repo_path().join("approved.txt").exists(),
        "{:?}",
        run.events
    );
    assert!(!env.repo_path().join("refused").exists());
    let started: Vec<&Value> = run.of_type("hook_started");
    assert!(started.iter().all(|e| e["event"] == "PermissionRequest"));
    assert_eq!(started.len(), 2);
}

#[test]
fn a_permission_request_hooks_denial_reaches_the_model_with_its_reason() {
    let env = TestEnv::new("chat");
    let json_deny = script(
        &env,
        "deny.sh",
        "#!/bin/bash\ncat > /dev/null\necho '{\"hookSpecificOutput\":{\"hookEventName\":\"PermissionRequest\",\"decision\":{\"behavior\":\"deny\",\"message\":\"CI policy: no touching\"}}}'\n",
    );
    add_user_hooks(
        &env,
        &[hook_toml(
            "PermissionRequest",
            Some("shell"),
            &json_deny,
            "",
        )],
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "touch denied.txt"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("go", &["--approval", "untrusted"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!env.repo_path().join("denied.txt").exists());
    let reqs = env.server.requests();
    let last = &reqs.last().unwrap().raw_body;
    assert!(
        last.contains("was denied by a PermissionRequest hook: CI policy: no touching"),
        "{last}"
    );
    assert!(!last.contains("needs the user's approval"), "{last}");

    // Exit 2 with the reason on stderr, as Claude Code's contract says.
    let env2 = TestEnv::new("chat");
    let exit_deny2 = script(
        &env2,
        "deny2.sh",
        "#!/bin/bash\ncat > /dev/null\necho 'no mkdir here, says policy' >&2\nexit 2\n",
    );
    add_user_hooks(
        &env2,
        &[hook_toml(
            "PermissionRequest",
            Some("shell"),
            &exit_deny2,
            "",
        )],
    );
    env2.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "mkdir nope"})),
        Reply::text("ok"),
    ]);
    let run = env2.exec_json("go", &["--approval", "untrusted"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env2.server.requests();
    let last = &reqs.last().unwrap().raw_body;
    assert!(
        last.contains("was denied by a PermissionRequest hook: no mkdir here, says policy"),
        "{last}"
    );
}

#[test]
fn tool_hooks_fire_for_the_skill_tool_and_tool_search() {
    let env = TestEnv::new("responses");
    let log = env.home.path().join("pre.log");
    let hook = script(
        &env,
        "log.sh",
        &format!("#!/bin/bash\ncat >> {log:?}\necho >> {log:?}\n"),
    );
    add_user_hooks(
        &env,
        &[hook_toml(
            "PreToolUse",
            Some("skill|tool_search"),
            &hook,
            "",
        )],
    );
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "skill",
            json!({"action": "search", "query": "review code"}),
        ),
        Reply::tool_call("c2", "tool_search", json!({"query": "read a file"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("look around", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let seen: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let sources: Vec<(&str, &str)> = seen
        .iter()
        .map(|v| {
            (
                v["tool_name"].as_str().unwrap(),
                v["tool_source"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sources,
        vec![("skill", "skill"), ("tool_search", "tool_search")]
    );
}
