//! Applying the hunks of one file to its text, in memory.
//!
//! Each hunk's old lines (context and removed lines) are looked up in order,
//! after the previous hunk: exactly first, then ignoring trailing
//! whitespace, then ignoring leading and trailing whitespace. A byte order
//! mark at the start of the file is set aside while matching and kept.

use std::borrow::Cow;

use super::bom;
use super::parse::{Hunk, HunkLine};
use super::seek::{self, seek};
use super::udiff::{self, Body, Edit};

/// Why a hunk did not apply. The text is for the model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hunk {index} of {path} does not match the file. {detail}\nThe hunk:\n{hunk}")]
pub struct HunkError {
    pub path: String,
    /// 1-based index of the hunk in its file section.
    pub index: usize,
    pub detail: String,
    pub hunk: String,
}

/// A line without its end, and whether that end is CRLF (else LF).
pub(super) type Ended<'a> = (&'a str, bool);

/// A file's text split into lines (borrowed from it), each remembering
/// its own line end: a file may mix LF and CRLF, and a patch changes
/// only the ends of the lines it changes.
pub(super) struct Text<'a> {
    pub lines: Vec<&'a str>,
    /// Per line, whether it ends in CRLF; the last line of a file without
    /// a final newline counts as [`Text::majority_crlf`].
    pub crlf: Vec<bool>,
    /// Whether at least half of the lines end in CRLF (and one does):
    /// how a line added with no neighbour ends.
    pub majority_crlf: bool,
    pub final_newline: bool,
    /// A byte order mark was set aside before the first line: the diff
    /// shows it there, as it is in the file.
    pub bom: bool,
}

impl<'a> Text<'a> {
    /// Line `i` with its end.
    pub fn ended(&self, i: usize) -> Ended<'a> {
        (self.lines[i], self.crlf[i])
    }
}

/// The end a line has in a file's text.
pub(super) fn eol(crlf: bool) -> &'static str {
    if crlf { "\r\n" } else { "\n" }
}

fn split(content: &str, bom: bool) -> Text<'_> {
    let final_newline = content.is_empty() || content.ends_with('\n');
    let body = content.strip_suffix('\n').unwrap_or(content);
    let (mut lines, mut crlf) = (Vec::new(), Vec::new());
    if !content.is_empty() {
        for l in body.split('\n') {
            match l.strip_suffix('\r') {
                Some(l) => {
                    lines.push(l);
                    crlf.push(true);
                }
                None => {
                    lines.push(l);
                    crlf.push(false);
                }
            }
        }
    }
    let ended = lines.len() - usize::from(!final_newline);
    if !final_newline && let (Some(last), Some(end)) = (lines.last_mut(), crlf.last_mut()) {
        // No end follows it: a '\r' there is part of the line.
        if *end {
            *last = &body[body.len() - last.len() - 1..];
        }
        *end = false;
    }
    let crlf_lines = crlf[..ended].iter().filter(|c| **c).count();
    let majority_crlf = crlf_lines > 0 && crlf_lines * 2 >= ended;
    if !final_newline && let Some(end) = crlf.last_mut() {
        *end = majority_crlf;
    }
    Text {
        lines,
        crlf,
        majority_crlf,
        final_newline,
        bom,
    }
}

/// `lines` each with its end, the last without one unless
/// `final_newline`, appended to `out`.
fn join<'a>(out: &mut String, lines: impl Iterator<Item = Ended<'a>>, final_newline: bool) {
    let mut last = 0;
    for (line, crlf) in lines {
        out.push_str(line);
        out.push_str(eol(crlf));
        last = eol(crlf).len();
    }
    if !final_newline {
        out.truncate(out.len() - last);
    }
}

/// The content of a new file made of `lines`.
pub fn new_file(lines: &[String]) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    join(&mut out, lines.iter().map(|l| (l.as_str(), false)), true);
    out
}

/// A file's text after its hunks, with the diff of what changed.
#[derive(Debug)]
pub struct Patched {
    pub text: String,
    pub diff: Body,
    /// Whether `diff` describes the file's bytes exactly, so that
    /// reversing it puts the file back: not when a byte order mark is
    /// all the old or the new file holds.
    pub exact: bool,
}

/// Applies `hunks` to `content`; `path` is for error messages.
pub fn apply_hunks(path: &str, content: &str, hunks: &[Hunk]) -> Result<Patched, HunkError> {
    // A byte order mark is set aside while matching and kept in the file.
    let (bom, content) = bom::split(content);
    let hunks = if bom {
        bom::strip(hunks)
    } else {
        Cow::Borrowed(hunks)
    };
    let text = split(content, bom);
    let lines = &text.lines;
    let mut pos = 0;
    // (start, number of old lines, new lines), in file order.
    let mut edits: Vec<Edit> = Vec::new();
    for (i, hunk) in hunks.iter().enumerate() {
        let err = |detail: String| HunkError {
            path: path.to_string(),
            index: i + 1,
            detail,
            hunk: hunk.text.join("\n"),
        };
        if let Some(h) = &hunk.header {
            let at = seek(lines, std::slice::from_ref(h), pos, false)
                .or_else(|| {
                    lines[pos..]
                        .iter()
                        .position(|l| l.contains(h.as_str()))
                        .map(|p| p + pos)
                })
                .ok_or_else(|| err(format!("Its '@@ {h}' line was not found{}.", after(pos))))?;
            pos = at + 1;
        }
        let full = hunk.old_lines();
        if full.is_empty() {
            let at = if hunk.header.is_some() && !hunk.end_of_file {
                pos
            } else {
                lines.len()
            };
            edits.push((at, 0, replacement(hunk, &text, at, 0)));
            pos = at;
            continue;
        }
        let mut old = &full[..];
        let mut found = seek(lines, old, pos, hunk.end_of_file);
        if found.is_none() && old.last().is_some_and(|l| l.is_empty()) {
            // A trailing empty line often stands for the file's final newline.
            old = &old[..old.len() - 1];
            found = seek(lines, old, pos, hunk.end_of_file);
        }
        let Some(at) = found else {
            return Err(err(diagnose(lines, &full, pos, hunk.end_of_file)));
        };
        edits.push((at, old.len(), replacement(hunk, &text, at, old.len())));
        pos = at + old.len();
    }
    let added: usize = edits
        .iter()
        .map(|(_, _, new)| new.iter().map(|(l, _)| l.len() + 2).sum::<usize>())
        .sum();
    // The file's lines between the edits, and each edit's new lines.
    let mut spans = Vec::with_capacity(edits.len() + 1);
    let mut cursor = 0;
    for (at, len, new) in &edits {
        spans.push((cursor..*at, new.as_slice()));
        cursor = at + len;
    }
    spans.push((cursor..lines.len(), &[]));
    let all = spans
        .into_iter()
        .flat_map(|(kept, new)| kept.map(|i| text.ended(i)).chain(new.iter().copied()));
    let mut out = String::with_capacity(content.len() + added + bom::BOM.len_utf8());
    if bom {
        out.push(bom::BOM);
    }
    join(&mut out, all, text.final_newline);
    let new_lines = lines.len() as isize
        + edits
            .iter()
            .map(|(_, len, new)| new.len() as isize - *len as isize)
            .sum::<isize>();
    // A mark alone in the file (no line before or after) is not in
    // any line of the diff.
    let exact = !bom || (!lines.is_empty() && new_lines > 0);
    let diff = udiff::body(&text, &edits);
    Ok(Patched {
        text: out,
        diff,
        exact,
    })
}

/// The lines that replace the `len` lines at `at`: context lines keep the
/// file's text (they may differ in whitespace) and end, added lines are
/// the hunk's and end as the line above them (a context or removed line,
/// else the file's line before the hunk; at the file's start the line
/// they come before; in an empty file the majority).
/// Old lines past `len` (a dropped trailing empty line) are skipped.
fn replacement<'a>(hunk: &'a Hunk, text: &Text<'a>, at: usize, len: usize) -> Vec<Ended<'a>> {
    let mut above = at
        .checked_sub(1)
        .or((at < text.lines.len()).then_some(at))
        .map_or(text.majority_crlf, |i| text.crlf[i]);
    let mut out = Vec::new();
    let mut old_index = 0;
    for line in &hunk.lines {
        match line {
            HunkLine::Context(_) => {
                if old_index < len {
                    let line = text.ended(at + old_index);
                    above = line.1;
                    out.push(line);
                }
                old_index += 1;
            }
            HunkLine::Remove(_) => {
                if old_index < len {
                    above = text.crlf[at + old_index];
                }
                old_index += 1;
            }
            HunkLine::Add(t) => out.push((t.as_str(), above)),
        }
    }
    out
}

fn after(pos: usize) -> String {
    if pos == 0 {
        String::new()
    } else {
        format!(" after line {pos} (where the previous hunk ended)")
    }
}

/// Says which old line could not be found, and what the file has instead.
fn diagnose(lines: &[&str], old: &[String], pos: usize, eof: bool) -> String {
    if let Some(at) = seek(lines, old, 0, false) {
        return if eof {
            format!(
                "It is marked '*** End of File', but its lines are at line {} of {}, not at the end. Drop the marker or fix the context.",
                at + 1,
                lines.len()
            )
        } else {
            format!(
                "Its lines are at line {}, before the end of the previous hunk (line {pos}). Hunks must be in file order and must not overlap.",
                at + 1
            )
        };
    }
    // The longest prefix of the old lines found after `pos`.
    let (k, at) = seek::longest_prefix(lines, old, pos, seek::LOOSE).unwrap_or((0, pos));
    let expected = old.get(k).map_or("", String::as_str);
    let mut detail = format!(
        "This line{} was not found{}:\n{}",
        if k == 0 { "" } else { " of the hunk" },
        if k == 0 { after(pos) } else { String::new() },
        quote(expected)
    );
    if k > 0 {
        let actual = lines
            .get(at + k)
            .map(|l| format!("line {} of the file is:\n{}", at + k + 1, quote(l)))
            .unwrap_or_else(|| "the file ends there.".to_string());
        detail.push_str(&format!(
            "\nThe hunk's first {k} old line(s) match at line {}, but then {actual}",
            at + 1
        ));
    }
    detail
}

fn quote(line: &str) -> String {
    format!("    {line}")
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
