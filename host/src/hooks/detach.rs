//! Claude Code's async answer: a command hook whose first line of stdout
//! is a JSON object with `"async": true` (`{"async": true,
//! "asyncTimeout": 180000}`) asks to go on in the background. quire stops
//! waiting for it at that line (the event goes on as if the hook had
//! answered nothing), lets it run until `asyncTimeout` (milliseconds;
//! without it, the hook's own `timeout`) and then kills it with all it
//! started; what is left at quire's exit is killed then
//! ([`crate::child`]). What it prints after that line is not read as an
//! answer (only logged); a SessionStart hook's `CLAUDE_ENV_FILE` is read
//! again when it ends ([`super::env_file`]).

use std::time::Duration;

use serde_json::Value;

/// How far into stdout the first line is looked for.
const FIRST_LINE_LIMIT: usize = 4096;

/// What the first line of `stdout` says, so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstLine {
    /// Not complete yet: read on.
    Pending,
    /// The async answer, with its `asyncTimeout` when given.
    Async(Option<Duration>),
    /// Anything else: the hook answers when it exits.
    Sync,
}

/// Reads the first line of `stdout` (what was read so far; `ended`: all
/// of it). A JSON object without a newline after it counts once it
/// parses (Claude Code reads it as soon as it is whole).
pub fn first_line(stdout: &[u8], ended: bool) -> FirstLine {
    let text = String::from_utf8_lossy(&stdout[..stdout.len().min(FIRST_LINE_LIMIT)]);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.is_empty() {
        return if ended || stdout.len() >= FIRST_LINE_LIMIT {
            FirstLine::Sync
        } else {
            FirstLine::Pending
        };
    }
    if !text.starts_with('{') {
        return FirstLine::Sync;
    }
    let (line, whole) = match text.split_once('\n') {
        Some((line, _)) => (line, true),
        None => (text, ended || stdout.len() >= FIRST_LINE_LIMIT),
    };
    match async_answer(line) {
        Some(timeout) => FirstLine::Async(timeout),
        None if whole => FirstLine::Sync,
        None => FirstLine::Pending,
    }
}

/// `line` is the async answer: its `asyncTimeout`, if any.
pub fn async_answer(line: &str) -> Option<Option<Duration>> {
    let Ok(Value::Object(json)) = serde_json::from_str::<Value>(line.trim()) else {
        return None;
    };
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
        // A JSON answer spread over lines is not async.
        assert_eq!(
            first_line(b"{\n \"async\": true\n}", false),
            FirstLine::Sync
        );
        assert_eq!(
            first_line(b"{\"async\":true,\"asyncTimeout\":\"x\"}\n{}", false),
            FirstLine::Async(None)
        );
    }
}
