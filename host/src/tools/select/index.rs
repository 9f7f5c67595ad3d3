//! The session's tools as documents of the skills' BM25 index
//! ([`crate::skills::select::Index`]): the name (split on `_`, `-`, `.`),
//! the description and the parameters' names and descriptions.

use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::skills::select::Index;
use crate::skills::select::learn::{Kind, LEARNED_UNIT, Learned};
use crate::skills::select::semantic::{Semantic, rank};
use crate::skills::select::specific;
use crate::skills::select::text::{self, DocTerms, weighted_terms};
use crate::tools::ToolSpec;

/// How much a match in each part of a tool counts (as for skills: the
/// name most).
pub const WEIGHT_NAME: f32 = 3.0;
pub const WEIGHT_DESCRIPTION: f32 = 1.0;
pub const WEIGHT_PARAMETERS: f32 = 0.5;

/// The indexed tools, in a stable order (see `stable_order` in the
/// parent module): registry order, with MCP tools sorted by name.
#[derive(Debug, Default)]
pub struct ToolIndex {
    pub specs: Vec<ToolSpec>,
    /// What each tool takes in a request (see [`spec_bytes`]).
    pub bytes: Vec<usize>,
    /// The BM25 index, built at the first ranking: a session with fewer
    /// tools than the selection threshold never ranks, and building it
    /// was an eighth of `quire exec`'s start-up.
    index: OnceLock<Index>,
    /// The registry generation the index was built from.
    pub generation: Option<u64>,
    /// Terms learned for tools in earlier sessions (see
    /// [`crate::skills::select::learn`]).
    learned: Option<Arc<Learned>>,
    /// Semantic scoring fused into [`ToolIndex::rank_within`], if set.
    semantic: Option<Arc<Semantic>>,
}

impl ToolIndex {
    pub fn build(specs: Vec<ToolSpec>, generation: u64) -> ToolIndex {
        ToolIndex {
            index: OnceLock::new(),
            bytes: specs.iter().map(spec_bytes).collect(),
            specs,
            generation: Some(generation),
            learned: None,
            semantic: None,
        }
    }

    /// Lets the terms in `learned` count in [`ToolIndex::rank`].
    pub fn with_learned(mut self, learned: Option<Arc<Learned>>) -> ToolIndex {
        self.learned = learned;
        self
    }

    /// Fuses `semantic` scoring into [`ToolIndex::rank_within`].
    pub fn with_semantic(mut self, semantic: Option<Arc<Semantic>>) -> ToolIndex {
        self.semantic = semantic;
        self
    }

    pub fn len(&self) -> usize {
        self.specs.len()
    }

    fn scored(&self) -> &Index {
        self.index
            .get_or_init(|| Index::from_terms(self.specs.iter().map(doc_terms).collect()))
    }

    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.specs.iter().position(|s| s.name == name)
    }

    /// Tools that match `message` (and, weighing less, `previous`), best
    /// first; equal scores keep the index order. Only scores above zero.
    pub fn rank(&self, message: &str, previous: Option<&str>) -> Vec<(usize, f32)> {
        let message = &*text::bounded(message);
        let previous = previous.map(text::bounded);
        let previous = previous.as_deref();
        let index = self.scored();
        let query = index.query(message, previous);
        let mut scores = index.scores(&query);
        if let Some(l) = self.learned.as_deref().filter(|l| l.has(Kind::Tool)) {
            let q: Vec<(String, f32)> = query
                .terms
                .iter()
                .map(|t| (t.term.clone(), t.weight))
                .collect();
            for (name, terms) in l.matches(Kind::Tool, &q) {
                if let Some(i) = self.position(&name) {
                    let boost: f32 = terms
                        .iter()
                        .map(|t| t.weight * index.term_idf(&t.term))
                        .sum();
                    scores[i] += boost * LEARNED_UNIT;
                }
            }
        }
        specific::boost_names(index, &query, &mut scores, specific::TOOL_NAME_BOOST, |i| {
            self.specs[i].name.as_str()
        });
        let mut hits: Vec<(usize, f32)> = scores
            .into_iter()
            .enumerate()
            .filter(|&(_, s)| s > 0.0)
            .collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        hits
    }
}

impl ToolIndex {
    /// [`ToolIndex::rank`] without the tools that score below `ratio` of
    /// the best, fused with the semantic ranking when one is set.
    pub fn rank_within(
        &self,
        message: &str,
        previous: Option<&str>,
        ratio: f32,
    ) -> Vec<(usize, f32)> {
        let message = &*text::bounded(message);
        let previous = previous.map(text::bounded);
        let previous = previous.as_deref();
        let mut hits = self.rank(message, previous);
        let best = hits.first().map(|h| h.1).unwrap_or(0.0);
        hits.retain(|h| h.1 >= ratio * best);
        match &self.semantic {
            Some(sem) => rank::rerank_tools(sem, &self.specs, hits, message, previous),
            None => hits,
        }
    }
}

/// What `spec` takes in a request: its name, description and parameter
/// schema as JSON, with the few bytes of the wrapping object.
pub fn spec_bytes(spec: &ToolSpec) -> usize {
    const WRAPPER: usize = 60;
    let schema = serde_json::to_string(&spec.parameters)
        .map(|s| s.len())
        .unwrap_or(0);
    WRAPPER + spec.name.len() + spec.description.len() + schema
}

/// One tool as a document.
pub fn doc_terms(spec: &ToolSpec) -> DocTerms {
    let params = parameter_text(&spec.parameters);
    weighted_terms([
        (WEIGHT_NAME, spec.name.as_str()),
        (WEIGHT_DESCRIPTION, spec.description.as_str()),
        (WEIGHT_PARAMETERS, params.as_str()),
    ])
}

/// The names and descriptions of a JSON schema's top-level properties.
fn parameter_text(schema: &Value) -> String {
    let mut out = String::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            out.push_str(name);
            out.push(' ');
            if let Some(d) = prop.get("description").and_then(Value::as_str) {
                out.push_str(d);
                out.push(' ');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(name: &str, description: &str) -> ToolSpec {
        ToolSpec {
            name: name.into(),
            description: description.into(),
            parameters: json!({"type": "object", "properties": {}}),
            read_only: false,
            destructive: false,
        }
    }

    #[test]
    fn ranks_by_name_description_and_parameters() {
        let mut with_param = spec("mcp__cal__book", "Books a slot.");
        with_param.parameters = json!({"type": "object", "properties": {
            "attendee": {"type": "string", "description": "Email address of the invitee"}
        }});
        let specs = vec![
            spec(
                "mcp__jira__create_issue",
                "Create a Jira issue in a project.",
            ),
            spec(
                "mcp__slack__post_message",
                "Post a message to a Slack channel.",
            ),
            with_param,
        ];
        let index = ToolIndex::build(specs, 1);
        let top = index.rank("open a jira ticket for this bug", None);
        assert_eq!(top.first().map(|h| h.0), Some(0), "{top:?}");
        let top = index.rank("tell the team on slack", None);
        assert_eq!(top.first().map(|h| h.0), Some(1), "{top:?}");
        let top = index.rank("invite bob by email", None);
        assert_eq!(top.first().map(|h| h.0), Some(2), "{top:?}");
        assert!(index.rank("quantum chromodynamics", None).is_empty());
    }

    #[test]
    fn a_tool_found_by_search_ranks_for_the_next_similar_message() {
        let learned = Arc::new(Learned::in_memory());
        let specs = vec![
            spec("mcp__fs__read_media_file", "Returns an image as base64."),
            spec(
                "mcp__web__take_screenshot",
                "Takes a screenshot of the page.",
            ),
        ];
        let index = ToolIndex::build(specs.clone(), 1).with_learned(Some(learned.clone()));
        let msg = "look at this mockup sketch and tell me what's wrong";
        assert!(index.rank(msg, None).iter().all(|h| h.0 != 0));
        learned.remember(Kind::Tool, "mcp__fs__read_media_file", msg);
        let top = index.rank("what's wrong in this mockup sketch?", None);
        assert_eq!(top.first().map(|h| h.0), Some(0), "{top:?}");
        let without = ToolIndex::build(specs, 1);
        assert!(
            without
                .rank("what's wrong in this mockup sketch?", None)
                .is_empty()
        );
    }

    #[test]
    fn developer_phrasings_reach_the_tool_they_mean() {
        let specs = vec![
            spec(
                "mcp__db__update-many",
                "Updates all documents that match the specified filter for a collection.",
            ),
            spec(
                "mcp__db__find",
                "Run a find query against a collection of users or orders.",
            ),
            spec(
                "mcp__db__insert-many",
                "Insert documents into a collection.",
            ),
            spec(
                "mcp__gh__create_pull_request_review",
                "Create a review on a pull request.",
            ),
            spec("mcp__gh__get_pull_request", "Get a pull request by number."),
            spec(
                "mcp__web__list_network_requests",
                "Lists the most recent requests for the target page.",
            ),
            spec(
                "mcp__web__navigate_page",
                "Load a URL in the page, or reload the dashboard.",
            ),
            spec(
                "mcp__web__emulate",
                "Emulates various features on the target page.",
            ),
            spec(
                "mcp__web__evaluate_script",
                "Evaluate JavaScript inside the target page.",
            ),
            spec("mcp__web__take_snapshot", "Text snapshot of the page."),
            spec(
                "mcp__db__explain",
                "Returns statistics describing the execution of the winning plan chosen by the query optimizer.",
            ),
            spec("mcp__db__create-index", "Create an index for a collection."),
            spec(
                "mcp__web__upload_file",
                "Upload a file through a provided element.",
            ),
            spec(
                "mcp__web__take_screenshot",
                "Take a screenshot of the page as a png image.",
            ),
            spec(
                "mcp__k8s__kubectl_describe",
                "Describe Kubernetes resources by resource type and name.",
            ),
            spec(
                "mcp__k8s__kubectl_get",
                "Get or list Kubernetes resources, pods included.",
            ),
            spec(
                "mcp__k8s__kubectl_context",
                "Manage Kubernetes contexts - list, get, or set the current context.",
            ),
            spec(
                "mcp__fs__edit_file",
                "Make line-based edits to a text file.",
            ),
            spec(
                "mcp__gh__list_issues",
                "List issues in a GitHub repository.",
            ),
            spec(
                "mcp__web__find",
                "Search the current page for text or a regular expression.",
            ),
            spec("mcp__fs__read_file", "Read a file: text, PDF or Excel."),
        ];
        let index = ToolIndex::build(specs, 1);
        // The first two: a request carries a dozen.
        let top = |m: &str| -> Vec<String> {
            let hits = index.rank(m, None);
            hits.iter()
                .take(2)
                .map(|h| index.specs[h.0].name.clone())
                .collect()
        };
        for (message, tool) in [
            // "set … on every" updates many documents, not finds them.
            (
                "set archived=true on every user who left",
                "mcp__db__update-many",
            ),
            // Approving a pull request is reviewing it.
            (
                "approve acme/api#12, lgtm",
                "mcp__gh__create_pull_request_review",
            ),
            // The calls a page makes are its network requests.
            (
                "which calls does the dashboard fire on load",
                "mcp__web__list_network_requests",
            ),
            // A slow network is emulated.
            ("open the page on slow 3g", "mcp__web__emulate"),
            // Code run in the page is a script to evaluate.
            (
                "run document.title in the page",
                "mcp__web__evaluate_script",
            ),
            // Whether a query uses an index is its plan.
            (
                "is this query hitting an index or doing a collection scan?",
                "mcp__db__explain",
            ),
            // A file attached to a page's input is uploaded.
            (
                "attach fixtures/avatar.png to the photo input",
                "mcp__web__upload_file",
            ),
            // A stuck pod's events are in its description.
            (
                "api-7f9c is stuck Pending, show me its events",
                "mcp__k8s__kubectl_describe",
            ),
            // Switching clusters changes the kubectl context.
            ("switch to the staging cluster", "mcp__k8s__kubectl_context"),
            // Flipping a value in a file edits it.
            (
                "in settings.py flip DEBUG = True to False",
                "mcp__fs__edit_file",
            ),
            // A repository's open bugs are its issues.
            ("open bugs in acme/web?", "mcp__gh__list_issues"),
            // Whether a text appears on a page is a search of it.
            (
                "does 'Unsubscribe' appear anywhere on this page?",
                "mcp__web__find",
            ),
            // Pulling the text out of a PDF reads it (not a pull request).
            ("pull the text out of invoice.pdf", "mcp__fs__read_file"),
        ] {
            let top = top(message);
            assert!(top.iter().any(|t| t == tool), "{message}: {top:?}");
        }
    }

    #[test]
    fn a_long_paste_is_ranked_by_its_start_and_end() {
        let specs = vec![
            spec("mcp__jira__create_issue", "Create a Jira issue."),
            spec("mcp__slack__post_message", "Post to a Slack channel."),
        ];
        let index = ToolIndex::build(specs, 1);
        // Thousands of distinct words (a piped log), then the request.
        let log: String = (0..50_000).map(|n| format!("line{n} ")).collect();
        let top = index.rank(&format!("{log}\nopen a jira ticket for this"), None);
        assert_eq!(top.first().map(|h| h.0), Some(0), "{top:?}");
        let buried = format!("{log} tell slack {log}");
        assert!(index.rank(&buried, None).is_empty());
    }

    #[test]
    fn the_name_weighs_more_than_the_description() {
        let specs = vec![
            spec(
                "deploy_helper",
                "Mentions nothing relevant here, only words.",
            ),
            spec("other_tool", "Can deploy things as a side effect."),
        ];
        let index = ToolIndex::build(specs, 1);
        let top = index.rank("deploy", None);
        assert_eq!(top.iter().map(|h| h.0).collect::<Vec<_>>(), vec![0, 1]);
    }
}
