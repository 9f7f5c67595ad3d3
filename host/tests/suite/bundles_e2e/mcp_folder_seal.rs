//! An enabled plugin's MCP server runs every file of the plugin's folder
//! as the user enabled it: a module its script imports, edited since (by a
//! sandboxed command), stops the server with a message naming the file,
//! as a trusted repository's own server is stopped. A server of an enabled
//! plugin held back because it drifted from quire.lock is listed with why.

use std::path::Path;

use serde_json::json;

use super::support::quire::TestEnv;
use super::{isolate, run};

/// A Python MCP server that imports `helper` beside it (which may run
/// anything).
const SERVER: &str = r#"import sys, json, helper
for line in sys.stdin:
    m = json.loads(line)
    if m.get("method") == "initialize":
        r = {"protocolVersion": m["params"]["protocolVersion"], "capabilities": {"tools": {}}, "serverInfo": {"name": "s", "version": "1"}}
        print(json.dumps({"jsonrpc": "2.0", "id": m["id"], "result": r}), flush=True)
    elif m.get("method") == "tools/list":
        print(json.dumps({"jsonrpc": "2.0", "id": m["id"], "result": {"tools": []}}), flush=True)
"#;

fn write_plugin(root: &Path) {
    std::fs::create_dir_all(root.join(".claude-plugin")).unwrap();
    std::fs::write(
        root.join(".claude-plugin/plugin.json"),
        json!({"name": "kit", "version": "1.0.0", "description": "d"}).to_string(),
    )
    .unwrap();
    std::fs::write(root.join("server.py"), SERVER).unwrap();
    std::fs::write(root.join("helper.py"), "X = 1\n").unwrap();
    let servers = json!({"mcpServers": {"srv": {
        "command": "python3",
        "args": ["${CLAUDE_PLUGIN_ROOT}/server.py"]
    }}});
    std::fs::write(root.join(".mcp.json"), servers.to_string()).unwrap();
}

/// `quire mcp list` as Python would run it anywhere: writing
/// `__pycache__` unless told not to.
fn mcp_list(env: &TestEnv) -> super::support::quire::Run {
    let mut cmd = env.command(&["mcp", "list"]);
    isolate(env, &mut cmd);
    cmd.env_remove("PYTHONDONTWRITEBYTECODE");
    super::support::quire::finish(cmd.spawn().expect("spawn quire"))
}

/// The server starts, and starts again: its own start leaves nothing that
/// stops the next.
fn ready_twice(env: &TestEnv) {
    for _ in 0..2 {
        let r = mcp_list(env);
        assert!(
            r.stdout.contains("kit_srv  ready"),
            "{}{}",
            r.stdout,
            r.stderr
        );
    }
}

#[test]
fn an_edited_helper_module_of_a_plugins_server_stops_it_until_enabled_again() {
    let env = TestEnv::new("chat");
    let root = env.repo_path().join(".agents/plugins/kit");
    write_plugin(&root);
    let r = run(&env, &["plugins", "enable", "kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Started twice: its own start leaves nothing that stops the next.
    ready_twice(&env);
    assert!(!root.join("__pycache__").exists());

    // A sandboxed command rewrites the module the server imports.
    let canary = env.home.path().join("helper-ran");
    std::fs::write(
        root.join("helper.py"),
        format!("open({:?}, 'w').write('x')\n", canary.display().to_string()),
    )
    .unwrap();
    let r = mcp_list(&env);
    assert!(!canary.exists(), "the edited helper ran: {}", r.stdout);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        all.contains("kit_srv  failed")
            && all.contains("MCP server 'kit_srv' is not started: helper.py changed since you enabled plugin 'kit'")
            && all.contains("run `quire plugins enable kit` to start the server again"),
        "{all}"
    );

    // Enabled again (the user read the change): it starts.
    std::fs::write(root.join("helper.py"), "X = 2\n").unwrap();
    let r = run(&env, &["plugins", "enable", "kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = mcp_list(&env);
    assert!(
        r.stdout.contains("kit_srv  ready"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn an_enabled_server_of_a_drifted_plugin_is_listed_with_why() {
    let env = TestEnv::new("chat");
    let src = env.home.path().join("plsrc/kit");
    write_plugin(&src);
    let r = run(&env, &["share", "add", &src.display().to_string()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["plugins", "enable", "kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = mcp_list(&env);
    assert!(
        r.stdout.contains("kit_srv  ready"),
        "{}{}",
        r.stdout,
        r.stderr
    );

    env.write(".agents/plugins/kit/helper.py", "X = 2\n");
    let r = mcp_list(&env);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(!all.contains("no MCP servers"), "{all}");
    assert!(
        all.contains("kit_srv  failed")
            && all.contains("MCP server 'kit_srv' is not started: plugin 'kit' is held back")
            && all.contains("helper.py")
            && all.contains("quire share sync --force"),
        "{all}"
    );

    // A session says it once.
    env.server
        .push(super::support::model_server::Reply::text("done"));
    let mut cmd = env.command(&["exec", "go"]);
    isolate(&env, &mut cmd);
    let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("'kit_srv' is not started").count(),
        1,
        "{}",
        r.stderr
    );
}

/// Tester's finding: a server that writes its own cache beside itself
/// stopped itself from the next start on, and the message said the file
/// "changed" and blamed a command. Now it says the file was added, that
/// the server may have written it, where a server keeps its data
/// (`${CLAUDE_PLUGIN_DATA}`), and that enabling accepts the folder as it
/// is; a server that writes there keeps starting.
#[test]
fn a_server_writing_into_its_own_folder_is_told_where_its_data_belongs() {
    let env = TestEnv::new("chat");
    let root = env.repo_path().join(".agents/plugins/kit");
    write_plugin(&root);
    let writes_beside = format!(
        "import os\nopen(os.path.join(os.path.dirname(__file__), 'cache.json'), 'w').write('1')\n{SERVER}"
    );
    std::fs::write(root.join("server.py"), writes_beside).unwrap();
    let r = run(&env, &["plugins", "enable", "kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = mcp_list(&env);
    assert!(
        r.stdout.contains("kit_srv  ready"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let r = mcp_list(&env);
    let all = format!("{}{}", r.stdout, r.stderr);
    let data = env.home.path().join("plugin-data/kit");
    assert!(
        all.contains("kit_srv  failed")
            && all.contains("MCP server 'kit_srv' is not started: cache.json was added since you enabled plugin 'kit'")
            && all.contains("or the server itself")
            && all.contains(&format!(
                "it should keep such data in ${{CLAUDE_PLUGIN_DATA}} ({})",
                data.display()
            ))
            && all.contains("run `quire plugins enable kit` to start the server again: it accepts the folder as it is now"),
        "{all}"
    );

    // Written where the message says: it starts every time.
    let writes_data = format!(
        "import os\nopen(os.path.join(os.environ['CLAUDE_PLUGIN_DATA'], 'cache.json'), 'w').write('1')\n{SERVER}"
    );
    std::fs::write(root.join("server.py"), writes_data).unwrap();
    std::fs::remove_file(root.join("cache.json")).unwrap();
    let r = run(&env, &["plugins", "enable", "kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    ready_twice(&env);
    assert!(data.join("cache.json").is_file());
}
