//! Anthropic Messages stream (`POST /v1/messages`).

use serde_json::json;

use super::Step;
use super::{Ctx, End, Out, Rendered, argument_pieces, cached, text_pieces, usage};

pub(super) fn render(ctx: &Ctx, steps: &[Step], end: End<'_>) -> Rendered {
    let (input, output_tokens) = usage(steps);
    let (read, written) = cached(steps);
    let mut out = Out::default();
    out.named(
        "message_start",
        json!({"message": {
            "id": format!("msg_{:06}", ctx.seq),
            "type": "message",
            "role": "assistant",
            "model": ctx.model,
            "content": [],
            "stop_reason": null,
            "stop_sequence": null,
            "usage": {"input_tokens": input.saturating_sub(read + written),
                "cache_creation_input_tokens": written,
                "cache_read_input_tokens": read, "output_tokens": 1},
        }}),
    );

    // Anthropic sends a ping right after the first content block starts.
    let mut pinged = false;
    let mut ping = |out: &mut Out| {
        if !pinged {
            pinged = true;
            out.named("ping", json!({}));
        }
    };
    let mut block = 0usize;
    let mut used_tools = false;
    for step in steps {
        match step {
            Step::Text(text) => {
                out.named(
                    "content_block_start",
                    json!({"index": block, "content_block": {"type": "text", "text": ""}}),
                );
                ping(&mut out);
                for piece in text_pieces(text) {
                    out.named(
                        "content_block_delta",
                        json!({"index": block, "delta": {"type": "text_delta", "text": piece}}),
                    );
                }
                out.named("content_block_stop", json!({"index": block}));
                block += 1;
            }
            Step::ToolCall {
                id,
                name,
                arguments,
            } => {
                out.named(
                    "content_block_start",
                    json!({"index": block, "content_block": {"type": "tool_use", "id": id,
                        "name": name, "input": {}}}),
                );
                ping(&mut out);
                // Real streams open with an empty partial_json.
                let pieces = std::iter::once(String::new()).chain(argument_pieces(arguments));
                for piece in pieces {
                    out.named(
                        "content_block_delta",
                        json!({"index": block, "delta": {"type": "input_json_delta",
                            "partial_json": piece}}),
                    );
                }
                out.named("content_block_stop", json!({"index": block}));
                block += 1;
                used_tools = true;
            }
            Step::Reasoning(text) => {
                out.named(
                    "content_block_start",
                    json!({"index": block, "content_block": {"type": "thinking", "thinking": ""}}),
                );
                ping(&mut out);
                for piece in text_pieces(text) {
                    out.named(
                        "content_block_delta",
                        json!({"index": block, "delta": {"type": "thinking_delta", "thinking": piece}}),
                    );
                }
                let signature = super::super::thinking_signature(text);
                let (head, tail) = signature.split_at(signature.len() / 2);
                for piece in [head, tail] {
                    out.named(
                        "content_block_delta",
                        json!({"index": block, "delta": {"type": "signature_delta", "signature": piece}}),
                    );
                }
                out.named("content_block_stop", json!({"index": block}));
                block += 1;
            }
            Step::RedactedThinking(data) => {
                out.named(
                    "content_block_start",
                    json!({"index": block, "content_block": {"type": "redacted_thinking", "data": data}}),
                );
                ping(&mut out);
                out.named("content_block_stop", json!({"index": block}));
                block += 1;
            }
            Step::Usage { .. } | Step::Cached { .. } => {}
            Step::DelayMs(ms) => out.delay(*ms),
            Step::Hold(file) => out.hold(file),
            Step::KeepAlive => out.named("ping", json!({})),
        }
    }
    ping(&mut out);

    let body_events = out.events;
    match end {
        End::Complete => {
            let stop_reason = if used_tools { "tool_use" } else { "end_turn" };
            out.named(
                "message_delta",
                json!({"delta": {"stop_reason": stop_reason, "stop_sequence": null},
                    "usage": {"output_tokens": output_tokens}}),
            );
            out.named("message_stop", json!({}));
        }
        End::Error(message) => {
            out.named(
                "error",
                json!({"error": {"type": "overloaded_error", "message": message}}),
            );
        }
    }
    out.finish(body_events)
}
