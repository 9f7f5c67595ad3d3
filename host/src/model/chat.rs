//! Chat Completions: `POST {base_url}/chat/completions` with
//! `stream: true` (OpenAI, Ollama, vLLM, llama.cpp, LM Studio, OpenRouter).

use serde_json::{Value, json};

use super::client::{Wire, WireClient, bearer};
use super::http::stream_error;
use super::sse::{SseEvent, SseStream};
use super::think_tags::ThinkTags;
use super::wire::{self, WireDecoder, injected_user_text, str_at, u64_at};
use super::{Item, ModelError, ModelEvent, ModelRequest, ModelStream, ToolCall, Usage, WireApi};
use crate::config::ProviderConfig;

#[cfg(test)]
mod tests;

/// The Chat Completions wire (see [`super::client`]).
pub struct Chat;

/// A client of the Chat Completions wire.
pub type ChatClient = WireClient<Chat>;

impl Wire for Chat {
    const API: WireApi = WireApi::Chat;
    const PATH: &'static str = "/chat/completions";

    fn headers(provider: &ProviderConfig) -> Vec<(&'static str, String)> {
        bearer(provider)
    }

    fn request_body(request: &ModelRequest, _provider: &ProviderConfig) -> Value {
        request_body(request)
    }

    fn decode_stream(events: SseStream) -> ModelStream {
        decode_stream(events)
    }

    const OPTIONAL_FIELDS: &'static [&'static str] =
        &["stream_options", "reasoning_effort", "response_format"];

    fn optional_field_off(provider: &ProviderConfig, field: &str) -> bool {
        field == "stream_options" && !provider.stream_usage
    }
}

/// The JSON body of a Chat Completions request.
pub fn request_body(request: &ModelRequest) -> Value {
    let mut body = wire::with(
        json!({"model": request.model}),
        "messages",
        Value::Array(messages(request)),
    );
    if let Some(obj) = body.as_object_mut() {
        if !request.tools.is_empty() {
            let tools: Vec<Value> = request
                .tools
                .iter()
                .map(|t| {
                    let function = wire::with(
                        json!({"name": t.name, "description": t.description}),
                        "parameters",
                        t.parameters.clone(),
                    );
                    wire::with(json!({"type": "function"}), "function", function)
                })
                .collect();
            obj.insert("tools".into(), Value::Array(tools));
        }
        obj.insert("stream".into(), json!(true));
        obj.insert("stream_options".into(), json!({"include_usage": true}));
        if let Some(max) = request.max_output_tokens {
            obj.insert("max_tokens".into(), json!(max));
        }
        if let Some(effort) = request.reasoning.effort {
            obj.insert("reasoning_effort".into(), json!(effort.as_str()));
        }
        if let Some(schema) = &request.output_schema {
            let format =
                json!({"name": wire::OUTPUT_SCHEMA_NAME, "schema": schema, "strict": true});
            obj.insert(
                "response_format".into(),
                json!({"type": "json_schema", "json_schema": format}),
            );
        }
    }
    body
}

/// An assistant message being built from consecutive text and tool calls.
#[derive(Default)]
struct AssistantMessage {
    text: Option<String>,
    tool_calls: Vec<Value>,
}

impl AssistantMessage {
    fn into_json(self) -> Value {
        let mut m = json!({"role": "assistant", "content": self.text});
        if !self.tool_calls.is_empty()
            && let Some(obj) = m.as_object_mut()
        {
            obj.insert("tool_calls".into(), Value::Array(self.tool_calls));
        }
        m
    }
}

fn messages(request: &ModelRequest) -> Vec<Value> {
    let mut out = Vec::new();
    if !request.instructions.is_empty() {
        out.push(json!({"role": "system", "content": request.instructions}));
    }
    let mut open: Option<AssistantMessage> = None;
    let extras: std::collections::HashMap<&str, &Value> = request
        .items
        .iter()
        .filter_map(|i| match i {
            Item::CallExtra {
                call_id,
                extra_content,
            } => Some((call_id.as_str(), extra_content)),
            _ => None,
        })
        .collect();
    for item in &request.items {
        match item {
            Item::Assistant { text } => {
                if open.as_ref().is_some_and(|m| !m.tool_calls.is_empty()) {
                    out.extend(open.take().map(AssistantMessage::into_json));
                }
                let m = open.get_or_insert_with(Default::default);
                match &mut m.text {
                    Some(t) => {
                        t.push_str("\n\n");
                        t.push_str(text);
                    }
                    None => m.text = Some(text.clone()),
                }
            }
            Item::ToolCall {
                call_id,
                name,
                arguments,
            } => {
                let m = open.get_or_insert_with(Default::default);
                let mut call = json!({
                    "id": call_id,
                    "type": "function",
                    "function": {"name": name, "arguments": wire::sendable_arguments(arguments)},
                });
                if let Some(extra) = extras.get(call_id.as_str())
                    && let Some(obj) = call.as_object_mut()
                {
                    obj.insert("extra_content".into(), (*extra).clone());
                }
                m.tool_calls.push(call);
            }
            // Other wires' thinking means nothing to this one.
            Item::Thinking { .. }
            | Item::RedactedThinking { .. }
            | Item::Reasoning { .. }
            | Item::CallExtra { .. } => {}
            other => {
                out.extend(open.take().map(AssistantMessage::into_json));
                match other {
                    Item::User { text, .. } => push_user_text(&mut out, text),
                    Item::ToolResult {
                        call_id, output, ..
                    } => out
                        .push(json!({"role": "tool", "tool_call_id": call_id, "content": output})),
                    Item::Context { text, .. } => push_user_text(&mut out, text),
                    Item::Image {
                        media_type, data, ..
                    } => push_user_image(&mut out, wire::data_url(media_type, data)),
                    _ => {
                        if let Some(text) = injected_user_text(other) {
                            push_user_text(&mut out, &text);
                        }
                    }
                }
            }
        }
    }
    out.extend(open.take().map(AssistantMessage::into_json));
    out
}

/// What quire adds for a message (skills catalog, skill bodies, notes,
/// hooks' context) joins the user message it follows as more text; anywhere
/// else it is a user message of its own. A user message right after
/// another user message joins it too (a `SessionStart` hook's context
/// before the message, session files of older versions that recorded hook
/// context as user messages, messages kept by a compaction before its
/// summary, a message that got no answer). Chat Completions is what local
/// servers speak, and their chat templates often reject a `developer` role,
/// a `system` message after the first, or two user messages in a row
/// (Qwen, Mistral, Gemma), while every template takes user text. The items
/// never change once recorded and a request goes out only once its last
/// user message is complete, so the prefix stays stable.
fn push_user_text(out: &mut Vec<Value>, text: &str) {
    if let Some(last) = out.last_mut()
        && last["role"] == "user"
    {
        if let Some(content) = last["content"].as_str() {
            last["content"] = Value::String(format!("{content}\n\n{text}"));
            return;
        }
        if let Some(parts) = last["content"].as_array_mut() {
            parts.push(json!({"type": "text", "text": text}));
            return;
        }
    }
    out.push(json!({"role": "user", "content": text}));
}

/// An image joins the user message it follows, whose content becomes a
/// list of parts (text parts, then the images); a message without images
/// keeps plain string content, so text-only requests are as before.
fn push_user_image(out: &mut Vec<Value>, url: String) {
    let part = json!({"type": "image_url", "image_url": {"url": url}});
    if let Some(last) = out.last_mut()
        && last["role"] == "user"
    {
        if let Some(text) = last["content"].as_str() {
            let text = json!({"type": "text", "text": text});
            last["content"] = json!([text, part]);
            return;
        }
        if let Some(parts) = last["content"].as_array_mut() {
            parts.push(part);
            return;
        }
    }
    out.push(json!({"role": "user", "content": [part]}));
}

/// Decodes a Chat Completions event stream.
pub fn decode_stream(events: SseStream) -> ModelStream {
    wire::drive(events, Decoder::default())
}

/// A tool call assembled from `delta.tool_calls` pieces with one `index`.
#[derive(Debug, Default)]
struct PendingCall {
    index: u64,
    id: String,
    name: String,
    arguments: String,
    /// The call's `extra_content` (Gemini's `google.thought_signature`),
    /// passed back as is.
    extra: Option<Value>,
}

fn names_a_function(piece: &Value) -> bool {
    str_at(piece, "/function/name").is_some_and(|n| !n.is_empty())
}

/// A call with a name and arguments that are one JSON object.
fn is_whole(call: &PendingCall) -> bool {
    !call.name.is_empty() && wire::is_object(&call.arguments)
}

#[derive(Debug, Default)]
struct Decoder {
    calls: Vec<PendingCall>,
    usage: Option<Usage>,
    /// A `finish_reason` was seen: the body may end without `[DONE]`.
    finished: bool,
    /// The `finish_reason` was `length`: the output-token limit cut it.
    truncated: bool,
    /// `finish_reason: "content_filter"`.
    filtered: bool,
    /// A `<think>` block at the start of the content is reasoning.
    think: ThinkTags,
}

impl Decoder {
    /// The slot a tool-call piece belongs to: by `index`; without one (some
    /// servers and gateways), by `id`: a new slot for an unseen one, the
    /// slot of a seen one. A piece with neither goes on the last slot,
    /// unless it names a function while the last slot already has a name
    /// and whole JSON arguments: then it starts the next call (two parallel
    /// calls sent with neither `index` nor `id`). A piece whose `index` is
    /// taken starts another call when it brings a different `id` (Ollama
    /// sends `index: 0` for every call of a parallel batch).
    fn slot(&mut self, piece: &Value) -> &mut PendingCall {
        let id = str_at(piece, "/id").filter(|s| !s.is_empty());
        let pos = match piece.get("index").and_then(Value::as_u64) {
            Some(i) => match self.calls.iter().rposition(|c| c.index == i) {
                Some(p) if Self::another_call(&self.calls[p], id) => None,
                found => found,
            },
            None => match id {
                Some(id) => self.calls.iter().position(|c| c.id == id),
                None if self.starts_next_call(piece) => None,
                None => self.calls.len().checked_sub(1),
            },
        };
        let pos = match pos {
            Some(p) => p,
            None => {
                let index = piece
                    .get("index")
                    .and_then(Value::as_u64)
                    .unwrap_or_else(|| self.calls.iter().map(|c| c.index + 1).max().unwrap_or(0));
                self.calls.push(PendingCall {
                    index,
                    ..Default::default()
                });
                self.calls.len() - 1
            }
        };
        &mut self.calls[pos]
    }

    /// Whether a piece without `index` and `id` is the start of another
    /// call: it names a function, and the last call is whole (a name and
    /// arguments that are one JSON object).
    fn starts_next_call(&self, piece: &Value) -> bool {
        self.calls
            .last()
            .is_some_and(|c| names_a_function(piece) && is_whole(c))
    }

    /// Whether a piece whose `index` is `slot`'s is another call: it
    /// brings an `id` other than the slot's. (Without an id it continues
    /// the slot: some servers repeat the name in every piece.)
    fn another_call(slot: &PendingCall, id: Option<&str>) -> bool {
        id.is_some_and(|id| !slot.id.is_empty() && slot.id != id)
    }

    fn tool_call_piece(&mut self, piece: &Value) {
        let slot = self.slot(piece);
        if let Some(id) = str_at(piece, "/id").filter(|s| !s.is_empty())
            && slot.id.is_empty()
        {
            slot.id = id.to_string();
        }
        if let Some(name) = str_at(piece, "/function/name").filter(|s| !s.is_empty())
            && slot.name.is_empty()
        {
            slot.name = name.to_string();
        }
        match piece.pointer("/function/arguments") {
            Some(Value::String(s)) => slot.arguments.push_str(s),
            // Some servers send the arguments as an object.
            Some(v @ Value::Object(_)) => slot.arguments = v.to_string(),
            _ => {}
        }
        if let Some(extra) = piece.get("extra_content").filter(|v| !v.is_null()) {
            slot.extra = Some(extra.clone());
        }
    }

    fn complete(&mut self) -> Vec<ModelEvent> {
        let mut calls = std::mem::take(&mut self.calls);
        calls.sort_by_key(|c| c.index);
        let mut out = self.think.finish();
        for c in calls {
            // A slot with nothing in it is no call; one without a name is
            // passed on, and the model is told it named no tool.
            if c.name.is_empty() && c.id.is_empty() && c.arguments.trim().is_empty() {
                tracing::warn!(index = c.index, "dropping an empty tool-call piece");
                continue;
            }
            let call_id = if c.id.is_empty() {
                generated_id(c.index)
            } else {
                c.id
            };
            if let Some(extra_content) = c.extra {
                out.push(ModelEvent::Thinking(Item::CallExtra {
                    call_id: call_id.clone(),
                    extra_content,
                }));
            }
            out.push(ModelEvent::ToolCall(ToolCall {
                call_id,
                name: c.name,
                arguments: c.arguments,
            }));
        }
        if self.truncated {
            out.push(ModelEvent::Truncated);
        }
        if self.filtered {
            out.push(ModelEvent::Refused(
                "its content filter (finish_reason content_filter)".into(),
            ));
        }
        out.push(ModelEvent::Completed { usage: self.usage });
        out
    }
}

/// The code of an in-stream error: `code` when it is text, else `type`
/// (llama.cpp's `exceed_context_size_error` has a numeric `code`).
fn error_code(err: &Value) -> Option<&str> {
    str_at(err, "/code").or(str_at(err, "/type"))
}

/// An error the server sent inside the stream: the context window's when
/// it says so; one whose `code` is a 4xx status (vLLM's refusal of the
/// request, sent in a 200 stream) as that status; else the provider's.
fn in_stream_error(err: &Value, message: &str) -> ModelError {
    let e = stream_error(error_code(err), message);
    let status = match err.get("code") {
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Some(Value::String(s)) => s.parse::<u16>().ok(),
        _ => None,
    };
    match status {
        Some(status @ 400..=499) if !matches!(e, ModelError::ContextWindow(_)) => {
            ModelError::StreamStatus {
                status,
                body: json!({"error": err}).to_string(),
            }
        }
        _ => e,
    }
}

/// An id for a tool call the server sent without one: `call_<index>_`
/// and a random suffix, so ids stay unique across responses.
fn generated_id(index: u64) -> String {
    let suffix: String = std::iter::repeat_with(fastrand::alphanumeric)
        .take(8)
        .collect();
    format!("call_{index}_{suffix}")
}

impl WireDecoder for Decoder {
    fn on_event(&mut self, event: SseEvent) -> Result<Vec<ModelEvent>, ModelError> {
        if event.data.trim() == "[DONE]" {
            // `[DONE]` before any `finish_reason` ends a stream cut short
            // (a proxy or server that gave up): the half answer or half
            // call is not used, the request is tried again.
            if !self.finished {
                return Err(ModelError::StreamCut(
                    "the server sent [DONE] before a finish_reason".into(),
                ));
            }
            return Ok(self.complete());
        }
        let data = wire::parse_data(&event)?;
        // llama.cpp reports a failure mid-stream as an `error:` line (the
        // SSE parser makes it an `error` event), its data the error itself.
        let in_error_event = event.event.as_deref() == Some("error");
        if let Some(err) = data
            .get("error")
            .filter(|e| !e.is_null())
            .or(in_error_event.then_some(&data))
        {
            let message = str_at(err, "/message")
                .or(err.as_str())
                .unwrap_or("unknown error");
            return Err(in_stream_error(err, message));
        }
        if str_at(&data, "/object") == Some("error") {
            let message = str_at(&data, "/message").unwrap_or("unknown error");
            return Err(in_stream_error(&data, message));
        }
        if let Some(u) = data.get("usage").filter(|u| u.is_object()) {
            self.usage = Some(Usage {
                input_tokens: u64_at(u, "/prompt_tokens"),
                output_tokens: u64_at(u, "/completion_tokens"),
                cached_input_tokens: u64_at(u, "/prompt_tokens_details/cached_tokens"),
                reasoning_output_tokens: u64_at(u, "/completion_tokens_details/reasoning_tokens"),
                ..Usage::default()
            });
        }
        let mut out = Vec::new();
        let Some(choice) = data.pointer("/choices/0") else {
            return Ok(out);
        };
        // vLLM, DeepSeek and llama.cpp send `reasoning_content`; Ollama and
        // OpenRouter `reasoning`; some servers and proxies both, with the
        // same text: the first that is not empty is the piece.
        out.extend(super::wire::reasoning(
            ["/delta/reasoning_content", "/delta/reasoning"]
                .into_iter()
                .filter_map(|key| str_at(choice, key))
                .find(|r| !r.is_empty()),
        ));
        if let Some(text) = str_at(choice, "/delta/content").filter(|t| !t.is_empty()) {
            out.extend(self.think.feed(text));
        }
        // OpenAI streams a refusal in `delta.refusal` (`content` null): it
        // is the answer, as the Responses wire's `refusal` content is.
        if let Some(text) = str_at(choice, "/delta/refusal").filter(|t| !t.is_empty()) {
            out.extend(self.think.feed(text));
        }
        if let Some(pieces) = choice
            .pointer("/delta/tool_calls")
            .and_then(Value::as_array)
        {
            for piece in pieces {
                self.tool_call_piece(piece);
            }
        }
        if let Some(reason) = choice.get("finish_reason").filter(|r| !r.is_null()) {
            // vLLM and SGLang end a request they aborted with `abort`,
            // OpenRouter a failed one with `error`: the answer so far is
            // cut, not finished, and the request is tried again.
            if let Some(why @ ("abort" | "error")) = reason.as_str() {
                return Err(ModelError::StreamCut(format!(
                    "the server ended its answer with finish_reason \"{why}\" (it gave up on the request)"
                )));
            }
            self.finished = true;
            self.truncated |= reason.as_str() == Some("length");
            self.filtered |= reason.as_str() == Some("content_filter");
        }
        Ok(out)
    }

    fn on_end(&mut self) -> Result<Vec<ModelEvent>, ModelError> {
        if self.finished {
            Ok(self.complete())
        } else {
            Err(ModelError::StreamCut(
                "the connection closed before a finish_reason or [DONE]".into(),
            ))
        }
    }
}
