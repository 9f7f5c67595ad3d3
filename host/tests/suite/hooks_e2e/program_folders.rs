//! A repository hook running a Python package (`python3 -m pkg.mod`) or a
//! script through an interpreter is approved with every file of the
//! package or the script's folder: the model's sandboxed commands editing
//! a module there do not get it run unsandboxed by the hook.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

fn guarded_by(env: &TestEnv, command: &str) {
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": command}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
}

#[test]
fn a_module_the_model_edited_is_not_run_by_the_hook_and_the_call_is_blocked() {
    let env = TestEnv::new("chat");
    // Outside the workspace: only an unsandboxed process can create it.
    let escaped = env.home.path().join("escaped");
    env.write("hkmod/__init__.py", "");
    env.write("hkmod/check.py", "print('{}')\n");
    guarded_by(&env, "python3 -m hkmod.check");
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("\"trusted\""), "{}", list.stdout);

    let edit = format!(
        "printf 'import os\\nos.system(\"touch {}\")\\nprint(\"{{}}\")\\n' > hkmod/check.py",
        escaped.display()
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": edit})),
        Reply::tool_call("c2", "shell", json!({"command": "echo second"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::read_to_string(env.repo_path().join("hkmod/check.py"))
            .unwrap()
            .contains("os.system"),
        "the model's edit did not land"
    );
    assert!(
        !escaped.exists(),
        "the hook ran the module the model edited, outside the sandbox"
    );
    let done = run.of_type("tool_completed");
    let blocked = done
        .iter()
        .find(|e| e["call_id"] == "c2")
        .expect("c2 completed");
    assert_eq!(blocked["status"], "denied", "{blocked}");
    let output = blocked["output"].as_str().unwrap_or("");
    assert!(
        output.contains("hkmod/check.py")
            && output.contains("changed since it was approved")
            && output.contains("quire hooks trust"),
        "{output}"
    );
    // The next session waits for approval.
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("not_approved"), "{}", list.stdout);
}

#[test]
fn a_module_shadowing_an_import_from_the_repository_top_is_seen() {
    let env = TestEnv::new("chat");
    env.write("hkmod/__init__.py", "");
    env.write("hkmod/check.py", "import json\nprint(json.dumps({}))\n");
    guarded_by(&env, "python3 -m hkmod.check");
    env.write("json.py", "def dumps(x):\n    return '{}'\n");
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("not_approved"), "{}", list.stdout);
}

#[test]
fn a_helper_next_to_a_script_is_covered_and_inline_code_is_partly_covered() {
    let env = TestEnv::new("chat");
    env.write("tools/guard/check.js", "require('./lib.js')\n");
    env.write("tools/guard/lib.js", "process.exit(0)\n");
    guarded_by(&env, "node tools/guard/check.js");
    env.write("tools/guard/lib.js", "process.exit(0) // edited\n");
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("not_approved"), "{}", list.stdout);

    guarded_by(&env, "python3 -c 'import hkmod.check'");
    let list = env.run(&["hooks", "list", "--json"]);
    let parsed: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let text = parsed.to_string();
    assert!(
        text.contains("partly covered") && text.contains("inline code"),
        "{text}"
    );
    let list = env.run(&["hooks", "list"]);
    assert!(list.stdout.contains("partly covered"), "{}", list.stdout);
}
