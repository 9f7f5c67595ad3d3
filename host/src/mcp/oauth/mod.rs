//! Signing in to remote MCP servers (the MCP authorization spec, client
//! side): `quire mcp login NAME` discovers the server's authorization
//! server ([`discovery`]), registers quire as a client when it can,
//! sends the user's browser to sign in with PKCE, hears the redirect on
//! 127.0.0.1 ([`callback`]), exchanges the code ([`flow`]) and stores the
//! tokens by the server's URL ([`store`]). A session sends them as
//! `Authorization: Bearer` to that URL only, renewing them when expired.

pub mod callback;
pub(crate) mod connect;
pub mod discovery;
pub mod flow;
pub mod guard;
mod renewing;
pub mod store;

use std::path::Path;
use std::time::Duration;

use reqwest::Url;

pub use store::{Tokens, server_key};

/// Characters of a server's text kept in an error.
const BRIEF: usize = 200;

/// `text` on one line, cut to [`BRIEF`] characters.
pub(crate) fn brief(text: &str) -> String {
    let line = crate::printable::one_line(text);
    if line.chars().count() > BRIEF {
        format!("{}…", line.chars().take(BRIEF).collect::<String>())
    } else {
        line
    }
}

/// The HTTP client of the OAuth exchanges.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}

/// What a sign-in takes from the configuration.
#[derive(Debug, Clone, Default)]
pub struct LoginSettings {
    /// `oauth_client_id`: a client registered by hand (used when the
    /// server offers no registration, or instead of it).
    pub client_id: Option<String>,
    /// `scopes`: asked for instead of what the server suggests.
    pub scopes: Vec<String>,
    /// `[mcp] oauth_callback_port`; 0 picks a free port.
    pub callback_port: u16,
}

/// A sign-in waiting for the browser.
pub struct Pending {
    http: reqwest::Client,
    callback: callback::Callback,
    request: flow::Request,
    meta: discovery::ServerMetadata,
    client: flow::Client,
    server: String,
    resource: String,
}

/// The `resource` to ask tokens for: the resource metadata's when it is
/// the server's URL or a parent of it on the same origin, else the
/// server's URL itself.
fn resource_for(server: &str, declared: Option<&str>) -> Result<String, String> {
    let Some(declared) = declared else {
        return Ok(server.to_string());
    };
    let ok = match (Url::parse(server), Url::parse(declared)) {
        (Ok(s), Ok(d)) => {
            s.origin() == d.origin()
                && s.path()
                    .trim_end_matches('/')
                    .starts_with(d.path().trim_end_matches('/'))
        }
        _ => false,
    };
    if !ok {
        return Err(format!(
            "{server}: its resource metadata is for another resource ({declared}); not signing in"
        ));
    }
    Ok(declared.trim_end_matches('/').to_string())
}

/// Discovers how to sign in to the server at `url`, registers a client
/// and listens for the callback. Nothing is stored yet.
pub async fn begin(url: &str, settings: &LoginSettings) -> Result<Pending, String> {
    let server = server_key(url).ok_or_else(|| format!("{url} is not an http(s) URL"))?;
    let http = http();
    let found = discovery::discover(&http, url).await?;
    let resource = resource_for(
        &server,
        found.resource.as_ref().and_then(|r| r.resource.as_deref()),
    )?;
    let callback = callback::Callback::bind(settings.callback_port).await?;
    let client = match (&settings.client_id, &found.server.registration_endpoint) {
        (Some(id), _) => flow::Client {
            id: id.clone(),
            secret: None,
        },
        (None, Some(endpoint)) => flow::register(&http, endpoint, &callback.redirect_uri).await?,
        (None, None) => {
            return Err(format!(
                "{url}: its authorization server offers no client registration; register a client with it (redirect URI http://127.0.0.1:PORT/callback, with [mcp] oauth_callback_port = PORT) and set oauth_client_id on the server's table"
            ));
        }
    };
    let scope = if !settings.scopes.is_empty() {
        Some(settings.scopes.join(" "))
    } else {
        found.challenge.scope.clone().or_else(|| {
            found
                .resource
                .as_ref()
                .filter(|r| !r.scopes_supported.is_empty())
                .map(|r| r.scopes_supported.join(" "))
        })
    };
    let request = flow::authorization_request(
        &found.server,
        &client,
        &callback.redirect_uri,
        &resource,
        scope.as_deref(),
    )?;
    Ok(Pending {
        http,
        callback,
        request,
        meta: found.server,
        client,
        server,
        resource,
    })
}

impl Pending {
    /// The URL the user opens in a browser.
    pub fn url(&self) -> &str {
        &self.request.url
    }

    /// Waits for the browser's callback, exchanges the code and stores the
    /// tokens in `home`.
    pub async fn finish(self, home: &Path) -> Result<(), String> {
        let code = match self.callback.wait(&self.request.state).await? {
            callback::Outcome::Code(c) => c,
            callback::Outcome::Denied(why) => {
                return Err(format!("the authorization server refused: {why}"));
            }
        };
        let tokens = flow::exchange(
            &self.http,
            &self.meta,
            &self.client,
            &self.request,
            &code,
            &self.callback.redirect_uri,
            &self.server,
            &self.resource,
        )
        .await
        .map_err(|e| format!("the code could not be exchanged for a token: {e}"))?;
        store::save(home, &tokens)
    }
}

/// Whether `home` holds a sign-in for the server at `url`.
pub fn signed_in(home: &Path, url: &str) -> bool {
    store::load(home, url).is_some()
}

/// Removes the sign-in for the server at `url`; whether there was one.
pub fn logout(home: &Path, url: &str) -> Result<bool, String> {
    store::remove(home, url)
}

/// Renews `old` and stores the new tokens; their access token.
async fn renew(home: &Path, old: &Tokens) -> Result<String, String> {
    let new = flow::refresh(&http(), old).await?;
    store::save(home, &new)?;
    tracing::info!(server = %new.server, "MCP sign-in renewed");
    Ok(new.access_token)
}

/// The access token to send to the server at `url`: `None` when not
/// signed in; renewed first when it has expired. The error says why an
/// expired sign-in could not be renewed.
pub async fn access_token(home: &Path, url: &str) -> Result<Option<String>, String> {
    let Some(tokens) = store::load(home, url) else {
        return Ok(None);
    };
    if !tokens.expired() {
        return Ok(Some(tokens.access_token));
    }
    renew(home, &tokens).await.map(Some)
}

/// After the server refused `used` (a 401): the stored token when another
/// process renewed it meanwhile, else a renewed one.
pub async fn renewed_token(home: &Path, url: &str, used: &str) -> Result<String, String> {
    let Some(tokens) = store::load(home, url) else {
        return Err("the sign-in was removed".into());
    };
    if tokens.access_token != used && !tokens.expired() {
        return Ok(tokens.access_token);
    }
    renew(home, &tokens).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_is_the_servers_or_a_parent_on_its_origin() {
        let s = "https://x.example/v1/mcp";
        assert_eq!(resource_for(s, None).unwrap(), s);
        assert_eq!(
            resource_for(s, Some("https://x.example/")).unwrap(),
            "https://x.example"
        );
        assert!(resource_for(s, Some("https://evil.example/v1/mcp")).is_err());
        assert!(resource_for(s, Some("https://x.example/other")).is_err());
    }
}
