//! quire run in the home folder (no repository above it): the project's
//! plugin folder, `~/.agents/plugins`, is the user's own. Its plugins are
//! listed once, as the user's, and installing one there warns of no
//! clash with itself.

use super::support::quire::{Run, TestEnv, finish};
use super::{copy_dir, fixture, isolate};

/// `quire ARGS` run in the test's home folder.
fn in_home(env: &TestEnv, args: &[&str]) -> Run {
    let mut cmd = env.command(args);
    isolate(env, &mut cmd);
    cmd.current_dir(env.home.path().join("user"));
    finish(cmd.spawn().expect("spawn quire"))
}

#[test]
fn in_the_home_folder_the_users_plugins_are_listed_once_and_clash_with_nothing() {
    let env = TestEnv::new("responses");
    let src = env.home.path().join("src/claude-kit");
    copy_dir(&fixture("claude-kit"), &src);

    let r = in_home(
        &env,
        &["share", "add", "--user", &src.display().to_string()],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let installed = env.home.path().join("user/.agents/plugins/claude-kit");
    assert!(installed.join("hooks/hooks.json").is_file(), "{}", r.stdout);
    assert!(!r.stderr.contains("same name"), "{}", r.stderr);

    let r = in_home(&env, &["plugins", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let listed: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("claude-kit "))
        .collect();
    assert_eq!(listed.len(), 1, "{}", r.stdout);
    assert!(listed[0].contains("(user)"), "{}", r.stdout);
    assert!(!r.stdout.contains("untrusted"), "{}", r.stdout);
    assert!(!r.stderr.contains("always wins"), "{}", r.stderr);

    let r = in_home(&env, &["plugins", "bundles", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout.matches("\"claude-kit\"").count(),
        1,
        "{}",
        r.stdout
    );
}
