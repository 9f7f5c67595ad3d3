//! Claude Code's async answer: a command hook whose stdout starts with a
//! JSON object with `"async": true` (`{"async": true, "asyncTimeout":
//! 180000}`, on one line or pretty-printed) asks to go on in the
//! background. quire stops waiting for it once that object is whole (the
//! event goes on as if the hook had answered nothing), lets it run until
//! `asyncTimeout` (milliseconds; without it, the hook's own `timeout`)
//! and then kills it with all it started; what is left at quire's exit is
//! killed then ([`crate::child`]). What it prints after the object is not
//! read as an answer (only logged); a SessionStart hook's
//! `CLAUDE_ENV_FILE` is read again when it ends ([`super::env_file`]).

use std::time::Duration;

use serde_json::Value;

/// How far into stdout the leading JSON object is looked for: past it,
/// the hook answers when it exits (a hook printing a huge first line is
/// neither waited for nor buffered here beyond the runner's cap).
const FIRST_ANSWER_LIMIT: usize = 4096;

/// What the start of `stdout` says, so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstLine {
    /// Not complete yet: read on.
    Pending,
    /// The async answer, with its `asyncTimeout` when given.
    Async(Option<Duration>),
    /// Anything else: the hook answers when it exits.
    Sync,
}

/// Reads the JSON object `stdout` starts with (what was read so far;
/// `ended`: all of it), on one line or pretty-printed over several: it
/// counts as soon as it is whole (Claude Code reads it then), whatever
/// follows it. Only its first [`FIRST_ANSWER_LIMIT`] bytes are looked at.
pub fn first_line(stdout: &[u8], ended: bool) -> FirstLine {
    let seen = &stdout[..stdout.len().min(FIRST_ANSWER_LIMIT)];
    let full = ended || stdout.len() >= FIRST_ANSWER_LIMIT;
    let text = String::from_utf8_lossy(seen);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.is_empty() {
        return if full {
            FirstLine::Sync
        } else {
            FirstLine::Pending
        };
    }
    if !text.starts_with('{') {
        return FirstLine::Sync;
    }
    match leading_object(text) {
        Leading::Object(json) => match async_of(&json) {
            Some(timeout) => FirstLine::Async(timeout),
            None => FirstLine::Sync,
        },
        Leading::Incomplete if !full => FirstLine::Pending,
        Leading::Incomplete | Leading::Invalid => FirstLine::Sync,
    }
}

/// `stdout` (all of it) starts with the async answer: its
/// `asyncTimeout`, if any. What follows it is not an answer.
pub fn async_answer(stdout: &str) -> Option<Option<Duration>> {
    let text = stdout.trim_start_matches('\u{feff}').trim_start();
    match leading_object(text) {
        Leading::Object(json) => async_of(&json),
        _ => None,
    }
}

enum Leading {
    Object(serde_json::Map<String, Value>),
    /// Cut off: more may make it whole.
    Incomplete,
    Invalid,
}

/// The JSON value `text` starts with, when it is an object.
fn leading_object(text: &str) -> Leading {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    match values.next() {
        Some(Ok(Value::Object(json))) => Leading::Object(json),
        Some(Err(e)) if e.is_eof() => Leading::Incomplete,
        None => Leading::Incomplete,
        Some(_) => Leading::Invalid,
    }
}

/// An object's `"async": true`, with its `asyncTimeout` (milliseconds).
fn async_of(json: &serde_json::Map<String, Value>) -> Option<Option<Duration>> {
    if json.get("async").and_then(Value::as_bool) != Some(true) {
        return None;
    }
    let timeout = json
        .get("asyncTimeout")
        .and_then(Value::as_f64)
        .filter(|ms| ms.is_finite() && *ms > 0.0)
        .map(|ms| Duration::from_millis(ms.min(u64::MAX as f64) as u64));
    Some(timeout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_async_line_is_found_first_and_alone() {
        let ms = |n| FirstLine::Async(Some(Duration::from_millis(n)));
        assert_eq!(
            first_line(b"{\"async\": true, \"asyncTimeout\": 180000}\n", false),
            ms(180000)
        );
        assert_eq!(
            first_line(b"{\"async\":true}", false),
            FirstLine::Async(None)
        );
        assert_eq!(first_line(b"{\"async\":tr", false), FirstLine::Pending);
        assert_eq!(first_line(b"", false), FirstLine::Pending);
        assert_eq!(first_line(b"  ", true), FirstLine::Sync);
        assert_eq!(first_line(b"{\"async\":false}\n", false), FirstLine::Sync);
        assert_eq!(
            first_line(b"{\"decision\":\"block\"}", true),
            FirstLine::Sync
        );
        assert_eq!(
            first_line(b"plain {\"async\":true}", false),
            FirstLine::Sync
        );
        // Pretty-printed over lines, it counts once whole.
        assert_eq!(
            first_line(b"{\n  \"async\": true,\n  \"asyncTimeout\": 5000\n}", false),
            ms(5000)
        );
        assert_eq!(
            first_line(b"{\n  \"async\": true,\n", false),
            FirstLine::Pending
        );
        assert_eq!(
            first_line(b"{\n  \"async\": true,\n", true),
            FirstLine::Sync
        );
        assert_eq!(
            first_line(b"{\"a\": 1} {\"async\": true}", false),
            FirstLine::Sync
        );
        assert_eq!(
            first_line(b"{\"async\":true,\"asyncTimeout\":\"x\"}\n{}", false),
            FirstLine::Async(None)
        );
    }

    #[test]
    fn a_huge_first_line_is_not_waited_for() {
        let mut big = b"{\"async\": true, \"pad\": \"".to_vec();
        big.extend(std::iter::repeat_n(b'x', FIRST_ANSWER_LIMIT));
        assert_eq!(first_line(&big, false), FirstLine::Sync);
        assert_eq!(async_answer("{\n \"async\": true\n}\nmore"), Some(None));
        assert_eq!(async_answer("{\"decision\": \"block\"}"), None);
    }
}
