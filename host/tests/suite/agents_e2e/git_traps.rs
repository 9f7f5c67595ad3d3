//! quire's own git for a worktree child (add, checkout, commit, remove,
//! the parent's merge) runs nothing the repository's git setup names:
//! hooks, filters, fsmonitor, textconv, diff and merge drivers, GPG.

use serde_json::json;
use support::git_traps::Traps;
use support::model_server::Reply;

use super::worktree::{committed_env, git};
use super::{PARENT, spawn_with, support};

#[test]
fn a_worktree_child_and_its_merge_run_nothing_the_repository_planted() {
    let env = committed_env();
    env.write("notes.txt", "one\ntwo\nthree\n");
    env.write("settings.cfg", "x = 1\n");
    git(&env, &["add", "-A"]);
    git(&env, &["commit", "-qm", "more"]);
    let traps = Traps::plant(&env.repo_path());
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-T edit notes", "isolation": "worktree"}),
            )]),
            // The parent changes the same file meanwhile (its own git runs
            // in the sandbox: nothing it starts can leave a marker).
            Reply::tool_call(
                "p1",
                "shell",
                json!({"command": "sed -i s/three/THREE/ notes.txt && git -c filter.proc.process= -c commit.gpgSign=false commit -qam parent"}),
            ),
            Reply::tool_call(
                "c2",
                "close_agent",
                json!({"id": "agent", "worktree": "merge"}),
            ),
            Reply::text("merged"),
        ],
    );
    env.server.route(
        "CHILD-T",
        [
            Reply::tool_call(
                "w1",
                "shell",
                json!({"command": "sed -i s/one/ONE/ notes.txt && echo from-child > child.txt && echo more >> README.md"}),
            ),
            Reply::text("edited"),
        ],
    );
    let run = env.exec_json(&format!("{PARENT} delegate"), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    assert_eq!(traps.fired(), Vec::<String>::new(), "{}", run.stdout);
    // The work was done: checked out, committed, merged with git's own
    // three-way merge, the files as they were written.
    let merged = run
        .of_type("tool_completed")
        .into_iter()
        .filter_map(|e| e["output"].as_str())
        .find(|o| o.contains("merged quire/agent-"))
        .map(str::to_string);
    assert!(merged.is_some(), "{}", run.stdout);
    assert_eq!(env.read("notes.txt"), "ONE\ntwo\nTHREE\n");
    assert_eq!(env.read("child.txt"), "from-child\n");
    assert_eq!(env.read("README.md"), "hello\nmore\n");
    assert_eq!(env.read("settings.cfg"), "x = 1\n");
    let parents = git(&env, &["log", "-1", "--format=%P"]);
    assert_eq!(parents.split_whitespace().count(), 2, "a merge commit");
    assert_eq!(git(&env, &["worktree", "list"]).lines().count(), 1);
}
