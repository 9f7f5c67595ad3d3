//! The children a resumed session had before the resume, read back from
//! their session files (each names its parent in its meta line): `/agents`
//! lists them (marked as from before the resume) with how they ended,
//! what they used, their transcript and a worktree child's branch, so
//! `/agents show|merge|discard ID` work on them as on this run's.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use quire::model::Item;
use quire::store::{self, LoadedSession, SessionSummary};
use quire::tools::CallStatus;

use super::children::{Child, Children};

/// What `branch_state` says of a branch that is no longer there.
pub const GONE: &str = "gone";

/// What a child with no recorded end is listed as: quire stopped while
/// it ran.
const UNFINISHED: &str = "unfinished";

/// What a child dropped while it waited for a slot is listed as.
const NOT_STARTED: &str = "not started";

/// The children (and their children) of session `parent` in `dir`, in
/// the order they started. Files that cannot be read are left out.
pub fn load(dir: &Path, parent: &str) -> Children {
    let sessions = match store::list(dir) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("subagents of {parent} not read: {e}");
            return Children::default();
        }
    };
    let mut by_parent: HashMap<&str, Vec<&SessionSummary>> = HashMap::new();
    for s in &sessions {
        if let Some(p) = s.parent.as_deref() {
            by_parent.entry(p).or_default().push(s);
        }
    }
    let mut found: Vec<(u32, &SessionSummary)> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::from([parent]);
    let mut next = vec![(parent, 0u32)];
    while let Some((id, depth)) = next.pop() {
        for s in by_parent.get(id).into_iter().flatten() {
            if seen.insert(s.id.as_str()) {
                found.push((depth + 1, s));
                next.push((s.id.as_str(), depth + 1));
            }
        }
    }
    found.sort_by(|a, b| a.1.created.cmp(&b.1.created).then(a.1.id.cmp(&b.1.id)));
    let list = found
        .into_iter()
        .filter_map(|(depth, s)| match store::load(&s.path) {
            Ok(loaded) => Some(child(depth, s, loaded)),
            Err(e) => {
                tracing::warn!("subagent file {} not read: {e}", s.path.display());
                None
            }
        })
        .collect();
    Children { list }
}

fn child(depth: u32, s: &SessionSummary, loaded: LoadedSession) -> Child {
    let name = loaded
        .meta
        .agent_name
        .clone()
        .unwrap_or_else(|| super::children::UNNAMED.to_string());
    let mut c = Child::new(s.id.clone(), name, depth, s.first_prompt.clone());
    c.earlier = true;
    // Ctrl-O expands this run's children; `/agents show ID` prints these.
    c.expanded = true;
    c.status = Some(
        loaded
            .last_task
            .as_ref()
            .map(|t| match t.status.as_str() {
                // Dropped while it waited for a slot (`agents.max_parallel`).
                store::NOT_STARTED => NOT_STARTED.to_string(),
                s => s.to_string(),
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| UNFINISHED.to_string()),
    );
    c.usage = crate::tui::recorded_usage(&s.path).0;
    c.duration_ms = Some(ran_for(s));
    c.tools = loaded
        .items
        .iter()
        .filter(|i| matches!(i, Item::ToolCall { .. }))
        .count();
    if let Some(w) = loaded.meta.spawn.as_ref().and_then(|r| r.worktree.as_ref()) {
        c.branch = Some(w.branch.clone());
        if !quire::agents::worktree::branch_exists(&w.repo, &w.branch) {
            c.branch_state = Some(GONE);
        }
    }
    c.transcript = transcript(&loaded);
    c
}

/// From the file's creation to its last write.
fn ran_for(s: &SessionSummary) -> u64 {
    let Ok(created) = chrono::DateTime::parse_from_rfc3339(&s.created) else {
        return 0;
    };
    let Some(modified) = s.modified else {
        return 0;
    };
    let modified = chrono::DateTime::<chrono::Utc>::from(modified);
    u64::try_from((modified - created.to_utc()).num_milliseconds()).unwrap_or(0)
}

/// Its answers and tool calls as the live transcript has them.
fn transcript(loaded: &LoadedSession) -> Vec<String> {
    let mut calls = super::replayed_calls::ReplayedCalls::default();
    let mut out = Vec::new();
    for item in &loaded.items {
        match item {
            Item::Assistant { text } => out.extend(text.trim_end().lines().map(str::to_string)),
            Item::ToolCall {
                call_id,
                name,
                arguments,
            } => calls.call(call_id, name, arguments),
            Item::ToolResult {
                call_id,
                output,
                is_error,
            } => {
                let (line, status) = calls.result(call_id, output, *is_error, &loaded.statuses);
                let mark = match status {
                    CallStatus::Ok => "✓",
                    CallStatus::Denied | CallStatus::TimedOut | CallStatus::Interrupted => "⊘",
                    _ => "✗",
                };
                out.push(format!("{mark} {line}"));
            }
            _ => {}
        }
    }
    out
}
