//! http-get: a quire plugin that fetches URLs from the hosts it is allowed.

use quire_sdk::http::{self, HttpError};
use quire_sdk::prelude::*;

/// Default and largest number of body bytes returned.
const DEFAULT_MAX_BYTES: usize = 64 * 1024;
const LARGEST_MAX_BYTES: usize = 1024 * 1024;

/// What to fetch.
#[derive(Deserialize, JsonSchema)]
struct GetArgs {
    /// An http:// or https:// URL on an allowed host.
    url: String,
    /// Return at most this many bytes of the body (default 65536, at most
    /// 1048576).
    #[serde(default)]
    max_bytes: Option<usize>,
}

quire_sdk::plugin! {
    /// Fetches a URL with GET and returns the status line, the content type
    /// and the body as text (cut at `max_bytes`). Only the hosts this
    /// plugin's manifest allows can be reached.
    #[tool(read_only)]
    fn get(args: GetArgs) -> Result<String, ToolError> {
        let max = args.max_bytes.unwrap_or(DEFAULT_MAX_BYTES);
        if max == 0 || max > LARGEST_MAX_BYTES {
            return Err(ToolError::invalid_arguments(format!(
                "`max_bytes` is {max}; use 1 to {LARGEST_MAX_BYTES}"
            )));
        }
        quire_sdk::info!("GET {}", args.url);
        let response = match http::Request::get(&args.url).max_body(max).send() {
            Err(HttpError::BodyTooLarge { .. }) => {
                // Larger than asked: fetch again with room and cut it.
                http::Request::get(&args.url).max_body(LARGEST_MAX_BYTES * 8).send()?
            }
            other => other?,
        };
        Ok(render(&response, max))
    }
}

/// `HTTP 200`, the content type, a blank line, the body (maybe cut).
fn render(response: &http::Response, max: usize) -> String {
    let content_type = response.header("content-type").unwrap_or("unknown");
    let mut out = format!("HTTP {}\ncontent-type: {content_type}\n\n", response.status);
    let shown = &response.body[..response.body.len().min(max)];
    match std::str::from_utf8(shown) {
        Ok(text) => out.push_str(text),
        // Cut inside a character: keep the valid part.
        Err(e) if e.error_len().is_none() => {
            out.push_str(&String::from_utf8_lossy(&shown[..e.valid_up_to()]));
        }
        Err(_) => {
            out.push_str(&format!("[binary body of {} bytes]", response.body.len()));
            return out;
        }
    }
    if response.body.len() > max {
        out.push_str(&format!(
            "\n[cut at {max} of {} bytes]",
            response.body.len()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &[u8]) -> http::Response {
        http::Response {
            url: "https://example.com/".into(),
            status: 200,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: body.to_vec(),
        }
    }

    #[test]
    fn renders_status_type_and_body_cut_on_a_char_boundary() {
        assert_eq!(
            render(&response(b"hi"), 10),
            "HTTP 200\ncontent-type: text/plain\n\nhi"
        );
        let out = render(&response("aé".as_bytes()), 2);
        assert_eq!(
            out,
            "HTTP 200\ncontent-type: text/plain\n\na\n[cut at 2 of 3 bytes]"
        );
        assert!(render(&response(&[0xff, 0xfe, 0]), 10).ends_with("[binary body of 3 bytes]"));
    }

    #[test]
    fn outside_a_plugin_the_request_fails_as_a_tool_error() {
        let err = TOOLBOX
            .call("get", r#"{"url": "https://example.com/"}"#)
            .unwrap_err();
        assert!(matches!(err, ToolError::Failed(m) if m.contains("only inside a plugin")));
        let err = TOOLBOX.call("get", r#"{"url": "ftp://x"}"#).unwrap_err();
        assert!(matches!(err, ToolError::Failed(m) if m.contains("invalid URL `ftp://x`")));
    }
}
