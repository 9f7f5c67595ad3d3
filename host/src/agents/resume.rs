//! A finished child of a resumed parent: its own session file (whose meta
//! names the parent) continued for `send_agent` with what it was started
//! with (its tools, sandbox, skills, prompt and model as recorded in that
//! file), never the parent's; a worktree child in its own worktree again.

use super::child::{self, BuiltChild, ChildParts, Start};
use super::worktree::Worktree;
use crate::runtime::sessions_dir;

/// Opens the session file of child `id` of `parts.parent_id`.
pub fn reopen(parts: &ChildParts, id: &str) -> Result<BuiltChild, String> {
    let dir = sessions_dir(&parts.config, &parts.home);
    let found = crate::store::find(&dir, id).map_err(|e| e.to_string())?;
    let loaded = crate::store::load(&found.path).map_err(|e| e.to_string())?;
    if loaded.meta.parent.as_deref() != Some(parts.parent_id.as_str()) {
        return Err(format!(
            "session {id} is not a subagent of this session; use an id that spawn_agent returned"
        ));
    }
    let name = loaded
        .meta
        .agent_name
        .clone()
        .unwrap_or_else(|| "agent".into());
    if let Some(t) = loaded
        .last_task
        .as_ref()
        .filter(|t| t.status == crate::store::NOT_STARTED)
    {
        return Err(format!(
            "subagent {id} ({name}) was never started ({}), so it has nothing to continue; start a new one with spawn_agent",
            t.reason
                .as_deref()
                .unwrap_or("dropped while it waited for a free slot")
        ));
    }
    // Without the record its tools and sandbox are unknown: continuing it
    // with the parent's could give it more than it was started with.
    let Some(rec) = loaded.meta.spawn.clone() else {
        return Err(format!(
            "subagent {id} ({name}) was started by an older quire that did not record its tools and sandbox, so it cannot be continued; start a new one with spawn_agent"
        ));
    };
    let worktree = match &rec.worktree {
        Some(w) => Some(Worktree::reopen(w).map_err(|e| {
            format!(
                "subagent {id} ({name}) worked in its own git worktree and is not continued in your checkout instead: {e}; start a new one with spawn_agent"
            )
        })?),
        None if in_a_worktree(&loaded.meta.cwd) => {
            return Err(format!(
                "subagent {id} ({name}) worked in a git worktree ({}) that an older quire did not record, so it cannot be continued there (its changes are on its quire/agent-… branch); start a new one with spawn_agent",
                loaded.meta.cwd
            ));
        }
        None => None,
    };
    let cwd = worktree
        .as_ref()
        .map(|w| w.cwd_for(&parts.cwd))
        .unwrap_or_else(|| parts.cwd.clone());
    let agent_id = loaded.meta.id.clone();
    let start = Start {
        id: &agent_id,
        name,
        cwd,
        model: Some(loaded.meta.model.clone()),
        model_place: Some(format!(
            "the model it was started with, recorded in its session file {}",
            loaded.path.display()
        )),
        resume: Some(loaded),
    };
    let (session, tag) = child::assemble(parts, &rec, start, |b, _| b)?;
    Ok(BuiltChild {
        session,
        tag,
        worktree,
        unannounced: Some(true),
    })
}

/// Whether a child's recorded folder is one of quire's worktrees
/// (`<git dir>/quire-worktrees/<id>`, [`Worktree::create`]).
fn in_a_worktree(cwd: &str) -> bool {
    std::path::Path::new(cwd)
        .components()
        .any(|c| c.as_os_str() == "quire-worktrees")
}
