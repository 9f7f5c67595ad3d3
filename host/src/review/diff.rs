//! A unified diff as files and hunks, each hunk numbered (`H1`, `H2`…)
//! and rendered with the new version's line numbers for the model.

use std::fmt::Write as _;

/// One file of the diff.
#[derive(Debug, Clone, PartialEq)]
pub struct FileDiff {
    /// The path in the new version (the old one for a deleted file).
    pub path: String,
    pub deleted: bool,
    pub binary: bool,
    /// A symbolic link (mode 120000) on either side: its "content" is
    /// the path it points to.
    pub symlink: bool,
    /// A submodule (mode 160000) on either side: its "content" is the
    /// commit it points to (`Subproject commit …`).
    pub submodule: bool,
    /// The path in the old version when git paired this file with one it
    /// was renamed from (its hunks are then only what changed).
    pub renamed_from: Option<String>,
    pub hunks: Vec<Hunk>,
}

/// One hunk (or, for a hunk too large for one request, one part of it).
#[derive(Debug, Clone, PartialEq)]
pub struct Hunk {
    /// `H<n>` or `H<n>.<part>`.
    pub id: String,
    pub file: String,
    /// First line in the new version.
    pub new_start: u32,
    /// The hunk's lines as in the diff (` `, `+`, `-`, `\` prefixes).
    pub lines: Vec<String>,
    /// Its file is not UTF-8 (Latin-1, Shift-JIS…): the bytes that are
    /// not are in `lines` as U+FFFD, and the header says so.
    pub not_utf8: bool,
}

impl Hunk {
    /// The range of new-version lines it covers (at least one line).
    pub fn new_range(&self) -> (u32, u32) {
        let count = self
            .lines
            .iter()
            .filter(|l| l.starts_with(' ') || l.starts_with('+'))
            .count() as u32;
        (self.new_start, self.new_start + count.saturating_sub(1))
    }

    /// The text the model reads: a header, then each line with its number
    /// in the new version (removed lines have none).
    pub fn render(&self) -> String {
        let (from, to) = self.new_range();
        let encoding = if self.not_utf8 {
            "; the file is not UTF-8: its bytes that are not UTF-8 are shown as \u{fffd}"
        } else {
            ""
        };
        let mut out = format!(
            "### {} {} (new lines {from}-{to}{encoding})\n",
            self.id,
            crate::printable::quoted_name(&self.file)
        );
        let mut line = self.new_start;
        for l in &self.lines {
            if l.starts_with('-') {
                let _ = writeln!(out, "      |{l}");
            } else if l.starts_with('\\') {
                continue;
            } else {
                let _ = writeln!(out, "{line:>5} |{l}");
                line += 1;
            }
        }
        out
    }
}

/// Parses `git diff` output. Lines that belong to no file are ignored.
pub fn parse(text: &str) -> Vec<FileDiff> {
    parse_bytes(text.as_bytes())
}

/// Parses `git diff` output as git wrote it: a file whose lines are not
/// UTF-8 has its hunks marked `not_utf8` (those bytes become U+FFFD).
pub fn parse_bytes(bytes: &[u8]) -> Vec<FileDiff> {
    let mut files: Vec<FileDiff> = Vec::new();
    let mut counter = 0usize;
    let mut in_hunk = false;
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    for raw in body.split(|b| *b == b'\n') {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let (line, bad) = match std::str::from_utf8(raw) {
            Ok(l) => (std::borrow::Cow::Borrowed(l), false),
            Err(_) => (String::from_utf8_lossy(raw), true),
        };
        let line: &str = &line;
        if let Some(rest) = line.strip_prefix("diff --git ") {
            files.push(FileDiff {
                path: path_from_header(rest),
                deleted: false,
                binary: false,
                symlink: false,
                submodule: false,
                renamed_from: None,
                hunks: Vec::new(),
            });
            in_hunk = false;
            continue;
        }
        let Some(file) = files.last_mut() else {
            continue;
        };
        if let Some(header) = line.strip_prefix("@@ ") {
            counter += 1;
            in_hunk = true;
            file.hunks.push(Hunk {
                id: format!("H{counter}"),
                file: file.path.clone(),
                new_start: new_start(header).unwrap_or(1),
                lines: Vec::new(),
                not_utf8: false,
            });
            continue;
        }
        if in_hunk
            && let Some(hunk) = file.hunks.last_mut()
            && (line.starts_with([' ', '+', '-', '\\']) || line.is_empty())
        {
            hunk.lines.push(if line.is_empty() {
                " ".into()
            } else {
                line.into()
            });
            hunk.not_utf8 |= bad;
            continue;
        }
        in_hunk = false;
        if let Some(p) = line.strip_prefix("+++ ") {
            if let Some(p) = unquote(p).strip_prefix("b/") {
                file.path = p.to_string();
            }
        } else if let Some(p) = line.strip_prefix("rename from ") {
            file.renamed_from = Some(unquote(p));
        } else if let Some(p) = line.strip_prefix("rename to ") {
            file.path = unquote(p);
        } else if line.starts_with("deleted file mode") {
            file.deleted = true;
        }
        if has_mode(line, LINK_MODE) {
            file.symlink = true;
        } else if has_mode(line, SUBMODULE_MODE) {
            file.submodule = true;
        } else if line.starts_with("Binary files ") || line == "GIT binary patch" {
            file.binary = true;
        }
    }
    for f in &mut files {
        let path = f.path.clone();
        let not_utf8 = f.hunks.iter().any(|h| h.not_utf8);
        for h in &mut f.hunks {
            h.file = path.clone();
            h.not_utf8 = not_utf8;
        }
    }
    files
}

/// Numbers the hunks of `files` again, `H1` on: the ids the model is
/// shown run over the hunks it reviews, not over the files left out.
pub fn renumber(files: &mut [FileDiff]) {
    let hunks = files.iter_mut().flat_map(|f| f.hunks.iter_mut());
    for (n, h) in hunks.enumerate() {
        h.id = format!("H{}", n + 1);
    }
}

/// The mode of a symbolic link.
const LINK_MODE: &str = "120000";
/// The mode of a submodule (a gitlink).
const SUBMODULE_MODE: &str = "160000";

/// A header line giving the file mode `mode`: `new file mode`, `deleted
/// file mode`, `old mode`, `new mode`, or the mode at the end of `index
/// A..B MODE`.
fn has_mode(line: &str, mode: &str) -> bool {
    [
        "new file mode ",
        "deleted file mode ",
        "old mode ",
        "new mode ",
    ]
    .iter()
    .any(|p| line.strip_prefix(p).map(str::trim) == Some(mode))
        || (line.starts_with("index ") && line.split_whitespace().nth(2) == Some(mode))
}

/// `a/X b/Y` → `Y` (paths with spaces are split at ` b/`; quoted paths,
/// `"a/X" "b/Y"`, are decoded).
pub fn path_from_header(rest: &str) -> String {
    let rest = rest.trim();
    // The new path is the second of two: after a quoted first one, or
    // itself quoted, or after the last ` b/`.
    let second = if rest.starts_with('"') {
        c_string(rest).map(|(_, tail)| tail.trim_start())
    } else {
        rest.rfind(" \"b/")
            .or_else(|| rest.rfind(" b/"))
            .map(|i| &rest[i + 1..])
    };
    match second {
        Some(b) => unquote(b).trim_start_matches("b/").to_string(),
        None => rest.to_string(),
    }
}

/// A path as git writes it in a diff: plain, or in double quotes with C
/// escapes (`\n`, `\t`, `\"`, `\\`, octal bytes) when it holds a control
/// character, a quote or a backslash; decoded (bytes that are not UTF-8
/// become U+FFFD). Trailing whitespace (git ends some `---` lines with a
/// tab) is dropped.
pub fn unquote(s: &str) -> String {
    let s = s.trim_end();
    match c_string(s) {
        Some((text, _)) => text,
        None => s.trim_start().to_string(),
    }
}

/// The C-quoted string at the start of `s` and what follows it; `None`
/// when `s` does not start with a complete one.
fn c_string(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let bytes = body.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let text = String::from_utf8_lossy(&out).into_owned();
                return Some((text, &body[i + 1..]));
            }
            b'\\' => {
                let next = *bytes.get(i + 1)?;
                i += 2;
                out.push(match next {
                    b'a' => 0x07,
                    b'b' => 0x08,
                    b't' => b'\t',
                    b'n' => b'\n',
                    b'v' => 0x0b,
                    b'f' => 0x0c,
                    b'r' => b'\r',
                    b'0'..=b'7' => {
                        let digits = bytes.get(i - 1..i + 2)?;
                        if !digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                            return None;
                        }
                        i += 2;
                        digits
                            .iter()
                            .fold(0u32, |n, d| n * 8 + u32::from(d - b'0'))
                            .try_into()
                            .ok()?
                    }
                    other => other,
                });
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

/// `-a,b +c,d @@ …` → `c`.
fn new_start(header: &str) -> Option<u32> {
    let plus = header.split_whitespace().find(|w| w.starts_with('+'))?;
    plus[1..].split(',').next()?.parse().ok()
}

/// Splits hunks longer than `max_lines` into parts (`H3.1`, `H3.2`…), each
/// with its own first line, so no part is larger than one request allows.
pub fn split_long(hunk: &Hunk, max_lines: usize) -> Vec<Hunk> {
    let max_lines = max_lines.max(1);
    if hunk.lines.len() <= max_lines {
        return vec![hunk.clone()];
    }
    let mut parts = Vec::new();
    let mut start = hunk.new_start;
    for (i, chunk) in hunk.lines.chunks(max_lines).enumerate() {
        parts.push(Hunk {
            id: format!("{}.{}", hunk.id, i + 1),
            file: hunk.file.clone(),
            new_start: start,
            lines: chunk.to_vec(),
            not_utf8: hunk.not_utf8,
        });
        start += chunk.iter().filter(|l| !l.starts_with(['-', '\\'])).count() as u32;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIFF: &str = "diff --git a/src/a.rs b/src/a.rs\nindex 1..2 100644\n--- a/src/a.rs\n+++ b/src/a.rs\n@@ -1,3 +1,4 @@ fn x\n one\n-two\n+deux\n+trois\n three\n@@ -20,2 +21,2 @@\n a\n-b\n+c\ndiff --git a/old.txt b/old.txt\ndeleted file mode 100644\n--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\ndiff --git a/img.png b/img.png\nBinary files a/img.png and b/img.png differ\n";

    #[test]
    fn files_and_hunks_with_new_line_numbers() {
        let files = parse(DIFF);
        assert_eq!(files.len(), 3);
        assert_eq!(files[0].path, "src/a.rs");
        assert_eq!(files[0].hunks.len(), 2);
        assert_eq!(files[0].hunks[0].id, "H1");
        assert_eq!(files[0].hunks[0].new_range(), (1, 4));
        assert_eq!(files[0].hunks[1].new_start, 21);
        assert!(files[1].deleted);
        assert_eq!(files[1].path, "old.txt");
        assert!(files[2].binary);
        assert!(!files.iter().any(|f| f.symlink));
        let text = files[0].hunks[0].render();
        assert!(text.contains("    2 |+deux"), "{text}");
        assert!(text.contains("      |-two"), "{text}");
    }

    #[test]
    fn renamed_files_keep_only_their_changes_under_the_new_path() {
        let diff = "diff --git a/old.txt b/ren b.txt\nsimilarity index 100%\nrename from old.txt\nrename to ren b.txt\ndiff --git a/a b.txt \"b/x\\ty.txt\"\nsimilarity index 50%\nrename from a b.txt\nrename to \"x\\ty.txt\"\nindex 1..2 100644\n--- a/a b.txt\t\n+++ \"b/x\\ty.txt\"\n@@ -1 +1,2 @@\n a\n+b\n";
        let files = parse(diff);
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].path, "ren b.txt");
        assert_eq!(files[0].renamed_from.as_deref(), Some("old.txt"));
        assert!(files[0].hunks.is_empty());
        assert_eq!(files[1].path, "x\ty.txt");
        assert_eq!(files[1].renamed_from.as_deref(), Some("a b.txt"));
        assert_eq!(files[1].hunks[0].file, "x\ty.txt");
        assert_eq!(files[1].hunks[0].lines, [" a", "+b"]);
    }

    #[test]
    fn symbolic_links_are_known_by_their_mode() {
        let diff = "diff --git a/link b/link\nnew file mode 120000\nindex 0000000..1111111\n--- /dev/null\n+++ b/link\n@@ -0,0 +1 @@\n+target.txt\n\\ No newline at end of file\ndiff --git a/l2 b/l2\nindex 1111111..2222222 120000\n--- a/l2\n+++ b/l2\n@@ -1 +1 @@\n-a\n+b\ndiff --git a/f b/f\nindex 1111111..2222222 100644\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n";
        let files = parse(diff);
        let links: Vec<bool> = files.iter().map(|f| f.symlink).collect();
        assert_eq!(links, [true, true, false]);
    }

    #[test]
    fn quoted_paths_are_decoded() {
        let diff = "diff --git \"a/new\\nline.txt\" \"b/new\\nline.txt\"\n--- \"a/new\\nline.txt\"\n+++ \"b/new\\nline.txt\"\n@@ -1 +1,2 @@\n x\n+y\n";
        let files = parse(diff);
        assert_eq!(files[0].path, "new\nline.txt");
        assert_eq!(files[0].hunks[0].file, "new\nline.txt");
        assert_eq!(unquote(r#""q\"\\\303\274.txt""#), "q\"\\ü.txt");
        assert_eq!(unquote("plain name.txt\t"), "plain name.txt");
        assert_eq!(path_from_header("\"a/x\\ty\" b/z w"), "z w");
    }

    #[test]
    fn long_hunks_split_into_numbered_parts_that_keep_line_numbers() {
        let hunk = Hunk {
            id: "H7".into(),
            file: "f".into(),
            new_start: 10,
            lines: (0..10).map(|i| format!("+l{i}")).collect(),
            not_utf8: false,
        };
        let parts = split_long(&hunk, 4);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[1].id, "H7.2");
        assert_eq!(parts[1].new_start, 14);
        assert_eq!(parts[2].new_range(), (18, 19));
    }
}
