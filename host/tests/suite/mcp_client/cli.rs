//! `quire mcp add|list|tools|remove` with the real binary.

use serde_json::Value;

use super::peers::test_server;
use super::support::quire::TestEnv;

#[test]
fn add_list_tools_and_remove() {
    let env = TestEnv::new("responses");
    let srv = test_server().display().to_string();
    let run = env.run(&["mcp", "add", "good", "--", &srv, "--tools", "3"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("added MCP server 'good'"),
        "{}",
        run.stdout
    );
    assert_eq!(
        env.run(&["mcp", "add", "bad", "--", &srv, "--exit-at-start"])
            .code,
        0
    );
    assert_eq!(
        env.run(&["mcp", "add", "web", "--url", "http://127.0.0.1:1/mcp"])
            .code,
        0
    );
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(
        config.contains("provider = \"test\""),
        "the rest of the file is kept: {config}"
    );
    assert!(config.contains("[mcp_servers.good]"), "{config}");

    let run = env.run(&["mcp", "list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.stdout;
    assert!(out.contains("good  ready  15 tools"), "{out}");
    assert!(out.contains("bad  failed  0 tools"), "{out}");
    assert!(
        out.contains("last error: the server exited with status 3"),
        "{out}"
    );
    assert!(
        out.contains("    fatal: the database is locked"),
        "stderr tail: {out}"
    );
    assert!(
        out.contains("web  failed") && out.contains("cannot connect to http://127.0.0.1:1/mcp"),
        "{out}"
    );

    let run = env.run(&["mcp", "list", "--json"]);
    let rows: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    let good = rows.iter().find(|r| r["name"] == "good").unwrap();
    assert_eq!(
        (good["state"].as_str(), good["tools"].as_u64()),
        (Some("ready"), Some(15))
    );
    let bad = rows.iter().find(|r| r["name"] == "bad").unwrap();
    assert!(
        bad["stderr"]
            .as_str()
            .unwrap()
            .contains("fatal: the database is locked")
    );

    let run = env.run(&["mcp", "tools", "good"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("mcp__good__echo (on the server: echo) [read-only]\n  Echoes the text back."),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("input schema:") && run.stdout.contains("\"text\""),
        "{}",
        run.stdout
    );
    let run = env.run(&["mcp", "tools", "good", "--json"]);
    let tools: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(tools.len(), 15);
    assert_eq!(tools[0]["input_schema"]["required"][0], "text");
    let run = env.run(&["mcp", "tools", "bad"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("fatal: the database is locked"),
        "{}",
        run.stderr
    );
    let run = env.run(&["mcp", "tools", "nope"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no MCP server 'nope'; configured: bad, good, web"),
        "{}",
        run.stderr
    );

    assert_eq!(env.run(&["mcp", "remove", "bad"]).code, 0);
    let run = env.run(&["mcp", "remove", "bad"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no MCP server 'bad'"), "{}", run.stderr);
    let run = env.run(&["mcp", "list"]);
    assert!(!run.stdout.contains("bad"), "{}", run.stdout);
}

#[test]
fn add_refuses_what_it_cannot_write() {
    let env = TestEnv::new("responses");
    let srv = test_server().display().to_string();
    assert_eq!(env.run(&["mcp", "add", "a", "--", &srv]).code, 0);
    let cases: [(&[&str], &str); 7] = [
        (&["mcp", "add", "a", "--", &srv], "already"),
        (&["mcp", "add", "b"], "quire mcp add b -- CMD ARGS..."),
        (
            &["mcp", "add", "b", "--url", "ftp://x"],
            "mcp_servers.b.url must be an http:// or https:// URL",
        ),
        (&["mcp", "add", "b.c", "--", &srv], "may not contain dots"),
        // One rule on add: what the message says is what is checked.
        (
            &["mcp", "add", "../x", "--", &srv],
            "use letters, digits, '-' and '_'",
        ),
        (
            &["mcp", "add", "bad name!", "--", &srv],
            "'bad name!' is not a usable MCP server name: use letters, digits, '-' and '_'",
        ),
        (
            &["mcp", "add", "b", "--url", "http://h", "--env", "A=1"],
            "--env is for stdio servers",
        ),
    ];
    for (args, want) in cases {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{args:?}: {}", run.stderr);
    }
    let config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    assert!(!config.contains("bad name"), "{config}");
}

/// `my_srv` then `my_srv_`: their tool names could meet, which loading
/// refuses; `add` refuses the second before writing, so quire keeps working.
#[test]
fn add_refuses_a_name_whose_tools_would_meet_another_servers() {
    let env = TestEnv::new("responses");
    let srv = test_server().display().to_string();
    assert_eq!(env.run(&["mcp", "add", "my_srv", "--", &srv]).code, 0);
    let path = env.home.path().join("config.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    let run = env.run(&["mcp", "add", "my_srv_", "--", &srv]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the MCP server name 'my_srv_' and the configured server 'my_srv' differ only by a trailing '_'"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let run = env.run(&["mcp", "list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn doctor_quotes_a_hand_written_server_name_in_its_fix() {
    let env = TestEnv::new("responses");
    let path = env.home.path().join("config.toml");
    let mut config = std::fs::read_to_string(&path).unwrap();
    config.push_str("\n[mcp_servers.\"bad name!\"]\ncommand = \"/bin/false\"\n");
    std::fs::write(&path, config).unwrap();
    let run = env.run(&["doctor"]);
    assert!(
        run.stdout.contains("(`quire mcp remove 'bad name!'`)"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

/// A server listing one tool quire cannot read (an `inputSchema` that is
/// not an object) keeps its other tools; `mcp list` names the one left out.
#[test]
fn a_tool_that_cannot_be_read_is_skipped_by_name_and_the_server_stays_ready() {
    let env = TestEnv::new("responses");
    let script = env.home.path().join("odd_server.py");
    std::fs::write(
        &script,
        r#"import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    if msg["method"] == "initialize":
        result = {"protocolVersion": msg["params"]["protocolVersion"],
                  "capabilities": {"tools": {}}, "serverInfo": {"name": "odd", "version": "1"}}
    elif msg["method"] == "tools/list":
        result = {"tools": [{"name": "good", "inputSchema": {"type": "object"}},
                            {"name": "bad", "inputSchema": "notobject"}]}
    else:
        result = {}
    print(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}), flush=True)
"#,
    )
    .unwrap();
    let run = env.run(&[
        "mcp",
        "add",
        "odd",
        "--",
        "python3",
        &script.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.run(&["mcp", "list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("odd  ready  1 tool"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("skipped: tool 'bad' cannot be used: invalid type: string \"notobject\""),
        "{}",
        run.stdout
    );
}
