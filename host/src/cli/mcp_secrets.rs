//! `quire mcp add`'s warnings about what `--header` and `--env` would
//! write into config.toml: a token itself (the shell expanded
//! `"${TOKEN}"` in double quotes, or it was pasted), an empty `Bearer `
//! (the variable was unset), or `$NAME` without braces, which quire does
//! not expand. Each says what to write instead, keeping the header's own
//! scheme (`Bearer`, `token`, none for `X-Api-Key`).

use quire::mcp::bare_dollar;

/// The warning for header `header` given `value`, if any.
pub fn header_warning(header: &str, value: &str) -> Option<String> {
    if let Some(name) = bare_dollar::bare_name(value) {
        return Some(format!(
            "{}; write --header '{header}={}' in single quotes",
            bare_dollar::advice(&format!("header {header}"), name),
            value.replacen(&format!("${name}"), &format!("${{{name}}}"), 1)
        ));
    }
    if value.contains("${") {
        return None;
    }
    let var = if header.eq_ignore_ascii_case("authorization") {
        "MY_TOKEN"
    } else {
        "MY_KEY"
    };
    let trimmed = value.trim();
    // `Bearer sk-…`, `token ghp_…`, `Basic …`: the scheme stays.
    let scheme = trimmed
        .split_once(' ')
        .map(|(s, _)| s)
        .filter(|s| s.chars().all(|c| c.is_ascii_alphabetic()))
        .or_else(|| ["Bearer", "bearer"].into_iter().find(|s| trimmed == *s));
    let written = match scheme {
        Some(s) => format!("{s} ${{{var}}}"),
        None => format!("${{{var}}}"),
    };
    let fix = format!(
        "write --header '{header}={written}' in single quotes (the shell then leaves ${{{var}}} to quire, which reads it at each start)"
    );
    let bearer = trimmed
        .strip_prefix("Bearer")
        .or_else(|| trimmed.strip_prefix("bearer"));
    if bearer.is_some_and(|rest| rest.trim().is_empty()) {
        return Some(format!(
            "header {header} is `{trimmed}` with no token (was the variable unset, or expanded by the shell?): {fix}"
        ));
    }
    if quire::config::key_env::looks_like_key(value) {
        return Some(format!(
            "header {header} holds a token itself (not shown here), which config.toml would keep in plain text: {fix}"
        ));
    }
    None
}

/// The warning for `--env NAME=VALUE`, if any.
pub fn env_warning(name: &str, value: &str) -> Option<String> {
    if let Some(var) = bare_dollar::bare_name(value) {
        return Some(format!(
            "{}; write --env '{name}={}' in single quotes",
            bare_dollar::advice(&format!("env {name}"), var),
            value.replacen(&format!("${var}"), &format!("${{{var}}}"), 1)
        ));
    }
    if value.contains("${") || !quire::config::key_env::looks_like_key(value) {
        return None;
    }
    Some(format!(
        "env {name} holds a token itself (not shown here), which config.toml would keep in plain text: write --env '{name}=${{{name}}}' in single quotes (quire reads ${{{name}}} from its environment at each start), or leave --env {name} out: a stdio server inherits quire's environment"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fix_keeps_the_header_scheme() {
        let w = header_warning("X-Api-Key", "sk-proj-abcdefghijklmnop1234").unwrap();
        assert!(w.contains("--header 'X-Api-Key=${MY_KEY}'"), "{w}");
        assert!(!w.contains("sk-proj"), "{w}");
        let w = header_warning("Authorization", "token ghp_abcdefghijklmnopqrstuvwx1234").unwrap();
        assert!(
            w.contains("--header 'Authorization=token ${MY_TOKEN}'"),
            "{w}"
        );
        let w = header_warning("Authorization", "Bearer sk-abcdefghijklmnop1234").unwrap();
        assert!(
            w.contains("--header 'Authorization=Bearer ${MY_TOKEN}'"),
            "{w}"
        );
        let w = header_warning("Authorization", "Bearer ").unwrap();
        assert!(w.contains("with no token"), "{w}");
        assert_eq!(header_warning("Authorization", "Bearer ${T}"), None);
    }

    #[test]
    fn a_dollar_name_without_braces_is_told_to_add_them() {
        let w = header_warning("Authorization", "Bearer $DOCS_TOKEN").unwrap();
        assert!(w.contains("not $DOCS_TOKEN"), "{w}");
        assert!(w.contains("'Authorization=Bearer ${DOCS_TOKEN}'"), "{w}");
        assert!(!w.contains("token itself"), "{w}");
        let w = env_warning("TOK", "$TOK").unwrap();
        assert!(w.contains("--env 'TOK=${TOK}'"), "{w}");
        let w = env_warning("TOK", "ghp_abcdefghijklmnopqrstuvwx1234").unwrap();
        assert!(w.contains("token itself") && !w.contains("ghp_"), "{w}");
        assert_eq!(env_warning("TOK", "${TOK}"), None);
        assert_eq!(env_warning("DEBUG", "1"), None);
    }
}
