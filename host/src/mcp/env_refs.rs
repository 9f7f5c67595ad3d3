//! The environment variables an MCP server's settings read: `${VAR}` and
//! `${VAR:-default}`, which quire fills in as Claude Code does (every
//! string of a `.mcp.json` server, header values of a config.toml one;
//! see [`super::spec::expand`]). Consent screens name them (never their
//! values, [`reads_note`]), and [`Redactor`] keeps their values out of
//! anything quire shows, sends to the model or writes down.

/// The variables `text` reads, in order, parsed as
/// [`super::spec::expand`] does (`${A:-${B}}` reads `A`).
pub fn names_in(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            break;
        };
        let inner = &after[..end];
        let var = inner.split_once(":-").map(|(v, _)| v).unwrap_or(inner);
        if !var.is_empty() {
            out.push(var);
        }
        rest = &after[end + 1..];
    }
    out
}

/// The variables `texts` read, each once, in order, leaving out `fixed`
/// (names quire fills in itself, such as `${CLAUDE_PLUGIN_ROOT}`).
pub fn read_by<'a>(texts: impl IntoIterator<Item = &'a str>, fixed: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for text in texts {
        for name in names_in(text) {
            if !fixed.contains(&name) && !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// ` (reads $A, $B from your environment)`, or nothing when `names` is
/// empty: what consent screens add after a server.
pub fn reads_note(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!(
            " (reads {} from your environment)",
            crate::hooks::http_env::dollar_names(names)
        )
    }
}

/// Values shorter than this are left alone: replacing every `1` or `on`
/// in a message would garble it, and such values are no secret.
const SHORTEST_SECRET: usize = 4;

/// Replaces, in text about a server, what expansion put in (the variables'
/// values, also as a URL writes them, and the expanded URL) by what the
/// settings say (`${VAR}`, the URL as written).
#[derive(Debug, Default)]
pub struct Redactor {
    /// (what to hide, what to show instead), longest first.
    pairs: Vec<(String, String)>,
}

impl Redactor {
    /// For the variables `names` (read with `lookup`) and the URL as
    /// written and as expanded.
    pub fn new(
        names: &[String],
        lookup: impl Fn(&str) -> Option<String>,
        url: Option<(&str, &str)>,
    ) -> Redactor {
        let mut pairs = Vec::new();
        if let Some((written, expanded)) = url
            && written != expanded
        {
            pairs.push((expanded.to_string(), written.to_string()));
            if let Ok(u) = reqwest::Url::parse(expanded) {
                pairs.push((u.to_string(), written.to_string()));
            }
        }
        for name in names {
            let Some(value) = lookup(name).filter(|v| v.len() >= SHORTEST_SECRET) else {
                continue;
            };
            let shown = format!("${{{name}}}");
            for form in url_forms(&value) {
                pairs.push((form, shown.clone()));
            }
            pairs.push((value, shown));
        }
        pairs.sort_by_key(|(hide, _)| std::cmp::Reverse(hide.len()));
        pairs.dedup_by(|a, b| a.0 == b.0);
        Redactor { pairs }
    }

    /// Hides these values in quire's log too ([`hide_in_log`]): libraries
    /// below quire (rmcp, reqwest) log the URL they were given.
    pub fn publish(&self) {
        if self.pairs.is_empty() {
            return;
        }
        let mut all = LOGGED.lock().unwrap_or_else(|e| e.into_inner());
        for pair in &self.pairs {
            if !all.contains(pair) {
                all.push(pair.clone());
            }
        }
        all.sort_by_key(|(hide, _)| std::cmp::Reverse(hide.len()));
    }

    /// `text` with every value replaced.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (hide, shown) in &self.pairs {
            if out.contains(hide.as_str()) {
                out = out.replace(hide.as_str(), shown);
            }
        }
        out
    }
}

/// What [`Redactor::publish`] asked to hide in the log, longest first.
static LOGGED: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// A log line with every published value replaced (for the log writer).
pub fn hide_in_log(line: &str) -> String {
    let all = LOGGED.lock().unwrap_or_else(|e| e.into_inner());
    let mut out = line.to_string();
    for (hide, shown) in all.iter() {
        if out.contains(hide.as_str()) {
            out = out.replace(hide.as_str(), shown);
        }
    }
    out
}

/// Whether any value was published (the log writer's fast path).
pub fn anything_hidden() -> bool {
    !LOGGED.lock().unwrap_or_else(|e| e.into_inner()).is_empty()
}

/// `value` as a URL writes it in its path and in its query, where that
/// differs from `value` (`a b` → `a%20b`).
fn url_forms(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(u) = reqwest::Url::parse(&format!("http://h/?{value}"))
        && let Some(q) = u.query()
        && q != value
    {
        out.push(q.to_string());
    }
    if let Ok(u) = reqwest::Url::parse(&format!("http://h/{value}")) {
        let p = u.path().trim_start_matches('/');
        if p != value && !out.iter().any(|o| o == p) {
            out.push(p.to_string());
        }
    }
    out.retain(|f| f.len() >= SHORTEST_SECRET);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "KEY" => Some("sk-secret value".into()),
            "SHORT" => Some("1".into()),
            _ => None,
        }
    }

    #[test]
    fn names_are_read_as_expansion_reads_them() {
        assert_eq!(names_in("a${A}b${B:-x}c$C${}"), ["A", "B"]);
        assert_eq!(names_in("${A:-${B}}"), ["A"]);
        assert_eq!(names_in("${open"), Vec::<&str>::new());
        let read = read_by(
            ["${CLAUDE_PLUGIN_ROOT}/s ${K}", "${K} ${L}"],
            &["CLAUDE_PLUGIN_ROOT"],
        );
        assert_eq!(read, ["K", "L"]);
        assert_eq!(reads_note(&read), " (reads $K, $L from your environment)");
        assert_eq!(reads_note(&[]), "");
    }

    #[test]
    fn values_and_the_expanded_url_are_replaced_by_what_is_written() {
        let written = "http://127.0.0.1:9/mcp?k=${KEY}";
        let expanded = "http://127.0.0.1:9/mcp?k=sk-secret value";
        let r = Redactor::new(
            &["KEY".into(), "SHORT".into(), "UNSET".into()],
            env,
            Some((written, expanded)),
        );
        let url_form = reqwest::Url::parse(expanded).unwrap().to_string();
        assert!(url_form.contains("sk-secret%20value"), "{url_form}");
        for text in [
            format!("cannot connect to {expanded}: refused"),
            format!("error sending request for url ({url_form})"),
            "token sk-secret value was refused, 1 try".to_string(),
            "/path/sk-secret%20value".to_string(),
        ] {
            let shown = r.apply(&text);
            assert!(!shown.contains("sk-secret"), "{shown}");
            assert!(shown.contains("${KEY}"), "{shown}");
        }
        assert_eq!(
            r.apply(&format!("cannot connect to {expanded}: 1")),
            format!("cannot connect to {written}: 1")
        );
        r.publish();
        assert!(anything_hidden());
        assert_eq!(
            hide_in_log(&format!("url: \"{url_form}\"")),
            format!("url: \"{written}\"")
        );
    }
}
