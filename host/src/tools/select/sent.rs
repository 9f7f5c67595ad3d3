//! The tool list a session's requests carry now, read without choosing
//! anything (for an estimate of the context in use), and each tool's
//! definition as first sent: an MCP server that changes a tool's
//! description or schema mid-session (`tools/list_changed`) does not
//! rewrite the list already sent. The provider's cached prefix still fits,
//! and the model keeps seeing what it was first shown: a server cannot
//! slip new instructions into a tool it already offered. A call that no
//! longer fits the server's schema gets the server's error, as any call.

use std::collections::BTreeMap;

use super::{ToolIndex, ToolSelection, call_tool, search};
use crate::tools::ToolSpec;

impl ToolSelection {
    /// The specs of the list last sent; before the first request, every
    /// tool when selection is off, the pinned ones when it is on.
    pub fn sent_specs(&self) -> Vec<ToolSpec> {
        let state = self.state();
        let index = state.index.clone();
        if state.sent.is_empty() {
            let selecting = self.config.enabled && index.len() > self.config.threshold;
            return index
                .specs
                .iter()
                .filter(|s| !selecting || self.pinned.contains(&s.name))
                .cloned()
                .collect();
        }
        state
            .sent
            .iter()
            .filter_map(|name| match name.as_str() {
                n if n == search::NAME => Some(search::spec()),
                n if n == call_tool::NAME => Some(call_tool::spec()),
                n => state
                    .first
                    .get(n)
                    .cloned()
                    .or_else(|| index.position(n).map(|i| index.specs[i].clone())),
            })
            .collect()
    }
}

/// Puts each tool of `list` as `first` holds it; a tool sent for the first
/// time is remembered as it is.
pub(super) fn as_first_sent(first: &mut BTreeMap<String, ToolSpec>, list: &mut [ToolSpec]) {
    for spec in list {
        match first.get(&spec.name) {
            Some(was) => {
                if was != spec {
                    spec.clone_from(was);
                }
            }
            None => {
                first.insert(spec.name.clone(), spec.clone());
            }
        }
    }
}

/// Names, once per change of the tools, the sent tools whose definition
/// now differs from the one sent (and still sent).
pub(super) fn log_redefined(first: &BTreeMap<String, ToolSpec>, index: &ToolIndex) {
    for (name, was) in first {
        if let Some(i) = index.position(name)
            && index.specs[i] != *was
        {
            tracing::info!(
                tool = %name,
                "the tool's definition changed (its MCP server sent a new description or schema); the session keeps sending the one first sent"
            );
        }
    }
}
