//! The tool list across runs: the session file records the list sent
//! (a `tools` record whenever it changes), and a resumed session sends the
//! same list again, so the provider's cached prefix still fits. A recorded
//! tool that no longer exists (its MCP server removed, its plugin
//! uninstalled) is dropped from the list and named.

use super::ToolSelection;

impl ToolSelection {
    /// A resumed session's recorded list (`names`, in the order sent):
    /// the next request sends it again. Empty: choose afresh.
    pub fn restore(&self, names: Vec<String>) {
        let mut state = self.state();
        state.recorded = names.clone();
        // A list with `tool_search` was selected: the session goes on
        // selecting.
        state.selected = names.iter().any(|n| n == super::search::NAME);
        state.sent = names;
        state.joined_for = None;
    }

    /// The list sent, when it changed since it was last recorded (the
    /// caller writes it to the session file).
    pub fn unrecorded(&self) -> Option<Vec<String>> {
        let mut state = self.state();
        if state.sent == state.recorded {
            return None;
        }
        state.recorded = state.sent.clone();
        Some(state.sent.clone())
    }

    /// Tools of the list sent before that no longer exist, each named once.
    pub fn take_dropped(&self) -> Vec<String> {
        std::mem::take(&mut self.state().dropped)
    }
}
