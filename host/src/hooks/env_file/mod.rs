//! Claude Code's `CLAUDE_ENV_FILE`: a SessionStart command hook gets the
//! path of a fresh, empty file of its own; the `export NAME=value` lines
//! it leaves there are set for the model's later shell commands in the
//! session (the `shell` tool, subagents' too). Claude Code sources the
//! file with bash; quire runs no shell on it: each line is read as one
//! assignment ([`parse`]), `$NAME` / `${NAME}` put in from what was set
//! before or quire's environment, quotes taken off. A line that needs a
//! shell (`$(…)`, `` `…` ``, `${X:-y}`, `source …`, `alias`) is skipped
//! with a warning, and so are the names that change how a program or a
//! shell starts (`LD_*`, `BASH_ENV`, …: `REFUSED` in [`lines`]). `PATH` is allowed
//! (what `nvm use` or a virtualenv writes); a command run outside the
//! sandbox still has its programs checked against that `PATH`.
//!
//! The files are kept beside the session file (`session-env/ID/`, out of
//! the sandbox's reach) and read when the hook ends (a detached hook's
//! when it exits), then removed. A new session (`/new`) starts empty.

mod lines;
mod read;
mod value;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use lines::{MAX_TOTAL, left_out, parse, size};
use read::read_regular;

/// The variables SessionStart hooks set for the session.
#[derive(Default)]
pub struct EnvFiles {
    vars: RwLock<BTreeMap<String, String>>,
    next: AtomicUsize,
}

impl EnvFiles {
    /// A fresh empty file for one hook run of the session `id` whose file
    /// is `transcript`; `None` (logged) when it cannot be made.
    pub fn new_file(&self, transcript: &Path, id: &str) -> Option<PathBuf> {
        let dir = transcript.parent()?.join("session-env").join(id);
        let made = std::fs::DirBuilder::new().recursive(true).create(&dir);
        if let Err(e) = made {
            tracing::warn!("hooks: cannot make {}: {e}", dir.display());
            return None;
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let file = dir.join(format!("sessionstart-hook-{n}.sh"));
        match std::fs::write(&file, b"") {
            Ok(()) => Some(file),
            Err(e) => {
                tracing::warn!("hooks: cannot make {}: {e}", file.display());
                None
            }
        }
    }

    /// Reads `file` (left by `label`) into the session's variables and
    /// removes it; the warnings about what was skipped.
    pub fn take_in(&self, file: &Path, label: &str) -> Vec<String> {
        let text = read_regular(file);
        // A folder left there goes too (never a link's target: neither
        // call follows one).
        match std::fs::symlink_metadata(file) {
            Ok(m) if m.is_dir() => {
                if let Err(e) = std::fs::remove_dir_all(file) {
                    tracing::warn!("hooks: cannot remove {}: {e}", file.display());
                }
            }
            _ => {
                let _ = std::fs::remove_file(file);
            }
        }
        if let Some(dir) = file.parent() {
            // Only when empty: other hooks' files may still be there. Then
            // `session-env` itself, so the sessions folder holds sessions.
            if std::fs::remove_dir(dir).is_ok()
                && let Some(all) = dir.parent()
            {
                let _ = std::fs::remove_dir(all);
            }
        }
        let warn = |why: &str| format!("hook `{label}` (SessionStart): CLAUDE_ENV_FILE {why}");
        let text = match text {
            Ok(Some(text)) => text,
            Ok(None) => return Vec::new(),
            Err(why) => return vec![warn(&why)],
        };
        let text = String::from_utf8_lossy(&text);
        let Ok(mut vars) = self.vars.write() else {
            return Vec::new();
        };
        let used: usize = vars.iter().map(|(k, v)| size(k, v)).sum();
        let known = |name: &str| vars.get(name).cloned().or_else(|| std::env::var(name).ok());
        let parsed = parse(&text, &known, MAX_TOTAL.saturating_sub(used));
        vars.extend(parsed.vars);
        let mut warnings: Vec<String> = parsed.skipped.iter().map(|why| warn(why)).collect();
        if !parsed.left_out.is_empty() {
            warnings.push(warn(&left_out(&parsed.left_out)));
        }
        warnings
    }

    /// The variables set so far.
    pub fn vars(&self) -> BTreeMap<String, String> {
        self.vars.read().map(|v| v.clone()).unwrap_or_default()
    }

    /// A new session: nothing set.
    pub fn clear(&self) {
        if let Ok(mut v) = self.vars.write() {
            v.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_left_there_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let files = EnvFiles::default();
        let f = files.new_file(&dir.path().join("s.jsonl"), "ID").unwrap();
        std::fs::remove_file(&f).unwrap();
        std::fs::create_dir_all(f.join("inside")).unwrap();
        std::fs::write(f.join("inside/x"), "export X=1\n").unwrap();
        let warnings = files.take_in(&f, "h");
        assert!(warnings[0].contains("not a regular file"), "{warnings:?}");
        assert!(!dir.path().join("session-env").exists());
        assert!(files.vars().is_empty());
    }

    #[test]
    fn a_fifo_or_a_link_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let files = EnvFiles::default();
        let f = files.new_file(&dir.path().join("s.jsonl"), "ID").unwrap();
        std::fs::remove_file(&f).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&f).status();
        assert!(made.unwrap().success());
        let warnings = files.take_in(&f, "h");
        assert!(warnings[0].contains("not a regular file"), "{warnings:?}");
        assert!(!f.exists());

        let f = files.new_file(&dir.path().join("s.jsonl"), "ID").unwrap();
        let target = dir.path().join("t");
        std::fs::write(&target, "export X=1\n").unwrap();
        std::fs::remove_file(&f).unwrap();
        std::os::unix::fs::symlink(&target, &f).unwrap();
        let warnings = files.take_in(&f, "h");
        assert!(warnings[0].contains("not a regular file"), "{warnings:?}");
        assert!(files.vars().is_empty());
    }

    #[test]
    fn a_file_is_read_once_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let files = EnvFiles::default();
        let f = files.new_file(&dir.path().join("s.jsonl"), "ID").unwrap();
        assert_eq!(f.parent().unwrap(), dir.path().join("session-env/ID"));
        std::fs::write(&f, "export X=1\nunset Y\n").unwrap();
        let warnings = files.take_in(&f, "h");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(!f.exists());
        assert!(!dir.path().join("session-env").exists());
        assert_eq!(files.vars().get("X").map(String::as_str), Some("1"));
        files.clear();
        assert!(files.vars().is_empty());
    }
}
