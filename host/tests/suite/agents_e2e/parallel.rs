//! Children of one response run at once (a barrier in the server only
//! answers once all are in flight) and their events carry their ids.

use support::model_server::Reply;
use support::quire::TestEnv;

use super::{PARENT, spawn, support};

#[test]
fn children_overlap_and_every_child_event_carries_its_ids() {
    let env = TestEnv::new("responses");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![
                spawn("s1", "CHILD-A count the files"),
                spawn("s2", "CHILD-B read the readme"),
                spawn("s3", "CHILD-C list the tests"),
            ]),
            Reply::text("all three answered"),
        ],
    );
    for (m, answer) in [
        ("CHILD-A", "alpha done"),
        ("CHILD-B", "beta done"),
        ("CHILD-C", "gamma done"),
    ] {
        env.server
            .route(m, [Reply::gate("kids", 3, Reply::text(answer))]);
    }
    let run = env.exec_json(&format!("{PARENT} split the work"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let started = run.of_type("session_started");
    let parent_id = started
        .iter()
        .find(|e| e.get("agent_id").is_none())
        .expect("the parent's session_started")["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let spawned = run.of_type("agent_spawned");
    assert_eq!(spawned.len(), 3);
    let completed = run.of_type("agent_completed");
    assert_eq!(completed.len(), 3);
    for c in &completed {
        assert_eq!(c["status"], "done", "{c}");
        assert_eq!(c["parent_id"], parent_id.as_str());
        assert!(c["usage"]["input_tokens"].as_u64().unwrap() > 0);
    }
    for s in &spawned {
        assert_eq!(s["parent_id"], parent_id.as_str());
        let id = s["agent_id"].as_str().unwrap();
        // The child's own events, tagged.
        let own: Vec<_> = run
            .events
            .iter()
            .filter(|e| e["agent_id"] == id && e["type"] == "turn_completed")
            .collect();
        assert_eq!(own.len(), 1, "one turn per child");
        assert_eq!(own[0]["parent_id"], parent_id.as_str());
        assert_eq!(own[0]["agent_name"], "agent");
        assert!(
            run.events
                .iter()
                .any(|e| e["agent_id"] == id && e["type"] == "text_delta"),
            "the child's text streams with its id"
        );
    }
    // Each answer reached the parent as its spawn_agent result.
    let last = env
        .server
        .requests()
        .into_iter()
        .rfind(|r| r.raw_body.contains(PARENT))
        .unwrap();
    for answer in ["alpha done", "beta done", "gamma done"] {
        assert!(
            last.raw_body.contains(answer),
            "{answer} missing from the parent's request"
        );
    }
    // The parent's total includes its children's usage.
    let turn_totals: Vec<u64> = run
        .of_type("turn_completed")
        .iter()
        .filter(|e| e.get("agent_id").is_none())
        .map(|e| e["total_usage"]["input_tokens"].as_u64().unwrap())
        .collect();
    assert_eq!(turn_totals, vec![100, 500], "2 own requests + 3 children's");
    // So does the task's (the usage exec's `tokens:` line shows).
    let task: Vec<u64> = run
        .of_type("task_completed")
        .iter()
        .filter(|e| e.get("agent_id").is_none())
        .map(|e| e["usage"]["input_tokens"].as_u64().unwrap())
        .collect();
    assert_eq!(task, vec![500], "the task's usage leaves out no child");
}
