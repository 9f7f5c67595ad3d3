//! Codex custom prompts (`~/.codex/prompts/NAME.md`), filled as Codex
//! fills them: `$1`…`$9` and `$ARGUMENTS` from the words after the name,
//! named placeholders (`$TICKET`, `$FILE_PATH`: capitals, digits and `_`)
//! from `KEY=value` words, and `$$` as a literal `$`. A prompt with named
//! placeholders needs a value for each; without any placeholder the
//! arguments follow the body. Codex runs no shell lines in prompts, so
//! none are run here.

use std::collections::BTreeMap;

/// The message `body` becomes with `args`, or the names of the named
/// placeholders `args` gave no value for.
pub fn fill(body: &str, args: &str) -> Result<String, Vec<String>> {
    let words = super::expand::split_args(args);
    let (named, positional): (Vec<&String>, Vec<&String>) =
        words.iter().partition(|w| key_value(w).is_some());
    let values: BTreeMap<&str, &str> = named.iter().filter_map(|w| key_value(w)).collect();
    let missing: Vec<String> = placeholders(body)
        .into_iter()
        .filter(|p| !values.contains_key(p.as_str()))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut out = String::with_capacity(body.len() + args.len());
    let mut used = false;
    let mut rest = body;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("ARGUMENTS") {
            out.push_str(args.trim());
            used = true;
            rest = tail;
        } else if let Some(i) = super::expand::positional_at(after) {
            out.push_str(positional.get(i).map(|s| s.as_str()).unwrap_or(""));
            used = true;
            rest = &after[1..];
        } else if let Some(name) = name_at(after) {
            out.push_str(values.get(name).copied().unwrap_or(""));
            used = true;
            rest = &after[name.len()..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    if !used && !args.trim().is_empty() {
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push_str("\n\nARGUMENTS: ");
        out.push_str(args.trim());
    }
    Ok(out)
}

/// `KEY=value` with a placeholder-shaped key.
fn key_value(word: &str) -> Option<(&str, &str)> {
    let (key, value) = word.split_once('=')?;
    (name_at(key) == Some(key)).then_some((key, value))
}

/// A named placeholder at the start of `text` (after its `$`): a capital
/// letter, then capitals, digits and `_`; `ARGUMENTS` is not one.
fn name_at(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
        .unwrap_or(text.len());
    let name = &text[..end];
    (name.starts_with(|c: char| c.is_ascii_uppercase()) && name != "ARGUMENTS").then_some(name)
}

/// The named placeholders of `body`, each once, in order (`$$NAME` is a
/// literal `$` then text, not a placeholder).
fn placeholders(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find('$') {
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            rest = tail;
            continue;
        }
        if let Some(name) = name_at(after)
            && !after.starts_with("ARGUMENTS")
            && !out.iter().any(|n| n == name)
        {
            out.push(name.to_string());
        }
        rest = after;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_positional_and_all_arguments_fill_as_codex_fills_them() {
        let body =
            "Fix ticket $TICKET with priority $PRIORITY. First: $1. All: $ARGUMENTS. Cost is $$5.";
        let out = fill(body, "TICKET=ABC-12 PRIORITY=high extra").unwrap();
        assert_eq!(
            out,
            "Fix ticket ABC-12 with priority high. First: extra. All: TICKET=ABC-12 PRIORITY=high extra. Cost is $5."
        );
    }

    #[test]
    fn a_missing_named_value_is_named() {
        assert_eq!(
            fill("Review $FILE against $BASE_REF", "FILE=src/a.rs"),
            Err(vec!["BASE_REF".to_string()])
        );
    }

    #[test]
    fn quoted_values_keep_their_spaces_and_plain_dollars_stay() {
        let out = fill(
            "Title: $TITLE (5$ each, see $HOME)",
            "TITLE=\"two words\" HOME=x",
        )
        .unwrap();
        assert_eq!(out, "Title: two words (5$ each, see x)");
        assert_eq!(fill("price in $ only", "").unwrap(), "price in $ only");
    }

    #[test]
    fn without_placeholders_the_arguments_follow_the_body() {
        assert_eq!(
            fill("Plan the release.\n", "v2 soon").unwrap(),
            "Plan the release.\n\nARGUMENTS: v2 soon"
        );
    }
}
