//! `SubagentStart` and `SubagentStop` through the session's hook
//! dispatcher, with Claude Code's payload (`agent_id`, `agent_type`,
//! `agent_transcript_path`, `stop_hook_active`).

use std::path::Path;

use serde_json::{Map, Value};

use crate::agent::AgentTag;
use crate::hooks::{HookEvent, Hooks};

fn fields(tag: &AgentTag) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("agent_id".into(), tag.agent_id.clone().into());
    m.insert("agent_type".into(), tag.agent_name.clone().into());
    m
}

/// `SubagentStart`: context the hooks add to the child's task.
pub async fn start(hooks: Option<&Hooks>, tag: &AgentTag) -> Option<String> {
    let hooks = hooks.filter(|h| h.has(HookEvent::SubagentStart))?;
    hooks
        .run(HookEvent::SubagentStart, Some(&tag.agent_name), fields(tag))
        .await
        .context_text()
}

/// `SubagentStop`: the reason to go on when a hook blocks the stop;
/// `active`: whether the child goes on already because one did.
pub async fn stop(
    hooks: Option<&Hooks>,
    tag: &AgentTag,
    transcript: &Path,
    last: &str,
    active: bool,
) -> Option<String> {
    let hooks = hooks.filter(|h| h.has(HookEvent::SubagentStop))?;
    let mut f = fields(tag);
    f.insert("stop_hook_active".into(), active.into());
    f.insert(
        "agent_transcript_path".into(),
        transcript.display().to_string().into(),
    );
    f.insert("last_assistant_message".into(), last.into());
    let d = hooks
        .run(HookEvent::SubagentStop, Some(&tag.agent_name), f)
        .await;
    if d.stop.is_some() {
        return None;
    }
    d.block
}
