//! The one HTTP client for every wire API: a [`WireClient`] is the
//! provider's base URL and credentials plus a [`Wire`] that says where
//! requests go, how they authenticate, what their body is and how the SSE
//! response decodes. `responses`, `chat` and `anthropic` are the three
//! wires.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU32, Ordering};

use futures::StreamExt;
use serde_json::Value;

use super::sse::{self, SseStream};
use super::{ModelClient, ModelError, ModelRequest, ModelStream, WireApi, http};
use crate::config::ProviderConfig;

/// One wire API: everything that differs between the clients.
pub trait Wire: Send + Sync + 'static {
    const API: WireApi;
    /// The endpoint below the provider's base URL (`/responses`).
    const PATH: &'static str;
    /// The URL requests go to: the base URL (without a trailing slash)
    /// followed by [`Wire::PATH`].
    fn url(base_url: &str) -> String {
        format!("{base_url}{}", Self::PATH)
    }
    /// The headers that authenticate (and version) a request.
    fn headers(provider: &ProviderConfig) -> Vec<(&'static str, String)>;
    /// The JSON body of a request (with what the provider's settings add).
    fn request_body(request: &ModelRequest, provider: &ProviderConfig) -> Value;
    /// The response's SSE events as model events.
    fn decode_stream(events: SseStream) -> ModelStream;
    /// Fields of the body the wire can do without and some servers refuse
    /// (Chat's `stream_options`, Responses' `reasoning`): a 400 naming one
    /// gets the request again without it, and the session leaves it out
    /// from then on.
    const OPTIONAL_FIELDS: &'static [&'static str] = &[];
    /// Whether the provider's settings leave an optional `field` out from
    /// the start.
    fn optional_field_off(_provider: &ProviderConfig, _field: &str) -> bool {
        false
    }
}

/// `Authorization: Bearer KEY` when the provider has a key (the OpenAI
/// style wires).
pub fn bearer(provider: &ProviderConfig) -> Vec<(&'static str, String)> {
    api_key(provider)
        .map(|key| ("authorization", format!("Bearer {key}")))
        .into_iter()
        .collect()
}

/// The provider's API key without surrounding whitespace (a key file or
/// `export KEY=$(cat file)` often leaves a trailing newline); `None` when
/// nothing is left.
pub fn api_key(provider: &ProviderConfig) -> Option<&str> {
    provider
        .api_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

/// The headers that carry the API key (checked by
/// [`http::post_event_stream`] so that a bad key names its source).
pub const KEY_HEADERS: [&str; 2] = ["authorization", "x-api-key"];

/// A client of the wire `W`.
pub struct WireClient<W: Wire> {
    http: reqwest::Client,
    provider: ProviderConfig,
    /// The [`Wire::OPTIONAL_FIELDS`] left out (set off, or refused once),
    /// a bit each.
    dropped: AtomicU32,
    wire: PhantomData<W>,
}

impl<W: Wire> WireClient<W> {
    pub fn new(http: reqwest::Client, provider: ProviderConfig) -> Self {
        WireClient {
            dropped: AtomicU32::new(
                W::OPTIONAL_FIELDS
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| W::optional_field_off(&provider, f))
                    .fold(0, |bits, (i, _)| bits | 1 << i),
            ),
            http,
            provider,
            wire: PhantomData,
        }
    }

    /// The endpoint requests go to.
    pub fn url(&self) -> String {
        W::url(self.provider.base_url.trim_end_matches('/'))
    }
}

#[async_trait::async_trait]
impl<W: Wire> ModelClient for WireClient<W> {
    fn wire_api(&self) -> WireApi {
        W::API
    }

    fn left_out(&self) -> Vec<&'static str> {
        let dropped = self.dropped.load(Ordering::Relaxed);
        W::OPTIONAL_FIELDS
            .iter()
            .enumerate()
            .filter(|(i, _)| dropped & 1 << i != 0)
            .map(|(_, f)| *f)
            .collect()
    }

    async fn stream(&self, request: &ModelRequest) -> Result<ModelStream, ModelError> {
        let headers = W::headers(&self.provider);
        let mut body = W::request_body(request, &self.provider);
        let dropped = self.dropped.load(Ordering::Relaxed);
        for (i, field) in W::OPTIONAL_FIELDS.iter().enumerate() {
            if dropped & 1 << i != 0 {
                remove(&mut body, field);
            }
        }
        let url = self.url();
        let post = async |body: &Value| {
            http::post_event_stream(&self.http, &self.provider, &url, &headers, body).await
        };
        // Each refusal naming optional fields the body holds takes them
        // out: this ends once none is left to take.
        let stream = loop {
            let e = match post(&body).await {
                Ok(stream) => break stream,
                Err(e) => e,
            };
            let named: Vec<(usize, &str)> = W::OPTIONAL_FIELDS
                .iter()
                .enumerate()
                .filter(|(_, f)| body.get(**f).is_some() && refuses(&e, f))
                .map(|(i, f)| (i, *f))
                .collect();
            if named.is_empty() {
                return Err(e);
            }
            for (i, field) in named {
                if self.dropped.fetch_or(1 << i, Ordering::Relaxed) & 1 << i == 0 {
                    tracing::warn!(
                        provider = %self.provider.name,
                        field,
                        error = %e,
                        "the server refused {field}; {} (sending requests without it)",
                        if field == "stream_options" {
                            "usage may be missing"
                        } else {
                            "its setting does not apply"
                        }
                    );
                }
                remove(&mut body, field);
            }
        };
        let events = W::decode_stream(sse::decode_response(
            stream,
            self.provider.stream_idle_timeout_secs,
        ));
        // What the stream could not read is said with where it came from.
        // An error with a status inside the stream is that status's.
        let provider = self.provider.clone();
        let url = crate::config::shown_url::shown_url(&url).into_owned();
        Ok(Box::pin(events.map(move |event| {
            event.map_err(|e| match e {
                ModelError::Decode(message) => ModelError::Stream {
                    provider: provider.name.clone(),
                    url: url.clone(),
                    message,
                },
                ModelError::StreamStatus { status, body } => {
                    http::failed_status(status, &url, &Default::default(), &body, &provider)
                }
                other => other,
            })
        })))
    }
}

/// Takes `field` out of a request body.
fn remove(body: &mut Value, field: &str) {
    if let Some(map) = body.as_object_mut() {
        map.remove(field);
    }
}

/// Whether `e` is the server refusing the request for `field`: a 400 or
/// 422 whose body names it (as a word of its own, or the start of a dotted
/// path: `'reasoning'`, `reasoning.effort`, `include[0]`).
fn refuses(e: &ModelError, field: &str) -> bool {
    matches!(e, ModelError::Http { status: 400 | 422, body, .. } if names(body, field))
}

fn names(text: &str, field: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .any(|word| {
            word.strip_prefix(field)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
}

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn a_field_is_named_as_a_word_or_a_path_start() {
        assert!(names("Unknown parameter: 'reasoning'.", "reasoning"));
        assert!(names("'reasoning.effort' is not supported", "reasoning"));
        assert!(names(r#"{"param":"include[0]"}"#, "include"));
        assert!(names(
            "Unrecognized request argument supplied: stream_options",
            "stream_options"
        ));
        assert!(!names("Invalid 'input[2].content[0].text': empty", "text"));
        assert!(!names("reasoning_effort is unknown", "reasoning"));
        assert!(!names("the context is too long", "text"));
    }
}
