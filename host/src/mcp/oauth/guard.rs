//! What quire accepts from an authorization server: endpoints only over
//! https, or http to this machine (OAuth 2.1's rule; a `javascript:` or
//! `file:` "authorization endpoint" never reaches the browser), and
//! bounded answers (a metadata, registration or token answer of at most
//! [`MAX_BODY`], tokens of at most [`MAX_TOKEN`]), so a server cannot make
//! quire store and resend a token of hundreds of megabytes.

use std::net::IpAddr;

use reqwest::Url;

/// Bytes read of a metadata, registration or token answer.
pub const MAX_BODY: usize = 1024 * 1024;

/// Bytes of an access or refresh token (sent in a header on every
/// request: servers refuse headers of more than 8–16 KiB anyway).
pub const MAX_TOKEN: usize = 16 * 1024;

/// Whether `url` may be used for OAuth: https, or http to a loopback
/// host (127.0.0.0/8, ::1, localhost).
fn allowed(url: &Url) -> bool {
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => url.host_str().is_some_and(|h| {
            h.eq_ignore_ascii_case("localhost")
                || h.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }),
        _ => false,
    }
}

/// `url`, the `what` of the sign-in to `server`, parsed, when it is https
/// or http to this machine; else an error naming both.
pub fn endpoint(what: &str, url: &str, server: &str) -> Result<Url, String> {
    let shown = super::brief(url);
    let parsed = Url::parse(url).map_err(|e| {
        format!("{server}: its {what} '{shown}' is not a URL ({e}); not signing in")
    })?;
    if !allowed(&parsed) {
        return Err(format!(
            "{server}: its {what} '{shown}' is neither https nor http to this machine (127.0.0.1, ::1, localhost); OAuth needs https, not signing in"
        ));
    }
    Ok(parsed)
}

/// The body of `resp`, the `what` answer from `from`, refused past
/// [`MAX_BODY`] (before reading when its length says so).
pub async fn body(mut resp: reqwest::Response, what: &str, from: &str) -> Result<Vec<u8>, String> {
    let too_big = || {
        format!(
            "{from}: its {what} is larger than {} KiB, more than any OAuth answer needs; refused",
            MAX_BODY / 1024
        )
    };
    if resp.content_length().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_big());
    }
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| {
        format!(
            "{from}: its {what} could not be read: {}",
            crate::errors::plain(&e)
        )
    })? {
        if out.len() + chunk.len() > MAX_BODY {
            return Err(too_big());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// `token` (the `what` from `from`) when at most [`MAX_TOKEN`] bytes.
pub fn token(what: &str, token: &str, from: &str) -> Result<(), String> {
    if token.len() > MAX_TOKEN {
        return Err(format!(
            "{from}: its {what} is {} KiB, more than the {} KiB quire accepts (a token is sent with every request); nothing was stored",
            token.len() / 1024,
            MAX_TOKEN / 1024
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_http_to_this_machine_is_an_endpoint() {
        let ok = |u: &str| endpoint("token endpoint", u, "https://s.example/mcp").is_ok();
        for good in [
            "https://auth.example/token",
            "http://127.0.0.1:8080/token",
            "http://127.9.9.9/x",
            "http://[::1]:9/x",
            "http://LOCALHOST:3000/authorize",
        ] {
            assert!(ok(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)//",
            "file:///etc/passwd",
            "http://auth.example/token",
            "http://localhost.evil.example/x",
            "http://10.0.0.1/x",
            "ftp://auth.example/x",
            "data:text/html,hi",
            "not a url",
        ] {
            assert!(!ok(bad), "{bad}");
        }
        let e = endpoint(
            "authorization endpoint",
            "file:///etc/passwd",
            "https://s.example/mcp",
        )
        .unwrap_err();
        assert!(
            e.contains("authorization endpoint 'file:///etc/passwd'"),
            "{e}"
        );
        assert!(e.starts_with("https://s.example/mcp:"), "{e}");
    }

    #[test]
    fn long_tokens_are_refused() {
        assert!(token("access token", &"a".repeat(MAX_TOKEN), "t").is_ok());
        let e = token("access token", &"a".repeat(MAX_TOKEN + 1), "t").unwrap_err();
        assert!(e.contains("access token") && e.contains("16 KiB"), "{e}");
    }
}
