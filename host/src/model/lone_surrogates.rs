//! A lone UTF-16 surrogate escape (`"\ud800"`, what Python's `json.dumps`
//! writes for a broken character) makes JSON text that serde_json refuses.
//! One such character in a streamed chunk must not lose the whole answer:
//! it is read as U+FFFD, as other text that is not valid is.

/// `json` with every lone surrogate escape replaced by `\ufffd`, or
/// `None` when it has none. A high surrogate escape followed by a low one
/// is a pair and kept; `\\ud800` (an escaped backslash, then text) is no
/// escape.
pub(crate) fn replaced(json: &str) -> Option<String> {
    let bytes = json.as_bytes();
    let mut out: Option<String> = None;
    // Bytes of `json` before `copied` are in `out` already.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = unit_at(bytes, i) else {
            // `\"`, `\\`, `\n`…: the escaped byte is skipped with it.
            i += 2;
            continue;
        };
        let lone = match unit {
            0xD800..=0xDBFF => match unit_at(bytes, i + 6) {
                Some(0xDC00..=0xDFFF) => {
                    i += 12;
                    continue;
                }
                _ => true,
            },
            0xDC00..=0xDFFF => true,
            _ => false,
        };
        if lone {
            let o = out.get_or_insert_with(|| String::with_capacity(json.len()));
            o.push_str(&json[copied..i]);
            o.push_str("\\ufffd");
            copied = i + 6;
        }
        i += 6;
    }
    let mut o = out?;
    o.push_str(&json[copied..]);
    Some(o)
}

/// The code unit of a `\uXXXX` escape starting at `at`, if one does.
fn unit_at(bytes: &[u8], at: usize) -> Option<u32> {
    let escape = bytes.get(at..at + 6)?;
    if escape[0] != b'\\' || escape[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&escape[2..]).ok()?;
    u32::from_str_radix(hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::replaced;

    fn parsed(json: &str) -> serde_json::Value {
        serde_json::from_str(&replaced(json).unwrap_or_else(|| json.to_string())).unwrap()
    }

    #[test]
    fn a_lone_surrogate_becomes_the_replacement_character() {
        assert_eq!(
            parsed(r#"{"t":"bad \ud800 char"}"#)["t"],
            "bad \u{fffd} char"
        );
        assert_eq!(parsed(r#"{"t":"\udc00"}"#)["t"], "\u{fffd}");
        assert_eq!(parsed(r#"{"t":"\uD83D"}"#)["t"], "\u{fffd}");
        assert_eq!(parsed(r#"{"t":"end \ud800"}"#)["t"], "end \u{fffd}");
        assert_eq!(parsed(r#"{"t":"\ud800\ud800x"}"#)["t"], "\u{fffd}\u{fffd}x");
    }

    #[test]
    fn pairs_and_escaped_backslashes_are_left() {
        assert_eq!(replaced(r#"{"t":"\ud83d\ude00 ok"}"#), None);
        assert_eq!(replaced(r#"{"t":"\\ud800 is text"}"#), None);
        assert_eq!(replaced(r#"{"t":"\u00e9 \n \" plain"}"#), None);
        assert_eq!(parsed(r#"{"t":"\\\ud800"}"#)["t"], "\\\u{fffd}");
    }
}
