use std::time::Duration;

/// Errors of the model layer. [`ModelError::is_transient`] says which ones
/// a retry may fix.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The server could not be reached, or the connection broke before a
    /// response started.
    #[error("cannot reach {url}: {message}")]
    Connect {
        url: String,
        message: String,
        /// Where the URL came from when not from base_url
        /// ([`crate::config::ProviderConfig::base_url_from`]).
        from: Option<String>,
    },
    /// A non-success status that is not one of the more specific kinds
    /// (a 413 explained: [`http_text`]).
    #[error("{}", http_text(*status, url, body))]
    Http {
        status: u16,
        url: String,
        body: String,
        retry_after: Option<Duration>,
    },
    /// 401/403: the API key is missing, wrong or lacks access.
    #[error("authentication failed (HTTP {status}) at {url}: {body}")]
    Auth {
        status: u16,
        url: String,
        body: String,
    },
    /// 429 with `insufficient_quota` (or that code inside the stream), or
    /// Anthropic's 400 "credit balance is too low": the account's balance
    /// or quota is used up; no retry can fix it.
    #[error(
        "the provider at {url} says the account's quota is used up: {message}. Check the account's billing and quota; retrying will not help"
    )]
    Quota { url: String, message: String },
    /// The request is larger than the model's context window.
    #[error("the conversation is too long for the model's context window: {0}")]
    ContextWindow(String),
    /// The server sent nothing for `stream_idle_timeout_secs`, or only
    /// keep-alives (`pinged`): before its answer started or in the
    /// middle of it. Retried once, not more: a stalled server usually
    /// stays stalled.
    #[error(
        "{url} sent {} for {secs} s (stream_idle_timeout_secs of the provider; raise it for a slow local model)",
        if *pinged { "only keep-alives and no data" } else { "nothing" }
    )]
    Idle {
        url: String,
        secs: u64,
        /// Keep-alives (`: ping`, `event: ping`) came, nothing else.
        pinged: bool,
    },
    /// The stream ended (or broke) before the response completed.
    #[error("the response stream ended before the response completed: {0}")]
    StreamCut(String),
    /// The provider sent something that is not valid for its wire API.
    #[error("unexpected response from the provider: {0}")]
    Decode(String),
    /// An event of a provider's stream that does not fit its wire API
    /// (a [`ModelError::Decode`] of the stream, with where it came from).
    #[error("unexpected response from provider {provider} at {url}: {message}")]
    Stream {
        provider: String,
        url: String,
        message: String,
    },
    /// A transient error that was retried until `retry.max_retries` was
    /// used up (a stall: its one retry): the last one.
    #[error("{last}; gave up after {retries} {} ({})", if *retries == 1 { "retry" } else { "retries" }, retries_hint(last))]
    GaveUp { retries: u32, last: Box<ModelError> },
    /// The provider reported an error inside the stream.
    #[error("the provider reported an error: {0}")]
    Provider(String),
    /// The provider refused the request inside its stream for something
    /// a retry of the same request cannot change (`invalid_prompt`,
    /// `invalid_request_error`): not retried.
    #[error(
        "the provider refused the request ({code}): {message}; retrying the same request will not help"
    )]
    Rejected { code: String, message: String },
    /// An error inside a 200 stream that carries a 4xx status as its code
    /// (vLLM's `{"error": {"code": 400, …}}`); the client makes it the
    /// error of that status (`http::failed_status`), so it is retried or
    /// explained as a response with that status would be. `body` is the
    /// error as a JSON body (`{"error": …}`).
    #[error(
        "the provider reported an error (HTTP {status}): {}",
        super::http::error_message(body)
    )]
    StreamStatus { status: u16, body: String },
    /// The client is misconfigured (missing key, bad URL).
    #[error("{0}")]
    Config(String),
}

/// What an [`ModelError::Http`] says: the status and the body, a 413
/// (Anthropic's `request_too_large`) in words with what to do.
fn http_text(status: u16, url: &str, body: &str) -> String {
    if status == 413 {
        return format!(
            "the request is larger than {url} takes (HTTP 413: {}): the conversation carries too much (images, long tool output); /compact shortens it, /rewind goes back to an earlier message, or start a new session",
            super::http::error_message(body)
        );
    }
    format!("HTTP {status} from {url}: {body}")
}

/// What sets how many retries `last` got: a stall is retried once,
/// whatever `retry.max_retries` says.
fn retries_hint(last: &ModelError) -> &'static str {
    match last {
        ModelError::Idle { .. } => {
            "a stalled stream is retried once, whatever retry.max_retries says"
        }
        _ => "retry.max_retries sets how many",
    }
}

impl ModelError {
    /// Whether retrying the same request may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            ModelError::Connect { .. } | ModelError::StreamCut(_) | ModelError::Idle { .. } => true,
            ModelError::Http { status, .. } => {
                *status == 408 || *status == 409 || *status == 429 || *status >= 500
            }
            ModelError::Provider(_) => true,
            ModelError::StreamStatus { status, .. } => {
                *status == 408 || *status == 409 || *status == 429
            }
            ModelError::Auth { .. }
            | ModelError::Quota { .. }
            | ModelError::Rejected { .. }
            | ModelError::ContextWindow(_)
            | ModelError::Decode(_)
            | ModelError::Stream { .. }
            | ModelError::GaveUp { .. }
            | ModelError::Config(_) => false,
        }
    }

    /// The delay the server asked for, if any: `Retry-After`, else the
    /// wait a rate-limit message names ("Please try again in 12s").
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ModelError::Http {
                retry_after: Some(d),
                ..
            } => Some(*d),
            ModelError::Http { body, .. } | ModelError::StreamStatus { body, .. } => {
                super::asked_wait::asked_wait(body)
            }
            ModelError::Provider(message) => super::asked_wait::asked_wait(message),
            _ => None,
        }
    }
}
