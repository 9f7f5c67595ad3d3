//! `quire plugins validate PATH` on the fixture bundles: each layout is
//! valid; a broken bundle gets every problem with its file and exit 1.

use super::support::quire::TestEnv;
use super::{fixture, run};

#[test]
fn every_fixture_layout_is_valid() {
    let env = TestEnv::new("responses");
    for (name, layout) in [
        ("claude-kit", "claude-code"),
        ("ap-kit", "agent-plugins"),
        ("codex-kit", "codex"),
    ] {
        let path = fixture(name).display().to_string();
        let r = run(&env, &["plugins", "validate", &path]);
        assert_eq!(r.code, 0, "{name}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.contains(layout), "{name}: {}", r.stdout);
        assert!(r.stdout.contains("valid"), "{}", r.stdout);
    }
}

#[test]
fn a_broken_bundle_reports_every_problem_with_its_file() {
    let env = TestEnv::new("responses");
    let path = fixture("broken").display().to_string();
    let r = run(&env, &["plugins", "validate", &path]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let err = &r.stderr;
    for (file, needle) in [
        ("plugin.json", "$schema"),
        ("plugin.json", "Broken_Kit"),
        ("plugin.json", "unknown field \"logo\""),
        ("mcp.json", "carrier-pigeon"),
        ("SKILL.md", "description"),
        ("hooks.json", "JSON"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(file) && l.contains(needle)),
            "no problem naming {file} and {needle}:\n{err}"
        );
    }
}

#[test]
fn a_folder_without_a_manifest_is_not_a_plugin() {
    let env = TestEnv::new("responses");
    env.write("empty/readme.md", "nothing\n");
    let r = run(&env, &["plugins", "validate", "empty"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not a plugin"), "{}", r.stderr);
}
