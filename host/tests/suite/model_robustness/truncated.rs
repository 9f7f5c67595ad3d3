//! An answer cut at the output-token limit is done, with a warning in
//! the JSON events and on stderr.

use crate::support;

use serde_json::{Value, json};
use support::model_server::Reply;
use support::quire::{TestEnv, WIRES};

/// One SSE event: `event: NAME` (when given) and `data: DATA`.
pub(super) fn sse(name: Option<&str>, data: Value) -> Vec<u8> {
    match name {
        Some(n) => format!("event: {n}\ndata: {data}\n\n").into_bytes(),
        None => format!("data: {data}\n\n").into_bytes(),
    }
}

/// A stream of `text` that the provider ends as cut at the output-token
/// limit, the way `wire` says so.
fn truncated_stream(wire: &str, text: &str) -> Reply {
    stream_ending(wire, text, CUT_AT_LIMIT)
}

/// The limit-cut markers of the three wires: Chat `finish_reason`,
/// Anthropic `stop_reason`, Responses `incomplete_details.reason`.
pub(super) const CUT_AT_LIMIT: [&str; 3] = ["length", "max_tokens", "max_output_tokens"];

/// A stream of `text` the provider ends with `why`: the Chat
/// `finish_reason`, the Anthropic `stop_reason`, the Responses
/// `incomplete_details.reason`.
pub(super) fn stream_ending(wire: &str, text: &str, why: [&str; 3]) -> Reply {
    let body = match wire {
        "chat" => vec![sse(
            None,
            json!({"object": "chat.completion.chunk", "choices": [{"index": 0,
                "delta": {"role": "assistant", "content": text}, "finish_reason": null}]}),
        )],
        "anthropic" => vec![
            sse(
                Some("content_block_start"),
                json!({"type": "content_block_start", "index": 0,
                    "content_block": {"type": "text", "text": ""}}),
            ),
            sse(
                Some("content_block_delta"),
                json!({"type": "content_block_delta", "index": 0,
                    "delta": {"type": "text_delta", "text": text}}),
            ),
            sse(
                Some("content_block_stop"),
                json!({"type": "content_block_stop", "index": 0}),
            ),
        ],
        _ => vec![sse(
            Some("response.output_text.delta"),
            json!({"type": "response.output_text.delta", "item_id": "msg_1",
                "output_index": 0, "content_index": 0, "delta": text}),
        )],
    };
    framed(wire, body, why)
}

/// A whole stream of `body` (the wire's events for the answer's content):
/// Anthropic's `message_start` before it, the wire's end with `why` after
/// it (see [`stream_ending`]).
pub(super) fn framed(wire: &str, body: Vec<Vec<u8>>, why: [&str; 3]) -> Reply {
    let [finish_reason, stop_reason, incomplete] = why;
    let mut chunks = Vec::new();
    if wire == "anthropic" {
        chunks.push(sse(
            Some("message_start"),
            json!({"type": "message_start", "message": {"id": "msg_1", "usage":
                {"input_tokens": 10, "output_tokens": 1}}}),
        ));
    }
    chunks.extend(body);
    match wire {
        "chat" => chunks.extend([
            sse(
                None,
                json!({"object": "chat.completion.chunk", "choices": [{"index": 0,
                    "delta": {}, "finish_reason": finish_reason}]}),
            ),
            b"data: [DONE]\n\n".to_vec(),
        ]),
        "anthropic" => chunks.extend([
            sse(
                Some("message_delta"),
                json!({"type": "message_delta", "delta": {"stop_reason": stop_reason},
                    "usage": {"output_tokens": 50}}),
            ),
            sse(Some("message_stop"), json!({"type": "message_stop"})),
        ]),
        _ => chunks.push(sse(
            Some("response.incomplete"),
            json!({"type": "response.incomplete", "response": {"status": "incomplete",
                "incomplete_details": {"reason": incomplete},
                "usage": {"input_tokens": 10, "output_tokens": 50}}}),
        )),
    }
    Reply::Raw(chunks)
}

#[test]
fn an_answer_cut_at_the_output_token_limit_warns_in_json_and_on_stderr() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.server.push_all([
            truncated_stream(wire, "the first half of"),
            truncated_stream(wire, "the first half of"),
        ]);
        let run = env.exec_json("explain", &["-c", "max_output_tokens=50"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let warnings = run.of_type("warning");
        assert_eq!(warnings.len(), 1, "{wire}: {:?}", run.types());
        let message = warnings[0]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("cut at the output-token limit (max_output_tokens=50)")
                && message.contains("-c max_output_tokens=100"),
            "{wire}: {message}"
        );
        let done = run.of_type("task_completed");
        assert_eq!(done[0]["status"], "done", "{wire}");
        // A field a script can read, besides the warning's text.
        assert_eq!(done[0]["answer"], "cut", "{wire}");
        assert_eq!(
            run.of_type("message_completed")[0]["text"],
            "the first half of"
        );

        let run = env.run(&["exec", "-c", "max_output_tokens=50", "explain"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        assert!(
            run.stdout.contains("the first half of"),
            "{wire}: {}",
            run.stdout
        );
        let line = run
            .stderr
            .lines()
            .find(|l| l.contains("output-token limit"))
            .unwrap_or_else(|| panic!("{wire}: no warning on stderr: {}", run.stderr));
        assert!(
            line.starts_with("warning: the answer was cut at the output-token limit (max_output_tokens=50); raise it with -c max_output_tokens=100 or ask to continue"),
            "{wire}: {line}"
        );
    }
}

#[test]
fn a_complete_answer_has_no_truncation_warning() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.server.push(Reply::text("all of it"));
        let run = env.exec_json("explain", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        assert!(
            run.of_type("warning").is_empty(),
            "{wire}: {:?}",
            run.types()
        );
        let done = run.of_type("task_completed")[0].clone();
        assert!(done.get("answer").is_none(), "{wire}: {done}");
    }
}
