//! How a Chat Completions stream ends: llama.cpp's `error:` line is the
//! server's error (a context-size one handled as the window's), and
//! `[DONE]` before any `finish_reason` is a cut stream, tried again.

use crate::support;

use serde_json::{Value, json};
use support::model_server::Reply;
use support::quire::TestEnv;

use super::truncated::sse;

fn chunk(delta: Value, finish_reason: Option<&str>) -> Vec<u8> {
    sse(
        None,
        json!({"object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}),
    )
}

/// Some text, then llama.cpp's `error: {json}` line ending the stream.
fn llama_error(message: &str) -> Reply {
    let error = json!({"code": 500, "message": message, "type": "exceed_context_size_error"});
    Reply::Raw(vec![
        chunk(json!({"role": "assistant", "content": "partial"}), None),
        format!("error: {error}\n\n").into_bytes(),
    ])
}

const TOO_BIG: &str = "the request exceeds the available context size, try increasing it";

/// A context-size `error:` line is the window's error: not retried as a
/// cut stream, the conversation is compacted, and when that does not
/// help either the server's message is what the user reads.
#[test]
fn a_llama_cpp_context_error_line_is_the_windows_error() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        llama_error(TOO_BIG),
        Reply::text("SUMMARY"),
        llama_error(TOO_BIG),
        Reply::text("never asked for"),
    ]);
    let run = env.exec_json("too big", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.of_type("retry").is_empty(), "{:?}", run.types());
    // The task alone is too long: no hand-off is asked for
    // (resilience_e2e::task_too_long).
    assert_eq!(env.server.requests().len(), 1);
    assert!(run.of_type("compaction").is_empty(), "{:?}", run.types());
    let message = run.of_type("error")[0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains(TOO_BIG), "{message}");
}

/// Any other `error:` line is the provider's error, its message told.
#[test]
fn a_llama_cpp_error_line_is_told() {
    let env = TestEnv::new("chat");
    let error = json!({"code": 500, "message": "slot 0 crashed", "type": "server_error"});
    env.server.push_all([
        Reply::Raw(vec![format!("error: {error}\n\n").into_bytes()]),
        Reply::text("recovered"),
    ]);
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let retry = run.of_type("retry");
    let reason = retry[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("slot 0 crashed"), "{reason}");
}

/// `[DONE]` before a `finish_reason`: the half answer is not the answer,
/// and a half tool call is not run; the request is sent again.
#[test]
fn done_before_a_finish_reason_is_a_cut_stream() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::Raw(vec![
            chunk(
                json!({"role": "assistant", "content": "The answer is"}),
                None,
            ),
            b"data: [DONE]\n\n".to_vec(),
            chunk(json!({"content": " 42."}), None),
            chunk(json!({}), Some("stop")),
        ]),
        Reply::text("The answer is 42."),
    ]);
    let run = env.exec_json("what is it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("retry").len(), 1, "{:?}", run.types());
    let answer = &run.of_type("message_completed")[0]["text"];
    assert_eq!(answer, "The answer is 42.");

    let env = TestEnv::new("chat");
    let piece = |arguments: &str| {
        json!({"tool_calls": [{"index": 0, "id": "call_e", "type": "function",
            "function": {"name": "shell", "arguments": arguments}}]})
    };
    env.server.push_all([
        Reply::Raw(vec![
            chunk(piece("{\"command\":\"echo ea"), None),
            b"data: [DONE]\n\n".to_vec(),
        ]),
        Reply::tool_call("call_e", "shell", json!({"command": "echo early"})),
        Reply::text("ran it"),
    ]);
    let run = env.exec_json("run it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let calls = run.of_type("tool_completed");
    assert_eq!(calls.len(), 1, "{:?}", run.types());
    assert_eq!(calls[0]["is_error"], false, "{}", calls[0]);
}

/// How a server that gave up on the request ends a stream of `text`:
/// vLLM's and SGLang's `finish_reason: "abort"`, OpenRouter's `"error"`,
/// a Responses `response.incomplete` for a reason other than the limit or
/// the content filter, vLLM's Responses `status: "cancelled"`. What each
/// names in the error.
fn given_up(text: &str) -> Vec<(&'static str, Reply, &'static str)> {
    let stream = |wire, why| super::truncated::stream_ending(wire, text, why);
    let cancelled = Reply::Raw(vec![
        sse(
            Some("response.output_text.delta"),
            json!({"type": "response.output_text.delta", "item_id": "msg_1",
                "output_index": 0, "content_index": 0, "delta": text}),
        ),
        sse(
            Some("response.completed"),
            json!({"type": "response.completed", "response": {"status": "cancelled",
                "usage": {"input_tokens": 10, "output_tokens": 5}}}),
        ),
    ]);
    vec![
        (
            "chat",
            stream("chat", ["abort", "", ""]),
            "finish_reason \"abort\"",
        ),
        (
            "chat",
            stream("chat", ["error", "", ""]),
            "finish_reason \"error\"",
        ),
        (
            "responses",
            stream("responses", ["", "", "upstream_error"]),
            "incomplete with reason \"upstream_error\"",
        ),
        ("responses", cancelled, "status \"cancelled\""),
    ]
}

/// A stream the server ended because it gave up on the request is cut,
/// not finished: tried again, and the whole answer of the retry is the
/// answer.
#[test]
fn a_stream_the_server_gave_up_on_is_tried_again() {
    for (wire, cut, named) in given_up("The fix is to change line") {
        let env = TestEnv::new(wire);
        env.server
            .push_all([cut, Reply::text("The fix is to change line 3.")]);
        let run = env.exec_json("fix it", &[]);
        assert_eq!(run.code, 0, "{wire} {named}: {}", run.stderr);
        let retry = run.of_type("retry");
        assert_eq!(retry.len(), 1, "{wire} {named}: {:?}", run.types());
        let reason = retry[0]["reason"].as_str().unwrap_or_default();
        assert!(reason.contains(named), "{wire}: {reason}");
        let answer = &run.of_type("message_completed")[0]["text"];
        assert_eq!(answer, "The fix is to change line 3.", "{wire} {named}");
    }
}

/// When every attempt is given up on, the task fails (exit 1, status
/// failed) with an error naming what the server said; no cut text is the
/// answer, on stdout or in `-o`.
#[test]
fn a_stream_the_server_always_gives_up_on_fails_the_task() {
    for (wire, _, named) in given_up("") {
        let env = TestEnv::new(wire);
        let cuts = || {
            given_up("The fix is to change line")
                .into_iter()
                .find(|(w, _, n)| *w == wire && *n == named)
                .map(|(_, reply, _)| reply)
                .unwrap_or_else(|| panic!("no stream for {wire} {named}"))
        };
        env.server.push_all([cuts(), cuts()]);
        let run = env.exec_json("fix it", &["-c", "retry.max_retries=1"]);
        assert_eq!(run.code, 1, "{wire} {named}: {}", run.stderr);
        let message = run.of_type("error")[0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            message.contains(named) && message.contains("gave up after 1 retry"),
            "{wire}: {message}"
        );
        assert_eq!(run.of_type("task_completed")[0]["status"], "failed");
        assert!(
            run.of_type("message_completed").is_empty(),
            "{wire} {named}"
        );

        env.server.push_all([cuts(), cuts()]);
        let answer = env.home.path().join("answer.txt");
        let answer_arg = answer.display().to_string();
        let run = env.run(&[
            "exec",
            "-c",
            "retry.max_retries=1",
            "-o",
            &answer_arg,
            "fix it",
        ]);
        assert_eq!(run.code, 1, "{wire} {named}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{wire} {named}");
        assert_eq!(std::fs::read_to_string(&answer).unwrap_or_default(), "");
    }
}

/// On the Responses wire, `[DONE]` after Responses events but before
/// `response.completed` (a proxy that adds it) is a cut stream, tried
/// again, not a server of the other wire API.
#[test]
fn done_before_response_completed_is_a_cut_stream_on_the_responses_wire() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::Raw(vec![
            sse(
                Some("response.created"),
                json!({"type": "response.created", "response": {"id": "r1", "status": "in_progress"}}),
            ),
            b"data: [DONE]\n\n".to_vec(),
        ]),
        Reply::text("recovered"),
    ]);
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let retry = run.of_type("retry");
    assert_eq!(retry.len(), 1, "{:?}", run.types());
    let reason = retry[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("[DONE]"), "{reason}");
    assert!(!run.stderr.contains("Chat Completions"), "{}", run.stderr);
}
