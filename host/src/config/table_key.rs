//! The line of a value serde refused inside a `[[table]]` element: the
//! error's span covers the whole element, from its header, so the key's
//! own line is found by the value the message names (`integer `-1``).

/// The line (1-based) in the table whose header is on line `header` of
/// `text` that sets the value `message` names; `None` when `header` is
/// not a table header, or no single line of the table sets that value.
pub fn refused_line(text: &str, header: usize, message: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    if !lines.get(header - 1)?.trim().starts_with('[') {
        return None;
    }
    let (key, got) = match value_named(message) {
        Some(got) => (None, got),
        None => {
            let (key, got) = key_and_value(message)?;
            (Some(key), got)
        }
    };
    let mut found = None;
    for (i, raw) in lines.iter().enumerate().skip(header) {
        let line = raw.trim();
        if line.starts_with('[') {
            break;
        }
        let Some((k, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.split(" #").next().unwrap_or(value).trim();
        if value == got && key.as_ref().is_none_or(|key| k.trim() == key) {
            if found.is_some() {
                return None;
            }
            found = Some(i + 1);
        }
    }
    found
}

/// The value in serde's `invalid type: integer `-1`, expected ...` as
/// TOML writes it (`-1`, `"abc"`, `true`).
fn value_named(message: &str) -> Option<String> {
    let rest = ["invalid type: ", "invalid value: "]
        .iter()
        .find_map(|p| message.strip_prefix(p))?;
    let (got, _) = rest.split_once(", expected ")?;
    let got = got.split_once(' ').map_or(got, |(_, v)| v);
    Some(got.trim_matches('`').to_string())
}

/// `KEY` and `GOT` of quire's own `... KEY must be ..., got GOT ...`.
fn key_and_value(message: &str) -> Option<(String, String)> {
    let (before, after) = message.split_once(" must be ")?;
    let key = before.rsplit([' ', ':']).next()?.to_string();
    let (_, got) = after.split_once(", got ")?;
    let got = got.split_whitespace().next()?.trim_end_matches([',', ';']);
    Some((key, got.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "model = \"m\"\n\n[[hooks.PreToolUse]]\nmatcher = \"shell\"\ncommand = \"x.sh\"\ntimeout_sec = -1\n\n[other]\nn = -1\n";

    #[test]
    fn the_key_that_holds_the_refused_value_is_found_in_its_table() {
        let m = "invalid value: integer `-1`, expected u64";
        assert_eq!(refused_line(TEXT, 3, m), Some(6));
        let m = "invalid type: string \"shell\", expected u64";
        assert_eq!(refused_line(TEXT, 3, m), Some(4));
        // Not a header line, or a value no key of the table holds.
        assert_eq!(refused_line(TEXT, 6, m), None);
        let m = "invalid value: integer `-7`, expected u64";
        assert_eq!(refused_line(TEXT, 3, m), None);
        // quire's own check, naming the key.
        let m = "hook 1 of [[hooks.PreToolUse]] (x.sh) cannot be used: timeout_sec must be a whole number of seconds, at least 1, got -1 (the default is 60)";
        assert_eq!(refused_line(TEXT, 3, m), Some(6));
    }
}
