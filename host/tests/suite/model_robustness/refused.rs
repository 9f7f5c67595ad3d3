//! An answer the provider stopped for its content (a content filter, a
//! refusal) is no normal answer: the task fails with the reason, exit 1.

use super::truncated::stream_ending;
use crate::support;

use support::quire::{TestEnv, WIRES};

#[test]
fn a_content_filter_or_refusal_stop_fails_the_task() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        let stop = ["content_filter", "refusal", "content_filter"];
        env.server.push_all([
            stream_ending(wire, "the start of", stop),
            stream_ending(wire, "the start of", stop),
        ]);
        let run = env.exec_json("explain", &[]);
        assert_eq!(run.code, 1, "{wire}: {}", run.stderr);
        let done = run.of_type("task_completed");
        assert_eq!(done[0]["status"], "failed", "{wire}");
        let error = run.of_type("error");
        let message = error[0]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("the provider stopped the answer: "),
            "{wire}: {message}"
        );
        let want = if wire == "anthropic" {
            "refusal"
        } else {
            "content filter"
        };
        assert!(message.contains(want), "{wire}: {message}");

        let run = env.run(&["exec", "explain"]);
        assert_eq!(run.code, 1, "{wire}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("error: the provider stopped the answer"),
            "{wire}: {}",
            run.stderr
        );
    }
}

/// An OpenAI model's refusal streamed in Chat's `delta.refusal` (with
/// `content` null and `finish_reason: "stop"`) is the answer, as the
/// Responses wire's `refusal` content is: shown, kept in the session, and
/// sent back with the next request; not an empty answer.
#[test]
fn a_chat_refusal_is_the_answer() {
    let env = TestEnv::new("chat");
    let chunk = |delta: serde_json::Value, finish: Option<&str>| {
        let c = serde_json::json!({"id": "c1", "object": "chat.completion.chunk", "created": 1,
            "model": "m", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
        format!("data: {c}\n\n").into_bytes()
    };
    let refusal = || {
        support::model_server::Reply::Raw(vec![
            chunk(
                serde_json::json!({"role": "assistant", "content": null, "refusal": ""}),
                None,
            ),
            chunk(serde_json::json!({"refusal": "I'm sorry, "}), None),
            chunk(
                serde_json::json!({"refusal": "I can't help with that."}),
                None,
            ),
            chunk(serde_json::json!({}), Some("stop")),
            b"data: [DONE]\n\n".to_vec(),
        ])
    };
    env.server.push(refusal());
    let run = env.exec_json("do it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = &run.of_type("task_completed")[0];
    assert_eq!(done["status"], "done");
    assert!(done.get("answer").is_none_or(|a| a.is_null()), "{done}");
    let messages = run.of_type("message_completed");
    assert_eq!(messages[0]["text"], "I'm sorry, I can't help with that.");
    let kept = env
        .session_records()
        .iter()
        .any(|r| r.to_string().contains("I can't help with that."));
    assert!(kept, "the refusal is in the session file");

    env.server.push(support::model_server::Reply::text("fine"));
    let next = env.exec_json("something else", &["--resume", "last"]);
    assert_eq!(next.code, 0, "{}", next.stderr);
    let sent = &env.server.requests()[1].raw_body;
    assert!(sent.contains("I can't help with that."), "{sent}");

    env.server.push(refusal());
    let plain = env.run(&["exec", "do it"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert_eq!(plain.stdout, "I'm sorry, I can't help with that.\n");
    assert!(!plain.stderr.contains("empty"), "{}", plain.stderr);
}
