//! A streamable-HTTP connection with the user's sign-in: the stored token
//! for the server's URL as `Authorization: Bearer` (renewed first when
//! expired; on a 401 renewed once and the connection tried again), and a
//! 401 without a sign-in reported with the command that signs in. Once
//! connected, a 401 renews the token and sends the request again
//! (renewing.rs).

use std::collections::HashMap;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use rmcp::ServiceExt;
use rmcp::service::ClientInitializeError;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::{
    AuthRequiredError, StreamableHttpClientTransportConfig,
};

use super::renewing::Renewing;
use crate::mcp::client::{Connection, Handler, error_chain};
use crate::mcp::spec::ServerSpec;

/// Whether the failure is the server asking for a sign-in (HTTP 401).
fn auth_required(e: &ClientInitializeError) -> bool {
    let ClientInitializeError::TransportError { error, .. } = e else {
        return false;
    };
    let mut at: Option<&(dyn std::error::Error + 'static)> = Some(&*error.error);
    while let Some(err) = at {
        if err.downcast_ref::<AuthRequiredError>().is_some() {
            return true;
        }
        at = err.source();
    }
    // A 401 without a challenge.
    error_chain(&*error.error).contains("401 Unauthorized")
}

/// One attempt through `client` (which sends the token); the error is
/// rmcp's.
async fn attempt(
    url: &str,
    custom: HashMap<HeaderName, HeaderValue>,
    client: Renewing,
    handler: Handler,
) -> Result<Connection, ClientInitializeError> {
    let config = StreamableHttpClientTransportConfig::with_uri(url).custom_headers(custom);
    let transport = StreamableHttpClientTransport::with_client(client.clone(), config);
    let service = handler.serve(transport).await?;
    // The session is up: a 401 from now on renews the token.
    client.arm();
    Ok(Connection {
        service,
        process: None,
    })
}

/// Connects to the HTTP server of `spec` at `url` (expanded) with the
/// headers of its configuration and, unless they set `Authorization`, the
/// user's sign-in for that URL.
pub async fn connect(
    spec: &ServerSpec,
    url: &str,
    custom: HashMap<HeaderName, HeaderValue>,
    handler: Handler,
) -> Result<Connection, String> {
    let name = &spec.name;
    let login = format!("run `quire mcp login {name}`");
    let home = crate::config::quire_home();
    let own_header = custom.contains_key(&AUTHORIZATION);
    let token = if own_header {
        None
    } else {
        super::access_token(&home, url).await.map_err(|e| {
            format!("its sign-in has expired and could not be renewed ({e}): {login}")
        })?
    };
    let failed = |e: &ClientInitializeError| {
        let written = spec.describe();
        let hide = spec.redactor();
        tracing::debug!(server = %name, "connect failed: {}", hide.apply(&error_chain(e)));
        format!(
            "cannot connect to {written}: {} (is the server running, and is the URL its MCP endpoint?)",
            hide.apply(&crate::errors::plain(e))
        )
    };
    let client = |token: Option<&str>| Renewing::new(home.clone(), url, token);
    let e = match attempt(
        url,
        custom.clone(),
        client(token.as_deref())?,
        handler.clone(),
    )
    .await
    {
        Ok(c) => return Ok(c),
        Err(e) => e,
    };
    if !auth_required(&e) {
        return Err(failed(&e));
    }
    let Some(used) = token else {
        return Err(if own_header {
            format!(
                "the server refused the Authorization header of its configuration (HTTP 401); check it, or remove it and {login}"
            )
        } else {
            format!("the server needs you to sign in (HTTP 401): {login}")
        });
    };
    // Refused with a token: renewed once, then tried again.
    let token = super::renewed_token(&home, url, &used).await.map_err(|e| {
        format!(
            "the server refused its sign-in (HTTP 401) and it could not be renewed ({e}): {login}"
        )
    })?;
    match attempt(url, custom, client(Some(&token))?, handler).await {
        Ok(c) => Ok(c),
        Err(e) if auth_required(&e) => Err(format!(
            "the server refused its sign-in even renewed (HTTP 401): {login}"
        )),
        Err(e) => Err(failed(&e)),
    }
}
