//! Pieces shared by the three wire APIs: the texts of injected user
//! messages, and the loop that turns SSE events into [`ModelEvent`]s.

use std::collections::VecDeque;

use futures::StreamExt;
use serde_json::Value;

use super::http::{MAX_ERROR_BODY, truncate};
use super::sse::{SseEvent, SseStream};
use super::{Item, ModelError, ModelEvent, ModelStream};

/// The user-message text an item is sent as when the wire API has no
/// item of its own for it: a skill activation (its body) or a compaction
/// summary (with a line saying the history was compacted). `None` for the
/// other items.
pub fn injected_user_text(item: &Item) -> Option<String> {
    match item {
        Item::SkillActivation { body, .. } => Some(body.clone()),
        Item::CompactionSummary { text } => Some(format!(
            "Summary of the conversation so far (the earlier history was compacted):\n\n{text}"
        )),
        _ => None,
    }
}

/// An image as a `data:` URL (the OpenAI wires' `image_url`).
pub fn data_url(media_type: &str, data: &str) -> String {
    let mut url = String::with_capacity(data.len() + media_type.len() + 13);
    url.push_str("data:");
    url.push_str(media_type);
    url.push_str(";base64,");
    url.push_str(data);
    url
}

/// Tool-call arguments as sent back to a provider: empty text becomes `{}`.
pub fn normalize_arguments(arguments: String) -> String {
    if arguments.trim().is_empty() {
        "{}".to_string()
    } else {
        arguments
    }
}

/// Tool-call arguments as written into a request's history: `{}` for
/// anything that is not a JSON object (empty text, a call the output-token
/// limit cut, broken JSON the model wrote), which strict servers refuse
/// (vLLM's chat templates parse them). The tool result that follows says
/// what was wrong with the call.
pub fn sendable_arguments(arguments: &str) -> String {
    if is_object(arguments) {
        arguments.to_string()
    } else {
        "{}".to_string()
    }
}

/// Whether tool-call arguments are one whole JSON object (empty text,
/// another JSON value, or a cut or broken object are not).
pub fn is_object(arguments: &str) -> bool {
    arguments.trim_start().starts_with('{')
        && serde_json::from_str::<serde::de::IgnoredAny>(arguments).is_ok()
}

/// `object` with `key` set to `value`, moved in. Large parts of a request
/// body (the history, tool schemas) go in this way: written inside `json!`
/// they would be walked and copied once more through `serde_json::to_value`
/// at every request.
pub fn with(mut object: Value, key: &str, value: Value) -> Value {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_string(), value);
    }
    object
}

/// Parses the JSON `data` of an event; a lone surrogate escape in it is
/// read as U+FFFD ([`super::lone_surrogates`]).
pub(crate) fn parse_data(event: &SseEvent) -> Result<Value, ModelError> {
    serde_json::from_str(&event.data)
        .or_else(|e| match super::lone_surrogates::replaced(&event.data) {
            Some(text) => serde_json::from_str(&text).map_err(|_| e),
            None => Err(e),
        })
        .map_err(|e| {
        ModelError::Decode(format!(
            "event data is not valid JSON ({e}): {}; check that the provider's wire_api is the API this server speaks (README: Providers), and that no proxy between quire and the server changes its stream",
            truncate(&event.data, MAX_ERROR_BODY)
        ))
    })
}

pub(crate) fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

pub(crate) fn u64_at(v: &Value, pointer: &str) -> u64 {
    v.pointer(pointer).and_then(Value::as_u64).unwrap_or(0)
}

/// Turns one wire API's events into [`ModelEvent`]s.
pub(crate) trait WireDecoder: Send + 'static {
    /// Handles one event. Returning [`ModelEvent::Completed`] ends the
    /// stream; so does an error.
    fn on_event(&mut self, event: SseEvent) -> Result<Vec<ModelEvent>, ModelError>;

    /// The body ended. Returns the final events if the API allows ending
    /// this way; the default reports a cut stream.
    fn on_end(&mut self) -> Result<Vec<ModelEvent>, ModelError> {
        Err(ModelError::StreamCut(
            "the connection closed before the completion event".into(),
        ))
    }
}

/// Drives `decoder` over `events` until it completes or fails. The stream
/// yields nothing after [`ModelEvent::Completed`] or an error, and ends
/// with [`ModelError::StreamCut`] when the body ends without completing.
pub(crate) fn drive<D: WireDecoder>(events: SseStream, decoder: D) -> ModelStream {
    struct State<D> {
        events: SseStream,
        decoder: D,
        queue: VecDeque<Result<ModelEvent, ModelError>>,
        done: bool,
    }
    let state = State {
        events,
        decoder,
        queue: VecDeque::new(),
        done: false,
    };
    Box::pin(futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.queue.pop_front() {
                return Some((item, st));
            }
            if st.done {
                return None;
            }
            let result = match st.events.next().await {
                Some(Ok(event)) => st.decoder.on_event(event),
                Some(Err(e)) => Err(e),
                None => {
                    st.done = true;
                    st.decoder.on_end().and_then(|evs| {
                        if evs
                            .iter()
                            .any(|e| matches!(e, ModelEvent::Completed { .. }))
                        {
                            Ok(evs)
                        } else {
                            Err(ModelError::StreamCut(
                                "the connection closed before the completion event".into(),
                            ))
                        }
                    })
                }
            };
            match result {
                Ok(evs) => {
                    for ev in evs {
                        let completed = matches!(ev, ModelEvent::Completed { .. });
                        st.queue.push_back(Ok(ev));
                        if completed {
                            st.done = true;
                            break;
                        }
                    }
                }
                Err(e) => {
                    st.done = true;
                    st.queue.push_back(Err(e));
                }
            }
        }
    }))
}

/// The name `--output-schema`'s format goes by on the OpenAI wires.
pub(crate) const OUTPUT_SCHEMA_NAME: &str = "quire_output_schema";

/// A non-empty reasoning piece as an event (every wire API names it
/// differently; none of them is recorded or sent back).
pub(crate) fn reasoning(delta: Option<&str>) -> Vec<ModelEvent> {
    delta
        .filter(|d| !d.is_empty())
        .map(|d| vec![ModelEvent::ReasoningDelta(d.to_string())])
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Feeding canned SSE bodies to a decoder in awkward chunks.

    use bytes::Bytes;
    use futures::StreamExt;

    use crate::model::{ModelError, ModelEvent, ModelStream};

    /// Splits `body` into chunks of `size` bytes (the last may be shorter).
    pub fn chunks(body: &str, size: usize) -> Vec<Result<Bytes, String>> {
        body.as_bytes()
            .chunks(size)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect()
    }

    /// Runs `decode` over `body` for several chunk sizes and checks they
    /// all give the same result, which is returned.
    pub async fn run<F>(body: &str, decode: F) -> Vec<Result<ModelEvent, String>>
    where
        F: Fn(Vec<Result<Bytes, String>>) -> ModelStream,
    {
        let mut first: Option<Vec<Result<ModelEvent, String>>> = None;
        for size in [1, 2, 3, 7, 13, 64, body.len().max(1)] {
            let out: Vec<Result<ModelEvent, String>> = decode(chunks(body, size))
                .map(|r| r.map_err(|e| kind(&e)))
                .collect()
                .await;
            match &first {
                None => first = Some(out),
                Some(f) => assert_eq!(f, &out, "chunk size {size} differs"),
            }
        }
        first.unwrap_or_default()
    }

    /// `items` with Anthropic thinking blocks before every answer and
    /// tool call (a session that switched wires keeps them).
    pub fn with_thinking(items: &[crate::model::Item]) -> Vec<crate::model::Item> {
        use crate::model::Item;
        let mut out = Vec::new();
        for item in items.iter().cloned() {
            if matches!(item, Item::Assistant { .. } | Item::ToolCall { .. }) {
                out.push(Item::Thinking {
                    text: "t".into(),
                    signature: "s".into(),
                });
                out.push(Item::RedactedThinking { data: "d".into() });
            }
            out.push(item);
        }
        out
    }

    /// `"Kind: message"` for comparing errors in tests.
    pub fn kind(e: &ModelError) -> String {
        let k = match e {
            ModelError::Connect { .. } => "Connect",
            ModelError::Http { .. } => "Http",
            ModelError::Auth { .. } => "Auth",
            ModelError::ContextWindow(_) => "ContextWindow",
            ModelError::StreamCut(_) => "StreamCut",
            ModelError::Idle { .. } => "Idle",
            ModelError::Decode(_) => "Decode",
            ModelError::Stream { .. } => "Stream",
            ModelError::GaveUp { .. } => "GaveUp",
            ModelError::Provider(_) => "Provider",
            ModelError::StreamStatus { .. } => "StreamStatus",
            ModelError::Config(_) => "Config",
            ModelError::Quota { .. } => "Quota",
            ModelError::Rejected { .. } => "Rejected",
        };
        match e {
            ModelError::ContextWindow(m) | ModelError::Provider(m) => format!("{k}: {m}"),
            _ => k.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injected_texts() {
        assert_eq!(
            injected_user_text(&Item::SkillActivation {
                name: "pdf".into(),
                body: "Use pdftotext.".into()
            })
            .as_deref(),
            Some("Use pdftotext.")
        );
        assert_eq!(
            injected_user_text(&Item::CompactionSummary { text: "S".into() }).as_deref(),
            Some("Summary of the conversation so far (the earlier history was compacted):\n\nS")
        );
        assert_eq!(
            injected_user_text(&Item::User {
                typed: None,
                text: "u".into()
            }),
            None
        );
    }
}
