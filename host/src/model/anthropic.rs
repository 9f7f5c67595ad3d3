//! Anthropic Messages: `POST {base_url}/v1/messages` with `stream: true`.

use serde_json::{Value, json};

use super::client::{Wire, WireClient};
use super::http::stream_error;
use super::sse::{SseEvent, SseStream};
use super::wire::{self, WireDecoder, injected_user_text, str_at, u64_at};
use super::{Item, ModelError, ModelEvent, ModelRequest, ModelStream, ToolCall, Usage, WireApi};
use crate::config::ProviderConfig;

#[cfg(test)]
mod tests;
mod thinking;

pub use thinking::MIN_BUDGET as MIN_THINKING_BUDGET;

/// The API version sent in `anthropic-version`.
pub const API_VERSION: &str = "2023-06-01";

/// `max_tokens` when the request sets no limit (the API requires one).
pub const DEFAULT_MAX_TOKENS: u32 = 8192;

/// The Anthropic Messages wire (see [`super::client`]).
pub struct Anthropic;

/// A client of the Anthropic Messages wire.
pub type AnthropicClient = WireClient<Anthropic>;

impl Wire for Anthropic {
    const API: WireApi = WireApi::Anthropic;
    const PATH: &'static str = "/v1/messages";

    /// Anthropic's base URL has no `/v1` (as in its SDKs), but one written
    /// with it (as for the OpenAI-style wires) means the same server:
    /// `…/v1` gets `/messages`, not `/v1/v1/messages`.
    fn url(base_url: &str) -> String {
        match base_url.strip_suffix("/v1") {
            Some(base) => format!("{base}{}", Self::PATH),
            None => format!("{base_url}{}", Self::PATH),
        }
    }

    fn headers(provider: &ProviderConfig) -> Vec<(&'static str, String)> {
        let mut headers = vec![("anthropic-version", API_VERSION.to_string())];
        if let Some(key) = super::client::api_key(provider) {
            headers.push(("x-api-key", key.to_string()));
        }
        headers
    }

    fn request_body(request: &ModelRequest, provider: &ProviderConfig) -> Value {
        let mut body = request_body(request);
        // A `reasoning_effort` stands for a budget when the provider sets
        // none (see `Effort::thinking_budget`).
        let budget = provider.thinking_budget.or_else(|| {
            request
                .reasoning
                .effort
                .and_then(crate::config::reasoning::Effort::thinking_budget)
        });
        if let Some(budget) = budget {
            thinking::enable(&mut body, budget);
        }
        body
    }

    fn decode_stream(events: SseStream) -> ModelStream {
        decode_stream(events)
    }
}

/// The JSON body of a Messages request, with `cache_control` breakpoints
/// on the last tool, the system prompt and the newest message: three (the
/// API allows four). Everything before a breakpoint is cached; the next
/// request finds it again because its prefix only grew.
pub fn request_body(request: &ModelRequest) -> Value {
    let mut body = json!({"model": request.model});
    if let Some(obj) = body.as_object_mut() {
        if !request.instructions.is_empty() {
            obj.insert(
                "system".into(),
                json!([{
                    "type": "text",
                    "text": request.instructions,
                    "cache_control": ephemeral(),
                }]),
            );
        }
        let mut messages = messages(&request.items);
        mark_newest(&mut messages);
        obj.insert("messages".into(), Value::Array(messages));
        if !request.tools.is_empty() {
            let mut tools: Vec<Value> = request
                .tools
                .iter()
                .map(|t| {
                    wire::with(
                        json!({"name": t.name, "description": t.description}),
                        "input_schema",
                        t.parameters.clone(),
                    )
                })
                .collect();
            if let Some(last) = tools.last_mut().and_then(Value::as_object_mut) {
                last.insert("cache_control".into(), ephemeral());
            }
            obj.insert("tools".into(), Value::Array(tools));
        }
        obj.insert(
            "max_tokens".into(),
            json!(request.max_output_tokens.unwrap_or(DEFAULT_MAX_TOKENS)),
        );
        obj.insert("stream".into(), json!(true));
    }
    body
}

fn ephemeral() -> Value {
    json!({"type": "ephemeral"})
}

/// Puts a breakpoint on the last content block of the last message.
fn mark_newest(messages: &mut [Value]) {
    let block = messages
        .last_mut()
        .and_then(|m| m.get_mut("content"))
        .and_then(Value::as_array_mut)
        .and_then(|blocks| blocks.last_mut())
        .and_then(Value::as_object_mut);
    if let Some(block) = block {
        block.insert("cache_control".into(), ephemeral());
    }
}

/// The messages, with consecutive items of one role merged into one
/// message so that roles alternate.
fn messages(items: &[Item]) -> Vec<Value> {
    let mut out: Vec<(&'static str, Vec<Value>)> = Vec::new();
    let mut push = |role: &'static str, block: Value| match out.last_mut() {
        Some((r, blocks)) if *r == role => blocks.push(block),
        _ => out.push((role, vec![block])),
    };
    let text = |t: &str| json!({"type": "text", "text": t});
    for item in items {
        match item {
            Item::User { text: t, .. } if !t.is_empty() => push("user", text(t)),
            Item::Assistant { text: t } if !t.is_empty() => push("assistant", text(t)),
            Item::User { .. } | Item::Assistant { .. } => {}
            Item::ToolCall {
                call_id,
                name,
                arguments,
            } => {
                let input = serde_json::from_str::<Value>(arguments)
                    .ok()
                    .filter(Value::is_object)
                    .unwrap_or_else(|| json!({}));
                push(
                    "assistant",
                    wire::with(
                        json!({"type": "tool_use", "id": call_id, "name": name}),
                        "input",
                        input,
                    ),
                );
            }
            Item::ToolResult {
                call_id,
                output,
                is_error,
            } => push(
                "user",
                json!({
                    "type": "tool_result",
                    "tool_use_id": call_id,
                    "content": if output.is_empty() { "(no output)" } else { output },
                    "is_error": is_error,
                }),
            ),
            Item::SkillActivation { .. } | Item::CompactionSummary { .. } => {
                let t = injected_user_text(item).unwrap_or_default();
                if !t.is_empty() {
                    push("user", text(&t));
                }
            }
            Item::Context { text: t, .. } if !t.is_empty() => push("user", text(t)),
            Item::Context { .. } => {}
            Item::Image {
                media_type, data, ..
            } => push(
                "user",
                wire::with(
                    json!({"type": "image"}),
                    "source",
                    wire::with(
                        json!({"type": "base64", "media_type": media_type}),
                        "data",
                        Value::String(data.clone()),
                    ),
                ),
            ),
            // Before the turn's text and tool calls, as they came.
            Item::Thinking { text, signature } => {
                push("assistant", thinking::block(text, signature))
            }
            Item::RedactedThinking { data } => push("assistant", thinking::redacted(data)),
            // The Responses wire's reasoning means nothing to this one.
            Item::Reasoning { .. } | Item::CallExtra { .. } => {}
        }
    }
    out.into_iter()
        .map(|(role, content)| wire::with(json!({"role": role}), "content", Value::Array(content)))
        .collect()
}

/// Decodes a Messages event stream.
pub fn decode_stream(events: SseStream) -> ModelStream {
    wire::drive(events, Decoder::default())
}

/// A `tool_use` content block being streamed.
#[derive(Debug)]
struct ToolUseBlock {
    index: u64,
    id: String,
    name: String,
    /// Concatenated `input_json_delta.partial_json`.
    json: String,
    /// The `input` of `content_block_start`, when not empty.
    start_input: Option<Value>,
}

impl ToolUseBlock {
    fn into_call(self) -> ToolCall {
        let arguments = if !self.json.trim().is_empty() {
            self.json
        } else {
            self.start_input.map(|v| v.to_string()).unwrap_or_default()
        };
        ToolCall {
            call_id: self.id,
            name: self.name,
            arguments,
        }
    }
}

#[derive(Debug, Default)]
struct Decoder {
    tool_uses: Vec<ToolUseBlock>,
    /// `thinking` and `redacted_thinking` blocks not stopped yet.
    thinking: Vec<thinking::Streamed>,
    usage: Option<Usage>,
    /// `stop_reason` was `max_tokens`: the output-token limit cut it.
    truncated: bool,
    /// `stop_reason: "refusal"`.
    refused: bool,
    /// `stop_reason: "model_context_window_exceeded"`.
    window_full: bool,
}

impl Decoder {
    fn take_block(&mut self, index: u64) -> Option<ToolUseBlock> {
        let pos = self.tool_uses.iter().position(|b| b.index == index)?;
        Some(self.tool_uses.remove(pos))
    }

    /// Applies the non-zero token counts of a `usage` object (the input
    /// count includes cache reads and writes).
    fn apply_usage(&mut self, u: &Value) {
        let usage = self.usage.get_or_insert_with(Usage::default);
        let has = |f: &str| u.get(f).and_then(Value::as_u64).is_some_and(|n| n > 0);
        if has("input_tokens")
            || has("cache_read_input_tokens")
            || has("cache_creation_input_tokens")
        {
            let cache_read = u64_at(u, "/cache_read_input_tokens");
            let cache_write = u64_at(u, "/cache_creation_input_tokens");
            usage.input_tokens = u64_at(u, "/input_tokens") + cache_read + cache_write;
            usage.cached_input_tokens = cache_read;
            usage.cache_write_input_tokens = cache_write;
        }
        if has("output_tokens") {
            usage.output_tokens = u64_at(u, "/output_tokens");
        }
    }
}

impl WireDecoder for Decoder {
    fn on_event(&mut self, event: SseEvent) -> Result<Vec<ModelEvent>, ModelError> {
        let data = wire::parse_data(&event)?;
        let kind = str_at(&data, "/type")
            .or(event.event.as_deref())
            .unwrap_or_default();
        let index = data.get("index").and_then(Value::as_u64).unwrap_or(0);
        match kind {
            "message_start" => {
                if let Some(u) = data.pointer("/message/usage").filter(|u| u.is_object()) {
                    self.apply_usage(u);
                }
                Ok(Vec::new())
            }
            "content_block_start" => {
                let block = data.get("content_block").unwrap_or(&Value::Null);
                match str_at(block, "/type") {
                    Some("tool_use") => {
                        self.tool_uses.push(ToolUseBlock {
                            index,
                            id: str_at(block, "/id").unwrap_or_default().to_string(),
                            name: str_at(block, "/name").unwrap_or_default().to_string(),
                            json: String::new(),
                            start_input: block
                                .get("input")
                                .filter(|i| i.as_object().is_some_and(|o| !o.is_empty()))
                                .cloned(),
                        });
                        Ok(Vec::new())
                    }
                    Some("text") => Ok(str_at(block, "/text")
                        .filter(|t| !t.is_empty())
                        .map(|t| vec![ModelEvent::TextDelta(t.to_string())])
                        .unwrap_or_default()),
                    _ => match thinking::Streamed::start(index, block) {
                        Some(b) => {
                            let shown = super::wire::reasoning(b.initial_text());
                            self.thinking.push(b);
                            Ok(shown)
                        }
                        None => Ok(Vec::new()),
                    },
                }
            }
            "content_block_delta" => {
                let delta = data.get("delta").unwrap_or(&Value::Null);
                match str_at(delta, "/type") {
                    Some("text_delta") => Ok(str_at(delta, "/text")
                        .filter(|t| !t.is_empty())
                        .map(|t| vec![ModelEvent::TextDelta(t.to_string())])
                        .unwrap_or_default()),
                    Some("thinking_delta") => {
                        let part = str_at(delta, "/thinking");
                        if let Some(b) = self.thinking.iter_mut().find(|b| b.index == index) {
                            b.push_text(part.unwrap_or_default());
                        }
                        Ok(super::wire::reasoning(part))
                    }
                    Some("signature_delta") => {
                        let part = str_at(delta, "/signature").unwrap_or_default();
                        if let Some(b) = self.thinking.iter_mut().find(|b| b.index == index) {
                            b.push_signature(part);
                        }
                        Ok(Vec::new())
                    }
                    Some("input_json_delta") => {
                        let part = str_at(delta, "/partial_json").unwrap_or_default();
                        if let Some(b) = self.tool_uses.iter_mut().find(|b| b.index == index) {
                            b.json.push_str(part);
                        }
                        Ok(Vec::new())
                    }
                    _ => Ok(Vec::new()),
                }
            }
            "content_block_stop" => {
                if let Some(pos) = self.thinking.iter().position(|b| b.index == index) {
                    let item = self.thinking.remove(pos).into_item();
                    return Ok(vec![ModelEvent::Thinking(item)]);
                }
                Ok(self
                    .take_block(index)
                    .map(|b| vec![ModelEvent::ToolCall(b.into_call())])
                    .unwrap_or_default())
            }
            "message_delta" => {
                if let Some(u) = data.get("usage").filter(|u| u.is_object()) {
                    self.apply_usage(u);
                }
                match str_at(&data, "/delta/stop_reason") {
                    Some("max_tokens") => self.truncated = true,
                    Some("refusal") => self.refused = true,
                    Some("model_context_window_exceeded") => self.window_full = true,
                    _ => {}
                }
                Ok(Vec::new())
            }
            "message_stop" => {
                let thinking = std::mem::take(&mut self.thinking)
                    .into_iter()
                    .map(|b| ModelEvent::Thinking(b.into_item()));
                let calls = std::mem::take(&mut self.tool_uses)
                    .into_iter()
                    .map(|b| ModelEvent::ToolCall(b.into_call()));
                let mut out: Vec<ModelEvent> = thinking.chain(calls).collect();
                if self.truncated {
                    out.push(ModelEvent::Truncated);
                }
                if self.window_full {
                    out.push(ModelEvent::WindowFull);
                }
                if self.refused {
                    out.push(ModelEvent::Refused(
                        "a refusal (stop_reason refusal)".into(),
                    ));
                }
                out.push(ModelEvent::Completed { usage: self.usage });
                Ok(out)
            }
            "error" => {
                let err = data.get("error").unwrap_or(&data);
                let kind = str_at(err, "/type").unwrap_or("error");
                let message = str_at(err, "/message").unwrap_or("unknown error");
                Err(match stream_error(Some(kind), message) {
                    ModelError::Provider(m) => ModelError::Provider(format!("{kind}: {m}")),
                    other => other,
                })
            }
            _ => Ok(Vec::new()),
        }
    }
}
