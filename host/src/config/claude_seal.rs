//! A trusted repository's Claude Code settings files as they were when the
//! user trusted it.
//!
//! `.claude/settings.json` and `.claude/settings.local.json` are files
//! inside the workspace, which a sandboxed command may write. What they
//! widen — allow rules, `env` for the model's commands, `acceptEdits` or
//! `dontAsk` — counts only while a file's text is as trusted; a file
//! changed since (or appeared) keeps only what restricts (deny and ask
//! rules, `plan`, switching servers and hooks off), and each part not used
//! says why ([`super::claude_settings::ClaudeSettings::not_widening`]).
//! Unlike `.quire/config.toml` and `.mcp.json` ([`super::seal`]) the rest
//! of the repository's settings still apply: Claude Code itself writes
//! `settings.local.json` when the user answers "always". The records
//! (file → sha256) live in `$QUIRE_HOME/trusted_claude_settings.json`; a
//! repository trusted before they existed is recorded the first time it
//! is loaded, as [`super::seal`] does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::claude_settings::ClaudeSettings;
use super::seal::{fingerprint_of, key, read_store, write_store};

/// The files sealed, relative to the repository root.
pub const FILES: &[&str] = &[".claude/settings.json", ".claude/settings.local.json"];

const FILE: &str = "trusted_claude_settings.json";

/// By repository (canonical path): file → sha256 of its content.
type Records = BTreeMap<String, BTreeMap<String, String>>;

fn store(home: &Path) -> PathBuf {
    home.join(FILE)
}

fn load(home: &Path) -> Result<Records, String> {
    read_store(
        &store(home),
        "delete it to record the trusted repositories' Claude Code settings again",
    )
}

/// Records `root`'s files as they are now (the user trusts them).
pub fn record(home: &Path, root: &Path) -> Result<(), String> {
    let mut records = load(home).unwrap_or_default();
    records.insert(key(root), fingerprint_of(root, FILES));
    write_store(&store(home), &records)
}

/// The files of the trusted repository `root` that changed, appeared or
/// went away since they were recorded (none when nothing is recorded yet:
/// then they are recorded now).
fn changed(home: &Path, root: &Path) -> Result<Vec<String>, String> {
    let records = load(home)?;
    let now = fingerprint_of(root, FILES);
    let Some(then) = records.get(&key(root)) else {
        if let Err(e) = record(home, root) {
            tracing::warn!("trusted Claude Code settings not recorded: {e}");
        }
        return Ok(Vec::new());
    };
    Ok(FILES
        .iter()
        .filter(|rel| now.get(**rel) != then.get(**rel))
        .map(|rel| rel.to_string())
        .collect())
}

/// Marks the files of `settings` (read from the trusted repository
/// `root`) that changed since the user trusted it; when the records cannot
/// be read, every file of the repository, and a warning says why.
pub fn mark_changed(home: &Path, root: &Path, settings: &mut ClaudeSettings) -> Option<String> {
    let (changed, warning) = match changed(home, root) {
        Ok(files) => (files, None),
        Err(e) => (
            FILES.iter().map(|f| f.to_string()).collect(),
            Some(format!(
                "{e}; what the repository's Claude Code settings widen (allow rules, env, defaultMode) is not used"
            )),
        ),
    };
    for file in settings.files.iter_mut().filter(|f| !f.scope.is_user()) {
        let rel = file.path.strip_prefix(root).unwrap_or(&file.path);
        file.changed_since_trust = changed.iter().any(|c| Path::new(c) == rel);
    }
    warning
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_or_new_file_is_marked_until_trusted_again() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let (h, r) = (home.path(), repo.path());
        std::fs::create_dir_all(r.join(".claude")).unwrap();
        std::fs::write(r.join(".claude/settings.json"), "{}").unwrap();
        let read = || {
            let mut s = ClaudeSettings::read(None, Some(r), true);
            assert_eq!(mark_changed(h, r, &mut s), None);
            s.files
                .iter()
                .filter(|f| f.changed_since_trust)
                .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
        };
        // First sight records; nothing changed.
        assert!(read().is_empty());
        std::fs::write(
            r.join(".claude/settings.local.json"),
            r#"{"env": {"A": "1"}}"#,
        )
        .unwrap();
        assert_eq!(read(), ["settings.local.json"]);
        record(h, r).unwrap();
        assert!(read().is_empty());
        std::fs::write(r.join(".claude/settings.json"), r#"{"permissions": {}}"#).unwrap();
        assert_eq!(read(), ["settings.json"]);
    }

    #[test]
    fn unreadable_records_mark_every_repository_file() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(repo.path().join(".claude")).unwrap();
        std::fs::write(repo.path().join(".claude/settings.json"), "{}").unwrap();
        std::fs::write(home.path().join(FILE), "[").unwrap();
        let mut s = ClaudeSettings::read(None, Some(repo.path()), true);
        let w = mark_changed(home.path(), repo.path(), &mut s).unwrap();
        assert!(w.contains(FILE), "{w}");
        assert!(s.files.iter().all(|f| f.changed_since_trust));
    }
}
