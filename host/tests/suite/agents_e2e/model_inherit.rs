//! A child without a model of its own runs on the model its parent uses
//! now: after the parent's `/model`, and in a resumed session that had
//! switched with `/model`.

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

use super::{PARENT, spawn_with, support};

/// The model of each request whose first message holds `marker`.
fn models_of(env: &TestEnv, marker: &str) -> Vec<String> {
    env.server
        .requests()
        .into_iter()
        .filter(|r| r.api.is_some() && r.raw_body.contains(marker))
        .map(|r| r.body["model"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_child_runs_on_the_parents_model_after_slash_model_and_after_resume() {
    let env = TestEnv::new("chat");
    env.server.route(
        PARENT,
        [
            Reply::text("hello back"),
            Reply::tool_calls(vec![spawn_with("s1", json!({"task": "CHILD-ONE say hi"}))]),
            Reply::text("parent done"),
            Reply::tool_calls(vec![spawn_with("s2", json!({"task": "CHILD-TWO say hi"}))]),
            Reply::text("parent done again"),
        ],
    );
    env.server.route("CHILD-ONE", [Reply::text("hi one")]);
    env.server.route("CHILD-TWO", [Reply::text("hi two")]);
    let r = env.run_with_input(
        &[],
        &format!("{PARENT} hello\n/model test-model-large\nspawn a child\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        models_of(&env, "CHILD-ONE say hi")[0],
        "test-model-large",
        "the child of a parent switched with /model"
    );

    let run = env.exec_json("spawn another", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        models_of(&env, "CHILD-TWO say hi")[0],
        "test-model-large",
        "the child of a resumed session that had switched"
    );
}

/// The same for the approval policy: after `/approvals untrusted` a child
/// asks as its parent does now, not as the session began (`never`).
#[test]
fn a_child_asks_as_its_parent_does_after_slash_approvals() {
    let env = TestEnv::with_config("chat", "approval = \"never\"\n");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-THREE say hi"}),
            )]),
            Reply::text("parent done"),
        ],
    );
    env.server.route("CHILD-THREE", [Reply::text("hi three")]);
    let r = env.run_with_input(
        &[],
        &format!("/approvals untrusted\n{PARENT} spawn a child\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let child: Vec<_> = env
        .server
        .requests()
        .into_iter()
        .filter(|r| r.api.is_some() && r.raw_body.contains("CHILD-THREE say hi"))
        .collect();
    let sent = &child[0].raw_body;
    assert!(
        sent.contains("approval: untrusted") && !sent.contains("approval: never"),
        "{sent}"
    );
}
