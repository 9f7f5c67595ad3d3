//! Frontmatter read the way the reference validator reads it (strictyaml):
//! every scalar is text as written, and flow style (`[a, b]`, `{a: b}`),
//! anchors, aliases, tags and duplicate keys are errors.

use std::collections::BTreeMap;

use crate::skills::yaml::{self as yaml_doc, Value};

use crate::skills::parse::{self, raw_value};

/// A frontmatter value with every scalar as text.
#[derive(Debug, Clone, PartialEq)]
pub enum StrictValue {
    Text(String),
    List(Vec<StrictValue>),
    Map(BTreeMap<String, StrictValue>),
}

impl StrictValue {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            StrictValue::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// A mapping and the constructs in it that the reference validator
/// refuses although they are valid YAML (flow style, anchors, tags).
pub type Strict = (BTreeMap<String, StrictValue>, Vec<Refusal>);

/// A construct strictyaml refuses in valid YAML: the problem, and the
/// top-level field it is in (Claude Code reads `argument-hint: [name]`
/// as the text a user sees, and a plugin's skills may write it so).
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub field: Option<String>,
    pub problem: String,
}

/// Parses `front` into a mapping, or the error message. What is valid YAML
/// but refused by strictyaml comes back as problems beside the mapping, so
/// that it is not called invalid YAML and the other checks still run.
pub fn parse_strict(front: &str) -> Result<Strict, String> {
    if front.len() > parse::MAX_FRONTMATTER_BYTES {
        return Err(format!(
            "SKILL.md frontmatter is {} bytes; the limit is {}",
            front.len(),
            parse::MAX_FRONTMATTER_BYTES
        ));
    }
    let refused = disallowed(front);
    let parsed = parse::yaml_guard(front)
        .and_then(|()| yaml_doc::from_str(front).map_err(|e| parse::yaml_error_text(&e)));
    let value: Value = parsed.map_err(|why| {
        // Not readable anyway; tabs and the construct strictyaml refuses
        // are the clearer causes: all of them are named.
        let mut causes = parse::tab_problems(front);
        causes.extend(refused.first().map(|r| r.problem.clone()));
        if causes.is_empty() {
            causes.push(why);
        }
        format!("Invalid YAML in frontmatter: {}", causes.join("; "))
    })?;
    let Value::Mapping(map) = value else {
        return Err("SKILL.md frontmatter must be a YAML mapping".into());
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let key = scalar_text(&k);
        let value = match &v {
            Value::Number(_) | Value::Bool(_) | Value::Null => {
                StrictValue::Text(raw_value(front, &key).unwrap_or_else(|| scalar_text(&v)))
            }
            other => convert(other),
        };
        out.insert(key, value);
    }
    let style = refused
        .into_iter()
        .map(|r| Refusal {
            problem: format!("{}; it is valid YAML, but the reference validator skills-ref (strictyaml) refuses it", r.problem),
            field: r.field,
        })
        .collect();
    Ok((out, style))
}

fn convert(v: &Value) -> StrictValue {
    match v {
        Value::Sequence(items) => StrictValue::List(items.iter().map(convert).collect()),
        Value::Mapping(m) => StrictValue::Map(
            m.iter()
                .map(|(k, v)| (scalar_text(k), convert(v)))
                .collect(),
        ),
        other => StrictValue::Text(scalar_text(other)),
    }
}

fn scalar_text(v: &Value) -> String {
    v.text()
}

/// The constructs strictyaml refuses, each with its line and field.
fn disallowed(front: &str) -> Vec<Refusal> {
    // Lines more indented than this belong to a block scalar (`|`, `>`)
    // or continue a plain scalar, and are text.
    let mut text_indent: Option<usize> = None;
    let mut out = Vec::new();
    let mut field: Option<String> = None;
    for (i, line) in front.lines().enumerate() {
        let n = i + 2; // Line 1 of the file is the opening ---.
        let indent = line.len() - line.trim_start().len();
        let t = line.trim();
        if let Some(b) = text_indent {
            if t.is_empty() || indent > b {
                continue;
            }
            text_indent = None;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let mut value = t;
        while let Some(rest) = value.strip_prefix("- ") {
            value = rest.trim_start();
        }
        let mut refuse = |what: String, field: &Option<String>| {
            out.push(Refusal {
                field: field.clone(),
                problem: what,
            })
        };
        if let Some((key, rest)) = split_key(value) {
            if indent == 0 && value.len() == t.len() {
                field = Some(key.trim_matches(['"', '\'']).to_string());
            }
            if key.starts_with(['&', '*', '!', '[', '{']) {
                refuse(what(key, n), &field);
                continue;
            }
            value = rest;
        }
        if value.starts_with(['[', '{', '&', '*', '!']) {
            refuse(what(value, n), &field);
            continue;
        }
        if !value.is_empty() && !value.starts_with('#') {
            text_indent = Some(indent);
        }
    }
    out
}

/// `key: rest` when `value` starts with an unquoted mapping key.
fn split_key(value: &str) -> Option<(&str, &str)> {
    if value.starts_with(['"', '\'']) {
        return None;
    }
    let (k, rest) = value.split_once(':')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((k, rest.trim_start()))
}

fn what(value: &str, line: usize) -> String {
    let kind = match value.chars().next() {
        Some('[') => "flow-style sequences ([a, b]) are not allowed; write one '- item' per line",
        Some('{') => {
            "flow-style mappings ({a: b}) are not allowed; write one 'key: value' per line"
        }
        Some('&') => "anchors (&name) are not allowed",
        Some('*') => "aliases (*name) are not allowed",
        _ => "tags (!tag) are not allowed",
    };
    format!("{kind} (line {line})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> StrictValue {
        StrictValue::Text(s.into())
    }

    #[test]
    fn scalars_are_text_as_written() {
        let (m, _) =
            parse_strict("name: 0123\ndescription: true\nlicense: ~\ncompatibility:\n").unwrap();
        assert_eq!(m["name"], text("0123"));
        assert_eq!(m["description"], text("true"));
        assert_eq!(m["license"], text("~"));
        assert_eq!(m["compatibility"], text(""));
    }

    #[test]
    fn strictyaml_refusals_of_valid_yaml_are_not_called_invalid() {
        for (front, want) in [
            (
                "name: a\nallowed-tools: [Bash, Read]\n",
                "flow-style sequences",
            ),
            ("name: a\nmetadata: {a: b}\n", "flow-style mappings"),
            ("name: &x a\ndescription: *x\n", "anchors"),
            ("name: !!str a\n", "tags"),
        ] {
            let (map, style) = parse_strict(front).unwrap();
            assert_eq!(map["name"], text("a"), "{front:?}");
            assert!(!style.is_empty(), "{front:?}");
            assert!(!style[0].problem.contains("Invalid YAML"), "{style:?}");
            assert!(style[0].problem.contains(want), "{front:?}: {style:?}");
        }
        for (front, want) in [
            ("name: a\nname: b\n", "duplicate"),
            ("name: a\ndescription: Use this: for x\n", "mapping values"),
            ("name: a\ndescription: \"unterminated\n", "Invalid YAML"),
        ] {
            let e = parse_strict(front).unwrap_err();
            assert!(e.starts_with("Invalid YAML in frontmatter:"), "{e}");
            assert!(e.contains(want), "{front:?}: {e}");
        }
    }

    #[test]
    fn each_refusal_names_its_field() {
        let (_, style) =
            parse_strict("name: a\nargument-hint: [name]\nhooks:\n  x: {a: b}\nmetadata: {a: b}\n")
                .unwrap();
        let fields: Vec<Option<&str>> = style.iter().map(|r| r.field.as_deref()).collect();
        assert_eq!(
            fields,
            [Some("argument-hint"), Some("hooks"), Some("metadata")]
        );
    }

    #[test]
    fn continuation_lines_are_text() {
        let (m, _) =
            parse_strict("name: a\ndescription: long text\n  [note] more\nlicense: MIT\n").unwrap();
        assert_eq!(m["description"], text("long text [note] more"));
        let (_, style) = parse_strict("name: a\nx:\n  [1, 2]\n").unwrap();
        assert!(
            style[0].problem.contains("flow-style sequences"),
            "{style:?}"
        );
    }

    #[test]
    fn block_scalars_and_quotes_are_not_flow() {
        let (m, style) =
            parse_strict("name: a\ndescription: |\n  [not flow]\n  {nor this}\nlicense: '[x]'\n")
                .unwrap();
        assert!(style.is_empty(), "{style:?}");
        assert_eq!(m["description"], text("[not flow]\n{nor this}\n"));
        assert_eq!(m["license"], text("[x]"));
    }

    #[test]
    fn not_a_mapping() {
        assert_eq!(
            parse_strict("- a\n").unwrap_err(),
            "SKILL.md frontmatter must be a YAML mapping"
        );
        assert!(parse_strict("").is_err());
    }
}
