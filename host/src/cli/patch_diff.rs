//! A patch's diff under its tool line in `quire exec` and the line mode
//! (as `codex exec` prints each file's diff): each file's unified diff,
//! added lines green and removed ones red when colour is on, cut past
//! [`MAX_LINES`] lines with a note of how many were left out.

use serde_json::Value;

use quire::printable::clean;

/// Most diff lines shown for one patch.
pub const MAX_LINES: usize = 80;

/// The diff lines of a patch's `files` (the `ToolCompleted` event's),
/// indented, each ending with a newline; empty when there is none.
pub fn render(files: &Value, color: bool) -> String {
    let Some(files) = files.as_array() else {
        return String::new();
    };
    let lines: Vec<String> = files.iter().flat_map(file_lines).collect();
    let mut out = String::new();
    for line in lines.iter().take(MAX_LINES) {
        let line = clean(line);
        let code = match line.as_bytes().first() {
            _ if line.starts_with("+++") || line.starts_with("---") => Some("1"),
            Some(b'+') => Some("32"),
            Some(b'-') => Some("31"),
            Some(b'@') => Some("36"),
            _ => None,
        };
        match code.filter(|_| color) {
            Some(code) => out.push_str(&format!("    \x1b[{code}m{line}\x1b[0m\n")),
            None => out.push_str(&format!("    {line}\n")),
        }
    }
    if lines.len() > MAX_LINES {
        out.push_str(&format!(
            "    … {} more diff lines not shown\n",
            lines.len() - MAX_LINES
        ));
    }
    out
}

/// A file's diff lines, its `---`/`+++` headers naming the file as the
/// tool line does (quoted, controls escaped: the name on disk).
fn file_lines(file: &Value) -> Vec<String> {
    let Some(diff) = file.get("diff").and_then(Value::as_str) else {
        return Vec::new();
    };
    let name = |key: &str| file.get(key).and_then(Value::as_str);
    let path = name("path").unwrap_or("?");
    // `a/`, `b/` only before a path inside the working directory: an
    // absolute one or one going up (`../x`) is shown as it is.
    let header = |prefix: &str, side: &str, shown: &str, rest: &str| match rest {
        "/dev/null" => format!("{prefix}/dev/null"),
        _ if shown.starts_with('/') || shown == ".." || shown.starts_with("../") => {
            format!("{prefix}{}", quire::printable::quoted_name(shown))
        }
        _ => format!("{prefix}{side}{}", quire::printable::quoted_name(shown)),
    };
    // Headers come before the first hunk (a removed `-- x` line is not one).
    let mut in_hunks = false;
    diff.lines()
        .map(|line| {
            in_hunks |= line.starts_with("@@");
            match (line.strip_prefix("--- "), line.strip_prefix("+++ ")) {
                (Some(rest), _) if !in_hunks => {
                    header("--- ", "a/", name("from").unwrap_or(path), rest)
                }
                (_, Some(rest)) if !in_hunks => header("+++ ", "b/", path, rest),
                _ => line.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_then_a_note_past_the_cap() {
        let files =
            serde_json::json!([{"path": "f", "diff": "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-b\n+B\n"}]);
        assert_eq!(
            render(&files, false),
            "    --- a/f\n    +++ b/f\n    @@ -1 +1 @@\n    -b\n    +B\n"
        );
        assert!(render(&files, true).contains("\x1b[32m+B\x1b[0m"));
        let long: String = (0..100).map(|i| format!("+{i}\n")).collect();
        let files = serde_json::json!([{"path": "g", "diff": long}]);
        let text = render(&files, false);
        assert_eq!(text.lines().count(), MAX_LINES + 1);
        assert!(text.ends_with("… 20 more diff lines not shown\n"), "{text}");
        assert_eq!(render(&serde_json::json!(null), true), "");
        let outside = serde_json::json!([{"path": "/t/new.txt", "diff": "--- /dev/null\n+++ b//t/new.txt\n@@ -0,0 +1 @@\n+n\n"},
            {"path": "../o.txt", "diff": "--- a/../o.txt\n+++ b/../o.txt\n@@ -1 +1 @@\n-o\n+p\n"}]);
        assert_eq!(
            render(&outside, false),
            "    --- /dev/null\n    +++ /t/new.txt\n    @@ -0,0 +1 @@\n    +n\n    --- ../o.txt\n    +++ ../o.txt\n    @@ -1 +1 @@\n    -o\n    +p\n"
        );
        let odd = serde_json::json!([{"path": "e\u{1b}x", "diff": "--- /dev/null\n+++ b/ex\n@@ -0,0 +1 @@\n+--- y\n"}]);
        assert_eq!(
            render(&odd, false),
            "    --- /dev/null\n    +++ b/\"e\\033x\"\n    @@ -0,0 +1 @@\n    +--- y\n"
        );
    }
}
