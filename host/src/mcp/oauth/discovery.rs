//! Finding a server's authorization server (the MCP authorization spec):
//! the 401's `WWW-Authenticate: Bearer resource_metadata="…"` (else the
//! well-known `/.well-known/oauth-protected-resource[/path]`) gives the
//! protected resource metadata (RFC 9728), whose `authorization_servers[0]`
//! gives the authorization server's metadata (RFC 8414, then OpenID
//! Connect discovery).

use reqwest::Url;
use serde::Deserialize;
use serde_json::json;

use super::guard;

/// What a server's 401 said in `WWW-Authenticate: Bearer …`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Challenge {
    pub resource_metadata: Option<String>,
    pub scope: Option<String>,
}

/// The parameters of a `Bearer` challenge (`key="value"` or `key=token`).
pub fn parse_challenge(header: &str) -> Challenge {
    let mut out = Challenge::default();
    let rest = header.trim();
    let Some(params) = rest
        .get(..6)
        .filter(|s| s.eq_ignore_ascii_case("bearer"))
        .map(|_| &rest[6..])
    else {
        return out;
    };
    let mut s = params.trim_start();
    while !s.is_empty() {
        let Some((key, after)) = s.split_once('=') else {
            break;
        };
        let key = key
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            (&quoted[..end], quoted.get(end + 1..).unwrap_or(""))
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim(), &after[end..])
        };
        match key.as_str() {
            "resource_metadata" => out.resource_metadata = Some(value.to_string()),
            "scope" => out.scope = Some(value.to_string()),
            _ => {}
        }
        s = next.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

/// RFC 9728 protected resource metadata (the keys quire reads).
#[derive(Debug, Clone, Deserialize)]
pub struct ResourceMetadata {
    #[serde(default)]
    pub resource: Option<String>,
    #[serde(default)]
    pub authorization_servers: Vec<String>,
    #[serde(default)]
    pub scopes_supported: Vec<String>,
}

/// RFC 8414 authorization server metadata (the keys quire reads).
#[derive(Debug, Clone, Deserialize)]
pub struct ServerMetadata {
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub registration_endpoint: Option<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub scopes_supported: Vec<String>,
}

/// Everything discovery found.
#[derive(Debug, Clone)]
pub struct Found {
    pub challenge: Challenge,
    pub resource: Option<ResourceMetadata>,
    pub server: ServerMetadata,
}

/// Asks the MCP server at `url` for nothing (an `initialize` without a
/// token) to hear its challenge; `None` when it answered without asking
/// for one.
async fn challenge(http: &reqwest::Client, url: &str) -> Result<Option<Challenge>, String> {
    let body = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "quire", "version": env!("CARGO_PKG_VERSION")}}});
    let resp = http
        .post(url)
        .header("Accept", "application/json, text/event-stream")
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("cannot reach {url}: {}", crate::errors::plain(&e)))?;
    if resp.status() != reqwest::StatusCode::UNAUTHORIZED {
        return Ok(None);
    }
    let header = resp
        .headers()
        .get(reqwest::header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Ok(Some(parse_challenge(header)))
}

/// `origin/.well-known/NAME` + `path`, and without the path.
fn well_known(base: &Url, name: &str) -> Vec<String> {
    let origin = base.origin().ascii_serialization();
    let path = base.path().trim_end_matches('/');
    let mut out = Vec::new();
    if !path.is_empty() {
        out.push(format!("{origin}/.well-known/{name}{path}"));
    }
    out.push(format!("{origin}/.well-known/{name}"));
    out
}

/// What one metadata URL gave, when it gave no metadata.
enum Miss {
    /// No answer: the reason (connection refused, name not resolved).
    Unreachable(String),
    /// An answer with this status.
    Status(reqwest::StatusCode),
    /// An answer that is not the metadata.
    Unreadable,
}

/// The first of `urls` that answers with metadata, and what each one
/// before it gave instead.
async fn first_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    urls: &[String],
    misses: &mut Vec<Miss>,
) -> Result<Option<(String, T)>, String> {
    for url in urls {
        let resp = match http
            .get(url)
            .header("Accept", "application/json")
            .send()
            .await
        {
            Ok(resp) => resp,
            Err(e) => {
                tracing::debug!(%url, "OAuth metadata not reached: {e}");
                misses.push(Miss::Unreachable(crate::errors::root_cause(&e)));
                continue;
            }
        };
        if !resp.status().is_success() {
            tracing::debug!(%url, status = %resp.status(), "no OAuth metadata here");
            misses.push(Miss::Status(resp.status()));
            continue;
        }
        let body = guard::body(resp, "metadata", url).await?;
        match serde_json::from_slice::<T>(&body) {
            Ok(v) => return Ok(Some((url.clone(), v))),
            Err(e) => {
                tracing::debug!(%url, "OAuth metadata unreadable: {e}");
                misses.push(Miss::Unreadable);
            }
        }
    }
    Ok(None)
}

/// Why the authorization server at `issuer` gave no metadata at `tried`:
/// it could not be reached, it answered with an error, or it has none.
fn no_server_metadata(url: &str, issuer: &Url, tried: &[String], misses: &[Miss]) -> String {
    let tried = tried.join(", ");
    if let Some(Miss::Unreachable(why)) = misses.first()
        && misses.iter().all(|m| matches!(m, Miss::Unreachable(_)))
    {
        return format!(
            "{url}: could not reach its authorization server {issuer} ({why}; tried {tried})"
        );
    }
    let failed: Vec<String> = misses
        .iter()
        .filter_map(|m| match m {
            Miss::Status(s)
                if *s != reqwest::StatusCode::NOT_FOUND && *s != reqwest::StatusCode::GONE =>
            {
                Some(format!("HTTP {s}"))
            }
            _ => None,
        })
        .collect();
    if !failed.is_empty() {
        return format!(
            "{url}: its authorization server {issuer} answered {} when asked for its metadata (tried {tried})",
            failed.join(", ")
        );
    }
    format!("{url}: no authorization server metadata at {issuer} (tried {tried})")
}

/// Discovers how to sign in to the MCP server at `url`. The error says
/// which step failed and where.
pub async fn discover(http: &reqwest::Client, url: &str) -> Result<Found, String> {
    // Its well-known metadata is under its own URL.
    let base = guard::endpoint("URL", url, url)?;
    let challenge = challenge(http, url).await?;
    let mut candidates = Vec::new();
    if let Some(m) = challenge.as_ref().and_then(|c| c.resource_metadata.clone()) {
        guard::endpoint("resource metadata URL", &m, url)?;
        candidates.push(m);
    }
    candidates.extend(well_known(&base, "oauth-protected-resource"));
    let resource = first_json::<ResourceMetadata>(http, &candidates, &mut Vec::new())
        .await?
        .map(|(_, m)| m);
    if challenge.is_none() && resource.is_none() {
        return Err(format!(
            "{url} answered without asking to sign in and publishes no OAuth metadata: it needs no sign-in (or takes a static header: headers = {{ Authorization = \"Bearer ${{VAR}}\" }})"
        ));
    }
    // Without resource metadata (an older server) the authorization
    // server is the MCP server's origin.
    let issuer = match resource
        .as_ref()
        .and_then(|r| r.authorization_servers.first())
    {
        Some(s) => guard::endpoint("authorization server", s, url)?,
        None => {
            Url::parse(&base.origin().ascii_serialization()).map_err(|e| format!("{url}: {e}"))?
        }
    };
    let mut as_urls = well_known(&issuer, "oauth-authorization-server");
    as_urls.extend(well_known(&issuer, "openid-configuration"));
    let path = issuer.path().trim_end_matches('/');
    if !path.is_empty() {
        as_urls.push(format!(
            "{}{path}/.well-known/openid-configuration",
            issuer.origin().ascii_serialization()
        ));
    }
    let mut misses = Vec::new();
    let Some((_, server)) = first_json::<ServerMetadata>(http, &as_urls, &mut misses).await? else {
        return Err(no_server_metadata(url, &issuer, &as_urls, &misses));
    };
    guard::endpoint(
        "authorization endpoint",
        &server.authorization_endpoint,
        url,
    )?;
    guard::endpoint("token endpoint", &server.token_endpoint, url)?;
    if let Some(endpoint) = &server.registration_endpoint {
        guard::endpoint("registration endpoint", endpoint, url)?;
    }
    if let Some(methods) = &server.code_challenge_methods_supported
        && !methods.iter().any(|m| m == "S256")
    {
        return Err(format!(
            "{url}: its authorization server ({issuer}) does not support PKCE with S256, which sign-in needs"
        ));
    }
    Ok(Found {
        challenge: challenge.unwrap_or_default(),
        resource,
        server,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_read() {
        let c = parse_challenge(
            r#"Bearer error="invalid_token", resource_metadata="https://x.example/.well-known/oauth-protected-resource/mcp", scope="read write""#,
        );
        assert_eq!(
            c.resource_metadata.as_deref(),
            Some("https://x.example/.well-known/oauth-protected-resource/mcp")
        );
        assert_eq!(c.scope.as_deref(), Some("read write"));
        assert_eq!(parse_challenge("Basic realm=\"x\""), Challenge::default());
        let c = parse_challenge("bearer scope=files");
        assert_eq!(c.scope.as_deref(), Some("files"));
    }

    #[test]
    fn well_known_urls_keep_the_path() {
        let u = Url::parse("https://x.example/v1/mcp/").unwrap();
        assert_eq!(
            well_known(&u, "oauth-protected-resource"),
            [
                "https://x.example/.well-known/oauth-protected-resource/v1/mcp",
                "https://x.example/.well-known/oauth-protected-resource"
            ]
        );
    }
}
