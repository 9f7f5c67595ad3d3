//! A table written with the wrong brackets, told with the key that has
//! the wrong shape and its right form: a hook event written as one table
//! (`[hooks.PreToolUse]`, `PreToolUse = { … }`, a named
//! `[hooks.PreToolUse.x]`) where it holds a list of hooks, and
//! `[[name]]` for a table that is not a list (`[[providers.x]]`). Only
//! `hooks.EVENT` takes a list of tables in config.toml.

use toml::{Table, Value};

use super::check::{line_of, split_key};

/// For the config `text` that failed with serde's `message` at line
/// `at`: the line to name and what to write instead, when the failure is
/// a table with the wrong brackets.
pub(super) fn wrong_brackets(
    text: &str,
    at: Option<usize>,
    message: &str,
) -> Option<(usize, String)> {
    hook_event_as_table(text, message).or_else(|| list_for_a_table(text, at?))
}

/// A `hooks.EVENT` whose value is not a list.
fn hook_event_as_table(text: &str, message: &str) -> Option<(usize, String)> {
    if !(message.starts_with("invalid type:") && message.contains("expected a sequence")) {
        return None;
    }
    let table: Table = toml::from_str(text).ok()?;
    let hooks = table.get("hooks")?.as_table()?;
    let (event, value) = hooks
        .iter()
        .find(|(k, v)| k.as_str() != "claude_compat" && !v.is_array())?;
    let line = line_of(text, &["hooks", event])?;
    let written = text.lines().nth(line - 1).unwrap_or("").trim();
    let named = match value {
        Value::Table(t) => !t.is_empty() && t.values().all(Value::is_table),
        _ => false,
    };
    let shown = if written.starts_with('[') {
        header_of(written).to_string()
    } else {
        let key = written.split_once('=').map_or(written, |(k, _)| k).trim();
        format!("`{key} = …`")
    };
    let mut advice = format!(
        "{shown} makes `hooks.{event}` one table, but it holds a list of hooks: write [[hooks.{event}]] (two pairs of brackets) above each hook's keys, or `{event} = [{{ matcher = …, command = … }}]` under [hooks]"
    );
    if named {
        advice.push_str("; a hook has no name of its own");
    }
    Some((line, advice))
}

/// A `[[name]]` header (other than `[[hooks.EVENT]]`) above or at line
/// `at`: `name` is one table.
fn list_for_a_table(text: &str, at: usize) -> Option<(usize, String)> {
    let lines: Vec<&str> = text.lines().take(at).collect();
    let (index, header) = lines
        .iter()
        .enumerate()
        .rev()
        .map(|(i, l)| (i, l.trim()))
        .find(|(_, l)| l.starts_with('['))?;
    let inner = header.strip_prefix("[[")?.split("]]").next()?.trim();
    let parts = split_key(inner);
    if parts.first().is_some_and(|p| p == "hooks") {
        // `[[hooks]]` or `[[hooks.EVENT.x]]`: the list is one level down.
        let event = parts.get(1).filter(|_| parts.len() > 2);
        let advice = match event {
            Some(event) => format!(
                "[[{inner}]] is not a hook's place: write [[hooks.{event}]] (each [[hooks.{event}]] is one hook; a hook has no name of its own)"
            ),
            None if parts.len() == 1 => format!(
                "[[{inner}]] makes `hooks` a list, but it is one table of events: write [[hooks.EVENT]] for each hook (EVENT: PreToolUse, PostToolUse, Stop, …)"
            ),
            None => return None,
        };
        return Some((index + 1, advice));
    }
    Some((
        index + 1,
        format!(
            "[[{inner}]] makes `{inner}` a list of tables, but it is one table: write [{inner}] (one pair of brackets)"
        ),
    ))
}

/// For a `[name]` header where `name` takes a single value (`[provider]`
/// written like Codex's `[model_providers.x]`): what to write instead.
pub(super) fn header_for_a_value(line: &str, message: &str) -> Option<String> {
    let header = line.trim();
    if header.starts_with("[[") || !message.starts_with("invalid type: map") {
        return None;
    }
    let name = header.strip_prefix('[')?.split(']').next()?.trim();
    if message.contains("expected a sequence") {
        let (place, last) = match name.rsplit_once('.') {
            Some((parent, last)) => (format!("under [{parent}]"), last),
            None => ("above the file's first [table]".to_string(), name),
        };
        return Some(format!(
            "[{name}] makes `{name}` a table, but it takes a list: write `{last} = [\"…\", …]` {place}"
        ));
    }
    // `[profile.x]` for `[profiles.x]`: `profile` names the one to use.
    if let Some((first, rest)) = name.split_once('.')
        && (first == "profile" || first == "provider")
    {
        return Some(format!(
            "[{name}] makes `{first}` a table, but `{first}` takes a single value (the name of the {first} to use); did you mean [{first}s.{rest}]?"
        ));
    }
    Some(a_table_for_a_value(name))
}

/// What `[name]` written for the single-valued `name` is told.
pub(super) fn a_table_for_a_value(name: &str) -> String {
    let mut text = format!(
        "[{name}] makes `{name}` a table, but it takes a single value: write `{name} = …` above the file's first [table]"
    );
    if name == "provider" || name == "model_provider" {
        text.push_str(
            "; a provider's settings go in a [providers.NAME] table and `provider = \"NAME\"` picks it (README: \"A local server\")",
        );
    }
    text
}

/// `[name]` or `[[name]]` of a header line, without what follows it.
fn header_of(line: &str) -> &str {
    let close = if line.starts_with("[[") { "]]" } else { "]" };
    line.find(close)
        .map_or(line, |at| &line[..at + close.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advice(text: &str) -> Option<(usize, String)> {
        let err = toml::from_str::<super::super::Config>(text).unwrap_err();
        let at = err
            .span()
            .map(|s| text.get(..s.start).unwrap_or(text).matches('\n').count() + 1);
        wrong_brackets(text, at, err.message())
    }

    #[test]
    fn a_hook_event_written_as_one_table_names_the_event() {
        let (line, text) = advice(
            "model = \"m\"\n[hooks]\nPreToolUse = { matcher = \"shell\", command = \"echo\" }\n",
        )
        .unwrap();
        assert_eq!(line, 3);
        assert!(
            text.starts_with("`PreToolUse = …` makes `hooks.PreToolUse` one table"),
            "{text}"
        );
        assert!(text.contains("write [[hooks.PreToolUse]]"), "{text}");
        assert!(!text.contains("[[hooks]]"), "{text}");

        let (line, text) = advice("[hooks.PreToolUse.x]\ncommand = \"echo\"\n").unwrap();
        assert_eq!(line, 1);
        assert!(
            text.starts_with("[hooks.PreToolUse.x] makes `hooks.PreToolUse` one table"),
            "{text}"
        );
        assert!(text.ends_with("a hook has no name of its own"), "{text}");
    }

    #[test]
    fn double_brackets_on_a_table_say_one_pair() {
        let (line, text) =
            advice("model = \"m\"\n[[providers.other]]\nbase_url = \"http://x/v1\"\n").unwrap();
        assert_eq!(line, 2);
        assert!(
            text.contains("write [providers.other] (one pair of brackets)"),
            "{text}"
        );
        assert_eq!(
            list_for_a_table("[[hooks.Stop]]\ncommand = \"x\"\n", 2),
            None
        );
    }
}
