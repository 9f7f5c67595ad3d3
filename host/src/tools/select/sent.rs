//! The tool list a session's requests carry now, read without choosing
//! anything (for an estimate of the context in use).

use super::{ToolSelection, call_tool, search};
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
                n => index.position(n).map(|i| index.specs[i].clone()),
            })
            .collect()
    }
}
