//! A bundle installed from a marketplace is a plugin for `quire plugins
//! list`, `quire plugins remove` and `quire doctor` too, drifted or not.

use serde_json::Value;

use super::install::{lock, marketplace};
use super::run;
use super::support::quire::TestEnv;

/// The messages of `quire doctor --json`'s plugins checks.
fn doctor_plugins(env: &TestEnv) -> Vec<String> {
    let r = run(env, &["doctor", "--json"]);
    let v: Value = serde_json::from_str(r.stdout.trim())
        .unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr));
    v["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["area"] == "plugins")
        .map(|c| format!("{} {}", c["status"], c["message"]))
        .collect()
}

#[test]
fn an_installed_bundle_is_listed_checked_and_removed_as_a_plugin() {
    let env = TestEnv::new("responses");
    let market = marketplace(env.home.path());
    let src = market.display().to_string();
    assert_eq!(run(&env, &["plugins", "marketplace", "add", &src]).code, 0);
    let r = run(&env, &["plugins", "install", "claude-kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = run(&env, &["plugins", "list"]);
    assert!(
        r.stdout.contains("claude-kit") && r.stdout.contains("plugin bundle (project), ok"),
        "{}",
        r.stdout
    );
    assert!(!r.stderr.contains("no plugins found"), "{}", r.stderr);
    let checks = doctor_plugins(&env);
    assert!(
        checks
            .iter()
            .any(|c| c.contains("claude-kit: plugin bundle (project), loaded")),
        "{checks:?}"
    );
    assert!(
        !checks.iter().any(|c| c.contains("no plugins installed")),
        "{checks:?}"
    );

    env.write(
        ".agents/plugins/claude-kit/agents/reviewer.md",
        "---\nname: reviewer\ndescription: changed\n---\nChanged.\n",
    );
    let r = run(&env, &["plugins", "list"]);
    assert!(r.stdout.contains("drifted"), "{}", r.stdout);
    assert!(!r.stderr.contains("no plugins found"), "{}", r.stderr);
    let checks = doctor_plugins(&env);
    assert!(
        checks
            .iter()
            .any(|c| c.contains("warn")
                && c.contains("claude-kit: plugin bundle (project) not loaded")),
        "{checks:?}"
    );

    // Local changes are kept unless --force, as with `quire share remove`.
    let r = run(&env, &["plugins", "remove", "claude-kit"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("quire share remove claude-kit"),
        "{}",
        r.stderr
    );
    let installed = env.repo_path().join(".agents/plugins/claude-kit");
    assert!(installed.is_dir());

    let r = run(&env, &["plugins", "remove", "claude-kit", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("claude-kit"), "{}", r.stdout);
    assert!(!installed.exists());
    assert!(!lock(&env).contains("claude-kit"), "{}", lock(&env));
    let r = run(&env, &["plugins", "bundles", "--json"]);
    assert_eq!(r.stdout.trim(), "", "{}", r.stdout);
    let r = run(&env, &["plugins", "list"]);
    assert!(r.stderr.contains("no plugins found"), "{}", r.stderr);
}
