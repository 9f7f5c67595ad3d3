//! `$NAME` without braces in an MCP server's header or `env` value: quire
//! expands `${NAME}` and `${NAME:-default}` only (as Claude Code does in
//! `.mcp.json`), so `Bearer $DOCS_TOKEN` would be sent as written. Such a
//! value is named in a warning with the braced form to write.

use super::spec::{ServerSpec, Transport};

/// The first `$NAME` without braces in `value` that reads as a variable:
/// at the start or after a space, in capitals, digits and `_` (so a `$`
/// inside a password is never shown as a name).
pub fn bare_name(value: &str) -> Option<&str> {
    let bytes = value.as_bytes();
    for (at, _) in value.match_indices('$') {
        if at > 0 && !bytes[at - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = &value[at + 1..];
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
            .count();
        let name = &rest[..len];
        let ends = rest[len..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_' && c != '{');
        if len >= 2 && ends && name.starts_with(|c: char| !c.is_ascii_digit()) {
            return Some(name);
        }
    }
    None
}

/// What to say about `$NAME` in the value of `key`.
pub fn advice(key: &str, name: &str) -> String {
    format!(
        "{key} holds ${name}, which is sent as written: quire reads ${{{name}}} (with braces) from its environment, not ${name}"
    )
}

/// Warnings for the header and `env` values of `specs` that hold a bare
/// `$NAME`.
pub fn warnings(specs: &[ServerSpec]) -> Vec<String> {
    let mut out = Vec::new();
    for spec in specs {
        let (kind, values) = match &spec.transport {
            Transport::Stdio { env, .. } => ("env", env),
            Transport::Http { headers, .. } => ("headers", headers),
        };
        for (k, v) in values {
            if let Some(name) = bare_name(v) {
                let key = spec.source.key(&spec.name, &format!("{kind}.{k}"));
                out.push(format!("{}; write ${{{name}}}", advice(&key, name)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::bare_name;

    #[test]
    fn only_a_variable_like_dollar_word_is_named() {
        assert_eq!(bare_name("Bearer $DOCS_TOKEN"), Some("DOCS_TOKEN"));
        assert_eq!(bare_name("$API_KEY"), Some("API_KEY"));
        assert_eq!(bare_name("Bearer ${DOCS_TOKEN}"), None);
        assert_eq!(bare_name("pa$SWORD"), None);
        assert_eq!(bare_name("$lower"), None);
        assert_eq!(bare_name("$1X"), None);
        assert_eq!(bare_name("cost $5"), None);
    }
}
