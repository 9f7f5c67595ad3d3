//! quire's own git commands (`quire::git`) in repositories whose git
//! setup names programs: what git looks into besides the repository
//! (nested repositories) runs nothing either, and what cannot be
//! switched off is refused.

use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository at `dir` with `a.txt` committed, filtered by `filter`.
fn repo(dir: &Path, filter: &str) {
    std::fs::create_dir_all(dir).expect("mkdir");
    git(dir, &["init", "-q"]);
    std::fs::write(dir.join("a.txt"), "aaa\n").expect("write");
    std::fs::write(
        dir.join(".gitattributes"),
        format!("*.txt filter={filter}\n"),
    )
    .expect("write");
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "first"]);
}

#[test]
fn a_nested_repositorys_filter_does_not_run() {
    let top = tempfile::tempdir().expect("tempdir");
    let markers = crate::support::outside::outside_dir();
    let inner = top.path().join("inner");
    repo(&inner, "trap");
    // `inner` becomes a gitlink of the outer repository (an embedded one).
    repo(top.path(), "none");
    let clean = format!(
        "sh -c 'touch \"{}/inner-clean\"; cat'",
        markers.path().display()
    );
    git(&inner, &["config", "filter.trap.clean", &clean]);
    // Same size, another time: git must read it (through the filter) to
    // tell whether it changed.
    std::fs::write(inner.join("a.txt"), "bbb\n").expect("write");
    for args in [
        &["status", "--porcelain"][..],
        &["add", "-A"],
        &["diff", "HEAD"],
    ] {
        let out = quire::git::run(top.path(), args).expect("git runs");
        if args[0] == "status" {
            assert_eq!(out, " M inner\n");
        }
    }
    let fired: Vec<_> = std::fs::read_dir(markers.path())
        .expect("markers")
        .collect();
    assert!(fired.is_empty(), "{fired:?}");
}

#[test]
fn a_driver_git_cannot_be_told_to_skip_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    repo(dir.path(), "a=b");
    git(
        dir.path(),
        &["config", "filter.a=b.clean", "touch never-made; cat"],
    );
    std::fs::write(dir.path().join("a.txt"), "bbb\n").expect("write");
    let refused = quire::git::run(dir.path(), &["status", "--porcelain"])
        .expect_err("refused")
        .explain();
    assert!(refused.contains("'a=b'"), "{refused}");
    assert!(!dir.path().join("never-made").exists());
}

#[test]
fn only_reads_run_without_quires_settings() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in [
        &["config", "--add", "core.x", "1"][..],
        &["config", "core.x", "1"],
        &["status"],
        &["diff"],
    ] {
        assert!(
            quire::git::inspect_command(Some(dir.path()), args).is_err(),
            "{args:?}"
        );
    }
    assert!(
        quire::git::inspect_command(Some(dir.path()), &["config", "--get-regexp", "x"]).is_ok()
    );
    assert!(
        quire::git::inspect_command(Some(dir.path()), &["rev-parse", "--git-path", "hooks"])
            .is_ok()
    );
}
