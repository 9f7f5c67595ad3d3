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
