//! The composer's history, kept in `QUIRE_HOME/history.jsonl` (one JSON
//! string a line, the newest last).

use std::io::Write;
use std::path::Path;

/// Entries kept.
const KEEP: usize = 500;

/// The longest entry kept (bytes): a large paste recalled with ↑ would come
/// back whole into the input (every key then re-wraps all of it) and be
/// read again at every start. Longer messages are sent, not remembered.
pub const MAX_ENTRY: usize = 8 * 1024;

/// Whether `entry` is short enough for the history.
pub fn fits(entry: &str) -> bool {
    entry.len() <= MAX_ENTRY
}

pub fn load(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    // Entries too long for the history, written by an older version, are
    // left out (their JSON is at least as long as the text).
    let all: Vec<String> = text
        .lines()
        .filter(|l| l.len() <= MAX_ENTRY * 6 + 2)
        .filter_map(|l| serde_json::from_str::<String>(l).ok())
        .filter(|e| fits(e))
        .collect();
    let skip = all.len().saturating_sub(KEEP);
    all.into_iter().skip(skip).collect()
}

/// Appends one entry; failures are logged, never shown.
pub fn append(path: &Path, entry: &str) {
    if !fits(entry) {
        return;
    }
    let Ok(line) = serde_json::to_string(entry) else {
        return;
    };
    // Only the user reads it (0600), as the line mode's history.txt.
    let r = quire::owner_only::append(path).and_then(|mut f| writeln!(f, "{line}"));
    if let Err(e) = r {
        tracing::debug!(error = %e, path = %path.display(), "history not saved");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_entries_are_neither_saved_nor_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let big = "x".repeat(MAX_ENTRY + 1);
        append(&path, "short one");
        append(&path, &big);
        assert_eq!(load(&path), vec!["short one".to_string()]);
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size < 100, "the long entry was written: {size} bytes");
        // One an older version wrote is skipped on load.
        std::fs::write(
            &path,
            format!("{}\n\"kept\"\n", serde_json::to_string(&big).unwrap()),
        )
        .unwrap();
        assert_eq!(load(&path), vec!["kept".to_string()]);
    }
}
