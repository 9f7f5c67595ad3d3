//! The bundles of an untrusted repository are not loaded, but `quire
//! plugins bundles` and `quire plugins list` show them as such and say
//! how to trust the repository.

use super::support::quire::TestEnv;
use super::{copy_dir, fixture, run};

#[test]
fn an_untrusted_repositorys_bundles_are_listed_as_not_loaded_with_how_to_trust() {
    let env = TestEnv::new("chat");
    copy_dir(
        &fixture("claude-kit"),
        &env.repo_path().join(".agents/plugins/claude-kit"),
    );
    let r = run(&env, &["trust", "--revoke"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = run(&env, &["plugins", "bundles"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("claude-kit") && r.stdout.contains("untrusted"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("is not a trusted repository")
            && r.stdout.contains("run `quire trust` there"),
        "{}",
        r.stdout
    );

    let r = run(&env, &["plugins", "bundles", "--json"]);
    let line: serde_json::Value =
        serde_json::from_str(r.stdout.lines().next().unwrap_or_default()).expect("a JSON line");
    assert_eq!(line["name"], "claude-kit");
    assert_eq!(line["state"], "untrusted");

    let r = run(&env, &["plugins", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("no plugins found"), "{}", r.stderr);
    assert!(
        r.stdout.contains("claude-kit") && r.stdout.contains("run `quire trust` there"),
        "{}",
        r.stdout
    );

    // Trusted: loaded, no note.
    let r = run(&env, &["trust"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "bundles"]);
    assert!(
        r.stdout.contains("claude-kit") && !r.stdout.contains("untrusted"),
        "{}",
        r.stdout
    );
}
