//! The OpenAI Responses API: `POST {base_url}/responses` with
//! `stream: true`.

use serde_json::{Value, json};

use super::client::{Wire, WireClient, bearer};
use super::http::stream_error;
use super::sse::{SseEvent, SseStream};
use super::wire::{self, WireDecoder, injected_user_text, str_at, u64_at};
use super::{Item, ModelError, ModelEvent, ModelRequest, ModelStream, ToolCall, Usage, WireApi};
use crate::config::ProviderConfig;

mod reasoning;
#[cfg(test)]
mod tests;

/// The Responses wire (see [`super::client`]).
pub struct Responses;

/// A client of the Responses wire.
pub type ResponsesClient = WireClient<Responses>;

impl Wire for Responses {
    const API: WireApi = WireApi::Responses;
    const PATH: &'static str = "/responses";

    fn headers(provider: &ProviderConfig) -> Vec<(&'static str, String)> {
        bearer(provider)
    }

    fn request_body(request: &ModelRequest, _provider: &ProviderConfig) -> Value {
        request_body(request)
    }

    fn decode_stream(events: SseStream) -> ModelStream {
        decode_stream(events)
    }

    /// Servers that speak the API in part (vLLM, Ollama) may refuse the
    /// reasoning parameters.
    const OPTIONAL_FIELDS: &'static [&'static str] = &["reasoning", "include", "text"];
}

/// The JSON body of a Responses request.
pub fn request_body(request: &ModelRequest) -> Value {
    // Anthropic's thinking blocks mean nothing to this wire.
    let items = &request.items;
    let input: Vec<Value> = (0..items.len())
        .filter(|&i| reasoning::sent(items, i))
        .map(|i| input_item(&items[i]))
        .collect();
    let mut body = wire::with(
        json!({
            "model": request.model,
            "instructions": request.instructions,
        }),
        "input",
        Value::Array(join_images(input)),
    );
    if let Some(obj) = body.as_object_mut() {
        if !request.tools.is_empty() {
            let tools: Vec<Value> = request
                .tools
                .iter()
                .map(|t| {
                    wire::with(
                        json!({
                            "type": "function",
                            "name": t.name,
                            "description": t.description,
                            "strict": false,
                        }),
                        "parameters",
                        t.parameters.clone(),
                    )
                })
                .collect();
            obj.insert("tools".into(), Value::Array(tools));
            obj.insert("tool_choice".into(), json!("auto"));
        }
        obj.insert("parallel_tool_calls".into(), json!(true));
        obj.insert("stream".into(), json!(true));
        obj.insert("store".into(), json!(false));
        if let Some(max) = request.max_output_tokens {
            obj.insert("max_output_tokens".into(), json!(max));
        }
        if let Some(key) = &request.cache_key {
            obj.insert("prompt_cache_key".into(), json!(key));
        }
        reasoning::add_params(obj, &request.reasoning, items);
        if let Some(schema) = &request.output_schema {
            let format = json!({"type": "json_schema", "name": wire::OUTPUT_SCHEMA_NAME,
                                "schema": schema, "strict": true});
            match obj.get_mut("text").and_then(Value::as_object_mut) {
                Some(text) => {
                    text.insert("format".into(), format);
                }
                None => {
                    obj.insert("text".into(), json!({ "format": format }));
                }
            }
        }
    }
    body
}

fn input_item(item: &Item) -> Value {
    let message = |role: &str, kind: &str, text: &str| {
        json!({
            "type": "message",
            "role": role,
            "content": [{"type": kind, "text": text}],
        })
    };
    match item {
        Item::User { text, .. } => message("user", "input_text", text),
        Item::Image {
            media_type, data, ..
        } => json!({
            "type": "message",
            "role": "user",
            "content": [{"type": "input_image", "image_url": wire::data_url(media_type, data)}],
        }),
        Item::Assistant { text } => message("assistant", "output_text", text),
        Item::ToolCall {
            call_id,
            name,
            arguments,
        } => json!({
            "type": "function_call",
            "call_id": call_id,
            "name": name,
            "arguments": wire::sendable_arguments(arguments),
        }),
        Item::ToolResult {
            call_id, output, ..
        } => json!({
            "type": "function_call_output",
            "call_id": call_id,
            "output": output,
        }),
        Item::SkillActivation { .. } | Item::CompactionSummary { .. } => {
            let text = injected_user_text(item).unwrap_or_default();
            message("user", "input_text", &text)
        }
        Item::Context { text, .. } => message("developer", "input_text", text),
        Item::Reasoning {
            summary,
            encrypted_content,
            ..
        } => reasoning::input(summary, encrypted_content),
        // Filtered out by `request_body`.
        Item::Thinking { .. } | Item::RedactedThinking { .. } | Item::CallExtra { .. } => {
            Value::Null
        }
    }
}

/// An image joins the content of the user message it follows (the
/// message `input_item` made of it is taken apart); anywhere else it stays
/// a user message of its own.
fn join_images(input: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(input.len());
    for mut v in input {
        let only_images = v["role"] == "user"
            && v["content"]
                .as_array()
                .is_some_and(|c| c.iter().all(|p| p["type"] == "input_image"));
        if only_images
            && let Some(last) = out.last_mut()
            && last["type"] == "message"
            && last["role"] == "user"
            && let Some(content) = last["content"].as_array_mut()
            && let Some(images) = v["content"].as_array_mut()
        {
            content.append(images);
            continue;
        }
        out.push(v);
    }
    out
}

/// Decodes a Responses event stream.
pub fn decode_stream(events: SseStream) -> ModelStream {
    wire::drive(events, Decoder::default())
}

/// A function call being assembled from `output_item.added` and argument
/// deltas, in case `output_item.done` never comes.
#[derive(Debug, Default)]
struct PendingCall {
    item_id: String,
    call_id: String,
    name: String,
    arguments: String,
    emitted: bool,
}

#[derive(Debug, Default)]
struct Decoder {
    calls: Vec<PendingCall>,
    /// A Responses API event came: a `[DONE]` after it ends a stream cut
    /// short (some proxies add it), not one of the other wire API.
    responses_seen: bool,
    /// Output items whose text or reasoning summary came as deltas: their
    /// `output_item.done` repeats it and adds nothing.
    streamed: std::collections::HashSet<String>,
}

impl Decoder {
    fn call_mut(&mut self, item_id: &str) -> &mut PendingCall {
        let pos = match self.calls.iter().position(|c| c.item_id == item_id) {
            Some(p) => p,
            None => {
                self.calls.push(PendingCall {
                    item_id: item_id.to_string(),
                    ..Default::default()
                });
                self.calls.len() - 1
            }
        };
        &mut self.calls[pos]
    }

    /// The calls that never got an `output_item.done`.
    fn leftover_calls(&mut self) -> Vec<ModelEvent> {
        let mut out = Vec::new();
        for c in self.calls.iter_mut().filter(|c| !c.emitted) {
            c.emitted = true;
            if c.name.is_empty() {
                tracing::warn!(item_id = %c.item_id, "dropping a function call without a name");
                continue;
            }
            let call_id = if c.call_id.is_empty() {
                c.item_id.clone()
            } else {
                c.call_id.clone()
            };
            out.push(ModelEvent::ToolCall(ToolCall {
                call_id,
                name: c.name.clone(),
                arguments: std::mem::take(&mut c.arguments),
            }));
        }
        out
    }

    fn note_streamed(&mut self, data: &Value) {
        if let Some(id) = str_at(data, "/item_id") {
            self.streamed.insert(id.to_string());
        }
    }

    /// A message or reasoning summary whose text never came as deltas
    /// (some Responses-compatible servers send only the finished items):
    /// its text, as the deltas would have brought it.
    fn unstreamed_text(&self, item: &Value, parts: &str, kinds: &[&str]) -> Option<String> {
        let id = str_at(item, "/id").unwrap_or_default();
        if self.streamed.contains(id) {
            return None;
        }
        let text: String = item
            .get(parts)?
            .as_array()?
            .iter()
            .filter(|p| kinds.contains(&str_at(p, "/type").unwrap_or_default()))
            .filter_map(|p| str_at(p, "/text").or_else(|| str_at(p, "/refusal")))
            .collect();
        (!text.is_empty()).then_some(text)
    }

    fn item_done(&mut self, item: &Value) -> Vec<ModelEvent> {
        match str_at(item, "/type") {
            Some("function_call") => {}
            Some("message") => {
                let text = self.unstreamed_text(item, "content", &["output_text", "refusal"]);
                return text.map(ModelEvent::TextDelta).into_iter().collect();
            }
            Some("reasoning") => {
                let summary = self
                    .unstreamed_text(item, "summary", &["summary_text"])
                    .or_else(|| self.unstreamed_text(item, "content", &["reasoning_text"]));
                let mut out = wire::reasoning(summary.as_deref());
                out.push(ModelEvent::Thinking(reasoning::item(item)));
                return out;
            }
            _ => return Vec::new(),
        }
        let item_id = str_at(item, "/id").unwrap_or_default().to_string();
        let pending = self.call_mut(&item_id);
        pending.emitted = true;
        let pick = |field: &str, fallback: &str| {
            str_at(item, field)
                .filter(|s| !s.is_empty())
                .unwrap_or(fallback)
                .to_string()
        };
        let call_id = pick("/call_id", &pending.call_id);
        let call = ToolCall {
            call_id: if call_id.is_empty() { item_id } else { call_id },
            name: pick("/name", &pending.name),
            arguments: pick("/arguments", &pending.arguments),
        };
        vec![ModelEvent::ToolCall(call)]
    }
}

/// A Responses-API provider pointed at a server that streams Chat
/// Completions chunks (most local servers): the usual first-hour mistake.
fn chat_stream() -> ModelError {
    ModelError::Decode(
        "the server answered with Chat Completions chunks, not Responses API events: \
         for a local or OpenAI-compatible server use a provider with wire_api = \"chat\" \
         (README: A local server)"
            .into(),
    )
}

fn usage(response: &Value) -> Option<Usage> {
    let u = response.get("usage").filter(|u| u.is_object())?;
    Some(Usage {
        input_tokens: u64_at(u, "/input_tokens"),
        output_tokens: u64_at(u, "/output_tokens"),
        cached_input_tokens: u64_at(u, "/input_tokens_details/cached_tokens"),
        reasoning_output_tokens: u64_at(u, "/output_tokens_details/reasoning_tokens"),
        ..Usage::default()
    })
}

impl WireDecoder for Decoder {
    fn on_event(&mut self, event: SseEvent) -> Result<Vec<ModelEvent>, ModelError> {
        if event.data.trim() == "[DONE]" {
            if self.responses_seen {
                // Responses events, then Chat Completions' end marker
                // before `response.completed`: the response was cut short.
                return Err(ModelError::StreamCut(
                    "the stream ended with [DONE] before response.completed".into(),
                ));
            }
            // Chat Completions' end marker: the server speaks the other
            // wire API (its chunks were named below; this is the end).
            return Err(chat_stream());
        }
        let data = wire::parse_data(&event)?;
        if str_at(&data, "/object") == Some("chat.completion.chunk") {
            return Err(chat_stream());
        }
        let kind = str_at(&data, "/type")
            .or(event.event.as_deref())
            .unwrap_or_default();
        if kind.starts_with("response.") {
            self.responses_seen = true;
        }
        match kind {
            "response.output_text.delta" | "response.refusal.delta" => {
                self.note_streamed(&data);
                Ok(match str_at(&data, "/delta").filter(|d| !d.is_empty()) {
                    Some(d) => vec![ModelEvent::TextDelta(d.to_string())],
                    None => Vec::new(),
                })
            }
            // Servers that stream the raw reasoning (vLLM's Responses API
            // for gpt-oss, LM Studio) send `reasoning_text` deltas.
            "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
                self.note_streamed(&data);
                Ok(wire::reasoning(str_at(&data, "/delta")))
            }
            "response.output_item.added" => {
                if let Some(item) = data.get("item")
                    && str_at(item, "/type") == Some("function_call")
                {
                    let c = self.call_mut(str_at(item, "/id").unwrap_or_default());
                    c.call_id = str_at(item, "/call_id").unwrap_or_default().to_string();
                    c.name = str_at(item, "/name").unwrap_or_default().to_string();
                    c.arguments = str_at(item, "/arguments").unwrap_or_default().to_string();
                }
                Ok(Vec::new())
            }
            "response.function_call_arguments.delta" => {
                let delta = str_at(&data, "/delta").unwrap_or_default();
                let c = self.call_mut(str_at(&data, "/item_id").unwrap_or_default());
                c.arguments.push_str(delta);
                Ok(Vec::new())
            }
            "response.function_call_arguments.done" => {
                if let Some(args) = str_at(&data, "/arguments") {
                    let c = self.call_mut(str_at(&data, "/item_id").unwrap_or_default());
                    c.arguments = args.to_string();
                }
                Ok(Vec::new())
            }
            "response.output_item.done" => Ok(data
                .get("item")
                .map(|item| self.item_done(item))
                .unwrap_or_default()),
            "response.completed" | "response.incomplete" => {
                let mut out = self.leftover_calls();
                let status = match kind {
                    "response.incomplete" => Some("incomplete"),
                    _ => str_at(&data, "/response/status"),
                };
                match status {
                    Some("incomplete") => {
                        let reason = str_at(&data, "/response/incomplete_details/reason");
                        tracing::warn!(reason, "the response is incomplete");
                        match reason {
                            Some("max_output_tokens") => out.push(ModelEvent::Truncated),
                            Some("content_filter") => out.push(ModelEvent::Refused(
                                "its content filter (response.incomplete, reason content_filter)"
                                    .into(),
                            )),
                            // Any other reason (a server that gave up on
                            // the request): the answer so far is cut, and
                            // the request is tried again.
                            other => {
                                return Err(ModelError::StreamCut(format!(
                                    "the server ended the response as incomplete with reason \"{}\"",
                                    other.unwrap_or("(none given)")
                                )));
                            }
                        }
                    }
                    // vLLM ends a request it aborted as `cancelled`.
                    Some(why @ ("cancelled" | "failed")) => {
                        return Err(ModelError::StreamCut(format!(
                            "the server ended the response with status \"{why}\""
                        )));
                    }
                    _ => {}
                }
                let usage = data.get("response").and_then(usage);
                out.push(ModelEvent::Completed { usage });
                Ok(out)
            }
            "response.failed" => {
                let err = data.pointer("/response/error");
                let code = err.and_then(|e| str_at(e, "/code"));
                let message = err
                    .and_then(|e| str_at(e, "/message"))
                    .unwrap_or("the response failed without an error message");
                Err(stream_error(code, message))
            }
            "error" => {
                let err = data.get("error").filter(|e| e.is_object()).unwrap_or(&data);
                let code = str_at(err, "/code");
                let message = str_at(err, "/message").unwrap_or("unknown error");
                Err(stream_error(code, message))
            }
            _ => Ok(Vec::new()),
        }
    }
}
