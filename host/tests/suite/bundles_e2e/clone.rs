//! A teammate's fresh clone: the repository carries only `quire.lock`;
//! `quire share sync` there installs the locked plugin from its git
//! marketplace at the locked commit, and it is loaded.

use super::install::marketplace;
use super::support::quire::{Run, TestEnv, finish};
use super::{git, isolate, run};

/// `quire ARGS` in `dir` instead of the test repository.
fn run_in(env: &TestEnv, dir: &std::path::Path, args: &[&str]) -> Run {
    let mut cmd = env.command(args);
    isolate(env, &mut cmd);
    cmd.current_dir(dir);
    finish(cmd.spawn().expect("spawn quire"))
}

#[test]
fn a_fresh_clone_with_only_the_lock_syncs_the_plugin() {
    let env = TestEnv::new("responses");
    let market = marketplace(env.home.path());
    let url = format!("file://{}", market.display());
    let r = run(
        &env,
        &["plugins", "marketplace", "add", &url, "--ref", "main"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "install", "claude-kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let repo = env.repo_path();
    git(&repo, &["add", "quire.lock"]);
    git(&repo, &["commit", "-q", "-m", "lock the team's plugins"]);

    let clone = env.home.path().join("mate");
    git(
        env.home.path(),
        &["clone", "-q", &repo.display().to_string(), "mate"],
    );
    assert!(!clone.join(".agents").exists());
    // Not trusted yet: sync refuses to fetch what the lock names.
    let r = run_in(&env, &clone, &["share", "sync"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("quire trust"), "{}", r.stderr);
    let r = run_in(&env, &clone, &["trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // The marketplace is a git repository on this machine.
    let r = run_in(&env, &clone, &["share", "sync", "--allow-local-sources"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("restored plugin bundle claude-kit"),
        "{}",
        r.stdout
    );
    assert_eq!(
        std::fs::read(clone.join(".agents/plugins/claude-kit/commands/review.md")).unwrap(),
        std::fs::read(repo.join(".agents/plugins/claude-kit/commands/review.md")).unwrap()
    );
    let r = run_in(&env, &clone, &["share", "verify"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run_in(&env, &clone, &["commands", "list"]);
    assert!(r.stdout.contains("/claude-kit:review"), "{}", r.stdout);
}
