//! `/undo` reverses a text edit with quire's own `git apply -R`: nothing
//! the repository's git setup names runs (a filter driver, hooks,
//! fsmonitor), and the file comes back as it was.

use std::process::Command;

use serde_json::json;

use super::line_session::line_mode;
use crate::support::git_traps::Traps;
use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

#[test]
fn undo_runs_no_filter_or_hook_the_repository_planted() {
    let env = TestEnv::new("chat");
    env.write("notes.txt", "one\ntwo\n");
    env.write("README.md", "read me\n");
    for args in [
        &["add", "-A"][..],
        &[
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-qm",
            "first",
        ],
    ] {
        let ok = Command::new("git")
            .args(args)
            .current_dir(env.repo_path())
            .status()
            .expect("git");
        assert!(ok.success(), "git {args:?}");
    }
    let traps = Traps::plant(&env.repo_path());
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: notes.txt\n@@\n one\n-two\n+TWO\n*** Update File: README.md\n@@\n-read me\n+READ ME\n*** End Patch\n"}),
        ),
        Reply::text("edited"),
    ]);
    let r = line_mode(&env, "edit them\n/undo\n");
    assert!(
        r.stderr.contains("undone: README.md, notes.txt"),
        "{}",
        r.stderr
    );
    assert_eq!(traps.fired(), Vec::<String>::new(), "{}", r.stderr);
    assert_eq!(env.read("notes.txt"), "one\ntwo\n");
    assert_eq!(env.read("README.md"), "read me\n");
}
