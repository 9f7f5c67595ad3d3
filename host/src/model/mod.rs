//! The model layer: one trait, one module per wire API.
//!
//! The layer is stateless: it turns a [`ModelRequest`] (instructions, items,
//! tool specs) into an HTTP request for its wire API and the SSE response
//! into [`ModelEvent`]s. Retries live in [`retry`], above the stream, so a
//! response is only acted upon once it completed.

pub(crate) mod anthropic;
mod asked_wait;
pub(crate) mod chat;
pub(crate) mod client;
pub(crate) mod context_size;
mod error;
pub(crate) mod http;
pub(crate) mod lone_surrogates;
pub(crate) mod not_found;
mod refusal;
pub(crate) mod responses;
pub(crate) mod retry;
pub mod sse;
mod think_tags;
pub(crate) mod wire;

use std::pin::Pin;
use std::sync::Arc;

use futures::Stream;
use serde::{Deserialize, Serialize};

pub use crate::protocol::{Item, ToolCall, Usage};
pub use error::ModelError;
pub(crate) use refusal::IMAGES_REFUSED;

use crate::config::ProviderConfig;
use crate::protocol::ToolSpec;

/// The three wire APIs quire speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireApi {
    /// OpenAI Responses: `POST {base}/responses`.
    Responses,
    /// Chat Completions: `POST {base}/chat/completions` (Ollama, vLLM,
    /// llama.cpp, LM Studio, OpenRouter, OpenAI).
    Chat,
    /// Anthropic Messages: `POST {base}/v1/messages`.
    Anthropic,
}

impl std::fmt::Display for WireApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WireApi::Responses => "responses",
            WireApi::Chat => "chat",
            WireApi::Anthropic => "anthropic",
        })
    }
}

/// Everything one model request needs.
#[derive(Debug, Clone)]
pub struct ModelRequest {
    pub model: String,
    /// The system prompt.
    pub instructions: String,
    pub items: Vec<Item>,
    pub tools: Vec<ToolSpec>,
    pub max_output_tokens: Option<u32>,
    /// Groups requests that share a prefix for the provider's prompt cache
    /// (the session id; sent as `prompt_cache_key` on Responses).
    pub cache_key: Option<String>,
    /// Reasoning effort, summary and verbosity as configured for the
    /// model (nothing configured: nothing sent).
    pub reasoning: crate::config::reasoning::Reasoning,
    /// The JSON Schema the answer must match (`quire exec --output-schema`,
    /// as Codex's): Responses `text.format` and Chat `response_format`,
    /// strict; Anthropic is asked in the message only.
    pub output_schema: Option<serde_json::Value>,
}

/// What a response stream yields.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelEvent {
    /// A piece of the assistant's text.
    TextDelta(String),
    /// A piece of the model's reasoning summary (shown while waiting; the
    /// history keeps only whole blocks: [`ModelEvent::Thinking`]).
    ReasoningDelta(String),
    /// A whole block of thinking the provider wants back with the next
    /// request ([`Item::Thinking`] or [`Item::RedactedThinking`]; its text
    /// was streamed as [`ModelEvent::ReasoningDelta`]s already).
    Thinking(Item),
    /// A tool call, fully assembled from its streamed pieces.
    ToolCall(ToolCall),
    /// The answer was cut at the output-token limit (Chat `finish_reason:
    /// "length"`, Anthropic `stop_reason: "max_tokens"`, Responses
    /// `response.incomplete` for `max_output_tokens`); sent right before
    /// [`ModelEvent::Completed`].
    Truncated,
    /// The answer stopped because the conversation and the answer filled
    /// the model's context window (Anthropic `stop_reason:
    /// "model_context_window_exceeded"`): cut like [`ModelEvent::Truncated`],
    /// but more output tokens would not help, a shorter conversation
    /// would. Sent right before [`ModelEvent::Completed`].
    WindowFull,
    /// The provider stopped the answer for its content (Chat
    /// `finish_reason: "content_filter"`, Anthropic `stop_reason:
    /// "refusal"`, Responses `response.incomplete` for `content_filter`);
    /// says which, in words. Sent right before [`ModelEvent::Completed`].
    Refused(String),
    /// The response finished; no more events follow.
    Completed { usage: Option<Usage> },
}

pub type ModelStream = Pin<Box<dyn Stream<Item = Result<ModelEvent, ModelError>> + Send>>;

/// A client for one wire API. Implementations must end every successful
/// stream with [`ModelEvent::Completed`]; a stream that ends without it is
/// reported as [`ModelError::StreamCut`].
#[async_trait::async_trait]
pub trait ModelClient: Send + Sync {
    fn wire_api(&self) -> WireApi;
    async fn stream(&self, request: &ModelRequest) -> Result<ModelStream, ModelError>;
    /// The optional fields of the body requests go without (the server
    /// refused them, or the provider's settings leave them out): a
    /// setting they carry does not apply (`/status` says so).
    fn left_out(&self) -> Vec<&'static str> {
        Vec::new()
    }
}

/// Builds the client for a provider's wire API.
pub fn client_for(provider: &ProviderConfig) -> Result<Arc<dyn ModelClient>, ModelError> {
    let http = http_client(provider)?;
    Ok(match provider.wire_api {
        WireApi::Responses => Arc::new(responses::ResponsesClient::new(http, provider.clone())),
        WireApi::Chat => Arc::new(chat::ChatClient::new(http, provider.clone())),
        WireApi::Anthropic => Arc::new(anthropic::AnthropicClient::new(http, provider.clone())),
    })
}

fn http_client(provider: &ProviderConfig) -> Result<reqwest::Client, ModelError> {
    let mut builder = reqwest::Client::builder();
    // Loading the system's root certificates costs milliseconds of every
    // start; a plain-HTTP provider (a local server) never needs them.
    if is_plain_http(&provider.base_url) {
        builder = builder.tls_certs_only(std::iter::empty::<reqwest::Certificate>());
    }
    builder
        .connect_timeout(std::time::Duration::from_secs(
            provider.connect_timeout_secs,
        ))
        .read_timeout(std::time::Duration::from_secs(
            provider.stream_idle_timeout_secs,
        ))
        .build()
        .map_err(|e| ModelError::Config(format!("cannot build HTTP client: {e}")))
}

/// Whether `url` is a plain `http://` URL (no TLS to set up).
fn is_plain_http(url: &str) -> bool {
    url.get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
}

#[cfg(test)]
mod tls_tests {
    use super::is_plain_http;

    #[test]
    fn only_plain_http_urls_skip_the_root_certificates() {
        assert!(is_plain_http("http://127.0.0.1:8080/v1"));
        assert!(is_plain_http("HTTP://localhost/v1"));
        assert!(!is_plain_http("https://api.openai.com/v1"));
        assert!(!is_plain_http("http"));
    }
}
