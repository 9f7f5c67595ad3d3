//! A UTF-8 byte order mark at the start of a file (Windows and .NET
//! editors write one): set aside while hunks are matched, so a first line
//! copied without the invisible U+FEFF still matches, and put back on the
//! patched text, so the file keeps it.

use std::borrow::Cow;

use super::parse::{Hunk, HunkLine};

/// The byte order mark, as a character.
pub const BOM: char = '\u{feff}';

/// `content` without its leading byte order mark, and whether it had one.
pub fn split(content: &str) -> (bool, &str) {
    match content.strip_prefix(BOM) {
        Some(rest) => (true, rest),
        None => (false, content),
    }
}

/// `hunks` with a leading byte order mark dropped from every line and
/// `@@` header (a model that copied the first line with it), for a file
/// whose mark was set aside; borrowed when no line has one.
pub fn strip(hunks: &[Hunk]) -> Cow<'_, [Hunk]> {
    let has = |t: &str| t.starts_with(BOM);
    let any = hunks.iter().any(|h| {
        h.header.as_deref().is_some_and(has)
            || h.lines.iter().any(|l| match l {
                HunkLine::Context(t) | HunkLine::Remove(t) | HunkLine::Add(t) => has(t),
            })
    });
    if !any {
        return Cow::Borrowed(hunks);
    }
    let drop = |t: &str| t.strip_prefix(BOM).unwrap_or(t).to_string();
    Cow::Owned(
        hunks
            .iter()
            .map(|h| Hunk {
                header: h.header.as_deref().map(drop),
                lines: h
                    .lines
                    .iter()
                    .map(|l| match l {
                        HunkLine::Context(t) => HunkLine::Context(drop(t)),
                        HunkLine::Remove(t) => HunkLine::Remove(drop(t)),
                        HunkLine::Add(t) => HunkLine::Add(drop(t)),
                    })
                    .collect(),
                end_of_file: h.end_of_file,
                text: h.text.clone(),
            })
            .collect(),
    )
}
