//! A finished child of a resumed parent: its own session file (whose meta
//! names the parent) continued for `send_agent`.

use std::sync::Arc;

use super::child::{BuiltChild, ChildParts};
use crate::agent::{AgentTag, SessionOptions};
use crate::runtime::{SessionBuilder, sessions_dir};

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
    let tag = AgentTag {
        agent_id: loaded.meta.id.clone(),
        parent_id: parts.parent_id.clone(),
        agent_name: name,
    };
    let opts = SessionOptions {
        config: parts.config.clone(),
        home: parts.home.clone(),
        cwd: parts.cwd.clone(),
        resume: Some(loaded),
        approver: parts.approver.clone(),
        events: parts.events.tagged(tag.clone()),
    };
    let mut b = SessionBuilder::new(opts)
        .tools(parts.parent_tools.clone())
        .hooks(parts.hooks.clone())
        .depth(parts.depth + 1);
    if let Some(c) = &parts.client {
        b = b.client(Arc::clone(c));
    }
    let session = b.build().map_err(|e| e.to_string())?;
    Ok(BuiltChild {
        session,
        tag,
        worktree: None,
    })
}
