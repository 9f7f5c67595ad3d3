//! Why one request to a streamable-HTTP server failed, when the server
//! answered but not with a usable answer (an HTTP error status, a page of
//! HTML, a body over the size limit). Such an answer fails that request
//! only: the server is up, so it is neither restarted nor counted as a
//! stop. A connection that cannot be made or breaks is not one of these.

use rmcp::transport::DynamicTransportError;
use rmcp::transport::streamable_http_client::StreamableHttpError;

/// Characters of a server's answer shown in a message.
const SNIPPET_CHARS: usize = 200;

/// What was wrong with the answer, as a phrase after "the MCP server 'x'"
/// and whether trying again later may work; `None` when the connection
/// itself failed.
pub(crate) fn answered(e: &DynamicTransportError) -> Option<Failure> {
    let mut at: Option<&(dyn std::error::Error + 'static)> = Some(&*e.error);
    while let Some(err) = at {
        if let Some(http) = err.downcast_ref::<StreamableHttpError<reqwest::Error>>() {
            return of(http);
        }
        at = err.source();
    }
    None
}

/// A failed request whose server keeps running.
#[derive(Debug, PartialEq)]
pub(crate) struct Failure {
    /// "answered HTTP 500 Internal Server Error", …
    pub what: String,
    /// What the model may do about it.
    pub advice: &'static str,
}

fn of(e: &StreamableHttpError<reqwest::Error>) -> Option<Failure> {
    let fail = |what: String, advice| Some(Failure { what, advice });
    match e {
        StreamableHttpError::HttpStatus(s) if s.status == 429 => {
            let wait = match s.retry_after.as_deref().map(str::trim) {
                Some(r) if r.chars().all(|c| c.is_ascii_digit()) && !r.is_empty() => {
                    format!(", retry after {r} s")
                }
                Some(r) if !r.is_empty() => format!(", retry after {}", snippet(r)),
                _ => String::new(),
            };
            fail(
                format!("rate-limited quire (HTTP 429 Too Many Requests{wait})"),
                "wait before calling its tools again",
            )
        }
        StreamableHttpError::HttpStatus(s) => fail(
            format!("answered HTTP {}", status_line(s.status)),
            "the server failed on this request; the same call may fail again",
        ),
        StreamableHttpError::UnexpectedServerResponse(text) => fail(
            format!("gave an answer quire cannot use: {}", snippet(text)),
            "the same call may fail again",
        ),
        StreamableHttpError::UnexpectedContentType(kind) => fail(
            format!(
                "answered with {} instead of JSON or an event stream",
                match kind {
                    Some(k) => format!("content type '{}'", snippet(k)),
                    None => "no content type".to_string(),
                }
            ),
            "the same call may fail again",
        ),
        StreamableHttpError::Deserialize(err) => fail(
            format!(
                "sent an answer that is not JSON-RPC ({})",
                snippet(&err.to_string())
            ),
            "the same call may fail again",
        ),
        StreamableHttpError::AuthRequired(_) | StreamableHttpError::InsufficientScope(_) => fail(
            "refused quire's sign-in (HTTP 401/403)".to_string(),
            "the user may need to sign in again with `quire mcp login`",
        ),
        _ => None,
    }
}

/// `500 Internal Server Error`.
fn status_line(code: u16) -> String {
    match reqwest::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{code} {reason}"),
        None => code.to_string(),
    }
}

/// A server's text made safe and short: one line, no escape sequences,
/// at most [`SNIPPET_CHARS`] characters.
pub(crate) fn snippet(text: &str) -> String {
    let line = crate::printable::one_line(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match line.char_indices().nth(SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmcp::transport::streamable_http_client::HttpStatusError;

    #[test]
    fn a_rate_limit_names_its_wait() {
        let e = StreamableHttpError::HttpStatus(HttpStatusError::new(429, Some("7".into())));
        let f = of(&e).unwrap();
        assert!(f.what.contains("HTTP 429") && f.what.contains("retry after 7 s"));
    }

    #[test]
    fn a_server_error_names_its_status() {
        let e = StreamableHttpError::HttpStatus(HttpStatusError::new(502, None));
        assert_eq!(of(&e).unwrap().what, "answered HTTP 502 Bad Gateway");
    }

    #[test]
    fn a_snippet_is_one_short_clean_line() {
        let s = snippet(&format!("<html>\x1b[2J\n{}", "x".repeat(500)));
        assert!(!s.contains('\x1b') && !s.contains('\n'), "{s:?}");
        assert!(s.chars().count() <= SNIPPET_CHARS + 1);
    }

    #[test]
    fn a_broken_connection_is_not_an_answer() {
        let e: StreamableHttpError<reqwest::Error> = StreamableHttpError::UnexpectedEndOfStream;
        assert_eq!(of(&e), None);
    }
}
