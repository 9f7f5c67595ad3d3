//! The folders a session may write are pinned when it starts: a command
//! that renames the workspace (its parent is writable: a checkout in a
//! temp folder) or an `additionalDirectories` folder and puts a symbolic
//! link in its place does not get the link's target for the next command
//! or patch. A relative `additionalDirectories` entry that is a link in
//! the repository is not used at all.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::support::model_server::Reply;
use super::support::outside::outside_dir;
use super::support::quire::{Run, TestEnv, finish, git_in};

pub(super) fn output(run: &Run, id: &str) -> String {
    run.of_type("tool_completed")
        .iter()
        .find(|e| e["call_id"] == id)
        .and_then(|e| e["output"].as_str())
        .unwrap_or_default()
        .to_string()
}

pub(super) fn warnings(run: &Run) -> Vec<String> {
    run.of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str().map(str::to_string))
        .collect()
}

/// A workspace `ws` inside the test folder (whose entries commands may
/// rename: it is in the temp root), and the command that swaps it for a
/// link to `target`.
pub(super) fn swappable_workspace(env: &TestEnv, target: &Path) -> (PathBuf, Value) {
    let ws = env.repo_path().join("ws");
    std::fs::create_dir(&ws).unwrap();
    git_in(&ws, &["init", "-q"]);
    let swap = json!({"command": format!(
        "cd .. && mv ws ws-real && ln -s {} ws && echo swapped",
        target.display()
    )});
    (ws, swap)
}

pub(super) fn exec_in(env: &TestEnv, dir: &Path) -> Run {
    let child = env
        .command(&["exec", "--json", "--approval", "never", "go"])
        .current_dir(dir)
        .spawn()
        .unwrap();
    finish(child)
}

fn says_workspace_changed(text: &str, ws: &Path, target: &Path, what: &str) {
    for part in [
        format!("the workspace {} is no longer the folder", ws.display()),
        format!("a symbolic link to {}", target.display()),
        format!("quire does not {what} there"),
        "Restart quire in the real folder".to_string(),
    ] {
        assert!(text.contains(&part), "{part:?} not in {text}");
    }
}

#[test]
fn a_workspace_swapped_for_a_link_refuses_the_next_command() {
    let env = TestEnv::new("chat");
    let outside = outside_dir();
    let (ws, swap) = swappable_workspace(&env, outside.path());
    let probe = outside.path().join("probe");
    env.server.push_all([
        Reply::tool_call("s", "shell", swap),
        Reply::tool_call(
            "w",
            "shell",
            json!({"command": format!("echo pwned > {}; echo rc=$?", probe.display())}),
        ),
        Reply::text("done"),
    ]);
    let run = exec_in(&env, &ws);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        output(&run, "s").contains("swapped"),
        "{}",
        output(&run, "s")
    );
    assert!(!probe.exists(), "the command wrote where the link points");
    says_workspace_changed(&output(&run, "w"), &ws, outside.path(), "run commands");
}

#[test]
fn a_workspace_swapped_for_a_link_refuses_apply_patch() {
    let env = TestEnv::new("chat");
    let outside = outside_dir();
    let (ws, swap) = swappable_workspace(&env, outside.path());
    env.server.push_all([
        Reply::tool_call("s", "shell", swap),
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: patch-probe\n+hello\n*** End Patch\n"}),
        ),
        Reply::text("done"),
    ]);
    let run = exec_in(&env, &ws);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        output(&run, "s").contains("swapped"),
        "{}",
        output(&run, "s")
    );
    assert!(
        !outside.path().join("patch-probe").exists(),
        "apply_patch wrote where the link points"
    );
    says_workspace_changed(&output(&run, "p"), &ws, outside.path(), "apply patches");
}

/// The repository's `.claude/settings.json` naming `out`, trusted.
fn additional_out(env: &TestEnv) {
    let settings = json!({"permissions": {"additionalDirectories": ["out"]}});
    env.write(".claude/settings.json", &settings.to_string());
    let run = env.run(&["trust"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn an_additional_directory_swapped_for_a_link_is_left_out() {
    let env = TestEnv::new("chat");
    let outside = outside_dir();
    std::fs::create_dir(env.repo_path().join("out")).unwrap();
    additional_out(&env);
    let key = outside.path().join("authorized_keys");
    let patched = outside.path().join("patched");
    env.server.push_all([
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": format!("rm -rf out && ln -s {} out && echo swapped", outside.path().display())}),
        ),
        Reply::tool_call(
            "w",
            "shell",
            json!({"command": format!("echo attacker-key > {}", key.display())}),
        ),
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": format!("*** Begin Patch\n*** Add File: {}\n+x\n*** End Patch\n", patched.display())}),
        ),
        Reply::tool_call("i", "shell", json!({"command": "echo still > inside.txt"})),
        Reply::text("done"),
    ]);
    let run = exec_in(&env, &env.repo_path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        output(&run, "s").contains("swapped"),
        "{}",
        output(&run, "s")
    );
    assert!(!key.exists(), "the command wrote where the link points");
    assert!(!patched.exists(), "apply_patch wrote where the link points");
    assert!(
        output(&run, "w").contains("Permission denied"),
        "{}",
        output(&run, "w")
    );
    // Said once, naming the folder and what it is now.
    let out = env.repo_path().join("out");
    let said: Vec<String> = warnings(&run)
        .into_iter()
        .filter(|w| {
            w.contains(&format!(
                "the writable folder {} is no longer",
                out.display()
            ))
        })
        .collect();
    assert_eq!(said.len(), 1, "{:?}", warnings(&run));
    assert!(
        said[0].contains(&format!("a symbolic link to {}", outside.path().display())),
        "{}",
        said[0]
    );
    // The workspace itself is still writable.
    assert_eq!(env.read("inside.txt"), "still\n");
}

#[test]
fn a_relative_additional_directory_that_is_a_link_is_not_used() {
    let env = TestEnv::new("chat");
    let outside = outside_dir();
    std::os::unix::fs::symlink(outside.path(), env.repo_path().join("out")).unwrap();
    additional_out(&env);
    let probe = outside.path().join("probe");
    let run = env.run(&[
        "sandbox",
        "--",
        "sh",
        "-c",
        &format!("echo x > {}", probe.display()),
    ]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(!probe.exists(), "the command wrote where the link points");
    let link = env.repo_path().join("out");
    assert!(
        run.stderr.contains(&format!(
            "`permissions.additionalDirectories` \"out\" is not used: {} is a symbolic link inside the repository",
            link.display()
        )),
        "{}",
        run.stderr
    );
}
