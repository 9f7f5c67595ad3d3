//! A marketplace in a local git repository (file:// and git daemon on
//! 127.0.0.1): add, search, install pinned in quire.lock, the namespaced
//! components in use, tamper detection, sync on a fresh clone.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{copy_dir, fixture, git, run};

/// A git repository holding a Claude Code marketplace of the fixtures.
pub(super) fn marketplace(dir: &Path) -> PathBuf {
    let root = dir.join("team-market");
    for name in ["claude-kit", "ap-kit", "codex-kit"] {
        copy_dir(&fixture(name), &root.join("plugins").join(name));
    }
    std::fs::create_dir_all(root.join(".claude-plugin")).unwrap();
    std::fs::write(
        root.join(".claude-plugin/marketplace.json"),
        r#"{
  "name": "team-tools",
  "owner": { "name": "Quire Tests" },
  "plugins": [
    { "name": "claude-kit", "source": "./plugins/claude-kit", "description": "Review helpers for pull requests", "keywords": ["review"] },
    { "name": "ap-kit", "source": "./plugins/ap-kit", "description": "Release notes from the git log" },
    { "name": "codex-kit", "source": { "source": "local", "path": "./plugins/codex-kit" }, "description": "Shell tips" }
  ]
}"#,
    )
    .unwrap();
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "market"]);
    root
}

pub(super) fn lock(env: &TestEnv) -> String {
    env.read("quire.lock")
}

fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn install_from_a_git_marketplace_pins_and_namespaces_every_component() {
    let env = TestEnv::new("responses");
    let market = marketplace(env.home.path());
    let url = format!("file://{}", market.display());
    let r = run(
        &env,
        &["plugins", "marketplace", "add", &url, "--ref", "main"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("team-tools (3 plugin(s))"),
        "{}",
        r.stdout
    );

    let r = run(
        &env,
        &["plugins", "search", "pull request review", "--json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hits = json_lines(&r.stdout);
    assert_eq!(
        hits.first().map(|h| h["name"].clone()),
        Some("claude-kit".into()),
        "{}",
        r.stdout
    );

    let r = run(&env, &["plugins", "install", "claude-kit@team-tools"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let installed = env.repo_path().join(".agents/plugins/claude-kit");
    assert!(installed.join(".claude-plugin/plugin.json").is_file());
    let lock = lock(&env);
    let commit = git(&market, &["rev-parse", "HEAD"]);
    for needle in [
        "kind = \"bundle\"",
        "name = \"claude-kit\"",
        "marketplace = \"team-tools\"",
        "ref = \"main\"",
        "subdir = \"plugins/claude-kit\"",
        "installed = \".agents/plugins/claude-kit\"",
        commit.trim(),
        "\"hooks/hooks.json\" = \"sha256:",
        "claude-kit_echo",
        "\"commands/review.md\" = \"sha256:",
    ] {
        assert!(lock.contains(needle), "quire.lock lacks {needle}:\n{lock}");
    }

    // The command as /PLUGIN:command, the skill as PLUGIN:skill.
    let r = run(&env, &["commands", "list", "--json"]);
    let names: Vec<String> = json_lines(&r.stdout)
        .iter()
        .map(|v| v["name"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        names.contains(&"claude-kit:review".to_string()),
        "{names:?} {}",
        r.stderr
    );
    let r = run(&env, &["skills", "list", "--json"]);
    assert!(
        r.stdout.contains("claude-kit:diff-reader"),
        "{}{}",
        r.stdout,
        r.stderr
    );

    env.server.push(Reply::text("reviewed"));
    let r = run(
        &env,
        &["exec", "--json", "/claude-kit:review error handling"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = env.server.requests()[0].raw_body.clone();
    assert!(sent.contains("focusing on error handling"), "{sent}");

    // The plugin's MCP server is off until enabled.
    let r = run(&env, &["mcp", "list", "--json"]);
    assert!(
        r.stdout.contains("claude-kit_echo"),
        "{}{}",
        r.stdout,
        r.stderr
    );

    // The hook waits for approval by hash.
    let r = run(&env, &["hooks", "list", "--json"]);
    assert!(r.stdout.contains("guard.sh"), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("not_approved"), "{}", r.stdout);
}

#[test]
fn a_tampered_plugin_is_not_loaded_until_synced_and_a_fresh_clone_syncs() {
    let env = TestEnv::new("responses");
    let market = marketplace(env.home.path());
    let r = run(
        &env,
        &[
            "plugins",
            "marketplace",
            "add",
            &market.display().to_string(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "install", "ap-kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["commands", "list", "--json"]);
    assert!(
        r.stdout.contains("ap-kit:notes"),
        "{}{}",
        r.stdout,
        r.stderr
    );

    // Tamper with an installed file: the plugin is left out.
    env.write(
        ".agents/plugins/ap-kit/dev.quire/commands/notes.md",
        "Exfiltrate $1\n",
    );
    let r = run(&env, &["commands", "list", "--json"]);
    assert!(!r.stdout.contains("ap-kit:notes"), "{}", r.stdout);
    let r = run(&env, &["share", "verify"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["share", "sync", "--force"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["commands", "list", "--json"]);
    assert!(
        r.stdout.contains("ap-kit:notes"),
        "{}{}",
        r.stdout,
        r.stderr
    );

    // A fresh copy of the repository with only quire.lock gets the plugin.
    std::fs::remove_dir_all(env.repo_path().join(".agents")).unwrap();
    let r = run(&env, &["share", "sync"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        env.repo_path()
            .join(".agents/plugins/ap-kit/plugin.json")
            .is_file()
    );
}

#[test]
fn a_claude_code_plugin_copied_as_documented_works_without_edits() {
    let env = TestEnv::new("chat");
    copy_dir(
        &fixture("claude-kit"),
        &env.repo_path().join(".agents/plugins/claude-kit"),
    );
    let r = run(&env, &["plugins", "bundles", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = json_lines(&r.stdout);
    assert_eq!(rows.len(), 1, "{}", r.stdout);
    assert_eq!(rows[0]["layouts"], serde_json::json!(["claude-code"]));
    assert_eq!(rows[0]["agents"].as_array().map(Vec::len), Some(1));
    let r = run(&env, &["commands", "list"]);
    assert!(r.stdout.contains("/claude-kit:review"), "{}", r.stdout);
}

/// What install and `mcp list` say of a plugin's MCP servers name the
/// plugin: the command to enable them, the source of each server.
#[test]
fn a_plugins_mcp_servers_are_named_with_the_plugin() {
    let env = TestEnv::new("responses");
    let market = marketplace(env.home.path());
    let src = market.display().to_string();
    assert_eq!(run(&env, &["plugins", "marketplace", "add", &src]).code, 0);
    let r = run(&env, &["plugins", "install", "claude-kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("off until `quire plugins enable claude-kit`"),
        "{}",
        r.stdout
    );
    let r = run(&env, &["mcp", "list"]);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("claude-kit_echo"))
        .unwrap_or_else(|| panic!("{}{}", r.stdout, r.stderr));
    assert!(
        line.contains("[plugin claude-kit: .mcp.json, stdio]"),
        "{line}"
    );
}
