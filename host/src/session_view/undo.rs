//! `/undo`: reverts the last task's patches. Files whose originals
//! apply_patch kept (deleted, moved, changed through a link, too large to
//! diff) are put back byte for byte when unchanged since; text edits with
//! `git apply -R` (it merges around later edits, and works outside
//! repositories too).

use quire::agent::Session;
use quire::store::Fate;
use quire::tools::apply_patch::{Restored, UndoError};
use serde_json::Value;

use super::patches::Patches;
use super::undo_left::{drifted, unreverted};
use super::undo_rebuilt::Unbuilt;
use super::undo_steps::{self as steps, last_task};
use super::undo_write::{Unwritten, as_before, reverse};
use super::{Said, Tone};

/// Undoes the last task's patches; what to show. The model is told (a
/// note recorded in the session) which files are back as they were. What
/// cannot be undone stays the last task, and the note says so; the next
/// /undo tries it once more, then leaves it as it is (/diff still shows
/// it) and undoes the task before.
pub fn undo(patches: &mut Patches, session: &mut Session) -> Vec<Said> {
    let mut said = Vec::new();
    // Put back, and found already as before the patch.
    let (mut undone, mut already) = (Vec::new(), Vec::new());
    let cwd = session.cwd().to_path_buf();
    // Files changed since their patch, and whether a task tried ran shell
    // commands: what /undo leaves in place, which the view and the
    // model's note must name.
    let (mut moved_on, mut shell) = (Vec::new(), false);
    // What each try did to each file: recorded, so a resumed session
    // does not offer the same patches again.
    let mut tries = Vec::new();
    if patches.stuck
        && let Some(files) = last_task(patches)
    {
        shell = patches.last_ran_shell();
        moved_on = drifted(&files, &cwd);
        let tried = attempt(&files, session);
        said.extend(tried.said);
        let kept = steps::kept(&files, &tried.fates);
        if !kept.is_empty() {
            let names: Vec<&str> = kept.iter().map(|l| path_of(&l.file)).collect();
            said.push(Said::Note(
                Tone::Dim,
                format!(
                    "left as {}: {} (/diff still shows {})",
                    if names.len() == 1 {
                        "it is"
                    } else {
                        "they are"
                    },
                    names.join(", "),
                    if names.len() == 1 { "it" } else { "them" },
                ),
            ));
        }
        steps::retried(patches, &files, &tried.fates);
        undone = tried.undone;
        already = tried.already;
        tries.push(tried.fates);
    }
    // Nothing of the retried task came undone: on to the task before.
    if undone.is_empty() && already.is_empty() {
        let Some(files) = last_task(patches) else {
            let text = if said.is_empty() {
                format!("nothing to undo: {}", patches.why_none())
            } else {
                "no task before it to undo".to_string()
            };
            said.push(Said::Note(Tone::Dim, text));
            if !tries.is_empty() {
                session.record_undone(&tries);
            }
            said.extend(unreverted(&[], &[], shell, &cwd).said());
            return said;
        };
        shell |= patches.last_ran_shell();
        moved_on.extend(drifted(&files, &cwd));
        let tried = attempt(&files, session);
        said.extend(tried.said);
        steps::tried(patches, &files, &tried.fates);
        if patches.stuck {
            said.push(Said::Note(
                Tone::Dim,
                "/undo again tries once more, then leaves what it cannot undo as it is and undoes the task before".to_string(),
            ));
        }
        undone = tried.undone;
        already = tried.already;
        tries.push(tried.fates);
    }
    session.record_undone(&tries);
    if !undone.is_empty() {
        said.push(Said::Note(
            Tone::Ok,
            format!("undone: {}", undone.join(", ")),
        ));
    }
    let left = unreverted(&undone, &moved_on, shell, &cwd);
    said.extend(left.said());
    if !undone.is_empty() || !already.is_empty() {
        // The model still believes its patch is on disk: the next request
        // says otherwise, and what stays as the task left it.
        let back: Vec<String> = undone.into_iter().chain(already).collect();
        session.record_note(NOTE_SOURCE, undo_note(&back, left.note()));
    }
    said
}

fn path_of(f: &Value) -> &str {
    f.get("path").and_then(Value::as_str).unwrap_or("?")
}

/// What one try at undoing a task's files did.
struct Attempt {
    said: Vec<Said>,
    /// Put back as they were.
    undone: Vec<String>,
    /// Already as they were before the patch.
    already: Vec<String>,
    /// What became of each file, in the task's order.
    fates: Vec<Fate>,
}

/// Undoes `files` (one task's patched files), newest first.
fn attempt(files: &[Value], session: &Session) -> Attempt {
    let mut t = Done::default();
    let cwd = session.cwd().to_path_buf();
    // What could not be undone stays recorded: /diff still shows it and
    // /undo can be tried again once the file is fixed.
    let mut fates = vec![Fate::Left { changed: None }; files.len()];
    for (i, f) in files.iter().enumerate().rev() {
        let path = path_of(f);
        let from = f.get("from").and_then(Value::as_str);
        let status = f.get("status").and_then(Value::as_str).unwrap_or("");
        let d = f.get("diff").and_then(Value::as_str).unwrap_or("");
        let refuse = |why: String| refused(path, from, &why);
        // No copy to put back from: the record's paths are trusted only
        // inside the workspace (a session file may have been edited).
        if f.get("undo").is_none()
            && let Some(why) = super::undo_rebuilt::outside(&cwd, f)
        {
            t.said.push(Said::Note(
                Tone::Bad,
                format!(
                    "cannot undo {}: {why}; nothing was written for it",
                    shown(path, from)
                ),
            ));
            continue;
        }
        // Recorded before a resume, without what its undo needs.
        if let Some(why) = steps::out_of_reach(f) {
            t.said.push(Said::Note(
                Tone::Bad,
                format!(
                    "cannot undo {}: {why}; revert it by hand",
                    shown(path, from)
                ),
            ));
            continue;
        }
        // Kept byte for byte: put back when the file is as the patch left it.
        if let Some(id) = f.get("undo").and_then(Value::as_u64) {
            let put = quire::tools::apply_patch::undo(id);
            let back = |e: &UndoError| {
                matches!(e, UndoError::Changed(_)) && quire::tools::apply_patch::is_back(id)
            };
            fates[i] = settled(put, back, path, from, status, &mut t);
            continue;
        }
        // Its copy ended with the quire that made the patch (resumed
        // since): rebuilt from the record, put back the same way.
        if super::undo_rebuilt::fits(f) {
            let put = super::undo_rebuilt::put_back(&cwd, f);
            fates[i] = match put {
                Ok(r) => settled(Ok(r), |_| false, path, from, status, &mut t),
                Err(Unbuilt::Undo(e)) => {
                    let back = |e: &UndoError| {
                        matches!(e, UndoError::Changed(_))
                            && from.is_none()
                            && f.get("sha256")
                                .and_then(Value::as_str)
                                .is_some_and(|left| as_before(&cwd, path, d, left))
                    };
                    settled(Err(e), back, path, from, status, &mut t)
                }
                Err(Unbuilt::Diff) => {
                    let why =
                        "its recorded diff does not take back what the patch left".to_string();
                    t.said.push(refuse(why));
                    Fate::Left { changed: None }
                }
            };
            continue;
        }
        if status == "moved" || quire::tools::apply_patch::is_partial(d) {
            // Its original was not kept: more than /undo keeps.
            t.said.push(Said::Note(
                Tone::Bad,
                format!("cannot undo {path}: its change is not fully known and quire kept no copy of the file as it was (more than /undo keeps); revert it by hand"),
            ));
            continue;
        }
        let missing = std::fs::symlink_metadata(cwd.join(path))
            .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
        if missing && status == "added" {
            t.gone.push(path.to_string());
            fates[i] = Fate::Gone;
            continue;
        }
        if missing && status == "modified" {
            let why = "it was deleted since the patch".to_string();
            t.said.push(refuse(why.clone()));
            fates[i] = Fate::Left { changed: Some(why) };
            continue;
        }
        // A file added or deleted empty: git's own diff of it (the
        // recorded one holds no lines to reverse).
        let empty = steps::empty_file_diff(f);
        match reverse(&cwd, path, status, empty.as_deref().unwrap_or(d)) {
            Ok(()) => {
                t.undone.push(path.to_string());
                fates[i] = Fate::Undone;
            }
            Err(Unwritten::Denied(text)) => t.said.push(Said::Note(Tone::Bad, text)),
            Err(Unwritten::Conflict(_))
                if f.get("sha256")
                    .and_then(Value::as_str)
                    .is_some_and(|left| as_before(&cwd, path, d, left)) =>
            {
                t.already.push(path.to_string());
                fates[i] = Fate::Undone;
            }
            Err(Unwritten::Conflict(e)) => {
                let git = e.lines().last().unwrap_or(&e);
                let (why, changed) = conflict(f, &cwd.join(path), git);
                t.said.push(refuse(why));
                fates[i] = Fate::Left { changed };
            }
        }
    }
    if !t.gone.is_empty() {
        t.gone.reverse();
        let (files, were) = if t.gone.len() == 1 {
            ("file", "was")
        } else {
            ("files", "were")
        };
        t.said.push(Said::Note(
            Tone::Dim,
            format!(
                "already undone: the {files} the patch added, {}, {were} deleted since",
                t.gone.join(", ")
            ),
        ));
    }
    if !t.already.is_empty() {
        t.already.reverse();
        let were = if t.already.len() == 1 { "was" } else { "were" };
        t.said.push(Said::Note(
            Tone::Dim,
            format!(
                "{} {were} already as before the patch: nothing to undo",
                t.already.join(", ")
            ),
        ));
    }
    Attempt {
        said: t.said,
        undone: t.undone,
        already: t.already,
        fates,
    }
}

/// What an attempt found of its files so far.
#[derive(Default)]
struct Done {
    said: Vec<Said>,
    /// Put back as they were.
    undone: Vec<String>,
    /// Added files already deleted.
    gone: Vec<String>,
    /// Already as before the patch (put back by a shell command or by
    /// hand): nothing to write, nothing left.
    already: Vec<String>,
}

/// What became of a file put back byte for byte (`put`: the write's
/// result; `back`: whether a refusal found it already as before).
fn settled(
    put: Result<Restored, UndoError>,
    back: impl Fn(&UndoError) -> bool,
    path: &str,
    from: Option<&str>,
    status: &str,
    done: &mut Done,
) -> Fate {
    match put {
        Ok(Restored::Done) => {
            done.undone.push(path.to_string());
            Fate::Undone
        }
        Ok(Restored::AlreadyGone) => {
            done.gone.push(path.to_string());
            Fate::Gone
        }
        Err(e) if back(&e) => {
            done.already.push(path.to_string());
            Fate::Undone
        }
        Err(e) => {
            let why = refusal(&e, path, from, status);
            done.said.push(refused(path, from, &why));
            let changed = matches!(
                e,
                UndoError::Changed(_) | UndoError::Gone(_) | UndoError::Escaped { .. }
            );
            Fate::Left {
                changed: changed.then_some(why),
            }
        }
    }
}

/// A file /undo did not write, and why.
fn refused(path: &str, from: Option<&str>, why: &str) -> Said {
    Said::Note(
        Tone::Bad,
        format!(
            "cannot undo {}: {why}; nothing was written — /diff shows the change",
            shown(path, from)
        ),
    )
}

/// Why `git apply -R` did not reverse the patch of `f` (the file at
/// `real`; `git`: git's error), and how the file changed since, when it
/// did. Only a file that differs from what the patch left is said to
/// have changed.
fn conflict(f: &Value, real: &std::path::Path, git: &str) -> (String, Option<String>) {
    match super::patches::changed(f, real) {
        Some(how) => {
            let how = match how {
                "changed since the patch" | "cannot be read now to compare with the patch" => {
                    how.to_string()
                }
                was => format!("was {was}"),
            };
            let why = format!("it {how}, which no longer reverses cleanly");
            (format!("{why} ({git})"), Some(why))
        }
        None if f.get("sha256").is_some() => (
            format!(
                "it is as the patch left it, but `git apply -R` could not reverse the recorded diff ({git})"
            ),
            None,
        ),
        None => (
            format!("`git apply -R` could not reverse the recorded diff ({git})"),
            None,
        ),
    }
}

/// A patched file as the refusal names it: a move by both its paths.
fn shown(path: &str, from: Option<&str>) -> String {
    match from {
        Some(from) => format!("the move {from} → {path}"),
        None => path.to_string(),
    }
}

/// Why a kept original was not put back, naming the file in the way
/// (for a move, which of its two paths).
fn refusal(e: &UndoError, path: &str, from: Option<&str>, status: &str) -> String {
    let it = if from.is_some() { path } else { "it" };
    match e {
        UndoError::Changed(_) if status == "deleted" => {
            "it was made again since the patch deleted it".to_string()
        }
        UndoError::Changed(_) => format!("{it} changed since the patch"),
        UndoError::Gone(_) => format!("{it} was deleted since the patch"),
        UndoError::Remove { source, .. } => format!(
            "cannot remove {path}: {}",
            super::undo_write::reason(&source.to_string())
        ),
        UndoError::Escaped { path: at, root } => format!(
            "{} no longer resolves inside {root}: a folder on the way was replaced by a symbolic link since the patch, and /undo does not follow links",
            if from.is_some() { at.as_str() } else { "it" }
        ),
        UndoError::Taken(_) => format!(
            "{} exists again (made since the patch moved it away); move it aside first",
            from.unwrap_or(path)
        ),
        other => other.to_string(),
    }
}

/// The source of the note an `/undo` records for the model.
pub const NOTE_SOURCE: &str = "undo";
const NOTE_START: &str = "Note: the user reverted your changes to ";
const NOTE_MID: &str = " with /undo";
const NOTE_END: &str = "; these files are back as they were before your last patch.";

/// What the model is told about an `/undo`; `rest`: what it left in
/// place (changes since the patch, the task's shell commands' changes),
/// `None` when the files are back as they were.
pub fn undo_note(undone: &[String], rest: Option<String>) -> String {
    let rest = rest.unwrap_or_else(|| NOTE_END.to_string());
    format!("{NOTE_START}{}{NOTE_MID}{rest}", undone.join(", "))
}

/// The line the live view showed for the `/undo` that recorded `note`
/// (`undone: a.rs, b.rs`), for a resumed session's replay.
pub fn replayed(note: &str) -> Option<String> {
    let rest = note.strip_prefix(NOTE_START)?;
    let files = &rest[..rest.rfind(NOTE_MID)?];
    Some(format!("undone: {files}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::conflict;

    #[test]
    fn a_failed_reverse_blames_a_change_only_when_the_file_differs() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "as the patch left it\n").unwrap();
        let left = quire::tools::apply_patch::sha256_hex(b"as the patch left it\n");
        let f = json!({"path": "a.txt", "status": "modified", "sha256": left});
        let (why, changed) = conflict(&f, &file, "error: a.txt: patch does not apply");
        assert_eq!(
            why,
            "it is as the patch left it, but `git apply -R` could not reverse the recorded diff (error: a.txt: patch does not apply)"
        );
        assert_eq!(changed, None);
        std::fs::write(&file, "edited since\n").unwrap();
        let (why, changed) = conflict(&f, &file, "error: a.txt: patch does not apply");
        assert_eq!(
            why,
            "it changed since the patch, which no longer reverses cleanly (error: a.txt: patch does not apply)"
        );
        assert_eq!(
            changed.as_deref(),
            Some("it changed since the patch, which no longer reverses cleanly")
        );
        // No digest recorded: nothing is claimed about the file.
        let f = json!({"path": "a.txt", "status": "modified"});
        let (why, changed) = conflict(&f, &file, "error: x");
        assert_eq!(
            why,
            "`git apply -R` could not reverse the recorded diff (error: x)"
        );
        assert_eq!(changed, None);
    }
}
