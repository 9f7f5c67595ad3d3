//! What serde calls a string where a number is expected: a number in
//! quotes (`max_turns = "20"`: say it is text and how to write it), or a
//! number past its type's range, which TOML (64-bit integers) and `-c`
//! read as text (say it is too large, not that it has quotes). A boolean
//! in quotes (`network = "true"`) is told the same way.

/// A number written in quotes (`"20"`) where a number is expected: that
/// it is text, and how to write it (`max_turns = 20`).
pub(super) fn hint(got: &str, expected: &str, key: Option<&str>) -> String {
    let Some(inner) = got.strip_prefix('"').and_then(|g| g.strip_suffix('"')) else {
        return String::new();
    };
    let word = inner.trim().to_ascii_lowercase();
    if expected.trim() == "a boolean" && (word == "true" || word == "false") {
        return match key {
            Some(key) => {
                format!(" (text in quotes, not a boolean): write {key} = {word} without the quotes")
            }
            None => " (text in quotes, not a boolean): write it without the quotes".into(),
        };
    }
    let number = expected.trim().starts_with(['u', 'i', 'f']) && expected.trim().len() <= 5;
    let digits = inner.trim();
    let numeric = digits.chars().any(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | '_'));
    if !number || !numeric {
        return String::new();
    }
    // Past the type's range a number is read as text (TOML's integers are
    // 64-bit): not quotes, but a number too large.
    let max = match expected.trim() {
        "u8" => Some(u8::MAX as u128),
        "u16" => Some(u16::MAX as u128),
        "u32" => Some(u32::MAX as u128),
        "u64" | "usize" => Some(u64::MAX as u128),
        "i64" | "isize" => Some(i64::MAX as u128),
        _ => None,
    };
    let whole: String = digits.chars().filter(|c| *c != '_' && *c != '+').collect();
    if let Some(max) = max
        && whole.chars().all(|c| c.is_ascii_digit())
        && whole.parse::<u128>().map_or(true, |n| n > max)
    {
        return format!(" (a number too large: at most {max})");
    }
    match key {
        Some(key) => format!(
            " (text in quotes, not a number): write {key} = {} without the quotes",
            digits
        ),
        None => " (text in quotes, not a number): write it without the quotes".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_numbers_too_large_are_told_apart() {
        assert_eq!(
            hint("\"20\"", "u32", Some("max_turns")),
            " (text in quotes, not a number): write max_turns = 20 without the quotes"
        );
        assert_eq!(
            hint(
                "\"99999999999999999999\"",
                "usize",
                Some("skills.body_tokens")
            ),
            " (a number too large: at most 18446744073709551615)"
        );
        assert_eq!(hint("\"abc\"", "u32", Some("max_turns")), "");
        assert_eq!(hint("20", "u32", None), "");
        assert_eq!(
            hint("\"true\"", "a boolean", Some("network")),
            " (text in quotes, not a boolean): write network = true without the quotes"
        );
        assert_eq!(hint("\"yes\"", "a boolean", Some("network")), "");
    }
}
