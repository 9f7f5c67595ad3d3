//! A matching line as grep shows it: whole when short, else a window of
//! [`MAX_LINE_CHARS`] characters around the match (a long line cut at its
//! start would hide the match), saying how much of the line was left out
//! before it.

use super::MAX_LINE_CHARS;

/// Bytes of a cut line shown before the match.
const BEFORE_MATCH: usize = 100;

/// The text shown for a matching line. `seg` is the line, or the part of
/// it at hand, without its line break; the match starts at byte `at` of
/// it; `skipped` bytes of the line come before `seg`, and `more_after`
/// says the line goes on past it.
pub(super) fn shown(seg: &[u8], at: usize, skipped: u64, more_after: bool) -> String {
    let at = at.min(seg.len());
    if skipped == 0 && !more_after && seg.len() <= MAX_LINE_CHARS * 4 {
        let text = String::from_utf8_lossy(seg);
        if text.chars().count() <= MAX_LINE_CHARS {
            return text.into_owned();
        }
    }
    // From the line's start when the match is near it, else from a little
    // before the match, never inside a character.
    let mut lo = match skipped == 0 && at + BEFORE_MATCH < MAX_LINE_CHARS {
        true => 0,
        false => at.saturating_sub(BEFORE_MATCH),
    };
    while lo < at && (seg[lo] & 0xC0) == 0x80 {
        lo += 1;
    }
    let hi = seg.len().min(lo + MAX_LINE_CHARS * 4);
    let text = String::from_utf8_lossy(&seg[lo..hi]);
    let (text, cut_here) = match text.char_indices().nth(MAX_LINE_CHARS) {
        Some((cut, _)) => (&text[..cut], true),
        None => (&*text, false),
    };
    let before = skipped + lo as u64;
    let mut out = String::with_capacity(text.len() + 64);
    if before > 0 {
        out.push_str(&format!("[{before} bytes of the line left out] …"));
    }
    out.push_str(text);
    if cut_here || hi < seg.len() || more_after {
        out.push_str("… [line cut]");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_line_is_shown_whole() {
        assert_eq!(shown(b"fn parse() {}", 3, 0, false), "fn parse() {}");
        let wide = "é".repeat(MAX_LINE_CHARS);
        assert_eq!(shown(wide.as_bytes(), 0, 0, false), wide);
    }

    #[test]
    fn a_long_line_is_cut_around_its_match() {
        let line = format!("{}needle{}", "a".repeat(10_000), "b".repeat(10_000));
        let text = shown(line.as_bytes(), 10_000, 0, false);
        assert!(
            text.starts_with(&format!(
                "[{} bytes of the line left out] …{}needle",
                10_000 - BEFORE_MATCH,
                "a".repeat(BEFORE_MATCH)
            )),
            "{text}"
        );
        assert!(text.ends_with("b… [line cut]"), "{text}");
        // The match near the start: from the line's start, as before.
        let early = format!("needle{}", "z".repeat(2000));
        let text = shown(early.as_bytes(), 0, 0, false);
        assert!(text.starts_with("needlezz") && text.ends_with("… [line cut]"));
        assert_eq!(
            text.chars().count(),
            MAX_LINE_CHARS + "… [line cut]".chars().count()
        );
    }

    #[test]
    fn a_piece_of_a_longer_line_counts_what_came_before() {
        let text = shown(b"xxneedle", 2, 1_000_000, true);
        assert_eq!(
            text,
            "[1000000 bytes of the line left out] …xxneedle… [line cut]"
        );
        // Never from inside a character.
        let seg = format!("{}xneedle", "é".repeat(2000));
        let text = shown(seg.as_bytes(), 4001, 0, false);
        let kept = format!(
            "[3902 bytes of the line left out] …{}xneedle",
            "é".repeat(49)
        );
        assert_eq!(text, kept);
    }
}
