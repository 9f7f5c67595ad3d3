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

/// A looking-only agent (`tools: Bash, Read`, `permissionMode: plan`,
/// its own model) continued after its parent was resumed keeps what it
/// was started with: not the parent's tools, sandbox or model.
const LOOKER: &str = "---\nname: looker\ndescription: Looks only\ntools: Bash, Read\npermissionMode: plan\nmodel: test-model-large\n---\nLook around. LOOKER-ROLE-MARK\n";

#[test]
fn a_child_continued_after_resume_keeps_its_tools_sandbox_and_model() {
    let env = TestEnv::new("responses");
    env.write(".claude/agents/looker.md", LOOKER);
    let loose = ["--sandbox", "danger-full-access", "--approval", "never"];
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![super::spawn_with(
                "s1",
                json!({"task": "CHILD-LK look", "agent_type": "looker"}),
            )]),
            Reply::text("looked"),
        ],
    );
    env.server.route("CHILD-LK", [Reply::text("seen")]);
    let first = env.exec_json(&format!("{PARENT} start"), &loose);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let id = first.of_type("agent_spawned")[0]["agent_id"]
        .as_str()
        .unwrap()
        .to_string();

    env.server.route(
        PARENT,
        [
            Reply::tool_call(
                "s2",
                "send_agent",
                json!({"id": id, "message": "now write"}),
            ),
            Reply::text("sent"),
        ],
    );
    let patch = "*** Begin Patch\n*** Add File: patched.txt\n+x\n*** End Patch\n";
    env.server.route(
        "CHILD-LK",
        [
            Reply::tool_calls(vec![
                support::model_server::Step::tool_call(
                    "c1",
                    "shell",
                    json!({"command": "touch wrote.txt"}),
                ),
                support::model_server::Step::tool_call(
                    "c2",
                    "apply_patch",
                    json!({"patch": patch}),
                ),
            ]),
            Reply::text("tried"),
        ],
    );
    let second = env.exec_json("go on", &[&["--resume", "last"][..], &loose].concat());
    assert_eq!(second.code, 0, "{}", second.stderr);
    let root = env.repo_path();
    for f in ["wrote.txt", "patched.txt"] {
        assert!(!root.join(f).exists(), "{f} written by a read-only agent");
    }
    let reqs = env.server.requests();
    let child: Vec<_> = reqs
        .iter()
        .filter(|r| r.raw_body.contains("now write") && !r.raw_body.contains(PARENT))
        .collect();
    assert!(!child.is_empty(), "the child got the follow-up");
    for r in child {
        let body: serde_json::Value = serde_json::from_str(&r.raw_body).unwrap();
        assert_eq!(body["model"], "test-model-large", "its own model");
        let names: Vec<&str> = body["tools"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        for name in ["apply_patch", "spawn_agent", "send_agent"] {
            assert!(!names.contains(&name), "{name} offered: {names:?}");
        }
        assert!(names.contains(&"shell"), "{names:?}");
        assert!(
            !r.raw_body.contains("Agents you can start with spawn_agent"),
            "{}",
            r.raw_body
        );
        assert!(r.raw_body.contains("LOOKER-ROLE-MARK"), "its role kept");
        assert!(r.raw_body.contains("read-only"), "its sandbox kept");
    }
}
