//! Session files: one append-only JSONL file per session under
//! `$QUIRE_HOME/sessions/`. Each history item and event of record is one
//! line, written and flushed as it happens, so a process killed at any
//! point leaves a file that resumes with every completed item.

mod call_pairs;
mod copies;
mod file;
mod last_task;
mod list;
mod lock;
mod model_switch;
mod not_started;
mod patch_log;
mod reader;
mod rewound;
mod server_window;
mod settings_switch;
mod shown;
mod spawn;
mod summary;
mod tail_turns;
mod typed;
mod unanswered;
mod writer;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use copies::Copy;
pub use last_task::LastTask;
pub use list::{
    Listing, by_last_use, claim, find, last_in, list, list_all, nothing_to_resume, resumable,
};
pub use lock::holder_of;
pub use model_switch::seen as model_switch_seen;
pub use not_started::NOT_STARTED;
pub use patch_log::{DIFF_LEFT_OUT, Fate, MAX_RECORDED_DIFFS, PatchLog, PatchStep, UNDO_COPY};
pub use reader::{LoadedSession, close_unfinished_calls, load};
pub use rewound::{cut_at, messages_from};
pub use settings_switch::seen as settings_switch_seen;
pub use shown::{listed, under_parents};
pub use spawn::{SpawnRecord, SpawnedWorktree};
pub use summary::{SessionSummary, Unreadable};
pub use typed::{as_typed, typed_part};
pub use unanswered::Unanswered;
pub use writer::SessionWriter;

/// The lines of a session file's bytes (`\n` or `\r\n` ends), each as
/// text or the reason it is not UTF-8; a leading byte order mark is no
/// part of the first.
fn lines(bytes: &[u8]) -> impl Iterator<Item = Result<&str, std::str::Utf8Error>> {
    let bytes = without_bom(bytes);
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes
        .split(|b| *b == b'\n')
        .filter(move |_| !bytes.is_empty())
        .map(|line| std::str::from_utf8(line.strip_suffix(b"\r").unwrap_or(line)))
}

/// `bytes` without the UTF-8 byte order mark an editor may have put at the
/// start of a session file ("UTF-8 with BOM"): the meta line follows it.
pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The first line of every session file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionMeta {
    pub id: String,
    /// RFC 3339 creation time.
    pub created: String,
    pub cwd: String,
    pub provider: String,
    pub model: String,
    /// The session that spawned this one (a subagent's file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// A subagent's name (its definition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// A subagent's tools, sandbox, skills and prompt when it was started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spawn: Option<Box<SpawnRecord>>,
    /// The sandbox mode the session began with (absent in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<String>,
    /// The approval policy the session began with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<String>,
}

/// One line of a session file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    Meta(SessionMeta),
    Item {
        /// A user message's running number in the session (withdrawn
        /// messages not counted): a listing reads the count from the
        /// file's last user message instead of counting them all. Absent
        /// on other items and in files written before it was kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        turn: Option<usize>,
        item: crate::protocol::Item,
        /// How a tool result's call ended, when it did not simply succeed
        /// or fail (denied, timed out, interrupted): a resumed or shown
        /// session marks it as the live view did. Absent on other items
        /// and in files written before it was kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<crate::protocol::CallStatus>,
    },
    /// An event of record (usage, compaction, task end); kept for
    /// inspection, not replayed.
    Event {
        event: serde_json::Value,
    },
    /// History was compacted: these items replace everything before.
    Compacted {
        items: Vec<crate::protocol::Item>,
    },
    /// The last `count` items were taken back: a message the model never
    /// answered, given back to the user to edit or send again; or, when
    /// `refused_images`, the images `view_image` calls attached, which the
    /// model refused (no message is taken back then).
    Withdrawn {
        count: usize,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        refused_images: bool,
    },
    /// The names of the tools requests carry from now on, in the order
    /// sent: a resumed session sends the same list (providers cache the
    /// prompt's prefix, and the tools come first). Written when the list
    /// changes; a compaction chooses it afresh.
    Tools {
        names: Vec<String>,
    },
}

/// How a session of another folder is resumed.
const RESUME_THERE: &str =
    "a session resumes in its own folder, so cd there (or pass -C DIR) and resume it by its id";

/// The message of [`StoreError::NoneHere`].
fn none_here(cwd: &str, dir: &Path, others: usize) -> String {
    match others {
        0 => format!(
            "no session to resume in {cwd}, and there are no past sessions (in {})",
            dir.display()
        ),
        1 => format!(
            "no session to resume in {cwd}; the one session `quire sessions list` shows is another folder's: {RESUME_THERE}"
        ),
        n => format!(
            "no session to resume in {cwd}; the {n} sessions `quire sessions list` shows are other folders': {RESUME_THERE}"
        ),
    }
}

/// The message of [`StoreError::OtherDirectory`].
fn other_directory(id: &str, cwd: &str, here: &str, gone: bool) -> String {
    if gone {
        format!(
            "session {id} belongs to {cwd}, which no longer exists (moved or deleted); to continue it in this folder, {here}, say so with --here: quire exec --resume {id} --here \"TASK\""
        )
    } else {
        format!("session {id} belongs to {cwd}; cd there or pass -C {cwd}")
    }
}

/// The message of [`StoreError::Duplicated`].
fn duplicated(id: &str, paths: &str, named: usize) -> String {
    let which = match named {
        0 => "none of them is named as quire names a session's file",
        _ => "more than one is named as quire names a session's file",
    };
    format!(
        "session {id} is held by several files: {paths}; {which} (STAMP-{id}.jsonl): move the copies out of the sessions folder, keeping the one to continue"
    )
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a quire session file: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("no session matches '{0}'; `quire sessions list` shows the ids")]
    NotFound(String),
    #[error(
        "session {query} exists but its file {} is damaged ({reason}); it cannot be resumed: move or delete it, or resume another session",
        path.display()
    )]
    Damaged {
        query: String,
        path: PathBuf,
        reason: String,
    },
    /// `gone`: the session's folder no longer exists (moved or deleted);
    /// `here`: the folder it was to be continued in.
    #[error("{}", other_directory(id, cwd, here, *gone))]
    OtherDirectory {
        id: String,
        cwd: String,
        here: String,
        gone: bool,
    },
    #[error(
        "'{query}' matches several sessions: {candidates}; give more of the id, or its last 8 characters"
    )]
    Ambiguous { query: String, candidates: String },
    /// `named`: how many of the files are named for the id as quire names
    /// a session's own file.
    #[error("{}", duplicated(id, paths, *named))]
    Duplicated {
        id: String,
        paths: String,
        named: usize,
    },
    /// `others`: how many sessions of other folders there are (what
    /// `quire sessions list` shows).
    #[error("{}", none_here(cwd, dir, *others))]
    NoneHere {
        cwd: String,
        dir: PathBuf,
        others: usize,
    },
    #[error(
        "no readable session to resume in {cwd}; the newest session file, {}, is damaged ({reason}) and may have been its last one: it cannot be resumed; move or delete it, or resume another session by its id (`quire sessions list` shows them)",
        path.display()
    )]
    LastDamaged {
        cwd: String,
        path: PathBuf,
        reason: String,
    },
    #[error(
        "session {id} is in use by another quire{}: {}; wait for it to end, start a new session, or continue another one by its id (`quire resume` lists them)",
        holder.map(|p| format!(" (pid {p})")).unwrap_or_default(),
        path.display()
    )]
    Busy {
        id: String,
        path: PathBuf,
        holder: Option<u32>,
    },
    /// The session file cannot be opened for writing (a read-only file,
    /// a read-only mount): nobody holds it, but it cannot go on.
    #[error(
        "session {id} cannot be continued: its file {} cannot be opened for writing ({source}); make it writable (chmod u+w, or copy it back where it can be written), or continue another session by its id (`quire resume` lists them)",
        path.display()
    )]
    NotWritable {
        id: String,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "session {id} changed while it was being read ({}): another quire wrote to it; resume again",
        path.display()
    )]
    Changed { id: String, path: PathBuf },
}

impl StoreError {
    /// The user asked for something that cannot be done now or as given
    /// (exit 2), not a failure of quire's.
    pub fn is_usage(&self) -> bool {
        !matches!(self, StoreError::Io { .. } | StoreError::Invalid { .. })
    }
}
