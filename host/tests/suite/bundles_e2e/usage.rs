//! Each component of installed fixture bundles used by the model through
//! the real binary: the Claude Code plugin's skill (`PLUGIN:skill` through
//! the `skill` tool) and agent (`spawn_agent` with `PLUGIN:agent`), and the
//! Agent Plugins bundle's MCP server with `${PLUGIN_DATA}` expanded.

use serde_json::json;

use super::mcp::test_server;
use super::support::model_server::{Reply, Step};
use super::support::quire::{Run, TestEnv, finish};
use super::{copy_dir, fixture, isolate, run};

fn exec(env: &TestEnv, prompt: &str) -> Run {
    let mut cmd = env.command(&["exec", "--json", prompt]);
    isolate(env, &mut cmd);
    cmd.env("QUIRE_TEST_MCP_SERVER", test_server());
    let r = finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

#[test]
fn a_plugins_skill_and_agent_are_used_by_the_model() {
    let env = TestEnv::new("responses");
    copy_dir(
        &fixture("claude-kit"),
        &env.repo_path().join(".agents/plugins/claude-kit"),
    );
    env.server.route(
        "PARENT-P",
        [
            Reply::tool_call(
                "s1",
                "skill",
                json!({"action": "activate", "name": "claude-kit:diff-reader"}),
            ),
            Reply::tool_calls(vec![Step::tool_call(
                "a1",
                "spawn_agent",
                json!({"task": "CHILD-P review src", "agent_type": "claude-kit:reviewer"}),
            )]),
            Reply::text("reviewed"),
        ],
    );
    env.server.route("CHILD-P", [Reply::text("no bugs")]);
    let r = exec(&env, "PARENT-P review my diff");
    let done = r.of_type("tool_completed");
    let skill = done
        .iter()
        .find(|d| d["name"] == "skill")
        .unwrap_or_else(|| panic!("{:?}", r.events));
    assert_eq!(skill["is_error"], false, "{skill}");
    let out = skill["output"].as_str().unwrap_or_default();
    assert!(
        out.contains("Read each hunk, then say what it changes."),
        "{out}"
    );

    let spawned = r.of_type("agent_spawned");
    assert_eq!(spawned.len(), 1, "{:?}", r.events);
    assert_eq!(spawned[0]["agent_name"], "claude-kit:reviewer");
    let reqs = env.server.requests();
    let child = reqs
        .iter()
        .find(|q| q.raw_body.contains("CHILD-P") && !q.raw_body.contains("PARENT-P"))
        .expect("the child's request");
    let instructions = child.body["instructions"].as_str().unwrap_or_default();
    assert!(
        instructions.contains("You review changes. Report bugs first"),
        "{instructions}"
    );
}

#[test]
fn an_agent_plugins_mcp_server_gets_its_data_folder() {
    let env = TestEnv::new("responses");
    copy_dir(
        &fixture("ap-kit"),
        &env.repo_path().join(".agents/plugins/ap-kit"),
    );
    let r = run(&env, &["plugins", "enable", "ap-kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    env.server.push_all([
        Reply::tool_call("m1", "mcp__ap-kit_notes__echo", json!({"text": "release"})),
        Reply::text("done"),
    ]);
    let r = exec(&env, "notes");
    let done = r.of_type("tool_completed");
    assert_eq!(done.len(), 1, "{:?}", r.events);
    assert_eq!(done[0]["is_error"], false, "{:?}", done[0]);
    // `--log ${PLUGIN_DATA}/server.log`: the data folder quire made.
    let log = env.home.path().join("plugin-data/ap-kit/server.log");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(text.contains("call echo"), "{}: {text:?}", log.display());
}
