//! `isolation = "worktree"`: the child works on its own branch; the parent
//! merges or discards it; the worktree folder is removed.

use std::process::Command;

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

use super::{PARENT, spawn_with, support};

pub(super) fn git(env: &TestEnv, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(env.repo_path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(super) fn committed_env() -> TestEnv {
    let env = TestEnv::new("responses");
    git(&env, &["config", "user.email", "t@example.com"]);
    git(&env, &["config", "user.name", "T"]);
    env.write("README.md", "hello\n");
    git(&env, &["add", "."]);
    git(&env, &["commit", "-qm", "init"]);
    env
}

fn run_with(env: &TestEnv, action: &str) -> support::quire::Run {
    route(env, action);
    let run = env.exec_json(&format!("{PARENT} delegate"), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    run
}

/// The parent spawns a worktree child that writes `child.txt`, then
/// closes it with `action` (merge, discard, keep).
pub(crate) fn route(env: &TestEnv, action: &str) {
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-W write a file", "isolation": "worktree"}),
            )]),
            Reply::tool_call(
                "c2",
                "close_agent",
                json!({"id": "agent", "worktree": action}),
            ),
            Reply::text("closed"),
        ],
    );
    env.server.route(
        "CHILD-W",
        [
            Reply::tool_call(
                "w1",
                "shell",
                json!({"command": "echo from-child > child.txt"}),
            ),
            Reply::text("wrote child.txt"),
        ],
    );
}

#[test]
fn a_worktree_child_is_merged_into_the_current_branch() {
    let env = committed_env();
    let run = run_with(&env, "merge");
    let done = run.of_type("agent_completed");
    let branch = done[0]["branch"].as_str().expect("a branch").to_string();
    assert!(branch.starts_with("quire/agent-"), "{branch}");
    assert_eq!(env.read("child.txt"), "from-child\n", "merged");
    assert!(
        !git(&env, &["branch"]).contains(&branch),
        "branch deleted after the merge"
    );
    assert_eq!(
        git(&env, &["worktree", "list"]).lines().count(),
        1,
        "worktree removed"
    );
    // The spawn result told the parent the branch and what changed.
    let req = env
        .server
        .requests()
        .into_iter()
        .filter(|r| r.raw_body.contains(PARENT))
        .nth(1)
        .unwrap();
    assert!(req.raw_body.contains(&branch));
    assert!(req.raw_body.contains("child.txt"), "diff summary");
}

#[test]
fn a_discarded_worktree_child_leaves_nothing() {
    let env = committed_env();
    let run = run_with(&env, "discard");
    let branch = run.of_type("agent_completed")[0]["branch"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!env.repo_path().join("child.txt").exists());
    assert!(!git(&env, &["branch"]).contains(&branch));
    assert_eq!(git(&env, &["worktree", "list"]).lines().count(), 1);
}
