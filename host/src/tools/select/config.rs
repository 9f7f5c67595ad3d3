//! `[tool_selection]` in config.toml.

use serde::{Deserialize, Serialize};

/// When a session has many tools (plugins, MCP servers), only the ones
/// that fit the turn are sent to the model, with `tool_search` for the
/// rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ToolSelectionConfig {
    /// Turn selection off: every tool is sent on every turn.
    pub enabled: bool,
    /// Selection starts when the session has more tools than this.
    pub threshold: usize,
    /// Tools sent per turn once selection is on (`tool_search` comes on
    /// top). Built-in tools, `always` and tools the model enabled or used
    /// are sent first; the best-ranked others fill the rest.
    pub max_tools: usize,
    /// Tool names sent on every turn besides the built-in ones.
    pub always: Vec<String>,
    /// How many tools one `tool_search` finds and enables when the model
    /// does not say.
    pub search_limit: usize,
    /// Ranked tools are sent only when they score at least this share of
    /// the best one: a request carries the tools that fit, not a fixed
    /// count of schemas (0 sends the best `max_tools` whatever they score).
    pub min_score_ratio: f32,
    /// Bytes the ranked tools' definitions (name, description, schema) may
    /// take in one request, besides the kept tools: the best-ranked tool
    /// always goes, the next ones while they fit (a large schema that does
    /// not fit gives way to smaller tools ranked after it). 0: no limit.
    pub ranked_bytes: usize,
    /// Ranked tools scoring at least this share of the best go whatever
    /// their size (see `ranked_bytes`): a clear match is never left out
    /// for its schema.
    pub sure_score_ratio: f32,
    /// How a tool that becomes needed after the session's first request
    /// reaches the model (see [`Join`]).
    pub join: Join,
}

/// How tools join a running session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Join {
    /// The tool list stays exactly as first sent; a tool needed later is
    /// described (with its parameter schema) in the history, after the
    /// message or in the `tool_search` result, and called through
    /// `call_tool`. No request ever breaks the provider's cached prefix.
    #[default]
    Context,
    /// The tool is appended to the tool list. Native calling, but the
    /// tools come first in every provider's prompt, so each join makes
    /// that request re-read (and pay for) the whole prompt.
    List,
}

impl Default for ToolSelectionConfig {
    fn default() -> Self {
        ToolSelectionConfig {
            enabled: true,
            threshold: 40,
            max_tools: 20,
            always: Vec::new(),
            search_limit: 5,
            min_score_ratio: 0.1,
            ranked_bytes: 10 * 1024,
            sure_score_ratio: 0.45,
            join: Join::default(),
        }
    }
}
