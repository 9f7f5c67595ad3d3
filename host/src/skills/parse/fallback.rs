//! The fallback when frontmatter is not valid YAML: plain `key: value`
//! lines, the way people write them by hand (`description: Use this: for
//! X` is invalid YAML but clearly meant as one value).
//!
//! Accepted: `key: value` at column 0 (the value is everything after the
//! first `: `, quotes around the whole value removed), indented
//! continuation lines (joined with a space), `- item` lines under a key with
//! no value (a list), `sub: value` lines under such a key (one level of
//! nesting), `|` and `>` block values, a flow list (`tools: ["Read",
//! Grep]`), comments and blank lines. Any other line makes the whole
//! frontmatter unparseable.

use crate::skills::yaml::{Mapping, Value};

enum Pending {
    /// No value yet (list items or sub-keys may follow).
    Empty,
    Text(String),
    Block {
        literal: bool,
        lines: Vec<String>,
    },
    List(Vec<Value>),
    Map(Mapping),
}

/// As [`parse_lines`], for frontmatter whose multi-line value goes on in
/// unindented lines (`description: … Examples:` then `<example>`,
/// `Context: …` lines, as in Anthropic's plugin agents, which Claude Code
/// loads): a line at column 0 starts a key only when the key is one of
/// `keys`; any other line goes on the value above it.
pub fn parse_lines_joining(front: &str, keys: &[&str]) -> Option<Mapping> {
    let mut text = String::new();
    let mut seen_key = false;
    for line in front.lines() {
        let t = line.trim();
        let at_column_0 = !line.starts_with([' ', '\t']) && !t.is_empty() && !t.starts_with('#');
        let known = key_value(t).is_some_and(|(k, _)| keys.contains(&k));
        if at_column_0 && !known && seen_key {
            text.push_str("  ");
        }
        seen_key |= at_column_0 && known;
        text.push_str(line);
        text.push('\n');
    }
    parse_lines(&text)
}

/// Parses `front` as key: value lines; `None` when a line fits no rule.
pub fn parse_lines(front: &str) -> Option<Mapping> {
    let mut map = Mapping::new();
    let mut current: Option<(String, Pending)> = None;
    for line in front.lines() {
        let t = line.trim();
        let indented = line.starts_with([' ', '\t']);
        if let Some((_, Pending::Block { lines, .. })) = &mut current
            && (indented || t.is_empty())
        {
            lines.push(t.to_string());
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !indented {
            let (key, value) = key_value(t)?;
            finish(&mut map, current.take());
            let pending = match value {
                "" => Pending::Empty,
                "|" | "|-" | "|+" => Pending::Block {
                    literal: true,
                    lines: Vec::new(),
                },
                ">" | ">-" | ">+" => Pending::Block {
                    literal: false,
                    lines: Vec::new(),
                },
                v => match flow_list(v) {
                    Some(items) => Pending::List(items.into_iter().map(Value::String).collect()),
                    None => Pending::Text(unquote(v)?),
                },
            };
            current = Some((key.to_string(), pending));
            continue;
        }
        let (_, pending) = current.as_mut()?;
        let item = t.strip_prefix("- ").or((t == "-").then_some(""));
        match (pending, item) {
            (p @ Pending::Empty, Some(item)) => *p = Pending::List(vec![text(item)?]),
            (Pending::List(items), Some(item)) => items.push(text(item)?),
            (p @ Pending::Empty, None) => {
                let (k, v) = key_value(t)?;
                let mut m = Mapping::new();
                m.insert(text(k)?, text(v)?);
                *p = Pending::Map(m);
            }
            (Pending::Map(m), None) => {
                let (k, v) = key_value(t)?;
                m.insert(text(k)?, text(v)?);
            }
            (Pending::Text(s), _) => {
                s.push(' ');
                s.push_str(t);
            }
            _ => return None,
        }
    }
    finish(&mut map, current.take());
    if map.is_empty() { None } else { Some(map) }
}

/// `[a, "b, c", 'd']` as its items (quotes removed; commas inside quotes
/// kept); `None` when `v` is not one flat flow list (`[pr] [priority]`,
/// nested brackets or braces, an unclosed quote): then it is text.
pub fn flow_list(v: &str) -> Option<Vec<String>> {
    let inner = v.trim().strip_prefix('[')?.strip_suffix(']')?;
    if inner.trim().is_empty() {
        return Some(Vec::new());
    }
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in inner.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                current.push(c);
            }
            (None, '[' | ']' | '{' | '}') => return None,
            (None, ',') => items.push(unquote(&std::mem::take(&mut current))?),
            (None, c) => current.push(c),
        }
    }
    if quote.is_some() {
        return None;
    }
    items.push(unquote(&current)?);
    // `[a, b,]`: YAML drops the empty item after a trailing comma.
    if items.last().is_some_and(|i| i.is_empty()) && current.trim().is_empty() {
        items.pop();
    }
    Some(items)
}

fn text(s: &str) -> Option<Value> {
    unquote(s).map(Value::String)
}

/// `key: value` or `key:`; keys are letters, digits, `_`, `-`, `.`.
fn key_value(t: &str) -> Option<(&str, &str)> {
    let (key, value) = match t.split_once(": ") {
        Some((k, v)) => (k, v),
        None => (t.strip_suffix(':')?, ""),
    };
    let key = key.trim();
    let ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    ok.then_some((key, value.trim()))
}

/// Removes quotes around the whole value; `None` for a quote that is
/// opened and never closed (`"unterminated`): that is not a value anyone
/// meant, so the frontmatter is unreadable rather than loaded with it.
fn unquote(v: &str) -> Option<String> {
    let v = v.trim();
    if v.len() >= 2 {
        if let Some(inner) = v.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            return Some(inner.replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        if let Some(inner) = v.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
            return Some(inner.replace("''", "'"));
        }
    }
    if v.starts_with(['"', '\'']) {
        return None;
    }
    Some(v.to_string())
}

fn finish(map: &mut Mapping, current: Option<(String, Pending)>) {
    let Some((key, pending)) = current else {
        return;
    };
    let value = match pending {
        Pending::Empty => Value::Null,
        Pending::Text(s) => Value::String(s),
        Pending::List(items) => Value::Sequence(items),
        Pending::Map(m) => Value::Mapping(m),
        Pending::Block { literal, lines } => {
            let joined = if literal {
                lines.join("\n")
            } else {
                lines.join(" ")
            };
            Value::String(joined.trim().to_string())
        }
    };
    // The first occurrence of a key wins, as YAML would have refused both.
    if !map.contains_key(key.as_str()) {
        map.insert(Value::String(key), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(m: &'a Mapping, k: &str) -> &'a Value {
        m.get(k).unwrap_or(&Value::Null)
    }

    #[test]
    fn colon_in_value_is_kept() {
        let m = parse_lines("name: a\ndescription: Use this: for x\n").unwrap();
        assert_eq!(
            get(&m, "description"),
            &Value::String("Use this: for x".into())
        );
    }

    #[test]
    fn lists_maps_blocks_and_continuations() {
        let m = parse_lines(
            "name: 'q'\ndescription: first\n  second\ntags:\n  - a\n  - \"b\"\nmetadata:\n  keywords: x, y\nbody: |\n  one\n  two\n",
        )
        .unwrap();
        assert_eq!(get(&m, "name"), &Value::String("q".into()));
        assert_eq!(
            get(&m, "description"),
            &Value::String("first second".into())
        );
        assert_eq!(get(&m, "tags").as_sequence().map(|s| s.len()), Some(2));
        assert_eq!(
            get(&m, "metadata").get("keywords"),
            Some(&Value::String("x, y".into()))
        );
        assert_eq!(get(&m, "body"), &Value::String("one\ntwo".into()));
    }

    #[test]
    fn flow_lists_are_lists() {
        let m = parse_lines(
            "description: Use it when: x\ntools: [\"Read\", 'Grep', Glob]\nhint: [pr] [priority]\nnone: []\n",
        )
        .unwrap();
        let tools = ["Read", "Grep", "Glob"].map(|t| Value::String(t.into()));
        assert_eq!(get(&m, "tools"), &Value::Sequence(tools.to_vec()));
        assert_eq!(get(&m, "hint"), &Value::String("[pr] [priority]".into()));
        assert_eq!(get(&m, "none"), &Value::Sequence(Vec::new()));
        assert_eq!(
            flow_list(r#"["Bash(a:*)", "x, y"]"#),
            Some(vec!["Bash(a:*)".to_string(), "x, y".to_string()])
        );
        assert_eq!(flow_list("[a, [b]]"), None);
        assert_eq!(flow_list("[\"open]"), None);
    }

    #[test]
    fn other_lines_are_refused() {
        let m = parse_lines_joining(
            "name: a\ndescription: Use it. Examples:\n\n<example>\nContext: x\nuser: \"do\"\n</example>\nmodel: sonnet\n",
            &["name", "description", "model"],
        )
        .unwrap();
        assert_eq!(
            m.get("description").and_then(Value::as_str),
            Some("Use it. Examples: <example> Context: x user: \"do\" </example>")
        );
        assert_eq!(m.get("model").and_then(Value::as_str), Some("sonnet"));
        assert!(parse_lines("just some words\n").is_none());
        // A quote never closed is not a value: no garbage description.
        assert!(parse_lines("name: a\ndescription: \"unterminated\n").is_none());
        assert!(parse_lines("name: a\ntags:\n  - 'open\n").is_none());
        assert!(parse_lines("name: a\n{broken\n").is_none());
        assert!(parse_lines("").is_none());
        assert!(parse_lines("  indented: first\n").is_none());
    }
}
