//! Depth limit and token budget.

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

use super::{PARENT, spawn, support};

fn tool_names(req: &support::model_server::Recorded) -> Vec<String> {
    req.body["tools"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn children_at_the_depth_limit_cannot_spawn() {
    let env = TestEnv::with_config("responses", "[agents]\nmax_depth = 1\n");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn("s1", "CHILD-D look")]),
            Reply::text("ok"),
        ],
    );
    env.server.route("CHILD-D", [Reply::text("looked")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    let parent = reqs.iter().find(|r| r.raw_body.contains(PARENT)).unwrap();
    let child = reqs
        .iter()
        .find(|r| !r.raw_body.contains(PARENT) && r.raw_body.contains("CHILD-D"))
        .unwrap();
    assert!(tool_names(parent).contains(&"spawn_agent".to_string()));
    let names = tool_names(child);
    assert!(names.contains(&"shell".to_string()), "{names:?}");
    assert!(
        !names.contains(&"spawn_agent".to_string()),
        "depth 1 is the limit: {names:?}"
    );
}

#[test]
fn a_child_over_its_budget_is_asked_to_finish_then_stopped() {
    // Each response reports 120 tokens: over 150 after the second.
    let env = TestEnv::with_config("responses", "[agents]\nmax_tokens = 150\n");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn("s1", "CHILD-E work forever")]),
            Reply::text("it stopped"),
        ],
    );
    let call = || Reply::tool_call("c", "shell", json!({"command": "true"}));
    env.server
        .route("CHILD-E", [call(), call(), call(), call()]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("agent_completed");
    assert_eq!(done.len(), 1);
    assert_eq!(done[0]["status"], "budget", "{}", done[0]);
    let child_reqs: Vec<_> = env
        .server
        .requests()
        .into_iter()
        .filter(|r| !r.raw_body.contains(PARENT) && r.raw_body.contains("CHILD-E"))
        .collect();
    assert_eq!(child_reqs.len(), 3, "asked to finish once, then stopped");
    assert!(child_reqs[2].raw_body.contains("token budget"));
    assert!(!child_reqs[1].raw_body.contains("token budget"));
}
