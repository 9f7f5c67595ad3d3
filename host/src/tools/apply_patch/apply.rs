//! Applying the hunks of one file to its text, in memory.
//!
//! Each hunk's old lines (context and removed lines) are looked up in order,
//! after the previous hunk: exactly first, then ignoring trailing
//! whitespace, then ignoring leading and trailing whitespace. A byte order
//! mark at the start of the file is set aside while matching and kept.

use std::borrow::Cow;

use super::bom;
use super::parse::{Hunk, HunkLine};
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

/// A file's text split into lines (borrowed from it), remembering its
/// line ends.
pub(super) struct Text<'a> {
    pub lines: Vec<&'a str>,
    pub crlf: bool,
    pub final_newline: bool,
}

impl Text<'_> {
    pub fn eol(&self) -> &'static str {
        if self.crlf { "\r\n" } else { "\n" }
    }
}

fn split(content: &str) -> Text<'_> {
    let crlf = content.contains("\r\n");
    let body = content.strip_suffix('\n').unwrap_or(content);
    let lines = if content.is_empty() {
        Vec::new()
    } else {
        body.split('\n')
            .map(|l| {
                if crlf {
                    l.strip_suffix('\r').unwrap_or(l)
                } else {
                    l
                }
            })
            .collect()
    };
    Text {
        lines,
        crlf,
        final_newline: content.is_empty() || content.ends_with('\n'),
    }
}

/// `lines` joined with `eol`, ending with one when `final_newline`.
fn join<'a>(
    lines: impl Iterator<Item = &'a str>,
    eol: &str,
    final_newline: bool,
    size: usize,
) -> String {
    let mut out = String::with_capacity(size);
    let mut any = false;
    for line in lines {
        out.push_str(line);
        out.push_str(eol);
        any = true;
    }
    if any && !final_newline {
        out.truncate(out.len() - eol.len());
    }
    out
}

/// The content of a new file made of `lines`.
pub fn new_file(lines: &[String]) -> String {
    let size = lines.iter().map(|l| l.len() + 1).sum();
    join(lines.iter().map(String::as_str), "\n", true, size)
}

/// How strictly two lines are compared, strictest first.
const LEVELS: [fn(&str, &str) -> bool; 3] = [
    |a, b| a == b,
    |a, b| a.trim_end() == b.trim_end(),
    |a, b| a.trim() == b.trim(),
];

fn matches_at(lines: &[&str], pat: &[String], at: usize, eq: fn(&str, &str) -> bool) -> bool {
    at + pat.len() <= lines.len() && pat.iter().zip(&lines[at..]).all(|(p, l)| eq(l, p))
}

/// Where `pat` starts at or after `start` (only at the very end when
/// `eof`), trying each strictness level in turn.
fn seek(lines: &[&str], pat: &[String], start: usize, eof: bool) -> Option<usize> {
    let last = lines.len().checked_sub(pat.len())?;
    let from = if eof { last.max(start) } else { start };
    LEVELS
        .iter()
        .find_map(|eq| (from..=last).find(|&i| matches_at(lines, pat, i, *eq)))
}

/// A file's text after its hunks, with the diff of what changed.
#[derive(Debug)]
pub struct Patched {
    pub text: String,
    pub diff: Body,
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
    let text = split(content);
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
            edits.push((at, 0, replacement(hunk, lines, at, 0)));
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
        edits.push((at, old.len(), replacement(hunk, lines, at, old.len())));
        pos = at + old.len();
    }
    let added: usize = edits
        .iter()
        .map(|(_, _, new)| new.iter().map(|l| l.len() + 2).sum::<usize>())
        .sum();
    let mut kept = Vec::with_capacity(edits.len() * 2 + 1);
    let mut cursor = 0;
    for (at, len, new) in &edits {
        kept.push(&lines[cursor..*at]);
        kept.push(new.as_slice());
        cursor = at + len;
    }
    kept.push(&lines[cursor..]);
    let mut out = join(
        kept.into_iter().flatten().copied(),
        text.eol(),
        text.final_newline,
        content.len() + added + bom::BOM.len_utf8(),
    );
    if bom {
        out.insert(0, bom::BOM);
    }
    let diff = udiff::body(&text, &edits);
    Ok(Patched { text: out, diff })
}

/// The lines that replace the `len` lines at `at`: context lines keep the
/// file's text (they may differ in whitespace), added lines are the hunk's.
/// Old lines past `len` (a dropped trailing empty line) are skipped.
fn replacement<'a>(hunk: &'a Hunk, lines: &[&'a str], at: usize, len: usize) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut old_index = 0;
    for line in &hunk.lines {
        match line {
            HunkLine::Context(_) => {
                if old_index < len {
                    out.push(lines[at + old_index]);
                }
                old_index += 1;
            }
            HunkLine::Remove(_) => old_index += 1,
            HunkLine::Add(t) => out.push(t.as_str()),
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
    let loose = LEVELS[2];
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
    let mut best: Option<(usize, usize)> = None; // (matched lines, at)
    for at in pos..lines.len() {
        let k = old
            .iter()
            .zip(&lines[at..])
            .take_while(|(p, l)| loose(l, p))
            .count();
        if k > 0 && best.is_none_or(|(bk, _)| k > bk) {
            best = Some((k, at));
        }
    }
    let (k, at) = best.unwrap_or((0, pos));
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
