//! The extension of a session that can spawn: the agent definitions that
//! fit each user message, listed in an [`Item::Context`] after it (never
//! in the system prompt, whose text stays the same for the session), and
//! the children's token usage added to the session's.

use std::sync::Arc;

use super::definition::AgentDef;
use super::manager::AgentManager;
use crate::agent::Extension;
use crate::model::{Item, Usage};

/// At most this many definitions are listed for one message; with fewer
/// definitions than this, all are listed.
pub const LISTED: usize = 8;

pub struct AgentsExtension {
    pub(crate) manager: Arc<AgentManager>,
}

impl Extension for AgentsExtension {
    fn on_user_message(&self, user_text: &str) -> Vec<Item> {
        let fit = fitting(&self.manager.definitions.agents, user_text);
        if fit.is_empty() {
            return Vec::new();
        }
        let mut text = String::from(
            "Agents you can start with spawn_agent (agent_type = the name) for parts of this task:\n",
        );
        for d in fit {
            text.push_str(&format!("- {}: {}\n", d.name, d.description));
        }
        vec![Item::Context {
            source: "agents".into(),
            text,
        }]
    }

    fn settle(&self) -> Option<futures::future::BoxFuture<'static, ()>> {
        Some(self.manager.settled())
    }

    fn usage(&self) -> Option<Usage> {
        let u = self.manager.children_usage();
        (u.total() > 0).then_some(u)
    }
}

/// The definitions that fit `message`: all of them when there are few,
/// else those sharing the most words with it (name and description).
pub fn fitting<'a>(defs: &'a [AgentDef], message: &str) -> Vec<&'a AgentDef> {
    if defs.len() <= LISTED {
        return defs.iter().collect();
    }
    let words = words(message);
    let mut scored: Vec<(usize, &AgentDef)> = defs
        .iter()
        .map(|d| {
            let mine = words_of(d);
            (words.iter().filter(|w| mine.contains(w)).count(), d)
        })
        .filter(|(n, d)| *n > 0 || message.contains(d.name.as_str()))
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    scored.into_iter().take(LISTED).map(|(_, d)| d).collect()
}

fn words_of(d: &AgentDef) -> Vec<String> {
    let mut w = words(&d.description);
    w.extend(words(&d.name.replace(['-', '_'], " ")));
    w
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 3)
        .map(str::to_lowercase)
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
    fn few_definitions_are_all_listed_many_are_picked_by_words() {
        let few = vec![def("a", "one"), def("b", "two")];
        assert_eq!(fitting(&few, "anything").len(), 2);
        let mut many: Vec<AgentDef> = (0..12)
            .map(|i| def(&format!("n{i}"), "generic helper"))
            .collect();
        many.push(def("sql-expert", "Writes database migrations"));
        let picked = fitting(&many, "add a database migration for users");
        assert_eq!(picked.len(), 1);
        assert_eq!(picked[0].name, "sql-expert");
    }
}
