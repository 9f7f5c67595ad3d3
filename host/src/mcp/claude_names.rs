//! Claude Code's names of a plugin's MCP tools. Claude Code names a tool
//! of a server a plugin bundles `mcp__plugin_PLUGIN_SERVER__TOOL`; quire
//! names the same tool `mcp__PLUGIN_SERVER__TOOL` (the server is
//! `PLUGIN_SERVER`, `plugins::bundle::mcp`). Plugin authors write Claude's
//! name in hook matchers, agents' `tools:` / `disallowedTools` and
//! permission rules: there it is read as quire's. And a plain name that
//! can name no MCP tool is said to be one ([`shape_note`],
//! [`plugin_note`]).

use std::borrow::Cow;

/// How Claude Code begins the name of a plugin's MCP tool.
const CLAUDE_PLUGIN_PREFIX: &str = "mcp__plugin_";

/// quire's name for `name` when it is Claude Code's name of a plugin's
/// MCP tool, server or name prefix (`mcp__plugin_mp_srv__echo` →
/// `mcp__mp_srv__echo`); `None` for every other name.
pub fn to_quire(name: &str) -> Option<String> {
    let rest = name.strip_prefix(CLAUDE_PLUGIN_PREFIX)?;
    (!rest.is_empty()).then(|| format!("mcp__{rest}"))
}

/// `name` as quire names it: [`to_quire`]'s, else `name` itself.
pub fn quire_form(name: &str) -> Cow<'_, str> {
    match to_quire(name) {
        Some(q) => Cow::Owned(q),
        None => Cow::Borrowed(name),
    }
}

/// The note for a plain tool name beginning `mcp__` that names no MCP
/// tool (`mcp__github`, `mcp____x`): an MCP tool is `mcp__SERVER__TOOL`.
/// `None` for other names and for names of that shape.
pub fn shape_note(name: &str) -> Option<String> {
    let rest = quire_form(name).strip_prefix("mcp__")?.to_string();
    match rest.split_once("__") {
        Some((server, tool)) if !server.is_empty() && !tool.is_empty() => None,
        _ => Some(format!(
            "`{name}` names no MCP tool (an MCP tool is `mcp__SERVER__TOOL`; one of a plugin's server `mcp__plugin_PLUGIN_SERVER__TOOL`)"
        )),
    }
}

/// The note for a plain tool name written in the plugin `plugin`, whose
/// MCP servers are `servers`, that names none of its tools though it is
/// meant to: a server of the plugin it does not have
/// (`mcp__plugin_mp_nosuch__x`), or one of its servers named without the
/// plugin (`mcp__srv__x`, a name neither Claude Code nor quire gives it).
pub fn plugin_note(name: &str, plugin: &str, servers: &[String]) -> Option<String> {
    let quire = quire_form(name);
    let (server, tool) = quire.strip_prefix("mcp__")?.split_once("__")?;
    let sanitized: Vec<String> = servers
        .iter()
        .map(|s| crate::mcp::naming::sanitize(s))
        .collect();
    let listed = || match servers.is_empty() {
        true => "it has none".to_string(),
        false => format!("its servers: {}", servers.join(", ")),
    };
    let own = format!("{}_", crate::mcp::naming::sanitize(plugin));
    if let Some(s) = server.strip_prefix(&own) {
        return (!sanitized.iter().any(|k| k == s)).then(|| {
            format!(
                "`{name}` names no tool: the plugin {plugin} has no MCP server `{s}` ({})",
                listed()
            )
        });
    }
    (to_quire(name).is_none() && sanitized.iter().any(|k| k == server)).then(|| {
        format!(
            "`{name}` names no tool: the tools of this plugin's server {server} are `mcp__plugin_{plugin}_{server}__{tool}` (Claude Code's name; quire's is `mcp__{plugin}_{server}__{tool}`)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_plugin_names_become_quires() {
        assert_eq!(
            to_quire("mcp__plugin_mp_echosrv__echo").as_deref(),
            Some("mcp__mp_echosrv__echo")
        );
        assert_eq!(to_quire("mcp__plugin_"), None);
        assert_eq!(to_quire("mcp__github__x"), None);
        assert_eq!(quire_form("shell"), "shell");
    }

    #[test]
    fn names_that_can_match_no_tool_are_noted() {
        assert!(shape_note("mcp__gh__x").is_none());
        assert!(shape_note("mcp__plugin_mp_s__x").is_none());
        assert!(shape_note("shell").is_none());
        assert!(shape_note("mcp__github").is_some());
        assert!(shape_note("mcp____x").is_some());
        let servers = ["echosrv".to_string()];
        assert!(plugin_note("mcp__plugin_mp_echosrv__echo", "mp", &servers).is_none());
        assert!(plugin_note("mcp__mp_echosrv__echo", "mp", &servers).is_none());
        assert!(plugin_note("mcp__other__x", "mp", &servers).is_none());
        let n = plugin_note("mcp__plugin_mp_nosuch__echo", "mp", &servers).unwrap_or_default();
        assert!(
            n.contains("has no MCP server `nosuch` (its servers: echosrv)"),
            "{n}"
        );
        let n = plugin_note("mcp__echosrv__echo", "mp", &servers).unwrap_or_default();
        assert!(n.contains("`mcp__plugin_mp_echosrv__echo`"), "{n}");
    }
}
