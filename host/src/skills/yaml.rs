//! The one YAML reading of skill frontmatter, shared by the loader
//! (`parse`), the validator (`validate`) and `quire mcp serve`: yaml-rust2's
//! event parser builds a [`Value`] in the order written, numbers kept as
//! written, duplicate keys an error (with the line), aliases resolved.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number, as written (`0123`, `1.5`, `1e3`).
    Number(String),
    String(String),
    Sequence(Vec<Value>),
    Mapping(Mapping),
}

/// A mapping in the order written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping(Vec<(Value, Value)>);

impl Mapping {
    pub fn new() -> Mapping {
        Mapping::default()
    }

    /// The value of the text key `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` (replacing its value where it is, else at the end).
    pub fn insert(&mut self, key: Value, value: Value) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.into_iter()
    }
}

impl IntoIterator for Mapping {
    type Item = (Value, Value);
    type IntoIter = std::vec::IntoIter<(Value, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Mapping {
    type Item = (&'a Value, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Value, Value)>,
        fn(&'a (Value, Value)) -> (&'a Value, &'a Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    pub fn is_mapping(&self) -> bool {
        matches!(self, Value::Mapping(_))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Sequence(s) => Some(s),
            _ => None,
        }
    }

    /// The value of `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Mapping(m) => m.get(key),
            _ => None,
        }
    }

    /// A scalar as written; collections as JSON text.
    pub fn text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) | Value::String(n) => n.clone(),
            other => other.to_json().to_string(),
        }
    }

    /// As JSON: keys as text, numbers JSON cannot hold as null.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => number_json(n),
            Value::String(s) => J::String(s.clone()),
            Value::Sequence(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Mapping(m) => {
                J::Object(m.iter().map(|(k, v)| (k.text(), v.to_json())).collect())
            }
        }
    }
}

fn number_json(n: &str) -> serde_json::Value {
    if let Ok(i) = n.parse::<i64>() {
        return i.into();
    }
    if let Ok(u) = n.parse::<u64>() {
        return u.into();
    }
    n.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// Why the text is not YAML, with where (1-based, in the text given).
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl YamlError {
    fn at(message: impl Into<String>, mark: Marker) -> YamlError {
        YamlError {
            message: message.into(),
            line: mark.line(),
            column: mark.col() + 1,
        }
    }

    /// One line, with the line and column in the file when the text
    /// started on the file's line `first_line`.
    pub fn in_file(&self, first_line: usize) -> String {
        format!(
            "{} (line {}, column {})",
            self.message,
            self.line + first_line - 1,
            self.column
        )
    }
}

/// Parses one YAML document (empty text is [`Value::Null`]).
pub fn from_str(text: &str) -> Result<Value, YamlError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser
        .load(&mut builder, false)
        .map_err(|e| YamlError::at(e.info(), *e.marker()))?;
    if let Some(e) = builder.error {
        return Err(e);
    }
    Ok(builder.done.unwrap_or(Value::Null))
}

enum Frame {
    Seq(usize, Vec<Value>),
    /// Anchor, the mapping, and a key waiting for its value.
    Map(usize, Mapping, Option<Value>),
}

/// Values that aliases may add in all; more is refused (a "billion
/// laughs" document would otherwise expand exponentially).
const MAX_ALIAS_VALUES: usize = 10_000;

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    /// Each anchored value with its number of values.
    anchors: HashMap<usize, (Value, usize)>,
    /// Values added by aliases so far.
    expanded: usize,
    done: Option<Value>,
    error: Option<YamlError>,
}

/// The number of values in `v`, itself included.
fn size(v: &Value) -> usize {
    match v {
        Value::Sequence(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Mapping(m) => 1 + m.iter().map(|(k, v)| size(k) + size(v)).sum::<usize>(),
        _ => 1,
    }
}

impl Builder {
    fn fail(&mut self, message: impl Into<String>, mark: Marker) {
        if self.error.is_none() {
            self.error = Some(YamlError::at(message, mark));
        }
    }

    fn push_value(&mut self, value: Value, anchor: usize, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        if anchor > 0 {
            let n = size(&value);
            self.anchors.insert(anchor, (value.clone(), n));
        }
        match self.stack.last_mut() {
            None => {
                if self.done.is_none() {
                    self.done = Some(value);
                }
            }
            Some(Frame::Seq(_, items)) => items.push(value),
            Some(Frame::Map(_, map, pending)) => match pending.take() {
                None => {
                    if self.error.is_none() && map.0.iter().any(|(k, _)| *k == value) {
                        self.error = Some(YamlError::at(
                            format!("duplicate entry with key \"{}\"", value.text()),
                            mark,
                        ));
                    }
                    *pending = Some(value);
                }
                Some(key) => map.insert(key, value),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let as_text =
                    style != TScalarStyle::Plain || tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if as_text {
                    Value::String(text)
                } else {
                    resolve(text)
                };
                self.push_value(value, anchor, mark);
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq(anchor, Vec::new())),
            Event::MappingStart(anchor, _) => {
                self.stack.push(Frame::Map(anchor, Mapping::new(), None))
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, value) = match self.stack.pop() {
                    Some(Frame::Seq(a, items)) => (a, Value::Sequence(items)),
                    Some(Frame::Map(a, map, _)) => (a, Value::Mapping(map)),
                    None => return,
                };
                self.push_value(value, anchor, mark);
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some((_, n)) if self.expanded + n > MAX_ALIAS_VALUES => self.fail(
                    format!(
                        "repetition limit exceeded: the aliases expand to more than {MAX_ALIAS_VALUES} values"
                    ),
                    mark,
                ),
                Some((v, n)) => {
                    let v = v.clone();
                    self.expanded += n;
                    self.push_value(v, 0, mark);
                }
                None => self.fail("unknown anchor", mark),
            },
            _ => {}
        }
    }
}

/// A plain scalar's type, as YAML 1.2's core schema reads it.
fn resolve(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "-.inf" | ".nan" | ".NaN" | ".NAN" => {
            return Value::Number(text);
        }
        _ => {}
    }
    let digits = text.strip_prefix(['+', '-']).unwrap_or(&text);
    let int = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let radix = ["0x", "0o"].iter().any(|p| {
        text.strip_prefix(p)
            .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    let float = digits.contains(['.', 'e', 'E'])
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits.parse::<f64>().is_ok();
    if int || radix || float {
        Value::Number(text)
    } else {
        Value::String(text)
    }
}

#[cfg(test)]
#[path = "yaml_tests.rs"]
mod tests;
