//! Claude Code plugins without `.claude-plugin/plugin.json`: the manifest
//! is optional, the standard folders make the plugin, and its name comes
//! from the marketplace entry (or, for a bare folder, the folder).

use super::support::quire::TestEnv;
use serde_json::json;

use super::support::model_server::Reply;

use super::commands::bodies;
use super::{git, run};

/// A git marketplace whose entry `bare-kit` points at a folder with a
/// different name and no manifest.
fn market_of_bare_plugin(dir: &std::path::Path) -> std::path::PathBuf {
    let root = dir.join("bare-market");
    let plugin = root.join("plugins/some-folder");
    std::fs::create_dir_all(plugin.join("commands")).expect("mkdir");
    std::fs::create_dir_all(plugin.join("skills/greet")).expect("mkdir");
    std::fs::write(plugin.join("commands/hi.md"), "Say hi to $ARGUMENTS.\n").expect("write");
    std::fs::write(
        plugin.join("skills/greet/SKILL.md"),
        "---\nname: greet\ndescription: Greets people warmly.\n---\nSay hello.\n",
    )
    .expect("write");
    std::fs::create_dir_all(root.join(".claude-plugin")).expect("mkdir");
    std::fs::write(
        root.join(".claude-plugin/marketplace.json"),
        r#"{"name": "bare-market", "owner": {"name": "t"},
  "plugins": [{"name": "bare-kit", "source": "./plugins/some-folder", "description": "No manifest"}]}"#,
    )
    .expect("write");
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "market"]);
    root
}

#[test]
fn a_plugin_without_a_manifest_installs_from_a_marketplace_under_the_entrys_name() {
    let env = TestEnv::new("responses");
    let market = market_of_bare_plugin(env.home.path());
    let url = format!("file://{}", market.display());
    let r = run(
        &env,
        &["plugins", "marketplace", "add", &url, "--ref", "main"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "install", "bare-kit"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        env.repo_path()
            .join(".agents/plugins/bare-kit/commands/hi.md")
            .is_file(),
        "{}",
        r.stdout
    );
    let r = run(&env, &["plugins", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("bare-kit "))
        .unwrap_or_else(|| panic!("bare-kit not listed:\n{}{}", r.stdout, r.stderr));
    assert!(line.contains("ok"), "{line}");
    let r = run(&env, &["commands", "list"]);
    assert!(r.stdout.contains("bare-kit:hi"), "{}{}", r.stdout, r.stderr);
}

#[test]
fn a_bare_folder_without_a_manifest_is_named_after_the_folder() {
    let env = TestEnv::new("responses");
    env.write(
        "my-kit/agents/helper.md",
        "---\ndescription: Helps.\n---\nHelp.\n",
    );
    let r = run(&env, &["plugins", "validate", "my-kit"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("my-kit (claude-code)"), "{}", r.stdout);
}

#[test]
fn inline_mcp_servers_and_inline_hooks_load_without_warnings() {
    let env = TestEnv::new("responses");
    let root = env.home.path().join("inline-market");
    let plugin = root.join("plugins/inline-kit/.claude-plugin");
    std::fs::create_dir_all(&plugin).expect("mkdir");
    std::fs::write(
        plugin.join("plugin.json"),
        r#"{"name": "inline-kit",
  "mcpServers": {"echo": {"command": "${QUIRE_TEST_MCP_SERVER}", "args": []}},
  "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "true"}]}]}}"#,
    )
    .expect("write");
    std::fs::create_dir_all(root.join(".claude-plugin")).expect("mkdir");
    std::fs::write(
        root.join(".claude-plugin/marketplace.json"),
        r#"{"name": "inline-market", "owner": {"name": "t"},
  "plugins": [{"name": "inline-kit", "source": "./plugins/inline-kit"}]}"#,
    )
    .expect("write");
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "market"]);
    let url = format!("file://{}", root.display());
    let r = run(
        &env,
        &["plugins", "marketplace", "add", &url, "--ref", "main"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "install", "inline-kit", "--enable"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("inline-kit_echo"), "{}", r.stdout);
    // Inline hooks load too (bundles_e2e/manifest_hooks.rs runs them).
    assert!(!r.stderr.contains("warning:"), "{}", r.stderr);
    let r = run(&env, &["plugins", "list"]);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("inline-kit "))
        .unwrap_or_else(|| panic!("not listed:\n{}", r.stdout));
    assert!(line.contains(" ok") && !line.contains("partial"), "{line}");
    assert!(!r.stdout.contains("not loaded:"), "{}", r.stdout);
    // `mcp list` names the file that declared the server.
    let mut cmd = env.command(&["mcp", "list"]);
    super::isolate(&env, &mut cmd);
    cmd.env("QUIRE_TEST_MCP_SERVER", super::mcp::test_server());
    let r = crate::support::quire::finish(cmd.spawn().expect("spawn quire"));
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("inline-kit_echo "))
        .unwrap_or_else(|| panic!("not listed:\n{}{}", r.stdout, r.stderr));
    assert!(
        line.contains("[plugin inline-kit: plugin.json, stdio]"),
        "{line}"
    );

    env.server.push_all([
        Reply::tool_call(
            "c1",
            "mcp__inline-kit_echo__echo",
            json!({"text": "inline"}),
        ),
        Reply::text("done"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "call it"]);
    super::isolate(&env, &mut cmd);
    cmd.env("QUIRE_TEST_MCP_SERVER", super::mcp::test_server());
    let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let requests = env.server.requests();
    let last = &requests[requests.len() - 1].raw_body;
    assert!(last.contains("echo: inline"), "{last}");
}

#[test]
fn claude_plugin_root_is_expanded_in_a_plugin_commands_body_and_allowed_tools() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new("responses");
    let dir = ".agents/plugins/root-kit";
    env.write(
        &format!("{dir}/.claude-plugin/plugin.json"),
        "{\"name\": \"root-kit\"}\n",
    );
    env.write(
        &format!("{dir}/scripts/hi.sh"),
        "#!/bin/sh\necho \"HI-$1\"\n",
    );
    let script = env.repo_path().join(dir).join("scripts/hi.sh");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    env.write(
        &format!("{dir}/commands/hi.md"),
        "---\nallowed-tools: Bash(${CLAUDE_PLUGIN_ROOT}/scripts/hi.sh:*)\n---\nOut: !`${CLAUDE_PLUGIN_ROOT}/scripts/hi.sh $1`\n",
    );
    env.write(
        &format!("{dir}/commands/nope.md"),
        "---\nallowed-tools: Bash(git status:*)\n---\nOut: !`${CLAUDE_PLUGIN_ROOT}/scripts/hi.sh $1`\n",
    );
    env.server.push(Reply::text("done"));
    let r = run(&env, &["exec", "--json", "/root-kit:hi there"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = bodies(&env);
    assert!(sent.contains("Out: HI-there"), "{sent}");

    let r = run(&env, &["exec", "/root-kit:nope there"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // The rule to add is one the author can write: the plugin's folder
    // as `${CLAUDE_PLUGIN_ROOT}`.
    assert!(
        r.stderr
            .contains("Bash(${CLAUDE_PLUGIN_ROOT}/scripts/hi.sh:*)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("$1:*"), "{}", r.stderr);
}

#[test]
fn claude_plugin_root_is_expanded_in_a_plugin_skills_body() {
    let env = TestEnv::new("responses");
    let dir = ".agents/plugins/skill-kit";
    env.write(
        &format!("{dir}/.claude-plugin/plugin.json"),
        "{\"name\": \"skill-kit\"}\n",
    );
    env.write(
        &format!("{dir}/skills/runner/SKILL.md"),
        "---\nname: runner\ndescription: Runs the helper script.\n---\nRun ${CLAUDE_PLUGIN_ROOT}/scripts/run.sh now.\n",
    );
    env.server.push_all([
        Reply::tool_call(
            "s1",
            "skill",
            json!({"action": "activate", "name": "skill-kit:runner"}),
        ),
        Reply::text("done"),
    ]);
    let r = run(&env, &["exec", "--json", "use the runner"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let requests = env.server.requests();
    let last = &requests[requests.len() - 1].raw_body;
    let want = format!(
        "Run {}/scripts/run.sh now.",
        env.repo_path().join(dir).display()
    );
    assert!(last.contains(&want), "{last}");
}

#[test]
fn a_fenced_bang_block_runs_under_allowed_tools_like_a_bang_line() {
    let env = TestEnv::new("responses");
    env.write(
        ".quire/commands/fenced.md",
        "---\nallowed-tools: Bash(echo:*)\n---\nOut:\n```!\necho FENCED-$1\n```\nEnd.\n",
    );
    env.write(
        ".quire/commands/refused.md",
        "---\nallowed-tools: Bash(echo:*)\n---\n```!\ntouch pwned.txt\n```\n",
    );
    env.server.push(Reply::text("done"));
    let r = run(&env, &["exec", "--json", "/fenced x"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = bodies(&env);
    assert!(sent.contains("FENCED-x"), "{sent}");
    assert!(!sent.contains("```!"), "{sent}");

    let r = run(&env, &["exec", "/refused"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("allowed-tools"), "{}", r.stderr);
    assert!(!env.repo_path().join("pwned.txt").exists());
}
