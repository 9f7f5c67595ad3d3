//! quire reads git's messages in English whatever the user's locale:
//! a user whose git speaks German (translations installed, `LC_ALL` or
//! `LANG` German) gets the same meaning from quire; what git says that
//! quire only shows (a subagent's merge) stays in German.

use super::fake::FakeGit;
use super::stopped::{committed_env, merge_child, parent_request};
use crate::support::quire::{TestEnv, finish};

/// git as it answers with its German translation: which language as
/// gettext picks it (`LC_ALL`, `LC_MESSAGES`, `LANG`, then `LANGUAGE`
/// unless the locale is C); stderr translated, and a merge's stdout.
const GERMAN: &str = r#"
loc=${LC_ALL:-${LC_MESSAGES:-$LANG}}
case "$loc" in C|C.*|POSIX|'') lang=en ;; *) lang=${LANGUAGE:-$loc} ;; esac
case "$lang" in
  de*)
    err=$(mktemp); out=$(mktemp)
    "$real" "$@" >"$out" 2>"$err"; rc=$?
    if [ "$sub" = merge ]; then sed -e 's/^Fast-forward$/Vorspulen/' "$out"; else cat "$out"; fi
    sed -e 's/does not appear to be a git repository/scheint kein Git-Repository zu sein/' \
        -e 's/Could not read from remote repository/Konnte nicht vom Remote-Repository lesen/' "$err" >&2
    rm -f "$err" "$out"
    exit $rc ;;
esac
"#;

#[test]
fn a_german_git_still_tells_a_missing_repository() {
    let env = TestEnv::new("responses");
    let german = FakeGit::new(GERMAN);
    let gone = tempfile::tempdir().unwrap();
    let url = format!("file://{}/nothing-here.git", gone.path().display());
    let run = finish(
        env.command(&["share", "add", &url])
            .env("PATH", german.path())
            .env("LC_ALL", "de_DE.UTF-8")
            .env("LANGUAGE", "de")
            .spawn()
            .expect("spawn quire"),
    );
    // Its meaning, then git's words: in English, as quire read them.
    let said = &run.stderr;
    assert!(
        run.code == 2
            && said.contains("the repository was not found")
            && said.contains("does not appear to be a git repository"),
        "{said}"
    );
}

#[test]
fn what_quire_only_shows_stays_in_the_users_language() {
    let env = committed_env();
    let german = FakeGit::new(GERMAN);
    merge_child(&env, &german, &[("LANG", "de_DE.UTF-8")]);
    // Worktree made, committed, merged: the parsed calls understood git.
    assert_eq!(env.read("child.txt"), "from-child\n");
    let closed = parent_request(&env, 2);
    assert!(closed.contains("Vorspulen"), "{closed}");
}
