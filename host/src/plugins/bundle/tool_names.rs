//! Tool names a plugin's hook matchers and agent definitions write that
//! name none of its MCP tools (a server it does not have, one of its
//! servers named without the plugin, `mcp::claude_names::plugin_note`) or
//! no tool quire can have (`hooks::claude::matcher_notes`): warnings of
//! `quire plugins validate`, each with its file.

use std::path::Path;

use super::{Bundle, Problem};
use crate::agents::AgentDef;
use crate::hooks::claude::{EventHook, matcher_notes};
use crate::mcp::claude_names::plugin_note;

/// The names of the MCP servers `b` declares (in every file it has).
pub fn servers(b: &Bundle) -> Vec<String> {
    let mut out = Vec::new();
    for f in &b.mcp {
        if let Ok(found) = super::mcp::servers(f, &mut Vec::new()) {
            out.extend(found.into_iter().map(|(name, _)| name));
        }
    }
    out
}

/// The notes on the tool matchers of `hooks`, read from `file`.
pub fn of_hooks(b: &Bundle, servers: &[String], file: &Path, hooks: &[EventHook]) -> Vec<Problem> {
    let mut out = Vec::new();
    for (event, def, at) in hooks {
        let Some(m) = def.matcher.as_deref().filter(|_| event.is_tool_event()) else {
            continue;
        };
        let mut notes = matcher_notes(m, true);
        notes.extend(
            m.split('|')
                .filter_map(|name| plugin_note(name.trim(), &b.name, servers)),
        );
        out.extend(notes.into_iter().map(|note| Problem {
            file: file.to_path_buf(),
            message: format!("{at}: its matcher {m:?} can never match: {note}"),
        }));
    }
    out
}

/// The notes on the tools `def`, an agent of the plugin `plugin`, is
/// given or refused.
pub fn of_agent(plugin: &str, servers: &[String], def: &AgentDef) -> Vec<String> {
    let given = def.tools.iter().flatten();
    given
        .chain(&def.disallowed_tools)
        .filter_map(|name| plugin_note(name, plugin, servers))
        .map(|note| format!("tool {note}; the agent will not have it"))
        .collect()
}
