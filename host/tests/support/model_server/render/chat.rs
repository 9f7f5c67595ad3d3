//! Chat Completions stream (`POST /v1/chat/completions`).

use serde_json::{Value, json};

use super::Step;
use super::{Ctx, End, Out, Rendered, argument_pieces, cached, text_pieces, unix_now, usage};

pub(super) fn render(ctx: &Ctx, steps: &[Step], end: End<'_>) -> Rendered {
    let (input, output_tokens) = usage(steps);
    let (read, _) = cached(steps);
    let created = unix_now();
    let chunk = |choices: Value| {
        json!({
            "id": format!("chatcmpl-{:06}", ctx.seq),
            "object": "chat.completion.chunk",
            "created": created,
            "model": ctx.model,
            "system_fingerprint": "fp_quire_test",
            "choices": choices,
        })
    };
    let delta = |delta: Value, finish: Value| {
        chunk(json!([{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]))
    };

    let mut out = Out::default();
    out.data(&delta(json!({"role": "assistant", "content": ""}), Value::Null).to_string());
    let mut tool_index = 0usize;
    for step in steps {
        match step {
            Step::Text(text) => {
                for piece in text_pieces(text) {
                    out.data(&delta(json!({"content": piece}), Value::Null).to_string());
                }
            }
            Step::ToolCall {
                id,
                name,
                arguments,
            } => {
                let head = json!({"tool_calls": [{"index": tool_index, "id": id, "type": "function",
                    "function": {"name": name, "arguments": ""}}]});
                out.data(&delta(head, Value::Null).to_string());
                for piece in argument_pieces(arguments) {
                    let part = json!({"tool_calls": [{"index": tool_index,
                        "function": {"arguments": piece}}]});
                    out.data(&delta(part, Value::Null).to_string());
                }
                tool_index += 1;
            }
            Step::Reasoning(text) => {
                for piece in text_pieces(text) {
                    out.data(&delta(json!({"reasoning_content": piece}), Value::Null).to_string());
                }
            }
            Step::Usage { .. } | Step::Cached { .. } => {}
            Step::DelayMs(ms) => out.delay(*ms),
            Step::Hold(file) => out.hold(file),
            Step::KeepAlive => out.raw(": ping\n\n".into()),
            Step::RedactedThinking(_) => {}
        }
    }

    let body_events = out.events;
    match end {
        End::Complete => {
            let finish = if tool_index > 0 { "tool_calls" } else { "stop" };
            out.data(&delta(json!({}), json!(finish)).to_string());
            let mut usage_chunk = chunk(json!([]));
            usage_chunk["usage"] = json!({
                "prompt_tokens": input,
                "completion_tokens": output_tokens,
                "total_tokens": input.saturating_add(output_tokens),
                "prompt_tokens_details": {"cached_tokens": read},
                "completion_tokens_details": {"reasoning_tokens": 0},
            });
            out.data(&usage_chunk.to_string());
            out.data("[DONE]");
        }
        End::Error(message) => {
            let error = json!({"error": {"message": message, "type": "server_error",
                "param": null, "code": null}});
            out.data(&error.to_string());
        }
    }
    out.finish(body_events)
}
