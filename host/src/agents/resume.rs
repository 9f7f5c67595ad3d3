//! A finished child of a resumed parent: its own session file (whose meta
//! names the parent) continued for `send_agent` with what it was started
//! with (its tools, sandbox, skills, prompt and model as recorded in that
//! file), never the parent's.

use super::child::{self, BuiltChild, ChildParts, Start};
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
    // Without the record its tools and sandbox are unknown: continuing it
    // with the parent's could give it more than it was started with.
    let Some(rec) = loaded.meta.spawn.clone() else {
        return Err(format!(
            "subagent {id} ({name}) was started by an older quire that did not record its tools and sandbox, so it cannot be continued; start a new one with spawn_agent"
        ));
    };
    let agent_id = loaded.meta.id.clone();
    let start = Start {
        id: &agent_id,
        name,
        cwd: parts.cwd.clone(),
        model: Some(loaded.meta.model.clone()),
        resume: Some(loaded),
    };
    let (session, tag) = child::assemble(parts, &rec, start, |b, _| b)?;
    Ok(BuiltChild {
        session,
        tag,
        worktree: None,
    })
}
