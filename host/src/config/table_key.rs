//! The line of a key or value serde refused inside a `[[table]]`
//! element: the error's span covers the whole element, from its header,
//! so the key's own line is found by the value the message names
//! (`integer `-1``) or by the unknown key it names (`unknown field `x``).

/// The line (1-based) in the table whose header is on line `header` of
/// `text` that sets the value `message` names, or the unknown key it
/// names; `None` when `header` is not a table header, or no single line
/// of the table sets that value or key.
pub fn refused_line(text: &str, header: usize, message: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    if !lines.get(header.checked_sub(1)?)?.trim().starts_with('[') {
        return None;
    }
    let (key, got) = match (value_named(message), unknown_key(message)) {
        (Some(got), _) => (None, Some(got)),
        (None, Some(key)) => (Some(key), None),
        (None, None) => {
            let (key, got) = key_and_value(message)?;
            (Some(key), Some(got))
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
        let k = k.trim().trim_matches(['"', '\'']);
        if got.as_ref().is_none_or(|got| value == got) && key.as_ref().is_none_or(|key| k == key) {
            if found.is_some() {
                return None;
            }
            found = Some(i + 1);
        }
    }
    found
}

/// The line (1-based) of the `n`th (1-based) `[[name]]` header of
/// `text` (blanks and quotes around the key's parts ignored).
pub fn nth_array_table(text: &str, name: &str, n: usize) -> Option<usize> {
    let want: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.split('#').next().unwrap_or_default().trim();
            l.strip_prefix("[[")
                .and_then(|l| l.strip_suffix("]]"))
                .is_some_and(|key| {
                    let key: String = key
                        .chars()
                        .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\''))
                        .collect();
                    key == want
                })
        })
        .nth(n.checked_sub(1)?)
        .map(|(i, _)| i + 1)
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

/// The key in serde's `unknown field `KEY`, expected ...`.
fn unknown_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, _) = rest.split_once('`')?;
    Some(key.to_string())
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
    fn the_nth_array_table_header_is_found() {
        let text = "[[hooks.PreToolUse]]\na = 1\n[[hooks.Stop]]\n[[ hooks.\"PreToolUse\" ]]\n[[hooks.PreToolUse]] # c\n";
        assert_eq!(nth_array_table(text, "hooks.PreToolUse", 1), Some(1));
        assert_eq!(nth_array_table(text, "hooks.PreToolUse", 2), Some(4));
        assert_eq!(nth_array_table(text, "hooks.PreToolUse", 3), Some(5));
        assert_eq!(nth_array_table(text, "hooks.PreToolUse", 4), None);
        assert_eq!(nth_array_table(text, "hooks.PreToolUse", 0), None);
    }

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

    #[test]
    fn an_unknown_key_is_found_in_its_own_table() {
        let text = "[providers.x]\nn = 1\n[[hooks.Stop]]\ntype = \"http\"\nallowed_env_varz = [\"A\"]\n[[hooks.Stop]]\nallowed_env_varz = []\n";
        let m = "unknown field `allowed_env_varz`, expected one of `matcher`, `type`";
        assert_eq!(refused_line(text, 3, m), Some(5));
        assert_eq!(refused_line(text, 6, m), Some(7));
        // A key the table does not hold.
        let m = "unknown field `nope`, expected one of `matcher`";
        assert_eq!(refused_line(text, 3, m), None);
    }
}
