use bytes::Bytes;
use serde_json::json;

use super::*;
use futures::StreamExt;

use crate::model::wire::test_support::{chunks, kind, run};
use crate::protocol::ToolSpec;

fn request() -> ModelRequest {
    ModelRequest {
        model: "qwen3-coder".into(),
        instructions: "You are quire.".into(),
        items: vec![
            Item::User {
                typed: None,
                text: "list and read".into(),
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
            Item::ToolCall {
                call_id: "call_2".into(),
                name: "list".into(),
                arguments: String::new(),
            },
            Item::ToolResult {
                call_id: "call_1".into(),
                output: "a.txt".into(),
                is_error: false,
            },
            Item::ToolResult {
                call_id: "call_2".into(),
                output: "error: no".into(),
                is_error: true,
            },
            Item::ToolCall {
                call_id: "call_3".into(),
                name: "read".into(),
                arguments: r#"{"path":"a.txt"}"#.into(),
            },
            Item::ToolResult {
                call_id: "call_3".into(),
                output: "hello".into(),
                is_error: false,
            },
            Item::Assistant {
                text: "It says hello.".into(),
            },
            Item::SkillActivation {
                name: "pdf".into(),
                body: "Use pdftotext.".into(),
            },
            Item::CompactionSummary {
                text: "We read a.txt.".into(),
            },
        ],
        tools: vec![ToolSpec {
            name: "shell".into(),
            description: "Run a command".into(),
            parameters: json!({"type":"object"}),
            read_only: false,
            destructive: false,
        }],
        max_output_tokens: Some(512),
        cache_key: Some("session-1".into()),
        reasoning: Default::default(),
        output_schema: None,
    }
}

#[test]
fn body_has_every_item_kind_and_merges_assistant_turns() {
    assert_eq!(
        request_body(&request()),
        json!({
            "model": "qwen3-coder",
            "messages": [
                {"role":"system","content":"You are quire."},
                {"role":"user","content":"list and read\n\n# Skills"},
                {"role":"assistant","content":"Looking.","tool_calls":[
                    {"id":"call_1","type":"function","function":{"name":"shell","arguments":"{\"command\":\"ls\"}"}},
                    {"id":"call_2","type":"function","function":{"name":"list","arguments":"{}"}},
                ]},
                {"role":"tool","tool_call_id":"call_1","content":"a.txt"},
                {"role":"tool","tool_call_id":"call_2","content":"error: no"},
                {"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_3","type":"function","function":{"name":"read","arguments":"{\"path\":\"a.txt\"}"}},
                ]},
                {"role":"tool","tool_call_id":"call_3","content":"hello"},
                {"role":"assistant","content":"It says hello."},
                // No two user messages in a row: strict templates refuse them.
                {"role":"user","content":"Use pdftotext.\n\nSummary of the conversation so far (the earlier history was compacted):\n\nWe read a.txt."},
            ],
            "tools": [{"type":"function","function":{
                "name":"shell","description":"Run a command","parameters":{"type":"object"}}}],
            "stream": true,
            "stream_options": {"include_usage": true},
            "max_tokens": 512,
        })
    );
}

#[test]
fn body_without_tools_or_limit() {
    let mut r = request();
    r.tools.clear();
    r.max_output_tokens = None;
    let body = request_body(&r);
    let obj = body.as_object().unwrap();
    assert!(!obj.contains_key("tools"));
    assert!(!obj.contains_key("max_tokens"));
}

fn decode(chunks: Vec<Result<Bytes, String>>) -> ModelStream {
    decode_stream(super::super::sse::decode(futures::stream::iter(chunks)))
}

fn sse_body(chunks: &[serde_json::Value], done: bool) -> String {
    let mut s: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    if done {
        s.push_str("data: [DONE]\n\n");
    }
    s
}

fn delta(d: serde_json::Value) -> serde_json::Value {
    json!({"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":d,"finish_reason":null}],"usage":null})
}

fn finish(reason: &str) -> serde_json::Value {
    json!({"id":"chatcmpl-1","choices":[{"index":0,"delta":{},"finish_reason":reason}]})
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
async fn text_streamed_tool_calls_and_usage() {
    let body = sse_body(
        &[
            delta(json!({"role":"assistant","content":""})),
            delta(json!({"reasoning_content":"thinking..."})),
            delta(json!({"reasoning":" (Ollama's name)"})),
            delta(json!({"content":"Let me "})),
            delta(json!({"content":"check ✓"})),
            delta(
                json!({"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"shell","arguments":""}}]}),
            ),
            delta(json!({"tool_calls":[{"index":0,"function":{"arguments":"{\"comm"}}]})),
            delta(
                json!({"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"read","arguments":"{\"pa"}}]}),
            ),
            delta(json!({"tool_calls":[{"index":0,"function":{"arguments":"and\":\"ls\"}"}}]})),
            delta(json!({"tool_calls":[{"index":1,"function":{"arguments":"th\":\"a\"}"}}]})),
            finish("tool_calls"),
            json!({"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":50,"completion_tokens":9,"total_tokens":59,
                "prompt_tokens_details":{"cached_tokens":32}}}),
        ],
        true,
    );
    assert_eq!(
        run(&body, decode).await,
        vec![
            Ok(ModelEvent::ReasoningDelta("thinking...".into())),
            Ok(ModelEvent::ReasoningDelta(" (Ollama's name)".into())),
            text("Let me "),
            text("check ✓"),
            call("call_a", "shell", r#"{"command":"ls"}"#),
            call("call_b", "read", r#"{"path":"a"}"#),
            Ok(ModelEvent::Completed {
                usage: Some(Usage {
                    input_tokens: 50,
                    output_tokens: 9,
                    cached_input_tokens: 32,
                    cache_write_input_tokens: 0,
                    reasoning_output_tokens: 0,
                })
            }),
        ]
    );
}

#[tokio::test]
async fn whole_calls_in_one_chunk_without_ids_and_no_done_after_finish() {
    // Like some local servers: complete calls in one chunk, no ids, no
    // index on the pieces, and the body ends without [DONE].
    let body = sse_body(
        &[
            delta(json!({"tool_calls":[
                {"function":{"name":"shell","arguments":"{\"command\":\"pwd\"}"}},
            ]})),
            delta(json!({"tool_calls":[
                {"index":1,"function":{"name":"list","arguments":{"path":"."}}},
            ]})),
            finish("tool_calls"),
        ],
        false,
    );
    let mut ids = Vec::new();
    for size in [1, 5, body.len()] {
        let mut events: Vec<_> = decode(chunks(&body, size)).collect().await;
        // Generated ids end in a random suffix: check and strip it.
        for e in &mut events {
            if let Ok(ModelEvent::ToolCall(c)) = e {
                let (prefix, suffix) = c.call_id.rsplit_once('_').unwrap();
                assert_eq!(suffix.len(), 8, "{}", c.call_id);
                ids.push(c.call_id.clone());
                c.call_id = prefix.to_string();
            }
        }
        let events: Vec<_> = events
            .into_iter()
            .map(|r| r.map_err(|e| kind(&e)))
            .collect();
        assert_eq!(
            events,
            vec![
                call("call_0", "shell", r#"{"command":"pwd"}"#),
                call("call_1", "list", r#"{"path":"."}"#),
                Ok(ModelEvent::Completed { usage: None }),
            ],
            "chunk size {size}"
        );
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "generated ids must be unique: {ids:?}");
}

/// A call without a function name is passed on (the registry tells the
/// model it named no tool), never dropped; only an empty piece is.
#[tokio::test]
async fn a_call_without_a_name_is_kept() {
    let body = sse_body(
        &[
            delta(json!({"tool_calls":[
                {"index":0,"id":"call_x","function":{"name":"","arguments":"{}"}},
                {"index":1},
            ]})),
            finish("tool_calls"),
        ],
        true,
    );
    assert_eq!(
        run(&body, decode).await,
        vec![
            call("call_x", "", "{}"),
            Ok(ModelEvent::Completed { usage: None }),
        ]
    );
}

#[tokio::test]
async fn body_cut_before_finish_is_stream_cut() {
    let body = sse_body(
        &[
            delta(json!({"content":"Hi"})),
            delta(
                json!({"tool_calls":[{"index":0,"id":"c","function":{"name":"shell","arguments":"{"}}]}),
            ),
        ],
        false,
    );
    assert_eq!(
        run(&body, decode).await,
        vec![text("Hi"), Err("StreamCut".into())]
    );
}

#[tokio::test]
async fn error_chunks() {
    let body = sse_body(
        &[
            delta(json!({"content":"a"})),
            json!({"error":{"message":"Provider returned error","code":502}}),
        ],
        true,
    );
    assert_eq!(
        run(&body, decode).await,
        vec![text("a"), Err("Provider: Provider returned error".into())]
    );
    let body = sse_body(
        &[
            json!({"error":{"message":"This model's maximum context length is 8192 tokens","type":"invalid_request_error","code":"context_length_exceeded"}}),
        ],
        false,
    );
    assert_eq!(
        run(&body, decode).await,
        vec![Err(
            "ContextWindow: This model's maximum context length is 8192 tokens".into()
        )]
    );
    let body = sse_body(
        &[
            json!({"object":"error","message":"the request exceeds the available context size","type":"BadRequestError","code":400}),
        ],
        false,
    );
    assert_eq!(
        run(&body, decode).await,
        vec![Err(
            "ContextWindow: the request exceeds the available context size".into()
        )]
    );
    // llama.cpp: an `error:` line, its data the error.
    let body = format!(
        "{}error: {}\n\n",
        sse_body(&[delta(json!({"content":"a"}))], false),
        json!({"code":500,"message":"the request exceeds the available context size","type":"exceed_context_size_error"})
    );
    assert_eq!(
        run(&body, decode).await,
        vec![
            text("a"),
            Err("ContextWindow: the request exceeds the available context size".into())
        ]
    );
}

#[tokio::test]
async fn done_before_a_finish_reason_is_stream_cut() {
    let body = sse_body(&[delta(json!({"content":"The answer is"}))], true);
    assert_eq!(
        run(&body, decode).await,
        vec![text("The answer is"), Err("StreamCut".into())]
    );
}

#[test]
fn context_after_a_tool_result_is_a_user_message() {
    let items = vec![
        Item::User {
            typed: None,
            text: "go".into(),
        },
        Item::ToolCall {
            call_id: "c".into(),
            name: "shell".into(),
            arguments: "{}".into(),
        },
        Item::ToolResult {
            call_id: "c".into(),
            output: "ok".into(),
            is_error: false,
        },
        Item::Context {
            source: "mcp".into(),
            text: "server up".into(),
        },
    ];
    let body = request_body(&ModelRequest { items, ..request() });
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(
        messages.last().unwrap(),
        &json!({"role": "user", "content": "server up"})
    );
    assert!(!body.to_string().contains("developer"));
}

/// Context before a message (a `SessionStart` hook's), user items in a row
/// (older session files kept hook context so; messages a compaction kept):
/// one user message, its parts in order.
#[test]
fn user_items_in_a_row_are_one_user_message() {
    let user = |t: &str| Item::User {
        typed: None,
        text: t.into(),
    };
    let items = vec![
        Item::Context {
            source: "hooks".into(),
            text: "start".into(),
        },
        user("hi"),
        user("<hook_context>old</hook_context>"),
        Item::Assistant { text: "yes".into() },
        user("kept"),
        Item::CompactionSummary { text: "S".into() },
        user("next"),
    ];
    let body = request_body(&ModelRequest { items, ..request() });
    let messages = body["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages.iter().filter_map(|m| m["role"].as_str()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert_eq!(
        messages[1]["content"],
        "start\n\nhi\n\n<hook_context>old</hook_context>"
    );
    let last = messages[3]["content"].as_str().unwrap();
    assert!(
        last.starts_with("kept\n\nSummary of the conversation"),
        "{last}"
    );
    assert!(last.ends_with("S\n\nnext"), "{last}");
}

/// Anthropic's thinking blocks are not sent.
#[test]
fn thinking_items_are_left_out() {
    let plain = request();
    let thought = ModelRequest {
        items: crate::model::wire::test_support::with_thinking(&plain.items),
        ..plain.clone()
    };
    assert_eq!(request_body(&thought), request_body(&plain));
}
