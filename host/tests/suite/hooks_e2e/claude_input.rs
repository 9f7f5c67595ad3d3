//! What Claude Code hooks see of quire's tools: Claude's tool names and
//! input fields with absolute paths, one run per file of a patch.

use serde_json::{Value, json};

use super::script;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// Writes Claude Code's user settings (no approval needed) with one
/// command hook.
pub fn user_claude_hook(env: &TestEnv, event: &str, matcher: &str, handler: Value) {
    user_claude_hooks(env, event, matcher, vec![handler]);
}

/// Claude Code's user settings with these handlers in one group.
pub fn user_claude_hooks(env: &TestEnv, event: &str, matcher: &str, handlers: Vec<Value>) {
    let dir = env.home.path().join("claude");
    std::fs::create_dir_all(&dir).unwrap();
    let settings = json!({"hooks": {event: [{"matcher": matcher, "hooks": handlers}]}});
    std::fs::write(dir.join("settings.json"), settings.to_string()).unwrap();
}

/// Anthropic's validate-write pattern: refuse writes to `.env` files,
/// logging every input seen.
fn guard(env: &TestEnv, log: &std::path::Path) -> std::path::PathBuf {
    script(
        env,
        "validate_write.py",
        &format!(
            "#!/usr/bin/env python3\nimport json, sys\ndata = json.load(sys.stdin)\nopen({:?}, 'a').write(json.dumps(data) + '\\n')\nfp = data['tool_input'].get('file_path', '')\nif fp.endswith('.env'):\n    print('no writes to .env', file=sys.stderr)\n    sys.exit(2)\n",
            log.display().to_string()
        ),
    )
}

fn logged(log: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_claude_write_guard_sees_every_file_of_a_patch_and_blocks_it_whole() {
    let env = TestEnv::new("responses");
    env.write("a.txt", "a\n");
    let log = env.home.path().join("seen.jsonl");
    let hook = guard(&env, &log);
    user_claude_hook(
        &env,
        "PreToolUse",
        "Edit|Write",
        json!({"type": "command", "command": hook.display().to_string()}),
    );
    let patch = "*** Begin Patch\n*** Update File: a.txt\n@@\n-a\n+b\n*** Add File: .env\n+SECRET=1\n*** End Patch\n";
    env.server.push_all([
        Reply::tool_call("c1", "apply_patch", json!({"patch": patch})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("edit", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], true, "{:?}", run.events);
    assert!(
        !env.repo_path().join(".env").exists(),
        "the guard was bypassed"
    );
    assert_eq!(env.read("a.txt"), "a\n");
    let root = env.repo_path();
    let mut seen: Vec<(String, String)> = logged(&log)
        .iter()
        .map(|v| {
            (
                v["tool_name"].as_str().unwrap().to_string(),
                v["tool_input"]["file_path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("Edit".into(), root.join("a.txt").display().to_string()),
            ("Write".into(), root.join(".env").display().to_string()),
        ]
    );
}

#[test]
fn claude_read_and_grep_hooks_get_claude_field_names_with_absolute_paths() {
    let env = TestEnv::new("chat");
    env.write("a.txt", "x\n");
    let log = env.home.path().join("seen.jsonl");
    let hook = guard(&env, &log);
    user_claude_hook(
        &env,
        "PreToolUse",
        "Read|Grep",
        json!({"type": "command", "command": hook.display().to_string()}),
    );
    env.server.push_all([
        Reply::tool_call("c1", "read_file", json!({"path": "a.txt"})),
        Reply::tool_call("c2", "grep", json!({"pattern": "x"})),
        Reply::tool_call("c3", "read_file", json!({"path": "sub/../.env"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("look", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let root = env.repo_path();
    let seen = logged(&log);
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[0]["tool_name"], "Read");
    let a = root.join("a.txt").display().to_string();
    assert_eq!(seen[0]["tool_input"]["file_path"], a.as_str());
    assert_eq!(seen[1]["tool_name"], "Grep");
    assert_eq!(seen[1]["tool_input"]["pattern"], "x");
    let dir = root.display().to_string();
    assert_eq!(seen[1]["tool_input"]["path"], dir.as_str());
    // A path that only ends in .env once resolved is still refused.
    let done = run.of_type("tool_completed");
    assert_eq!(done[2]["is_error"], true, "{:?}", done[2]);
    assert!(
        done[2]["output"]
            .as_str()
            .unwrap()
            .contains("no writes to .env")
    );
}

#[test]
fn a_handlers_if_rule_limits_it_to_matching_calls_and_an_unreadable_one_is_named() {
    let env = TestEnv::new("responses");
    let ran = env.home.path().join("unreadable-ran");
    user_claude_hooks(
        &env,
        "PreToolUse",
        "Bash",
        vec![
            json!({"type": "command", "if": "Bash(git push:*)",
                   "command": "echo 'pushing is done by CI' >&2; exit 2"}),
            json!({"type": "command", "if": "WebFetch(domain:example.com)",
                   "command": format!("touch {}", ran.display())}),
            json!({"type": "command", "async": true, "command": "true"}),
        ],
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo hi"})),
        Reply::tool_call("c2", "shell", json!({"command": "git push origin main"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("push", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], false, "{:?}", done[0]);
    assert_eq!(done[1]["is_error"], true, "{:?}", done[1]);
    let out = done[1]["output"].as_str().unwrap_or("");
    assert!(out.contains("pushing is done by CI"), "{out}");
    assert!(!ran.exists(), "a handler with an unreadable `if` ran");
    let warnings: Vec<&str> = run
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str())
        .collect();
    let named = |needle: &str| warnings.iter().any(|w| w.contains(needle));
    assert!(named("WebFetch(domain:example.com)"), "{warnings:?}");
    // A command handler's `async` is Claude Code's: no note.
    assert!(!named("`async`"), "{warnings:?}");
    // The push guard ran for the push only, the plain one for both.
    assert_eq!(run.of_type("hook_started").len(), 3, "{:?}", run.events);
}

/// A guard's `if` sees the commands bash runs: `$'\''` is one quote, so
/// the newline after it ends `ls` and `rm` runs; a quoted or split `rm`
/// is `rm` too. The guard runs for each and the file stays.
#[test]
fn an_if_rule_sees_a_command_hidden_by_bash_quoting() {
    let env = TestEnv::new("chat");
    env.write("precious.txt", "keep\n");
    user_claude_hooks(
        &env,
        "PreToolUse",
        "Bash",
        vec![json!({"type": "command", "if": "Bash(rm:*)",
                    "command": "echo 'rm is blocked by policy' >&2; exit 2"})],
    );
    let hidden = [
        "ls $'\\'' \nrm precious.txt #'",
        "'rm' precious.txt",
        "r\\\nm precious.txt",
        "ls # \\\nrm precious.txt",
    ];
    for (i, command) in hidden.iter().enumerate() {
        env.server.push(Reply::tool_call(
            format!("c{i}"),
            "shell",
            json!({"command": command}),
        ));
    }
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("tidy up", &["--sandbox", "workspace-write"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for done in run.of_type("tool_completed") {
        let out = done["output"].as_str().unwrap_or("");
        assert!(out.contains("rm is blocked by policy"), "{done:?}");
    }
    assert_eq!(env.read("precious.txt"), "keep\n");
}

#[test]
fn claude_hooks_get_claudes_permission_mode_and_quires_own_hooks_quires() {
    let env = TestEnv::new("chat");
    let claude_log = env.home.path().join("claude.json");
    let quire_log = env.home.path().join("quire.json");
    user_claude_hook(
        &env,
        "UserPromptSubmit",
        "",
        json!({"type": "command", "command": format!("cat > {}", claude_log.display())}),
    );
    let own = script(
        &env,
        "own.sh",
        &format!("#!/bin/bash\ncat > {}\n", quire_log.display()),
    );
    super::add_user_hooks(
        &env,
        &[super::hook_toml("UserPromptSubmit", None, &own, "")],
    );
    let mode = |log: &std::path::Path, key: &str| -> String {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(log).unwrap()).unwrap();
        v[key].as_str().unwrap_or("").to_string()
    };
    for (approval, claude) in [("untrusted", "default"), ("on-request", "acceptEdits")] {
        env.server.push(Reply::text("ok"));
        let run = env.exec_json("hi", &["--approval", approval]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(mode(&claude_log, "permission_mode"), claude);
        assert_eq!(mode(&claude_log, "quire_permission_mode"), approval);
        assert_eq!(mode(&quire_log, "permission_mode"), approval);
    }
}

#[test]
fn a_claude_read_hooks_updated_input_is_read_back_as_quires_arguments() {
    let env = TestEnv::new("responses");
    env.write("a.txt", "AAA\n");
    env.write("b.txt", "BBB\n");
    let b = env.repo_path().join("b.txt").display().to_string();
    let answer = json!({"hookSpecificOutput": {"hookEventName": "PreToolUse",
        "permissionDecision": "allow", "updatedInput": {"file_path": b}}});
    let hook = script(
        &env,
        "redirect.sh",
        &format!("#!/bin/bash\ncat > /dev/null\necho '{answer}'\n"),
    );
    user_claude_hook(
        &env,
        "PreToolUse",
        "Read",
        json!({"type": "command", "command": hook.display().to_string()}),
    );
    env.server.push_all([
        Reply::tool_call("c1", "read_file", json!({"path": "a.txt"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("read", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], false, "{:?}", done[0]);
    let out = done[0]["output"].as_str().unwrap_or("");
    assert!(out.contains("BBB") && !out.contains("AAA"), "{out}");
}

#[test]
fn a_claude_edit_or_write_hooks_updated_input_is_written_back_into_the_patch() {
    let env = TestEnv::new("responses");
    env.write("a.txt", "hello\n");
    // Edit: new_string upper-cased; Write: content replaced.
    let hook = script(
        &env,
        "rewrite.py",
        "#!/usr/bin/env python3\nimport json, sys\nd = json.load(sys.stdin)\nti = d['tool_input']\nif d['tool_name'] == 'Edit':\n    ti['new_string'] = ti['new_string'].upper()\nelse:\n    ti['content'] = 'rewritten\\n'\nprint(json.dumps({'hookSpecificOutput': {'hookEventName': 'PreToolUse', 'permissionDecision': 'allow', 'updatedInput': ti}}))\n",
    );
    user_claude_hook(
        &env,
        "PreToolUse",
        "Edit|Write",
        json!({"type": "command", "command": hook.display().to_string()}),
    );
    let patch = "*** Begin Patch\n*** Update File: a.txt\n@@\n-hello\n+hello world\n*** Add File: b.txt\n+from the model\n*** End Patch\n";
    env.server.push_all([
        Reply::tool_call("c1", "apply_patch", json!({"patch": patch})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("edit", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], false, "{:?}", done[0]);
    let read = |f: &str| std::fs::read_to_string(env.repo_path().join(f)).unwrap();
    assert_eq!(read("a.txt"), "HELLO WORLD\n");
    assert_eq!(read("b.txt"), "rewritten\n");
}
