//! The server says the context window is exceeded: an Anthropic answer
//! that stops with `stop_reason: "model_context_window_exceeded"` is
//! compacted and asked again once (or kept as a cut answer, with a
//! warning, when compacting cannot help), and a window learned from a
//! server's error that the fixed part of the request does not fit gets the
//! small-window warning instead of a doomed hand-off request.

use crate::support;

use serde_json::{Value, json};
use support::model_server::Reply;
use support::quire::{Run, TestEnv};

fn sse(name: &str, data: Value) -> Vec<u8> {
    format!("event: {name}\ndata: {data}\n\n").into_bytes()
}

/// An Anthropic stream of `text` that stops because the conversation
/// (`input` tokens) and the answer (`output`) filled the window.
fn filled_window(text: &str, input: u64, output: u64) -> Reply {
    Reply::Raw(vec![
        sse(
            "message_start",
            json!({"type": "message_start", "message": {"id": "msg_1", "type": "message",
                "role": "assistant", "content": [], "stop_reason": null,
                "usage": {"input_tokens": input, "output_tokens": 1}}}),
        ),
        sse(
            "content_block_start",
            json!({"type": "content_block_start", "index": 0,
                "content_block": {"type": "text", "text": ""}}),
        ),
        sse(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "text_delta", "text": text}}),
        ),
        sse(
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ),
        sse(
            "message_delta",
            json!({"type": "message_delta",
                "delta": {"stop_reason": "model_context_window_exceeded", "stop_sequence": null},
                "usage": {"output_tokens": output}}),
        ),
        sse("message_stop", json!({"type": "message_stop"})),
    ])
}

fn warnings(run: &Run) -> Vec<String> {
    run.of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn messages(run: &Run) -> Vec<String> {
    run.of_type("message_completed")
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

const CUT_AT_WINDOW: &str = "cut at the model's context window";

/// A session whose history is about twice its fixed part (instructions
/// and tools): a compaction frees most of a request.
fn long_session() -> TestEnv {
    let env = TestEnv::new("anthropic");
    env.server.push(Reply::text("first answer"));
    let first = env.exec_json("first question", &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let fixed = env.server.requests()[0].raw_body.len();
    let long = "lorem ipsum dolor sit amet ".repeat(fixed / 27 / 2);
    for i in 0..4 {
        env.server.push(Reply::text(format!("answer {i}: {long}")));
        let run = env.exec_json(&format!("question {i}"), &["--resume", "last"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    env
}

/// The answer filled the window: its text is discarded (a `retry` event
/// says so), the conversation compacted for the context window, and the
/// question asked again; the whole answer is the task's.
#[test]
fn an_answer_that_fills_the_window_is_compacted_and_asked_again() {
    let env = long_session();
    let before = env.server.requests().len();
    env.server.push_all([
        // The server's window, 130000 tokens, is above the assumed one:
        // nothing to learn.
        filled_window("partial answ", 100_000, 30_000),
        Reply::text("SUMMARY-OF-THE-LONG-TALK"),
        Reply::text("the whole answer"),
    ]);
    let run = env.exec_json("one more question", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let retry = run.of_type("retry");
    assert_eq!(retry.len(), 1, "{:?}", run.types());
    assert_eq!(retry[0]["discarded_text"], true);
    assert!(
        retry[0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("model_context_window_exceeded"),
        "{}",
        retry[0]
    );
    let compaction = run.of_type("compaction");
    assert_eq!(compaction.len(), 1, "{:?}", run.types());
    assert_eq!(compaction[0]["reason"], "context_window");
    assert_eq!(messages(&run), ["the whole answer"]);
    let done = &run.of_type("task_completed")[0];
    assert_eq!(done["status"], "done");
    assert!(done.get("answer").is_none_or(Value::is_null), "{done}");
    assert!(
        !warnings(&run).iter().any(|w| w.contains(CUT_AT_WINDOW)),
        "{:?}",
        warnings(&run)
    );
    let requests = env.server.requests();
    assert_eq!(requests.len(), before + 3);
    assert!(requests[before + 1].raw_body.contains("hand-off summary"));
    let again = &requests[before + 2].raw_body;
    assert!(again.contains("SUMMARY-OF-THE-LONG-TALK"), "{again}");
    assert!(again.contains("one more question"));
    assert!(
        !again.contains("partial answ"),
        "the cut answer is not kept"
    );
}

/// The answer after the compaction fills the window too: it stands as a
/// cut answer (warning, `answer: cut`), not another compaction.
#[test]
fn an_answer_that_fills_the_window_again_is_kept_as_cut() {
    let env = long_session();
    env.server.push_all([
        filled_window("partial answ", 100_000, 30_000),
        Reply::text("SUMMARY-OF-THE-LONG-TALK"),
        filled_window("still partial", 100_000, 30_000),
    ]);
    let run = env.exec_json("one more question", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("compaction").len(), 1, "{:?}", run.types());
    assert_eq!(messages(&run), ["still partial"]);
    let done = &run.of_type("task_completed")[0];
    assert_eq!(done["status"], "done");
    assert_eq!(done["answer"], "cut");
    let cut: Vec<String> = warnings(&run)
        .into_iter()
        .filter(|w| w.contains(CUT_AT_WINDOW))
        .collect();
    assert_eq!(cut.len(), 1, "{:?}", warnings(&run));
    assert!(!cut[0].contains("max_output_tokens"), "{}", cut[0]);
}

/// A short conversation: compacting frees nothing, so the answer stands
/// as cut at once (no hand-off request); the window its usage shows is
/// learned and named.
#[test]
fn a_short_conversation_that_fills_the_window_is_kept_as_cut() {
    let env = TestEnv::new("anthropic");
    env.server.push(filled_window("partial answ", 3_000, 5_000));
    let run = env.exec_json("hello there", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.server.requests().len(), 1);
    assert!(run.of_type("compaction").is_empty(), "{:?}", run.types());
    assert!(run.of_type("retry").is_empty(), "{:?}", run.types());
    assert_eq!(messages(&run), ["partial answ"]);
    let done = &run.of_type("task_completed")[0];
    assert_eq!(done["status"], "done");
    assert_eq!(done["answer"], "cut");
    let all = warnings(&run);
    assert!(all.iter().any(|w| w.contains(CUT_AT_WINDOW)), "{all:?}");
    assert!(
        all.iter()
            .any(|w| w.contains("the server's context window is 8000 tokens")),
        "{all:?}"
    );
    // Without --json: the cut text is the answer, stderr says why.
    env.server.push(filled_window("partial answ", 3_000, 5_000));
    let plain = env.run(&["exec", "hello there"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(plain.stdout.contains("partial answ"), "{}", plain.stdout);
    assert!(plain.stderr.contains(CUT_AT_WINDOW), "{}", plain.stderr);
}

/// The server's error states a window (3000 tokens) smaller than the
/// fixed part of every request (instructions and tool definitions), while
/// `model_context_window` is larger: as with a configured window that
/// small, no hand-off request is sent, the small-window warning names the
/// server's window, and the error does not claim a compaction ran.
#[test]
fn a_learned_window_the_fixed_part_does_not_fit_is_not_compacted() {
    let bodies = [
        (
            "anthropic",
            json!({"type": "error", "error": {"type": "invalid_request_error",
                "message": "prompt is too long: 4100 tokens > 3000 maximum"}}),
        ),
        (
            "chat",
            json!({"error": {"message": "This model's maximum context length is 3000 tokens. However, your messages resulted in 4100 tokens. Please reduce the length of the messages.",
                "type": "invalid_request_error", "param": "messages",
                "code": "context_length_exceeded"}}),
        ),
    ];
    for (wire, body) in bodies {
        let env = TestEnv::with_config(wire, "model_context_window = 14000");
        env.server.push(Reply::status_with_body(400, body));
        let run = env.exec_json("hello there", &[]);
        assert_eq!(run.code, 1, "{wire}: {}", run.stderr);
        assert_eq!(
            env.server.requests().len(),
            1,
            "{wire}: no hand-off request"
        );
        assert!(run.of_type("compaction").is_empty(), "{wire}");
        let all = warnings(&run);
        let small: Vec<&String> = all
            .iter()
            .filter(|w| w.contains("too small for compaction to help"))
            .collect();
        assert_eq!(small.len(), 1, "{wire}: {all:?}");
        assert!(
            small[0].contains("of the 3000 tokens of the server's context window"),
            "{wire}: {}",
            small[0]
        );
        // Not "its error said so": the window may be quire's count of the
        // refused request, which no error states.
        assert!(
            small[0].contains("learned from its refusal") && !small[0].contains("said so"),
            "{wire}: {}",
            small[0]
        );
        assert!(
            !all.iter().any(|w| w.contains("quire compacts for")),
            "{wire}: {all:?}"
        );
        let error = run.of_type("error")[0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            error.contains("3000"),
            "{wire}: the server's words: {error}"
        );
        assert!(error.contains("server's context window"), "{wire}: {error}");
        for wrong in ["compaction failed", "quire compacted", "hand-off"] {
            assert!(!error.contains(wrong), "{wire}: {wrong}: {error}");
        }
    }
}
