//! `/diff`'s part for the files this session's patches changed that git
//! ignores (`.env.local`, `dist/config.js`): `git diff` and the untracked
//! list never show them, so the user would not see all the agent changed.
//! Only the session's patched files are asked about (`git check-ignore`),
//! never the ignored tree itself (node_modules, target), those of the
//! whole session (a resumed session's from its file's `patched` records).
//! Each is shown once, by what was there before its first patch against
//! what is there now (ignored_once.rs); when its patches cannot be taken
//! back so, by each patch's diff, and, when the file changed since, by
//! what it is now.

use std::path::{Path, PathBuf};
use std::time::Duration;

use quire::git::{Git, GitFailure};
use serde_json::Value;

use super::patches::{Patches, changed};
use super::{Said, Tone, diff};

/// How long `git check-ignore` may run (unless `QUIRE_GIT_TIMEOUT` says).
const TIMEOUT: Duration = Duration::from_secs(15);
/// The most of its output read.
const MAX_OUTPUT: usize = 1024 * 1024;

/// What `/diff` adds for the patched files git ignores in the repository
/// whose top folder is `top` (nothing when there are none).
pub(super) fn shown(patches: &Patches, cwd: &Path, top: &Path) -> Vec<Said> {
    let files = patched(patches);
    // One name per real file (`src/a.txt`, `./src/../src/a.txt` and a
    // linked folder's `alias/a.txt` are one file): the first spelling,
    // its `.` and `..` resolved.
    let mut names: Vec<(PathBuf, String)> = Vec::new();
    for p in files.iter().filter_map(path_of) {
        let key = super::undo_left::real(&cwd.join(p));
        if !names.iter().any(|(k, _)| *k == key) {
            names.push((key, tidy(cwd, p)));
        }
    }
    let name_of = |p: &str| {
        let key = super::undo_left::real(&cwd.join(p));
        names
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, n)| n.as_str())
    };
    let inside: Vec<&str> = names
        .iter()
        .map(|(_, n)| n.as_str())
        .filter(|p| within(cwd, p, top))
        .collect();
    if inside.is_empty() {
        return Vec::new();
    }
    let ignored = match ignored(cwd, &inside, top) {
        Ok(ignored) => ignored,
        Err(e) => {
            return vec![Said::Note(
                Tone::Bad,
                format!("error: /diff cannot tell which patched files git ignores: {e}"),
            )];
        }
    };
    if ignored.is_empty() {
        return Vec::new();
    }
    // Each under its file's one name.
    let entries: Vec<Value> = files
        .iter()
        .filter_map(|f| {
            let name = path_of(f).and_then(name_of)?;
            ignored.iter().any(|i| i == name).then(|| {
                let mut f = f.clone();
                f["path"] = Value::String(name.to_string());
                f
            })
        })
        .collect();
    // A file patched more than once: one diff, from before its first
    // patch to now.
    let entries = super::ignored_once::merged(entries, cwd);
    let n = ignored.len();
    let mut said = vec![
        Said::Note(
            Tone::Accent,
            format!(
                "ignored by git, patched in this session ({}; `git diff` and `git status` do not show {}):",
                quire::plural::counted(n, "file"),
                if n == 1 { "it" } else { "them" }
            ),
        ),
        Said::Diff(diff::files(&Value::Array(entries.clone()))),
    ];
    let now = since(&entries, &ignored, cwd);
    if !now.is_empty() {
        let note = if now.len() == 1 {
            "changed since its patch (the diff above is what the patch did, not what the file holds now):"
        } else {
            "changed since their patches (the diffs above are what the patches did, not what the files hold now):"
        };
        said.push(Said::Note(Tone::Accent, note.to_string()));
        said.push(Said::Lines(now));
    }
    said
}

/// The session's patched files in effect, in order: each task's, then
/// those /undo left as the patch left them.
fn patched(patches: &Patches) -> Vec<Value> {
    patches
        .tasks
        .iter()
        .flatten()
        .chain(
            patches
                .left
                .iter()
                .filter(|l| l.changed.is_none())
                .map(|l| &l.file),
        )
        .cloned()
        .collect()
}

fn path_of(f: &Value) -> Option<&str> {
    f.get("path")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
}

/// `path` (from `cwd`) with its `.` and `..` resolved as written, when
/// that stays below `cwd`; else as it is.
fn tidy(cwd: &Path, path: &str) -> String {
    let base = quire::tools::apply_patch::normalize(cwd);
    let full = quire::tools::apply_patch::normalize(&base.join(path));
    match full.strip_prefix(&base) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
        _ => path.to_string(),
    }
}

/// Whether `path` (from `cwd`) is inside the repository at `top`: git
/// refuses to say anything of a path outside it.
fn within(cwd: &Path, path: &str, top: &Path) -> bool {
    let base = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let full: PathBuf = quire::tools::apply_patch::normalize(&base.join(path));
    full.starts_with(top) && full != top
}

/// The path to ask git about for `path` (from `cwd`): as given, or,
/// when a folder on its way is a link (git refuses a path "beyond a
/// symbolic link", and with it the whole question), where the link leads;
/// `None` when that is outside the repository at `top`.
fn asked(cwd: &Path, path: &str, top: &Path) -> Option<String> {
    let base = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let full = quire::tools::apply_patch::normalize(&base.join(path));
    let (Some(parent), Some(name)) = (full.parent(), full.file_name()) else {
        return Some(path.to_string());
    };
    // A folder no longer there: nothing on the way is a link now.
    let Ok(real_parent) = std::fs::canonicalize(parent) else {
        return Some(path.to_string());
    };
    if real_parent == parent {
        return Some(path.to_string());
    }
    let real = real_parent.join(name);
    (real.starts_with(top) && real != top).then(|| real.to_string_lossy().into_owned())
}

/// The `paths` git ignores (and does not track), as given.
fn ignored(cwd: &Path, paths: &[&str], top: &Path) -> Result<Vec<String>, GitFailure> {
    let asks: Vec<(&str, String)> = paths
        .iter()
        .filter_map(|p| Some((*p, asked(cwd, p, top)?)))
        .collect();
    if asks.is_empty() {
        return Ok(Vec::new());
    }
    let mut input = Vec::new();
    for (_, a) in &asks {
        input.extend_from_slice(a.as_bytes());
        input.push(0);
    }
    let out = Git::new(cwd)
        .args(["check-ignore", "-z", "--stdin"])
        .input(&input)
        .usual_timeout(TIMEOUT)
        .limit(MAX_OUTPUT)
        .output()?;
    // 0: some are ignored, 1: none is.
    match out.status.code() {
        Some(0 | 1) => {
            let said = String::from_utf8_lossy(&out.stdout);
            let said: Vec<&str> = said.split('\0').filter(|p| !p.is_empty()).collect();
            Ok(asks
                .iter()
                .filter(|(_, a)| said.contains(&a.as_str()))
                .map(|(p, _)| p.to_string())
                .collect())
        }
        _ => Err(GitFailure::new(
            "git check-ignore",
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        )),
    }
}

/// The ignored files that differ now from what their last patch left:
/// `  path: what happened` and, when it is there, its size now.
fn since(entries: &[Value], ignored: &[String], cwd: &Path) -> Vec<String> {
    ignored
        .iter()
        .filter_map(|p| {
            let last = entries.iter().rev().find(|f| path_of(f) == Some(p))?;
            let real = cwd.join(p);
            let why = changed(last, &real)?;
            let size = std::fs::symlink_metadata(&real)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| format!(", {} now", quire::plural::counted(m.len(), "byte")))
                .unwrap_or_default();
            Some(format!(
                "  {}: {why}{size}",
                quire::printable::quoted_name(p)
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    }

    /// A path through a linked folder no longer makes git refuse the
    /// whole question: the others are still answered, and the linked one
    /// by where it leads.
    #[test]
    fn a_path_through_a_linked_folder_is_asked_where_the_link_leads() {
        let dir = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(dir.path()).unwrap();
        git(&top, &["init", "-q"]);
        std::fs::write(top.join(".gitignore"), "*.env\nreal/gen/\n").unwrap();
        std::fs::create_dir_all(top.join("real/gen")).unwrap();
        std::os::unix::fs::symlink("real", top.join("alias")).unwrap();
        std::fs::write(top.join("real/f.txt"), "x").unwrap();
        std::fs::write(top.join("real/gen/out.js"), "x").unwrap();
        std::fs::write(top.join("x.env"), "x").unwrap();
        let got = ignored(&top, &["alias/f.txt", "x.env", "alias/gen/out.js"], &top).unwrap();
        assert_eq!(got, ["x.env", "alias/gen/out.js"]);
    }
}
