//! The HTTP client of a streamable-HTTP connection. With the user's
//! sign-in it sends the current access token, and when the server refuses
//! a request with 401 once the session is up (the token expired or was
//! revoked on its side) it renews the token and sends that request once
//! more: the call goes on, and the connection is not taken for broken.
//! A refused request was not run, so sending it again is safe.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures::stream::BoxStream;
use reqwest::header::{HeaderName, HeaderValue};
use rmcp::model::ClientJsonRpcMessage;
use rmcp::transport::streamable_http_client::{
    SseError, StreamableHttpClient, StreamableHttpError, StreamableHttpPostResponse,
    StreamableHttpResponseLimits,
};
use sse_stream::Sse;

type Error = StreamableHttpError<reqwest::Error>;

/// The sign-in of one connection.
struct SignIn {
    home: PathBuf,
    url: String,
    token: Mutex<String>,
    /// Set once the handshake is done: a 401 during it is the connect's
    /// to handle (it renews and says how to sign in).
    armed: AtomicBool,
}

/// reqwest, with the sign-in's token when there is one.
#[derive(Clone)]
pub(crate) struct Renewing {
    http: reqwest::Client,
    sign_in: Option<Arc<SignIn>>,
}

impl Renewing {
    /// A client sending `token` (the sign-in stored for `url` under
    /// `home`), or no token of its own.
    pub(crate) fn new(home: PathBuf, url: &str, token: Option<&str>) -> Result<Renewing, String> {
        let http = reqwest::Client::builder()
            // As rmcp's own client: no idle pooling (delayed-ACK stalls),
            // same-origin 307/308 redirects only.
            .pool_max_idle_per_host(0)
            .redirect(same_origin_redirects())
            .build()
            .map_err(|e| format!("cannot make an HTTP client: {}", crate::errors::plain(&e)))?;
        let sign_in = token.map(|t| {
            Arc::new(SignIn {
                home,
                url: url.to_string(),
                token: Mutex::new(t.to_string()),
                armed: AtomicBool::new(false),
            })
        });
        Ok(Renewing { http, sign_in })
    }

    /// The handshake is done: from now on a 401 renews the token.
    pub(crate) fn arm(&self) {
        if let Some(s) = &self.sign_in {
            s.armed.store(true, Ordering::SeqCst);
        }
    }

    /// The token to send: the sign-in's, else what rmcp was given.
    fn token(&self, given: Option<String>) -> Option<String> {
        match &self.sign_in {
            Some(s) => Some(lock(&s.token).clone()),
            None => given,
        }
    }

    /// A renewed token after `used` was refused, when the session is up
    /// and it can be renewed.
    async fn renewed(&self, used: Option<&str>) -> Option<String> {
        let s = self.sign_in.as_ref()?;
        if !s.armed.load(Ordering::SeqCst) {
            return None;
        }
        match super::renewed_token(&s.home, &s.url, used?).await {
            Ok(t) => {
                tracing::debug!("the server refused the access token (HTTP 401); renewed it");
                *lock(&s.token) = t.clone();
                Some(t)
            }
            Err(e) => {
                tracing::debug!("the server refused the access token; renewing failed: {e}");
                None
            }
        }
    }
}

fn lock(m: &Mutex<String>) -> std::sync::MutexGuard<'_, String> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Whether the server refused the request's credentials (HTTP 401).
fn refused(e: &Error) -> bool {
    match e {
        StreamableHttpError::AuthRequired(_) => true,
        StreamableHttpError::UnexpectedServerResponse(text) => text.starts_with("HTTP 401"),
        _ => false,
    }
}

impl StreamableHttpClient for Renewing {
    type Error = reqwest::Error;

    async fn post_message(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<StreamableHttpPostResponse, Error> {
        self.post_message_with_response_limits(
            uri,
            message,
            session_id,
            auth_header,
            custom_headers,
            StreamableHttpResponseLimits::default(),
        )
        .await
    }

    async fn post_message_with_response_limits(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        limits: StreamableHttpResponseLimits,
    ) -> Result<StreamableHttpPostResponse, Error> {
        let used = self.token(auth_header);
        let first = self
            .http
            .post_message_with_response_limits(
                uri.clone(),
                message.clone(),
                session_id.clone(),
                used.clone(),
                custom_headers.clone(),
                limits,
            )
            .await;
        match first {
            Err(e) if refused(&e) => match self.renewed(used.as_deref()).await {
                Some(token) => {
                    self.http
                        .post_message_with_response_limits(
                            uri,
                            message,
                            session_id,
                            Some(token),
                            custom_headers,
                            limits,
                        )
                        .await
                }
                None => Err(e),
            },
            other => other,
        }
    }

    async fn delete_session(
        &self,
        uri: Arc<str>,
        session_id: Arc<str>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<(), Error> {
        let token = self.token(auth_header);
        self.http
            .delete_session(uri, session_id, token, custom_headers)
            .await
    }

    async fn get_stream(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<BoxStream<'static, Result<Sse, SseError>>, Error> {
        let token = self.token(auth_header);
        self.http
            .get_stream(uri, session_id, last_event_id, token, custom_headers)
            .await
    }

    async fn get_stream_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> Result<BoxStream<'static, Result<Sse, SseError>>, Error> {
        let token = self.token(auth_header);
        self.http
            .get_stream_with_max_sse_event_size(
                uri,
                session_id,
                last_event_id,
                token,
                custom_headers,
                max_sse_event_size,
            )
            .await
    }
}

/// Redirects followed as rmcp's own client does: only 307 and 308 (they
/// keep the method and body) to the same origin, at most 10.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let keeps_body = matches!(
            attempt.status(),
            reqwest::StatusCode::TEMPORARY_REDIRECT | reqwest::StatusCode::PERMANENT_REDIRECT
        );
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if !keeps_body || !same_origin {
            attempt.stop()
        } else if attempt.previous().len() > 10 {
            attempt.error("more than 10 redirects")
        } else {
            attempt.follow()
        }
    })
}
