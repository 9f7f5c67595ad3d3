//! Reasoning settings: `reasoning_effort`, `reasoning_summary` and
//! `verbosity` (or Codex's `model_*` names) in the request only when
//! configured, each wire its way; Responses reasoning items sent back with
//! their encrypted content; servers refusing the fields keep working.

use serde_json::{Value, json};

use crate::support::model_server::{Reply, Step, reasoning_encrypted};
use crate::support::quire::TestEnv;

const THOUGHT: &str = "The notes file holds the answer";

const SETTINGS: &str =
    "reasoning_effort = \"high\"\nreasoning_summary = \"auto\"\nverbosity = \"low\"";

fn first_body(env: &TestEnv, args: &[&str]) -> Value {
    env.server.push(Reply::text("done"));
    let run = env.exec_json("hi", args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.server.requests()[0].body.clone()
}

#[test]
fn responses_get_reasoning_text_and_include_only_when_configured() {
    let body = first_body(&TestEnv::with_config("responses", SETTINGS), &[]);
    assert_eq!(
        body["reasoning"],
        json!({"effort": "high", "summary": "auto"})
    );
    assert_eq!(body["text"], json!({"verbosity": "low"}));
    assert_eq!(body["include"], json!(["reasoning.encrypted_content"]));

    let plain = first_body(&TestEnv::new("responses"), &[]);
    for key in ["reasoning", "text", "include"] {
        assert!(plain.get(key).is_none(), "{key} in {plain}");
    }

    // Codex's names, on the command line and in a profile; a model's own
    // entry wins over the top-level key.
    let body = first_body(
        &TestEnv::new("responses"),
        &[
            "-c",
            "model_reasoning_effort=low",
            "-c",
            "model_verbosity=high",
        ],
    );
    assert_eq!(body["reasoning"], json!({"effort": "low"}));
    assert_eq!(body["text"], json!({"verbosity": "high"}));
    let env = TestEnv::with_config(
        "responses",
        "reasoning_effort = \"low\"\n[profiles.deep]\nmodel_reasoning_summary = \"detailed\"\n[models.test-model]\nreasoning_effort = \"xhigh\"",
    );
    let body = first_body(&env, &["--profile", "deep"]);
    assert_eq!(
        body["reasoning"],
        json!({"effort": "xhigh", "summary": "detailed"})
    );
    // A summary of `none` asks for none.
    let body = first_body(
        &TestEnv::new("responses"),
        &["-c", "reasoning_summary=none"],
    );
    assert!(body.get("reasoning").is_none(), "{body}");
}

#[test]
fn chat_and_anthropic_get_the_effort_their_way() {
    let body = first_body(&TestEnv::with_config("chat", SETTINGS), &[]);
    assert_eq!(body["reasoning_effort"], "high");
    assert!(body.get("reasoning").is_none() && body.get("text").is_none());
    let plain = first_body(&TestEnv::new("chat"), &[]);
    assert!(plain.get("reasoning_effort").is_none(), "{plain}");

    // Anthropic: the effort stands for a thinking budget...
    let body = first_body(&TestEnv::with_config("anthropic", SETTINGS), &[]);
    assert_eq!(
        body["thinking"],
        json!({"type": "enabled", "budget_tokens": 16384})
    );
    // ...unless the provider sets one, or the effort is minimal.
    let body = first_body(
        &TestEnv::with_config("anthropic", SETTINGS),
        &["-c", "providers.test.thinking_budget=2000"],
    );
    assert_eq!(body["thinking"]["budget_tokens"], 2000);
    let body = first_body(
        &TestEnv::new("anthropic"),
        &["-c", "reasoning_effort=minimal"],
    );
    assert!(body.get("thinking").is_none(), "{body}");
}

/// The reasoning items of the request that came before `call` in `input`.
fn before_call(body: &Value, call: &str) -> Option<Value> {
    let input = body["input"].as_array()?;
    let at = input
        .iter()
        .position(|i| i["type"] == "function_call" && i["call_id"] == call)?;
    at.checked_sub(1).map(|p| input[p].clone())
}

fn read_script(env: &TestEnv) {
    env.write("notes.txt", "one\ntwo\n");
    env.server.push_all([
        Reply::steps(vec![
            Step::Reasoning(THOUGHT.into()),
            Step::tool_call("c1", "read_file", json!({"path": "notes.txt"})),
        ]),
        Reply::text("read it"),
    ]);
}

fn sent_back() -> Value {
    json!({
        "type": "reasoning",
        "summary": [{"type": "summary_text", "text": THOUGHT}],
        "encrypted_content": reasoning_encrypted(THOUGHT),
    })
}

#[test]
fn reasoning_items_go_back_with_their_encrypted_content() {
    let env = TestEnv::with_config("responses", "reasoning_effort = \"medium\"");
    read_script(&env);
    let run = env.exec_json("read the notes", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = env.server.requests();
    assert_eq!(requests.len(), 2, "{}", run.stderr);
    assert_eq!(before_call(&requests[1].body, "c1"), Some(sent_back()));
    // The reasoning tokens are reported.
    let usage = &run.of_type("turn_completed")[0]["usage"];
    assert_eq!(usage["reasoning_output_tokens"], 10, "{usage}");

    // Recorded in the session: a resumed session sends it again.
    let records = env.session_records();
    assert!(
        records.iter().any(|r| r.to_string().contains("gAAAAenc")),
        "{records:?}"
    );
    env.server.push(Reply::text("still here"));
    let run = env.exec_json("go on", &["--approval", "never", "--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = env.server.requests();
    assert_eq!(before_call(&requests[2].body, "c1"), Some(sent_back()));
    assert_eq!(
        requests[2].body["include"],
        json!(["reasoning.encrypted_content"])
    );
}

/// A model that reasons though nothing was configured: its first
/// reasoning came without encrypted content (not asked for) and is not
/// sent back, but later requests ask for the content.
#[test]
fn a_model_reasoning_unasked_gets_include_from_then_on() {
    let env = TestEnv::new("responses");
    read_script(&env);
    let run = env.exec_json("read the notes", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = env.server.requests();
    assert!(requests[0].body.get("include").is_none());
    assert_eq!(
        requests[1].body["include"],
        json!(["reasoning.encrypted_content"])
    );
    assert!(requests[1].body.get("reasoning").is_none());
    assert_eq!(
        before_call(&requests[1].body, "c1").map(|i| i["type"].clone()),
        Some(json!("message"))
    );
}

#[test]
fn a_server_refusing_the_reasoning_fields_gets_requests_without_them() {
    let refusal = |param: &str| {
        Reply::status_with_body(
            400,
            json!({"error": {"message": format!("Unknown parameter: '{param}'."),
                "type": "invalid_request_error", "param": param, "code": "unknown_parameter"}}),
        )
    };
    let env = TestEnv::with_config("responses", SETTINGS);
    env.write("notes.txt", "one\n");
    env.server.push_all([
        refusal("reasoning"),
        refusal("include"),
        Reply::tool_call("c1", "read_file", json!({"path": "notes.txt"})),
        Reply::text("read it"),
    ]);
    let run = env.exec_json("read the notes", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bodies: Vec<Value> = env.server.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(bodies.len(), 4);
    assert!(bodies[0].get("reasoning").is_some());
    assert!(bodies[1].get("reasoning").is_none() && bodies[1].get("include").is_some());
    for body in &bodies[2..] {
        assert!(body.get("reasoning").is_none() && body.get("include").is_none());
        // What was not refused stays.
        assert_eq!(body["text"], json!({"verbosity": "low"}));
    }

    let env = TestEnv::with_config("chat", SETTINGS);
    env.server.push_all([
        Reply::status_with_body(
            400,
            json!({"error": {"message": "Unrecognized request argument supplied: reasoning_effort"}}),
        ),
        Reply::text("fine"),
    ]);
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bodies: Vec<Value> = env.server.requests().into_iter().map(|r| r.body).collect();
    assert!(bodies[1].get("reasoning_effort").is_none());
    assert!(bodies[1].get("stream_options").is_some());
}

#[test]
fn bad_values_are_refused_naming_the_key() {
    let env = TestEnv::new("responses");
    let run = env.exec_json("hi", &["-c", "reasoning_effort=hgh"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains("reasoning_effort must be one of none, minimal, low, medium, high, xhigh")
            && run.stderr.contains("did you mean 'high'"),
        "{}",
        run.stderr
    );
    let env = TestEnv::with_config("responses", "model_reasoning_summary = \"short\"");
    let run = env.exec_json("hi", &[]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("config.toml:3")
            && run
                .stderr
                .contains("model_reasoning_summary must be one of auto"),
        "{}",
        run.stderr
    );
    assert!(env.server.requests().is_empty());
}

#[test]
fn hide_agent_reasoning_hides_the_summary() {
    let env = TestEnv::with_config("responses", "hide_agent_reasoning = true");
    env.server.push(Reply::steps(vec![
        Step::Reasoning(THOUGHT.into()),
        Step::text("answer"),
    ]));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("reasoning_delta").is_empty(), "{}", run.stdout);
    assert!(run.of_type("message_completed").len() == 1);
}
