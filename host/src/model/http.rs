//! Sending a streaming request and mapping HTTP failures to [`ModelError`],
//! shared by the three wire APIs.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_ENCODING, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::ModelError;
use crate::config::ProviderConfig;

/// Error bodies kept in [`ModelError`] are cut to about this many bytes.
pub const MAX_ERROR_BODY: usize = 2048;

/// A 2xx response carrying an event stream, and the start of its body
/// when it had to be read to tell (a stream labelled as JSON).
pub struct EventStream {
    pub response: reqwest::Response,
    /// Bytes already read from the body; they come first.
    pub head: Option<Bytes>,
}

/// POSTs `body` as JSON to `url`, asking for an event stream, with
/// `headers` (the wire API's own, e.g. authentication) and then the
/// provider's configured headers (which win). Returns the response once a
/// 2xx status with an event stream arrived; every failure is mapped to a
/// [`ModelError`].
pub async fn post_event_stream(
    http: &reqwest::Client,
    provider: &ProviderConfig,
    url: &str,
    headers: &[(&str, String)],
    body: &Value,
) -> Result<EventStream, ModelError> {
    let mut map = HeaderMap::new();
    map.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
    let pairs = headers
        .iter()
        .map(|(k, v)| (*k, v.as_str(), "built-in"))
        .chain(
            provider
                .headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str(), "configured")),
        );
    for (name, value, origin) in pairs {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| {
            ModelError::Config(format!(
                "invalid {origin} header name \"{name}\" for provider {}: {e}; fix providers.{}.headers",
                provider.name, provider.name
            ))
        })?;
        let value = HeaderValue::from_str(value).map_err(|e| {
            if origin == "built-in" && super::client::KEY_HEADERS.contains(&name.as_str()) {
                return bad_key(provider);
            }
            ModelError::Config(format!(
                "invalid value for {origin} header \"{name}\" of provider {}: {e}; check providers.{}.headers and the API key",
                provider.name, provider.name
            ))
        })?;
        map.insert(name, value);
    }
    // Errors and logs show the URL with its password masked.
    let real = url;
    let shown = crate::config::shown_url::shown_url(real);
    let url: &str = &shown;
    tracing::debug!(%url, "sending model request");
    let response = http
        .post(real)
        .headers(map)
        .json(body)
        .send()
        .await
        .map_err(|e| send_error(url, &e, provider))?;
    let status = response.status();
    if !status.is_success() {
        let headers = response.headers().clone();
        let text = response
            .text()
            .await
            .unwrap_or_else(|e| format!("(the error body could not be read: {e})"));
        return Err(failed_status(
            status.as_u16(),
            url,
            &headers,
            &text,
            provider,
        ));
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    let content_type = header(CONTENT_TYPE);
    let encoding = header(CONTENT_ENCODING);
    if !encoding.is_empty() && encoding != "identity" {
        return Err(compressed(url, &provider.name, &encoding));
    }
    let mut response = response;
    if content_type.contains("json") {
        // An event stream mislabelled as JSON (some proxies and servers)
        // is read as the stream it is.
        let first = peek(&mut response).await;
        if looks_like_event_stream(&first) {
            tracing::debug!(%url, %content_type, "an event stream labelled as JSON");
            return Ok(EventStream {
                response,
                head: Some(first),
            });
        }
        // The server ignored `stream: true` or reported an error as JSON.
        let rest = response.text().await.unwrap_or_default();
        let text = format!("{}{rest}", String::from_utf8_lossy(&first));
        return Err(json_instead_of_stream(url, &content_type, &text));
    }
    if content_type.contains("html") || content_type.contains("xml") {
        // A web page: a proxy, a login portal or a wrong base_url.
        let text = response.text().await.unwrap_or_default();
        return Err(page_instead_of_stream(
            url,
            &provider.name,
            status.as_u16(),
            &content_type,
            &text,
        ));
    }
    if content_type.contains("event-stream") {
        return Ok(EventStream {
            response,
            head: None,
        });
    }
    // Another type (`text/plain`, none): an event stream some servers and
    // proxies label wrongly, or a message (a model still loading) to show.
    let first = peek(&mut response).await;
    if looks_like_event_stream(&first) {
        tracing::debug!(%url, %content_type, "an event stream labelled as something else");
        return Ok(EventStream {
            response,
            head: Some(first),
        });
    }
    let rest = response.text().await.unwrap_or_default();
    let text = format!("{}{rest}", String::from_utf8_lossy(&first));
    Err(ModelError::Decode(format!(
        "{url} answered HTTP {} ({}) instead of an event stream (text/event-stream): {:?}; check that base_url of providers.{} points at the model server's API and that the server is ready",
        status.as_u16(),
        if content_type.is_empty() {
            "no Content-Type"
        } else {
            content_type.as_str()
        },
        truncate(text.trim(), MAX_ERROR_BODY),
        provider.name
    )))
}

/// The start of a body, enough to tell whether it is an event stream: its
/// first line (past blank space) or 16 bytes, whichever comes first, or
/// all of it when shorter.
async fn peek(response: &mut reqwest::Response) -> Bytes {
    let mut start = Vec::new();
    let enough = |b: &[u8]| {
        let text = String::from_utf8_lossy(b);
        let text = text.trim_start_matches('\u{feff}').trim_start();
        b.len() >= 16 || text.contains('\n')
    };
    while !enough(&start) {
        match response.chunk().await {
            Ok(Some(c)) => start.extend_from_slice(&c),
            _ => break,
        }
    }
    Bytes::from(start)
}

/// The error for a non-success `status` with its body `text`, with what
/// to check: [`status_error`] and the hint for the status (an unknown
/// model, a refused request, a rate limit, a server failure, a key). Also
/// for an error a server put inside a 200 stream with a status code
/// ([`ModelError::StreamStatus`]): handled as that status.
pub(crate) fn failed_status(
    status: u16,
    url: &str,
    headers: &HeaderMap,
    text: &str,
    provider: &ProviderConfig,
) -> ModelError {
    let mut err = status_error(status, url, headers, text);
    if let ModelError::Http {
        status: 404, body, ..
    } = &mut err
    {
        // Ollama, vLLM, OpenAI and Anthropic answer an unknown model
        // with 404 and a body that says so: then the model name is
        // what to check.
        body.push_str(&if super::not_found::about_model(body) {
            super::not_found::unknown_model_hint()
        } else {
            format!(
                " (nothing answers at this URL; {})",
                crate::config::base_url_places::not_found_fix(provider)
            )
        });
    }
    if let ModelError::Http { status, body, .. } = &mut err {
        if matches!(status, 400 | 405 | 415 | 422) {
            *body = super::refusal::explained(text, provider);
        } else if let Some(hint) = status_hint(*status, provider) {
            body.push_str(&hint);
        }
    }
    if let ModelError::Auth { body, .. } = &mut err
        && let Some(var) = &provider.api_key_env
    {
        body.push_str(&if super::client::api_key(provider).is_none() {
            format!(" (no API key was sent: the environment variable {var} is not set)")
        } else {
            format!(
                " (the API key sent came from the environment variable {var}; check that it is valid for this server, or set api_key_env of providers.{} to the right variable)",
                provider.name
            )
        });
    }
    err
}

/// What to check after an error status (404 has its own, above; a
/// refused request, 400, 405, 415, 422, is explained by
/// [`super::refusal`]): a rate limit (429) or a failure on the server's
/// side (5xx).
fn status_hint(status: u16, provider: &ProviderConfig) -> Option<String> {
    let name = &provider.name;
    match status {
        429 => Some(format!(
            " (provider {name} limits how fast it may be asked: wait and try again; retry.max_delay_ms sets how long quire waits between tries)"
        )),
        500..=599 => Some(format!(
            " (an error on the server's side of provider {name}: try again later, or look at the server and its logs)"
        )),
        _ => None,
    }
}

/// Whether the start of a body is an event stream's: a `data:`, `event:`,
/// `id:` or `retry:` field or a comment, after an optional BOM and blank
/// lines.
fn looks_like_event_stream(first: &[u8]) -> bool {
    let text = String::from_utf8_lossy(first);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    ["data:", "event:", "id:", "retry:", ":"]
        .iter()
        .any(|field| text.starts_with(field))
}

/// A compressed body: quire asks for none (no `Accept-Encoding`) and
/// decodes none, so what arrived would read as nothing.
fn compressed(url: &str, provider: &str, encoding: &str) -> ModelError {
    ModelError::Decode(format!(
        "{url} sent its event stream compressed (Content-Encoding: {encoding}), which quire does not decode (it asks for no compression); turn compression off in the proxy or server between quire and the model, or point base_url of providers.{provider} at the model server directly"
    ))
}

/// The API key cannot be sent (a control character or non-ASCII byte
/// inside it): names where the key came from, never the key itself.
fn bad_key(provider: &ProviderConfig) -> ModelError {
    let source = match &provider.api_key_env {
        Some(var) => format!(
            "the environment variable {var} (api_key_env of providers.{})",
            provider.name
        ),
        None => format!("the API key of providers.{}", provider.name),
    };
    ModelError::Config(format!(
        "the API key from {source} contains characters not allowed in an HTTP header (a line break, a control character or a non-ASCII character inside it); check its value"
    ))
}

/// What came back instead of an event stream, and where to look.
fn page_instead_of_stream(
    url: &str,
    provider: &str,
    status: u16,
    content_type: &str,
    body: &str,
) -> ModelError {
    let start: String = body.trim().chars().take(200).collect();
    ModelError::Decode(format!(
        "{url} answered HTTP {status} with a web page ({content_type}) instead of an event stream, starting: {:?}; check base_url of providers.{provider} (it should point at the API, usually ending in /v1)",
        start
    ))
}

fn send_error(url: &str, e: &reqwest::Error, provider: &ProviderConfig) -> ModelError {
    let idle_secs = provider.stream_idle_timeout_secs;
    if e.is_builder() {
        let e = crate::config::shown_url::shown_url(&e.to_string()).into_owned();
        return ModelError::Config(format!("cannot build the request to {url}: {e}"));
    }
    if e.is_timeout() && !e.is_connect() {
        // Connected, then no answer within the read timeout.
        return ModelError::Idle {
            url: url.to_string(),
            secs: idle_secs,
            pinged: false,
        };
    }
    // The root cause says it ("Connection refused (os error 111)"); the
    // layers above it repeat the URL ("error sending request for url …:
    // client error (Connect): tcp connect error: …").
    let mut message =
        crate::config::shown_url::shown_url(&crate::errors::root_cause(e)).into_owned();
    if e.is_timeout() {
        message.push_str(" (timed out; check the server, or raise connect_timeout_secs)");
    }
    ModelError::Connect {
        url: url.to_string(),
        message,
        from: provider.base_url_from.clone(),
    }
}

/// An error with its causes, each once: reqwest's own text ("error
/// decoding response body") rarely says what happened.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    message
}

/// Maps a non-success status and its body to an error: 401/403 are
/// [`ModelError::Auth`], a 400/413 about the context length is
/// [`ModelError::ContextWindow`], anything else [`ModelError::Http`] with
/// the server's `Retry-After`.
pub fn status_error(status: u16, url: &str, headers: &HeaderMap, body: &str) -> ModelError {
    match status {
        401 | 403 => ModelError::Auth {
            status,
            url: url.to_string(),
            body: truncate(body.trim(), MAX_ERROR_BODY),
        },
        400 | 402 | 429 if is_quota_message(body) => ModelError::Quota {
            url: url.to_string(),
            message: error_message(body),
        },
        // TGI refuses a prompt over its window with 422.
        400 | 413 | 422 if is_context_window_message(body) => {
            ModelError::ContextWindow(with_n_ctx(error_message(body), body))
        }
        _ => ModelError::Http {
            status,
            url: url.to_string(),
            body: truncate(body.trim(), MAX_ERROR_BODY),
            retry_after: retry_after(headers),
        },
    }
}

fn json_instead_of_stream(url: &str, content_type: &str, body: &str) -> ModelError {
    if let Ok(v) = serde_json::from_str::<Value>(body)
        && let Some(err) = v.get("error").filter(|e| !e.is_null())
    {
        let code = err.get("code").and_then(Value::as_str);
        return stream_error(code, &error_message(body));
    }
    ModelError::Decode(format!(
        "{url} answered with JSON (Content-Type: {content_type}) instead of an event stream (text/event-stream); check that the server supports streaming (`stream: true`) and that base_url points at it. Body: {}",
        truncate(body.trim(), MAX_ERROR_BODY)
    ))
}

/// An error reported by the provider inside a stream:
/// [`ModelError::ContextWindow`] when `code` or `message` says the prompt
/// is too long; `insufficient_quota` as an HTTP 429 of that code would be
/// (the quota error, once the client knows the URL); `invalid_prompt` and
/// `invalid_request_error` as [`ModelError::Rejected`] (not retried), as
/// an HTTP 400 would be; else [`ModelError::Provider`] (retried).
pub fn stream_error(code: Option<&str>, message: &str) -> ModelError {
    let context_codes = ["context_length_exceeded", "exceed_context_size_error"];
    if code.is_some_and(|c| context_codes.contains(&c)) || is_context_window_message(message) {
        return ModelError::ContextWindow(message.to_string());
    }
    match code {
        Some("insufficient_quota") => ModelError::StreamStatus {
            status: 429,
            body: serde_json::json!({"error": {"code": "insufficient_quota", "message": message}})
                .to_string(),
        },
        Some(code @ ("invalid_prompt" | "invalid_request_error")) => ModelError::Rejected {
            code: code.to_string(),
            message: message.to_string(),
        },
        _ => ModelError::Provider(message.to_string()),
    }
}

/// Whether an error text says the request exceeds the model's context
/// window (OpenAI, Anthropic, llama.cpp, vLLM, Ollama, LM Studio, Gemini
/// and Hugging Face TGI wordings).
pub fn is_context_window_message(text: &str) -> bool {
    const NEEDLES: &[&str] = &[
        "context_length_exceeded",
        "maximum context length",
        "prompt is too long",
        "too many tokens",
        "exceeds the context",
        "context size",
        "context window",
        "exceed context limit",
        // LM Studio: "Trying to keep the first N tokens when context the
        // overflows. However, the model is loaded with context length of
        // only M tokens", in a stream "… is greater than the context length".
        "context the overflows",
        "context length of only",
        "greater than the context length",
        // vLLM's engine: "The decoder prompt (length N) is longer than the
        // maximum model length of M".
        "maximum model length",
        // Gemini: "The input token count (N) exceeds the maximum number of
        // tokens allowed (M)".
        "exceeds the maximum number of tokens allowed",
        // TGI: "`inputs` tokens + `max_new_tokens` must be <= N".
        "`max_new_tokens` must be <=",
    ];
    let lower = text.to_ascii_lowercase();
    NEEDLES.iter().any(|n| lower.contains(n))
}

/// Whether an error body says the account's quota or credit is used up
/// (OpenAI's `insufficient_quota`, Anthropic's "credit balance is too
/// low").
fn is_quota_message(body: &str) -> bool {
    body.contains("insufficient_quota") || body.contains("credit balance is too low")
}

/// `message` with llama.cpp's `error.n_ctx` (the server's context size,
/// read by [`super::context_size::stated`]) when the body has it.
fn with_n_ctx(message: String, body: &str) -> String {
    let n_ctx = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.pointer("/error/n_ctx").and_then(Value::as_u64));
    match n_ctx {
        Some(n) if !message.contains("n_ctx") => format!("{message} (n_ctx = {n})"),
        _ => message,
    }
}

/// The human-readable message of an error body: `error.message`,
/// `message`, `error` or `detail` of a JSON body, else the body itself
/// (truncated).
pub fn error_message(body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        let candidates = [
            v.pointer("/error/message"),
            // Gemini's OpenAI-compatible endpoint: `[{"error": {…}}]`.
            v.pointer("/0/error/message"),
            v.get("message"),
            v.get("error"),
            v.get("detail"),
        ];
        for c in candidates.into_iter().flatten() {
            if let Some(s) = c.as_str().filter(|s| !s.is_empty()) {
                return truncate(s, MAX_ERROR_BODY);
            }
        }
    }
    truncate(body.trim(), MAX_ERROR_BODY)
}

/// The longest delay a server's `Retry-After` is taken to ask for.
const LONGEST_ASKED: Duration = Duration::from_secs(24 * 60 * 60);

/// The delay the server asked for: `retry-after-ms` (milliseconds), else
/// `Retry-After` as seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    // Any number a server sends (`1e30`) is a delay, at most a day: the
    // retry policy waits no longer than `retry.max_delay_ms` anyway.
    let delay = |secs: f64| {
        (secs.is_finite() && secs >= 0.0)
            .then(|| Duration::try_from_secs_f64(secs).unwrap_or(LONGEST_ASKED))
            .map(|d| d.min(LONGEST_ASKED))
    };
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && let Some(d) = delay(ms / 1000.0)
    {
        return Some(d);
    }
    let value = get("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return delay(secs);
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// Cuts `s` to at most `max` bytes on a character boundary, marking the cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let end = s.floor_char_boundary(max);
    format!("{}… ({} more bytes)", &s[..end], s.len() - end)
}

#[cfg(test)]
mod loopback_tests;
#[cfg(test)]
mod tests;
