//! Which agent definitions fit a user message: the definitions as
//! documents of the skills' BM25 index ([`crate::skills::select::Index`]),
//! with the same terms, stemming and scoring as skills and tools.

use crate::skills::select::Index;
use crate::skills::select::text::{DocTerms, body_prefix, weighted_terms};

use super::definition::AgentDef;

/// How much a match in each part of a definition counts (as for skills:
/// the name most, the prompt's beginning least).
pub const WEIGHT_NAME: f32 = 3.0;
pub const WEIGHT_DESCRIPTION: f32 = 1.0;
pub const WEIGHT_PROMPT: f32 = 0.3;

/// The definitions' index, in the definitions' order.
#[derive(Debug, Default)]
pub struct DefinitionIndex {
    index: Index,
    names: Vec<String>,
}

impl DefinitionIndex {
    pub fn build(defs: &[AgentDef]) -> DefinitionIndex {
        DefinitionIndex {
            index: Index::from_terms(defs.iter().map(doc_terms).collect()),
            names: defs.iter().map(|d| d.name.clone()).collect(),
        }
    }

    /// The positions of the definitions that fit `message`, best first, at
    /// most `limit`: those it names, then those that score above zero
    /// (equal scores keep the definitions' order).
    pub fn rank(&self, message: &str, limit: usize) -> Vec<usize> {
        let query = self.index.query(message, None);
        let scores = self.index.scores(&query);
        let lower = message.to_lowercase();
        let mut hits: Vec<(usize, bool, f32)> = scores
            .into_iter()
            .enumerate()
            .map(|(i, s)| (i, names(&lower, &self.names[i]), s))
            .filter(|&(_, named, s)| named || s > 0.0)
            .collect();
        hits.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(&b.0)));
        hits.into_iter().take(limit).map(|(i, _, _)| i).collect()
    }
}

/// Whether `message` (lower-cased) names the agent `name` as a word.
fn names(message: &str, name: &str) -> bool {
    let name = name.to_lowercase();
    message.match_indices(&name).any(|(at, _)| {
        let before = message[..at].chars().next_back();
        let after = message[at + name.len()..].chars().next();
        let edge =
            |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'));
        edge(before) && edge(after)
    })
}

fn doc_terms(d: &AgentDef) -> DocTerms {
    let name = d.name.replace(['-', '_'], " ");
    weighted_terms([
        (WEIGHT_NAME, name.as_str()),
        (WEIGHT_DESCRIPTION, d.description.as_str()),
        (WEIGHT_PROMPT, body_prefix(&d.prompt)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, description: &str, prompt: &str) -> AgentDef {
        super::super::definition::parse_markdown(
            &format!("---\nname: {name}\ndescription: {description}\n---\n{prompt}\n"),
            name,
        )
        .unwrap()
    }

    fn ranked<'a>(defs: &'a [AgentDef], message: &str) -> Vec<&'a str> {
        DefinitionIndex::build(defs)
            .rank(message, 8)
            .into_iter()
            .map(|i| defs[i].name.as_str())
            .collect()
    }

    fn corpus() -> Vec<AgentDef> {
        vec![
            def(
                "test-runner",
                "Runs the test suite and reports failures",
                "Run cargo test.",
            ),
            def(
                "sql-expert",
                "Writes database migrations and SQL queries",
                "You know Postgres.",
            ),
            def(
                "doc-writer",
                "Writes and updates documentation",
                "Keep the README short.",
            ),
            def(
                "security-reviewer",
                "Reviews code for vulnerabilities",
                "Look for injection.",
            ),
            def("frontend", "Builds React components and CSS", "Use hooks."),
        ]
    }

    #[test]
    fn stemmed_words_of_the_description_rank_the_fitting_agent_first() {
        let defs = corpus();
        // "migration" and "migrations" share a stem; "database" matches.
        assert_eq!(
            ranked(&defs, "add a database migration for users"),
            ["sql-expert"]
        );
        assert_eq!(
            ranked(&defs, "the tests are failing, run them")[0],
            "test-runner"
        );
        assert_eq!(ranked(&defs, "update the documentation")[0], "doc-writer");
    }

    #[test]
    fn an_agent_named_in_the_message_comes_first_and_nothing_fits_nothing() {
        let defs = corpus();
        let r = ranked(&defs, "ask frontend to write the database migration");
        assert_eq!(r[0], "frontend");
        assert!(r.contains(&"sql-expert"));
        assert!(ranked(&defs, "hello there").is_empty());
        // A name inside another word does not count.
        assert!(!names("the frontends", "frontend"));
    }

    #[test]
    fn rare_terms_outweigh_common_ones() {
        // "code" is in every description, "vulnerabilities" in one.
        let defs: Vec<AgentDef> = (0..6)
            .map(|i| def(&format!("helper{i}"), "Edits code", ""))
            .chain([def("auditor", "Checks code for vulnerabilities", "")])
            .collect();
        assert_eq!(
            ranked(&defs, "check this code for vulnerabilities")[0],
            "auditor"
        );
    }

    #[test]
    fn the_limit_keeps_the_best() {
        let defs = corpus();
        assert_eq!(
            DefinitionIndex::build(&defs).rank("writes code", 1).len(),
            1
        );
    }
}
