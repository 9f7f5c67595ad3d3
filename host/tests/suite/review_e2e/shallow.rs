//! `quire review --base` in a shallow clone (CI's `fetch-depth: 1`): git
//! finds no merge base because the history is missing, and the error says
//! so and how to fetch it, rather than to check that the revision exists.

use super::repo::*;
use crate::support::quire::{TestEnv, git_in};

/// An upstream where `feat` left `main` two commits back, fetched into
/// the test repository at depth 1 and `feat` checked out.
fn shallow_clone() -> (TestEnv, tempfile::TempDir) {
    let up = tempfile::tempdir().unwrap();
    let u = |args: &[&str]| git_in(up.path(), args);
    u(&["init", "-q", "-b", "main"]);
    std::fs::write(up.path().join("a"), "a\n").unwrap();
    u(&["add", "."]);
    u(&["commit", "-qm", "1"]);
    std::fs::write(up.path().join("a"), "a\nb\n").unwrap();
    u(&["commit", "-qam", "2"]);
    u(&["checkout", "-qb", "feat"]);
    std::fs::write(up.path().join("a"), "a\nb\nFEAT_MARK\n").unwrap();
    u(&["commit", "-qam", "3"]);
    u(&["checkout", "-q", "main"]);
    std::fs::write(up.path().join("d"), "d\n").unwrap();
    u(&["add", "d"]);
    u(&["commit", "-qm", "4"]);
    let env = TestEnv::new("responses");
    let url = format!("file://{}", up.path().display());
    git(&env, &["remote", "add", "origin", &url]);
    git(
        &env,
        &[
            "fetch",
            "-q",
            "--depth",
            "1",
            "origin",
            "feat:refs/remotes/origin/feat",
            "main:refs/remotes/origin/main",
        ],
    );
    git(&env, &["checkout", "-q", "-b", "feat", "origin/feat"]);
    (env, up)
}

#[test]
fn no_merge_base_in_a_shallow_clone_says_to_fetch_the_history() {
    let (env, _up) = shallow_clone();
    let run = env.run(&["review", "--base", "origin/main"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for part in [
        "this clone is shallow",
        "git fetch --unshallow",
        "fetch-depth: 0",
    ] {
        assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
    }
    assert!(
        !run.stderr.contains("check that the revision exists"),
        "{}",
        run.stderr
    );
    let run = env.run(&["review", "--base", "origin/main", "--format", "github"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("::error") && run.stdout.contains("git fetch --unshallow"),
        "{}",
        run.stdout
    );
    // What it says to do works.
    git(&env, &["fetch", "-q", "--unshallow", "origin"]);
    let last = one_triage(&env, &["--base", "origin/main"]);
    assert!(last.contains("FEAT_MARK"), "{last}");
}

/// Two histories with nothing in common (not shallow): the hint names a
/// range, which compares them directly.
#[test]
fn no_merge_base_between_unrelated_histories_suggests_a_range() {
    let env = repo_with(&[("a", "a\n")]);
    git(&env, &["branch", "-m", "main"]);
    git(&env, &["checkout", "-q", "--orphan", "other"]);
    env.write("a", "other\n");
    git(&env, &["add", "-A"]);
    git(&env, &["commit", "-q", "-m", "unrelated"]);
    let run = env.run(&["review", "--base", "main"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("main and HEAD have no commit in common")
            && run.stderr.contains("--range main..HEAD"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("shallow"), "{}", run.stderr);
}

/// A revision that does not exist, in a shallow clone: the hint is to
/// check the name or fetch it, not to fetch the whole history.
#[test]
fn a_revision_that_does_not_exist_is_named_even_in_a_shallow_clone() {
    let (env, _up) = shallow_clone();
    for args in [
        ["--base", "origin/no-such-branch"],
        ["--commit", "no-such-commit"],
        ["--range", "origin/main..no-such-tip"],
    ] {
        let run = env.run(&["review", args[0], args[1]]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let missing = args[1].rsplit("..").next().unwrap_or(args[1]);
        assert!(
            run.stderr
                .contains(&format!("no commit is named {missing} here"))
                && run.stderr.contains(&format!("git fetch origin {missing}")),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("--unshallow"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// `--commit HEAD` at depth 1: HEAD's parent was not fetched, so git
/// would show every file of the tree as added. The review says so and
/// how to fetch the parent, and works once it is fetched.
#[test]
fn a_commit_whose_parent_was_not_fetched_is_not_reviewed_as_the_whole_tree() {
    let (env, _up) = shallow_clone();
    let run = env.run(&["review", "--commit", "HEAD"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("shallow clone's history is cut off")
            && run.stderr.contains("git fetch --deepen=1"),
        "{}",
        run.stderr
    );
    assert!(env.server.requests().is_empty());
    git(&env, &["fetch", "-q", "--deepen=1", "origin", "feat"]);
    let last = one_triage(&env, &["--commit", "HEAD"]);
    // Only the commit's own change: `a` and `b` were there before it.
    assert!(
        last.contains("|+FEAT_MARK") && !last.contains("|+b"),
        "{last}"
    );
}
