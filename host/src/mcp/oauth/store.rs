//! Signed-in servers' tokens: one file per server URL in
//! `$QUIRE_HOME/mcp-oauth/` (folder 0700, files 0600, written atomically),
//! named after a hash of the URL's origin and path ([`server_key`]) — never
//! after the server's name, so a repository's server that borrows a name
//! never receives another server's token.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The folder of the token files, under `home`.
pub fn folder(home: &Path) -> PathBuf {
    home.join("mcp-oauth")
}

/// What identifies a server for its tokens: scheme, host, port and path
/// of its URL (no query, no fragment, no trailing `/`). `None` when `url`
/// is no http(s) URL.
pub fn server_key(url: &str) -> Option<String> {
    let u = reqwest::Url::parse(url.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    let host = u.host_str()?;
    let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = u.path().trim_end_matches('/');
    Some(format!("{}://{host}{port}{path}", u.scheme()))
}

/// What a sign-in left: the tokens and what renewing them needs.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Tokens {
    /// [`server_key`] of the server they were issued for.
    pub server: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Where they are renewed (from the authorization server's metadata).
    pub token_endpoint: String,
    /// The `resource` they were issued for (RFC 8707).
    pub resource: String,
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds since the epoch; unknown when the server did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl std::fmt::Debug for Tokens {
    // Tokens never reach a log, even through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("server", &self.server)
            .field("client_id", &self.client_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Seconds since the epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Tokens {
    /// Expired, or expiring within a minute.
    pub fn expired(&self) -> bool {
        self.expires_at.is_some_and(|at| at <= now() + 60)
    }
}

/// The file of `key`'s tokens.
fn file(home: &Path, key: &str) -> PathBuf {
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    folder(home).join(format!("{hex}.json"))
}

/// The tokens of the server at `url`, when signed in. A file that cannot
/// be read, or that was written for another URL, is no tokens.
pub fn load(home: &Path, url: &str) -> Option<Tokens> {
    let key = server_key(url)?;
    let path = file(home, &key);
    // A sign-in stored before answers were bounded may be huge: it is no
    // sign-in (signing in again replaces it).
    if std::fs::metadata(&path).ok()?.len() > super::guard::MAX_BODY as u64 {
        tracing::warn!("the MCP sign-in file for {key} is too large to be one; sign in again");
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let tokens: Tokens = serde_json::from_str(&text)
        .map_err(|e| tracing::warn!("unreadable MCP sign-in file for {key}: {e}"))
        .ok()?;
    (tokens.server == key).then_some(tokens)
}

/// Stores `tokens` (for `tokens.server`): folder 0700, file 0600, written
/// to a temporary file then renamed over the old one.
pub fn save(home: &Path, tokens: &Tokens) -> Result<(), String> {
    let dir = folder(home);
    let mkdir = |e: std::io::Error| format!("cannot create {}: {e}", dir.display());
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .map_err(mkdir)?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).map_err(mkdir)?;
    let path = file(home, &tokens.server);
    let tmp = dir.join(format!(".{}.{}.tmp", std::process::id(), fastrand::u64(..)));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        let text = serde_json::to_vec_pretty(tokens).map_err(std::io::Error::other)?;
        f.write_all(&text)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot store the sign-in in {}: {e}", path.display())
    })
}

/// Removes the tokens of the server at `url`; whether there were any.
pub fn remove(home: &Path, url: &str) -> Result<bool, String> {
    let Some(key) = server_key(url) else {
        return Ok(false);
    };
    let path = file(home, &key);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(format!("cannot remove {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(server: &str) -> Tokens {
        Tokens {
            server: server.into(),
            client_id: "c".into(),
            client_secret: None,
            token_endpoint: "http://127.0.0.1:1/token".into(),
            resource: server.into(),
            access_token: "secret-access".into(),
            refresh_token: Some("secret-refresh".into()),
            expires_at: None,
            scope: None,
        }
    }

    #[test]
    fn keys_are_origin_and_path() {
        assert_eq!(
            server_key("HTTPS://Mcp.Example.com:443/mcp/?x=1#f").as_deref(),
            Some("https://mcp.example.com/mcp")
        );
        assert_eq!(
            server_key("http://127.0.0.1:8080/").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(server_key("file:///etc/passwd"), None);
    }

    #[test]
    fn tokens_are_found_only_under_their_url_and_never_printed() {
        let home = tempfile::tempdir().unwrap();
        let t = tokens("https://a.example/mcp");
        save(home.path(), &t).unwrap();
        assert_eq!(load(home.path(), "https://a.example/mcp/"), Some(t.clone()));
        assert_eq!(load(home.path(), "https://b.example/mcp"), None);
        assert_eq!(load(home.path(), "https://a.example/other"), None);
        assert!(!format!("{t:?}").contains("secret"));
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&folder(home.path())), 0o700);
        let f = file(home.path(), &t.server);
        assert_eq!(mode(&f), 0o600);
        assert!(remove(home.path(), "https://a.example/mcp").unwrap());
        assert!(!remove(home.path(), "https://a.example/mcp").unwrap());
        assert_eq!(std::fs::read_dir(folder(home.path())).unwrap().count(), 0);
    }
}
