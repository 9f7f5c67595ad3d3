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

/// A Claude Code bundle `name` in the test repository with `manifest`
/// extra fields; its folder.
fn bundle(env: &TestEnv, name: &str, extra: &str) -> std::path::PathBuf {
    env.write(
        &format!("{name}/.claude-plugin/plugin.json"),
        &format!("{{\"name\": \"{name}\"{extra}}}\n"),
    );
    env.repo_path().join(name)
}

#[test]
fn symbolic_links_out_of_the_bundle_are_reported_as_such() {
    use std::os::unix::fs::symlink;
    let env = TestEnv::new("responses");
    let root = bundle(&env, "linky", "");
    env.write(
        "linky/skills/own/SKILL.md",
        "---\nname: own\ndescription: Its own skill, for tests.\n---\nBody.\n",
    );
    let outside = env.home.path().join("outside");
    std::fs::create_dir_all(outside.join("elsewhere")).unwrap();
    std::fs::write(
        outside.join("elsewhere/SKILL.md"),
        "---\nname: elsewhere\ndescription: Not the plugin's.\n---\nBody.\n",
    )
    .unwrap();
    std::fs::write(outside.join("hooks.json"), "{\"hooks\": {}}\n").unwrap();
    symlink(outside.join("elsewhere"), root.join("skills/borrowed")).unwrap();
    std::fs::create_dir_all(root.join("hooks")).unwrap();
    symlink(outside.join("hooks.json"), root.join("hooks/hooks.json")).unwrap();

    let r = run(&env, &["plugins", "validate", "linky"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    for (link, target) in [
        ("skills/borrowed", outside.join("elsewhere")),
        ("hooks/hooks.json", outside.join("hooks.json")),
    ] {
        let target = target.display().to_string();
        assert!(
            r.stderr.lines().any(|l| l.contains(link)
                && l.contains("symbolic link to")
                && l.contains(&target)
                && l.contains("outside the plugin")),
            "{link} -> {target} not reported:\n{}",
            r.stderr
        );
    }
    assert!(!r.stderr.contains("elsewhere/SKILL.md"), "{}", r.stderr);
    assert!(!r.stderr.contains("must match"), "{}", r.stderr);
    assert_eq!(r.stderr.matches("symbolic link").count(), 2, "{}", r.stderr);
}

#[test]
fn an_empty_skills_folder_is_a_warning_unless_the_manifest_names_it() {
    let env = TestEnv::new("responses");
    let root = bundle(&env, "hollow", "");
    std::fs::create_dir_all(root.join("skills")).unwrap();
    let r = run(&env, &["plugins", "validate", "hollow"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("valid"), "{}", r.stdout);
    assert!(
        r.stderr.contains("warning: ") && r.stderr.contains("no skills in skills/"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("Missing required file"), "{}", r.stderr);

    let root = bundle(&env, "promise", ", \"skills\": \"./skills\"");
    std::fs::create_dir_all(root.join("skills")).unwrap();
    let r = run(&env, &["plugins", "validate", "promise"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("no skills are in skills/"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("Missing required file"), "{}", r.stderr);
}

/// `quire share add` of a bundle with problems installs what can be used
/// and says at once what is not loaded, as `plugins validate` would.
#[test]
fn adding_a_bundle_with_problems_names_them() {
    let env = TestEnv::new("responses");
    let src = env.home.path().join("src/odd-kit");
    std::fs::create_dir_all(src.join(".claude-plugin")).unwrap();
    std::fs::create_dir_all(src.join("skills/ok")).unwrap();
    std::fs::write(
        src.join(".claude-plugin/plugin.json"),
        r#"{"name": "odd-kit", "version": "1.0.0", "commands": ["../../../../etc/"]}"#,
    )
    .unwrap();
    std::fs::write(
        src.join("skills/ok/SKILL.md"),
        "---\nname: ok\ndescription: an ok skill\n---\nbody\n",
    )
    .unwrap();
    let r = run(&env, &["share", "add", &src.display().to_string()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("\"commands\": the path \"../../../../etc/\" leaves the plugin folder")
            && r.stderr.contains("plugin odd-kit has 1 problem(s)"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_agent_definition_over_one_mib_is_refused_by_both_validators() {
    let env = TestEnv::new("responses");
    bundle(&env, "bigagent", "");
    let body = format!("---\ndescription: Huge.\n---\n{}", "x".repeat(1024 * 1024));
    env.write("bigagent/agents/huge.md", &body);
    let size = format!("huge.md is {} bytes", body.len());
    let limit = "the limit for an agent definition is 1048576 bytes";

    let r = run(&env, &["plugins", "validate", "bigagent"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("agents/huge.md") && l.contains(&size) && l.contains(limit)),
        "{}",
        r.stderr
    );

    let r = run(&env, &["agents", "validate", "bigagent/agents/huge.md"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&size) && r.stdout.contains(limit),
        "{}",
        r.stdout
    );
}

/// A hooks file with one good hook and one written wrong: the wrong one is
/// reported, though the good one would run.
#[test]
fn a_hook_written_wrong_is_reported_beside_good_ones() {
    let env = TestEnv::new("responses");
    bundle(&env, "halfhooks", "");
    env.write(
        "halfhooks/hooks/hooks.json",
        r#"{"hooks": {
  "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/g.sh"}]}],
  "PreToolUze": [{"hooks": [{"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/g.sh"}]}]
}}"#,
    );
    env.write("halfhooks/g.sh", "#!/bin/sh\nexit 0\n");
    let r = run(&env, &["plugins", "validate", "halfhooks"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("hooks.json")
            && r.stderr.contains("PreToolUze")
            && r.stderr.contains("PreToolUse"),
        "{}",
        r.stderr
    );
}

/// A manifest field of the wrong type is named with the type it needs
/// and the one it has: a `name` that is a list is not "missing".
#[test]
fn a_manifest_field_of_the_wrong_type_is_named_with_its_type() {
    let env = TestEnv::new("responses");
    env.write(
        "nametype/.claude-plugin/plugin.json",
        "{\"name\": [\"x\"]}\n",
    );
    let r = run(&env, &["plugins", "validate", "nametype"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("\"name\" must be a string such as \"my-plugin\" (found a list)")
            && !r.stderr.contains("is missing"),
        "{}",
        r.stderr
    );
    bundle(
        &env,
        "types",
        ", \"version\": 3, \"author\": \"bob\", \"keywords\": \"a,b\"",
    );
    let r = run(&env, &["plugins", "validate", "types"]);
    for said in [
        "\"version\" must be a string such as \"1.2.0\" (found a number); it is ignored",
        "\"author\" must be an object such as {\"name\": \"Ada\"",
        "(found a string); it is ignored",
        "\"keywords\" must be a list of strings (found a string)",
    ] {
        assert!(r.stderr.contains(said), "{said}: {}{}", r.stdout, r.stderr);
    }
}
