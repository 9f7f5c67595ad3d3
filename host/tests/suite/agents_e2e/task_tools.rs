//! Claude Code's `Task` (or `Agent`) in a definition's `tools` is quire's
//! whole subagent family: a child given it can start a background child
//! and wait for it, not only start one.

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

use super::{PARENT, spawn_with, support};

#[test]
fn an_agent_with_tools_task_can_wait_for_its_background_children() {
    let env = TestEnv::new("responses");
    env.write(
        ".claude/agents/lead.md",
        "---\nname: lead\ndescription: delegates\ntools: Read, Task\n---\nLEAD\n",
    );
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-LEAD split the work", "agent_type": "lead"}),
            )]),
            Reply::text("done"),
        ],
    );
    env.server.route(
        "CHILD-LEAD",
        [
            Reply::tool_calls(vec![spawn_with(
                "g1",
                json!({"task": "GRAND-MARK count", "background": true}),
            )]),
            Reply::tool_call("w1", "wait_agents", json!({})),
            Reply::text("lead done"),
        ],
    );
    env.server
        .route("GRAND-MARK", [Reply::text("grand answer")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    let child = reqs
        .iter()
        .find(|r| r.raw_body.contains("CHILD-LEAD") && !r.raw_body.contains(PARENT))
        .expect("the child's request");
    let tools: Vec<&str> = child.body["tools"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    for t in [
        "read_file",
        "spawn_agent",
        "wait_agents",
        "send_agent",
        "close_agent",
    ] {
        assert!(tools.contains(&t), "{t} missing: {tools:?}");
    }
    assert!(!tools.contains(&"shell"), "{tools:?}");
    let waited = run
        .of_type("tool_completed")
        .into_iter()
        .find(|e| e["call_id"] == "w1")
        .unwrap_or_else(|| panic!("no wait_agents result: {}", run.stdout));
    assert_eq!(waited["is_error"], false, "{waited}");
    let out = waited["output"].as_str().unwrap_or_default();
    assert!(out.contains("grand answer"), "{out}");
}
