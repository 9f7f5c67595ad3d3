//! Servers stricter than the OpenAI API: a refused `stream_options` is
//! dropped for the rest of the session (or never sent: `stream_usage =
//! false`), and a refused request says what the server named.

use crate::support;

use serde_json::json;
use support::model_server::Reply;
use support::quire::{TestEnv, finish};

/// vLLM's answer to a field it does not know.
fn extra_forbidden(field: &str) -> Reply {
    Reply::status_with_body(
        400,
        json!({"object": "error", "message": format!(
            "[{{'type': 'extra_forbidden', 'loc': ('body', '{field}'), 'msg': 'Extra inputs are not permitted'}}]"),
            "type": "BadRequestError", "param": null, "code": 400}),
    )
}

/// The first request is refused for `stream_options`: it is sent again
/// without it, and so is every later request of the session; the log
/// says so once.
#[test]
fn a_refused_stream_options_is_left_out_for_the_session() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        extra_forbidden("stream_options"),
        Reply::tool_call("c1", "shell", json!({"command": "echo hi"})),
        Reply::text("all done"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "say hi"]);
    cmd.env("QUIRE_LOG", "warn");
    let run = finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("message_completed")[0]["text"], "all done");
    let sent: Vec<bool> = env
        .server
        .requests()
        .iter()
        .map(|r| r.body.get("stream_options").is_some())
        .collect();
    assert_eq!(sent, [true, false, false]);
    assert!(run.of_type("retry").is_empty(), "{:?}", run.types());
    assert_eq!(
        run.stderr
            .matches("the server refused stream_options; usage may be missing")
            .count(),
        1,
        "{}",
        run.stderr
    );
}

/// `stream_usage = false` never sends it.
#[test]
fn stream_usage_false_never_sends_stream_options() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::text("fine"));
    let run = env.exec_json("hi", &["-c", "providers.test.stream_usage=false"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = env.server.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].body.get("stream_options").is_none());
    assert_eq!(requests[0].body["stream"], true);
}

/// The error of a refused request starts with the server's message, and
/// its hint is about what the message names, not the model name,
/// base_url and wire_api.
#[test]
fn a_refusal_says_what_the_server_named() {
    let cases = [
        (
            "chat",
            Reply::status_with_body(
                400,
                json!({"error": {"message": "registry.ollama.ai/library/gemma:2b does not support tools",
                    "type": "api_error", "param": null, "code": null}}),
            ),
            "gemma:2b does not support tools (",
            "pick a tool-capable model",
        ),
        (
            "anthropic",
            Reply::status_with_body(
                400,
                json!({"type": "error", "error": {"type": "invalid_request_error",
                    "message": "messages.1.content.0: unexpected `tool_use_id` found in `tool_result` blocks"}}),
            ),
            "/v1/messages: messages.1.content.0: unexpected `tool_use_id`",
            "the server refused messages.1.content.0 of the conversation quire sent",
        ),
        (
            "chat",
            extra_forbidden("max_tokens"),
            "'loc': ('body', 'max_tokens')",
            "max_output_tokens",
        ),
    ];
    for (wire, reply, message, hint) in cases {
        let env = TestEnv::new(wire);
        env.server.push(reply);
        let run = env.run(&["exec", "hi"]);
        assert_eq!(run.code, 1, "{wire}: {}", run.stderr);
        let line = run
            .stderr
            .lines()
            .find(|l| l.starts_with("error: "))
            .unwrap_or_default();
        let said = line.find(message);
        let hinted = line.find(hint);
        assert!(
            said.is_some() && hinted.is_some() && said < hinted,
            "{line}"
        );
        assert!(!line.contains("check the model name"), "{line}");
        assert_eq!(env.server.requests().len(), 1, "a refusal is not retried");
    }
}
