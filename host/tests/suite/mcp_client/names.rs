//! Server names that could make two servers' tool names meet are refused
//! where they are written: `mcp__x__y__echo` must not be tool `echo` of
//! server `x__y` on one run and tool `y__echo` of server `x` on another.

use super::support::quire::TestEnv;

#[test]
fn server_names_whose_tool_names_could_meet_are_refused() {
    let env = TestEnv::new("chat");
    let run = env.run(&["mcp", "add", "x__y", "--", "true"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("MCP server name 'x__y' may not contain '__'")
            && run.stderr.contains("rename it, e.g. 'x_y'"),
        "{}",
        run.stderr
    );
    let config = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(!text.contains("x__y"), "{text}");
    // Written by hand: stops quire naming the entry.
    let with = |extra: &str| std::fs::write(&config, format!("{text}{extra}")).unwrap();
    with("\n[mcp_servers.x__y]\ncommand = \"true\"\n");
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("'x__y' may not contain '__'"),
        "{}",
        run.stderr
    );
    with("\n[mcp_servers.x]\ncommand = \"true\"\n\n[mcp_servers.x_]\ncommand = \"true\"\n");
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the MCP servers 'x' and 'x_' differ only by a trailing '_'"),
        "{}",
        run.stderr
    );
}
