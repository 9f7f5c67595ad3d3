//! What `/undo` and `/diff` need of a session's patches after a resume.
//! Three `event` records (an older quire reads them as any other event
//! and ignores them): `{"type":"task_started"}` when a task (a message
//! sent) begins, `{"type":"patched","call_id":…,"files":[…]}` after each
//! `apply_patch` result with its files (as `tool_completed` carries them),
//! `{"type":"undone","attempts":[[…]]}` after each `/undo` (what it did to
//! each file it tried), `{"type":"shell_no_writes","call_id":…}` after a
//! shell call that could not write (the read-only sandbox) or never ran
//! (denied). Read back in order, with the shell calls among the items,
//! they rebuild the front ends' record of patches task by task.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::protocol::Item;

const STARTED: &str = "task_started";
const PATCHED: &str = "patched";
const UNDONE: &str = "undone";
const SHELL_NO_WRITES: &str = "shell_no_writes";

/// Set on a recorded file whose undo needed the copy of the file quire
/// kept in memory (`undo` in the event): that copy ends with the process.
pub const UNDO_COPY: &str = "undo_copy";
/// Set on a recorded file whose diff was left out (past
/// [`MAX_RECORDED_DIFFS`]): it cannot be undone after a resume.
pub const DIFF_LEFT_OUT: &str = "diff_left_out";
/// The most diff text one patch's record keeps; the files past it are
/// recorded without their diff. (Each file's diff is at most 32 KiB
/// already: a longer one is cut, and cannot be reversed anyway.)
pub const MAX_RECORDED_DIFFS: usize = 1024 * 1024;

/// What one `/undo` try did to one of a task's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// Put back as it was.
    Undone,
    /// An added file already deleted: nothing was left to undo.
    Gone,
    /// Left as it is; `changed`: how it changed since its patch, when it did.
    Left {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        changed: Option<String>,
    },
}

/// One step of a session's patches, in the order the file holds them.
#[derive(Debug, Clone, PartialEq)]
pub enum PatchStep {
    /// A task began: its patches are undone together.
    Task,
    /// The model ran a shell command that could write (what it changed
    /// is not undone).
    Shell,
    /// An `apply_patch` call's files.
    Files(Vec<Value>),
    /// An `/undo`: its tries, each a task's files' fates in the task's order.
    Undo(Vec<Vec<Fate>>),
}

/// A session file's patches, read back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PatchLog {
    pub steps: Vec<PatchStep>,
    /// The file holds patches it kept no record of (made by a quire that
    /// did not record them): they cannot be undone after the resume.
    pub unrecorded: bool,
}

/// The record of a task's start.
pub fn task_started() -> Value {
    json!({ "type": STARTED })
}

/// The record of the files an `apply_patch` call (`call_id`) changed:
/// each as the event has it, without the id of the in-memory copy (it
/// means nothing to another process; [`UNDO_COPY`] says there was one),
/// diffs past [`MAX_RECORDED_DIFFS`] left out ([`DIFF_LEFT_OUT`]).
pub fn patched(call_id: &str, files: &Value) -> Value {
    let mut room = MAX_RECORDED_DIFFS;
    let files: Vec<Value> = files
        .as_array()
        .map(|all| all.iter().map(|f| recorded(f, &mut room)).collect())
        .unwrap_or_default();
    json!({ "type": PATCHED, "call_id": call_id, "files": files })
}

fn recorded(file: &Value, room: &mut usize) -> Value {
    let Some(fields) = file.as_object() else {
        return file.clone();
    };
    let mut kept = Map::new();
    for (k, v) in fields {
        if k == "undo" {
            kept.insert(UNDO_COPY.to_string(), Value::Bool(true));
            continue;
        }
        if k == "diff" {
            let len = v.as_str().map_or(0, str::len);
            if len > *room {
                kept.insert(k.clone(), Value::String(String::new()));
                kept.insert(DIFF_LEFT_OUT.to_string(), Value::Bool(true));
                continue;
            }
            *room -= len;
        }
        kept.insert(k.clone(), v.clone());
    }
    Value::Object(kept)
}

/// The record of a shell call (`call_id`) that could not write: run in
/// the read-only sandbox, or never run.
pub fn shell_no_writes(call_id: &str) -> Value {
    json!({ "type": SHELL_NO_WRITES, "call_id": call_id })
}

/// The record of an `/undo`'s tries.
pub fn undone(attempts: &[Vec<Fate>]) -> Value {
    json!({ "type": UNDONE, "attempts": attempts })
}

/// Follows a session file's records (compacted history not replayed:
/// what it replaced was read before it).
#[derive(Debug, Default)]
pub(super) struct Follow {
    steps: Vec<PatchStep>,
    /// `apply_patch` calls, by id.
    calls: HashSet<String>,
    /// Those with a successful result.
    applied: Vec<String>,
    /// Those the file recorded the files of.
    recorded: HashSet<String>,
    /// The shell calls, by id, with the index of their step.
    shells: Vec<(String, usize)>,
    /// Shell calls that could not write: not steps after all.
    no_writes: HashSet<String>,
}

impl Follow {
    pub(super) fn see_item(&mut self, item: &Item) {
        match item {
            Item::ToolCall { name, call_id, .. } if name == "shell" => {
                self.shells.push((call_id.clone(), self.steps.len()));
                self.steps.push(PatchStep::Shell);
            }
            Item::ToolCall { name, call_id, .. } if name == "apply_patch" => {
                self.calls.insert(call_id.clone());
            }
            Item::ToolResult {
                call_id,
                is_error: false,
                ..
            } if self.calls.contains(call_id) => self.applied.push(call_id.clone()),
            _ => {}
        }
    }

    pub(super) fn see_event(&mut self, event: &Value) {
        match event.get("type").and_then(Value::as_str) {
            Some(STARTED) => self.steps.push(PatchStep::Task),
            Some(PATCHED) => {
                if let Some(id) = event.get("call_id").and_then(Value::as_str) {
                    self.recorded.insert(id.to_string());
                }
                let files = event.get("files").and_then(Value::as_array);
                self.steps
                    .push(PatchStep::Files(files.cloned().unwrap_or_default()));
            }
            Some(SHELL_NO_WRITES) => {
                if let Some(id) = event.get("call_id").and_then(Value::as_str) {
                    self.no_writes.insert(id.to_string());
                }
            }
            Some(UNDONE) => {
                let attempts = event
                    .get("attempts")
                    .cloned()
                    .and_then(|a| serde_json::from_value(a).ok());
                match attempts {
                    Some(a) => self.steps.push(PatchStep::Undo(a)),
                    // Unreadable: what it undid is unknown, so nothing
                    // before it is offered again.
                    None => self.steps.push(PatchStep::Undo(Vec::new())),
                }
            }
            _ => {}
        }
    }

    pub(super) fn log(self) -> PatchLog {
        let unrecorded = self.applied.iter().any(|id| !self.recorded.contains(id));
        let dropped: HashSet<usize> = self
            .shells
            .iter()
            .filter(|(id, _)| self.no_writes.contains(id))
            .map(|(_, at)| *at)
            .collect();
        let steps = self
            .steps
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !dropped.contains(i))
            .map(|(_, step)| step)
            .collect();
        PatchLog { steps, unrecorded }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, diff: &str) -> Value {
        json!({"status": "modified", "path": path, "added": 1, "removed": 1, "diff": diff, "sha256": "ab"})
    }

    #[test]
    fn a_patch_record_drops_the_copy_id_and_keeps_the_rest() {
        let mut deleted = file("gone.txt", "--- a/gone.txt\n+++ /dev/null\n");
        deleted["undo"] = json!(7);
        let rec = patched("c1", &json!([file("a.rs", "-x\n+y\n"), deleted]));
        assert_eq!(rec["type"], "patched");
        assert_eq!(rec["call_id"], "c1");
        assert_eq!(rec["files"][0], file("a.rs", "-x\n+y\n"));
        assert!(rec["files"][1].get("undo").is_none(), "{rec}");
        assert_eq!(rec["files"][1][UNDO_COPY], true);
        // Read back as a step.
        let mut f = Follow::default();
        f.see_event(&rec);
        let log = f.log();
        assert_eq!(
            log.steps,
            vec![PatchStep::Files(
                rec["files"].as_array().cloned().unwrap_or_default()
            )]
        );
    }

    #[test]
    fn diffs_past_the_cap_are_left_out_of_the_record() {
        let big = "x".repeat(MAX_RECORDED_DIFFS / 2 + 1);
        let rec = patched(
            "c",
            &json!([file("a", &big), file("b", &big), file("c", "small")]),
        );
        assert_eq!(rec["files"][0]["diff"], big.as_str());
        assert_eq!(rec["files"][1]["diff"], "");
        assert_eq!(rec["files"][1][DIFF_LEFT_OUT], true);
        assert_eq!(rec["files"][1]["path"], "b");
        // What fits still goes in.
        assert_eq!(rec["files"][2]["diff"], "small");
    }

    #[test]
    fn an_undo_record_reads_back_with_its_fates() {
        let attempts = vec![vec![
            Fate::Undone,
            Fate::Gone,
            Fate::Left { changed: None },
            Fate::Left {
                changed: Some("it changed since the patch".into()),
            },
        ]];
        let rec = undone(&attempts);
        let text = serde_json::to_string(&rec).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        let mut f = Follow::default();
        f.see_event(&back);
        f.see_event(&json!({"type": "undone", "attempts": "garbled"}));
        f.see_event(&json!({"type": "model_switched", "model": "m"}));
        assert_eq!(
            f.log().steps,
            vec![PatchStep::Undo(attempts), PatchStep::Undo(Vec::new())]
        );
    }

    #[test]
    fn tasks_shell_calls_and_unrecorded_patches_are_followed() {
        let call = |id: &str, name: &str| Item::ToolCall {
            call_id: id.into(),
            name: name.into(),
            arguments: "{}".into(),
        };
        let result = |id: &str, is_error| Item::ToolResult {
            call_id: id.into(),
            output: "x".into(),
            is_error,
        };
        let mut f = Follow::default();
        f.see_event(&task_started());
        f.see_item(&call("s", "shell"));
        f.see_item(&call("p", "apply_patch"));
        f.see_item(&result("p", false));
        f.see_event(&patched("p", &json!([])));
        // A failed patch changed nothing: nothing is missing.
        f.see_item(&call("q", "apply_patch"));
        f.see_item(&result("q", true));
        let log = f.log();
        assert_eq!(
            log.steps,
            vec![PatchStep::Task, PatchStep::Shell, PatchStep::Files(vec![])]
        );
        assert!(!log.unrecorded);
        // A shell call that could not write is no step.
        let mut f = Follow::default();
        f.see_event(&task_started());
        f.see_item(&call("r", "shell"));
        f.see_item(&result("r", false));
        f.see_event(&shell_no_writes("r"));
        f.see_item(&call("w", "shell"));
        assert_eq!(f.log().steps, vec![PatchStep::Task, PatchStep::Shell]);
        // A file written before patches were recorded.
        let mut f = Follow::default();
        f.see_item(&call("p", "apply_patch"));
        f.see_item(&result("p", false));
        assert!(f.log().unrecorded);
    }
}
