//! The context in use as quire counts it, for `/status` when the server
//! reports no usage (llama.cpp and other local servers).

use super::Session;

impl Session {
    /// Estimated tokens of the next request without a new message: the
    /// system prompt, the tools last sent and the history (as compaction
    /// counts them).
    pub fn context_estimate(&self) -> u64 {
        self.estimated_tokens(&self.tool_selection.sent_specs())
    }
}
