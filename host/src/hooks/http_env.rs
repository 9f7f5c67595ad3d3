//! Environment variables in an HTTP hook's headers, the way Claude Code
//! reads them: `$VAR` and `${VAR}` are replaced by the variable's value
//! only when the hook lists the variable in `allowedEnvVars`
//! (`allowed_env_vars` in config.toml); any other reference becomes an
//! empty string. So a hook cannot send an API key it does not name, and
//! the consent screens can say which variables a hook reads
//! ([`describe`]).

use std::collections::BTreeMap;

/// One piece of a header value: literal text or a variable reference.
enum Piece<'a> {
    Text(&'a str),
    Var(&'a str),
}

/// The pieces of `value`: `$NAME` (letters, digits, `_`) and `${NAME}`
/// are references; a `$` with no name after it is text.
fn pieces(value: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        if i > 0 {
            out.push(Piece::Text(&rest[..i]));
        }
        let after = &rest[i + 1..];
        let (name, tail) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => (&inner[..end], &inner[end + 1..]),
                None => ("", after),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        if name.is_empty() {
            out.push(Piece::Text("$"));
        } else {
            out.push(Piece::Var(name));
        }
        rest = tail;
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// `value` with the variables of `allowed` replaced by their value from
/// `lookup`; every other reference is replaced by nothing.
pub fn expand_with(
    value: &str,
    allowed: &[String],
    lookup: impl Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::new();
    for piece in pieces(value) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(name) if allowed.iter().any(|a| a == name) => {
                out.push_str(&lookup(name).unwrap_or_default());
            }
            Piece::Var(_) => {}
        }
    }
    out
}

/// [`expand_with`] over quire's environment.
pub fn expand(value: &str, allowed: &[String]) -> String {
    expand_with(value, allowed, |name| std::env::var(name).ok())
}

/// The variables `headers` refer to, each once, in order: those `allowed`
/// lists (sent) and the others (sent empty).
pub fn referenced(
    headers: &BTreeMap<String, String>,
    allowed: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut sent: Vec<String> = Vec::new();
    let mut emptied: Vec<String> = Vec::new();
    for value in headers.values() {
        for piece in pieces(value) {
            let Piece::Var(name) = piece else { continue };
            let list = if allowed.iter().any(|a| a == name) {
                &mut sent
            } else {
                &mut emptied
            };
            if !list.iter().any(|n| n == name) {
                list.push(name.to_string());
            }
        }
    }
    (sent, emptied)
}

/// Headers as consent screens show them, as written (a variable by its
/// name, never its value), escaped for the terminal: `, headers
/// Authorization: Bearer $TOKEN, X-K: v`. Empty when there are none.
pub fn headers_shown(headers: &BTreeMap<String, String>) -> String {
    if headers.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = headers
        .iter()
        .map(|(k, v)| {
            format!(
                "{}: {}",
                crate::printable::quoted_name(k),
                crate::printable::quoted_name(v)
            )
        })
        .collect();
    format!(", headers {}", shown.join(", "))
}

/// Variable names as consent screens show them: `$A, $B`, escaped.
pub fn dollar_names<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| format!("${}", crate::printable::quoted_name(n.as_ref())))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The headers of an HTTP hook as consent screens show them, variables
/// by name (never their values), and which variables of the user's
/// environment the hook sends: `, headers Authorization: Bearer $TOKEN
/// (sends $TOKEN from your environment)`. Empty when it has no headers.
pub fn describe(headers: &BTreeMap<String, String>, allowed: &[String]) -> String {
    if headers.is_empty() {
        return String::new();
    }
    let mut text = headers_shown(headers);
    let (sent, emptied) = referenced(headers, allowed);
    let mut notes = Vec::new();
    if !sent.is_empty() {
        notes.push(format!(
            "sends {} from your environment",
            dollar_names(&sent)
        ));
    }
    if !emptied.is_empty() {
        notes.push(format!(
            "{} not in its allowed env vars: sent empty",
            dollar_names(&emptied)
        ));
    }
    if !notes.is_empty() {
        text.push_str(&format!(" ({})", notes.join("; ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "TOKEN" => Some("tok".into()),
            "OPENAI_API_KEY" => Some("sk-secret".into()),
            _ => None,
        }
    }

    #[test]
    fn only_allowed_variables_are_expanded_the_others_become_empty() {
        let allowed = vec!["TOKEN".to_string()];
        assert_eq!(expand_with("Bearer $TOKEN", &allowed, env), "Bearer tok");
        assert_eq!(expand_with("a${TOKEN}b", &allowed, env), "atokb");
        assert_eq!(expand_with("k=$OPENAI_API_KEY;", &allowed, env), "k=;");
        assert_eq!(expand_with("${OPENAI_API_KEY}", &[], env), "");
        assert_eq!(expand_with("$TOKEN", &[], env), "");
        assert_eq!(expand_with("cost $ 5", &allowed, env), "cost $ 5");
        assert_eq!(
            expand_with("unset $MISSING.", &["MISSING".into()], env),
            "unset ."
        );
    }

    #[test]
    fn the_description_names_headers_and_variables_never_values() {
        let headers = BTreeMap::from([
            ("Authorization".to_string(), "Bearer $TOKEN".to_string()),
            ("X-K".to_string(), "${OPENAI_API_KEY}".to_string()),
        ]);
        let text = describe(&headers, &["TOKEN".to_string()]);
        assert_eq!(
            text,
            ", headers Authorization: Bearer $TOKEN, X-K: ${OPENAI_API_KEY} (sends $TOKEN from your environment; $OPENAI_API_KEY not in its allowed env vars: sent empty)"
        );
        assert!(!text.contains("tok,") && !text.contains("sk-secret"));
        assert_eq!(describe(&BTreeMap::new(), &[]), "");
        let evil = BTreeMap::from([("X".to_string(), "a\u{1b}[2Kb".to_string())]);
        assert!(!describe(&evil, &[]).contains('\u{1b}'));
    }
}
