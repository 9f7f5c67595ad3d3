//! The composer's history, kept in `QUIRE_HOME/history.jsonl` (one JSON
//! string a line, the newest last).

use std::io::Write;
use std::path::Path;

/// Entries kept.
const KEEP: usize = 500;

pub fn load(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let all: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<String>(l).ok())
        .collect();
    let skip = all.len().saturating_sub(KEEP);
    all.into_iter().skip(skip).collect()
}

/// Appends one entry; failures are logged, never shown.
pub fn append(path: &Path, entry: &str) {
    let Ok(line) = serde_json::to_string(entry) else {
        return;
    };
    // Only the user reads it (0600), as the line mode's history.txt.
    let r = quire::owner_only::append(path).and_then(|mut f| writeln!(f, "{line}"));
    if let Err(e) = r {
        tracing::debug!(error = %e, path = %path.display(), "history not saved");
    }
}
