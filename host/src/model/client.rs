//! The one HTTP client for every wire API: a [`WireClient`] is the
//! provider's base URL and credentials plus a [`Wire`] that says where
//! requests go, how they authenticate, what their body is and how the SSE
//! response decodes. `responses`, `chat` and `anthropic` are the three
//! wires.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// A field of the body the wire can do without and strict servers
    /// refuse (Chat's `stream_options`): a 400 naming it gets the request
    /// again without it, and the session leaves it out from then on.
    const OPTIONAL_FIELD: Option<&'static str> = None;
    /// Whether the provider's settings leave [`Wire::OPTIONAL_FIELD`] out
    /// from the start.
    fn optional_field_off(_provider: &ProviderConfig) -> bool {
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
    /// [`Wire::OPTIONAL_FIELD`] is left out (set off, or refused once).
    without_optional: AtomicBool,
    wire: PhantomData<W>,
}

impl<W: Wire> WireClient<W> {
    pub fn new(http: reqwest::Client, provider: ProviderConfig) -> Self {
        WireClient {
            without_optional: AtomicBool::new(W::optional_field_off(&provider)),
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

    async fn stream(&self, request: &ModelRequest) -> Result<ModelStream, ModelError> {
        let headers = W::headers(&self.provider);
        let mut body = W::request_body(request, &self.provider);
        let optional = W::OPTIONAL_FIELD.filter(|_| !self.without_optional.load(Ordering::Relaxed));
        if optional.is_none() {
            remove_optional::<W>(&mut body);
        }
        let url = self.url();
        let post = async |body: &Value| {
            http::post_event_stream(&self.http, &self.provider, &url, &headers, body).await
        };
        let stream = match post(&body).await {
            Err(e) if optional.is_some_and(|field| refuses(&e, field)) => {
                if !self.without_optional.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        provider = %self.provider.name,
                        field = W::OPTIONAL_FIELD.unwrap_or_default(),
                        error = %e,
                        "the server refused {}; usage may be missing (sending requests without it)",
                        W::OPTIONAL_FIELD.unwrap_or_default()
                    );
                }
                remove_optional::<W>(&mut body);
                post(&body).await?
            }
            other => other?,
        };
        let events = W::decode_stream(sse::decode_response(
            stream,
            self.provider.stream_idle_timeout_secs,
        ));
        // What the stream could not read is said with where it came from.
        let provider = self.provider.name.clone();
        let url = crate::config::shown_url::shown_url(&url).into_owned();
        Ok(Box::pin(events.map(move |event| {
            event.map_err(|e| match e {
                ModelError::Decode(message) => ModelError::Stream {
                    provider: provider.clone(),
                    url: url.clone(),
                    message,
                },
                other => other,
            })
        })))
    }
}

/// Takes [`Wire::OPTIONAL_FIELD`] out of a request body.
fn remove_optional<W: Wire>(body: &mut Value) {
    if let Some(field) = W::OPTIONAL_FIELD
        && let Some(map) = body.as_object_mut()
    {
        map.remove(field);
    }
}

/// Whether `e` is the server refusing the request for `field`: a 400 or
/// 422 whose body names it.
fn refuses(e: &ModelError, field: &str) -> bool {
    matches!(e, ModelError::Http { status: 400 | 422, body, .. } if body.contains(field))
}
