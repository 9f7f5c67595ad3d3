//! The extension of a session that can spawn: the agent definitions that
//! fit each user message, listed in an [`Item::Context`] after it (never
//! in the system prompt, whose text stays the same for the session; each
//! described once, see `offer.rs`), and the children's token usage added
//! to the session's.

use std::sync::{Arc, Mutex, OnceLock};

use super::definition::AgentDef;
use super::manager::AgentManager;
use super::offer::{AGENTS_SOURCE, Said};
use super::rank::DefinitionIndex;
use crate::agent::Extension;
use crate::model::{Item, Usage};

/// At most this many definitions are listed for one message; with fewer
/// definitions than this, all are listed.
pub const LISTED: usize = 8;

pub struct AgentsExtension {
    pub(crate) manager: Arc<AgentManager>,
    /// The definitions' index, built at the first message that needs it.
    pub(crate) index: OnceLock<DefinitionIndex>,
    /// Whether the session has `spawn_agent`: without it no agent is
    /// offered (its children's usage still counts).
    pub(crate) can_spawn: bool,
    /// What the conversation was told of the definitions.
    pub(crate) said: Mutex<Said>,
}

impl AgentsExtension {
    fn said(&self) -> std::sync::MutexGuard<'_, Said> {
        self.said.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn item(text: String) -> Item {
        Item::Context {
            source: AGENTS_SOURCE.into(),
            text,
        }
    }
}

impl Extension for AgentsExtension {
    fn on_user_message(&self, user_text: &str) -> Vec<Item> {
        if !self.can_spawn {
            return Vec::new();
        }
        let fit = fitting(&self.manager.definitions.agents, &self.index, user_text);
        self.said()
            .offer(&fit)
            .map(Self::item)
            .into_iter()
            .collect()
    }

    fn after_compaction(&self) -> Vec<Item> {
        if !self.can_spawn {
            return Vec::new();
        }
        self.said()
            .again_in_full(&self.manager.definitions.agents)
            .map(Self::item)
            .into_iter()
            .collect()
    }

    fn sync_history(&self, history: &[Item]) {
        *self.said() = Said::from_history(history, &self.manager.definitions.agents);
    }

    fn message_scope(&self, scope: &crate::protocol::interrupt::Stop) {
        self.manager.set_scope(scope);
    }

    fn settle(&self) -> Option<futures::future::BoxFuture<'static, ()>> {
        Some(self.manager.settled())
    }

    fn running(&self) -> usize {
        self.manager.running()
    }

    fn drop_queued(&self, why: &str) -> usize {
        self.manager.drop_queued(why)
    }

    fn drop_interrupted(&self, why: &str) -> usize {
        self.manager.drop_interrupted(why)
    }

    fn on_new_conversation(&self) {
        self.manager.forget_usage();
    }

    fn usage(&self) -> Option<Usage> {
        let u = self.manager.children_usage();
        (u.total() > 0).then_some(u)
    }
}

/// The definitions that fit `message`: all of them when there are few,
/// else the best of the BM25 ranking ([`DefinitionIndex`], built once).
pub fn fitting<'a>(
    defs: &'a [AgentDef],
    index: &OnceLock<DefinitionIndex>,
    message: &str,
) -> Vec<&'a AgentDef> {
    if defs.len() <= LISTED {
        return defs.iter().collect();
    }
    index
        .get_or_init(|| DefinitionIndex::build(defs))
        .rank(message, LISTED)
        .into_iter()
        .filter_map(|i| defs.get(i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, description: &str) -> AgentDef {
        super::super::definition::parse_markdown(
            &format!("---\nname: {name}\ndescription: {description}\n---\n"),
            name,
        )
        .unwrap()
    }

    #[test]
    fn few_definitions_are_all_listed_many_are_ranked() {
        let few = vec![def("a", "one"), def("b", "two")];
        assert_eq!(fitting(&few, &OnceLock::new(), "anything").len(), 2);
        let mut many: Vec<AgentDef> = (0..12)
            .map(|i| def(&format!("n{i}"), "generic helper"))
            .collect();
        many.push(def("sql-expert", "Writes database migrations"));
        let picked = fitting(
            &many,
            &OnceLock::new(),
            "add a database migration for users",
        );
        assert_eq!(picked.len(), 1);
        assert_eq!(picked[0].name, "sql-expert");
    }
}
