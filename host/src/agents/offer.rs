//! What the conversation was told of the agent definitions, so that the
//! list after a message costs little: each definition is described once
//! (later offers name it only, "described earlier"), a message that would
//! get the same offer as the last one gets none, and an edited
//! description is described again. The offers stay in the history, which
//! is resent on every request; this state is rebuilt from it on resume.

use std::collections::HashMap;

use super::definition::AgentDef;
use crate::model::Item;

/// The `source` of the context item listing agents.
pub const AGENTS_SOURCE: &str = "agents";

const HEADER: &str =
    "Agents you can start with spawn_agent (agent_type = the name) for parts of this task:\n";
const EARLIER: &str = " (described earlier in this conversation)";

#[derive(Debug, Default)]
pub(crate) struct Said {
    /// Each definition described in the conversation, with the
    /// description it was given.
    described: HashMap<String, String>,
    /// The names the last offer listed, in its order.
    last_offer: Option<Vec<String>>,
}

impl Said {
    /// The text offering `fit`, or `None` when the last offer was the same.
    pub(crate) fn offer(&mut self, fit: &[&AgentDef]) -> Option<String> {
        if fit.is_empty() {
            return None;
        }
        let names: Vec<String> = fit.iter().map(|d| d.name.clone()).collect();
        let edited = fit.iter().any(|d| {
            self.described
                .get(&d.name)
                .is_some_and(|said| *said != d.description)
        });
        if self.last_offer.as_ref() == Some(&names) && !edited {
            return None;
        }
        let mut text = String::from(HEADER);
        for d in fit {
            if self.described.get(&d.name) == Some(&d.description) {
                text.push_str(&format!("- {}{EARLIER}\n", d.name));
            } else {
                text.push_str(&format!("- {}: {}\n", d.name, d.description));
                self.described.insert(d.name.clone(), d.description.clone());
            }
        }
        self.last_offer = Some(names);
        Some(text)
    }

    /// The last offer in full, for a history compaction replaced (the
    /// descriptions it held are gone).
    pub(crate) fn again_in_full(&mut self, defs: &[AgentDef]) -> Option<String> {
        let names = self.last_offer.take()?;
        self.described.clear();
        let fit: Vec<&AgentDef> = names
            .iter()
            .filter_map(|n| defs.iter().find(|d| d.name == *n))
            .collect();
        self.offer(&fit)
    }

    /// What `history`'s offers said of `defs` (a resumed session, `/new`,
    /// `/resume`, a rewound one).
    pub(crate) fn from_history(history: &[Item], defs: &[AgentDef]) -> Said {
        let mut said = Said::default();
        for item in history {
            let Item::Context { source, text } = item else {
                continue;
            };
            if source != AGENTS_SOURCE {
                continue;
            }
            let mut offer: Vec<(usize, &AgentDef)> = Vec::new();
            for d in defs {
                let full = format!("\n- {}: {}\n", d.name, d.description);
                let named = format!("\n- {}{EARLIER}\n", d.name);
                if let Some(at) = text.find(&full) {
                    said.described.insert(d.name.clone(), d.description.clone());
                    offer.push((at, d));
                } else if let Some(at) = text.find(&named) {
                    offer.push((at, d));
                }
            }
            offer.sort_by_key(|(at, _)| *at);
            said.last_offer = Some(offer.into_iter().map(|(_, d)| d.name.clone()).collect());
        }
        said
    }
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
    fn described_once_the_same_offer_not_again_rebuilt_from_history() {
        let defs = vec![def("a", "Reviews code"), def("b", "Writes tests")];
        let all: Vec<&AgentDef> = defs.iter().collect();
        let mut said = Said::default();
        let first = said.offer(&all).unwrap();
        assert!(
            first.contains("- a: Reviews code\n- b: Writes tests\n"),
            "{first}"
        );
        assert_eq!(said.offer(&all), None, "the same offer again");
        let only_b = said.offer(&all[1..]).unwrap();
        assert!(only_b.ends_with(&format!("- b{EARLIER}\n")), "{only_b}");

        let history = vec![
            Item::Context {
                source: AGENTS_SOURCE.into(),
                text: first,
            },
            Item::Context {
                source: AGENTS_SOURCE.into(),
                text: only_b,
            },
        ];
        let mut resumed = Said::from_history(&history, &defs);
        assert_eq!(resumed.offer(&all[1..]), None, "the last offer, rebuilt");
        let again = resumed.offer(&all).unwrap();
        assert!(
            again.contains(&format!("- a{EARLIER}\n- b{EARLIER}\n")),
            "{again}"
        );

        // An edited description is described again.
        let edited = vec![def("a", "Reviews code carefully"), def("b", "Writes tests")];
        let mut after_edit = Said::from_history(&history, &edited);
        let text = after_edit
            .offer(&edited.iter().collect::<Vec<_>>())
            .unwrap();
        assert!(text.contains("- a: Reviews code carefully\n"), "{text}");

        let full = resumed.again_in_full(&defs).unwrap();
        assert!(
            full.contains("- a: Reviews code\n- b: Writes tests\n"),
            "{full}"
        );
    }
}
