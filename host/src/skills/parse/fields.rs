//! From the frontmatter mapping to the fields of a [`Skill`](crate::skills::Skill),
//! leniently: numbers and booleans become text as written, lists of text
//! are joined, unknown keys are kept.

use std::collections::BTreeMap;

use crate::skills::yaml::{Mapping, Value};

use super::ParseError;
use crate::skills::names::{self, MAX_DESCRIPTION_CHARS};

/// Keys quire reads; any other key is kept in `extra` with a warning.
pub const KNOWN_KEYS: &[&str] = &[
    "name",
    "description",
    "license",
    "compatibility",
    "allowed-tools",
    "metadata",
    "when_to_use",
    "disable-model-invocation",
    "user-invocable",
];

/// Keys quire does not read but knows: kept in `extra` without a warning
/// (`version`, which every skill of Anthropic's plugins carries).
const KEPT_QUIETLY: &[&str] = &["version"];

pub struct Fields {
    pub name: String,
    pub description: String,
    pub when_to_use: Option<String>,
    pub keywords: Vec<String>,
    pub license: Option<String>,
    pub compatibility: Option<String>,
    pub allowed_tools: Vec<String>,
    pub metadata: BTreeMap<String, String>,
    pub disable_model_invocation: bool,
    pub user_invocable: bool,
    pub extra: BTreeMap<String, serde_json::Value>,
}

pub fn extract(
    map: &Mapping,
    front: &str,
    folder: &str,
    warnings: &mut Vec<String>,
) -> Result<Fields, ParseError> {
    let get = |k: &str| map.get(k).filter(|v| !v.is_null());
    let description = match get("description") {
        None => {
            return Err(ParseError(
                "no description: add 'description:' saying what the skill does and when to use it"
                    .into(),
            ));
        }
        Some(Value::Sequence(items)) => {
            warnings.push("description is a YAML list; its items were joined with spaces".into());
            join(items)
        }
        Some(Value::Mapping(_)) => {
            return Err(ParseError(
                "description is a mapping, not text: write it as one line of text".into(),
            ));
        }
        Some(v) => scalar(v, "description", front, warnings),
    };
    let description = description.trim().to_string();
    if description.is_empty() {
        return Err(ParseError(
            "empty description: say what the skill does and when to use it".into(),
        ));
    }
    let chars = description.chars().count();
    if chars > MAX_DESCRIPTION_CHARS {
        warnings.push(format!(
            "description is {chars} characters; the spec allows {MAX_DESCRIPTION_CHARS}"
        ));
    }
    let name = name(get("name"), front, folder, warnings);
    let metadata_value = get("metadata");
    let (metadata, keywords) = metadata(metadata_value, warnings);
    let mut extra = BTreeMap::new();
    let mut unknown = Vec::new();
    for (k, v) in map {
        let key = key_text(k);
        if !KNOWN_KEYS.contains(&key.as_str()) {
            if !KEPT_QUIETLY.contains(&key.as_str()) {
                unknown.push(key.clone());
            }
            extra.insert(key, to_json(v));
        }
    }
    if metadata_value.is_some_and(|m| !m.is_mapping()) {
        extra.insert(
            "metadata".into(),
            metadata_value.map(to_json).unwrap_or_default(),
        );
    }
    if !unknown.is_empty() {
        let more = unknown.len().saturating_sub(10);
        unknown.truncate(10);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        warnings.push(format!(
            "unknown frontmatter keys kept: {}{more}",
            unknown.join(", ")
        ));
    }
    Ok(Fields {
        name,
        description,
        when_to_use: get("when_to_use").map(|v| any_text(v, "when_to_use", front, warnings)),
        keywords,
        license: get("license").map(|v| any_text(v, "license", front, warnings)),
        compatibility: get("compatibility").map(|v| any_text(v, "compatibility", front, warnings)),
        allowed_tools: get("allowed-tools").map(tool_list).unwrap_or_default(),
        metadata,
        disable_model_invocation: flag(
            get("disable-model-invocation"),
            "disable-model-invocation",
            false,
            warnings,
        ),
        user_invocable: flag(get("user-invocable"), "user-invocable", true, warnings),
        extra,
    })
}

fn name(value: Option<&Value>, front: &str, folder: &str, warnings: &mut Vec<String>) -> String {
    let name = match value {
        Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => {
            if v.is_number() {
                warnings.push("name is written as a number; read as text".into());
            }
            scalar(v, "name", front, &mut Vec::new()).trim().to_string()
        }
        Some(_) => {
            warnings.push(format!(
                "name is not text; using the folder name '{folder}'"
            ));
            folder.to_string()
        }
        None => {
            warnings.push(format!("no name; using the folder name '{folder}'"));
            folder.to_string()
        }
    };
    if name.is_empty() {
        warnings.push(format!("empty name; using the folder name '{folder}'"));
        return folder.to_string();
    }
    let problems = names::name_problems(&name, None);
    if !problems.is_empty() {
        warnings.push(format!(
            "name '{name}' does not follow the spec: {}",
            problems.join("; ")
        ));
    }
    if names::nfkc(&name) != names::nfkc(folder) {
        warnings.push(format!(
            "name '{name}' does not match its folder '{folder}'"
        ));
    }
    name
}

/// `metadata` as text values, and `metadata.keywords`.
fn metadata(
    value: Option<&Value>,
    warnings: &mut Vec<String>,
) -> (BTreeMap<String, String>, Vec<String>) {
    let mut out = BTreeMap::new();
    let mut keywords = Vec::new();
    match value {
        None => {}
        Some(Value::Mapping(m)) => {
            for (k, v) in m {
                let key = key_text(k);
                if key == "keywords" {
                    keywords = match v {
                        Value::Sequence(items) => items.iter().map(plain).collect(),
                        other => split_words(&plain(other)),
                    };
                    keywords.retain(|k| !k.is_empty());
                }
                out.insert(key, plain(v));
            }
        }
        Some(_) => warnings.push("metadata is not a mapping of key: value; ignored".into()),
    }
    (out, keywords)
}

/// Comma-separated when there is a comma, else space-separated.
fn split_words(s: &str) -> Vec<String> {
    let parts: Vec<&str> = if s.contains(',') {
        s.split(',').collect()
    } else {
        s.split_whitespace().collect()
    };
    parts.iter().map(|p| p.trim().to_string()).collect()
}

/// `allowed-tools`: a list, or a string of tools separated by spaces or
/// commas (spaces inside parentheses, as in `Bash(git status:*)`, kept).
fn tool_list(value: &Value) -> Vec<String> {
    if let Value::Sequence(items) = value {
        return items.iter().map(plain).filter(|s| !s.is_empty()).collect();
    }
    let s = plain(value);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && (c.is_whitespace() || c == ',') {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn flag(value: Option<&Value>, key: &str, default: bool, warnings: &mut Vec<String>) -> bool {
    match value {
        None => default,
        Some(Value::Bool(b)) => *b,
        Some(other) => match plain(other).trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => true,
            "false" | "no" | "off" => false,
            text => {
                warnings.push(format!(
                    "{key} should be true or false, not '{text}'; using {default}"
                ));
                default
            }
        },
    }
}

/// Text of a scalar, or of a list (joined), or JSON text with a warning.
fn any_text(v: &Value, key: &str, front: &str, warnings: &mut Vec<String>) -> String {
    match v {
        Value::Sequence(items) => {
            warnings.push(format!(
                "{key} is a YAML list; its items were joined with spaces"
            ));
            join(items)
        }
        Value::Mapping(_) => {
            warnings.push(format!("{key} is a mapping, not text; kept as JSON text"));
            to_json(v).to_string()
        }
        v => scalar(v, key, front, warnings),
    }
}

/// A scalar as the author wrote it: numbers and booleans keep their
/// original text (`0123` stays `0123`) when the line can be found.
fn scalar(v: &Value, key: &str, front: &str, warnings: &mut Vec<String>) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(_) | Value::Bool(_) => {
            if key != "name" {
                let kind = if v.is_number() {
                    "a number"
                } else {
                    "true or false"
                };
                warnings.push(format!("{key} is written as {kind}; read as text"));
            }
            raw_value(front, key).unwrap_or_else(|| plain(v))
        }
        other => plain(other),
    }
}

/// The text after `key:` on its line at column 0, without a trailing
/// comment or surrounding quotes.
pub fn raw_value(front: &str, key: &str) -> Option<String> {
    front.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.trim_start().strip_prefix(':')?;
        let rest = rest.split(" #").next().unwrap_or("").trim();
        let rest = rest.trim_matches(|c| c == '"' || c == '\'');
        (!rest.is_empty()).then(|| rest.to_string())
    })
}

fn join(items: &[Value]) -> String {
    items
        .iter()
        .map(|i| plain(i).trim().to_string())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Scalars as text (numbers as written); anything else as JSON text.
fn plain(v: &Value) -> String {
    v.text()
}

fn key_text(k: &Value) -> String {
    k.text()
}

fn to_json(v: &Value) -> serde_json::Value {
    v.to_json()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_split_on_space_and_comma_outside_parentheses() {
        let v = Value::String("Read, Grep Bash(git status:*)".into());
        assert_eq!(tool_list(&v), vec!["Read", "Grep", "Bash(git status:*)"]);
    }

    #[test]
    fn raw_value_keeps_the_written_text() {
        assert_eq!(
            raw_value("name: 0123 # c\n", "name").as_deref(),
            Some("0123")
        );
        assert_eq!(raw_value("other: 1\n", "name"), None);
    }

    #[test]
    fn keywords_from_text_or_list() {
        let mut w = Vec::new();
        let m = crate::skills::yaml::from_str("keywords: pdf, forms\nowner: me").unwrap();
        let (meta, kw) = metadata(Some(&m), &mut w);
        assert_eq!(kw, vec!["pdf", "forms"]);
        assert_eq!(meta.get("owner").map(String::as_str), Some("me"));
        let m = crate::skills::yaml::from_str("keywords: [a, b]").unwrap();
        assert_eq!(metadata(Some(&m), &mut w).1, vec!["a", "b"]);
    }
}
