//! Ollama's own `OLLAMA_HOST` (`host`, `host:port` or a URL, what `ollama
//! serve` and the `ollama` command read) as the built-in `ollama`
//! provider's base_url when `OLLAMA_BASE_URL` is not set.

/// The base_url for `OLLAMA_HOST`'s value, read as Ollama reads it:
/// `http` and port 11434 unless given; `None` when it is empty.
pub(super) fn base_url(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('/');
    if host.is_empty() {
        return None;
    }
    let (scheme, rest) = match host.split_once("://") {
        Some((scheme, rest)) => (scheme, rest),
        None => ("http", host),
    };
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let authority = if authority.is_empty() || authority.starts_with(':') {
        format!("127.0.0.1{authority}")
    } else {
        authority.to_string()
    };
    let has_port = match authority.rfind(']') {
        Some(close) => authority[close..].contains(':'),
        None => authority.contains(':'),
    };
    let port = match (has_port, scheme) {
        (true, _) => "",
        (false, "https") => ":443",
        (false, _) => ":11434",
    };
    Some(format!("{scheme}://{authority}{port}{path}/v1"))
}

#[cfg(test)]
mod tests {
    use super::base_url;

    #[test]
    fn ollama_host_is_read_as_ollama_reads_it() {
        for (host, url) in [
            ("127.0.0.1:11435", "http://127.0.0.1:11435/v1"),
            ("gpu-box", "http://gpu-box:11434/v1"),
            ("0.0.0.0", "http://0.0.0.0:11434/v1"),
            (":8080", "http://127.0.0.1:8080/v1"),
            ("http://gpu-box:9000/", "http://gpu-box:9000/v1"),
            (
                "https://ollama.example.com",
                "https://ollama.example.com:443/v1",
            ),
            ("[::1]", "http://[::1]:11434/v1"),
            ("[::1]:9", "http://[::1]:9/v1"),
        ] {
            assert_eq!(base_url(host).as_deref(), Some(url), "{host}");
        }
        assert_eq!(base_url(" "), None);
    }
}
