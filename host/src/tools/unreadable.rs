//! What a walk of the workspace (list_dir, grep) could not read — a
//! folder or file without read permission — counted and named in a note
//! at the end of the answer, so a missing entry is not taken for an
//! absent one.

use std::path::Path;

use crate::printable::quoted_os_name;

/// Names given in the note; the rest are only counted.
const NAMED: usize = 5;

/// The entries a walk skipped because reading them failed.
#[derive(Debug, Default)]
pub(crate) struct Unreadable {
    names: Vec<String>,
    count: usize,
    /// The first error's kind in words ("permission denied").
    first_error: Option<String>,
}

impl Unreadable {
    /// A walk's error: counted when reading the disk failed (a folder that
    /// cannot be listed); `shown` names the path as the answer does.
    pub fn walk_error(&mut self, e: &ignore::Error, shown: impl Fn(&Path) -> String) {
        let Some(io) = e.io_error() else {
            tracing::debug!(error = %e, "walk: skipping an entry");
            return;
        };
        self.add(error_path(e).map(shown), io);
    }

    /// `name` (a file, already shown as the answer shows paths) could not
    /// be read: `e`.
    pub fn add(&mut self, name: Option<String>, e: &std::io::Error) {
        tracing::debug!(name = ?name, error = %e, "walk: skipping an unreadable entry");
        self.count += 1;
        if self.first_error.is_none() {
            self.first_error = Some(e.kind().to_string());
        }
        if let Some(name) = name
            && self.names.len() < NAMED
        {
            self.names.push(name);
        }
    }

    /// `[2 entries could not be read and were skipped (permission denied):
    /// weird/lockeddir, weird/unreadable.txt]`, or nothing.
    pub fn note(&self) -> Option<String> {
        if self.count == 0 {
            return None;
        }
        let what = match self.count {
            1 => "1 entry could not be read and was skipped".to_string(),
            n => format!("{n} entries could not be read and were skipped"),
        };
        let why = self
            .first_error
            .as_deref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        let mut names = self.names.join(", ");
        if self.count > self.names.len() && !names.is_empty() {
            names.push_str(", …");
        }
        let names = match names.is_empty() {
            true => String::new(),
            false => format!(": {names}"),
        };
        Some(format!("[{what}{why}{names}]\n"))
    }
}

/// The path an error of the walk is about.
fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

/// `path` (relative to `base` when inside it, else whole) as tool answers
/// show paths: quoted when it holds control characters or bytes that are
/// not UTF-8 ([`crate::printable::quoted_os_name`]).
pub(crate) fn shown_path(path: &Path, base: &Path) -> String {
    let rel = match path.strip_prefix(base) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel,
        _ => path,
    };
    quoted_os_name(rel.as_os_str()).into_owned()
}

/// Test support: runs `f` on a thread of its own that file modes bind
/// even as root (its `CAP_DAC_OVERRIDE` and `CAP_DAC_READ_SEARCH` are
/// dropped; capabilities are per thread, the others keep theirs).
#[cfg(test)]
pub(crate) fn with_modes_enforced<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(move || {
        super::caps::drop_from_thread(&[1, 2]).expect("drop CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH");
        f()
    })
    .join()
    .unwrap()
}
