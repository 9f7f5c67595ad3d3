use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{Record, SessionMeta, StoreError};
use crate::protocol::{CallStatus, Item};

/// A session file read back.
#[derive(Debug, Clone)]
pub struct LoadedSession {
    pub meta: SessionMeta,
    pub path: PathBuf,
    /// The history to continue from (compactions applied, unfinished tool
    /// calls closed).
    pub items: Vec<Item>,
    /// The tools the last requests carried, in order (`None`: never
    /// recorded, or chosen afresh after the last compaction).
    pub tools: Option<Vec<String>>,
    /// How tool calls ended, by call id, where the file kept it (a result
    /// denied, timed out or interrupted; see [`super::Record::Item`]).
    pub statuses: HashMap<String, CallStatus>,
    /// Why the last user message got no answer, when it got none (see
    /// [`super::Unanswered`]).
    pub unanswered: Option<String>,
    /// User messages the file recorded, withdrawn ones not counted (a
    /// compaction keeps fewer in `items`).
    pub turns: usize,
    /// How the last message's task ended, when it did.
    pub last_task: Option<super::LastTask>,
    /// The model the session last used: the last `/model` switch it
    /// recorded, else the model it was created with.
    pub model: String,
    /// The context window the session learned from its server, for the
    /// model it learned it with (the last one recorded).
    pub server_window: Option<(String, u64)>,
    /// The session's patches as the file recorded them, for `/undo` and
    /// `/diff` after the resume.
    pub patches: super::PatchLog,
    /// The sandbox and approval policy of the last `/approvals` change
    /// the file recorded (`None`: those of its header).
    pub settings: Option<(String, String)>,
    /// Lines that could not be read (a partial last line after a kill).
    pub warnings: Vec<String>,
    /// The file's length when read: continuing it checks nobody wrote
    /// since.
    pub len: u64,
    /// The file opened for appending with its lock already taken, when it
    /// was claimed before it was read ([`super::claim`]): continuing it
    /// cannot then lose a race to another quire.
    pub(super) held: Option<std::sync::Arc<std::fs::File>>,
}

/// Reads a session file. A partial last line is skipped with a warning;
/// a tool call that never got its result gets one saying the session
/// stopped, and a result whose call was lost, a second result of one call
/// and a call's empty or repeated id are repaired (with a warning), so
/// every wire API accepts the history.
pub fn load(path: &Path) -> Result<LoadedSession, StoreError> {
    // Bytes, not a string: one line that is not UTF-8 (a torn write, a
    // stray binary) is skipped like any other unreadable line.
    let io = |source| StoreError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    };
    let mut file = super::file::open_regular(path).map_err(|e| match e {
        super::file::Unfit::Io(e) => io(e),
        kind => StoreError::Invalid {
            path: path.to_path_buf(),
            reason: format!("it is {kind}"),
        },
    })?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes).map_err(io)?;
    let mut meta = None;
    let mut items = Vec::new();
    let mut warnings = Vec::new();
    let mut tools = None;
    let mut statuses = HashMap::new();
    let mut unanswered = super::Unanswered::default();
    let mut last_task = super::last_task::Follow::default();
    let mut turns: usize = 0;
    let mut switched: Option<String> = None;
    let mut settings: Option<(String, String)> = None;
    let mut server_window = None;
    let mut patches = super::patch_log::Follow::default();
    for (n, line) in super::lines(&bytes).enumerate() {
        let skipped = |why: String| {
            format!(
                "{}:{}: skipped an unreadable line ({why})",
                path.display(),
                n + 1
            )
        };
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                warnings.push(skipped(format!("not valid UTF-8: {e}")));
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(line) {
            Ok(Record::Meta(m)) => meta = Some(m),
            Ok(Record::Item { item, status, .. }) => {
                if let (Item::ToolResult { call_id, .. }, Some(status)) = (&item, status) {
                    statuses.insert(call_id.clone(), status);
                }
                if matches!(item, Item::User { .. }) {
                    unanswered.see_message();
                    turns += 1;
                }
                last_task.see_item(&item);
                patches.see_item(&item);
                items.push(item)
            }
            Ok(Record::Compacted { items: replaced }) => {
                items = replaced;
                tools = None;
            }
            Ok(Record::Withdrawn {
                count,
                refused_images,
            }) => {
                items.truncate(items.len().saturating_sub(count));
                // One unanswered message (and its context) taken back, or
                // only images the model refused.
                if !refused_images {
                    turns = turns.saturating_sub(1);
                }
            }
            Ok(Record::Tools { names }) => tools = Some(names),
            Ok(Record::Event { event }) => {
                // Going back to an earlier message drops it and what
                // followed, as it did in the session that recorded it.
                if let Some(n) = super::rewound::seen(&event)
                    && let Some(dropped) = super::rewound::apply(&mut items, n)
                {
                    turns = turns.saturating_sub(dropped);
                    unanswered.see_rewind();
                }
                unanswered.see_event(&event);
                last_task.see_event(&event);
                patches.see_event(&event);
                if let Some(m) = super::model_switch::seen(&event) {
                    switched = Some(m.to_string());
                }
                if let Some(s) = super::settings_switch::seen(&event) {
                    settings = Some(s);
                }
                if let Some(learned) = super::server_window::seen(&event) {
                    server_window = Some(learned);
                }
            }
            Err(e) => warnings.push(skipped(e.to_string())),
        }
    }
    let meta = meta.ok_or_else(|| StoreError::Invalid {
        path: path.to_path_buf(),
        reason: "it has no meta line".into(),
    })?;
    // Every wire API refuses the history otherwise.
    for repair in super::call_pairs::pair(&mut items) {
        warnings.push(repair.warning(path));
    }
    close_unfinished_calls(&mut items);
    let unanswered = unanswered.why(&items);
    Ok(LoadedSession {
        model: switched.unwrap_or_else(|| meta.model.clone()),
        meta,
        server_window,
        settings,
        path: path.to_path_buf(),
        items,
        tools,
        statuses,
        unanswered,
        turns,
        last_task: last_task.last(),
        patches: patches.log(),
        warnings,
        len: bytes.len() as u64,
        held: None,
    })
}

/// Gives every tool call without a result an error result, placed right
/// after the run of tool calls and results it belongs to.
pub fn close_unfinished_calls(items: &mut Vec<Item>) {
    let answered: HashSet<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::ToolResult { call_id, .. } => Some(call_id.clone()),
            _ => None,
        })
        .collect();
    let mut i = 0;
    while i < items.len() {
        if !matches!(items[i], Item::ToolCall { .. }) {
            i += 1;
            continue;
        }
        let mut end = i;
        let mut missing = Vec::new();
        while end < items.len()
            && matches!(items[end], Item::ToolCall { .. } | Item::ToolResult { .. })
        {
            if let Item::ToolCall { call_id, .. } = &items[end]
                && !answered.contains(call_id)
            {
                missing.push(call_id.clone());
            }
            end += 1;
        }
        let n = missing.len();
        for (k, call_id) in missing.into_iter().enumerate() {
            items.insert(
                end + k,
                Item::ToolResult {
                    call_id,
                    output: "the session stopped before this tool call finished; its effect is unknown, check before repeating it".into(),
                    is_error: true,
                },
            );
        }
        i = end + n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfinished_calls_get_results_after_their_run() {
        let call = |id: &str| Item::ToolCall {
            call_id: id.into(),
            name: "shell".into(),
            arguments: "{}".into(),
        };
        let mut items = vec![
            Item::User {
                typed: None,
                text: "u".into(),
            },
            call("a"),
            call("b"),
            Item::ToolResult {
                call_id: "a".into(),
                output: "ok".into(),
                is_error: false,
            },
        ];
        close_unfinished_calls(&mut items);
        assert_eq!(items.len(), 5);
        assert!(
            matches!(&items[4], Item::ToolResult { call_id, is_error: true, .. } if call_id == "b")
        );
    }
}
