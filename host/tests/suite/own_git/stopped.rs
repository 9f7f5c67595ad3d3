//! A git that hangs is stopped at its deadline (`QUIRE_GIT_TIMEOUT`, small
//! here) with what it started, and a writing command that failed or was
//! stopped says what it left (a lock quire never removes, a half-made
//! worktree taken away). A git that never exits stands for the hang: the
//! tests assert the outcome, not the time.

use super::fake::FakeGit;
use serde_json::json;

use crate::suite::agents_e2e::PARENT;
use crate::suite::terminal_e2e::line_session::line_mode_with;
use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv, finish, wait_for_file, wait_gone};

/// The fake git's body: `sub` writes its pid and never exits; `before`
/// runs first.
fn hang_on(sub: &str, before: &str) -> String {
    format!(
        "if [ \"$sub\" = {sub} ]; then\n  {before}\n  echo $$ > \"$(dirname \"$0\")/pid\"\n  exec sleep 600\nfi"
    )
}

/// A committed repository with a git identity.
pub(super) fn committed_env() -> TestEnv {
    let env = TestEnv::new("responses");
    env.git(&["config", "user.email", "t@example.com"]);
    env.git(&["config", "user.name", "T"]);
    env.write("README.md", "hello\n");
    env.commit_all();
    env
}

/// The parent spawns a worktree child that writes a file, then merges
/// its branch; quire runs with `fake` first on PATH and `envs`.
pub(super) fn merge_child(env: &TestEnv, fake: &FakeGit, envs: &[(&str, &str)]) -> Run {
    crate::suite::agents_e2e::worktree::route(env, "merge");
    let run = finish(
        env.command(&["exec", "--json", &format!("{PARENT} delegate")])
            .env("PATH", fake.path())
            .envs(envs.iter().copied())
            .spawn()
            .expect("spawn quire"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

/// The parent's `n`th request (0: the first), as sent.
pub(super) fn parent_request(env: &TestEnv, n: usize) -> String {
    env.server
        .requests()
        .into_iter()
        .filter(|r| r.raw_body.contains(PARENT))
        .nth(n)
        .map(|r| r.raw_body)
        .unwrap_or_default()
}

/// `quire share add` of a repository, which clones it, with `fake` first
/// on PATH and `deadline` as QUIRE_GIT_TIMEOUT.
fn share_add(env: &TestEnv, fake: &FakeGit, deadline: &str) -> std::process::Child {
    env.command(&["share", "add", "file:///srv/team/skills.git"])
        .env("PATH", fake.path())
        .env("QUIRE_GIT_TIMEOUT", deadline)
        .spawn()
        .expect("spawn quire")
}

#[test]
fn a_clone_that_never_ends_is_stopped_and_says_how_to_give_it_longer() {
    let env = TestEnv::new("responses");
    let fake = FakeGit::new(&hang_on("clone", ":"));
    let run = finish(share_add(&env, &fake, "3"));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`git clone`: ran longer than 3 s and was stopped")
            && run
                .stderr
                .contains("(QUIRE_GIT_TIMEOUT=SECONDS gives git longer)"),
        "{}",
        run.stderr
    );
    let pid: i32 = wait_for_file(&fake.file("pid")).parse().expect("pid");
    assert!(wait_gone(pid), "the stopped git {pid} still runs");
}

#[test]
fn a_bad_deadline_is_named() {
    let env = TestEnv::new("responses");
    let run = finish(share_add(&env, &FakeGit::new(":"), "soon"));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("QUIRE_GIT_TIMEOUT=\"soon\" is not a number of seconds"),
        "{}",
        run.stderr
    );
}

#[test]
fn sigterm_during_a_git_command_leaves_no_git_running() {
    let env = TestEnv::new("responses");
    let fake = FakeGit::new(&hang_on("clone", ":"));
    // The default deadline: only the signal ends it.
    let child = share_add(&env, &fake, "");
    let pid: i32 = wait_for_file(&fake.file("pid")).parse().expect("pid");
    let quire = i32::try_from(child.id()).expect("pid");
    // SAFETY: the quire this test started.
    unsafe { libc::kill(quire, libc::SIGTERM) };
    let run = finish(child);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(wait_gone(pid), "git {pid} outlived quire");
}

#[test]
fn a_held_index_lock_is_named_and_left_where_it_is() {
    let env = committed_env();
    let lock = env.repo_path().join(".git/index.lock");
    std::fs::write(&lock, "").expect("lock");
    let plain = FakeGit::new(":");
    merge_child(&env, &plain, &[]);
    let said = parent_request(&env, 2);
    assert!(
        said.contains(&format!("{} exists", lock.display()))
            && said.contains("quire does not remove it"),
        "{said}"
    );
    assert!(lock.exists(), "quire removed someone else's lock");
    assert!(!env.repo_path().join("child.txt").exists());
}

#[test]
fn a_merge_stopped_at_its_deadline_says_what_it_left() {
    let env = committed_env();
    // A git stopped half way leaves its lock: this one takes it, then hangs.
    let fake = FakeGit::new(&hang_on(
        "merge",
        ": > \"$(\"$real\" -C \"$dir\" rev-parse --absolute-git-dir)/index.lock\"",
    ));
    merge_child(&env, &fake, &[("QUIRE_GIT_TIMEOUT", "5")]);
    let said = parent_request(&env, 2);
    let lock = env.repo_path().join(".git/index.lock");
    assert!(
        said.contains("`git merge`: ran longer than 5 s and was stopped")
            && said.contains(&format!(
                "{} exists (the stopped `git merge` may have left it)",
                lock.display()
            ))
            && said.contains("`git merge` may have written part of its change"),
        "{said}"
    );
    assert!(
        lock.exists(),
        "quire removed a lock it cannot know is its own"
    );
    let pid: i32 = wait_for_file(&fake.file("pid")).parse().expect("pid");
    assert!(wait_gone(pid), "the stopped git {pid} still runs");
}

#[test]
fn a_worktree_add_stopped_half_way_leaves_nothing() {
    let env = committed_env();
    // The worktree is added, then its checkout hangs.
    let fake = FakeGit::new(&hang_on("reset", ":"));
    merge_child(&env, &fake, &[("QUIRE_GIT_TIMEOUT", "5")]);
    let said = parent_request(&env, 1);
    assert!(
        said.contains("`git reset`: ran longer than 5 s and was stopped"),
        "{said}"
    );
    assert_eq!(env.git(&["worktree", "list"]).lines().count(), 1);
    assert!(
        !env.git(&["branch", "--list"]).contains("quire/agent-"),
        "{}",
        env.git(&["branch", "--list"])
    );
}

#[test]
fn an_undo_stopped_half_way_puts_the_file_back() {
    let env = TestEnv::new("chat");
    env.write("calc.py", "def add(a, b):\n    return a - b\n");
    env.commit_all();
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** End Patch\n"}),
        ),
        Reply::text("fixed"),
    ]);
    // git removes the file before it writes it again: stopped in between.
    let fake = FakeGit::new(&hang_on("apply", "rm -f \"$dir/calc.py\""));
    let path = fake.path();
    let envs = [("PATH", path.as_str()), ("QUIRE_GIT_TIMEOUT", "3")];
    let r = line_mode_with(&env, "fix add\n/undo\n", &envs);
    assert!(
        r.stderr
            .contains("cannot write calc.py: `git apply` ran longer than 3 s and was stopped")
            && r.stderr.contains("nothing was written"),
        "{}",
        r.stderr
    );
    assert_eq!(env.read("calc.py"), "def add(a, b):\n    return a + b\n");
}

/// A bad `QUIRE_GIT_TIMEOUT` is refused once, at start, like a bad
/// setting: no task runs (no request), `exec --json` says it as an event.
#[test]
fn a_bad_deadline_is_refused_before_anything_runs() {
    let env = committed_env();
    env.server.push(Reply::text("ran anyway"));
    let run = finish(
        env.command(&["exec", "--json", "hi"])
            .env("QUIRE_GIT_TIMEOUT", "abc")
            .spawn()
            .expect("spawn quire"),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let why = "QUIRE_GIT_TIMEOUT=\"abc\" is not a number of seconds";
    assert!(run.stderr.contains(why), "{}", run.stderr);
    assert!(
        run.of_type("error")[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains(why)),
        "{}",
        run.stdout
    );
    assert!(env.server.requests().is_empty());
}

/// `/diff`'s own limit (15 s) gives way to `QUIRE_GIT_TIMEOUT`, as every
/// other git command's does.
#[test]
fn the_variable_sets_the_limit_of_diff_too() {
    let env = committed_env();
    env.write("README.md", "changed\n");
    let fake = FakeGit::new(&hang_on("diff", ":"));
    let path = fake.path();
    let envs = [("PATH", path.as_str()), ("QUIRE_GIT_TIMEOUT", "2")];
    let r = line_mode_with(&env, "/diff\n", &envs);
    assert!(
        r.stderr
            .contains("`git diff`: ran longer than 2 s and was stopped")
            && r.stderr
                .contains("(QUIRE_GIT_TIMEOUT=SECONDS gives git longer)"),
        "{}",
        r.stderr
    );
    let pid: i32 = wait_for_file(&fake.file("pid")).parse().expect("pid");
    assert!(wait_gone(pid), "the stopped git {pid} still runs");
}
