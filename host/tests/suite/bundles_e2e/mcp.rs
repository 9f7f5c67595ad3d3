//! A plugin's MCP server: off after install, used as
//! `mcp__PLUGIN_SERVER__tool` once enabled.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{copy_dir, fixture, isolate, run};

/// The MCP test server (examples/mcp_test_server.rs), built on first use.
pub(super) fn test_server() -> PathBuf {
    let status = super::support::shell_cargo::cargo()
        .args(["build", "-q", "-p", "quire", "--example", "mcp_test_server"])
        .status()
        .expect("run cargo");
    assert!(status.success(), "building the MCP test server failed");
    let exe = std::env::current_exe().expect("test executable");
    let debug = exe.parent().and_then(Path::parent).expect("target/debug");
    debug.join("examples").join("mcp_test_server")
}

#[test]
fn a_plugins_mcp_server_is_off_until_enabled_then_its_tools_are_namespaced() {
    off_until_enabled_then_namespaced("claude-kit", "mcp__claude-kit_echo__echo");
}

/// The same through Codex's layout (`.codex-plugin/plugin.json` naming
/// its `.mcp.json` in `mcpServers`).
#[test]
fn a_codex_plugins_mcp_server_is_off_until_enabled_then_its_tools_are_namespaced() {
    off_until_enabled_then_namespaced("codex-kit", "mcp__codex-kit_tips__echo");
}

fn off_until_enabled_then_namespaced(plugin: &str, name: &str) {
    let env = TestEnv::new("responses");
    copy_dir(
        &fixture(plugin),
        &env.repo_path().join(".agents/plugins").join(plugin),
    );
    let server = test_server();
    let exec = |prompt: &str| {
        let mut cmd = env.command(&["exec", "--json", prompt]);
        isolate(&env, &mut cmd);
        cmd.env("QUIRE_TEST_MCP_SERVER", &server);
        super::support::quire::finish(cmd.spawn().expect("spawn quire"))
    };
    env.server.push(Reply::text("nothing to call"));
    let r = exec("first");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = env.server.requests()[0].raw_body.clone();
    assert!(!first.contains(name), "a disabled server's tools were sent");

    let r = run(&env, &["plugins", "enable", plugin]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    env.server.push_all([
        Reply::tool_call("c1", name, json!({"text": "from the plugin"})),
        Reply::text("done"),
    ]);
    let r = exec("second");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let requests = env.server.requests();
    let last = &requests[requests.len() - 1].raw_body;
    assert!(last.contains("echo: from the plugin"), "{last}");
}
