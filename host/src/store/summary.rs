//! One session file summed up for a listing: its meta line, first prompt
//! and user messages, read from a bounded prefix of the file, its turns
//! from its end when it is longer (see `tail_turns`), so a long session
//! costs little more to list than a short one.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::Record;
use super::file::{Unfit, open_regular};
use super::typed::typed_part;
use crate::protocol::Item;

/// The part of a file read to count turns; past it, reading stops as soon
/// as the meta line and the first prompt are known.
const COUNTED: u64 = 256 * 1024;
/// The most read of one file, whatever it holds (a first prompt longer
/// than this, or a meta line further in, is not found).
const READ_MAX: u64 = 8 * 1024 * 1024;

/// One line of `quire sessions list`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SessionSummary {
    pub id: String,
    pub created: String,
    pub cwd: String,
    pub first_prompt: String,
    /// Messages the user sent (withdrawn ones not counted).
    pub turns: usize,
    /// The file is longer than the part read and its end holds no
    /// numbered message (written by an older quire, or a last turn of
    /// more than 8 MiB): `turns` is a lower bound.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub turns_partial: bool,
    pub path: PathBuf,
    /// The parent session of a subagent's file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// When the file was last written (its last activity: a resumed
    /// session that went on counts from then, not from when it began);
    /// `None` when the file system does not say.
    #[serde(skip)]
    pub modified: Option<std::time::SystemTime>,
}

impl SessionSummary {
    /// When the session was last used, `2026-12-03 09:12:45` in local time
    /// (its file's last write); its creation time when the file system
    /// does not say. Listings are ordered by it, newest first.
    pub fn last_used(&self) -> String {
        match self.modified {
            Some(t) => chrono::DateTime::<chrono::Local>::from(t)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            None => self.created.replace('T', " ").chars().take(19).collect(),
        }
    }
}

/// A `.jsonl` file of the sessions folder that holds no readable session.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub path: PathBuf,
    /// Why: "empty or no meta line", "a named pipe, not a regular file", ….
    pub reason: String,
}

/// The summary of the session in `path`, or why there is none.
pub fn summarize(path: &Path) -> Result<SessionSummary, Unreadable> {
    let unreadable = |reason: String| Unreadable {
        path: path.to_path_buf(),
        reason,
    };
    let mut file = open_regular(path).map_err(|e| match e {
        // A directory reads as nothing: it holds no session.
        Unfit::Kind(_) => unreadable(e.to_string()),
        Unfit::Io(e)
            if e.kind() == std::io::ErrorKind::NotFound
                && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) =>
        {
            unreadable("a link to a missing file".into())
        }
        Unfit::Io(e) => unreadable(format!("cannot be opened: {e}")),
    })?;
    let modified = file.metadata().and_then(|m| m.modified()).ok();
    let mut reader = BufReader::new((&file).take(READ_MAX));
    let mut meta = None;
    let mut first_prompt = None;
    let mut turns: usize = 0;
    let mut read: u64 = 0;
    let mut line = Vec::new();
    let mut ended = false;
    loop {
        if read >= COUNTED && meta.is_some() && first_prompt.is_some() {
            break;
        }
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => {
                ended = true;
                break;
            }
            Ok(n) => read += n as u64,
            // Unreadable from here on: what was read stands.
            Err(_) => break,
        }
        // Lines as bytes: one that is not UTF-8 is skipped, not the end.
        // The first may start with a byte order mark.
        let bytes = if read == line.len() as u64 {
            super::without_bom(&line)
        } else {
            &line
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        // Only user messages, their withdrawals and the header matter:
        // skip the rest unparsed.
        if meta.is_some()
            && !text.contains("\"user\"")
            && !text.contains("\"withdrawn\"")
            && !text.contains("\"rewound\"")
        {
            continue;
        }
        match serde_json::from_str::<Record>(text.trim_end_matches(['\n', '\r'])) {
            Ok(Record::Meta(m)) => meta = Some(m),
            Ok(Record::Item {
                item: Item::User { text, typed },
                ..
            }) => {
                turns += 1;
                first_prompt.get_or_insert_with(|| typed_part(&text, typed).to_string());
            }
            // A withdrawal takes back one unanswered user message (with
            // the context recorded after it).
            Ok(Record::Withdrawn {
                refused_images: false,
                ..
            }) => {
                turns = turns.saturating_sub(1);
                if turns == 0 {
                    first_prompt = None;
                }
            }
            // Going back to an earlier message: those after it are gone.
            Ok(Record::Event { event }) => {
                if let Some(dropped) = super::rewound::dropped(&event) {
                    turns = turns.saturating_sub(dropped);
                    if turns == 0 {
                        first_prompt = None;
                    }
                }
            }
            _ => {}
        }
    }
    let meta = meta.ok_or_else(|| unreadable("empty or no meta line".into()))?;
    // Longer than the part read: the count is on the last message.
    let counted = match ended {
        true => Some(turns),
        false => file
            .metadata()
            .ok()
            .and_then(|m| super::tail_turns::turns(&mut file, m.len())),
    };
    Ok(SessionSummary {
        id: meta.id,
        created: meta.created,
        cwd: meta.cwd,
        first_prompt: first_prompt.unwrap_or_default(),
        turns: counted.unwrap_or(turns),
        turns_partial: counted.is_none(),
        path: path.to_path_buf(),
        parent: meta.parent,
        modified,
    })
}
