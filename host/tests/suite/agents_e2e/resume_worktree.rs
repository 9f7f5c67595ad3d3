//! A worktree child continued after its parent was resumed works in its
//! own worktree again (added anew from its branch), never in the user's
//! checkout; when its branch is gone it is not continued at all.

use serde_json::json;
use support::model_server::Reply;
use support::quire::{Run, TestEnv};

use super::worktree::{committed_env, git};
use super::{PARENT, spawn_with, support};

/// The parent spawns a worktree child that writes `first.txt`, then
/// (after `close`, if any) ends; returns the child's id and branch.
pub(super) fn first_run(env: &TestEnv, close: Option<&str>) -> (String, String) {
    let mut parent = vec![Reply::tool_calls(vec![spawn_with(
        "s1",
        json!({"task": "CHILD-RW write a file", "isolation": "worktree"}),
    )])];
    if let Some(action) = close {
        parent.push(Reply::tool_call(
            "c1",
            "close_agent",
            json!({"id": "agent", "worktree": action}),
        ));
    }
    parent.push(Reply::text("started"));
    env.server.route(PARENT, parent);
    env.server.route(
        "CHILD-RW",
        [
            Reply::tool_call("w1", "shell", json!({"command": "echo one > first.txt"})),
            Reply::text("wrote first.txt"),
        ],
    );
    let run = env.exec_json(&format!("{PARENT} delegate"), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    let id = run.of_type("agent_spawned")[0]["agent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let branch = run.of_type("agent_completed")[0]["branch"]
        .as_str()
        .expect("a branch")
        .to_string();
    (id, branch)
}

/// The resumed parent sends the child a follow-up, on which the child
/// writes `second.txt`.
fn resumed_follow_up(env: &TestEnv, id: &str) -> Run {
    env.server.route(
        PARENT,
        [
            Reply::tool_call(
                "s2",
                "send_agent",
                json!({"id": id, "message": "now write second.txt"}),
            ),
            Reply::text("sent"),
        ],
    );
    env.server.route(
        "CHILD-RW",
        [
            Reply::tool_call("w2", "shell", json!({"command": "echo two > second.txt"})),
            Reply::text("wrote second.txt"),
        ],
    );
    let run = env.exec_json("go on", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    run
}

#[test]
fn a_resumed_worktree_child_writes_in_its_worktree() {
    let env = committed_env();
    let (id, branch) = first_run(&env, None);
    let second = resumed_follow_up(&env, &id);
    let root = env.repo_path();
    for f in ["first.txt", "second.txt"] {
        assert!(!root.join(f).exists(), "{f} written in the user's checkout");
    }
    // Both writes are on the child's branch, committed after each run.
    assert_eq!(
        git(&env, &["show", &format!("{branch}:first.txt")]),
        "one\n"
    );
    assert_eq!(
        git(&env, &["show", &format!("{branch}:second.txt")]),
        "two\n"
    );
    let done = second.of_type("agent_completed");
    assert_eq!(done[0]["agent_id"], id.as_str());
    assert_eq!(done[0]["branch"], branch.as_str());
    assert_eq!(
        git(&env, &["worktree", "list"]).lines().count(),
        1,
        "the worktree folder removed again after the run"
    );
}

#[test]
fn a_worktree_child_whose_branch_is_gone_is_not_continued() {
    let env = committed_env();
    let (id, branch) = first_run(&env, Some("discard"));
    assert!(!git(&env, &["branch"]).contains(&branch));
    resumed_follow_up(&env, &id);
    assert!(
        !env.repo_path().join("second.txt").exists(),
        "the child ran in the user's checkout"
    );
    let told = env
        .server
        .requests()
        .into_iter()
        .rfind(|r| r.raw_body.contains(PARENT))
        .expect("the parent's last request");
    for said in [
        &format!("its branch {branch} is gone"),
        "is not continued in your checkout",
    ] {
        assert!(told.raw_body.contains(said), "{said}: {}", told.raw_body);
    }
    assert_eq!(git(&env, &["worktree", "list"]).lines().count(), 1);
}
