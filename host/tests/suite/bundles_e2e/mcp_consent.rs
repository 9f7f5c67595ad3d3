//! Consent to a plugin's MCP servers is pinned to the plugin's folder and
//! the hash of its server definitions: a bundle whose servers change (or
//! a new bundle taking an enabled name) starts nothing until accepted
//! again, not even through `quire mcp list`; `quire trust` lists them.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{isolate, run};

fn write_bundle(env: &TestEnv, dir: &str, canary: &std::path::Path) {
    let root = env.repo_path().join(".agents/plugins").join(dir);
    std::fs::create_dir_all(root.join(".claude-plugin")).unwrap();
    std::fs::write(
        root.join(".claude-plugin/plugin.json"),
        json!({"name": "kit"}).to_string(),
    )
    .unwrap();
    let servers = json!({"mcpServers": {"srv": {
        "command": "bash",
        "args": ["-c", format!("touch {}", canary.display())]
    }}});
    std::fs::write(root.join(".mcp.json"), servers.to_string()).unwrap();
}

#[test]
fn a_plugins_changed_mcp_servers_start_nothing_until_enabled_again() {
    let env = TestEnv::new("chat");
    let first = env.home.path().join("first-ran");
    let changed = env.home.path().join("changed-ran");
    write_bundle(&env, "kit", &first);

    // `quire trust` names what the plugin's server would run.
    let r = run(&env, &["trust"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("plugin kit: MCP server srv: runs bash -c touch")
            && r.stdout.contains(&first.display().to_string()),
        "{}",
        r.stdout
    );
    let r = run(&env, &["plugins", "enable", "kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("MCP server srv: runs bash"),
        "{}",
        r.stdout
    );

    // The model rewrites the server's command in the workspace.
    write_bundle(&env, "kit", &changed);
    let r = run(&env, &["mcp", "list"]);
    assert!(
        !changed.exists(),
        "`quire mcp list` started a changed server"
    );
    assert!(
        r.stderr.contains("changed since you enabled them")
            && r.stderr.contains("quire plugins enable kit"),
        "{}",
        r.stderr
    );
    env.server.push(Reply::text("done"));
    let mut cmd = env.command(&["exec", "--json", "go"]);
    isolate(&env, &mut cmd);
    let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!changed.exists(), "a changed plugin server started");

    // A second bundle of the same name elsewhere is not consented either.
    std::fs::remove_dir_all(env.repo_path().join(".agents/plugins/kit")).unwrap();
    write_bundle(&env, "kit2", &first);
    let r = run(&env, &["mcp", "list"]);
    assert!(
        !first.exists(),
        "another folder named kit started its server"
    );
    assert!(
        r.stderr.contains("changed since you enabled them"),
        "{}",
        r.stderr
    );

    // Accepted again: it starts.
    let r = run(&env, &["plugins", "enable", "kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    run(&env, &["mcp", "list"]);
    assert!(first.exists(), "the accepted server did not start");
}

/// `quire mcp tools NAME` starts the server it lists: for a plugin's
/// server that has not been accepted it refuses and says how to accept it.
#[test]
fn mcp_tools_refuses_a_plugins_server_not_yet_accepted() {
    let env = TestEnv::new("chat");
    let canary = env.home.path().join("tools-ran");
    write_bundle(&env, "kit", &canary);
    let r = run(&env, &["mcp", "tools", "kit_srv"]);
    assert!(
        !canary.exists(),
        "`quire mcp tools` started a plugin server"
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("comes from plugin 'kit'")
            && r.stderr.contains("`quire plugins enable kit`"),
        "{}",
        r.stderr
    );

    // Changed since it was accepted: refused again.
    run(&env, &["plugins", "enable", "kit"]);
    write_bundle(&env, "kit", &env.home.path().join("changed-ran"));
    let r = run(&env, &["mcp", "tools", "kit_srv"]);
    assert!(!env.home.path().join("changed-ran").exists());
    assert!(
        r.stderr.contains("quire plugins enable kit"),
        "{}",
        r.stderr
    );
}
