//! A text edit undone with `git apply -R`, and what to say when the
//! file's folder cannot be written (a read-only mount, a full disk):
//! that, rather than a merge conflict, and only once the file is as it
//! was (git removes a file before it writes it again).

use std::path::Path;

/// Why a reverse diff was not applied.
#[derive(Debug)]
pub enum Unwritten {
    /// The file changed since and the diff does not fit it: git's error.
    Conflict(String),
    /// The file could not be written or removed: the whole message.
    Denied(String),
}

/// Reverses `diff` (of the file `path`, shown relative to `cwd`, as
/// the patch's `status` left it) with `git apply -R`.
pub fn reverse(cwd: &Path, path: &str, status: &str, diff: &str) -> Result<(), Unwritten> {
    let file = cwd.join(path);
    let before = std::fs::read(&file).ok();
    let stderr = match reverse_apply(cwd, diff) {
        Ok(stderr) => stderr,
        // Stopped at its deadline, perhaps half way: the file as it was.
        Err(Failed::Stopped(why)) => {
            return Err(Unwritten::Denied(put_back(&file, path, before, &why)));
        }
        Err(Failed::Git(stderr)) => {
            let Some(why) = denied(&stderr) else {
                return Err(Unwritten::Conflict(stderr));
            };
            return Err(Unwritten::Denied(put_back(&file, path, before, &why)));
        }
    };
    // git only warns when it cannot remove a file, and succeeds.
    if status == "added" && std::fs::symlink_metadata(&file).is_ok() {
        let why = denied(&stderr).unwrap_or_else(|| "it is still there".to_string());
        return Err(Unwritten::Denied(format!(
            "cannot remove {path}: {why}; nothing was written — /diff shows the change"
        )));
    }
    Ok(())
}

/// Whether the file `path` (relative to `cwd`) already holds what it
/// held before the patch whose `diff` left content with digest `left`:
/// the diff, applied to a copy of the file as it is now (in a folder of
/// its own, never the user's), gives exactly what the patch left.
pub fn as_before(cwd: &Path, path: &str, diff: &str, left: &str) -> bool {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let rel = Path::new(path);
    let plain = rel
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain {
        return false;
    }
    let Ok(now) = std::fs::read(cwd.join(path)) else {
        return false;
    };
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("quire-undo-{}-{n}", std::process::id()));
    let copy = dir.join(rel);
    let applied = copy
        .parent()
        .is_some_and(|p| std::fs::create_dir_all(p).is_ok())
        && std::fs::write(&copy, &now).is_ok()
        && quire::git::Git::new(&dir)
            .args(["apply", "--whitespace=nowarn", "-"])
            .input(diff.as_bytes())
            .output()
            .is_ok_and(|o| o.status.success());
    let same = applied
        && std::fs::read(&copy)
            .is_ok_and(|bytes| quire::tools::apply_patch::sha256_hex(&bytes) == left);
    if let Err(e) = std::fs::remove_dir_all(&dir) {
        tracing::debug!("cannot remove {}: {e}", dir.display());
    }
    same
}

/// The message for a write git could not make, once the file is as it
/// was before (put back when git had already removed it).
fn put_back(file: &Path, path: &str, before: Option<Vec<u8>>, why: &str) -> String {
    let now = std::fs::read(file).ok();
    let restored = match before {
        Some(bytes) if now.as_ref() != Some(&bytes) => std::fs::write(file, &bytes),
        _ => Ok(()),
    };
    match restored {
        Ok(()) => {
            format!("cannot write {path}: {why}; nothing was written — /diff shows the change")
        }
        Err(e) => format!(
            "cannot write {path}: {why}; it is not as before the undo either ({}): /diff shows the patch's version",
            reason(&e.to_string())
        ),
    }
}

/// The system's reason in git's `unable to write file` / `unable to
/// unlink` lines (`Read-only file system`), in lower case; `None` when
/// git failed for another reason.
fn denied(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .filter(|l| l.contains("unable to write file") || l.contains("unable to unlink"))
        .filter_map(|l| l.rsplit_once(": ").map(|(_, why)| reason(why)))
        .next()
}

/// An OS error's text as part of a sentence: `Read-only file system (os
/// error 30)` → `read-only file system`.
pub fn reason(text: &str) -> String {
    let text = text.split(" (os error").next().unwrap_or(text).trim();
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Why `git apply -R` did not apply.
enum Failed {
    /// git's error (or quire's, when git could not run).
    Git(String),
    /// Stopped at its deadline: it may have written part of the file.
    Stopped(String),
}

/// Runs `git apply -R` (quire's own git: no filter, hook or other
/// program the repository's setup names runs, stopped at its deadline);
/// its stderr (warnings on success).
fn reverse_apply(cwd: &Path, diff: &str) -> Result<String, Failed> {
    let out = quire::git::Git::new(cwd)
        .args(["apply", "-R", "--whitespace=nowarn", "-"])
        .input(diff.as_bytes())
        .output()
        .map_err(|e| {
            if e.stopped {
                // What it left is put back: only why it was stopped.
                Failed::Stopped(format!("`{}` {}", e.command, e.stderr))
            } else {
                Failed::Git(e.explain())
            }
        })?;
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if out.status.success() {
        Ok(stderr)
    } else {
        Err(Failed::Git(stderr))
    }
}

#[cfg(test)]
#[path = "undo_write_tests.rs"]
mod tests;
