//! The transcript Claude Code hooks read: `transcript_path` (and a
//! subagent's `agent_transcript_path`) in a Claude Code hook's input name
//! a file in Claude Code's layout ([`lines`]), kept beside the session
//! file in `claude-transcripts/` of its folder, with the same name.
//!
//! It is brought up to date right before a Claude Code hook runs: the
//! records the session file got since the last time are read, turned into
//! lines and appended in one write, so a hook never reads half a line and
//! the cost follows what is new, not the session's length. The first time
//! in a process the file is written whole (to a temporary file renamed
//! over it), so a resumed session's transcript holds its whole history
//! once. quire's own hooks keep the session file's path.

mod lines;

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Map, Value};

use lines::Converter;

/// The folder, beside the session files, of their Claude-layout copies.
pub const FOLDER: &str = "claude-transcripts";

/// The input fields that name a transcript.
const FIELDS: [&str; 2] = ["transcript_path", "agent_transcript_path"];

/// The Claude-layout transcripts of the session files hooks were given.
#[derive(Default)]
pub struct ClaudeTranscripts {
    followed: Mutex<HashMap<PathBuf, Follower>>,
}

/// One session file followed.
struct Follower {
    out: PathBuf,
    /// The session file's bytes turned into lines so far.
    read_to: u64,
    lines: Converter,
}

/// Where the Claude-layout copy of the session file `session` is.
pub fn path_of(session: &Path) -> Option<PathBuf> {
    Some(session.parent()?.join(FOLDER).join(session.file_name()?))
}

impl ClaudeTranscripts {
    /// `input` for a Claude Code hook: its transcript fields name the
    /// Claude-layout copies, brought up to date. A copy that cannot be
    /// written leaves the session file's path (logged).
    pub fn swap_in(&self, input: &mut Map<String, Value>) {
        for field in FIELDS {
            let Some(session) = input.get(field).and_then(Value::as_str) else {
                continue;
            };
            let session = PathBuf::from(session);
            if let Some(copy) = self.brought_up_to_date(&session) {
                input.insert(field.into(), copy.display().to_string().into());
            }
        }
    }

    /// The copy of `session` with every complete record of it.
    fn brought_up_to_date(&self, session: &Path) -> Option<PathBuf> {
        let mut followed = self.followed.lock().ok()?;
        let out = path_of(session)?;
        let follower = followed
            .entry(session.to_path_buf())
            .or_insert_with(|| Follower {
                out,
                read_to: 0,
                lines: Converter::default(),
            });
        match follower.catch_up(session) {
            Ok(()) => Some(follower.out.clone()),
            Err(e) => {
                tracing::warn!(error = %e, session = %session.display(), out = %follower.out.display(), "Claude Code transcript not written; hooks get the session file");
                // Written whole again next time.
                followed.remove(session);
                None
            }
        }
    }
}

impl Follower {
    fn catch_up(&mut self, session: &Path) -> std::io::Result<()> {
        let mut file = File::open(session)?;
        let len = file.metadata()?.len();
        if len < self.read_to {
            // Not the file that was followed: start over.
            self.read_to = 0;
            self.lines = Converter::default();
        }
        if len == self.read_to && self.out.exists() {
            return Ok(());
        }
        file.seek(SeekFrom::Start(self.read_to))?;
        let mut bytes = Vec::new();
        file.take(len - self.read_to).read_to_end(&mut bytes)?;
        // Only complete lines: the writer may be in the middle of one.
        let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut text = String::new();
        let mut offset = self.read_to;
        for line in bytes[..complete].split_inclusive(|b| *b == b'\n') {
            // A byte order mark before the meta line is no part of it.
            let bytes = if offset == 0 {
                crate::store::without_bom(line)
            } else {
                line
            };
            let record = std::str::from_utf8(bytes)
                .ok()
                .and_then(|l| serde_json::from_str(l.trim_end()).ok());
            if let Some(record) = record {
                self.lines.record(record, offset, &now, &mut text);
            }
            offset += line.len() as u64;
        }
        if self.read_to == 0 {
            write_whole(&self.out, text.as_bytes())?;
        } else if !text.is_empty() {
            // One write: a hook reading meanwhile sees whole lines.
            let mut f = std::fs::OpenOptions::new().append(true).open(&self.out)?;
            f.write_all(text.as_bytes())?;
        }
        self.read_to = offset;
        Ok(())
    }
}

/// `out` replaced by `bytes` at once (a temporary file renamed over it),
/// readable by its owner only, in a folder of the owner's.
fn write_whole(out: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = out
        .parent()
        .ok_or_else(|| std::io::Error::other("a transcript path without a folder"))?;
    crate::owner_only::create_dir(dir)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    // Left by a process killed while writing it.
    let _ = std::fs::remove_file(&tmp);
    let written = crate::owner_only::create_new(&tmp)
        .and_then(|mut f| f.write_all(bytes))
        .and_then(|()| std::fs::rename(&tmp, out));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
