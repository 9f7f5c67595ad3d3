//! Claude Code plugins as the official marketplaces publish them: flat
//! `.mcp.json` files, servers that read `CLAUDE_PLUGIN_ROOT` from their
//! environment.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};
use super::{isolate, run};

/// Writes a Claude Code plugin `name` into the repository's
/// `.agents/plugins` with `.mcp.json` = `mcp`.
fn plugin_with_mcp(env: &TestEnv, name: &str, mcp: &str) -> String {
    let dir = format!(".agents/plugins/{name}");
    env.write(
        &format!("{dir}/.claude-plugin/plugin.json"),
        &format!("{{\"name\": \"{name}\"}}\n"),
    );
    env.write(&format!("{dir}/.mcp.json"), mcp);
    dir
}

/// `quire exec --json PROMPT` with the MCP test server and `extra` env.
fn exec(env: &TestEnv, prompt: &str, extra: &[(&str, &str)]) -> Run {
    let mut cmd = env.command(&["exec", "--json", prompt]);
    isolate(env, &mut cmd);
    cmd.env("QUIRE_TEST_MCP_SERVER", super::mcp::test_server());
    for (k, v) in extra {
        cmd.env(k, v);
    }
    super::support::quire::finish(cmd.spawn().expect("spawn quire"))
}

#[test]
fn a_flat_mcp_json_is_validated_and_its_server_runs() {
    let env = TestEnv::new("responses");
    let dir = plugin_with_mcp(
        &env,
        "flat-kit",
        r#"{"echo": {"command": "${QUIRE_TEST_MCP_SERVER}", "args": []}}"#,
    );
    let r = run(&env, &["plugins", "validate", &dir]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("1 MCP file"), "{}", r.stdout);
    let r = run(&env, &["plugins", "enable", "flat-kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    env.server.push_all([
        Reply::tool_call("c1", "mcp__flat-kit_echo__echo", json!({"text": "flat"})),
        Reply::text("done"),
    ]);
    let r = exec(&env, "call it", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let requests = env.server.requests();
    let last = &requests[requests.len() - 1].raw_body;
    assert!(last.contains("echo: flat"), "{last}");
}

#[test]
fn an_mcp_json_that_is_no_map_of_servers_is_an_error_naming_it() {
    let env = TestEnv::new("responses");
    let dir = plugin_with_mcp(&env, "odd-kit", r#"{"echo": 3}"#);
    let r = run(&env, &["plugins", "validate", &dir]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains(".mcp.json") && l.contains("\"echo\" is not a server")),
        "{}",
        r.stderr
    );
}

#[test]
fn a_plugins_mcp_server_gets_claude_plugin_root_in_its_environment() {
    let env = TestEnv::new("responses");
    let dir = plugin_with_mcp(
        &env,
        "env-kit",
        r#"{"mcpServers": {"echo": {"command": "sh", "args": ["-c", "printf %s \"$CLAUDE_PLUGIN_ROOT\" > \"$ROOT_MARK\"; exec \"$QUIRE_TEST_MCP_SERVER\""]}}}"#,
    );
    let r = run(&env, &["plugins", "enable", "env-kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mark = env.home.path().join("root-mark");
    env.server.push_all([
        Reply::tool_call("c1", "mcp__env-kit_echo__echo", json!({"text": "x"})),
        Reply::text("done"),
    ]);
    let r = exec(
        &env,
        "call it",
        &[("ROOT_MARK", &mark.display().to_string())],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let seen = std::fs::read_to_string(&mark).expect("the server wrote its CLAUDE_PLUGIN_ROOT");
    assert_eq!(
        std::path::Path::new(&seen),
        env.repo_path().join(&dir),
        "CLAUDE_PLUGIN_ROOT"
    );
}

/// An agent as the official plugins write them: an unquoted `: ` in its
/// description (invalid strict YAML).
const LOOSE_AGENT: &str = "---\nname: code-explorer\ndescription: Use this agent when the user asks about code. Examples: <example>Context: a question</example>\ntools: Glob, Grep, Read\n---\nExplore the code.\n";

#[test]
fn an_agent_with_an_unquoted_colon_in_its_description_is_loaded_with_a_warning() {
    let env = TestEnv::new("responses");
    let dir = ".agents/plugins/loose-kit";
    env.write(
        &format!("{dir}/.claude-plugin/plugin.json"),
        "{\"name\": \"loose-kit\"}\n",
    );
    env.write(&format!("{dir}/agents/code-explorer.md"), LOOSE_AGENT);

    let r = run(&env, &["agents", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("loose-kit:code-explorer")),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let r = run(&env, &["plugins", "validate", dir]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("warning:") && l.contains("code-explorer.md")),
        "{}",
        r.stderr
    );

    env.write(&format!("{dir}/agents/broken.md"), "no frontmatter here\n");
    let r = run(&env, &["plugins", "validate", dir]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.lines().any(|l| l.contains("agents/broken.md")),
        "{}",
        r.stderr
    );
}

#[test]
fn claude_code_skill_fields_are_valid_in_a_plugin_and_unknown_ones_only_warned() {
    let env = TestEnv::new("responses");
    let dir = "fields-kit";
    env.write(
        &format!("{dir}/.claude-plugin/plugin.json"),
        "{\"name\": \"fields-kit\"}\n",
    );
    env.write(
        &format!("{dir}/skills/hello/SKILL.md"),
        "---\nname: hello\ndescription: Says hello.\nuser-invocable: true\ndisable-model-invocation: false\nargument-hint: '[name]'\nversion: 1.0.0\nallowed-tools: Bash\nmodel: sonnet\nwhen_to_use: greetings\nsparkle: yes\n---\nHello.\n",
    );
    let r = run(&env, &["plugins", "validate", dir]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("warning:") && l.contains("sparkle")),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("user-invocable"), "{}", r.stderr);
}

#[test]
fn enabling_a_plugin_that_is_not_installed_is_a_usage_error_listing_the_installed() {
    let env = TestEnv::new("responses");
    plugin_with_mcp(&env, "real-kit", r#"{"mcpServers": {}}"#);
    let r = run(&env, &["plugins", "enable", "does-not-exist-xyz"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("enabled"), "{}", r.stdout);
    assert!(r.stderr.contains("does-not-exist-xyz"), "{}", r.stderr);
    assert!(r.stderr.contains("installed: real-kit"), "{}", r.stderr);
    let r = run(&env, &["plugins", "enable", "real-kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn plugins_add_on_a_claude_code_plugin_points_at_share_add() {
    let env = TestEnv::new("responses");
    let path = super::fixture("claude-kit").display().to_string();
    let r = run(&env, &["plugins", "add", &path]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(r.stderr.contains("Claude Code plugin"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("quire share add {path}")),
        "{}",
        r.stderr
    );
}

#[test]
fn installing_a_plugin_into_an_untrusted_repository_warns_it_will_not_load() {
    let env = TestEnv::new("responses");
    let r = run(&env, &["trust", "--revoke"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let market = super::install::marketplace(env.home.path());
    let src = market.display().to_string();
    let r = run(&env, &["plugins", "marketplace", "add", &src]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "install", "claude-kit"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("warning:")
            && r.stderr.contains("not a trusted repository")
            && r.stderr.contains("quire trust"),
        "{}",
        r.stderr
    );
}
