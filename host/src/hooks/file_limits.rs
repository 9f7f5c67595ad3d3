//! How big a hooks file may be: a settings.json or plugin hook file over
//! [`MAX_FILE_BYTES`], or any hooks source with more than
//! [`MAX_HANDLERS`] handlers, is refused as a whole (an error naming the
//! file, its size or count and the limit): `plugins validate` and install
//! report it as a problem, everything else skips the file with a warning,
//! and the other files keep working.

use std::path::Path;

use serde_json::Value;

use super::HookError;

/// The largest hooks file read (1 MiB; real ones are a few KiB).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The most hook handlers one file may hold.
pub const MAX_HANDLERS: usize = 1000;

fn refused(path: &Path, message: String) -> HookError {
    HookError::Invalid {
        path: path.display().to_string(),
        message,
    }
}

/// Refuses the file at `path` when it is over [`MAX_FILE_BYTES`], before
/// it is read (a missing file is the reader's to report).
pub fn check_size(path: &Path) -> Result<(), HookError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() > MAX_FILE_BYTES => Err(refused(
            path,
            format!(
                "the hooks file is {} bytes, over the limit of {MAX_FILE_BYTES} bytes (1 MiB); none of its hooks are loaded",
                m.len()
            ),
        )),
        _ => Ok(()),
    }
}

/// Refuses a file holding more than [`MAX_HANDLERS`] handlers.
pub fn check_count(path: &Path, count: usize) -> Result<(), HookError> {
    match count > MAX_HANDLERS {
        true => Err(refused(
            path,
            format!(
                "the file has {count} hook handlers, over the limit of {MAX_HANDLERS}; none of its hooks are loaded"
            ),
        )),
        false => Ok(()),
    }
}

/// The handlers of a settings.json `hooks` map as written (every entry's
/// `hooks` array, before any is checked).
pub fn handlers_in<'a>(groups: impl Iterator<Item = &'a Vec<Value>>) -> usize {
    groups
        .flatten()
        .map(|g| g.get("hooks").and_then(Value::as_array).map_or(1, Vec::len))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_size_or_count_is_named_with_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("hooks.json");
        std::fs::write(&big, vec![b' '; MAX_FILE_BYTES as usize + 1]).unwrap();
        let e = check_size(&big).unwrap_err().to_string();
        assert!(
            e.contains("hooks.json") && e.contains("1048577 bytes"),
            "{e}"
        );
        assert!(e.contains("1048576"), "{e}");
        assert!(check_size(&dir.path().join("none.json")).is_ok());
        assert!(check_count(&big, MAX_HANDLERS).is_ok());
        let e = check_count(&big, MAX_HANDLERS + 1).unwrap_err().to_string();
        assert!(
            e.contains("1001 hook handlers") && e.contains("1000"),
            "{e}"
        );
        let groups = vec![serde_json::json!([{"hooks": [1, 2]}, {"hooks": [3]}, 5])];
        let groups: Vec<Vec<Value>> = groups
            .into_iter()
            .map(|v| v.as_array().cloned().unwrap())
            .collect();
        assert_eq!(handlers_in(groups.iter()), 4);
    }
}
