use bytes::Bytes;
use serde_json::json;

use super::*;
use crate::model::wire::test_support::run;
use crate::protocol::ToolSpec;

fn request() -> ModelRequest {
    ModelRequest {
        model: "claude-sonnet-4-5".into(),
        instructions: "You are quire.".into(),
        items: vec![
            Item::CompactionSummary {
                text: "We started.".into(),
            },
            Item::User {
                typed: None,
                text: "read a.txt".into(),
            },
            Item::Context {
                source: "skills".into(),
                text: "# Skills".into(),
            },
            Item::Assistant {
                text: "Reading.".into(),
            },
            Item::ToolCall {
                call_id: "toolu_1".into(),
                name: "read".into(),
                arguments: r#"{"path":"a.txt"}"#.into(),
            },
            Item::ToolCall {
                call_id: "toolu_2".into(),
                name: "shell".into(),
                arguments: "{not json".into(),
            },
            Item::ToolResult {
                call_id: "toolu_1".into(),
                output: "hello".into(),
                is_error: false,
            },
            Item::ToolResult {
                call_id: "toolu_2".into(),
                output: "invalid arguments".into(),
                is_error: true,
            },
            Item::SkillActivation {
                name: "pdf".into(),
                body: "Use pdftotext.".into(),
            },
            Item::Assistant {
                text: String::new(),
            },
            Item::Assistant {
                text: "Done.".into(),
            },
        ],
        tools: vec![ToolSpec {
            name: "read".into(),
            description: "Read a file".into(),
            parameters: json!({"type":"object","properties":{"path":{"type":"string"}}}),
            read_only: true,
            destructive: false,
        }],
        max_output_tokens: None,
        cache_key: Some("session-1".into()),
        reasoning: Default::default(),
        output_schema: None,
    }
}

#[test]
fn body_merges_roles_and_has_every_item_kind() {
    assert_eq!(
        request_body(&request()),
        json!({
            "model": "claude-sonnet-4-5",
            "system": [{"type":"text","text":"You are quire.","cache_control":{"type":"ephemeral"}}],
            "messages": [
                {"role":"user","content":[
                    {"type":"text","text":"Summary of the conversation so far (the earlier history was compacted):\n\nWe started."},
                    {"type":"text","text":"read a.txt"},
                    {"type":"text","text":"# Skills"},
                ]},
                {"role":"assistant","content":[
                    {"type":"text","text":"Reading."},
                    {"type":"tool_use","id":"toolu_1","name":"read","input":{"path":"a.txt"}},
                    {"type":"tool_use","id":"toolu_2","name":"shell","input":{}},
                ]},
                {"role":"user","content":[
                    {"type":"tool_result","tool_use_id":"toolu_1","content":"hello","is_error":false},
                    {"type":"tool_result","tool_use_id":"toolu_2","content":"invalid arguments","is_error":true},
                    {"type":"text","text":"Use pdftotext."},
                ]},
                {"role":"assistant","content":[
                    {"type":"text","text":"Done.","cache_control":{"type":"ephemeral"}},
                ]},
            ],
            "tools": [{"name":"read","description":"Read a file",
                "input_schema":{"type":"object","properties":{"path":{"type":"string"}}},
                "cache_control":{"type":"ephemeral"}}],
            "max_tokens": 8192,
            "stream": true,
        })
    );
}

#[test]
fn body_limit_and_no_tools() {
    let mut r = request();
    r.tools.clear();
    r.max_output_tokens = Some(1024);
    r.instructions.clear();
    let body = request_body(&r);
    assert_eq!(body["max_tokens"], json!(1024));
    assert!(body.get("tools").is_none());
    assert!(body.get("system").is_none());
}

fn decode(chunks: Vec<Result<Bytes, String>>) -> ModelStream {
    decode_stream(super::super::sse::decode(futures::stream::iter(chunks)))
}

fn sse_body(events: &[serde_json::Value]) -> String {
    events
        .iter()
        .map(|e| format!("event: {}\ndata: {}\n\n", e["type"].as_str().unwrap(), e))
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

fn message_start() -> serde_json::Value {
    json!({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],
        "model":"claude-sonnet-4-5","stop_reason":null,
        "usage":{"input_tokens":20,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":1}}})
}

#[tokio::test]
async fn text_tool_uses_and_usage() {
    let body = sse_body(&[
        message_start(),
        json!({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}),
        json!({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}),
        json!({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}}),
        json!({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"Cgg=="}}),
        json!({"type":"content_block_stop","index":0}),
        json!({"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}),
        json!({"type":"ping"}),
        json!({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Let me "}}),
        json!({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"look — ok"}}),
        json!({"type":"content_block_stop","index":1}),
        json!({"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_a","name":"read","input":{}}}),
        json!({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}),
        json!({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"path\": \"a"}}),
        json!({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":".txt\"}"}}),
        json!({"type":"content_block_stop","index":2}),
        json!({"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_b","name":"list","input":{}}}),
        json!({"type":"content_block_stop","index":3}),
        json!({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":42}}),
        json!({"type":"message_stop"}),
    ]);
    assert_eq!(
        run(&body, decode).await,
        vec![
            Ok(ModelEvent::ReasoningDelta("hmm".into())),
            Ok(ModelEvent::Thinking(Item::Thinking {
                text: "hmm".into(),
                signature: "EqQBCgg==".into(),
            })),
            text("Let me "),
            text("look — ok"),
            call("toolu_a", "read", r#"{"path": "a.txt"}"#),
            // No arguments: `{}` once the answer is known not cut
            // (`retry::complete`).
            call("toolu_b", "list", ""),
            Ok(ModelEvent::Completed {
                usage: Some(Usage {
                    input_tokens: 125,
                    output_tokens: 42,
                    cached_input_tokens: 100,
                    cache_write_input_tokens: 5,
                    reasoning_output_tokens: 0,
                })
            }),
        ]
    );
}

#[tokio::test]
async fn error_events() {
    let body = sse_body(&[
        message_start(),
        json!({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}),
    ]);
    assert_eq!(
        run(&body, decode).await,
        vec![Err("Provider: overloaded_error: Overloaded".into())]
    );
    let body = sse_body(&[
        json!({"type":"error","error":{"type":"invalid_request_error",
        "message":"prompt is too long: 201000 tokens > 200000 maximum"}}),
    ]);
    assert_eq!(
        run(&body, decode).await,
        vec![Err(
            "ContextWindow: prompt is too long: 201000 tokens > 200000 maximum".into()
        )]
    );
}

/// `model_context_window_exceeded` is no finished answer: the turn loop
/// learns it filled the window.
#[tokio::test]
async fn an_answer_stopped_at_the_context_window_says_so() {
    let body = sse_body(&[
        message_start(),
        json!({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}),
        json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"partial"}}),
        json!({"type":"content_block_stop","index":0}),
        json!({"type":"message_delta","delta":{"stop_reason":"model_context_window_exceeded"},"usage":{"output_tokens":7}}),
        json!({"type":"message_stop"}),
    ]);
    let events = run(&body, decode).await;
    assert_eq!(events[0], text("partial"));
    assert_eq!(events[1], Ok(ModelEvent::WindowFull));
    assert!(matches!(events[2], Ok(ModelEvent::Completed { .. })));
}

#[tokio::test]
async fn body_ending_before_message_stop_is_stream_cut() {
    let body = sse_body(&[
        message_start(),
        json!({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}),
        json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}),
        json!({"type":"content_block_stop","index":0}),
        json!({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}),
    ]);
    assert_eq!(
        run(&body, decode).await,
        vec![text("Hi"), Err("StreamCut".into())]
    );
}

#[tokio::test]
async fn redacted_thinking_is_kept_whole() {
    let body = sse_body(&[
        message_start(),
        json!({"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"EmwKAhgB=="}}),
        json!({"type":"content_block_stop","index":0}),
        json!({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}),
        json!({"type":"message_stop"}),
    ]);
    let events = run(&body, decode).await;
    assert_eq!(
        events[0],
        Ok(ModelEvent::Thinking(Item::RedactedThinking {
            data: "EmwKAhgB==".into()
        }))
    );
}

#[test]
fn thinking_goes_back_before_the_answer_and_the_budget_turns_it_on() {
    let r = ModelRequest {
        items: vec![
            Item::User {
                typed: None,
                text: "go".into(),
            },
            Item::Thinking {
                text: "plan".into(),
                signature: "S".into(),
            },
            Item::RedactedThinking { data: "D".into() },
            Item::Assistant {
                text: "Reading.".into(),
            },
            Item::ToolCall {
                call_id: "t1".into(),
                name: "read".into(),
                arguments: "{}".into(),
            },
            Item::ToolResult {
                call_id: "t1".into(),
                output: "x".into(),
                is_error: false,
            },
        ],
        max_output_tokens: Some(2000),
        ..request()
    };
    let mut body = request_body(&r);
    assert_eq!(
        body["messages"][1]["content"],
        json!([
            {"type": "thinking", "thinking": "plan", "signature": "S"},
            {"type": "redacted_thinking", "data": "D"},
            {"type": "text", "text": "Reading."},
            {"type": "tool_use", "id": "t1", "name": "read", "input": {}},
        ])
    );
    assert!(body.get("thinking").is_none());
    thinking::enable(&mut body, 4000);
    assert_eq!(
        body["thinking"],
        json!({"type": "enabled", "budget_tokens": 4000})
    );
    assert_eq!(body["max_tokens"], 6000, "raised above the budget");
}
