//! quire's own git commands (`quire::git`) in repositories whose git
//! setup names programs: what git looks into besides the repository
//! (nested repositories) runs nothing either, and what cannot be
//! switched off is refused. language.rs: git's messages quire reads are
//! English whatever the locale; stopped.rs: deadlines and what a writing
//! command left.

use std::path::Path;
use std::process::Command;

mod fake;
mod language;
mod stopped;

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

/// A repository with `files` committed.
fn repo_with(dir: &Path, files: &[(&str, &str)]) {
    git(dir, &["init", "-q"]);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "first"]);
}

/// A named pipe at `path`: whoever opens it to read waits for a writer,
/// here forever.
fn pipe(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success());
}

#[test]
fn a_command_past_its_timeout_is_stopped_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    repo_with(dir.path(), &[("a.txt", "a\n")]);
    pipe(&dir.path().join("pipe"));
    let stopped = quire::git::Git::new(dir.path())
        .args(["hash-object", "pipe"])
        .timeout(std::time::Duration::from_millis(300))
        .stdout()
        .expect_err("stopped");
    assert!(stopped.by_quire && !stopped.signaled, "{stopped:?}");
    assert_eq!(
        stopped.explain(),
        "`git hash-object`: ran longer than 0.3 s and was stopped; run it in a terminal to see what it says"
    );
}

/// The setup read before git runs is bounded too: a repository may
/// include a file that never ends.
#[test]
fn reading_the_setup_is_stopped_at_the_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    repo_with(dir.path(), &[("a.txt", "a\n")]);
    let endless = dir.path().join("endless");
    pipe(&endless);
    let config = dir.path().join(".git/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(&format!("[include]\n\tpath = {}\n", endless.display()));
    std::fs::write(&config, text).expect("config");
    let stopped = quire::git::Git::new(dir.path())
        .args(["status", "--porcelain"])
        .timeout(std::time::Duration::from_millis(300))
        .stdout()
        .expect_err("stopped")
        .explain();
    assert!(
        stopped.starts_with("`git status`: ran longer than 0.3 s and was stopped"),
        "{stopped}"
    );
}

#[test]
fn output_past_the_limit_is_cut_and_taken_as_done() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big: String = (0..20_000).map(|i| format!("{i}\n")).collect();
    repo_with(dir.path(), &[("big.txt", &big)]);
    let cat = || quire::git::Git::new(dir.path()).args(["cat-file", "blob", "HEAD:big.txt"]);
    let cut = cat().limit(1000).checked().expect("cut is done");
    assert!(cut.cut);
    assert_eq!(cut.stdout, big.as_bytes()[..1000]);
    let whole = cat().checked().expect("whole");
    assert!(!whole.cut);
    assert_eq!(whole.stdout, big.as_bytes());
}

/// `git status` would write the refreshed index; quire's reads leave it
/// to the user's git (and the model's commands) as it was.
#[test]
fn reads_leave_the_index_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    repo_with(dir.path(), &[("a.txt", "a\n")]);
    let index = dir.path().join(".git/index");
    let touched = Command::new("touch")
        .args(["-d", "2001-02-03 04:05:06"])
        .arg(dir.path().join("a.txt"))
        .status()
        .expect("touch");
    assert!(touched.success());
    let before = std::fs::read(&index).expect("index");
    let status = quire::git::run(dir.path(), &["status", "--porcelain"]).expect("status");
    assert_eq!(status, "");
    assert_eq!(std::fs::read(&index).expect("index"), before);
    git(dir.path(), &["status", "--porcelain"]);
    assert_ne!(
        std::fs::read(&index).expect("index"),
        before,
        "git's own status writes it"
    );
}

/// However the setup asks diffs to look, quire reads them as git writes
/// them by default: `a/` and `b/`, paths from the top, unquoted, no colours.
#[test]
fn diffs_keep_gits_default_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    repo_with(dir.path(), &[("sub/naïve.txt", "one\n")]);
    crate::support::git_format::unusual(dir.path());
    std::fs::write(dir.path().join("sub/naïve.txt"), "two\n").expect("write");
    let diff = quire::git::run(&dir.path().join("sub"), &["diff", "HEAD"]).expect("diff");
    assert!(
        diff.starts_with("diff --git a/sub/naïve.txt b/sub/naïve.txt\n"),
        "{diff}"
    );
    assert!(
        diff.contains("\n--- a/sub/naïve.txt\n+++ b/sub/naïve.txt\n"),
        "{diff}"
    );
    assert!(
        diff.ends_with("\n-one\n+two\n") && !diff.contains('\x1b'),
        "{diff}"
    );
}
