//! Per-file diffs of a patch: line counts and a unified diff, for the
//! approval prompt, the JSON events and the terminal view.

use serde::Serialize;
use similar::udiff::UnifiedHunkHeader;
use similar::{DiffOp, DiffTag, group_diff_ops};

use super::line_diff;

use super::scan::Scan;
use super::udiff::Body;

/// Longest unified diff kept per file, in bytes (cut at a line end).
pub const MAX_DIFF_BYTES: usize = 32 * 1024;

/// The largest file a deletion's diff shows the lines of; a larger one
/// is said in words ("diff not shown: the file is 200.0 MiB").
pub const DIFF_FILE_LIMIT: usize = 8 * 1024 * 1024;

/// What a patch did to one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileDiff {
    /// `added`, `modified`, `deleted` or `moved`.
    pub status: &'static str,
    pub path: String,
    /// The old path of a moved file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Lines added and removed.
    pub added: usize,
    pub removed: usize,
    /// A unified diff with 3 lines of context (`--- a/…`, `+++ b/…`).
    pub diff: String,
    /// What `/undo` restores this file from (`originals::restore`), when
    /// a reverse diff cannot put it back byte for byte.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undo: Option<u64>,
    /// The SHA-256 (hex) of the file as the patch left it; absent for a
    /// deleted file. `/diff` outside a repository tells by it whether the
    /// file changed since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Where `path` really is when that is outside the workspace (and the
    /// writable roots): a patch the user was asked about for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside: Option<String>,
    /// Where `from` (a move's source) really is when that is outside.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside_from: Option<String>,
}

impl FileDiff {
    pub fn new(status: &'static str, path: &str, from: Option<&str>, old: &str, new: &str) -> Self {
        // Lines end at `\n` only, as git counts them: `similar`'s own
        // line split also ends a line at a lone `\r`.
        let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
        let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
        // Bounded (`line_diff`): never Myers' unbounded search.
        let ops = line_diff::ops(&old_lines, &new_lines);
        let (mut added, mut removed) = (0, 0);
        for op in &ops {
            match op.tag() {
                DiffTag::Insert => added += op.new_range().len(),
                DiffTag::Delete => removed += op.old_range().len(),
                DiffTag::Replace => {
                    added += op.new_range().len();
                    removed += op.old_range().len();
                }
                DiffTag::Equal => {}
            }
        }
        let a = if status == "added" {
            "/dev/null".to_string()
        } else {
            format!("a/{}", from.unwrap_or(path))
        };
        let b = if status == "deleted" {
            "/dev/null".to_string()
        } else {
            format!("b/{path}")
        };
        let text = unified(&old_lines, &new_lines, ops, &a, &b);
        FileDiff {
            status,
            path: path.to_string(),
            from: from.map(str::to_string),
            added,
            removed,
            diff: cap(text),
            undo: None,
            sha256: (status != "deleted").then(|| sha256_hex(new.as_bytes())),
            outside: None,
            outside_from: None,
        }
    }

    /// An update or a move: the diff made from where the patch changed
    /// the file (`body`), `sha256` the hex digest of the new content.
    pub fn patched(
        status: &'static str,
        path: &str,
        from: Option<&str>,
        body: Body,
        sha256: String,
    ) -> Self {
        let text = if body.text.is_empty() {
            String::new()
        } else {
            format!(
                "--- a/{}\n+++ b/{path}\n{}",
                from.unwrap_or(path),
                body.text
            )
        };
        FileDiff {
            status,
            path: path.to_string(),
            from: from.map(str::to_string),
            added: body.added,
            removed: body.removed,
            diff: cap(text),
            undo: None,
            sha256: Some(sha256),
            outside: None,
            outside_from: None,
        }
    }

    /// A deleted file, from one pass over it: its lines when it is text
    /// of at most [`DIFF_FILE_LIMIT`] bytes (`scan.head` holds them all),
    /// else said in words.
    pub fn deleted(path: &str, scan: &Scan) -> Self {
        let len = usize::try_from(scan.len).unwrap_or(usize::MAX);
        if scan.binary {
            return FileDiff::binary("deleted", path, len);
        }
        if len > DIFF_FILE_LIMIT || scan.head.len() < len {
            return FileDiff {
                status: "deleted",
                path: path.to_string(),
                from: None,
                added: 0,
                removed: scan.lines,
                diff: format!(
                    "--- a/{path}\n+++ /dev/null\n{NOT_SHOWN}{}]\n",
                    crate::mcp::results::human_size(len)
                ),
                undo: None,
                sha256: None,
                outside: None,
                outside_from: None,
            };
        }
        FileDiff::new(
            "deleted",
            path,
            None,
            &String::from_utf8_lossy(&scan.head),
            "",
        )
    }

    /// A file whose content is not text (not UTF-8, or holding NUL
    /// bytes): said in words, not shown.
    pub fn binary(status: &'static str, path: &str, len: usize) -> Self {
        let (a, b) = if status == "added" {
            ("/dev/null".to_string(), format!("b/{path}"))
        } else {
            (format!("a/{path}"), "/dev/null".to_string())
        };
        FileDiff {
            status,
            path: path.to_string(),
            from: None,
            added: 0,
            removed: 0,
            diff: format!("--- {a}\n+++ {b}\nbinary file {status}, {len} bytes\n"),
            undo: None,
            sha256: None,
            outside: None,
            outside_from: None,
        }
    }

    /// Whether the diff does not hold the whole change (and so cannot be
    /// reversed), see [`is_partial`].
    pub fn is_cut(&self) -> bool {
        is_partial(&self.diff)
    }
}

/// How a diff too large to show starts its one line.
const NOT_SHOWN: &str = "[diff not shown: the file is ";

/// Whether the diff text `diff` does not hold the whole change: cut, not
/// shown for the file's size, or a binary file said in words. `/undo`
/// cannot reverse such a diff.
pub fn is_partial(diff: &str) -> bool {
    diff.ends_with("more diff lines not shown …]\n")
        || diff
            .lines()
            .any(|l| l.starts_with(NOT_SHOWN) || l.starts_with("binary file "))
}

/// `bytes`' SHA-256 in lower-case hex, as [`FileDiff::sha256`] holds it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes).into())
}

/// A SHA-256 digest in lower-case hex.
pub fn hex(digest: &[u8; 32]) -> String {
    use std::fmt::Write as _;
    digest.iter().fold(String::with_capacity(64), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

/// Whether `bytes` are shown as a binary file: not UTF-8, or holding NUL.
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes.contains(&0) || std::str::from_utf8(bytes).is_err()
}

/// The unified diff of `ops` (3 lines of context) under the header
/// lines `--- a` and `+++ b`; empty when nothing changed. Written as
/// similar's `UnifiedDiff` writes it, from ops made in bounded time.
fn unified(old: &[&str], new: &[&str], ops: Vec<DiffOp>, a: &str, b: &str) -> String {
    let groups = group_diff_ops(ops, 3);
    if groups.iter().all(Vec::is_empty) {
        return String::new();
    }
    let mut out = format!("--- {a}\n+++ {b}\n");
    for group in groups.into_iter().filter(|g| !g.is_empty()) {
        out.push_str(&format!("{}\n", UnifiedHunkHeader::new(&group)));
        for op in &group {
            for change in op.iter_changes(old, new) {
                out.push_str(&format!("{}{}", change.tag(), change.value()));
                if change.missing_newline() {
                    out.push_str("\n\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

fn cap(text: String) -> String {
    if text.len() <= MAX_DIFF_BYTES {
        return text;
    }
    let end = text.floor_char_boundary(MAX_DIFF_BYTES);
    let end = text[..end].rfind('\n').map(|i| i + 1).unwrap_or(end);
    let cut = text[end..].lines().count();
    format!("{}[… {cut} more diff lines not shown …]\n", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_writes_a_unified_diff() {
        let d = FileDiff::new(
            "modified",
            "a.py",
            None,
            "x = 1\ny = 2\n",
            "x = 1\ny = 3\nz = 4\n",
        );
        assert_eq!((d.added, d.removed), (2, 1));
        assert!(
            d.diff
                .starts_with("--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,3 @@\n"),
            "{}",
            d.diff
        );
        assert!(d.diff.contains("-y = 2\n+y = 3\n+z = 4\n"), "{}", d.diff);
        let added = FileDiff::new("added", "n.txt", None, "", "hi\n");
        assert!(
            added.diff.starts_with("--- /dev/null\n+++ b/n.txt"),
            "{}",
            added.diff
        );
        assert_eq!((added.added, added.removed), (1, 0));
    }

    #[test]
    fn long_diffs_are_cut_at_a_line_end() {
        let new: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
        let d = FileDiff::new("added", "big.txt", None, "", &new);
        assert_eq!(d.added, 20_000);
        assert!(d.diff.len() < MAX_DIFF_BYTES + 100);
        assert!(
            d.diff.ends_with("more diff lines not shown …]\n"),
            "{}",
            &d.diff[d.diff.len() - 80..]
        );
    }

    #[test]
    fn a_whole_file_rewritten_is_diffed_in_bounded_time() {
        let old: String = (1..=20_000).map(|i| format!("{i}\n")).collect();
        let new: String = (1..=20_000).map(|i| format!("X{i}\n")).collect();
        let d = FileDiff::new("modified", "big.txt", None, &old, &new);
        assert_eq!((d.added, d.removed), (20_000, 20_000));
        assert!(
            d.diff
                .starts_with("--- a/big.txt\n+++ b/big.txt\n@@ -1,20000 +1,20000 @@\n-1\n-2\n"),
            "{}",
            &d.diff[..200]
        );
        // A few changes far apart are still shown as themselves.
        let few = old
            .replacen("\n10\n", "\nten\n", 1)
            .replacen("\n19990\n", "\n\n", 1);
        let d = FileDiff::new("modified", "big.txt", None, &old, &few);
        assert_eq!((d.added, d.removed), (2, 2), "{}", d.diff);
        assert_eq!(d.diff.matches("@@ -").count(), 2, "{}", d.diff);
    }

    #[test]
    fn a_lone_carriage_return_does_not_end_a_line() {
        let d = FileDiff::new("added", "esc.txt", None, "", "a\ncr\rOVER\nb\nc\n");
        assert_eq!((d.added, d.removed), (4, 0));
        assert!(d.diff.contains("@@ -0,0 +1,4 @@\n"), "{}", d.diff);
        assert!(d.diff.contains("+cr\rOVER\n"), "{}", d.diff);
        let m = FileDiff::new("modified", "m.txt", None, "x\ry\n", "x\rz\n");
        assert_eq!((m.added, m.removed), (1, 1));
        let end = FileDiff::new("modified", "e.txt", None, "a\nb", "a\nc");
        assert!(
            end.diff
                .ends_with("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"),
            "{}",
            end.diff
        );
    }
}
