//! `quire review` reads the change with quire's own git: nothing the
//! repository's git setup names runs (fsmonitor, filters, textconv,
//! external diff drivers, hooks, a GPG program), and the diff reviewed is
//! the change as it is in the files.

use super::repo::*;
use crate::support::git_traps::Traps;

#[test]
fn a_review_runs_nothing_the_repository_planted() {
    let env = repo_with(&[("a.txt", "one\n"), ("b.md", "bee\n")]);
    let first = git(&env, &["rev-parse", "HEAD"]).trim().to_string();
    env.write("a.txt", "one\nCOMMIT_MARK\n");
    git(&env, &["commit", "-q", "-am", "second"]);
    env.write("a.txt", "one\nCOMMIT_MARK\nWORKTREE_MARK\n");
    env.write("b.md", "bee\nMD_MARK\n");
    let traps = Traps::plant(&env.repo_path());
    for (args, marks) in [
        (vec![], &["+WORKTREE_MARK", "+MD_MARK"][..]),
        (vec!["--commit", "HEAD"], &["+COMMIT_MARK"][..]),
        (vec!["--base", first.as_str()], &["+COMMIT_MARK"][..]),
    ] {
        let last = one_triage(&env, &args);
        for mark in marks {
            assert!(last.contains(mark), "{args:?}: {mark} not in {last}");
        }
        assert_eq!(traps.fired(), Vec::<String>::new(), "{args:?}");
    }
}

/// A `git` planted in the repository (an activated `.venv/bin` on `PATH`)
/// is not the one quire runs outside the sandbox.
#[test]
fn a_git_planted_in_the_repository_on_path_is_not_run() {
    use std::os::unix::fs::PermissionsExt;
    let env = repo_with(&[("a.txt", "one\n")]);
    env.write("a.txt", "one\nWORKTREE_MARK\n");
    let marker = tempfile::tempdir().unwrap();
    let fired = marker.path().join("planted-git-ran");
    let bin = env.repo_path().join(".venv/bin");
    std::fs::create_dir_all(&bin).unwrap();
    let git = bin.join("git");
    std::fs::write(
        &git,
        format!("#!/bin/sh\ntouch '{}'\nexit 1\n", fired.display()),
    )
    .unwrap();
    std::fs::set_permissions(&git, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let before = requests_of(&env, TRIAGE).len();
    triage_flags_nothing(&env, 1);
    let mut cmd = env.command(&["review", "--json"]);
    cmd.env("PATH", path);
    let run = crate::support::quire::finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!fired.exists(), "the planted git ran");
    let triage = requests_of(&env, TRIAGE);
    assert_eq!(triage.len(), before + 1);
    assert!(triage[before].contains("+WORKTREE_MARK"));
}
