//! Anthropic extended thinking: a turn's `thinking` (with its signature)
//! and `redacted_thinking` blocks go back unmodified, before its
//! `tool_use`, in the next request and after `--resume`; a provider's
//! `thinking_budget` turns thinking on.

use serde_json::{Value, json};

use crate::support::model_server::{Reply, Step, thinking_signature};
use crate::support::quire::TestEnv;

const THOUGHT: &str = "The notes file holds the answer";

/// A first answer that thinks (openly and redacted), then reads a file;
/// a second one that answers.
fn script(env: &TestEnv) {
    env.write("notes.txt", "one\ntwo\n");
    env.server.push_all([
        Reply::steps(vec![
            Step::Reasoning(THOUGHT.into()),
            Step::RedactedThinking("EmwKAhgBEgy3va3pzix/LafPsn4a".into()),
            Step::tool_call("c1", "read_file", json!({"path": "notes.txt"})),
        ]),
        Reply::text("read it"),
    ]);
}

/// The assistant message that carries the `tool_use` of call `c1`.
fn tool_use_turn(body: &Value) -> Vec<Value> {
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    messages
        .into_iter()
        .find(|m| {
            m["role"] == "assistant"
                && m["content"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|b| b["id"] == "c1"))
        })
        .and_then(|m| m["content"].as_array().cloned())
        .unwrap_or_default()
}

/// The blocks of the thinking turn as they must go back.
fn expected_thinking() -> [Value; 2] {
    [
        json!({"type": "thinking", "thinking": THOUGHT, "signature": thinking_signature(THOUGHT)}),
        json!({"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4a"}),
    ]
}

#[test]
fn thinking_goes_back_before_the_tool_use_with_its_signature() {
    let env = TestEnv::new("anthropic");
    script(&env);
    let run = env.exec_json("read the notes", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = env.server.requests();
    assert_eq!(requests.len(), 2, "{}", run.stderr);
    let blocks = tool_use_turn(&requests[1].body);
    let types: Vec<&str> = blocks.iter().filter_map(|b| b["type"].as_str()).collect();
    assert_eq!(
        types,
        ["thinking", "redacted_thinking", "tool_use"],
        "{blocks:?}"
    );
    assert_eq!(blocks[..2], expected_thinking());
    // Shown while it streamed, as before.
    let shown: String = run
        .of_type("reasoning_delta")
        .iter()
        .filter_map(|e| e["delta"].as_str())
        .collect();
    assert_eq!(shown, THOUGHT);
}

/// A task stopped by `max_turns` right after the tool ran: the resumed
/// session continues that tool-use turn, whose thinking must go back.
#[test]
fn a_resumed_session_still_sends_the_thinking_back() {
    let env = TestEnv::new("anthropic");
    script(&env);
    let run = env.exec_json(
        "read the notes",
        &["--approval", "never", "--max-turns", "1"],
    );
    assert_eq!(env.server.requests().len(), 1, "{}", run.stderr);
    let run = env.exec_json("go on", &["--approval", "never", "--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = env.server.requests();
    assert_eq!(requests.len(), 2, "{}", run.stderr);
    let blocks = tool_use_turn(&requests[1].body);
    assert_eq!(blocks.len(), 3, "{blocks:?}");
    assert_eq!(blocks[..2], expected_thinking());
    assert_eq!(blocks[2]["type"], "tool_use");
}

#[test]
fn thinking_budget_turns_thinking_on() {
    let env = TestEnv::new("anthropic");
    env.server.push(Reply::text("thought about it"));
    let run = env.exec_json("hi", &["-c", "providers.test.thinking_budget=8000"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body = &env.server.requests()[0].body;
    assert_eq!(
        body["thinking"],
        json!({"type": "enabled", "budget_tokens": 8000})
    );
    // The default max_tokens (8192) is above the budget: it stays.
    assert_eq!(body["max_tokens"], 8192);
    assert!(body.get("temperature").is_none(), "{body}");

    // A limit not above the budget gets the budget on top of it.
    let env = TestEnv::new("anthropic");
    env.server.push(Reply::text("thought about it"));
    let run = env.exec_json(
        "hi",
        &[
            "-c",
            "providers.test.thinking_budget=8000",
            "-c",
            "max_output_tokens=4000",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body = &env.server.requests()[0].body;
    assert_eq!(body["max_tokens"], 12000);
    assert_eq!(body["thinking"]["budget_tokens"], 8000);

    // Without the setting there is no `thinking`.
    let env = TestEnv::new("anthropic");
    env.server.push(Reply::text("plain"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(env.server.requests()[0].body.get("thinking").is_none());
}

#[test]
fn a_thinking_budget_below_the_minimum_or_on_another_wire_is_refused() {
    let env = TestEnv::new("anthropic");
    let config = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace(
            "[providers.test]\n",
            "[providers.test]\nthinking_budget = 512\n",
        ),
    )
    .unwrap();
    let run = env.exec_json("hi", &[]);
    assert_ne!(run.code, 0);
    assert!(
        run.stdout
            .contains("thinking_budget must be a whole number of tokens from 1024")
            || run
                .stderr
                .contains("thinking_budget must be a whole number of tokens from 1024"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(env.server.requests().is_empty());

    let env = TestEnv::new("chat");
    let run = env.exec_json("hi", &["-c", "providers.test.thinking_budget=2000"]);
    assert_ne!(run.code, 0);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("providers.test.thinking_budget") && said.contains("\"anthropic\""),
        "{said}"
    );
    assert!(env.server.requests().is_empty());
}
