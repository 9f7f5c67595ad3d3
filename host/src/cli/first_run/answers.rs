//! Reading the setup's answers: what a variable name, a server URL and a
//! list choice may be, and how the questions word their counts.

/// How to answer a list of `max` entries.
pub(super) fn numbers(max: usize) -> String {
    if max == 1 {
        "answer 1 (or press Enter)".into()
    } else {
        format!("answer a number from 1 to {max}")
    }
}

/// The first names of a server's model list, for a message: `a, b, c`,
/// `, …` when there are more.
pub(super) fn listed(models: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = models
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if models.len() > SHOWN {
        s.push_str(", …");
    }
    s
}

/// What is said when a key is typed where something else is asked: it
/// was not kept, and where it belongs. `var` is the variable the provider
/// reads its key from, when known.
pub(super) fn key_refused(var: Option<&str>) -> String {
    let keep = match var {
        Some(var) => format!("put it in the environment variable {var} (export {var}=…)"),
        None => "put it in an environment variable (export MY_API_KEY=…) and give that variable's name when the setup asks for it".to_string(),
    };
    format!(
        "that looks like an API key, which this question is not for; it was not saved. quire reads keys from the environment, never from config.toml: {keep}. Answer the question again"
    )
}

/// A server typed as `host:port` (`127.0.0.1:8080`, `localhost:11434/v1`)
/// as a URL: `http://` added. None for anything else without a scheme.
pub(super) fn with_scheme(answer: &str) -> Option<String> {
    let (host_port, _path) = answer.split_once('/').unwrap_or((answer, ""));
    let (host, port) = host_port.rsplit_once(':')?;
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    (host_ok && port.parse::<u16>().is_ok()).then(|| format!("http://{answer}"))
}

/// A URL with no path (`http://host:port`) gets `/v1`, where
/// OpenAI-compatible servers answer and where the setup checked it:
/// requests go to `BASE_URL/chat/completions`. A URL with a path is kept.
pub(super) fn api_url(url: String) -> String {
    if has_path(&url) {
        return url;
    }
    let with = format!("{url}/v1");
    eprintln!(
        "using {with} (OpenAI-compatible servers answer under /v1; edit base_url in config.toml if yours does not)"
    );
    with
}

/// `url` as requests would use it: with `/v1` when it has no path (what
/// [`api_url`] makes of it, said nothing about).
pub(super) fn with_api_path(url: &str) -> String {
    if has_path(url) {
        url.to_string()
    } else {
        format!("{url}/v1")
    }
}

/// Whether `url` (`http(s)://…`, no trailing `/`) has a path after the host.
fn has_path(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.contains('/')
}

/// The port of a URL on this machine (`http://127.0.0.1:PORT…`,
/// `http://localhost:PORT…`).
pub(super) fn local_port(url: &str) -> Option<u16> {
    let rest = url.strip_prefix("http://")?;
    let rest = rest
        .strip_prefix("127.0.0.1:")
        .or_else(|| rest.strip_prefix("localhost:"))?;
    rest.split('/').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_and_port_gets_http() {
        assert_eq!(
            with_scheme("127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            with_scheme("localhost:11434/v1").as_deref(),
            Some("http://localhost:11434/v1")
        );
        for not in ["localhost", "ftp://h:1", "h:port", ":80", "a b:80"] {
            assert_eq!(with_scheme(not), None, "{not}");
        }
    }

    #[test]
    fn a_url_without_a_path_gets_v1() {
        assert_eq!(
            api_url("http://127.0.0.1:1".into()),
            "http://127.0.0.1:1/v1"
        );
        assert_eq!(
            api_url("https://example.com/api/v1".into()),
            "https://example.com/api/v1"
        );
        assert_eq!(api_url("http://h:8/v1".into()), "http://h:8/v1");
    }

    #[test]
    fn counts_read_as_words() {
        assert_eq!(numbers(1), "answer 1 (or press Enter)");
        assert_eq!(numbers(3), "answer a number from 1 to 3");
    }
}
