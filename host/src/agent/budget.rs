//! A session's token budget (a subagent's `max_tokens`): once used up,
//! the model is asked to finish; if it goes on calling tools, the task
//! stops with [`super::TaskStatus::Budget`]. Children's usage counts in
//! their parent's total.

use super::Session;
use crate::model::{Item, Usage};

impl Session {
    /// Limits the tokens (input + output, over the whole session) this
    /// session may use.
    pub fn set_token_budget(&mut self, tokens: Option<u64>) {
        self.token_budget = tokens;
    }

    /// The session's own usage plus what its extensions report (the
    /// subagents it ran).
    pub fn total_usage(&self) -> Usage {
        let mut u = self.total_usage;
        u.add(&self.extensions_usage());
        u
    }

    /// What the extensions used (subagents' tokens).
    pub(crate) fn extensions_usage(&self) -> Usage {
        let mut u = Usage::default();
        for ext in &self.extensions {
            if let Some(extra) = ext.usage() {
                u.add(&extra);
            }
        }
        u
    }

    /// After an interrupt: waits (at most 10 s) for what the extensions
    /// are stopping (subagents).
    pub(crate) async fn settle_extensions(&self) {
        let waits: Vec<_> = self.extensions.iter().filter_map(|e| e.settle()).collect();
        let all = futures::future::join_all(waits);
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), all).await;
    }

    pub(crate) fn over_budget(&self) -> bool {
        self.token_budget
            .is_some_and(|max| self.total_usage().total() >= max)
    }

    pub(crate) fn ask_to_finish(&mut self) {
        let max = self.token_budget.unwrap_or_default();
        self.record(Item::User {
            typed: None,
            text: format!(
                "<budget>You have used your token budget ({max} tokens). Do not call more tools: give your final answer now.</budget>"
            ),
        });
    }
}
