use super::*;
use serde_json::json;

fn parse(v: Value) -> Result<McpServerConfig, String> {
    McpServerConfig::from_value("mcp_servers.x", &v)
}

#[test]
fn codex_keys_are_mapped() {
    let c = parse(json!({
        "command": "npx", "args": ["-y", "srv"], "startup_timeout_ms": 20000,
        "tool_timeout_sec": 30, "env_vars": ["HTTPS_PROXY"], "enabled": false
    }))
    .unwrap();
    assert_eq!((c.startup_timeout_sec, c.tool_timeout_sec), (20.0, 30.0));
    assert!(!c.enabled);
    let h = parse(json!({
        "url": "https://mcp.example.com/mcp", "bearer_token_env_var": "MCP_TOKEN",
        "http_headers": {"X-Team": "core"}, "env_http_headers": {"X-Key": "KEY_VAR"}
    }))
    .unwrap();
    assert_eq!(h.headers["Authorization"], "Bearer ${MCP_TOKEN}");
    assert_eq!(h.headers["X-Team"], "core");
    assert_eq!(h.headers["X-Key"], "${KEY_VAR}");
    // quire's own keys win over Codex's.
    let both = parse(json!({
        "command": "a", "startup_timeout_sec": 5, "startup_timeout_ms": 20000
    }))
    .unwrap();
    assert_eq!(both.startup_timeout_sec, 5.0);
    let e = parse(json!({"command": "a", "bearer_token_env_var": "T"})).unwrap_err();
    assert!(e.contains("are for streamable-HTTP servers (url)"), "{e}");
}

#[test]
fn an_unknown_key_gets_the_closest_known_one() {
    let e = parse(json!({"command": "a", "startup_timeout": 5})).unwrap_err();
    assert!(
        e.starts_with(
            "mcp_servers.x.startup_timeout: unknown key; did you mean 'startup_timeout_sec'?"
        ),
        "{e}"
    );
    let e = parse(json!({"url": "https://h/mcp", "http_header": {"A": "b"}})).unwrap_err();
    assert!(e.contains("did you mean 'http_headers'?"), "{e}");
    let e = parse(json!({"command": "a", "flavour": 1})).unwrap_err();
    assert!(!e.contains("did you mean"), "{e}");
    assert!(e.contains("(known here: command, args"), "{e}");
}

#[test]
fn every_key_parses() {
    let c = parse(json!({
        "command": "srv", "args": ["-v"], "env": {"A": "1"}, "cwd": "sub",
        "startup_timeout_sec": 2, "tool_timeout_sec": 0.5,
        "enabled_tools": ["a"], "disabled_tools": ["b"], "required": true, "enabled": false,
        "sandbox": "workspace-write", "network": false, "unix_sockets": true
    }))
    .unwrap();
    assert_eq!(c.sandbox, Some(crate::tools::SandboxMode::WorkspaceWrite));
    assert!(!c.network);
    assert!(c.unix_sockets);
    assert_eq!(c.command.as_deref(), Some("srv"));
    assert_eq!(c.args, vec!["-v"]);
    assert_eq!(c.env["A"], "1");
    assert_eq!(c.cwd, Some(PathBuf::from("sub")));
    assert_eq!((c.startup_timeout_sec, c.tool_timeout_sec), (2.0, 0.5));
    assert_eq!(c.enabled_tools, Some(vec!["a".to_string()]));
    assert_eq!(c.disabled_tools, vec!["b"]);
    assert!(c.required && !c.enabled);
    let h = parse(json!({"url": "http://127.0.0.1:1/mcp", "headers": {"X": "${TOKEN}"}})).unwrap();
    assert_eq!(h.headers["X"], "${TOKEN}");
    assert_eq!(h.startup_timeout_sec, DEFAULT_STARTUP_TIMEOUT_SEC);
    assert_eq!(h.tool_timeout_sec, DEFAULT_TOOL_TIMEOUT_SEC);
    assert!(h.enabled && !h.required);
    assert_eq!(h.sandbox, None);
    assert!(h.network);
    assert!(!h.unix_sockets);
    let ro = parse(json!({"command": "srv", "sandbox": "read-only"})).unwrap();
    assert_eq!(ro.sandbox, Some(crate::tools::SandboxMode::ReadOnly));
    let off = parse(json!({"command": "srv", "sandbox": "danger-full-access"})).unwrap();
    assert_eq!(off.sandbox, None);
}

#[test]
fn errors_name_the_server_and_key() {
    let cases = [
        (
            json!({"command": 5}),
            "mcp_servers.x.command must be a string",
        ),
        (
            json!({"command": "a", "args": "b"}),
            "mcp_servers.x.args must be an array of strings, got string \"b\"",
        ),
        (
            json!({"command": "a", "args": ["b", 1]}),
            "mcp_servers.x.args[1] must be a string",
        ),
        (
            json!({"command": "a", "env": {"K": 1}}),
            "mcp_servers.x.env.K must be a string",
        ),
        (
            json!({"command": "a", "comand": "b"}),
            "mcp_servers.x.comand: unknown key; did you mean 'command'? (known here: command, args,",
        ),
        (
            json!({"url": "ftp://h"}),
            "mcp_servers.x.url must be an http",
        ),
        (
            json!({"command": "a", "startup_timeout_sec": 0}),
            "mcp_servers.x.startup_timeout_sec must be a number of seconds above 0",
        ),
        (
            json!({"command": "a", "tool_timeout_sec": "1"}),
            "mcp_servers.x.tool_timeout_sec must be a number",
        ),
        (
            json!({"command": "a", "required": "yes"}),
            "mcp_servers.x.required must be true or false",
        ),
        (json!({"args": []}), "mcp_servers.x: needs command"),
        (json!({"command": "a", "url": "http://h"}), "not both"),
        (
            json!({"command": "a", "headers": {"A": "b"}}),
            "mcp_servers.x.headers: headers are for",
        ),
        (json!("srv"), "mcp_servers.x must be a table"),
        (
            json!({"command": "a", "enabled_tools": ["t", {}]}),
            "mcp_servers.x.enabled_tools[1] must be a string, got a table",
        ),
        (
            json!({"command": ""}),
            "mcp_servers.x.command must not be empty",
        ),
        (
            json!({"command": "a", "sandbox": "tight"}),
            "mcp_servers.x.sandbox must be \"read-only\" or \"workspace-write\", got 'tight'",
        ),
        (
            json!({"url": "http://h", "sandbox": "read-only"}),
            "mcp_servers.x.sandbox: a sandbox confines a local process",
        ),
    ];
    for (v, want) in cases {
        let err = parse(v.clone()).unwrap_err();
        assert!(err.contains(want), "{v}: {err}");
    }
}

#[test]
fn names_are_checked() {
    assert!(check_name("github").is_ok());
    assert!(check_name("").is_err());
    assert!(check_name("a.b").unwrap_err().contains("a.b"));
    for bad in ["x__y", "__x", "a  b", "a _b"] {
        let err = check_name(bad).unwrap_err();
        assert!(err.contains("may not contain '__'"), "{bad}: {err}");
    }
    assert!(check_name("x__y").unwrap_err().contains("e.g. 'x_y'"));
    assert!(check_name("x_y").is_ok() && check_name("x_").is_ok());
    assert!(check_new_name("git-hub_2").is_ok());
    for bad in ["", "../x", "a.b", "bad name!", "a/b", "é"] {
        assert!(check_new_name(bad).is_err(), "{bad}");
    }
}
