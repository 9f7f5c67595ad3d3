//! Tool selection for large tool sets: when a session has more tools than
//! `tool_selection.threshold` (plugins and MCP servers add up fast), the
//! first request carries only the built-in tools, the ones the model
//! enabled or used, and the best-ranked others for the message (up to
//! `max_tools`), plus `tool_search`, which finds and enables the rest for
//! the session. Ranking uses the skills' BM25 index and scoring
//! ([`index`]).
//!
//! The list is stable, because tools are the first part of every prompt
//! and providers cache the unchanged prefix: a tool once sent stays, in
//! the same place; a tool joins at the end only when it is needed (a clear
//! match for a new message, enabled by `tool_search`, called, or a new
//! tool while everything is sent); the list is chosen afresh only after
//! compaction, which rewrites the history anyway. The session file records
//! the list, so a resumed session sends it again ([`resume`]). A tool's
//! definition stays as first sent for the rest of the session, even when
//! its MCP server changes its description or schema ([`sent`]).
//!
//! - [`config`]: the `[tool_selection]` table.
//! - [`index`]: tools as index documents.
//! - [`pick`]: the tools of one request.
//! - [`search`]: the `tool_search` tool.

pub(crate) mod config;
pub(crate) mod index;
pub(crate) mod join;
pub mod pick;
mod resume;
pub mod search;
mod sent;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

pub use config::{Join, ToolSelectionConfig};
pub use index::ToolIndex;
pub use search::ToolSearchTool;

use crate::protocol::Item;
use crate::skills::select::learn::{Kind, Learned};
use crate::skills::select::semantic::Semantic;
use crate::tools::Extension;
use crate::tools::{ToolRegistry, ToolSpec, call_tool};

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
    semantic: Option<Arc<Semantic>>,
}

#[derive(Default)]
struct State {
    index: Arc<ToolIndex>,
    /// Enabled by `tool_search` or called by the model in this session.
    kept: BTreeSet<String>,
    /// The names sent so far, in the order sent (empty: choose afresh).
    sent: Vec<String>,
    /// The list last written to the session file ([`resume`]).
    recorded: Vec<String>,
    /// Tools of the list sent before that no longer exist (their MCP
    /// server or plugin is gone), not told yet.
    dropped: Vec<String>,
    /// The message tools last joined for.
    joined_for: Option<String>,
    /// The tool-search note last added to the history.
    noted: Option<String>,
    /// Tools described in the history for `call_tool` ([`join`]).
    described: BTreeSet<String>,
    /// Each tool's definition as first sent in this session ([`sent`]).
    first: BTreeMap<String, ToolSpec>,
    /// The message of the last turn and the tools sent for it.
    turn: Option<(String, BTreeSet<String>)>,
    /// Tools `tool_search` found this turn that the turn did not send:
    /// learned for the turn's message only once the model calls one.
    found: BTreeSet<String>,
    /// The session selected its tools once: it goes on selecting (with
    /// `tool_search` and `call_tool` in its list) even when a server's
    /// failure brings it under the threshold, until a new conversation.
    selected: bool,
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
            semantic: None,
        }
    }

    /// Fuses semantic scoring into the ranking of each turn's tools (see
    /// [`crate::skills::select::semantic`]).
    pub fn with_semantic(mut self, semantic: Option<Arc<Semantic>>) -> Self {
        self.semantic = semantic;
        self
    }

    /// The session's semantic scoring, shared with skill selection.
    pub fn semantic(&self) -> Option<Arc<Semantic>> {
        self.semantic.clone()
    }

    /// Learns from `tool_search` finds into the per-user store beside the
    /// skills index cache folder (see [`crate::skills::select::learn`]).
    pub fn learning(mut self, cache_dir: &std::path::Path) -> Self {
        self.learned = Some(Learned::beside(cache_dir));
        self
    }

    /// `tool_search` found `names`: those the turn did not send are
    /// candidates, learned for the turn's message when the model then
    /// calls them in the same turn ([`Self::learn_called`]).
    pub fn learn_found<'a>(&self, names: impl IntoIterator<Item = &'a str>) {
        if self.learned.is_none() {
            return;
        }
        let mut state = self.state();
        let Some((_, sent)) = state.turn.clone() else {
            return;
        };
        for name in names {
            if !sent.contains(name) && !self.pinned.contains(name) {
                state.found.insert(name.to_string());
            }
        }
    }

    /// Learns the turn's message for the candidates of [`Self::learn_found`]
    /// the model called since the turn's user message in `history`.
    fn learn_called(&self, state: &mut State, history: &[Item]) {
        let Some(learned) = &self.learned else { return };
        if state.found.is_empty() {
            return;
        }
        let Some((message, _)) = state.turn.clone() else {
            return;
        };
        let since = history
            .iter()
            .rposition(|i| matches!(i, Item::User { .. }))
            .map_or(0, |at| at + 1);
        for item in &history[since..] {
            if let Item::ToolCall {
                name, arguments, ..
            } = item
                && let Some(name) = call_tool::target(name, arguments)
                && state.found.remove(&name)
            {
                tracing::info!(tool = %name, "selector missed a tool the model found and called; learning the message's terms");
                learned.remember(Kind::Tool, &name, &message);
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
        let mut specs: Vec<ToolSpec> = registry
            .specs()
            .into_iter()
            .filter(|s| s.name != search::NAME)
            .collect();
        specs.sort_by(|a, b| stable_order(&a.name, &b.name));
        state.index = Arc::new(
            ToolIndex::build(specs, generation)
                .with_learned(self.learned.clone())
                .with_semantic(self.semantic.clone()),
        );
        tracing::debug!(tools = state.index.len(), "tool index rebuilt");
        sent::log_redefined(&state.first, &state.index);
    }

    /// The indexed tools.
    pub fn index(&self) -> Arc<ToolIndex> {
        self.state().index.clone()
    }

    /// Whether the session selects its tools: it has more than the
    /// threshold, or had when it chose its list.
    pub fn selecting(&self) -> bool {
        let state = self.state();
        self.config.enabled && (state.index.len() > self.config.threshold || state.selected)
    }

    /// The tools of a request for a turn started by `message`: the list
    /// sent before, with the tools that became needed at its end (see the
    /// module docs). Tools the model called in `history` are kept for the
    /// rest of the session.
    pub fn turn_specs(&self, history: &[Item], message: &str) -> Vec<ToolSpec> {
        let mut state = self.state();
        self.learn_called(&mut state, history);
        for item in history {
            if let Item::ToolCall {
                name, arguments, ..
            } = item
                && let Some(name) = call_tool::target(name, arguments)
                && name != search::NAME
            {
                state.kept.insert(name);
            }
        }
        let index = state.index.clone();
        let selecting =
            self.config.enabled && (index.len() > self.config.threshold || state.selected);
        state.selected |= selecting;
        let fresh = state.sent.is_empty();
        let new_message = state.joined_for.as_deref() != Some(message) && !message.is_empty();
        // In context mode the list stays as first sent ([`join`]); in
        // every mode it stays as it is within a turn (a tool that joins
        // or leaves mid-turn does so at the next message).
        let frozen =
            !fresh && ((selecting && self.joins_in_context()) || (!selecting && !new_message));
        let mut wanted: Vec<usize> = if frozen {
            Vec::new()
        } else if !selecting {
            (0..index.len()).collect()
        } else if fresh {
            let mut keep = self.pinned.clone();
            keep.extend(state.kept.iter().cloned());
            let previous = previous_message(history, message);
            pick::pick(&index, &self.config, &keep, message, previous).tools
        } else {
            index
                .specs
                .iter()
                .enumerate()
                .filter(|(_, s)| self.pinned.contains(&s.name) || state.kept.contains(&s.name))
                .map(|(i, _)| i)
                .collect()
        };
        let mut list: Vec<ToolSpec> = Vec::new();
        let mut dropped = Vec::new();
        for name in &state.sent {
            match index.position(name) {
                Some(i) => list.push(index.specs[i].clone()),
                None if name == search::NAME || name == call_tool::NAME => {
                    if name == search::NAME && selecting {
                        list.push(search::spec());
                    } else if name == call_tool::NAME && selecting {
                        list.push(call_tool::spec());
                    }
                }
                // Gone (its server failed or went away): kept until the
                // next message, which names it.
                None if !new_message => list.extend(state.first.get(name).cloned()),
                None => dropped.push(name.clone()),
            }
        }
        if !dropped.is_empty() {
            tracing::warn!(tools = ?dropped, "tools sent earlier in the session no longer exist; dropped from the list");
            state.dropped.extend(dropped);
        }
        if selecting && !fresh && !frozen && new_message {
            let listed: BTreeSet<usize> = list
                .iter()
                .filter_map(|s| index.position(&s.name))
                .chain(wanted.iter().copied())
                .collect();
            wanted.extend(pick::joining(&index, message, &listed));
        }
        for i in wanted {
            let spec = &index.specs[i];
            if !list.iter().any(|s| s.name == spec.name) {
                list.push(spec.clone());
            }
        }
        if selecting && !list.iter().any(|s| s.name == search::NAME) {
            list.push(search::spec());
        }
        if selecting && self.joins_in_context() && !list.iter().any(|s| s.name == call_tool::NAME) {
            list.push(call_tool::spec());
        }
        if !message.is_empty() {
            state.joined_for = Some(message.to_string());
        }
        sent::as_first_sent(&mut state.first, &mut list);
        let names: Vec<String> = list.iter().map(|s| s.name.clone()).collect();
        if !message.trim().is_empty() {
            if state.turn.as_ref().is_none_or(|(m, _)| m != message) {
                state.found.clear();
            }
            state.turn = Some((message.to_string(), names.iter().cloned().collect()));
        }
        if names != state.sent {
            tracing::debug!(
                sent = names.len(),
                of = index.len(),
                joined = ?names.iter().skip(state.sent.len()).collect::<Vec<_>>(),
                "tool list for the request"
            );
            state.sent = names;
        }
        list
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

impl ToolSelection {
    /// The note about tool search while selection is on, for the history
    /// after a user message.
    pub fn note(&self) -> Option<String> {
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
            "# Tool search\n\nThis session has {} tools; only some of them are listed.{from} When you need a capability that is not listed, call `{}` with a few words describing it (or with exact tool names); {}",
            index.len(),
            search::NAME,
            if self.joins_in_context() {
                format!(
                    "call the tools it finds, and tools described after a message, through `{}`.",
                    call_tool::NAME
                )
            } else {
                "the tools it finds can be called from then on.".to_string()
            }
        ))
    }
}

/// The `source` of the tool-search note's [`Item::Context`].
pub const CONTEXT_SOURCE: &str = "tool_search";

impl Extension for ToolSelection {
    /// The tool-search note after a message, when it says something new
    /// (selection turned on, the tool count changed).
    fn on_user_message(&self, user_text: &str) -> Vec<Item> {
        let note = self.note();
        let mut items = Vec::new();
        {
            let mut state = self.state();
            if note.is_some() && note != state.noted {
                state.noted = note.clone();
                items.extend(note.map(|text| Item::Context {
                    source: CONTEXT_SOURCE.to_string(),
                    text,
                }));
            }
        }
        items.extend(self.joining_context(user_text));
        items
    }

    /// Compaction rewrote the history: the next request chooses its tools
    /// afresh, and the note comes again.
    fn after_compaction(&self) -> Vec<Item> {
        let mut state = self.state();
        state.sent.clear();
        state.recorded.clear();
        state.joined_for = None;
        state.described.clear();
        let note = state.noted.clone();
        note.map(|text| Item::Context {
            source: CONTEXT_SOURCE.to_string(),
            text,
        })
        .into_iter()
        .collect()
    }

    /// A resumed, cleared or shortened history: tools called in it, and
    /// tools `tool_search` enabled in it, are kept again; the note is the
    /// one it holds. An empty history chooses the tool list afresh; a
    /// resumed one gets its recorded list back ([`resume`]); one that lost
    /// a message never answered keeps the list sent.
    fn sync_history(&self, history: &[Item]) {
        let mut kept = BTreeSet::new();
        let mut searches = BTreeSet::new();
        for item in history {
            match item {
                Item::ToolCall { call_id, name, .. } if name == search::NAME => {
                    searches.insert(call_id.clone());
                }
                Item::ToolCall {
                    name, arguments, ..
                } => {
                    kept.extend(call_tool::target(name, arguments));
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
        let noted = Item::last_context(history, CONTEXT_SOURCE).map(str::to_string);
        let mut state = self.state();
        state.kept = kept;
        if history.is_empty() {
            state.sent.clear();
            state.recorded.clear();
            state.first.clear();
            state.selected = false;
        }
        state.joined_for = None;
        state.noted = noted;
        state.described = Self::described_in(history);
    }
}

/// The order of the index, and so of a list chosen afresh: the tools
/// registered when the session is built (built-in, skill, plugins, agents)
/// in registry order, then the MCP servers' tools by name, then
/// `mcp_resources`. MCP tools join the registry in the order their servers
/// come up (or their cached lists are read), which differs from session to
/// session; sorted, two sessions with the same setup and message send the
/// same list, so they share the provider's cached prefix.
fn stable_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn group(name: &str) -> u8 {
        if name == crate::mcp::resources::NAME {
            2
        } else if name.starts_with("mcp__") {
            1
        } else {
            0
        }
    }
    match (group(a), group(b)) {
        (1, 1) => a.cmp(b),
        (x, y) => x.cmp(&y),
    }
}

/// The user message before the one that started this turn (`message`).
fn previous_message<'a>(history: &'a [Item], message: &str) -> Option<&'a str> {
    let mut users = history.iter().rev().filter_map(|i| match i {
        Item::User { text, .. } => Some(text.as_str()),
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
