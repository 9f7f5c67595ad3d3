use bytes::Bytes;
use serde_json::json;

use super::*;
use crate::model::wire::test_support::run;
use crate::protocol::ToolSpec;

fn history() -> Vec<Item> {
    vec![
        Item::User {
            typed: None,
            text: "list files".into(),
        },
        Item::Context {
            source: "skills".into(),
            text: "# Skills".into(),
        },
        Item::Assistant {
            text: "Looking.".into(),
        },
        Item::ToolCall {
            call_id: "call_1".into(),
            name: "shell".into(),
            arguments: r#"{"command":"ls"}"#.into(),
        },
        Item::ToolResult {
            call_id: "call_1".into(),
            output: "a.txt".into(),
            is_error: false,
        },
        Item::SkillActivation {
            name: "pdf".into(),
            body: "Use pdftotext.".into(),
        },
        Item::CompactionSummary {
            text: "We listed files.".into(),
        },
    ]
}

fn request(tools: bool) -> ModelRequest {
    ModelRequest {
        model: "gpt-5.1".into(),
        instructions: "You are quire.".into(),
        items: history(),
        tools: if tools {
            vec![ToolSpec {
                name: "shell".into(),
                description: "Run a command".into(),
                parameters: json!({"type":"object","properties":{"command":{"type":"string"}}}),
                read_only: false,
                destructive: true,
            }]
        } else {
            Vec::new()
        },
        max_output_tokens: Some(1000),
        cache_key: Some("session-1".into()),
        reasoning: Default::default(),
        output_schema: None,
    }
}

#[test]
fn body_has_every_item_kind() {
    assert_eq!(
        request_body(&request(true)),
        json!({
            "model": "gpt-5.1",
            "instructions": "You are quire.",
            "input": [
                {"type":"message","role":"user","content":[{"type":"input_text","text":"list files"}]},
                {"type":"message","role":"developer","content":[{"type":"input_text","text":"# Skills"}]},
                {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Looking."}]},
                {"type":"function_call","call_id":"call_1","name":"shell","arguments":"{\"command\":\"ls\"}"},
                {"type":"function_call_output","call_id":"call_1","output":"a.txt"},
                {"type":"message","role":"user","content":[{"type":"input_text","text":"Use pdftotext."}]},
                {"type":"message","role":"user","content":[{"type":"input_text",
                    "text":"Summary of the conversation so far (the earlier history was compacted):\n\nWe listed files."}]},
            ],
            "tools": [{
                "type": "function",
                "name": "shell",
                "description": "Run a command",
                "parameters": {"type":"object","properties":{"command":{"type":"string"}}},
                "strict": false,
            }],
            "tool_choice": "auto",
            "parallel_tool_calls": true,
            "stream": true,
            "store": false,
            "max_output_tokens": 1000,
            "prompt_cache_key": "session-1",
        })
    );
}

#[test]
fn body_without_tools_omits_tools_and_tool_choice() {
    let mut r = request(false);
    r.max_output_tokens = None;
    let body = request_body(&r);
    let obj = body.as_object().unwrap();
    assert!(!obj.contains_key("tools"));
    assert!(!obj.contains_key("tool_choice"));
    assert!(!obj.contains_key("max_output_tokens"));
    assert_eq!(body["stream"], json!(true));
}

fn decode(chunks: Vec<Result<Bytes, String>>) -> ModelStream {
    decode_stream(super::super::sse::decode(futures::stream::iter(chunks)))
}

fn sse_body(events: &[serde_json::Value]) -> String {
    events
        .iter()
        .map(|e| {
            format!(
                "event: {}\r\ndata: {}\r\n\r\n",
                e["type"].as_str().unwrap(),
                e
            )
        })
        .collect()
}

fn text(s: &str) -> Result<ModelEvent, String> {
    Ok(ModelEvent::TextDelta(s.into()))
}

fn call(id: &str, name: &str, args: &str) -> Result<ModelEvent, String> {
    Ok(ModelEvent::ToolCall(ToolCall {
        call_id: id.into(),
        name: name.into(),
        arguments: args.into(),
    }))
}

#[tokio::test]
async fn text_tool_calls_and_usage() {
    let body = sse_body(&[
        json!({"type":"response.created","response":{"id":"resp_1","status":"in_progress"}}),
        json!({"type":"response.output_item.added","output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[]}}),
        json!({"type":"response.reasoning_summary_text.delta","item_id":"rs_1","output_index":0,"summary_index":0,"delta":"**Reading** the file"}),
        json!({"type":"response.output_item.done","output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"**Reading** the file"}]}}),
        json!({"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}),
        json!({"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hé"}),
        json!({"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"llo 😀"}),
        json!({"type":"response.output_item.added","output_index":1,"item":{"type":"function_call","id":"fc_1","call_id":"call_a","name":"read_file","arguments":""}}),
        json!({"type":"response.function_call_arguments.delta","item_id":"fc_1","output_index":1,"delta":"{\"path\":"}),
        json!({"type":"response.function_call_arguments.delta","item_id":"fc_1","output_index":1,"delta":"\"a.txt\"}"}),
        json!({"type":"response.output_item.added","output_index":2,"item":{"type":"function_call","id":"fc_2","call_id":"call_b","name":"shell","arguments":""}}),
        json!({"type":"response.function_call_arguments.delta","item_id":"fc_2","output_index":2,"delta":"{\"command\""}),
        json!({"type":"response.function_call_arguments.done","item_id":"fc_1","output_index":1,"arguments":"{\"path\":\"a.txt\"}"}),
        json!({"type":"response.output_item.done","output_index":1,"item":{"type":"function_call","id":"fc_1","call_id":"call_a","name":"read_file","arguments":"{\"path\":\"a.txt\"}","status":"completed"}}),
        json!({"type":"response.function_call_arguments.delta","item_id":"fc_2","output_index":2,"delta":":\"ls\"}"}),
        // No output_item.done for fc_2: assembled from the deltas.
        json!({"type":"response.completed","response":{"id":"resp_1","status":"completed","usage":{
            "input_tokens":120,"input_tokens_details":{"cached_tokens":100},
            "output_tokens":30,"output_tokens_details":{"reasoning_tokens":12},"total_tokens":150}}}),
    ]);
    let body = format!(": keep-alive\n\n{body}");
    assert_eq!(
        run(&body, decode).await,
        vec![
            Ok(ModelEvent::ReasoningDelta("**Reading** the file".into())),
            // Kept (without encrypted content it is never sent back).
            Ok(ModelEvent::Thinking(Item::Reasoning {
                id: "rs_1".into(),
                summary: vec!["**Reading** the file".into()],
                encrypted_content: String::new(),
            })),
            text("Hé"),
            text("llo 😀"),
            call("call_a", "read_file", r#"{"path":"a.txt"}"#),
            call("call_b", "shell", r#"{"command":"ls"}"#),
            Ok(ModelEvent::Completed {
                usage: Some(Usage {
                    input_tokens: 120,
                    output_tokens: 30,
                    cached_input_tokens: 100,
                    cache_write_input_tokens: 0,
                    reasoning_output_tokens: 12,
                })
            }),
        ]
    );
}

/// Some Responses-compatible servers send only finished items, no deltas:
/// the text and the reasoning summary are taken from them, once.
#[tokio::test]
async fn finished_items_without_deltas_still_bring_their_text() {
    let body = sse_body(&[
        json!({"type":"response.created","response":{"id":"r","status":"in_progress"}}),
        json!({"type":"response.output_item.done","output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Looking"}]}}),
        json!({"type":"response.output_item.done","output_index":1,"item":{"type":"message","id":"m_1","role":"assistant","content":[{"type":"output_text","text":"All ","annotations":[]},{"type":"output_text","text":"done.","annotations":[]}]}}),
        json!({"type":"response.completed","response":{"id":"r","status":"completed"}}),
    ]);
    assert_eq!(
        run(&body, decode).await,
        vec![
            Ok(ModelEvent::ReasoningDelta("Looking".into())),
            Ok(ModelEvent::Thinking(Item::Reasoning {
                id: "rs_1".into(),
                summary: vec!["Looking".into()],
                encrypted_content: String::new(),
            })),
            text("All done."),
            Ok(ModelEvent::Completed { usage: None }),
        ]
    );
}

#[tokio::test]
async fn incomplete_completes_and_nothing_follows_completion() {
    let body = sse_body(&[
        json!({"type":"response.output_text.delta","item_id":"m","delta":"partial"}),
        json!({"type":"response.incomplete","response":{"incomplete_details":{"reason":"max_output_tokens"},"usage":null}}),
        json!({"type":"response.output_text.delta","item_id":"m","delta":"ignored"}),
    ]);
    assert_eq!(
        run(&body, decode).await,
        vec![
            text("partial"),
            Ok(ModelEvent::Truncated),
            Ok(ModelEvent::Completed { usage: None })
        ]
    );
}

#[tokio::test]
async fn an_incomplete_response_for_another_reason_is_not_truncated() {
    let body = sse_body(&[
        json!({"type":"response.output_text.delta","item_id":"m","delta":"partial"}),
        json!({"type":"response.incomplete","response":{"incomplete_details":{"reason":"content_filter"},"usage":null}}),
    ]);
    assert_eq!(
        run(&body, decode).await,
        vec![
            text("partial"),
            Ok(ModelEvent::Refused(
                "its content filter (response.incomplete, reason content_filter)".into()
            )),
            Ok(ModelEvent::Completed { usage: None })
        ]
    );
}

#[tokio::test]
async fn failed_and_error_events() {
    let body = sse_body(&[
        json!({"type":"response.failed","response":{"status":"failed",
        "error":{"code":"context_length_exceeded","message":"Your input exceeds the context window of this model."}}}),
    ]);
    assert_eq!(
        run(&body, decode).await,
        vec![Err(
            "ContextWindow: Your input exceeds the context window of this model.".into()
        )]
    );
    let body = sse_body(&[
        json!({"type":"response.failed","response":{"status":"failed",
        "error":{"code":"server_error","message":"The server had an error."}}}),
    ]);
    assert_eq!(
        run(&body, decode).await,
        vec![Err("Provider: The server had an error.".into())]
    );
    let body = sse_body(&[
        json!({"type":"response.output_text.delta","item_id":"m","delta":"a"}),
        json!({"type":"error","code":"rate_limit_exceeded","message":"Slow down.","param":null,"sequence_number":3}),
    ]);
    assert_eq!(
        run(&body, decode).await,
        vec![text("a"), Err("Provider: Slow down.".into())]
    );
}

#[tokio::test]
async fn body_ending_before_completion_is_stream_cut() {
    let body = sse_body(&[
        json!({"type":"response.output_text.delta","item_id":"m","delta":"Hel"}),
        json!({"type":"response.output_item.added","item":{"type":"function_call","id":"fc","call_id":"c","name":"shell","arguments":""}}),
    ]);
    // Cut in the middle of the next event's JSON.
    let body = format!("{body}data: {{\"type\":\"response.output_text.del");
    assert_eq!(
        run(&body, decode).await,
        vec![text("Hel"), Err("StreamCut".into())]
    );
}

#[tokio::test]
async fn invalid_json_is_a_decode_error() {
    assert_eq!(
        run("data: {not json}\n\n", decode).await,
        vec![Err("Decode".into())]
    );
}

#[tokio::test]
async fn a_chat_completions_stream_is_named_as_the_other_wire_api() {
    let chunk = r#"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}]}"#;
    for body in [
        format!("data: {chunk}\n\ndata: [DONE]\n\n"),
        "data: [DONE]\n\n".to_string(),
    ] {
        let mut stream = decode(vec![Ok(Bytes::from(body))]);
        let mut message = None;
        while let Some(event) = futures::StreamExt::next(&mut stream).await {
            if let Err(e) = event {
                message = Some(e.to_string());
            }
        }
        let message = message.unwrap_or_default();
        assert!(message.contains("Chat Completions"), "{message}");
        assert!(message.contains("wire_api = \"chat\""), "{message}");
    }
}

/// Anthropic's thinking blocks are not sent.
#[test]
fn thinking_items_are_left_out() {
    let plain = request(true);
    let thought = ModelRequest {
        items: crate::model::wire::test_support::with_thinking(&plain.items),
        ..plain.clone()
    };
    assert_eq!(request_body(&thought), request_body(&plain));
}
