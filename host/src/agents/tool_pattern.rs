//! Claude Code's `Tool(pattern)` entries in an agent's `tools` and
//! `disallowedTools` (`Bash(git status:*)`, `Read(src/**)`). quire gives
//! or refuses whole tools only, so such an entry is read the narrow way:
//! in `tools` the tool is not given, in `disallowedTools` the whole tool
//! is refused; a warning says which, and what to write instead.

use super::definition::{KNOWN_TOOLS, map_claude_tool};

/// `Bash(git status:*)` → (`Bash`, `git status:*`); `None` for a plain name.
pub fn split(entry: &str) -> Option<(&str, &str)> {
    let (tool, rest) = entry.split_once('(')?;
    let pattern = rest.strip_suffix(')')?;
    let tool = tool.trim();
    (!tool.is_empty()).then_some((tool, pattern))
}

/// What the entry `tool(pattern)` of a list becomes: in the tools given
/// (`refused` false) nothing, in the tools refused the whole `tool`. A
/// tool quire does not know is handed on as it is, for the caller's
/// warning about unknown tools. `plain`: the quire tools the same list
/// names whole; beside one of them the entry adds nothing and needs no
/// warning.
pub fn resolve(
    entry: &str,
    tool: &str,
    pattern: &str,
    refused: bool,
    plain: &[&str],
    warnings: &mut Vec<String>,
) -> Option<String> {
    let Some(ours) =
        map_claude_tool(tool).or_else(|| KNOWN_TOOLS.iter().copied().find(|t| *t == tool))
    else {
        return Some(tool.to_string());
    };
    if plain.contains(&ours) {
        return None;
    }
    if refused {
        warnings.push(format!(
            "disallowedTools '{entry}': quire cannot refuse only '{pattern}', so the agent gets no {ours} at all; write '{tool}' to say so, or remove the entry to leave {ours} to it"
        ));
        Some(tool.to_string())
    } else {
        warnings.push(format!(
            "tools '{entry}': quire cannot limit {ours} to '{pattern}', so the agent does not get {ours}; write '{tool}' to give it {ours} whole (still within its sandbox and approval policy)"
        ));
        None
    }
}
