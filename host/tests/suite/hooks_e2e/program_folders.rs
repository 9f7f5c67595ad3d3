//! A repository hook running a Python package (`python3 -m pkg.mod`) or a
//! script through an interpreter is approved with every file of the
//! package or the script's folder: the model's sandboxed commands editing
//! a module there do not get it run unsandboxed by the hook.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};

fn guarded_by(env: &TestEnv, command: &str) {
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": command}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
}

/// One `quire exec` turn in which the model runs `edit` (a sandboxed
/// shell command), then a second, guarded shell call (`c2`).
fn edit_then_call(env: &TestEnv, edit: &str) -> Run {
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": edit})),
        Reply::tool_call("c2", "shell", json!({"command": "echo second"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
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
    let run = edit_then_call(&env, &edit);
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

/// The `coverage` of the one hook `hooks list --json` shows.
fn coverage(env: &TestEnv) -> String {
    let list = env.run(&["hooks", "list", "--json"]);
    let parsed: serde_json::Value = serde_json::from_str(&list.stdout).unwrap_or_default();
    let text = parsed.to_string();
    assert!(text.contains("\"trusted\""), "{text}");
    text
}

#[test]
fn a_script_sourcing_a_parent_folders_file_is_partly_covered() {
    let env = TestEnv::new("chat");
    env.write("common.sh", ": ok\n");
    env.write(
        "sh/x.sh",
        ". \"$(dirname \"$0\")/../common.sh\"\necho '{}'\n",
    );
    guarded_by(&env, "bash sh/x.sh");
    let text = coverage(&env);
    assert!(
        text.contains("partly covered")
            && text.contains("`sh/x.sh`")
            && text.contains("`../common.sh`"),
        "{text}"
    );
    let list = env.run(&["hooks", "list"]);
    assert!(list.stdout.contains("partly covered"), "{}", list.stdout);
}

#[test]
fn a_require_from_node_modules_or_a_parent_folder_is_partly_covered() {
    let env = TestEnv::new("chat");
    env.write("lib/n.js", "module.exports = function(){}\n");
    env.write(
        "node_modules/leftpad/index.js",
        "module.exports = function(){}\n",
    );
    env.write(
        "tools/g.js",
        "require('../lib/n.js')(); require('leftpad')(); console.log('{}')\n",
    );
    guarded_by(&env, "node tools/g.js");
    let text = coverage(&env);
    assert!(
        text.contains("partly covered")
            && text.contains("`node_modules`")
            && text.contains("(`tools/`)"),
        "{text}"
    );
}

#[test]
fn a_file_reached_through_a_link_inside_the_repository_is_covered() {
    let env = TestEnv::new("chat");
    env.write("conf/x.py", "X = 1\n");
    env.write(
        "tools2/p.py",
        "import os\nexec(open(os.path.join(os.path.dirname(__file__),'cfg','x.py')).read())\nprint('{}')\n",
    );
    std::os::unix::fs::symlink("../conf", env.repo_path().join("tools2/cfg")).unwrap();
    env.write("tools2/one.py", "Y = 1\n");
    std::os::unix::fs::symlink("../conf/x.py", env.repo_path().join("tools2/x_link.py")).unwrap();
    guarded_by(&env, "python3 tools2/p.py");
    coverage(&env);
    env.write("conf/x.py", "X = 2\n");
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("not_approved"), "{}", list.stdout);
}

#[test]
fn a_linked_file_edited_during_the_session_is_seen_and_the_call_is_blocked() {
    let env = TestEnv::new("chat");
    let escaped = env.home.path().join("escaped");
    env.write("conf/x.py", "X = 1\n");
    env.write(
        "tools2/p.py",
        "import os\nexec(open(os.path.join(os.path.dirname(__file__),'cfg','x.py')).read())\nprint('{}')\n",
    );
    std::os::unix::fs::symlink("../conf", env.repo_path().join("tools2/cfg")).unwrap();
    guarded_by(&env, "python3 tools2/p.py");
    let edit = format!(
        "printf 'import os\\nos.system(\"touch {}\")\\n' > conf/x.py",
        escaped.display()
    );
    let run = edit_then_call(&env, &edit);
    assert!(
        std::fs::read_to_string(env.repo_path().join("conf/x.py"))
            .unwrap_or_default()
            .contains("os.system"),
        "the model's edit did not land"
    );
    assert!(
        !escaped.exists(),
        "the hook ran the linked file the model edited, outside the sandbox"
    );
    let done = run.of_type("tool_completed");
    let blocked = done.iter().find(|e| e["call_id"] == "c2");
    assert!(
        blocked.is_some_and(|b| b["status"] == "denied"),
        "{blocked:?}"
    );
}

#[test]
fn a_module_of_a_top_level_package_a_module_imports_is_covered() {
    let env = TestEnv::new("chat");
    env.write("hkmod/__init__.py", "");
    env.write(
        "hkmod/check.py",
        "import lib.util\nlib.util.go()\nprint('{}')\n",
    );
    env.write("lib/__init__.py", "");
    env.write("lib/util.py", "def go():\n    pass\n");
    guarded_by(&env, "python3 -m hkmod.check");
    coverage(&env);
    env.write("lib/util.py", "def go():\n    pass  # edited\n");
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("not_approved"), "{}", list.stdout);
}

#[test]
fn a_script_after_cd_is_named_where_it_is() {
    let env = TestEnv::new("chat");
    env.write("sub/run", "#!/bin/sh\necho {}\n");
    guarded_by(&env, "sh -c 'cd sub && ./run'");
    let text = coverage(&env);
    assert!(
        text.contains("`sub/run`") && !text.contains("top of the repository"),
        "{text}"
    );
    env.write("sub/run", "#!/bin/sh\necho edited\necho {}\n");
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("not_approved"), "{}", list.stdout);
}
