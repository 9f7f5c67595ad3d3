//! Tool selection for large tool sets: when a session has more tools than
//! `tool_selection.threshold` (plugins and MCP servers add up fast), each
//! request carries only the built-in tools, the ones the model enabled or
//! used, and the best-ranked others for the turn (up to `max_tools`), plus
//! `tool_search`, which finds and enables the rest for the session. Ranking
//! uses the skills' BM25 index and scoring ([`index`]).
//!
//! - [`config`]: the `[tool_selection]` table.
//! - [`index`]: tools as index documents.
//! - [`pick`]: the tools of one request.
//! - [`search`]: the `tool_search` tool.

pub mod config;
pub mod index;
pub mod pick;
pub mod search;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

pub use config::ToolSelectionConfig;
pub use index::ToolIndex;
pub use search::ToolSearchTool;

use crate::agent::Extension;
use crate::model::Item;
use crate::skills::select::learn::{Kind, Learned};
use crate::tools::{ToolRegistry, ToolSpec};

/// Tools sent on every turn when selection is on, besides the built-in
/// ones: skills and MCP resources are sources of their own.
const ALWAYS: &[&str] = &["skill", crate::mcp::resources::NAME];

/// One session's selection: the index over its tools and the tools the
/// model enabled or used. Shared by the session (which asks for each
/// request's tools) and [`ToolSearchTool`].
pub struct ToolSelection {
    config: ToolSelectionConfig,
    /// Built-in tools, [`ALWAYS`] and `config.always`.
    pinned: BTreeSet<String>,
    state: Mutex<State>,
    learned: Option<Arc<Learned>>,
}

#[derive(Default)]
struct State {
    index: Arc<ToolIndex>,
    /// Enabled by `tool_search` or called by the model in this session.
    kept: BTreeSet<String>,
    /// The message of the last turn and the tools sent for it.
    turn: Option<(String, BTreeSet<String>)>,
}

impl ToolSelection {
    /// `builtin`: the names of the built-in tools (always sent).
    pub fn new(config: ToolSelectionConfig, builtin: impl IntoIterator<Item = String>) -> Self {
        let mut pinned: BTreeSet<String> = builtin.into_iter().collect();
        pinned.extend(ALWAYS.iter().map(|s| s.to_string()));
        pinned.extend(config.always.iter().cloned());
        ToolSelection {
            config,
            pinned,
            state: Mutex::new(State::default()),
            learned: None,
        }
    }

    /// Learns from `tool_search` finds into the per-user store beside the
    /// skills index cache folder (see [`crate::skills::select::learn`]).
    pub fn learning(mut self, cache_dir: &std::path::Path) -> Self {
        self.learned = Some(Learned::beside(cache_dir));
        self
    }

    /// `tool_search` found `names`: those the turn did not send are
    /// remembered for the turn's message.
    pub fn learn_found<'a>(&self, names: impl IntoIterator<Item = &'a str>) {
        let Some(learned) = &self.learned else { return };
        let Some((message, sent)) = self.state().turn.clone() else {
            return;
        };
        for name in names {
            if !sent.contains(name) && !self.pinned.contains(name) {
                tracing::info!(tool = %name, "selector missed a tool the model found; learning the message's terms");
                learned.remember(Kind::Tool, name, &message);
            }
        }
    }

    pub fn config(&self) -> &ToolSelectionConfig {
        &self.config
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Re-indexes the registry's tools when they changed since the last
    /// call (`tool_search` itself is not indexed).
    pub fn refresh(&self, registry: &ToolRegistry) {
        let generation = registry.generation();
        let mut state = self.state();
        if state.index.generation == Some(generation) {
            return;
        }
        let specs: Vec<ToolSpec> = registry
            .specs()
            .into_iter()
            .filter(|s| s.name != search::NAME)
            .collect();
        state.index =
            Arc::new(ToolIndex::build(specs, generation).with_learned(self.learned.clone()));
        tracing::debug!(tools = state.index.len(), "tool index rebuilt");
    }

    /// The indexed tools.
    pub fn index(&self) -> Arc<ToolIndex> {
        self.state().index.clone()
    }

    /// Whether the session has more tools than the threshold.
    pub fn selecting(&self) -> bool {
        self.config.enabled && self.index().len() > self.config.threshold
    }

    /// The tools of a request for a turn started by `message`. Tools the
    /// model called in `history` are kept for the rest of the session.
    pub fn turn_specs(&self, history: &[Item], message: &str) -> Vec<ToolSpec> {
        let (index, keep) = {
            let mut state = self.state();
            for item in history {
                if let Item::ToolCall { name, .. } = item
                    && name != search::NAME
                {
                    state.kept.insert(name.clone());
                }
            }
            let mut keep = self.pinned.clone();
            keep.extend(state.kept.iter().cloned());
            (state.index.clone(), keep)
        };
        let previous = previous_message(history, message);
        let picked = pick::pick(&index, &self.config, &keep, message, previous);
        let mut specs: Vec<ToolSpec> = picked
            .tools
            .iter()
            .map(|&i| index.specs[i].clone())
            .collect();
        if !message.trim().is_empty() {
            let sent = specs.iter().map(|s| s.name.clone()).collect();
            self.state().turn = Some((message.to_string(), sent));
        }
        if picked.selecting {
            tracing::debug!(
                sent = specs.len(),
                of = index.len(),
                tools = ?specs.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
                "tools selected for the turn"
            );
            specs.push(search::spec());
        }
        specs
    }

    /// Keeps `names` in every following request.
    pub fn enable<'a>(&self, names: impl IntoIterator<Item = &'a str>) {
        let mut state = self.state();
        state.kept.extend(names.into_iter().map(str::to_string));
    }

    /// Whether `name` is sent on every turn already.
    pub fn is_kept(&self, name: &str) -> bool {
        self.pinned.contains(name) || self.state().kept.contains(name)
    }

    /// Where the session's tools come from, for the prompt: MCP servers
    /// and plugins with their tool counts.
    fn sources(index: &ToolIndex) -> String {
        let mut servers: BTreeMap<&str, usize> = BTreeMap::new();
        let mut plugins: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &index.specs {
            if let Some(rest) = s.name.strip_prefix("mcp__") {
                if let Some((server, _)) = rest.split_once("__") {
                    *servers.entry(server).or_default() += 1;
                }
            } else if let Some((plugin, _)) = s.name.split_once("__") {
                *plugins.entry(plugin).or_default() += 1;
            }
        }
        let list = |m: &BTreeMap<&str, usize>| {
            m.iter()
                .map(|(k, n)| format!("{k} ({n})"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut parts = Vec::new();
        if !servers.is_empty() {
            parts.push(format!("MCP servers {}", list(&servers)));
        }
        if !plugins.is_empty() {
            parts.push(format!("plugins {}", list(&plugins)));
        }
        parts.join("; ")
    }
}

impl Extension for ToolSelection {
    fn instructions(&self, _user_text: &str) -> Option<String> {
        if !self.selecting() {
            return None;
        }
        let index = self.index();
        let sources = Self::sources(&index);
        let from = if sources.is_empty() {
            String::new()
        } else {
            format!(" They come from {sources}.")
        };
        Some(format!(
            "# Tool search\n\nThis session has {} tools; only the ones that fit the current request are listed.{from} When you need a capability that is not listed, call `{}` with a few words describing it (or with exact tool names); the tools it finds can be called from then on.",
            index.len(),
            search::NAME
        ))
    }

    /// A resumed or cleared history: tools called in it, and tools
    /// `tool_search` enabled in it, are kept again.
    fn sync_history(&self, history: &[Item]) {
        let mut kept = BTreeSet::new();
        let mut searches = BTreeSet::new();
        for item in history {
            match item {
                Item::ToolCall { call_id, name, .. } if name == search::NAME => {
                    searches.insert(call_id.clone());
                }
                Item::ToolCall { name, .. } => {
                    kept.insert(name.clone());
                }
                Item::ToolResult {
                    call_id,
                    output,
                    is_error: false,
                } if searches.contains(call_id) => {
                    kept.extend(search::enabled_in(output));
                }
                _ => {}
            }
        }
        self.state().kept = kept;
    }
}

/// The user message before the one that started this turn (`message`).
fn previous_message<'a>(history: &'a [Item], message: &str) -> Option<&'a str> {
    let mut users = history.iter().rev().filter_map(|i| match i {
        Item::User { text } => Some(text.as_str()),
        _ => None,
    });
    let last = users.next()?;
    if last == message {
        users.next()
    } else {
        Some(last)
    }
}

#[cfg(test)]
mod tests;
