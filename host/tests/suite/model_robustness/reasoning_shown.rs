//! Reasoning a Chat Completions server leaves in the content (a
//! `<think>…</think>` block at the start, as llama-server, vLLM without a
//! reasoning parser and LM Studio send it) is shown as reasoning, never
//! taken as the answer; a delta carrying the same reasoning twice
//! (`reasoning_content` and `reasoning`) shows it once; a Responses
//! server's raw reasoning (`reasoning_text`) is shown too.

use crate::support;

use serde_json::{Value, json};
use support::model_server::Reply;
use support::quire::{Run, TestEnv};

use super::truncated::sse;

fn chunk(delta: Value, finish_reason: Option<&str>) -> Vec<u8> {
    sse(
        None,
        json!({"object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}),
    )
}

/// A stream of these content pieces, then the end.
fn content(pieces: &[&str]) -> Reply {
    let mut body: Vec<Vec<u8>> = pieces
        .iter()
        .map(|p| chunk(json!({"content": p}), None))
        .collect();
    body.push(chunk(json!({}), Some("stop")));
    body.push(b"data: [DONE]\n\n".to_vec());
    Reply::Raw(body)
}

fn joined(run: &Run, ty: &str) -> String {
    run.of_type(ty)
        .iter()
        .filter_map(|e| e["delta"].as_str())
        .collect()
}

/// The answer `-o FILE` got, and what the session recorded as said.
fn answer(env: &TestEnv) -> (String, Vec<String>) {
    let recorded = env
        .session_records()
        .iter()
        .filter(|r| r["item"]["type"] == "assistant")
        .filter_map(|r| r["item"]["text"].as_str().map(str::to_string))
        .collect();
    (env.read("answer.txt").trim_end().to_string(), recorded)
}

/// The tags cut between chunks (`<thi` + `nk>`): still the reasoning.
#[test]
fn a_think_block_at_the_start_is_reasoning_not_the_answer() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        content(&[
            "<thi",
            "nk>\nLet me think",
            " about it.\n</th",
            "ink>",
            "\n\nThe answer is 42.",
        ]),
        Reply::text("next"),
    ]);
    let run = env.exec_json("q", &["-o", "answer.txt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        joined(&run, "reasoning_delta").trim(),
        "Let me think about it."
    );
    assert_eq!(joined(&run, "text_delta"), "The answer is 42.");
    assert_eq!(
        run.of_type("message_completed")[0]["text"],
        "The answer is 42."
    );
    let (file, recorded) = answer(&env);
    assert_eq!(file, "The answer is 42.");
    assert_eq!(recorded, ["The answer is 42."]);

    // Not sent back either.
    let run = env.run(&["exec", "--json", "--resume", "last", "again"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sent = &env.server.requests()[1].raw_body;
    assert!(sent.contains("The answer is 42."), "{sent}");
    assert!(!sent.contains("Let me think"), "{sent}");
}

/// `<think>` written later in the answer is the model's text.
#[test]
fn a_think_tag_later_in_the_answer_is_text() {
    let env = TestEnv::new("chat");
    let said = "Models write <think>…</think> before answering.";
    env.server.push(content(&[
        "Models write <thi",
        "nk>…</think> before answering.",
    ]));
    let run = env.exec_json("q", &["-o", "answer.txt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.of_type("reasoning_delta").is_empty(),
        "{:?}",
        run.types()
    );
    assert_eq!(joined(&run, "text_delta"), said);
    assert_eq!(answer(&env), (said.to_string(), vec![said.to_string()]));
}

/// vLLM (during its rename) and some gateways fill both fields.
#[test]
fn reasoning_in_both_fields_is_shown_once() {
    let env = TestEnv::new("chat");
    let both = |t: &str| chunk(json!({"reasoning_content": t, "reasoning": t}), None);
    env.server.push(Reply::Raw(vec![
        both("Let me "),
        both("think."),
        chunk(json!({"content": "Answer."}), None),
        chunk(json!({}), Some("stop")),
        b"data: [DONE]\n\n".to_vec(),
    ]));
    let run = env.exec_json("q", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(joined(&run, "reasoning_delta"), "Let me think.");
    assert_eq!(joined(&run, "text_delta"), "Answer.");
}

/// Responses servers that stream the raw reasoning (vLLM for gpt-oss, LM
/// Studio) send `response.reasoning_text.delta`: shown as reasoning.
#[test]
fn responses_reasoning_text_is_shown() {
    let env = TestEnv::new("responses");
    let ev = |data: Value| sse(data["type"].as_str(), data.clone());
    let reasoning = json!({"id": "rs_1", "type": "reasoning", "summary": [],
        "content": [{"type": "reasoning_text", "text": "The user wants 42."}]});
    let message = json!({"id": "msg_1", "type": "message", "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": "42", "annotations": []}]});
    let mut body = vec![ev(
        json!({"type": "response.output_item.added", "output_index": 0,
        "item": {"id": "rs_1", "type": "reasoning", "summary": [], "content": []}}),
    )];
    for t in ["The user ", "wants 42."] {
        body.push(ev(
            json!({"type": "response.reasoning_text.delta", "item_id": "rs_1",
            "output_index": 0, "content_index": 0, "delta": t}),
        ));
    }
    body.extend([
        ev(json!({"type": "response.output_item.done", "output_index": 0, "item": reasoning})),
        ev(
            json!({"type": "response.output_text.delta", "item_id": "msg_1",
            "output_index": 1, "content_index": 0, "delta": "42"}),
        ),
        ev(json!({"type": "response.output_item.done", "output_index": 1, "item": message})),
        ev(
            json!({"type": "response.completed", "response": {"id": "resp_1",
            "status": "completed", "output": [reasoning, message],
            "usage": {"input_tokens": 11, "output_tokens": 7}}}),
        ),
    ]);
    env.server.push(Reply::Raw(body));
    let run = env.exec_json("q", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(joined(&run, "reasoning_delta"), "The user wants 42.");
    assert_eq!(joined(&run, "text_delta"), "42");
}
