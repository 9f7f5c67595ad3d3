//! The sign-in's redirect target: a one-shot HTTP listener on 127.0.0.1
//! that waits for `GET /callback?code=…&state=…`.

use reqwest::Url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The listener and the redirect URI it answers.
pub struct Callback {
    listener: TcpListener,
    pub redirect_uri: String,
}

/// What the browser brought back.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Code(String),
    /// The authorization server said no (`error`, `error_description`).
    Denied(String),
}

impl Callback {
    /// Listens on 127.0.0.1:`port` (0: a free port).
    pub async fn bind(port: u16) -> Result<Callback, String> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
            format!(
                "cannot listen on 127.0.0.1:{port} for the sign-in's callback: {e}{}",
                if port != 0 {
                    " (is [mcp] oauth_callback_port in use by another program?)"
                } else {
                    ""
                }
            )
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| format!("cannot listen for the sign-in's callback: {e}"))?
            .port();
        Ok(Callback {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}/callback"),
        })
    }

    /// Waits for the callback whose `state` is `state`. Other paths get a
    /// 404 and the wait goes on; a callback with another state is refused
    /// (and ends the sign-in: it did not come from this request).
    pub async fn wait(&self, state: &str) -> Result<Outcome, String> {
        loop {
            let (mut stream, _) = self
                .listener
                .accept()
                .await
                .map_err(|e| format!("the sign-in's callback listener failed: {e}"))?;
            let Some(target) = request_target(&mut stream).await else {
                continue;
            };
            let Ok(url) = Url::parse(&format!("http://127.0.0.1{target}")) else {
                respond(&mut stream, 400, "Bad request.").await;
                continue;
            };
            if url.path() != "/callback" {
                respond(&mut stream, 404, "Not found.").await;
                continue;
            }
            let get = |k: &str| {
                url.query_pairs()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.into_owned())
            };
            if get("state").as_deref() != Some(state) {
                respond(
                    &mut stream,
                    400,
                    "Sign-in refused: this answer does not belong to quire's request. Run quire mcp login again.",
                )
                .await;
                return Err("sign-in refused: the callback's state does not match the request (it did not come from this sign-in); run the login again".into());
            }
            if let Some(error) = get("error") {
                let why = match get("error_description") {
                    Some(d) => format!("{error}: {}", super::brief(&d)),
                    None => super::brief(&error),
                };
                respond(&mut stream, 400, "Sign-in failed; see quire's terminal.").await;
                return Ok(Outcome::Denied(why));
            }
            let Some(code) = get("code").filter(|c| !c.is_empty()) else {
                respond(&mut stream, 400, "Sign-in failed: no code.").await;
                return Err("the sign-in's callback carried no authorization code".into());
            };
            respond(
                &mut stream,
                200,
                "Signed in. You can close this tab and go back to quire.",
            )
            .await;
            return Ok(Outcome::Code(code));
        }
    }
}

/// The request target of a request's first line (`GET /x HTTP/1.1`).
async fn request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    // The head only, at most 16 KiB.
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    let mut parts = head.lines().next()?.split_whitespace();
    (parts.next()? == "GET").then_some(())?;
    parts.next().map(str::to_string)
}

async fn respond(stream: &mut TcpStream, status: u16, text: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let body =
        format!("<!doctype html><meta charset=\"utf-8\"><title>quire</title><p>{text}</p>\n");
    let msg = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(msg.as_bytes()).await;
    let _ = stream.shutdown().await;
}
