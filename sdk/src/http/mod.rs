//! A small blocking HTTP client over `wasi:http/outgoing-handler`.
//!
//! ```no_run
//! # fn demo() -> Result<(), quire_sdk::http::HttpError> {
//! use quire_sdk::http;
//! let page = http::get("https://api.example.com/v1/items?limit=5")?.error_for_status()?.text()?;
//! let created = http::Request::post("https://api.example.com/v1/items")
//!     .header("content-type", "application/json")
//!     .body(r#"{"name": "x"}"#)
//!     .send()?;
//! # Ok(()) }
//! ```
//!
//! The host sends a request only to the hosts the plugin's `plugin.toml`
//! lists under `[permissions] net` (and the user accepted); any other host
//! fails with [`HttpError::Refused`]. Bodies are read whole into memory, up
//! to [`Request::max_body`] bytes.

mod url;
#[cfg(target_arch = "wasm32")]
mod wasi;

use std::fmt;

pub use url::{Scheme, Url};

/// Default cap on a response body: 8 MiB.
pub const DEFAULT_MAX_BODY: usize = 8 * 1024 * 1024;

/// An HTTP method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
    Other(String),
}

/// What can go wrong with a request. Converts into a failed
/// [`crate::ToolError`] with `?`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// The URL could not be understood.
    InvalidUrl { url: String, reason: String },
    /// A header name or value is not allowed.
    InvalidHeader { name: String },
    /// The host refused the request: the host name is not granted in the
    /// plugin's `[permissions] net`.
    Refused { host: String },
    /// The request was sent but failed (DNS, connection, TLS, protocol...).
    Failed { url: String, reason: String },
    /// The response body passed the cap.
    BodyTooLarge { url: String, limit: usize },
    /// The server answered with an error status (see
    /// [`Response::error_for_status`]).
    Status { url: String, status: u16 },
    /// The body is not what the caller asked for (UTF-8 text, JSON).
    Decode { url: String, reason: String },
    /// HTTP is only available inside a plugin (target `wasm32-wasip2`).
    Unsupported,
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUrl { url, reason } => write!(f, "invalid URL `{url}`: {reason}"),
            Self::InvalidHeader { name } => write!(f, "invalid HTTP header `{name}`"),
            Self::Refused { host } => write!(
                f,
                "quire refused a request to `{host}`: it is not in this plugin's \
                 [permissions] net (add it to plugin.toml and reinstall the plugin)"
            ),
            Self::Failed { url, reason } => write!(f, "request to {url} failed: {reason}"),
            Self::BodyTooLarge { url, limit } => {
                write!(f, "the response from {url} is larger than {limit} bytes")
            }
            Self::Status { url, status } => write!(f, "{url} answered with HTTP status {status}"),
            Self::Decode { url, reason } => write!(f, "the response from {url}: {reason}"),
            Self::Unsupported => f.write_str(
                "HTTP requests work only inside a plugin (build with --target wasm32-wasip2)",
            ),
        }
    }
}

impl std::error::Error for HttpError {}

impl From<HttpError> for crate::ToolError {
    fn from(err: HttpError) -> Self {
        crate::ToolError::Failed(err.to_string())
    }
}

/// A request being built; [`Request::send`] sends it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub max_body: usize,
}

impl Request {
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
            max_body: DEFAULT_MAX_BODY,
        }
    }

    pub fn get(url: impl Into<String>) -> Self {
        Self::new(Method::Get, url)
    }

    pub fn post(url: impl Into<String>) -> Self {
        Self::new(Method::Post, url)
    }

    /// Adds a header (repeat a name to send it several times).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Serialises `value` as the JSON body and sets `content-type`.
    pub fn json<T: serde::Serialize>(self, value: &T) -> Result<Self, HttpError> {
        let body = serde_json::to_vec(value).map_err(|e| HttpError::Decode {
            url: self.url.clone(),
            reason: format!("could not encode the request body as JSON: {e}"),
        })?;
        Ok(self.header("content-type", "application/json").body(body))
    }

    /// The largest response body read; a larger one is an error.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Sends the request and reads the whole response.
    pub fn send(self) -> Result<Response, HttpError> {
        let url = Url::parse(&self.url)?;
        for (name, value) in &self.headers {
            if !valid_header(name, value) {
                return Err(HttpError::InvalidHeader { name: name.clone() });
            }
        }
        send(&self, &url)
    }
}

#[cfg(target_arch = "wasm32")]
fn send(request: &Request, url: &Url) -> Result<Response, HttpError> {
    wasi::send(request, url)
}

#[cfg(not(target_arch = "wasm32"))]
fn send(_request: &Request, _url: &Url) -> Result<Response, HttpError> {
    Err(HttpError::Unsupported)
}

/// `GET url`, the whole response.
pub fn get(url: &str) -> Result<Response, HttpError> {
    Request::get(url).send()
}

/// A response, read whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub url: String,
    pub status: u16,
    /// Names in lowercase, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The response itself when its status is below 400, else
    /// [`HttpError::Status`].
    pub fn error_for_status(self) -> Result<Self, HttpError> {
        if self.status >= 400 {
            return Err(HttpError::Status {
                url: self.url,
                status: self.status,
            });
        }
        Ok(self)
    }

    /// The body as UTF-8 text.
    pub fn text(self) -> Result<String, HttpError> {
        String::from_utf8(self.body).map_err(|e| HttpError::Decode {
            url: self.url,
            reason: format!("the body is not UTF-8 text ({e})"),
        })
    }

    /// The body decoded from JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, HttpError> {
        serde_json::from_slice(&self.body).map_err(|e| HttpError::Decode {
            url: self.url.clone(),
            reason: format!("the body is not the JSON expected: {e}"),
        })
    }
}

/// A header name is an HTTP token; a value has no line breaks.
fn valid_header(name: &str, value: &str) -> bool {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    !name.is_empty()
        && name.bytes().all(token)
        && !value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0)
}

#[cfg(test)]
mod tests;
