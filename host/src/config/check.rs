//! Checking one config layer on its own, so that a problem is reported
//! where it was written: a file and line, an environment variable, or a
//! `-c` override. Unknown keys get a "did you mean" (see
//! [`crate::suggest`]); values of the wrong kind get a human sentence
//! (`tool_output_limit must be a whole number, got "abc"`); keys with a
//! range share one sentence (see [`super::ranges`]).

use std::path::Path;

use toml::{Table, Value};

use super::bracket_shape::{a_table_for_a_value, header_for_a_value};
use super::{Config, ConfigError};
use crate::suggest;

/// Where a layer came from.
pub(super) enum Origin<'a> {
    File {
        path: &'a Path,
        text: &'a str,
    },
    Env(&'a str),
    Override(&'a str),
    /// `[profiles.NAME]` of the file at `path` (your config.toml),
    /// chosen by `--profile` or `profile = "NAME"`.
    Profile {
        name: &'a str,
        path: &'a Path,
        text: &'a str,
    },
}

impl Origin<'_> {
    fn label(&self, line: Option<usize>) -> String {
        match (self, line) {
            (Origin::File { path, .. }, Some(n)) => format!("{}:{n}", path.display()),
            (Origin::File { path, .. }, None) => path.display().to_string(),
            (Origin::Env(var), _) => (*var).to_string(),
            (Origin::Override(o), _) => format!("-c {o}"),
            (Origin::Profile { path, .. }, Some(n)) => format!("{}:{n}", path.display()),
            (Origin::Profile { name, path, .. }, None) => {
                format!("{} [profiles.{name}]", path.display())
            }
        }
    }

    /// Where the key at `path` was set: its file and line, the
    /// environment variable, or the `-c` override.
    pub(super) fn at(&self, path: &[String]) -> String {
        self.label(self.line(path))
    }

    /// The line of the key at `path` in the file the layer is from.
    fn line(&self, path: &[String]) -> Option<usize> {
        match self {
            Origin::File { text, .. } => {
                line_of(text, &path.iter().map(String::as_str).collect::<Vec<_>>())
            }
            Origin::Profile { name, text, .. } => {
                let mut full = vec!["profiles", name];
                full.extend(path.iter().map(String::as_str));
                line_of(text, &full)
            }
            _ => None,
        }
    }

    /// [`Origin::at`], with a `-c` override shown without its value (a
    /// secret written where a name belongs is not repeated).
    pub(super) fn at_hiding_value(&self, path: &[String]) -> String {
        match self {
            Origin::Override(o) => {
                let key = o.split_once('=').map(|(k, _)| k.trim()).unwrap_or(o);
                format!("-c {key}=…")
            }
            _ => self.at(path),
        }
    }
}

/// The top-level keys config.toml knows.
pub fn top_level_keys() -> Vec<String> {
    match serde_json::to_value(Config::default()) {
        Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Checks the config as merged up to and including the layer `own` (the
/// layers before it passed this check, so a problem is this layer's).
/// Unknown keys of `own` in a file are warnings (pushed to `warnings`); in
/// a `-c` override they are an error. A value of the wrong kind is an
/// error naming where it was set.
pub(super) fn layer(
    merged: &Table,
    own: &Table,
    origin: &Origin<'_>,
    warnings: &mut Vec<String>,
) -> Result<(), ConfigError> {
    let mut unknown = Vec::new();
    let parsed: Result<Config, _> = serde_ignored::deserialize(Value::Table(merged.clone()), |p| {
        let p = p.to_string();
        let first = p.split('.').next().unwrap_or("");
        if own.contains_key(first) {
            unknown.push(p);
        }
    });
    let config = match parsed {
        Ok(c) => c,
        Err(e) => {
            return Err(ConfigError::Invalid(describe_error(
                &e.to_string(),
                origin,
                own,
            )));
        }
    };
    // Layers before this one passed: a value out of range is this one's.
    if let Err((key, message)) = ranges(&config) {
        let path: Vec<String> = key.split('.').map(str::to_string).collect();
        return Err(ConfigError::Invalid(format!(
            "{}: {message}",
            origin.at(&path)
        )));
    }
    let known = top_level_keys();
    // Said in the order of the file's lines.
    let mut said: Vec<(Option<usize>, String)> = Vec::new();
    for key in unknown {
        let flag = matches!(origin, Origin::Override(_));
        let hint = super::misplaced_provider_key::hint(&key, &config.provider, flag)
            .unwrap_or_else(|| suggest::did_you_mean(&key, known.iter().map(String::as_str)));
        if flag {
            return Err(ConfigError::Invalid(format!(
                "{}: unknown config key '{key}'{hint}",
                origin.label(None)
            )));
        }
        let path: Vec<String> = key.split('.').map(str::to_string).collect();
        let line = origin.line(&path);
        said.push((
            line,
            format!(
                "{}: unknown config key '{key}' is ignored{hint}",
                origin.label(line)
            ),
        ));
    }
    said.sort_by_key(|(line, _)| *line);
    warnings.extend(said.into_iter().map(|(_, w)| w));
    Ok(())
}

/// Values of the right type that still make no sense: the key and why.
pub(super) fn ranges(c: &Config) -> Result<(), (String, String)> {
    super::ranges::check(c)?;
    if !(0.1..=1.0).contains(&c.compact_threshold) {
        return Err((
            "compact_threshold".into(),
            format!(
                "compact_threshold must be between 0.1 and 1.0, got {}",
                c.compact_threshold
            ),
        ));
    }
    if let Some(w) = c.model_context_window.filter(|w| *w < 512) {
        return Err((
            "model_context_window".into(),
            format!("model_context_window must be at least 512 tokens, got {w}"),
        ));
    }
    if c.tool_output_limit < 256 {
        return Err((
            "tool_output_limit".into(),
            format!(
                "tool_output_limit must be at least 256 bytes (the model would see no output), got {}",
                c.tool_output_limit
            ),
        ));
    }
    Ok(())
}

/// Keys whose value is one of a few words, and the words.
const CHOICES: &[(&str, &[&str])] = &[
    ("approval", &["never", "on-request", "untrusted"]),
    (
        "sandbox",
        &["read-only", "workspace-write", "danger-full-access"],
    ),
    ("wire_api", &["responses", "chat", "anthropic"]),
];

/// "KEY must be one of …, got VALUE" when `key` takes one of a few words
/// and serde's message (`wanted string or table`) says it got something
/// else.
fn choice_error(message: &str, key: &str, got: &str) -> Option<String> {
    if !(message.contains("string or table") || message.contains("string only")) {
        return None;
    }
    let last = key.rsplit('.').next().unwrap_or(key);
    let (_, words) = CHOICES.iter().find(|(k, _)| *k == last)?;
    Some(format!(
        "{key} must be one of {}, got {}",
        words.join(", "),
        got.trim()
    ))
}

/// The error of a layer that does not deserialize, with where it is.
fn describe_error(fallback: &str, origin: &Origin<'_>, own: &Table) -> String {
    match origin {
        Origin::File { text, .. } => match located(text) {
            Some((line, message)) => format!("{}: {message}", origin.label(line)),
            None => format!("{}: {}", origin.label(None), first_line(fallback)),
        },
        Origin::Profile { .. } => {
            // The profile's table written out on its own reads as a top-level
            // config: its error is placed there, then at the profile's line.
            let own = toml::to_string(own).ok();
            match own.as_deref().and_then(|own| {
                located(own).map(|(n, message)| {
                    let line = n.and_then(|n| origin.line(&key_path_at(own, n)));
                    (line, message)
                })
            }) {
                Some((line, message)) => format!("{}: {message}", origin.label(line)),
                None => format!(
                    "{}: {}",
                    origin.label(None),
                    humanize(first_line(fallback), "")
                ),
            }
        }
        Origin::Env(var) | Origin::Override(var) => {
            let key = var.split_once('=').map(|(k, _)| k.trim()).unwrap_or(var);
            let key = match origin {
                Origin::Env(_) => super::load::env_key(key).unwrap_or(key),
                _ => key,
            };
            let got = var.split_once('=').map(|(_, v)| v).unwrap_or_default();
            let message = choice_error(fallback, key, got)
                .unwrap_or_else(|| humanize(first_line(fallback), key));
            format!("{}: {message}", origin.label(None))
        }
    }
}

/// The error of config `text` read as a whole config, as a sentence, and
/// its 1-based line in `text` when known; `None` when `text` reads.
fn located(text: &str) -> Option<(Option<usize>, String)> {
    // Parsing the text again gives the span of the bad value.
    let e = toml::from_str::<Config>(text).err()?;
    // An unusable hook is refused by the deserializer of all the
    // hooks: placed at its own `[[hooks.EVENT]]` entry.
    let entry = crate::hooks::config::unusable_entry(e.message()).and_then(|(event, n)| {
        super::table_key::nth_array_table(text, &format!("hooks.{event}"), n)
            .map(|at| super::table_key::refused_line(text, at, e.message()).unwrap_or(at))
    });
    if let Some(line) = entry {
        return Some((Some(line), e.message().to_string()));
    }
    // A message naming its key as `a.b` (an unknown hook event)
    // is placed at that key rather than at the table's start.
    let named = e
        .message()
        .split('`')
        .nth(1)
        .filter(|k| k.contains('.'))
        .and_then(|k| line_of(text, &k.split('.').collect::<Vec<_>>()));
    if let Some(line) = named {
        return Some((Some(line), e.message().to_string()));
    }
    // A value refused inside `[[table]]` is spanned from the
    // table's header: its own line, when it can be found.
    let line = e
        .span()
        .map(|s| line_at(text, s.start))
        .map(|n| super::table_key::refused_line(text, n, e.message()).unwrap_or(n));
    if let Some((at, message)) = super::bracket_shape::wrong_brackets(text, line, e.message()) {
        return Some((Some(at), message));
    }
    if let Some(message) = line
        .and_then(|n| text.lines().nth(n - 1))
        .and_then(|l| header_for_a_value(l, e.message()))
    {
        return Some((line, message));
    }
    // `[sandbox]` with a key under it: serde takes the key for the word.
    if let Some((header, message)) = line.and_then(|n| choice_as_table(text, n, e.message())) {
        return Some((Some(header), message));
    }
    let key = line
        .and_then(|n| text.lines().nth(n - 1))
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .unwrap_or_default();
    let got = line
        .and_then(|n| text.lines().nth(n - 1))
        .and_then(|l| l.split_once('='))
        .map(|(_, v)| v.trim())
        .unwrap_or_default();
    let mut message =
        choice_error(e.message(), &key, got).unwrap_or_else(|| humanize(e.message(), &key));
    if message.starts_with("unknown config key")
        && let Some(n) = line
    {
        let table = table_hint(text, n);
        message.push_str(&table);
        if table.contains("providers.") {
            message.push_str(&super::misplaced_provider_key::in_table_hint(&key));
        }
    }
    Some((line, message))
}

/// The dotted key set on line `n` of `text` (or the table whose header
/// it is): its table's header parts and the key's.
fn key_path_at(text: &str, n: usize) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut path = lines
        .get(..n)
        .unwrap_or_default()
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(|h| split_key(h.trim_start_matches('[').split(']').next().unwrap_or("")))
        .unwrap_or_default();
    if let Some(l) = n.checked_sub(1).and_then(|i| lines.get(i))
        && !l.trim_start().starts_with('[')
        && let Some((k, _)) = l.split_once('=')
    {
        path.extend(split_key(k));
    }
    path
}

/// For `[sandbox]` or `[approval]` with a key under it (`mode =
/// "read-only"` on line `n`), which serde reads as the word `mode`: the
/// header's line and what to write instead.
fn choice_as_table(text: &str, n: usize, message: &str) -> Option<(usize, String)> {
    let word = message
        .strip_prefix("unknown variant `")?
        .split('`')
        .next()?;
    let lines: Vec<&str> = text.lines().collect();
    let (key, _) = lines.get(n.checked_sub(1)?)?.split_once('=')?;
    if key.trim().trim_matches(['"', '\'']) != word {
        return None;
    }
    let (at, header) = lines
        .get(..n)?
        .iter()
        .enumerate()
        .rev()
        .find(|(_, l)| l.trim_start().starts_with('['))?;
    let name = header.trim().strip_prefix('[')?.split(']').next()?.trim();
    let last = name
        .rsplit('.')
        .next()
        .unwrap_or(name)
        .trim_matches(['"', '\'']);
    CHOICES
        .iter()
        .any(|(k, _)| *k == last)
        .then(|| (at + 1, a_table_for_a_value(name)))
}

/// For an unknown key on line `n` of `text`: the table it is in, and when
/// the same line would be a right top-level key, that it must move above
/// the first table (TOML puts every key after `[table]` in that table).
/// When line `n` is a table's header (the key's own line was not found),
/// that table is named.
fn table_hint(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(table) = lines
        .get(..n)
        .unwrap_or_default()
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(header_only)
    else {
        return String::new();
    };
    let at_top = lines
        .get(n - 1)
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .is_some_and(|k| top_level_keys().contains(&k));
    if at_top {
        format!("; it is inside {table}: a top-level key must come before the file's first [table]")
    } else {
        format!(" (in {table})")
    }
}

/// A header line without what follows it (`[[hooks.Stop]] # note` is
/// `[[hooks.Stop]]`).
fn header_only(line: &str) -> &str {
    let close = if line.starts_with("[[") { "]]" } else { "]" };
    match line.find(close) {
        Some(at) => &line[..at + close.len()],
        None => line,
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The 1-based line of byte offset `at`.
fn line_at(text: &str, at: usize) -> usize {
    text.get(..at).unwrap_or(text).matches('\n').count() + 1
}

/// Serde's message as a sentence about `key`.
pub(super) fn humanize(message: &str, key: &str) -> String {
    let named = !key.is_empty();
    let key = if named { key } else { "the value" };
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((got, expected)) = rest.split_once(", expected ")
        {
            let got = shown(got);
            let quoted = super::quoted_number::hint(&got, expected, named.then_some(key));
            if let Some(range) = super::ranges::of_key(key) {
                return format!("{}{quoted}", range.message(key, &got));
            }
            // A negative number where only 0 and up fit.
            let sign = if got.starts_with('-') && expected.trim().starts_with('u') {
                ", 0 or more"
            } else {
                ""
            };
            return format!("{key} must be {}{sign}, got {got}{quoted}", kind(expected));
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((got, expected)) = rest.split_once("`, expected ")
    {
        let options = backticked(expected);
        let hint = suggest::did_you_mean(got, options.iter().map(String::as_str));
        return format!(
            "{key} must be one of {}, got \"{got}\"{hint}",
            options.join(", ")
        );
    }
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((got, expected)) = rest.split_once("`, expected ")
    {
        let options = backticked(expected);
        let hint = suggest::did_you_mean(got, options.iter().map(String::as_str));
        return format!(
            "unknown config key '{got}'{hint} (known here: {})",
            options.join(", ")
        );
    }
    // A message of quire's own that names the key already is kept as is.
    if named && !message.contains(&format!("{key} must be")) {
        format!("{key}: {message}")
    } else {
        message.to_string()
    }
}

/// `` `a`, `b` `` or `` one of `a`, `b` `` as a list.
fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Serde's name of the expected type as words.
fn kind(expected: &str) -> String {
    let t = expected.trim();
    let words = match t {
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => {
            "a whole number"
        }
        "f32" | "f64" => "a number",
        "a boolean" => "true or false",
        "a string" => "text in quotes",
        "a sequence" => "a list, [\"a\", \"b\"]",
        "a map" => "a table",
        _ if t.starts_with("struct ") => "a table",
        _ => return t.to_string(),
    };
    words.to_string()
}

/// Serde's description of the value found, as written.
fn shown(got: &str) -> String {
    for prefix in [
        "integer ",
        "boolean ",
        "floating point ",
        "string ",
        "character ",
    ] {
        if let Some(v) = got.strip_prefix(prefix) {
            return v.trim_matches('`').to_string();
        }
    }
    got.to_string()
}

/// The 1-based line where `path` (a dotted key) is set or its table
/// starts, following `[table]` headers and dotted keys.
pub fn line_of(text: &str, path: &[&str]) -> Option<usize> {
    let mut header: Vec<String> = Vec::new();
    // A header or key under the path (`[mcp_server.fs]` for an unknown
    // `mcp_server`): its line when nothing names the path itself.
    let mut under = None;
    let starts = |full: &[String]| {
        !path.is_empty() && full.len() > path.len() && full.iter().zip(path).all(|(a, b)| a == b)
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(h) = line.strip_prefix('[') {
            let h = h.trim_start_matches('[');
            let inner = h.split(']').next().unwrap_or("");
            header = split_key(inner);
            if header.iter().map(String::as_str).eq(path.iter().copied()) {
                return Some(i + 1);
            }
            under = under.or(starts(&header).then_some(i + 1));
            continue;
        }
        if let Some((k, _)) = line.split_once('=') {
            let mut full = header.clone();
            full.extend(split_key(k));
            if full.len() <= path.len()
                && full.iter().zip(path).all(|(a, b)| a == b)
                && !full.is_empty()
            {
                return Some(i + 1);
            }
            under = under.or(starts(&full).then_some(i + 1));
        }
    }
    under
}

pub(super) fn split_key(k: &str) -> Vec<String> {
    k.split('.')
        .map(|p| p.trim().trim_matches(['"', '\'']).to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
