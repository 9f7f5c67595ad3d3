//! Just enough URL parsing for `wasi:http`: scheme, authority, path and
//! query (the fragment never leaves the client).

use super::HttpError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

/// An absolute `http` or `https` URL, split the way `wasi:http` wants it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub scheme: Scheme,
    /// `host` or `host:port`, as written.
    pub authority: String,
    /// The host name in lowercase (brackets kept for IPv6).
    pub host: String,
    pub port: Option<u16>,
    /// Starts with `/`; includes `?query` when there is one.
    pub path_with_query: String,
}

impl Url {
    pub fn parse(url: &str) -> Result<Self, HttpError> {
        let bad = |reason: &str| HttpError::InvalidUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        if url
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err(bad(
                "it contains spaces or control characters (encode them, e.g. %20)",
            ));
        }
        let (scheme, rest) = match url.split_once("://") {
            Some((s, rest)) if s.eq_ignore_ascii_case("https") => (Scheme::Https, rest),
            Some((s, rest)) if s.eq_ignore_ascii_case("http") => (Scheme::Http, rest),
            _ => return Err(bad("it must start with http:// or https://")),
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.contains('@') {
            return Err(bad(
                "credentials in the URL are not supported; send an authorization header",
            ));
        }
        let (host, port) = split_host_port(authority).ok_or_else(|| bad("the port is invalid"))?;
        if host.is_empty() || host == "[]" {
            return Err(bad("it has no host"));
        }
        let without_fragment = tail.split('#').next().unwrap_or_default();
        let path_with_query = if without_fragment.starts_with('/') {
            without_fragment.to_owned()
        } else {
            format!("/{without_fragment}")
        };
        Ok(Self {
            scheme,
            authority: authority.to_owned(),
            host: host.to_ascii_lowercase(),
            port,
            path_with_query,
        })
    }
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`; `None` for a bad port.
fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let colon = if authority.starts_with('[') {
        let close = authority.find(']')?;
        match &authority[close + 1..] {
            "" => return Some((authority, None)),
            rest if rest.starts_with(':') => close + 1,
            _ => return None,
        }
    } else {
        match authority.rfind(':') {
            Some(i) => i,
            None => return Some((authority, None)),
        }
    };
    let port = authority[colon + 1..].parse::<u16>().ok()?;
    Some((&authority[..colon], Some(port)))
}
