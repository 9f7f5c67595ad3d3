//! The bound on a review's cost: a file whose diff is over `[review]
//! max_file_bytes` is not reviewed, nor the files past `[review]
//! max_triage_bytes` of diff in all. Each is named with the limit it
//! passed, before any model request, and the note says how to review it.

use super::config::ReviewConfig;
use super::diff::FileDiff;
use super::scope::Skipped;

/// The setting a file over its own limit passed.
pub const FILE_LIMIT: &str = "max_file_bytes";
/// The setting a file past the review's total passed.
pub const TOTAL_LIMIT: &str = "max_triage_bytes";

/// The files kept, those left out by a limit, and the bytes of diff kept.
#[derive(Debug)]
pub struct Bounded {
    pub kept: Vec<FileDiff>,
    pub left_out: Vec<Skipped>,
    pub bytes: u64,
}

/// The bytes of a file's diff: its hunks' lines, each with its line break.
pub fn diff_bytes(f: &FileDiff) -> u64 {
    f.hunks
        .iter()
        .flat_map(|h| &h.lines)
        .map(|l| l.len() as u64 + 1)
        .sum()
}

/// Keeps the files within the limits of `config` (0: no limit), in diff
/// order: a file over `max_file_bytes` is left out, and so is a file that
/// would take the total past `max_triage_bytes` (a smaller one after it
/// may still fit).
pub fn bound(files: Vec<FileDiff>, config: &ReviewConfig) -> Bounded {
    let mut out = Bounded {
        kept: Vec::new(),
        left_out: Vec::new(),
        bytes: 0,
    };
    for f in files {
        let n = diff_bytes(&f);
        let file_limit = config.max_file_bytes;
        let total_limit = config.max_triage_bytes;
        if file_limit > 0 && n > file_limit {
            out.left_out.push(Skipped::over_limit(
                &f.path,
                FILE_LIMIT,
                format!(
                    "its diff ({}) is over [review] {FILE_LIMIT} ({})",
                    size(n),
                    size(file_limit)
                ),
            ));
        } else if total_limit > 0 && out.bytes + n > total_limit {
            out.left_out.push(Skipped::over_limit(
                &f.path,
                TOTAL_LIMIT,
                format!(
                    "its diff ({}) would take the review past [review] {TOTAL_LIMIT} ({})",
                    size(n),
                    size(total_limit)
                ),
            ));
        } else {
            out.bytes += n;
            out.kept.push(f);
        }
    }
    out
}

/// Files named in a note, at most (the report lists them all).
const NAMED: usize = 10;

/// What the limits left out, each file and why, and how to review them;
/// `None` when nothing was.
pub fn note(left_out: &[Skipped]) -> Option<String> {
    let over: Vec<&Skipped> = left_out.iter().filter(|s| s.limit.is_some()).collect();
    if over.is_empty() {
        return None;
    }
    let named: Vec<String> = over
        .iter()
        .take(NAMED)
        .map(|s| format!("{} ({})", crate::printable::quoted_name(&s.path), s.reason))
        .collect();
    let more = match over.len().saturating_sub(NAMED) {
        0 => String::new(),
        n => format!(" and {n} more (listed in the report)"),
    };
    let mut raise: Vec<String> = Vec::new();
    for key in [FILE_LIMIT, TOTAL_LIMIT] {
        if over.iter().any(|s| s.limit.as_deref() == Some(key)) {
            raise.push(format!("-c review.{key}=BYTES"));
        }
    }
    Some(format!(
        "{} file(s) not reviewed, over the review's size limits: {}{more}; review them with a narrower target (--commit SHA, --range A..B, or stage fewer files and use --staged) or raise the limit ({}; 0: no limit)",
        over.len(),
        named.join(", "),
        raise.join(", ")
    ))
}

/// `812 bytes`, `256 KiB`, `21.3 MiB`.
pub fn size(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else if n >= KIB {
        format!("{:.0} KiB", n as f64 / KIB as f64)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::super::diff::Hunk;
    use super::*;

    fn file(path: &str, lines: usize) -> FileDiff {
        FileDiff {
            path: path.into(),
            deleted: false,
            binary: false,
            symlink: false,
            submodule: false,
            renamed_from: None,
            hunks: vec![Hunk {
                id: "H1".into(),
                file: path.into(),
                new_start: 1,
                // 10 bytes a line with its line break.
                lines: (0..lines).map(|_| "+01234567".to_string()).collect(),
                not_utf8: false,
            }],
        }
    }

    #[test]
    fn files_over_a_limit_are_left_out_and_named() {
        let config = ReviewConfig {
            max_file_bytes: 1000,
            max_triage_bytes: 1500,
            ..ReviewConfig::default()
        };
        let files = vec![
            file("huge.txt", 500),
            file("a.rs", 90),
            file("b.rs", 90),
            file("c.rs", 50),
        ];
        let b = bound(files, &config);
        let kept: Vec<&str> = b.kept.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(kept, ["a.rs", "c.rs"]);
        assert_eq!(b.bytes, 1400);
        let out: Vec<(&str, Option<&str>)> = b
            .left_out
            .iter()
            .map(|s| (s.path.as_str(), s.limit.as_deref()))
            .collect();
        assert_eq!(
            out,
            [("huge.txt", Some(FILE_LIMIT)), ("b.rs", Some(TOTAL_LIMIT))]
        );
        let note = note(&b.left_out).unwrap_or_default();
        for part in [
            "2 file(s) not reviewed",
            "huge.txt (its diff (5 KiB) is over [review] max_file_bytes (1000 bytes))",
            "b.rs (its diff (900 bytes) would take the review past [review] max_triage_bytes",
            "narrower target",
            "-c review.max_file_bytes=BYTES, -c review.max_triage_bytes=BYTES",
        ] {
            assert!(note.contains(part), "{part} not in {note}");
        }
        let unlimited = ReviewConfig {
            max_file_bytes: 0,
            max_triage_bytes: 0,
            ..ReviewConfig::default()
        };
        assert!(
            bound(vec![file("huge.txt", 500)], &unlimited)
                .left_out
                .is_empty()
        );
        assert_eq!(super::note(&[]), None);
    }
}
