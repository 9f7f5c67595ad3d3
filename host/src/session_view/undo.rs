//! `/undo`: reverts the last task's patches. Files whose originals
//! apply_patch kept (deleted, moved, changed through a link, too large to
//! diff) are put back byte for byte when unchanged since; text edits with
//! `git apply -R` (it merges around later edits, and works outside
//! repositories too).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use quire::agent::Session;
use quire::tools::apply_patch::UndoError;
use serde_json::Value;

use super::patches::{Patches, RESUMED_PATCHES};
use super::{Said, Tone};

/// Undoes the last task's patches; what to show. The model is told (a
/// note recorded in the session) which files are back as they were.
pub fn undo(patches: &mut Patches, session: &mut Session) -> Vec<Said> {
    let mut said = Vec::new();
    while patches.tasks.last().is_some_and(Vec::is_empty) && patches.tasks.len() > 1 {
        patches.tasks.pop();
    }
    let Some(files) = patches.tasks.last().filter(|f| !f.is_empty()).cloned() else {
        let text = if patches.before_resume {
            format!("nothing to undo: {RESUMED_PATCHES}")
        } else {
            "nothing to undo: no patches in this session".to_string()
        };
        return vec![Said::Note(Tone::Dim, text)];
    };
    let cwd = session.cwd().to_path_buf();
    let mut undone = Vec::new();
    // What could not be undone stays recorded: /diff still shows it and
    // /undo can be tried again once the file is fixed.
    let mut kept = Vec::new();
    for f in files.iter().rev() {
        let path = f.get("path").and_then(Value::as_str).unwrap_or("?");
        let d = f.get("diff").and_then(Value::as_str).unwrap_or("");
        // Kept byte for byte: put back when the file is as the patch left it.
        if let Some(id) = f.get("undo").and_then(Value::as_u64) {
            match quire::tools::apply_patch::undo(id) {
                Ok(()) => undone.push(path.to_string()),
                Err(e) => {
                    let why = match e {
                        UndoError::Changed(_) => "it changed since the patch".to_string(),
                        other => other.to_string(),
                    };
                    said.push(Said::Note(
                        Tone::Bad,
                        format!("cannot undo {path}: {why}; nothing was written — /diff shows the change"),
                    ));
                    kept.push(f.clone());
                }
            }
            continue;
        }
        if f.get("status").and_then(Value::as_str) == Some("moved")
            || d.contains("more diff lines not shown")
        {
            said.push(Said::Note(
                Tone::Bad,
                format!("cannot undo {path}: its change is not fully known; revert it by hand"),
            ));
            kept.push(f.clone());
            continue;
        }
        match reverse_apply(&cwd, d) {
            Ok(()) => undone.push(path.to_string()),
            Err(e) => {
                said.push(Said::Note(
                    Tone::Bad,
                    format!(
                        "cannot undo {path}: it changed since the patch, which no longer reverses cleanly ({}); nothing was written — /diff shows the change",
                        e.lines().last().unwrap_or(&e)
                    ),
                ));
                kept.push(f.clone());
            }
        }
    }
    kept.reverse();
    patches.undone += undone.len();
    patches.tasks.pop();
    if !kept.is_empty() || patches.tasks.is_empty() {
        patches.tasks.push(kept);
    }
    if !undone.is_empty() {
        said.push(Said::Note(
            Tone::Ok,
            format!("undone: {}", undone.join(", ")),
        ));
        // The model still believes its patch is on disk: the next request
        // says otherwise.
        session.record_note("undo", undo_note(&undone));
    }
    said
}

/// What the model is told about an `/undo`.
fn undo_note(undone: &[String]) -> String {
    format!(
        "Note: the user reverted your changes to {} with /undo; these files are back as they were before your last patch.",
        undone.join(", ")
    )
}

fn reverse_apply(cwd: &Path, diff: &str) -> Result<(), String> {
    let mut cmd = Command::new("git");
    cmd.args(["apply", "-R", "--whitespace=nowarn", "-"])
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    quire::child::die_with_quire(&mut cmd);
    let mut child =
        quire::child::spawn_std(&mut cmd).map_err(|e| format!("cannot run git: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(diff.as_bytes())
            .map_err(|e| format!("cannot pass the diff to git: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("git apply failed: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}
