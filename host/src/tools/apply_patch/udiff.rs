//! The unified diff of an update, made from the places the patch changed
//! (the old lines there and the lines that replace them), not from a diff
//! of the whole old and new text: its cost follows the size of the patch,
//! not of the file (a one-line change to a 100 MB file diffs one line).
//! Context lines are the file's own. Each line keeps its own end (LF or
//! CRLF) and line 1 its byte order mark: the diff is the file's bytes, so
//! `git apply -R` puts the file back exactly. Each place is diffed in
//! bounded time (`line_diff`): a large one that shares little with what
//! it replaces is shown as all its old lines removed, all new ones added.

use similar::DiffOp;

use super::apply::{Ended, Text, eol};
use super::bom::BOM;
use super::line_diff;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// One place a patch changed: its first old line, how many old lines,
/// and the lines that replace them (with their ends); in file order,
/// not overlapping.
pub type Edit<'a> = (usize, usize, Vec<Ended<'a>>);

/// The hunks of a unified diff (no `---`/`+++` lines), and the lines
/// added and removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    pub text: String,
    pub added: usize,
    pub removed: usize,
}

/// Old lines `old..old + old_len` replaced by `lines`, which start at
/// line `new` of the new text.
struct Change<'a> {
    old: usize,
    old_len: usize,
    new: usize,
    lines: Vec<Ended<'a>>,
}

/// A line, whether it ends in CRLF, and whether it is the last of its
/// text and has no newline (then `b` differs from `b` followed by one,
/// and has no end to compare).
type Line<'a> = (&'a str, bool, bool);

/// The diff of `text` changed by `edits`.
pub fn body<'a>(text: &Text<'a>, edits: &[Edit<'a>]) -> Body {
    let old = &text.lines;
    let edits = normalized(text, edits);
    let grown: isize = edits
        .iter()
        .map(|(_, len, new)| new.len() as isize - *len as isize)
        .sum();
    let old_end = old.len();
    let new_end = old_end.saturating_add_signed(grown);
    let cut = !text.final_newline;
    let mut changes = Vec::new();
    let mut shift = 0isize;
    for (at, len, new) in &edits {
        let new_at = at.saturating_add_signed(shift);
        let line = |(l, crlf): Ended<'a>, last: bool| -> Line<'a> { (l, crlf && !last, last) };
        let before: Vec<Line> = (*at..at + len)
            .map(|i| line(text.ended(i), cut && i + 1 == old_end))
            .collect();
        let after: Vec<Line> = new
            .iter()
            .enumerate()
            .map(|(k, l)| line(*l, cut && new_at + k + 1 == new_end))
            .collect();
        // Positions counted here: similar's index of the other side of
        // an insert or a delete is not always where it happens.
        let (mut o, mut n) = (0, 0);
        for op in line_diff::ops(&before, &after) {
            let (old_len, new_len) = (op.old_range().len(), op.new_range().len());
            if !matches!(op, DiffOp::Equal { .. }) {
                changes.push(Change {
                    old: at + o,
                    old_len,
                    new: new_at + n,
                    lines: new[n..n + new_len].to_vec(),
                });
            }
            o += old_len;
            n += new_len;
        }
        shift += new.len() as isize - *len as isize;
    }
    render(text, &changes, old_end, new_end)
}

/// `edits` with neighbours merged, and, in a file without a final
/// newline, the change that reaches its end holding old and new lines
/// (so the last line, which gains or loses its newline, is diffed as
/// changed, never shown as context).
fn normalized<'a>(text: &Text<'a>, edits: &[Edit<'a>]) -> Vec<Edit<'a>> {
    let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
    for (at, len, new) in edits {
        match out.last_mut() {
            Some((p_at, p_len, p_new)) if *p_at + *p_len == *at => {
                *p_len += len;
                p_new.extend(new.iter().copied());
            }
            _ => out.push((*at, *len, new.clone())),
        }
    }
    if !text.final_newline
        && let Some((at, len, new)) = out.last_mut()
        && *at + *len == text.lines.len()
    {
        while (*len == 0 || new.is_empty()) && *at > 0 {
            *at -= 1;
            *len += 1;
            new.insert(0, text.ended(*at));
        }
    }
    out
}

/// The hunks of `changes` with their context.
fn render(text: &Text, changes: &[Change], old_end: usize, new_end: usize) -> Body {
    let cut = !text.final_newline;
    let mut body = Body::default();
    // `first`: line 1 of its text, after the byte order mark.
    let line = |out: &mut String, mark: char, (l, crlf): Ended, first: bool, last: bool| {
        out.push(mark);
        if first && text.bom {
            out.push(BOM);
        }
        out.push_str(l);
        if last && cut {
            out.push_str("\n\\ No newline at end of file\n");
        } else {
            out.push_str(eol(crlf));
        }
    };
    let mut i = 0;
    while i < changes.len() {
        // Changes closer than twice the context share a hunk.
        let mut j = i + 1;
        while j < changes.len()
            && changes[j].old - (changes[j - 1].old + changes[j - 1].old_len) <= 2 * CONTEXT
        {
            j += 1;
        }
        let (first, last) = (&changes[i], &changes[j - 1]);
        let start = first.old.saturating_sub(CONTEXT);
        let last_end = last.old + last.old_len;
        let end = (last_end + CONTEXT).min(old_end);
        let new_start = first.new - (first.old - start);
        let new_stop = last.new + last.lines.len() + (end - last_end);
        body.text.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(start, end),
            range(new_start, new_stop)
        ));
        // Old lines `from..to` marked `mark`.
        let olds = |out: &mut String, mark: char, from: usize, to: usize| {
            for i in from..to {
                line(out, mark, text.ended(i), i == 0, i + 1 == old_end);
            }
        };
        let mut o = start;
        for c in &changes[i..j] {
            olds(&mut body.text, ' ', o, c.old);
            olds(&mut body.text, '-', c.old, c.old + c.old_len);
            for (k, l) in c.lines.iter().enumerate() {
                let at = c.new + k;
                line(&mut body.text, '+', *l, at == 0, at + 1 == new_end);
            }
            body.removed += c.old_len;
            body.added += c.lines.len();
            o = c.old + c.old_len;
        }
        olds(&mut body.text, ' ', o, end);
        i = j;
    }
    body
}

/// A hunk header's range of lines `start..end` (0-based): `3`, `3,4`,
/// or `2,0` when empty (the line before it), as unified diffs write it.
fn range(start: usize, end: usize) -> String {
    match end - start {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        len => format!("{},{len}", start + 1),
    }
}

#[cfg(test)]
#[path = "udiff_tests.rs"]
mod tests;
