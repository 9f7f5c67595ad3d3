//! Claude Code names a plugin's MCP tool `mcp__plugin_PLUGIN_SERVER__TOOL`
//! (quire: `mcp__PLUGIN_SERVER__TOOL`): a plugin's hook matcher and agent
//! `tools:` written that way reach the tool, and a name that can reach
//! none of the plugin's tools is warned about by `plugins validate`,
//! `agents validate` and `hooks list`.

use serde_json::json;

use super::mcp::test_server;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{claude_kit_with_hooks, isolate, run};

const QUIRE_NAME: &str = "mcp__claude-kit_echo__echo";
const CLAUDE_NAME: &str = "mcp__plugin_claude-kit_echo__echo";

#[test]
fn a_hook_and_an_agent_naming_a_plugins_mcp_tool_as_claude_code_does_reach_it() {
    let env = TestEnv::new("responses");
    let kit = claude_kit_with_hooks(
        &env,
        &json!({"hooks": {"PreToolUse": [{"matcher": CLAUDE_NAME, "hooks": [
            {"type": "command", "command": "echo blocked-by-echo-guard >&2; exit 2"}
        ]}]}}),
    );
    std::fs::write(
        kit.join("agents/echoer.md"),
        format!("---\nname: echoer\ndescription: uses echo\ntools: {CLAUDE_NAME}, Read\n---\nUse echo.\n"),
    )
    .unwrap();
    for args in [
        &["hooks", "trust"][..],
        &["plugins", "enable", "claude-kit"],
    ] {
        let r = run(&env, args);
        assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
    }
    let r = run(&env, &["agents", "show", "claude-kit:echoer"]);
    assert!(
        r.stdout
            .contains(&format!("tools:       {QUIRE_NAME}, read_file")),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let r = run(&env, &["plugins", "validate", &kit.display().to_string()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        !format!("{}{}", r.stdout, r.stderr).contains("never match"),
        "{}{}",
        r.stdout,
        r.stderr
    );

    env.server.route(
        "PARENT-ECHO",
        [
            Reply::tool_call("c1", QUIRE_NAME, json!({"text": "hi"})),
            Reply::tool_call(
                "s1",
                "spawn_agent",
                json!({"task": "CHILD-ECHO use echo", "agent_type": "claude-kit:echoer"}),
            ),
            Reply::text("parent done"),
        ],
    );
    env.server.route("CHILD-ECHO", [Reply::text("child done")]);
    let mut cmd = env.command(&["exec", "--json", "PARENT-ECHO use the echo tool"]);
    isolate(&env, &mut cmd);
    cmd.env("QUIRE_TEST_MCP_SERVER", test_server());
    let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The plugin's guard fires for its tool.
    let done = r.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], true, "{:?}", done[0]);
    let out = done[0]["output"].as_str().unwrap_or_default();
    assert!(out.contains("blocked-by-echo-guard"), "{out}");
    // The agent is given the tool.
    let requests = env.server.requests();
    let child = requests
        .iter()
        .find(|q| q.raw_body.contains("CHILD-ECHO") && !q.raw_body.contains("PARENT-ECHO"))
        .expect("the child's request");
    let tools: Vec<&str> = child.body["tools"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(tools.contains(&QUIRE_NAME), "{tools:?}");
}

#[test]
fn a_tool_name_that_reaches_none_of_the_plugins_tools_is_warned_about() {
    let env = TestEnv::new("responses");
    // A server the plugin does not have; its own server without the
    // plugin's name; a server alone.
    let kit = claude_kit_with_hooks(
        &env,
        &json!({"hooks": {"PreToolUse": [
            {"matcher": "mcp__plugin_claude-kit_ehco__echo", "hooks": [{"type": "command", "command": "exit 2"}]},
            {"matcher": "mcp__echo__echo", "hooks": [{"type": "command", "command": "exit 2"}]},
            {"matcher": "mcp__echo", "hooks": [{"type": "command", "command": "exit 2"}]}
        ]}}),
    );
    std::fs::write(
        kit.join("agents/echoer.md"),
        "---\nname: echoer\ndescription: uses echo\ntools: mcp__plugin_claude-kit_ehco__echo, mcp__echo\n---\nUse echo.\n",
    )
    .unwrap();
    let r = run(&env, &["plugins", "validate", &kit.display().to_string()]);
    let all = format!("{}{}", r.stdout, r.stderr);
    for said in [
        "the plugin claude-kit has no MCP server `ehco` (its servers: echo)",
        "`mcp__echo__echo` names no tool: the tools of this plugin's server echo are `mcp__plugin_claude-kit_echo__echo`",
        "`mcp__echo` names no MCP tool",
    ] {
        assert!(
            all.lines()
                .any(|l| l.contains("hooks.json") && l.contains(said)),
            "{said}:\n{all}"
        );
    }
    assert!(
        all.lines()
            .any(|l| l.contains("echoer.md") && l.contains("has no MCP server `ehco`")),
        "{all}"
    );
    let r = run(&env, &["agents", "validate"]);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("`mcp__echo` names no MCP tool"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let r = run(&env, &["hooks", "list"]);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("`mcp__echo` names no MCP tool"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn a_claude_code_hook_matching_a_plugins_mcp_tool_by_claudes_name_gets_that_name() {
    let env = TestEnv::new("responses");
    let seen = tempfile::tempdir().unwrap();
    let input = seen.path().join("input.json");
    claude_kit_with_hooks(
        &env,
        &json!({"hooks": {"PreToolUse": [{"matcher": CLAUDE_NAME, "hooks": [
            {"type": "command", "command": format!("cat > '{}'; exit 2", input.display())}
        ]}]}}),
    );
    for args in [
        &["hooks", "trust"][..],
        &["plugins", "enable", "claude-kit"],
    ] {
        let r = run(&env, args);
        assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
    }
    env.server.push_all([
        Reply::tool_call("c1", QUIRE_NAME, json!({"text": "hi"})),
        Reply::text("done"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "use the echo tool"]);
    isolate(&env, &mut cmd);
    cmd.env("QUIRE_TEST_MCP_SERVER", test_server());
    let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&input).expect("the hook ran");
    let sent: serde_json::Value = serde_json::from_str(&text).expect("JSON input");
    assert_eq!(sent["tool_name"], CLAUDE_NAME, "{sent}");
    assert_eq!(sent["quire_tool_name"], QUIRE_NAME, "{sent}");
}
