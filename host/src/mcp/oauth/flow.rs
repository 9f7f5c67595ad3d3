//! The OAuth exchanges of a sign-in: dynamic client registration
//! (RFC 7591), the authorization request with PKCE S256 and `state`, the
//! code exchange and the refresh (with `resource`, RFC 8707).

use std::io::Read;

use base64::Engine as _;
use reqwest::Url;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::discovery::ServerMetadata;
use super::guard;
use super::store::{Tokens, now};

/// `n` random bytes from the system, base64url without padding.
pub fn random(n: usize) -> Result<String, String> {
    let mut bytes = vec![0u8; n];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("cannot read random bytes from /dev/urandom: {e}"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The S256 challenge of a PKCE verifier.
pub fn challenge_of(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The client quire signs in as.
#[derive(Debug, Clone)]
pub struct Client {
    pub id: String,
    pub secret: Option<String>,
}

#[derive(Deserialize)]
struct Registered {
    client_id: String,
    #[serde(default)]
    client_secret: Option<String>,
}

/// Registers quire as a client with `redirect_uri` (RFC 7591).
pub async fn register(
    http: &reqwest::Client,
    endpoint: &str,
    redirect_uri: &str,
) -> Result<Client, String> {
    let body = serde_json::json!({
        "client_name": "quire",
        "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
    });
    let resp = http.post(endpoint).json(&body).send().await.map_err(|e| {
        format!(
            "client registration at {endpoint} failed: {}",
            crate::errors::plain(&e)
        )
    })?;
    let status = resp.status();
    let body = guard::body(resp, "registration answer", endpoint).await?;
    if !status.is_success() {
        return Err(format!(
            "client registration at {endpoint} was refused ({status}): {} (set oauth_client_id on the server's table to use a client registered by hand)",
            super::brief(&String::from_utf8_lossy(&body))
        ));
    }
    let r: Registered = serde_json::from_slice(&body)
        .map_err(|e| format!("client registration at {endpoint}: unreadable answer: {e}"))?;
    guard::token("client id", &r.client_id, endpoint)?;
    if let Some(secret) = &r.client_secret {
        guard::token("client secret", secret, endpoint)?;
    }
    Ok(Client {
        id: r.client_id,
        secret: r.client_secret,
    })
}

/// One authorization request: what the callback must match.
pub struct Request {
    pub url: String,
    pub state: String,
    pub verifier: String,
}

/// The URL the user opens to sign in.
pub fn authorization_request(
    meta: &ServerMetadata,
    client: &Client,
    redirect_uri: &str,
    resource: &str,
    scope: Option<&str>,
) -> Result<Request, String> {
    let verifier = random(32)?;
    let state = random(24)?;
    let mut url = Url::parse(&meta.authorization_endpoint).map_err(|e| {
        format!(
            "the authorization endpoint '{}' is not a URL: {e}",
            meta.authorization_endpoint
        )
    })?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", &client.id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("code_challenge", &challenge_of(&verifier))
            .append_pair("code_challenge_method", "S256")
            .append_pair("state", &state)
            .append_pair("resource", resource);
        if let Some(scope) = scope.filter(|s| !s.trim().is_empty()) {
            q.append_pair("scope", scope);
        }
    }
    Ok(Request {
        url: url.into(),
        state,
        verifier,
    })
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
}

#[derive(Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// `form` as `application/x-www-form-urlencoded`.
fn form_body(form: &[(&str, String)]) -> String {
    fn encode(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    form.iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Posts `form` to the token endpoint; the answer's tokens.
async fn token_request(
    http: &reqwest::Client,
    endpoint: &str,
    client: &Client,
    mut form: Vec<(&str, String)>,
) -> Result<TokenAnswer, String> {
    // A sign-in stored before endpoints were checked is checked here.
    guard::endpoint("token endpoint", endpoint, endpoint)?;
    form.push(("client_id", client.id.clone()));
    if let Some(secret) = &client.secret {
        form.push(("client_secret", secret.clone()));
    }
    let resp = http
        .post(endpoint)
        .header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form_body(&form))
        .send()
        .await
        .map_err(|e| format!("cannot reach {endpoint}: {}", crate::errors::plain(&e)))?;
    let status = resp.status();
    let body = guard::body(resp, "token answer", endpoint).await?;
    let text = String::from_utf8_lossy(&body);
    if !status.is_success() {
        // The server's error code and description, never its body whole
        // (it may echo what was sent).
        let why = match serde_json::from_str::<TokenError>(&text) {
            Ok(e) => match e.error_description {
                Some(d) => format!("{}: {}", e.error, super::brief(&d)),
                None => e.error,
            },
            Err(_) => status.to_string(),
        };
        return Err(format!("{endpoint} refused: {why}"));
    }
    let answer: TokenAnswer = serde_json::from_str(&text)
        .map_err(|e| format!("{endpoint}: the answer holds no access token ({e})"))?;
    guard::token("access token", &answer.access_token, endpoint)?;
    if let Some(refresh) = &answer.refresh_token {
        guard::token("refresh token", refresh, endpoint)?;
    }
    Ok(answer)
}

/// What a token answer amounts to, keeping `old`'s refresh token when the
/// server sent no new one.
fn tokens(answer: TokenAnswer, base: Tokens) -> Tokens {
    Tokens {
        access_token: answer.access_token,
        refresh_token: answer.refresh_token.or(base.refresh_token),
        expires_at: answer.expires_in.map(|s| now() + s),
        scope: answer.scope.or(base.scope),
        ..base
    }
}

/// Exchanges the callback's `code` for tokens.
#[allow(clippy::too_many_arguments)]
pub async fn exchange(
    http: &reqwest::Client,
    meta: &ServerMetadata,
    client: &Client,
    request: &Request,
    code: &str,
    redirect_uri: &str,
    server: &str,
    resource: &str,
) -> Result<Tokens, String> {
    let form = vec![
        ("grant_type", "authorization_code".to_string()),
        ("code", code.to_string()),
        ("redirect_uri", redirect_uri.to_string()),
        ("code_verifier", request.verifier.clone()),
        ("resource", resource.to_string()),
    ];
    let answer = token_request(http, &meta.token_endpoint, client, form).await?;
    Ok(tokens(
        answer,
        Tokens {
            server: server.to_string(),
            client_id: client.id.clone(),
            client_secret: client.secret.clone(),
            token_endpoint: meta.token_endpoint.clone(),
            resource: resource.to_string(),
            access_token: String::new(),
            refresh_token: None,
            expires_at: None,
            scope: None,
        },
    ))
}

/// New tokens for `old` through its refresh token.
pub async fn refresh(http: &reqwest::Client, old: &Tokens) -> Result<Tokens, String> {
    let Some(refresh_token) = old.refresh_token.clone() else {
        return Err("the sign-in has expired and cannot be renewed".into());
    };
    let client = Client {
        id: old.client_id.clone(),
        secret: old.client_secret.clone(),
    };
    let form = vec![
        ("grant_type", "refresh_token".to_string()),
        ("refresh_token", refresh_token),
        ("resource", old.resource.clone()),
    ];
    let answer = token_request(http, &old.token_endpoint, &client, form).await?;
    Ok(tokens(answer, old.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_encoded() {
        let form = [("a b", "x=1&y/é".to_string()), ("c", String::new())];
        assert_eq!(form_body(&form), "a+b=x%3D1%26y%2F%C3%A9&c=");
    }

    #[test]
    fn the_challenge_is_base64url_sha256_without_padding() {
        // As Python computes it: urlsafe_b64encode(sha256(v)).rstrip("=").
        assert_eq!(
            challenge_of("dBjftJeZ4CVP-mJ0kK8gUVTLtgrUPO9ZTx7TgXGzx3g"),
            "JeP73u4tT0JdD9aL2LvlgggMkLLguwway9FqUfCigb0"
        );
        assert_ne!(random(32).unwrap(), random(32).unwrap());
    }
}
