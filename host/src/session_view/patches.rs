//! The files the agent's patches changed in this session, task by task
//! (for `/diff` and `/undo`), and what `/diff` says of them.

use std::path::Path;

use quire::agent::Event;
use serde_json::Value;

use super::{Said, Tone, diff};

/// Why /diff and /undo find nothing when only patches from before a
/// resume exist that the session file holds no record of (a session an
/// older quire wrote).
const RESUMED_PATCHES: &str = "no patches since this session was resumed (patches made before resuming cannot be undone here)";

#[derive(Debug, Clone)]
pub struct Patches {
    /// Each finished task's patched files (`files` of apply_patch results).
    pub tasks: Vec<Vec<Value>>,
    /// The resumed session made patches before it was resumed that its
    /// file holds no record of (an older quire's): not in `tasks`, so
    /// /diff and /undo say so instead of "no patches".
    pub before_resume: bool,
    /// Files whose patches /undo reverted in this session (so /diff says
    /// that, not that nothing was patched).
    pub undone: usize,
    /// The last task holds what the previous /undo could not undo: the
    /// next /undo tries them once more, then leaves them (in [`left`]) and
    /// goes on to the task before, so /undo never sticks on one file.
    ///
    /// [`left`]: Patches::left
    pub stuck: bool,
    /// Patched files /undo gave up on: /diff shows them as they are.
    pub left: Vec<Left>,
    /// The indices in `tasks` of the tasks that ran shell commands with
    /// write access (not under the read-only sandbox): /undo does not
    /// revert what those changed, and says so.
    pub shelled: Vec<usize>,
}

/// A patched file /undo left as it is.
#[derive(Debug, Clone)]
pub struct Left {
    /// The file as its patch's result recorded it.
    pub file: Value,
    /// How it changed since the patch (its recorded diff no longer says
    /// what it holds); `None` when it is still as the patch left it (a
    /// write /undo could not make, a change not fully known).
    pub changed: Option<String>,
}

impl Default for Patches {
    fn default() -> Self {
        Patches {
            tasks: vec![Vec::new()],
            before_resume: false,
            undone: 0,
            stuck: false,
            left: Vec::new(),
            shelled: Vec::new(),
        }
    }
}

impl Patches {
    /// A task starts: its patches are undone together.
    pub fn begin_task(&mut self) {
        self.stuck = false;
        // Marks of tasks /undo already dropped are not the new task's.
        let len = self.tasks.len();
        self.shelled.retain(|&i| i < len);
        self.tasks.push(Vec::new());
    }

    /// Whether the last task (the one /undo takes next) ran shell commands.
    pub fn last_ran_shell(&self) -> bool {
        let last = self.tasks.len().saturating_sub(1);
        self.shelled.contains(&last)
    }

    /// Records the files a finished tool call patched.
    pub fn track(&mut self, ev: &Event) {
        // A command that could not write (the read-only sandbox) or never
        // ran (denied) changed nothing /undo must warn about.
        if let Event::ToolCompleted {
            name,
            sandbox,
            status,
            ..
        } = ev
            && name == "shell"
            && sandbox.as_deref() != Some("read-only")
            && *status != quire::protocol::CallStatus::Denied
        {
            self.shell_ran();
        }
        if let Event::ToolCompleted {
            files: Some(files), ..
        } = ev
            && let Some(f) = files.as_array()
        {
            self.add_files(f);
        }
    }

    /// The last task ran a shell command.
    pub fn shell_ran(&mut self) {
        let last = self.tasks.len().saturating_sub(1);
        if !self.shelled.contains(&last) {
            self.shelled.push(last);
        }
    }

    /// The last task patched `files`.
    pub fn add_files(&mut self, files: &[Value]) {
        if let Some(list) = self.tasks.last_mut() {
            list.extend(files.iter().cloned());
        }
    }

    /// A new conversation: the last one's patches are not its to undo.
    pub fn restart(&mut self) {
        *self = Patches::default();
    }

    /// What `/diff` shows outside a git repository (`cwd`: where the
    /// patches' paths start): every file patched and not undone, in order,
    /// with the files whose content differs now from what their patch left
    /// named after them; then the files /undo left as they are that
    /// changed since their patch, by what is true of them now, not by a
    /// diff they no longer hold.
    pub fn diff(&self, cwd: &Path) -> Vec<Said> {
        let (changed, kept): (Vec<&Left>, Vec<&Left>) =
            self.left.iter().partition(|l| l.changed.is_some());
        let files: Vec<Value> = self
            .tasks
            .iter()
            .flatten()
            .chain(kept.iter().map(|l| &l.file))
            .cloned()
            .collect();
        let mut said = Vec::new();
        if !files.is_empty() {
            said.push(Said::Note(
                Tone::Dim,
                "not in a git repository: the patches applied in this session".to_string(),
            ));
            let drifted = drifted(&files, cwd);
            said.push(Said::Diff(diff::files(&Value::Array(files))));
            if !drifted.is_empty() {
                let note = if drifted.len() == 1 {
                    "changed since its patch (the diff above is what the patch did, not what the file holds now):"
                } else {
                    "changed since their patches (the diffs above are what the patches did, not what the files hold now):"
                };
                said.push(Said::Note(Tone::Accent, note.to_string()));
                said.push(Said::Lines(drifted));
            }
        }
        if !changed.is_empty() {
            said.extend(changed_since(&changed));
        }
        if said.is_empty() {
            let text = if self.undone > 0 {
                format!("no patches in effect: {}", self.why_none())
            } else {
                self.why_none()
            };
            said.push(Said::Note(Tone::Dim, text));
        }
        said
    }

    /// Why no patch of this session is in effect, as /diff and /undo both
    /// say it: undone with /undo (however many times /undo was used since),
    /// made before a resume, or never made.
    pub fn why_none(&self) -> String {
        if self.undone > 0 {
            let n = self.undone;
            let (files, were) = if n == 1 {
                ("file", "was")
            } else {
                ("files", "were")
            };
            let earlier = if self.before_resume {
                " (patches made before resuming cannot be undone here)"
            } else {
                ""
            };
            let left = match self.left.len() {
                0 => String::new(),
                1 => "; 1 other was left as it is (/diff shows it)".to_string(),
                k => format!("; {k} others were left as they are (/diff shows them)"),
            };
            format!(
                "the {n} {files} patched in this session {were} undone with /undo{left}{earlier}"
            )
        } else if self.before_resume {
            RESUMED_PATCHES.to_string()
        } else {
            "no patches were applied in this session".to_string()
        }
    }
}

/// The patched `files` whose content now differs from what their last
/// patch left (by its `sha256`), each as `  path: what happened`.
fn drifted(files: &[Value], cwd: &Path) -> Vec<String> {
    let path_of = |f: &Value| {
        f.get("path")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    // A later patch of the same file, or a move away from it, is what
    // counts for it (the same file reached through a link is the same
    // file).
    let real = |p: &str| super::undo_left::real(&cwd.join(p));
    let mut last: Vec<(std::path::PathBuf, &Value)> = Vec::new();
    for f in files {
        let here = real(&path_of(f));
        let from = f.get("from").and_then(Value::as_str).map(real);
        last.retain(|(k, _)| *k != here && Some(k) != from.as_ref());
        last.push((here, f));
    }
    last.iter()
        .map(|(_, f)| f)
        .filter_map(|f| {
            let path = path_of(f);
            let why = changed(f, &cwd.join(&path))?;
            Some(format!("  {}: {why}", quire::printable::quoted_name(&path)))
        })
        .collect()
}

/// How the file at `real` differs from what the patch `f` left; `None`
/// when it is as the patch left it (or the patch recorded no digest).
pub(super) fn changed(f: &Value, real: &Path) -> Option<&'static str> {
    if f.get("status").and_then(Value::as_str) == Some("deleted") {
        return std::fs::symlink_metadata(real)
            .is_ok()
            .then_some("made again since the patch deleted it");
    }
    let left = f.get("sha256").and_then(Value::as_str)?;
    // Read in chunks: a patched file may be large.
    match quire::tools::apply_patch::file_sha256(real) {
        Ok(digest) => {
            (quire::tools::apply_patch::hex(&digest) != left).then_some("changed since the patch")
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some("deleted since the patch"),
        Err(_) => Some("cannot be read now to compare with the patch"),
    }
}

/// The files /undo left as they are that changed since their patch: what
/// happened to each, without the patch's diff (it is not what they hold).
fn changed_since(left: &[&Left]) -> [Said; 2] {
    let note = if left.len() == 1 {
        "left as it is by /undo: it changed since its patch, so the patch is not shown (it no longer says what the file holds; the file on disk is current):"
    } else {
        "left as they are by /undo: each changed since its patch, so the patches are not shown (they no longer say what the files hold; the files on disk are current):"
    };
    let lines = left
        .iter()
        .map(|l| {
            let path = l.file.get("path").and_then(Value::as_str).unwrap_or("?");
            let why = l.changed.as_deref().unwrap_or_default();
            format!("  {}: {why}", quire::printable::quoted_name(path))
        })
        .collect();
    [Said::Note(Tone::Dim, note.to_string()), Said::Lines(lines)]
}
