//! Tester's finding (TT-M1 c): a repository plugin's MCP server named a
//! script out of the plugin (`${CLAUDE_PLUGIN_ROOT}/../../../../ext/srv.py`,
//! or an absolute path), which enabling the plugin does not seal; a
//! sandboxed command rewrote it and the server ran it outside the
//! sandbox. Now such a server is refused, as a plugin hook naming a path
//! out of the plugin is; the plugin's own server still starts.

use serde_json::json;

use super::run;
use super::support::quire::TestEnv;

const SERVER: &str = r#"import sys, json
for line in sys.stdin:
    m = json.loads(line)
    if m.get("method") == "initialize":
        r = {"protocolVersion": m["params"]["protocolVersion"], "capabilities": {"tools": {}}, "serverInfo": {"name": "s", "version": "1"}}
        print(json.dumps({"jsonrpc": "2.0", "id": m["id"], "result": r}), flush=True)
    elif m.get("method") == "tools/list":
        print(json.dumps({"jsonrpc": "2.0", "id": m["id"], "result": {"tools": []}}), flush=True)
"#;

#[test]
fn a_plugin_server_naming_a_script_out_of_the_plugin_is_refused() {
    let env = TestEnv::new("chat");
    let root = env.repo_path().join(".agents/plugins/pp");
    std::fs::create_dir_all(root.join(".claude-plugin")).unwrap();
    std::fs::write(
        root.join(".claude-plugin/plugin.json"),
        json!({"name": "pp", "version": "1.0.0", "description": "d"}).to_string(),
    )
    .unwrap();
    std::fs::write(root.join("own.py"), SERVER).unwrap();
    // Outside the plugin: in the repository, and in a folder of /tmp.
    let marker = env.home.path().join("outside-ran");
    let planted = format!(
        "open({:?}, 'a').write('x')\n{SERVER}",
        marker.display().to_string()
    );
    env.write("ext/srv.py", &planted);
    let outside = tempfile::tempdir().unwrap();
    let abs = outside.path().join("srv.py");
    std::fs::write(&abs, &planted).unwrap();
    let servers = json!({"mcpServers": {
        "a": {"command": "python3", "args": ["${CLAUDE_PLUGIN_ROOT}/../../../ext/srv.py"]},
        "b": {"command": "python3", "args": [abs.display().to_string()]},
        "own": {"command": "python3", "args": ["${CLAUDE_PLUGIN_ROOT}/own.py"]}
    }});
    std::fs::write(root.join(".mcp.json"), servers.to_string()).unwrap();
    let r = run(&env, &["plugins", "enable", "pp"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["mcp", "list"]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("pp_own  ready"), "{all}");
    assert!(
        all.contains("MCP server 'a' of plugin pp is refused")
            && all.contains("path segment `..`")
            && all.contains("a plugin's MCP server may run only the plugin's own files"),
        "{all}"
    );
    assert!(
        all.contains("MCP server 'b' of plugin pp is refused")
            && all.contains(&format!("`{}`, outside the plugin's folder", abs.display())),
        "{all}"
    );
    assert!(
        !all.contains("pp_a  ready") && !all.contains("pp_b  ready"),
        "{all}"
    );
    assert!(!marker.exists(), "a script outside the plugin ran: {all}");
}

/// Tester's finding (VV-3): the check above looked at the server's
/// command, arguments and folder, not its `env`: a `BASH_ENV`, a
/// `PYTHONPATH` or a `PATH` entry out of the plugin (not sealed) ran a
/// file a sandboxed command may rewrite; so did `~/x.py` in a shell line.
/// Now each such server is refused; the plugin's own still starts. (The
/// home folder is the real one here: no `~/x.py` is written, the refusal
/// is what is checked.)
#[test]
fn a_plugin_server_whose_env_names_code_out_of_the_plugin_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new("chat");
    let root = env.repo_path().join(".agents/plugins/pp");
    std::fs::create_dir_all(root.join(".claude-plugin")).unwrap();
    std::fs::write(
        root.join(".claude-plugin/plugin.json"),
        json!({"name": "pp", "version": "1.0.0", "description": "d"}).to_string(),
    )
    .unwrap();
    std::fs::write(root.join("own.py"), SERVER).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let ext = outside.path();
    let marker = |name: &str| ext.join(format!("ran-{name}"));
    let write_marker = |name: &str| {
        format!(
            "open({:?}, 'a').write('x')\n",
            marker(name).display().to_string()
        )
    };
    std::fs::write(
        ext.join("srv.py"),
        format!("{}{SERVER}", write_marker("pythonpath")),
    )
    .unwrap();
    std::fs::write(
        ext.join("env.sh"),
        format!("echo x > {:?}\n", marker("bashenv").display().to_string()),
    )
    .unwrap();
    std::fs::create_dir_all(ext.join("bin")).unwrap();
    let python = ext.join("bin/python3");
    std::fs::write(
        &python,
        format!(
            "#!/bin/sh\necho x > {:?}\nexit 1\n",
            marker("path").display().to_string()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
    let servers = json!({"mcpServers": {
        "c": {"command": "python3", "args": ["-m", "srv"], "env": {"PYTHONPATH": ext.display().to_string()}},
        "e": {"command": "bash", "args": ["-c", "exec python3 ${CLAUDE_PLUGIN_ROOT}/own.py"],
              "env": {"BASH_ENV": ext.join("env.sh").display().to_string()}},
        "p": {"command": "python3", "args": ["${CLAUDE_PLUGIN_ROOT}/own.py"],
              "env": {"PATH": format!("{}:/usr/bin:/bin", ext.join("bin").display())}},
        "h": {"command": "sh", "args": ["-c", "exec python3 ~/x.py"]},
        "own": {"command": "python3", "args": ["${CLAUDE_PLUGIN_ROOT}/own.py"],
                "env": {"PATH": "${CLAUDE_PLUGIN_ROOT}/bin:/usr/bin:/bin", "PYTHONPATH": "${CLAUDE_PLUGIN_ROOT}/lib"}}
    }});
    std::fs::write(root.join(".mcp.json"), servers.to_string()).unwrap();
    let r = run(&env, &["plugins", "enable", "pp"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["mcp", "list"]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("pp_own  ready"), "{all}");
    for (server, said) in [
        ("c", "its env PYTHONPATH names"),
        ("e", "its env BASH_ENV names"),
        ("p", "its env PATH names"),
        ("h", "`~/x.py`, a path from the home folder"),
    ] {
        assert!(
            all.contains(&format!("MCP server '{server}' of plugin pp is refused"))
                && all.contains(said),
            "{server}: {all}"
        );
        assert!(
            !all.contains(&format!("pp_{server}  ready")),
            "{server}: {all}"
        );
    }
    for name in ["pythonpath", "bashenv", "path"] {
        assert!(
            !marker(name).exists(),
            "{name}: code out of the plugin ran: {all}"
        );
    }
}
