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

/// `1 model`, `3 models`.
pub(super) fn models_count(n: usize) -> String {
    if n == 1 {
        "1 model".into()
    } else {
        format!("{n} models")
    }
}

/// Whether an answer to "which variable holds the key" is the key itself
/// (pasted by mistake): a key's usual prefix (`sk-`, `sk_`, `key_`,
/// `gsk_`), or a long run mixing lower case, upper case and digits, which
/// variable names (`OPENAI_API_KEY`) are not. The config never gets it.
pub(super) fn looks_like_key(answer: &str) -> bool {
    if ["sk-", "sk_", "key_", "gsk_"]
        .iter()
        .any(|p| answer.starts_with(p))
    {
        return true;
    }
    answer.len() >= 24
        && answer.chars().any(|c| c.is_ascii_lowercase())
        && answer.chars().any(|c| c.is_ascii_uppercase())
        && answer.chars().any(|c| c.is_ascii_digit())
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
    fn keys_are_told_from_variable_names() {
        for key in [
            "sk_proj_AbCdEf0123456789",
            "sk-ant-api03-abc",
            "key_123",
            "AbCdEfGhIjKlMnOpQrStUvWx0123",
        ] {
            assert!(looks_like_key(key), "{key}");
        }
        for name in [
            "OPENAI_API_KEY",
            "MY_KEY",
            "ANTHROPIC_API_KEY_2",
            "KEY_FOR_LOCAL",
            "",
        ] {
            assert!(!looks_like_key(name), "{name}");
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
        assert_eq!(models_count(1), "1 model");
        assert_eq!(models_count(2), "2 models");
        assert_eq!(numbers(1), "answer 1 (or press Enter)");
        assert_eq!(numbers(3), "answer a number from 1 to 3");
    }
}
