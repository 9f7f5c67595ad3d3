//! Word wrapping of styled text to a width, with a prefix on the first
//! line and another on the lines after it (list bullets, quotes).

use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width of a line.
#[cfg(test)]
pub fn line_width(line: &Line<'_>) -> usize {
    line.spans.iter().map(|s| s.content.width()).sum()
}

/// Wraps `spans` (which may contain `\n` for hard breaks) to `width`
/// columns. Words longer than a line are broken.
pub fn wrap(
    spans: &[Span<'static>],
    width: usize,
    first: &[Span<'static>],
    rest: &[Span<'static>],
) -> Vec<Line<'static>> {
    wrap_as(spans, width, first, rest, Keep::NOTHING)
}

/// What wrapping keeps that plain [`wrap`] would break or drop.
#[derive(Clone, Copy)]
pub struct Keep {
    /// A URL longer than a line stays whole: it goes on a line of its
    /// own (with what sticks to it, `).`), wider than the width. Written
    /// to the scrollback, the terminal wraps it softly, so its link
    /// detection and a selection take the whole URL (inline.rs).
    urls: bool,
    /// The spaces that start a line of the text (at its start and after
    /// each `\n`): a message's indented code stays indented. Lines the
    /// wrapping makes still start at their first word.
    indent: bool,
}

impl Keep {
    /// Plain wrapping.
    pub const NOTHING: Keep = Keep {
        urls: false,
        indent: false,
    };
    /// Long URLs stay whole.
    pub const URLS: Keep = Keep {
        urls: true,
        indent: false,
    };
    /// A line's leading spaces stay.
    pub const INDENT: Keep = Keep {
        urls: false,
        indent: true,
    };
}

/// Whether a word holds a URL (`https://…`, `(file:///…`).
fn is_url(word: &str) -> bool {
    word.find("://").is_some_and(|at| {
        let scheme = word[..at].trim_start_matches(|c: char| !c.is_ascii_alphabetic());
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    })
}

/// As [`wrap`], keeping what `keep` says.
pub fn wrap_as(
    spans: &[Span<'static>],
    width: usize,
    first: &[Span<'static>],
    rest: &[Span<'static>],
    keep: Keep,
) -> Vec<Line<'static>> {
    let keep_urls = keep.urls;
    // The line holds a URL kept whole: what follows it without a space
    // (`).`) stays on it.
    let mut glued = false;
    let mut out = Vec::new();
    let mut line: Vec<Span<'static>> = first.to_vec();
    let prefix_w = |p: &[Span<'static>]| p.iter().map(|s| s.content.width()).sum::<usize>();
    let mut used = prefix_w(first);
    let mut at_start = true;
    // At the start of one of the text's own lines (not one wrapping made).
    let mut text_line_start = true;
    let rest_w = prefix_w(rest);
    let avail = |used_prefix: usize| width.max(used_prefix + 8);
    for span in spans {
        let style = span.style;
        for piece in tokens(&span.content) {
            if piece == "\n" {
                glued = false;
                out.push(Line::from(std::mem::replace(&mut line, rest.to_vec())));
                used = rest_w;
                at_start = true;
                text_line_start = true;
                continue;
            }
            let is_space = piece.chars().all(char::is_whitespace);
            if is_space && at_start && !(keep.indent && text_line_start) {
                continue;
            }
            text_line_start = false;
            let w = piece.width();
            if glued && !is_space {
                push_merged(&mut line, piece, style);
                used += w;
                continue;
            }
            glued = false;
            if keep_urls && rest_w + w > avail(rest_w) && is_url(piece) {
                if !at_start {
                    out.push(Line::from(std::mem::replace(&mut line, rest.to_vec())));
                    used = rest_w;
                }
                push_merged(&mut line, piece, style);
                used += w;
                at_start = false;
                glued = true;
                continue;
            }
            if used + w > avail(rest_w) && !at_start {
                if is_space {
                    continue;
                }
                out.push(Line::from(std::mem::replace(&mut line, rest.to_vec())));
                used = rest_w;
            }
            if used + w > avail(rest_w) {
                // A word longer than the line: break it by characters.
                let mut chunk = String::new();
                for c in piece.chars() {
                    let cw = c.width().unwrap_or(0);
                    if used + cw > avail(rest_w) && !chunk.is_empty() {
                        line.push(Span::styled(std::mem::take(&mut chunk), style));
                        out.push(Line::from(std::mem::replace(&mut line, rest.to_vec())));
                        used = rest_w;
                    }
                    chunk.push(c);
                    used += cw;
                }
                if !chunk.is_empty() {
                    line.push(Span::styled(chunk, style));
                }
                at_start = false;
                continue;
            }
            push_merged(&mut line, piece, style);
            used += w;
            at_start = false;
        }
    }
    out.push(Line::from(line));
    // Trailing spaces are of no use at a line's end.
    for l in &mut out {
        if let Some(last) = l.spans.last_mut()
            && last.content.ends_with(' ')
        {
            let trimmed = last.content.trim_end().to_string();
            last.content = trimmed.into();
        }
    }
    out
}

/// Breaks one line of code into lines of at most `width` columns, by
/// characters, every space kept (a word wrap would change the code):
/// `first` before the first part, `rest` (a continuation mark) before the
/// others, so nothing is cut off at the terminal's edge.
pub fn hard_wrap(
    spans: &[Span<'static>],
    width: usize,
    first: &[Span<'static>],
    rest: &[Span<'static>],
) -> Vec<Line<'static>> {
    let prefix_w = |p: &[Span<'static>]| p.iter().map(|s| s.content.width()).sum::<usize>();
    // At least one character a line, however narrow.
    let room = |p: &[Span<'static>]| width.saturating_sub(prefix_w(p)).max(1);
    let mut out = Vec::new();
    let mut line: Vec<Span<'static>> = first.to_vec();
    let mut left = room(first);
    let mut used = 0;
    for span in spans {
        let mut chunk = String::new();
        for c in span.content.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > left && used > 0 {
                if !chunk.is_empty() {
                    line.push(Span::styled(std::mem::take(&mut chunk), span.style));
                }
                out.push(Line::from(std::mem::replace(&mut line, rest.to_vec())));
                left = room(rest);
                used = 0;
            }
            chunk.push(c);
            used += cw;
        }
        if !chunk.is_empty() {
            line.push(Span::styled(chunk, span.style));
        }
    }
    out.push(Line::from(line));
    out
}

/// Appends text to the last span when the style is the same (fewer spans).
fn push_merged(line: &mut Vec<Span<'static>>, text: &str, style: ratatui::style::Style) {
    if let Some(last) = line.last_mut()
        && last.style == style
    {
        let mut s = last.content.to_string();
        s.push_str(text);
        last.content = s.into();
        return;
    }
    line.push(Span::styled(text.to_string(), style));
}

/// Words, runs of spaces and newlines. A code span that starts with a
/// space (`` ` /foo` ``: how a hint shows a message typed with a space
/// first) is one word: broken after its opening backtick, the space it
/// is about would vanish at the line's end.
fn tokens(s: &str) -> Vec<&str> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut kind = None;
    for (i, c) in s.char_indices() {
        let k = if c == '\n' {
            2
        } else if c.is_whitespace() {
            1
        } else {
            0
        };
        if k == 2 {
            if start < i {
                out.push((start, i));
            }
            out.push((i, i + 1));
            start = i + 1;
            kind = None;
            continue;
        }
        if kind.is_some_and(|p| p != k) {
            out.push((start, i));
            start = i;
        }
        kind = Some(k);
    }
    if start < s.len() {
        out.push((start, s.len()));
    }
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(out.len());
    let mut i = 0;
    while i < out.len() {
        let spaced_code = out.get(i..i + 3).is_some_and(|t| {
            &s[t[0].0..t[0].1] == "`"
                && s[t[1].0..t[1].1] != *"\n"
                && s[t[1].0..t[1].1].trim().is_empty()
                && s[t[2].0..t[2].1].ends_with('`')
        });
        if spaced_code {
            merged.push((out[i].0, out[i + 2].1));
            i += 3;
        } else {
            merged.push(out[i]);
            i += 1;
        }
    }
    merged.into_iter().map(|(a, b)| &s[a..b]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn wraps_at_words_with_prefixes() {
        let spans = vec![Span::raw("one two three four five six")];
        let lines = wrap(&spans, 12, &[Span::raw("• ")], &[Span::raw("  ")]);
        assert_eq!(
            texts(&lines),
            vec!["• one two", "  three four", "  five six"]
        );
        assert!(lines.iter().all(|l| line_width(l) <= 12));
    }

    #[test]
    fn a_text_line_s_indent_is_kept_but_not_a_wrapped_line_s() {
        let spans = vec![Span::raw(
            "code:\n    indented line\n        deeper words here",
        )];
        let lines = wrap_as(
            &spans,
            16,
            &[Span::raw("› ")],
            &[Span::raw("  ")],
            Keep::INDENT,
        );
        assert_eq!(
            texts(&lines),
            vec![
                "› code:",
                "      indented",
                "  line",
                "          deeper",
                "  words here"
            ]
        );
        // Plain wrapping drops them, as before.
        let plain = wrap(&spans, 16, &[Span::raw("› ")], &[Span::raw("  ")]);
        assert_eq!(texts(&plain)[1], "  indented line");
    }

    #[test]
    fn long_words_are_broken_and_newlines_kept() {
        let spans = vec![Span::raw("abcdefghijklmnopqrstuvwxyz\nnext")];
        let lines = wrap(&spans, 10, &[], &[]);
        assert_eq!(
            texts(&lines),
            vec!["abcdefghij", "klmnopqrst", "uvwxyz", "next"]
        );
    }

    #[test]
    fn a_url_longer_than_a_line_is_kept_whole_on_its_own_line() {
        let url = "https://example.com/a/rather/long/path/to/a/file.rs#L120";
        let spans = vec![
            Span::raw(format!("See {url} and the docs")),
            Span::raw(format!(" ({url}?x=1)")),
            Span::raw(". Then more words"),
        ];
        let lines = wrap_as(&spans, 20, &[], &[], Keep::URLS);
        assert_eq!(
            texts(&lines),
            vec![
                "See".to_string(),
                url.to_string(),
                "and the docs".to_string(),
                format!("({url}?x=1)."),
                "Then more words".to_string(),
            ]
        );
        // A long word that is no URL is broken as before, and so is a URL
        // by plain `wrap`.
        let lines = wrap_as(
            &[Span::raw("abcdefghijklmnopqrstuvwxyz")],
            10,
            &[],
            &[],
            Keep::URLS,
        );
        assert_eq!(texts(&lines), vec!["abcdefghij", "klmnopqrst", "uvwxyz"]);
        assert!(wrap(&[Span::raw(url)], 20, &[], &[]).len() > 1);
    }

    #[test]
    fn a_code_span_starting_with_a_space_is_not_broken_at_it() {
        let spans = vec![Span::raw("start it with a space: ` /foo` now")];
        let lines = wrap(&spans, 26, &[], &[]);
        assert_eq!(texts(&lines), vec!["start it with a space:", "` /foo` now"]);
    }

    #[test]
    fn code_is_broken_by_characters_with_every_space_kept() {
        let spans = vec![Span::raw("ab  cd"), Span::raw("efgh  ij  ")];
        let mark = [Span::raw("↪ ")];
        let lines = hard_wrap(&spans, 6, &[Span::raw("  ")], &mark);
        assert_eq!(texts(&lines), vec!["  ab  ", "↪ cdef", "↪ gh  ", "↪ ij  "]);
        assert!(lines.iter().all(|l| line_width(l) <= 6));
        let wide = hard_wrap(&[Span::raw("日本語の")], 5, &[], &mark);
        assert_eq!(texts(&wide), vec!["日本", "↪ 語", "↪ の"]);
    }
}
