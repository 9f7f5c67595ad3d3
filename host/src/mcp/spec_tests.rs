use super::*;

fn write(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join(".mcp.json");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn mcp_json_servers_are_read_and_config_wins() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        r#"{"mcpServers": {
            "files": {"command": "npx", "args": ["-y", "srv"], "env": {"A": "b"}},
            "remote": {"type": "http", "url": "http://127.0.0.1:9/mcp", "headers": {"Authorization": "Bearer ${TOK}"}},
            "old": {"type": "sse", "url": "http://127.0.0.1:9/sse"},
            "mine": {"command": "ignored", "oauth": {}}
        }}"#,
    );
    let mut servers = McpServers::default();
    servers
        .0
        .insert("mine".into(), McpServerConfig::stdio("real", vec![]));
    let (specs, warnings) = load(&servers, Some(dir.path()), dir.path()).unwrap();
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["mine", "files", "remote"]);
    assert_eq!(specs[0].describe(), "real");
    assert_eq!(specs[1].describe(), "npx -y srv");
    assert!(matches!(specs[2].transport, Transport::Http { .. }));
    let w = warnings.join("\n");
    assert!(w.contains("mcpServers.old: type \"sse\""), "{w}");
    assert!(w.contains("mcpServers.mine.oauth: unknown key"), "{w}");
    assert!(w.contains("config.toml entry is used"), "{w}");
}

#[test]
fn mcp_json_errors_name_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("{", "is not valid JSON"),
        (
            r#"{"mcpServers": {"a": {"command": 1}}}"#,
            "mcpServers.a.command must be a string",
        ),
        (
            r#"{"mcpServers": {"a": {"type": "ws", "url": "http://h"}}}"#,
            "mcpServers.a.type: unknown transport",
        ),
        (
            r#"{"mcpServers": {"a": {"type": "http"}}}"#,
            "mcpServers.a: type \"http\" needs a url",
        ),
        (
            r#"{"mcpServers": {"x__y": {"command": "srv"}}}"#,
            "MCP server name 'x__y' may not contain '__'",
        ),
        (
            r#"{"mcpServers": {"a": {"comand": "srv"}}}"#,
            "needs command (a stdio server) or url (a streamable-HTTP server) (unknown keys here: \"comand\"; did you mean 'command'?)",
        ),
    ];
    for (text, want) in cases {
        write(dir.path(), text);
        let err = load(&McpServers::default(), Some(dir.path()), dir.path()).unwrap_err();
        assert!(
            err.contains(".mcp.json") && err.contains(want),
            "{text}: {err}"
        );
    }
}

#[test]
fn env_references_expand_and_missing_ones_name_the_key() {
    // SAFETY: tests in this module set distinct variables only.
    unsafe { std::env::set_var("QUIRE_SPEC_TEST_TOKEN", "s3cret") };
    assert_eq!(
        expand("Bearer ${QUIRE_SPEC_TEST_TOKEN}", "k").unwrap(),
        "Bearer s3cret"
    );
    assert_eq!(
        expand("${QUIRE_SPEC_TEST_UNSET:-dflt}/x", "k").unwrap(),
        "dflt/x"
    );
    let err = expand("${QUIRE_SPEC_TEST_UNSET}", "mcp_servers.a.headers.X").unwrap_err();
    assert!(err.contains("mcp_servers.a.headers.X") && err.contains("QUIRE_SPEC_TEST_UNSET"));
    let mut c = McpServerConfig::http("http://127.0.0.1:1/mcp");
    c.headers
        .insert("X-Key".into(), "${QUIRE_SPEC_TEST_UNSET}".into());
    let spec = ServerSpec::new("remote", Source::Config, &c, Path::new("/"));
    let err = spec.resolved_transport().unwrap_err();
    assert!(err.contains("mcp_servers.remote.headers.X-Key"), "{err}");
}

#[test]
fn tool_filters_and_relative_cwd() {
    let mut c = McpServerConfig::stdio("srv", vec![]);
    c.enabled_tools = Some(vec!["a".into(), "b".into()]);
    c.disabled_tools = vec!["b".into()];
    c.cwd = Some("sub".into());
    let spec = ServerSpec::new("s", Source::Config, &c, Path::new("/repo"));
    assert!(spec.allows("a") && !spec.allows("b") && !spec.allows("c"));
    match &spec.transport {
        Transport::Stdio { cwd, .. } => assert_eq!(cwd, Path::new("/repo/sub")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn servers_whose_tool_names_would_meet_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        r#"{"mcpServers": {"my srv": {"command": "b"}}}"#,
    );
    let mut servers = McpServers::default();
    servers
        .0
        .insert("my-srv".into(), McpServerConfig::stdio("a", vec![]));
    servers
        .0
        .insert("my_srv".into(), McpServerConfig::stdio("a", vec![]));
    let err = load(&servers, Some(dir.path()), dir.path()).unwrap_err();
    assert!(
        err.contains("'my_srv' and 'my srv' would both name their tools mcp__my_srv__TOOL"),
        "{err}"
    );
}

#[test]
fn servers_differing_by_a_trailing_underscore_are_refused() {
    let mut servers = McpServers::default();
    for n in ["x", "x_"] {
        servers
            .0
            .insert(n.into(), McpServerConfig::stdio("a", vec![]));
    }
    let err = load(&servers, None, Path::new("/")).unwrap_err();
    assert!(
        err.contains("'x' and 'x_' differ only by a trailing '_'"),
        "{err}"
    );
}

/// A `.mcp.json` server reads variables in every string, a config.toml
/// one only in its header and `env` values; errors about it show what is
/// written.
#[test]
fn variables_read_and_their_values_hidden_from_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        r#"{"mcpServers": {
            "web": {"type": "http", "url": "http://h/mcp?k=${QUIRE_SPEC_TEST_PATH_VAR}", "headers": {"A": "${X_ONE:-d}"}},
            "run": {"command": "${C}", "args": ["${D}"], "env": {"E": "${F}"}}
        }}"#,
    );
    let mut config = McpServerConfig::stdio("c", vec!["${NOT_READ}".into()]);
    config.env.insert("K".into(), "${ENV_READ}".into());
    let mut warnings = Vec::new();
    let servers = read_mcp_json(&path, &mut warnings).unwrap();
    let spec = |name: &str| {
        let (_, c) = servers.iter().find(|(n, _)| n == name).unwrap();
        ServerSpec::new(name, Source::McpJson(path.clone()), c, dir.path())
    };
    assert_eq!(
        spec("web").env_read(),
        ["QUIRE_SPEC_TEST_PATH_VAR", "X_ONE"]
    );
    assert_eq!(spec("run").env_read(), ["C", "D", "F"]);
    let own = ServerSpec::new("own", Source::Config, &config, dir.path());
    // Its args are not expanded; its `env` is, as a `.mcp.json` one's.
    assert_eq!(own.env_read(), ["ENV_READ"]);
    // PATH is set in any test environment: its value stands in for a key.
    let web = ServerSpec {
        transport: Transport::Http {
            url: "http://h/mcp?k=${PATH}".into(),
            headers: BTreeMap::new(),
        },
        ..spec("web")
    };
    let path_value = std::env::var("PATH").unwrap();
    let shown = web.redact(&format!(
        "cannot connect to http://h/mcp?k={path_value}: no"
    ));
    assert_eq!(shown, "cannot connect to http://h/mcp?k=${PATH}: no");
}
