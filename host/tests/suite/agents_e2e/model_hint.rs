//! A subagent definition naming a model the server does not know: the
//! child's error names the definition file's `model:` as the place to
//! fix, not -m, /model or config.toml (which do not set it); `quire agents
//! validate` says it does not check the name.

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

use super::{PARENT, spawn_with, support};

const BAD_MODEL: &str = "---\nname: badmodel\ndescription: Uses a model nobody has\nmodel: no-such-model-xyz\n---\nWork.\n";

#[test]
fn an_unknown_model_of_a_definition_names_the_definition_file() {
    let env = TestEnv::new("responses");
    env.write(".quire/agents/badmodel.md", BAD_MODEL);
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-M do it", "agent_type": "badmodel"}),
            )]),
            Reply::text("PARENT-DONE"),
        ],
    );
    env.server.route(
        "CHILD-M",
        [Reply::status_with_body(
            404,
            json!({"error": {
                "message": "The model `no-such-model-xyz` does not exist or you do not have access to it.",
                "type": "invalid_request_error",
                "code": "model_not_found"
            }}),
        )],
    );
    let run = env.run(&["exec", &format!("{PARENT} go")]);
    assert_eq!(run.code, 0, "the parent goes on: {}", run.stderr);
    let file = env.repo_path().join(".quire/agents/badmodel.md");
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("the server does not know this model"))
        .unwrap_or_else(|| panic!("no unknown-model error: {}", run.stderr));
    assert!(
        line.contains(&format!(
            "check the model name: `model:` in the agent definition {}",
            file.display()
        )),
        "{line}"
    );
    assert!(!line.contains("-m NAME"), "{line}");
    // The parent model reads the same in the tool result.
    let parent_saw = env.server.requests().iter().any(|r| {
        r.raw_body.contains(PARENT) && r.raw_body.contains("`model:` in the agent definition")
    });
    assert!(parent_saw, "the spawn_agent result names the file");

    let validate = env.run(&["agents", "validate"]);
    assert_eq!(validate.code, 0, "{}", validate.stderr);
    assert!(
        validate.stdout.contains(&format!(
            "note: {}: model \"no-such-model-xyz\" is not checked against the server here",
            file.display()
        )),
        "{}",
        validate.stdout
    );
}
