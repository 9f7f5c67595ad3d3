//! The files the agent's patches changed in this session, task by task
//! (for `/diff` and `/undo`), and what `/diff` says of them.

use quire::agent::Event;
use quire::model::Item;
use serde_json::Value;

use super::{Said, Tone, diff};

/// Why /diff and /undo find nothing when only patches from before a resume exist.
const RESUMED_PATCHES: &str = "no patches since this session was resumed (patches made before resuming cannot be undone here)";

#[derive(Debug, Clone)]
pub struct Patches {
    /// Each finished task's patched files (`files` of apply_patch results).
    pub tasks: Vec<Vec<Value>>,
    /// The resumed history holds patches made before it was resumed: not
    /// in `tasks` (the session file keeps no diffs), so /diff and /undo
    /// say so instead of "no patches".
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
    /// Patched files /undo gave up on: still in effect, so /diff shows them.
    pub left: Vec<Value>,
}

impl Default for Patches {
    fn default() -> Self {
        Patches {
            tasks: vec![Vec::new()],
            before_resume: false,
            undone: 0,
            stuck: false,
            left: Vec::new(),
        }
    }
}

impl Patches {
    /// A task starts: its patches are undone together.
    pub fn begin_task(&mut self) {
        self.stuck = false;
        self.tasks.push(Vec::new());
    }

    /// Records the files a finished tool call patched.
    pub fn track(&mut self, ev: &Event) {
        if let Event::ToolCompleted {
            files: Some(files), ..
        } = ev
            && let (Some(f), Some(list)) = (files.as_array(), self.tasks.last_mut())
        {
            list.extend(f.iter().cloned());
        }
    }

    /// A new conversation, or a resumed one with `history`: another
    /// session's patches are not this one's to undo.
    pub fn restart(&mut self, history: &[Item]) {
        *self = Patches::default();
        self.before_resume = history
            .iter()
            .any(|i| matches!(i, Item::ToolCall { name, .. } if name == "apply_patch"));
    }

    /// What `/diff` shows: every file patched and not undone, in order.
    pub fn diff(&self) -> Said {
        let files: Vec<Value> = self
            .tasks
            .iter()
            .flatten()
            .chain(&self.left)
            .cloned()
            .collect();
        if !files.is_empty() {
            return Said::Diff(diff::files(&Value::Array(files)));
        }
        let text = if self.undone > 0 {
            format!("no patches in effect: {}", self.why_none())
        } else {
            self.why_none()
        };
        Said::Note(Tone::Dim, text)
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
