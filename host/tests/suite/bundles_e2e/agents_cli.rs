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

#[test]
fn text_from_repository_files_reaches_no_terminal_as_escape_sequences() {
    let env = TestEnv::new("responses");
    env.write(
        ".quire/commands/ansi.md",
        "---\ndescription: \"line1\\nline2\\x1b[31mRED\\x1b[0m\"\n---\nBody.\n",
    );
    env.write(
        ".quire/agents/esc.md",
        "---\nname: \"esc\\x1b[31m\"\ndescription: d\n---\nPrompt.\n",
    );
    env.write(
        ".quire/agents/fine.md",
        "---\nname: fine\ndescription: \"two\\nlines\\x1b[2J\"\n---\nPrompt.\n",
    );
    let r = run(&env, &["commands", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains('\u{1b}'), "{:?}", r.stdout);
    assert!(r.stdout.contains("line1 line2RED"), "{:?}", r.stdout);
    assert_eq!(r.stdout.lines().count(), 1, "{:?}", r.stdout);

    let r = run(&env, &["agents", "validate", ".quire/agents/esc.md"]);
    assert!(r.stdout.contains("not usable"), "{:?}", r.stdout);
    assert!(!r.stdout.contains('\u{1b}'), "{:?}", r.stdout);
    let r = run(&env, &["agents", "list"]);
    assert!(r.stdout.contains("two lines"), "{:?}", r.stdout);
    assert!(!r.stdout.contains('\u{1b}'), "{:?}", r.stdout);
    assert!(!r.stdout.contains("\nlines"), "{:?}", r.stdout);
}

/// An agent's `permissionMode` (Claude Code's) cannot widen or narrow
/// what the session allows: `agents validate` says it is not supported.
#[test]
fn agents_validate_names_an_unsupported_permission_mode() {
    let env = TestEnv::new("responses");
    env.write(
        ".claude/agents/editor.md",
        "---\nname: editor\ndescription: Edits\npermissionMode: acceptEdits\n---\nEdit.\n",
    );
    let r = run(&env, &["agents", "validate"]);
    assert!(
        r.stdout.lines().any(|l| l.contains("editor.md")
            && l.contains("permissionMode 'acceptEdits' is not supported")),
        "{}{}",
        r.stdout,
        r.stderr
    );
}
