//! Drives one model request to completion, retrying transient failures
//! with exponential backoff and jitter. A response is only returned once
//! its stream completed, so a retried stream never runs a tool twice.

use std::time::Duration;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::{ModelClient, ModelError, ModelEvent, ModelRequest, ToolCall, Usage, wire};
use crate::config::RetryConfig;

/// A completed response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Response {
    pub text: String,
    /// Whole thinking blocks ([`super::Item::Thinking`],
    /// [`super::Item::RedactedThinking`]) in the order they came: recorded
    /// before the text and the tool calls.
    pub thinking: Vec<super::Item>,
    pub tool_calls: Vec<ToolCall>,
    pub usage: Option<Usage>,
    /// The answer was cut at the output-token limit, or at the context
    /// window (`window_full`).
    pub truncated: bool,
    /// The answer stopped because it filled the model's context window
    /// ([`ModelEvent::WindowFull`]; `truncated` is set too).
    pub window_full: bool,
    /// The provider stopped the answer for its content: why, in words.
    pub refused: Option<String>,
}

impl Response {
    /// Whether the output-token limit cut `call` before its arguments were
    /// whole: the answer was truncated and they are not a complete JSON
    /// object (empty text included: the cut came before any of it).
    pub fn cut(&self, call: &ToolCall) -> bool {
        self.truncated && !wire::is_object(&call.arguments)
    }
}

/// A streamed piece of a response, as [`complete`] hands it on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Delta<'a> {
    /// The assistant's text.
    Text(&'a str),
    /// The reasoning summary (not part of the response's text).
    Reasoning(&'a str),
}

/// Why [`complete`] gave up.
#[derive(Debug, thiserror::Error)]
pub enum CompleteError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("interrupted")]
    Interrupted,
}

/// Told to the caller before each retry.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryNotice {
    /// 1 for the first retry.
    pub attempt: u32,
    pub max_retries: u32,
    pub delay: Duration,
    pub reason: String,
}

/// Sends `request`, streams text and reasoning through `on_delta`, and returns the
/// completed response. Transient errors (connection, 408/409/429/5xx, a
/// stream cut before completion) are retried up to `policy.max_retries`
/// times; anything else is returned at once.
pub async fn complete(
    client: &dyn ModelClient,
    request: &ModelRequest,
    policy: &RetryConfig,
    cancel: &CancellationToken,
    on_delta: &mut (dyn FnMut(Delta<'_>) + Send),
    on_retry: &mut (dyn FnMut(&RetryNotice) + Send),
) -> Result<Response, CompleteError> {
    let mut attempt = 0u32;
    loop {
        let result = tokio::select! {
            r = attempt_once(client, request, on_delta) => r,
            _ = cancel.cancelled() => return Err(CompleteError::Interrupted),
        };
        match result {
            Ok(r) => return Ok(r),
            Err(e) if e.is_transient() && attempt < retries_for(&e, policy) => {
                attempt += 1;
                let delay = backoff(policy, attempt, e.retry_after());
                tracing::warn!(attempt, ?delay, error = %e, "model request failed, retrying");
                let mut reason = e.to_string();
                // The note comes first: renderers clip a long reason (an
                // HTTP error's URL and body) and it would be cut off.
                if let Some(asked) = e.retry_after().filter(|asked| *asked > delay) {
                    tracing::warn!(
                        ?asked,
                        max_delay_ms = policy.max_delay_ms,
                        "the server asked to wait longer than retry.max_delay_ms; retrying sooner"
                    );
                    reason = format!(
                        "the server asked to wait {} s; waiting {} ms, retry.max_delay_ms: {reason}",
                        asked.as_secs_f64(),
                        delay.as_millis()
                    );
                }
                on_retry(&RetryNotice {
                    attempt,
                    // What this error gets: a stall is retried once.
                    max_retries: retries_for(&e, policy),
                    delay,
                    reason,
                });
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = cancel.cancelled() => return Err(CompleteError::Interrupted),
                }
            }
            // A transient error whose retries are used up says so.
            Err(e) if attempt > 0 && e.is_transient() => {
                return Err(CompleteError::Model(ModelError::GaveUp {
                    retries: attempt,
                    last: Box::new(e),
                }));
            }
            // A refusal of a request with images names them.
            Err(e) => {
                let e = super::refusal::blame_images(e, &request.items);
                return Err(CompleteError::Model(e));
            }
        }
    }
}

/// How many retries an error gets: a stalled server ([`ModelError::Idle`])
/// one at most, since each costs a whole idle timeout.
fn retries_for(e: &ModelError, policy: &RetryConfig) -> u32 {
    match e {
        ModelError::Idle { .. } => policy.max_retries.min(1),
        _ => policy.max_retries,
    }
}

async fn attempt_once(
    client: &dyn ModelClient,
    request: &ModelRequest,
    on_delta: &mut (dyn FnMut(Delta<'_>) + Send),
) -> Result<Response, ModelError> {
    let mut stream = client.stream(request).await?;
    let mut response = Response::default();
    while let Some(event) = stream.next().await {
        match event? {
            ModelEvent::TextDelta(d) => {
                on_delta(Delta::Text(&d));
                response.text.push_str(&d);
            }
            ModelEvent::ReasoningDelta(d) => on_delta(Delta::Reasoning(&d)),
            ModelEvent::Thinking(item) => response.thinking.push(item),
            ModelEvent::ToolCall(c) => response.tool_calls.push(c),
            ModelEvent::Truncated => response.truncated = true,
            ModelEvent::WindowFull => {
                response.truncated = true;
                response.window_full = true;
            }
            ModelEvent::Refused(why) => response.refused = Some(why),
            ModelEvent::Completed { usage } => {
                response.usage = usage;
                // Empty arguments are `{}` (a call without any), unless
                // the output-token limit cut the answer: then the cut may
                // have come before them, and the call is not run.
                if !response.truncated {
                    for c in &mut response.tool_calls {
                        c.arguments = wire::normalize_arguments(std::mem::take(&mut c.arguments));
                    }
                }
                return Ok(response);
            }
        }
    }
    Err(ModelError::StreamCut(
        "the connection closed before the response completed".into(),
    ))
}

/// The delay before retry number `attempt` (from 1): the server's
/// `Retry-After` when given (at most `max_delay_ms`, like every delay),
/// else `base * 2^(attempt-1)` capped at `max_delay_ms`, with ±25% jitter.
pub fn backoff(policy: &RetryConfig, attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(ra) = retry_after {
        return ra.min(Duration::from_millis(policy.max_delay_ms));
    }
    let exp = policy
        .base_delay_ms
        .saturating_mul(1u64 << (attempt.saturating_sub(1)).min(20));
    let capped = exp.min(policy.max_delay_ms) as f64;
    let jitter = 0.75 + fastrand::f64() * 0.5;
    Duration::from_millis((capped * jitter) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryConfig {
            max_retries: 4,
            base_delay_ms: 100,
            max_delay_ms: 1000,
        };
        let d1 = backoff(&p, 1, None).as_millis();
        let d3 = backoff(&p, 3, None).as_millis();
        let d9 = backoff(&p, 9, None).as_millis();
        assert!((75..=125).contains(&d1), "{d1}");
        assert!((300..=500).contains(&d3), "{d3}");
        assert!((750..=1250).contains(&d9), "{d9}");
        assert_eq!(
            backoff(&p, 1, Some(Duration::from_millis(300))),
            Duration::from_millis(300)
        );
        // Retry-After longer than max_delay_ms waits max_delay_ms.
        assert_eq!(
            backoff(&p, 1, Some(Duration::from_secs(3600))),
            Duration::from_millis(1000)
        );
    }
}
