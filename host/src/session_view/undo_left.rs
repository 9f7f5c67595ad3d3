//! What an `/undo` did not revert, so that neither the user nor the model
//! is told more is back than is: changes made to a patched file since its
//! patch (by the task's shell commands or by hand), which `git apply -R`
//! merges around and keeps, and, after a task that ran shell commands,
//! what those changed (in a git repository: what `git status` still
//! shows).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::patches::changed;
use super::{Said, Tone};

/// What an `/undo` left in place.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Unreverted {
    /// Undone files that had changed since their patch: the patch's
    /// lines were taken out, those changes kept.
    pub kept: Vec<String>,
    /// The task ran shell commands.
    pub shell: bool,
    /// After such a task, the files `git status` still shows changed or
    /// untracked — the whole working tree's, not only this task's (git
    /// cannot tell who changed what); `None` outside a git repository.
    pub dirty: Option<Vec<String>>,
}

/// The paths among a task's patched `files` that changed since their
/// patch (looked at before /undo touches them).
pub fn drifted(files: &[Value], cwd: &Path) -> Vec<String> {
    let real_of = |f: &Value| {
        f.get("path")
            .and_then(Value::as_str)
            .map(|p| real(&cwd.join(p)))
    };
    // The last patch of a file says what it should hold, whatever path
    // (a link, another spelling) reached it: an earlier patch of the same
    // file in the task was changed since by that one, not by a command.
    // A move away from a file is its last patch too: what the file held
    // before the move is not what it should hold now.
    let from_of = |f: &Value| {
        f.get("from")
            .and_then(Value::as_str)
            .map(|p| real(&cwd.join(p)))
    };
    let mut last: Vec<(Option<PathBuf>, &Value)> = Vec::new();
    for f in files {
        let key = real_of(f);
        let from = from_of(f);
        last.retain(|(k, _)| *k != key && (from.is_none() || *k != from));
        last.push((key, f));
    }
    last.into_iter()
        .map(|(_, f)| f)
        .filter(|f| f.get("status").and_then(Value::as_str) != Some("deleted"))
        .filter_map(|f| {
            let path = f.get("path").and_then(Value::as_str)?;
            changed(f, &cwd.join(path)).map(|_| path.to_string())
        })
        .collect()
}

/// The file `path` leads to: its links and `..` resolved (for a file
/// that is gone, its folder's), as far as they resolve.
pub(super) fn real(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .map(|d| d.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

/// What the /undo that put back `undone` left in place: `drifted` as
/// [`drifted`] found it, `shell` whether the task ran shell commands.
pub fn unreverted(undone: &[String], drifted: &[String], shell: bool, cwd: &Path) -> Unreverted {
    let kept = undone
        .iter()
        .filter(|p| drifted.contains(p))
        .cloned()
        .collect();
    let dirty = if shell { status(cwd) } else { None };
    Unreverted { kept, shell, dirty }
}

/// `git status`'s changed and untracked paths (relative to `cwd`);
/// `None` when `cwd` is not in a git repository.
fn status(cwd: &Path) -> Option<Vec<String>> {
    let out = quire::git::run(cwd, &["status", "--short", "--untracked-files=all"]).ok()?;
    Some(
        out.lines()
            .filter_map(|l| l.get(3..))
            .map(str::to_string)
            .collect(),
    )
}

/// What the user is told after a task that ran shell commands.
const SHELL_LEFT: &str =
    "not reverted: /undo reverts only patches, not what this task's shell commands changed";

impl Unreverted {
    /// Nothing stays as the task left it: no change kept since a patch,
    /// no shell command whose changes /undo cannot know. (A clean `git
    /// status` says nothing of ignored files, nor of files outside the
    /// repository, that a command may have written.)
    fn nothing(&self) -> bool {
        self.kept.is_empty() && !self.shell
    }

    /// The view's lines after `undone: …`.
    pub fn said(&self) -> Vec<Said> {
        let mut said = Vec::new();
        if !self.kept.is_empty() {
            said.push(Said::Note(
                Tone::Accent,
                format!(
                    "kept in {}: changes made since the patch (by a shell command or by hand); only the patch's own lines were taken out",
                    self.kept.join(", ")
                ),
            ));
        }
        if self.shell {
            let text = match &self.dirty {
                Some(d) if !d.is_empty() => format!(
                    "{SHELL_LEFT}; git status shows changes besides the undone patches (not all need be this task's): {}",
                    d.join(", ")
                ),
                Some(_) => format!(
                    "{SHELL_LEFT} (git status shows none: look at ignored files and files outside the repository)"
                ),
                None => SHELL_LEFT.to_string(),
            };
            said.push(Said::Note(Tone::Accent, text));
        }
        said
    }

    /// What the model's note says after the files undone: `None` when all
    /// of the task is back as it was.
    pub fn note(&self) -> Option<String> {
        if self.nothing() {
            return None;
        }
        let mut text = String::from(": only your patches' changes to these files were reverted.");
        if !self.kept.is_empty() {
            text.push_str(&format!(
                " Changes made since the patch were kept in: {}.",
                self.kept.join(", ")
            ));
        }
        if self.shell {
            text.push_str(" What your shell commands in that turn changed was NOT reverted");
            match &self.dirty {
                Some(d) if !d.is_empty() => text.push_str(&format!(
                    "; git status shows changes besides the undone patches (not all need be from that turn) in: {}.",
                    d.join(", ")
                )),
                Some(_) => text.push_str(
                    " (git status shows no changes, but ignored files and files outside the repository may have changed).",
                ),
                None => text.push('.'),
            }
        }
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::Unreverted;

    #[test]
    fn a_task_without_shell_or_later_changes_is_all_back() {
        let u = Unreverted::default();
        assert_eq!(u.note(), None);
        assert!(u.said().is_empty());
    }

    #[test]
    fn shell_commands_are_named_even_when_git_status_is_clean() {
        let clean = Unreverted {
            shell: true,
            dirty: Some(Vec::new()),
            ..Unreverted::default()
        };
        let note = clean.note().unwrap_or_default();
        assert!(
            note.contains("was NOT reverted (git status shows no changes"),
            "{note}"
        );
        assert!(!note.contains("back as they were"), "{note}");
        assert_eq!(clean.said().len(), 1);
    }

    #[test]
    fn the_note_names_what_stays() {
        let u = Unreverted {
            kept: vec!["a.py".into()],
            shell: true,
            dirty: Some(vec!["a.py".into(), "new.txt".into()]),
        };
        let note = u.note().unwrap_or_default();
        assert!(note.contains("kept in: a.py"), "{note}");
        assert!(
            note.contains("NOT reverted; git status shows changes besides the undone patches (not all need be from that turn) in: a.py, new.txt"),
            "{note}"
        );
        assert_eq!(u.said().len(), 2);
    }
}
