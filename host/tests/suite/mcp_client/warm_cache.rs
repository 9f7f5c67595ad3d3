//! A session started with a warm tool-list cache tells the model the same
//! as one that waited for its servers: the servers' instructions after the
//! first message, and the tools in the same order.

use super::exec::{server_toml, tool_names};
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

const GUIDE: &str = "Pass ticket ids as numbers, never strings.";

#[test]
fn a_servers_instructions_reach_every_session_whether_or_not_its_list_was_cached() {
    let config = server_toml(
        "guide",
        &["--slow-start", "400", "--instructions", GUIDE],
        "",
    );
    let env = TestEnv::with_config("chat", &config);
    for (session, waits) in [(0, true), (1, false)] {
        env.server.push(Reply::text("ok"));
        let run = env.exec_json("hello", &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            run.of_type("mcp_waiting").len(),
            usize::from(waits),
            "session {session}: {}",
            run.stdout
        );
        let body = env.server.requests()[session].body.to_string();
        assert!(
            body.contains(&format!("# MCP servers\\nWhat the servers say about using their tools:\\n\\n## guide\\n{GUIDE}")),
            "session {session}'s first request lacks the instructions: {body}"
        );
    }
}

#[test]
fn two_sessions_with_the_same_setup_send_the_tools_in_the_same_order() {
    // `alpha` comes up after `beta` when started, but is read first from
    // the cache: the order the registry learns the tools differs.
    let config = [
        server_toml("alpha", &["--slow-start", "600", "--tools", "20"], ""),
        server_toml("beta", &[], ""),
    ]
    .concat();
    let env = TestEnv::with_config("chat", &config);
    let mut lists = Vec::new();
    for session in 0..2 {
        env.server.push(Reply::text("ok"));
        let run = env.exec_json("echo the text back", &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            run.of_type("mcp_waiting").is_empty(),
            session == 1,
            "only the first session waits: {}",
            run.stdout
        );
        lists.push(tool_names(&env.server.requests()[session].body));
    }
    let first = &lists[0];
    for name in ["mcp__alpha__echo", "mcp__beta__echo", "mcp_resources"] {
        assert!(first.contains(&name.to_string()), "{name}: {first:?}");
    }
    assert_eq!(lists[0], lists[1], "the tool order of the two sessions");
}
