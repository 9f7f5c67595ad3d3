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

/// A revision that does not exist, in a shallow clone: it is named, with
/// a fetch that works — a remote's branch into its remote-tracking ref
/// (`git fetch origin origin/x` would fail), a plain name as a branch of
/// the remote — and the clone said to be shallow.
#[test]
fn a_revision_that_does_not_exist_is_named_even_in_a_shallow_clone() {
    let (env, _up) = shallow_clone();
    for (args, fetch) in [
        (
            ["--base", "origin/no-such-branch"],
            "git fetch --unshallow origin no-such-branch:refs/remotes/origin/no-such-branch",
        ),
        (
            ["--commit", "no-such-commit"],
            "git fetch origin no-such-commit:refs/remotes/origin/no-such-commit",
        ),
        (
            ["--range", "origin/main..no-such-tip"],
            "git fetch origin no-such-tip:refs/remotes/origin/no-such-tip",
        ),
    ] {
        let run = env.run(&["review", args[0], args[1]]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let missing = args[1].rsplit("..").next().unwrap_or(args[1]);
        for part in [
            &format!("no commit is named {missing} here"),
            fetch,
            "fetch-depth: 0",
        ] {
            assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
        }
        assert!(
            !run.stderr.contains("git fetch origin origin/"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// A single-branch shallow clone (`actions/checkout` on a branch) asked
/// for `--base origin/main`: the command it is told fetches the branch
/// and its history, after which the review works. A revision counted
/// back (`HEAD~1`) is said to be in the history not fetched.
#[test]
fn a_missing_base_branch_is_fetched_by_the_command_given() {
    let (env, _up) = shallow_clone();
    git(&env, &["update-ref", "-d", "refs/remotes/origin/main"]);
    let run = env.run(&["review", "--base", "origin/main"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let fetch = "git fetch --unshallow origin main:refs/remotes/origin/main";
    assert!(run.stderr.contains(fetch), "{}", run.stderr);
    let run = env.run(&["review", "--range", "HEAD~1..HEAD"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("this clone is shallow (its history is cut off), so HEAD~1 is in the part it did not fetch")
            && run.stderr.contains("git fetch --unshallow"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("git fetch origin HEAD"),
        "{}",
        run.stderr
    );
    let words: Vec<&str> = fetch.split(' ').skip(1).collect();
    git(&env, &words);
    let last = one_triage(&env, &["--base", "origin/main"]);
    assert!(last.contains("FEAT_MARK"), "{last}");
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
