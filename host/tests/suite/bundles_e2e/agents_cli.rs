//! `quire agents list|show|validate` see the agents installed plugin
//! bundles carry, as sessions do, and say which plugin each comes from.

use serde_json::Value;

use super::support::quire::TestEnv;
use super::{copy_dir, fixture, run};

#[test]
fn agents_commands_see_the_agents_of_installed_bundles() {
    let env = TestEnv::new("responses");
    copy_dir(
        &fixture("claude-kit"),
        &env.repo_path().join(".agents/plugins/claude-kit"),
    );

    let r = run(&env, &["agents", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("claude-kit:reviewer"))
        .unwrap_or_else(|| panic!("no plugin agent listed:\n{}", r.stdout));
    assert!(line.contains("(plugin claude-kit: "), "{line}");

    let r = run(&env, &["agents", "list", "--json"]);
    let found: Vec<Value> = r
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(
        found
            .iter()
            .any(|v| v["name"] == "claude-kit:reviewer" && v["source"] == "plugin claude-kit"),
        "{}",
        r.stdout
    );

    let r = run(&env, &["agents", "show", "claude-kit:reviewer"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("source:      plugin claude-kit"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Report bugs first"), "{}", r.stdout);

    let r = run(&env, &["agents", "validate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("claude-kit/agents/reviewer.md"),
        "{}",
        r.stdout
    );
}
