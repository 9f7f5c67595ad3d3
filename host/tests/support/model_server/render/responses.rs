//! OpenAI Responses API stream (`POST /v1/responses`).

use serde_json::{Value, json};

use super::Step;
use super::{Ctx, End, Out, Rendered, argument_pieces, cached, text_pieces, unix_now, usage};

/// Adds the `sequence_number` every Responses event carries.
struct Seq<'a> {
    out: &'a mut Out,
    next: u64,
}

impl Seq<'_> {
    fn event(&mut self, name: &str, mut data: Value) {
        if let Value::Object(map) = &mut data {
            map.insert("sequence_number".into(), json!(self.next));
        }
        self.next += 1;
        self.out.named(name, data);
    }
}

pub(super) fn render(ctx: &Ctx, steps: &[Step], end: End<'_>) -> Rendered {
    let (input, output_tokens) = usage(steps);
    let (read, _) = cached(steps);
    // Ten of the output tokens per reasoning step.
    let reasoning_tokens = 10
        * steps
            .iter()
            .filter(|s| matches!(s, Step::Reasoning(_)))
            .count() as u64;
    let created = unix_now();
    let response = |status: &str, output: &[Value], usage: Value| {
        json!({
            "id": format!("resp_{:06}", ctx.seq),
            "object": "response",
            "created_at": created,
            "status": status,
            "error": null,
            "incomplete_details": null,
            "model": ctx.model,
            "output": output,
            "parallel_tool_calls": true,
            "usage": usage,
        })
    };

    let mut out = Out::default();
    let mut s = Seq {
        out: &mut out,
        next: 0,
    };
    s.event(
        "response.created",
        json!({"response": response("in_progress", &[], Value::Null)}),
    );
    s.event(
        "response.in_progress",
        json!({"response": response("in_progress", &[], Value::Null)}),
    );

    let mut output: Vec<Value> = Vec::new();
    for step in steps {
        let index = output.len();
        match step {
            Step::Text(text) => {
                let item_id = format!("msg_{:06}_{index}", ctx.seq);
                s.event(
                    "response.output_item.added",
                    json!({"output_index": index, "item": {
                        "id": item_id, "type": "message", "status": "in_progress",
                        "content": [], "role": "assistant"}}),
                );
                s.event(
                    "response.content_part.added",
                    json!({"item_id": item_id, "output_index": index, "content_index": 0,
                        "part": {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}}),
                );
                for piece in text_pieces(text) {
                    s.event(
                        "response.output_text.delta",
                        json!({"item_id": item_id, "output_index": index, "content_index": 0,
                            "delta": piece, "logprobs": []}),
                    );
                }
                s.event(
                    "response.output_text.done",
                    json!({"item_id": item_id, "output_index": index, "content_index": 0,
                        "text": text, "logprobs": []}),
                );
                let part =
                    json!({"type": "output_text", "annotations": [], "logprobs": [], "text": text});
                s.event(
                    "response.content_part.done",
                    json!({"item_id": item_id, "output_index": index, "content_index": 0,
                        "part": part}),
                );
                let item = json!({"id": item_id, "type": "message", "status": "completed",
                    "content": [part], "role": "assistant"});
                s.event(
                    "response.output_item.done",
                    json!({"output_index": index, "item": item}),
                );
                output.push(item);
            }
            Step::ToolCall {
                id,
                name,
                arguments,
            } => {
                let item_id = format!("fc_{:06}_{index}", ctx.seq);
                s.event(
                    "response.output_item.added",
                    json!({"output_index": index, "item": {
                        "id": item_id, "type": "function_call", "status": "in_progress",
                        "arguments": "", "call_id": id, "name": name}}),
                );
                for piece in argument_pieces(arguments) {
                    s.event(
                        "response.function_call_arguments.delta",
                        json!({"item_id": item_id, "output_index": index, "delta": piece}),
                    );
                }
                s.event(
                    "response.function_call_arguments.done",
                    json!({"item_id": item_id, "output_index": index, "arguments": arguments}),
                );
                let item = json!({"id": item_id, "type": "function_call", "status": "completed",
                    "arguments": arguments, "call_id": id, "name": name});
                s.event(
                    "response.output_item.done",
                    json!({"output_index": index, "item": item}),
                );
                output.push(item);
            }
            Step::Reasoning(text) => {
                let item_id = format!("rs_{:06}_{index}", ctx.seq);
                s.event(
                    "response.output_item.added",
                    json!({"output_index": index, "item": {
                        "id": item_id, "type": "reasoning", "summary": []}}),
                );
                for piece in text_pieces(text) {
                    s.event(
                        "response.reasoning_summary_text.delta",
                        json!({"item_id": item_id, "output_index": index, "summary_index": 0,
                            "delta": piece}),
                    );
                }
                let mut item = json!({"id": item_id, "type": "reasoning",
                    "summary": [{"type": "summary_text", "text": text}]});
                if ctx.encrypted {
                    item["encrypted_content"] =
                        json!(crate::support::model_server::reasoning_encrypted(text));
                }
                s.event(
                    "response.output_item.done",
                    json!({"output_index": index, "item": item}),
                );
                output.push(item);
            }
            Step::Usage { .. } | Step::Cached { .. } => {}
            Step::DelayMs(ms) => s.out.delay(*ms),
            Step::Hold(file) => s.out.hold(file),
            Step::KeepAlive => s.out.raw(": ping\n\n".into()),
            Step::RedactedThinking(_) => {}
        }
    }

    let body_events = s.out.events;
    match end {
        End::Complete => {
            let usage = json!({
                "input_tokens": input,
                "input_tokens_details": {"cached_tokens": read},
                "output_tokens": output_tokens,
                "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
                "total_tokens": input.saturating_add(output_tokens),
            });
            s.event(
                "response.completed",
                json!({"response": response("completed", &output, usage)}),
            );
        }
        End::Error(message) => {
            let mut failed = response("failed", &output, Value::Null);
            failed["error"] = json!({"code": "server_error", "message": message});
            s.event("response.failed", json!({"response": failed}));
        }
    }
    out.finish(body_events)
}
