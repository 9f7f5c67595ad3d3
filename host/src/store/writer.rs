use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{LoadedSession, Record, SessionMeta, StoreError};
use crate::protocol::Item;
use crate::protocol::{CallStatus, Event};

/// Appends records to one session file, flushing each line. It holds the
/// file's lock while it lives: no other quire writes to the session.
#[derive(Debug)]
pub struct SessionWriter {
    file: File,
    path: PathBuf,
    id: String,
    /// User messages recorded so far, withdrawn ones not counted.
    turns: usize,
    /// Records this writer failed to write (a full disk): the file misses them.
    unsaved: u64,
    /// A failed write left part of a line that could not be cut off: the
    /// next record starts on a new line, so only the failed one is lost.
    partial_line: bool,
}

impl SessionWriter {
    /// Creates a new file in `dir` and writes the meta line.
    pub fn create(dir: &Path, meta: &SessionMeta) -> Result<Self, StoreError> {
        crate::owner_only::create_dir(dir).map_err(|source| StoreError::Io {
            action: "create",
            path: dir.to_path_buf(),
            source,
        })?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
        let path = dir.join(format!("{stamp}-{}.jsonl", meta.id));
        let file = crate::owner_only::create_new(&path).map_err(|source| StoreError::Io {
            action: "create",
            path: path.clone(),
            source,
        })?;
        super::lock::exclusive(&file, &path, &meta.id)?;
        let mut w = SessionWriter {
            file,
            path,
            id: meta.id.clone(),
            turns: 0,
            unsaved: 0,
            partial_line: false,
        };
        if let Err(e) = w.write(&Record::Meta(meta.clone())) {
            // A file without its meta line is no session (a full disk):
            // left behind it would be listed as damaged and taken by
            // `--resume last`.
            if let Err(rm) = std::fs::remove_file(&w.path) {
                tracing::warn!(error = %rm, path = %w.path.display(), "a session file without its meta line not removed");
            }
            return Err(e);
        }
        Ok(w)
    }

    /// Opens a session file read by [`super::load`] to continue it:
    /// refused while another quire writes to it, or when it changed since
    /// it was read (what was read would no longer be the whole history).
    pub fn append_to(loaded: &LoadedSession) -> Result<Self, StoreError> {
        let (path, id) = (loaded.path.as_path(), loaded.meta.id.as_str());
        let open = |source| StoreError::Io {
            action: "open",
            path: path.to_path_buf(),
            source,
        };
        let mut file = match &loaded.held {
            // Claimed before it was read: the same open file, so the lock
            // taken then is this writer's.
            Some(held) => held.try_clone().map_err(open)?,
            None => super::lock::claim(path, id)?,
        };
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if len != loaded.len {
            return Err(StoreError::Changed {
                id: id.to_string(),
                path: path.to_path_buf(),
            });
        }
        // A killed process may have left a partial last line: end it so the
        // next record starts on a line of its own.
        if len > 0 && !ends_with_newline(path) {
            let _ = file.write_all(b"\n");
        }
        Ok(SessionWriter {
            file,
            path: path.to_path_buf(),
            id: id.to_string(),
            turns: loaded.turns,
            unsaved: 0,
            partial_line: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// How many records this writer could not write: the session file,
    /// and so a `--resume` of it, misses them.
    pub fn unsaved(&self) -> u64 {
        self.unsaved
    }

    pub fn append_item(&mut self, item: &Item) -> Result<(), StoreError> {
        self.append_status_item(item, None)
    }

    /// Appends a tool result with how its call ended (kept unless it
    /// simply succeeded or failed, see [`Record::Item`]).
    pub fn append_result(&mut self, item: &Item, status: CallStatus) -> Result<(), StoreError> {
        let kept = !matches!(status, CallStatus::Ok | CallStatus::Failed);
        self.append_status_item(item, kept.then_some(status))
    }

    fn append_status_item(
        &mut self,
        item: &Item,
        status: Option<CallStatus>,
    ) -> Result<(), StoreError> {
        let turn = matches!(item, Item::User { .. }).then_some(self.turns + 1);
        self.write(&Record::Item {
            turn,
            item: item.clone(),
            status,
        })?;
        if let Some(turn) = turn {
            self.turns = turn;
        }
        Ok(())
    }

    pub fn append_event(&mut self, event: &Event) -> Result<(), StoreError> {
        let event = serde_json::to_value(event).unwrap_or(serde_json::Value::Null);
        self.write(&Record::Event { event })
    }

    /// Records a `/model` switch: a resumed session continues with it.
    pub fn append_model_switch(&mut self, model: &str) -> Result<(), StoreError> {
        self.write(&Record::Event {
            event: super::model_switch::event(model),
        })
    }

    /// Records that the session never started (see [`super::not_started`]).
    pub fn append_not_started(&mut self, why: &str) -> Result<(), StoreError> {
        self.write(&Record::Event {
            event: super::not_started::event(why),
        })
    }

    /// Records an `/approvals` change: `quire sessions show` names it, a
    /// resumed session knows the settings it was left on.
    pub fn append_settings_switch(
        &mut self,
        sandbox: &str,
        approval: &str,
    ) -> Result<(), StoreError> {
        self.write(&Record::Event {
            event: super::settings_switch::event(sandbox, approval),
        })
    }

    /// Records the context window the server stated for `model`: a
    /// resumed session compacts for it.
    pub fn append_server_window(&mut self, model: &str, tokens: u64) -> Result<(), StoreError> {
        self.write(&Record::Event {
            event: super::server_window::event(model, tokens),
        })
    }

    pub fn append_compacted(&mut self, items: &[Item]) -> Result<(), StoreError> {
        self.write(&Record::Compacted {
            items: items.to_vec(),
        })
    }

    /// The last `count` items are no longer part of the history.
    pub fn append_withdrawn(&mut self, count: usize) -> Result<(), StoreError> {
        self.write(&Record::Withdrawn {
            count,
            refused_images: false,
        })?;
        // A withdrawal takes back one unanswered message (and the context
        // recorded after it).
        self.turns = self.turns.saturating_sub(1);
        Ok(())
    }

    /// The last `count` items, images `view_image` attached that the model
    /// refused, are no longer part of the history (no message counts less).
    pub fn append_refused_images(&mut self, count: usize) -> Result<(), StoreError> {
        self.write(&Record::Withdrawn {
            count,
            refused_images: true,
        })
    }

    /// Records going back to an earlier message (an [`Event::Rewound`]):
    /// the `dropped` user messages after it no longer count.
    pub fn append_rewound(&mut self, event: &Event, dropped: usize) -> Result<(), StoreError> {
        self.append_event(event)?;
        self.turns = self.turns.saturating_sub(dropped);
        Ok(())
    }

    /// A task begins (see [`super::PatchLog`]).
    pub fn append_task_started(&mut self) -> Result<(), StoreError> {
        self.write(&Record::Event {
            event: super::patch_log::task_started(),
        })
    }

    /// The files the `apply_patch` call `call_id` changed (its result's
    /// `files`), for `/undo` after a resume.
    pub fn append_patched(
        &mut self,
        call_id: &str,
        files: &serde_json::Value,
    ) -> Result<(), StoreError> {
        self.write(&Record::Event {
            event: super::patch_log::patched(call_id, files),
        })
    }

    /// A shell call that could not write (see [`super::PatchLog`]).
    pub fn append_shell_no_writes(&mut self, call_id: &str) -> Result<(), StoreError> {
        self.write(&Record::Event {
            event: super::patch_log::shell_no_writes(call_id),
        })
    }

    /// What an `/undo` did (its tries, each file's fate).
    pub fn append_undone(&mut self, attempts: &[Vec<super::Fate>]) -> Result<(), StoreError> {
        self.write(&Record::Event {
            event: super::patch_log::undone(attempts),
        })
    }

    /// The tools requests carry from now on (see [`Record::Tools`]).
    pub fn append_tools(&mut self, names: &[String]) -> Result<(), StoreError> {
        self.write(&Record::Tools {
            names: names.to_vec(),
        })
    }

    fn write(&mut self, record: &Record) -> Result<(), StoreError> {
        let mut line = serde_json::to_string(record).map_err(|e| StoreError::Invalid {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        line.push('\n');
        if self.partial_line {
            line.insert(0, '\n');
        }
        let before = self.file.metadata().map(|m| m.len());
        // One write call per line, so a kill leaves at most one partial line.
        let written = self
            .file
            .write_all(line.as_bytes())
            .and_then(|_| self.file.flush());
        match written {
            Ok(()) => {
                self.partial_line = false;
                Ok(())
            }
            Err(source) => {
                self.unsaved += 1;
                self.undo_partial(before);
                Err(StoreError::Io {
                    action: "write",
                    path: self.path.clone(),
                    source,
                })
            }
        }
    }

    /// After a failed write (a full disk): cuts the file back to `before`,
    /// its length before the write, so what follows is not glued onto half
    /// a line. When that fails too, the next record starts a new line.
    fn undo_partial(&mut self, before: std::io::Result<u64>) {
        if let Err(e) = before.and_then(|len| self.file.set_len(len)) {
            tracing::warn!(error = %e, path = %self.path.display(), "a partly written session record not cut off");
            self.partial_line = true;
        }
    }
}

fn ends_with_newline(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut f) = File::open(path) else {
        return true;
    };
    if f.seek(SeekFrom::End(-1)).is_err() {
        return true;
    }
    let mut b = [0u8; 1];
    f.read_exact(&mut b).map(|_| b[0] == b'\n').unwrap_or(true)
}

#[cfg(test)]
#[path = "writer_tests.rs"]
mod tests;
