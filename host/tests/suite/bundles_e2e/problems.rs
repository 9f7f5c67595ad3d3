//! A plugin with problems is never shown as plain `ok`: `plugins bundles`
//! and `plugins list` give the count and the `validate` command to see
//! them, `share add` warns in both scopes, and `plugins validate` goes on
//! past a manifest it cannot read.

use std::path::{Path, PathBuf};

use super::run;
use super::support::quire::TestEnv;

/// A plugin as an author might first write it, with `manifest` as its
/// `.claude-plugin/plugin.json`: an unknown hook event and hook key, a
/// 5 MB SKILL.md, a non-UTF-8 one, a skill named unlike its folder, one
/// without a description, an agent whose front matter is not YAML.
fn broken_kit(dir: &Path, manifest: &str) -> PathBuf {
    let root = dir.join("broken-kit");
    let write = |rel: &str, bytes: &[u8]| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    write(".claude-plugin/plugin.json", manifest.as_bytes());
    write(
        "hooks/hooks.json",
        br#"{"hooks": {
  "PreToolUze": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "exit 2"}]}],
  "PostToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "echo post", "timeoutt": 3}]}]
}}"#,
    );
    let mut big =
        b"---\nname: big-skill\ndescription: A huge skill about giraffes.\n---\n".to_vec();
    big.extend(b"giraffe line of text that goes on and on\n".repeat(5 * 1024 * 1024 / 41));
    write("skills/big-skill/SKILL.md", &big);
    write(
        "skills/good-skill/SKILL.md",
        b"---\nname: good-skill\ndescription: Frobnicates widgets. Use when asked to frobnicate.\n---\nbody\n",
    );
    write(
        "skills/latin1/SKILL.md",
        b"---\nname: latin1\ndescription: Caf\xe9 skill for espresso machines.\n---\nbody\n",
    );
    write("skills/nodesc/SKILL.md", b"---\nname: nodesc\n---\nbody\n");
    write(
        "skills/wrong-folder/SKILL.md",
        b"---\nname: other-name\ndescription: Paints zebras.\n---\nbody\n",
    );
    write(
        "agents/badagent.md",
        b"---\nname: badagent\ndescription: \"unterminated\ntools: Read\n---\nprompt\n",
    );
    root
}

const GOOD_MANIFEST: &str = r#"{"name": "broken-kit", "version": "0.1.0"}"#;

/// The problem lines of a `validate` run (stderr, one a line, before the
/// count).
fn problem_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("broken-kit") && !l.starts_with("warning: plugin broken-kit has"))
        .collect()
}

#[test]
fn validate_goes_on_past_a_manifest_with_a_trailing_comma_and_lists_every_problem() {
    let env = TestEnv::new("responses");
    let root = broken_kit(
        env.home.path(),
        "{ \"name\": \"broken-kit\", \"version\": \"0.1.0\", }",
    );
    let r = run(&env, &["plugins", "validate", &root.display().to_string()]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with("broken-kit (claude-code)"),
        "named after its folder: {}",
        r.stdout
    );
    let err = &r.stderr;
    for part in [
        ".claude-plugin/plugin.json: is not valid JSON: trailing comma",
        "hooks/hooks.json",
        "PreToolUze",
        "big-skill",
        "latin1",
        "wrong-folder",
        "nodesc",
        "agents/badagent.md",
    ] {
        assert!(err.contains(part), "{part} missing from:\n{err}");
    }
    assert!(problem_lines(err).len() >= 7, "{err}");
}

#[test]
fn an_installed_plugin_with_problems_is_not_listed_as_plain_ok() {
    let env = TestEnv::new("responses");
    let plugins = env.repo_path().join(".agents/plugins");
    let root = broken_kit(&plugins, GOOD_MANIFEST);
    let hint = format!("quire plugins validate {}", root.display());

    let r = run(&env, &["plugins", "bundles"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let row = r
        .stdout
        .lines()
        .find(|l| l.starts_with("broken-kit"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(row.contains(" problems "), "{row}");
    assert!(!row.contains(" ok "), "{row}");
    assert!(r.stdout.contains(&hint), "{}", r.stdout);

    let r = run(&env, &["plugins", "bundles", "--json"]);
    let v: serde_json::Value = serde_json::from_str(
        r.stdout
            .lines()
            .find(|l| l.contains("broken-kit"))
            .unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    // The skill named unlike its folder is a note, not a problem, in a
    // Claude Code plugin (`skill_names`); the agent is a problem.
    let count = v["problems"].as_u64().unwrap_or(0);
    assert!(count >= 6, "{v}");
    assert_eq!(v["warnings"], 0, "{v}");

    let r = run(&env, &["plugins", "list"]);
    assert!(
        r.stdout
            .contains(&format!("plugin bundle (project), ok, {count} problems:"))
            && r.stdout.contains(&hint),
        "{}",
        r.stdout
    );
}

#[test]
fn share_add_warns_of_a_plugins_problems_in_both_scopes() {
    let env = TestEnv::new("responses");
    let src = broken_kit(&env.home.path().join("src"), GOOD_MANIFEST);
    let src = src.display().to_string();
    for args in [
        vec!["share", "add", &src],
        vec!["share", "--user", "add", &src],
    ] {
        let r = run(&env, &args);
        assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
        let line = r
            .stderr
            .lines()
            .find(|l| l.starts_with("warning: plugin broken-kit has "))
            .unwrap_or_else(|| panic!("{args:?}: {}", r.stderr));
        assert!(
            line.contains("problem(s)") && line.contains("quire plugins validate "),
            "{args:?}: {line}"
        );
        assert!(r.stderr.contains("PreToolUze"), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn plugins_install_warns_of_a_plugins_problems_in_both_scopes() {
    let env = TestEnv::new("responses");
    let market = env.home.path().join("market");
    broken_kit(&market.join("plugins"), GOOD_MANIFEST);
    std::fs::create_dir_all(market.join(".claude-plugin")).unwrap();
    std::fs::write(
        market.join(".claude-plugin/marketplace.json"),
        r#"{"name": "bm", "owner": {"name": "t"}, "plugins": [
            {"name": "broken-kit", "source": "./plugins/broken-kit", "description": "broken"}]}"#,
    )
    .unwrap();
    let r = run(
        &env,
        &[
            "plugins",
            "marketplace",
            "add",
            &market.display().to_string(),
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    for args in [
        vec!["plugins", "install", "broken-kit"],
        vec!["plugins", "install", "broken-kit", "--scope", "user"],
    ] {
        let r = run(&env, &args);
        assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
        let line = r
            .stderr
            .lines()
            .find(|l| l.starts_with("warning: plugin broken-kit has "))
            .unwrap_or_else(|| panic!("{args:?}: {}", r.stderr));
        assert!(
            line.contains("problem(s)") && line.contains("quire plugins validate "),
            "{args:?}: {line}"
        );
        assert!(r.stderr.contains("PreToolUze"), "{args:?}: {}", r.stderr);
    }
}
