//! Claude Code's `tools: "*"` (or `["*"]`): every tool, so the parent's —
//! what the child gets and what `agents show` / `agents validate` say.

use support::model_server::Reply;
use support::quire::TestEnv;

use super::{PARENT, spawn_with, support};

#[test]
fn an_agent_with_tools_star_gets_and_is_shown_the_parents_tools() {
    let env = TestEnv::new("responses");
    env.write(
        ".claude/agents/star.md",
        "---\nname: star\ndescription: every tool\ntools: \"*\"\n---\nSTAR\n",
    );
    env.write(
        ".claude/agents/star-list.md",
        "---\nname: star-list\ndescription: every tool\ntools: [\"*\"]\n---\nSTAR\n",
    );
    for name in ["star", "star-list"] {
        let show = env.run(&["agents", "show", name]);
        assert_eq!(show.code, 0, "{}", show.stderr);
        let all = format!("{}{}", show.stdout, show.stderr);
        assert!(all.contains("tools:       the parent's"), "{all}");
        assert!(!all.contains("warning"), "{all}");
    }
    let validate = env.run(&["agents", "validate"]);
    let all = format!("{}{}", validate.stdout, validate.stderr);
    assert_eq!(validate.code, 0, "{all}");
    assert!(!all.contains("'*'"), "{all}");

    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                serde_json::json!({"task": "CHILD-STAR work", "agent_type": "star"}),
            )]),
            Reply::text("done"),
        ],
    );
    env.server.route("CHILD-STAR", [Reply::text("child done")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    let child = reqs
        .iter()
        .find(|r| r.raw_body.contains("CHILD-STAR") && !r.raw_body.contains(PARENT))
        .expect("the child's request");
    let tools: Vec<&str> = child.body["tools"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    for t in ["shell", "apply_patch", "read_file"] {
        assert!(tools.contains(&t), "{tools:?}");
    }
}
