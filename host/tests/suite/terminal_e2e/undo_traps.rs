//! `/undo` reverses a text edit with quire's own `git apply -R`: nothing
//! the repository's git setup names runs (a filter driver, hooks,
//! fsmonitor), and the file comes back as it was.

use std::process::Command;

use serde_json::json;

use super::line_session::{line_mode, line_mode_args};
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

/// One file outside the workspace reached by two links (`outl/o.txt`
/// through a folder link, `outf` through a file link), patched through
/// each in one task: `/undo` puts it back without claiming that a change
/// since the patch was kept.
#[test]
fn undo_of_one_file_patched_through_two_links_keeps_nothing() {
    let env = TestEnv::new("chat");
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("o.txt");
    std::fs::write(&file, "o1\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), env.repo.path().join("outl")).unwrap();
    std::os::unix::fs::symlink(&file, env.repo.path().join("outf")).unwrap();
    env.server.push_all([
        Reply::tool_call(
            "p1",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: outl/o.txt\n@@\n-o1\n+o1 via dirlink\n*** End Patch"}),
        ),
        Reply::tool_call(
            "p2",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: outf\n@@\n-o1 via dirlink\n+o1 via filelink\n*** End Patch"}),
        ),
        Reply::text("done links"),
    ]);
    let r = line_mode_args(&env, &["--yolo"], "patch it twice\n/undo\n", &[]);
    let err = &r.stderr;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "o1\n");
    assert!(err.contains("undone: "), "{err}");
    assert!(!err.contains("kept in"), "{err}");
    assert!(!err.contains("cannot undo"), "{err}");
}

/// A file patched through a link (undone from the copy quire keeps) that
/// a shell command already put back: nothing to undo, nothing left.
#[test]
fn undo_of_a_linked_file_already_put_back_says_so() {
    let env = TestEnv::new("chat");
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("o.txt");
    std::fs::write(&file, "o1\n").unwrap();
    std::os::unix::fs::symlink(&file, env.repo.path().join("outf")).unwrap();
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: outf\n@@\n-o1\n+o1 via filelink\n*** End Patch"}),
        ),
        Reply::tool_call("s", "shell", json!({"command": "printf 'o1\\n' > outf"})),
        Reply::text("done"),
    ]);
    let r = line_mode_args(&env, &["--yolo"], "patch it\n/undo\n", &[]);
    let err = &r.stderr;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "o1\n");
    assert!(
        err.contains("outf was already as before the patch"),
        "{err}"
    );
    assert!(!err.contains("cannot undo"), "{err}");
    assert!(!err.contains("/undo again"), "{err}");
}
