//! Child sessions are their own files linked to the parent; a resumed
//! parent continues a finished child with send_agent.

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

use super::{PARENT, spawn, support};

#[test]
fn a_resumed_parent_continues_its_child() {
    let env = TestEnv::new("responses");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn("s1", "CHILD-R remember 42")]),
            Reply::text("noted"),
        ],
    );
    env.server
        .route("CHILD-R", [Reply::text("I will remember 42")]);
    let first = env.exec_json(&format!("{PARENT} start"), &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let id = first.of_type("agent_spawned")[0]["agent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let parent_id = first.of_type("session_started")[0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Two files: the parent's and the child's, linked both ways.
    let files = env.session_files();
    assert_eq!(files.len(), 2);
    let child_file = files
        .iter()
        .find(|f| f.display().to_string().contains(&id))
        .expect("the child's file");
    let meta: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(child_file)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(meta["parent"], parent_id.as_str());

    env.server.route(
        PARENT,
        [
            Reply::tool_call(
                "s2",
                "send_agent",
                json!({"id": id, "message": "what number?"}),
            ),
            Reply::text("it said 42"),
        ],
    );
    env.server
        .route("CHILD-R", [Reply::text("the number is 42")]);
    let second = env.exec_json("and now?", &["--resume", "last"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(
        second.of_type("session_started")[0]["session_id"],
        parent_id.as_str(),
        "the parent resumed, not the child"
    );
    let child_req = env
        .server
        .requests()
        .into_iter()
        .rfind(|r| r.raw_body.contains("what number?") && !r.raw_body.contains(PARENT))
        .expect("the child got the follow-up");
    assert!(
        child_req.raw_body.contains("I will remember 42"),
        "with its own history"
    );
    let done = second.of_type("agent_completed");
    assert_eq!(done[0]["agent_id"], id.as_str());
}
