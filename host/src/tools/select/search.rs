//! `tool_search`: finds tools that were not sent with the request and
//! enables them for the rest of the session.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{ToolIndex, ToolSelection};
use crate::tools::typed::parameters_without_empty_required;
use crate::tools::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec};

pub const NAME: &str = "tool_search";

/// Tools one search may enable at most.
pub const MAX_LIMIT: usize = 20;

/// The first line of a result; what follows are `- NAME: ...` lines.
const ENABLED_HEADER: &str = "Enabled for this session";

const DESCRIPTION: &str = "Finds tools of this session that are not listed (from MCP servers and plugins) and enables them, so they can be called from then on. Describe the capability you need in a few words (`query`, for example \"create a jira issue\"), or give exact tool names (`names`).";

/// The `tool_search` spec.
pub fn spec() -> ToolSpec {
    ToolSpec {
        name: NAME.into(),
        description: DESCRIPTION.into(),
        parameters: parameters_without_empty_required::<Args>(),
        // It changes only which tools the next request carries.
        read_only: true,
        destructive: false,
    }
}

/// The `tool_search` arguments; their schema is its parameters.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Args {
    /// What the tool should do, in a few words.
    query: Option<String>,
    /// Exact tool names to enable.
    #[serde(default)]
    names: Vec<String>,
    /// How many tools the query may enable (default 5).
    #[schemars(range(min = 1, max = MAX_LIMIT))]
    limit: Option<usize>,
}

/// See the module docs.
pub struct ToolSearchTool {
    selection: Arc<ToolSelection>,
    spec: ToolSpec,
}

impl ToolSearchTool {
    pub fn new(selection: Arc<ToolSelection>) -> Self {
        ToolSearchTool {
            selection,
            spec: spec(),
        }
    }

    /// Runs a search and enables what it found; the text for the model.
    pub fn run(&self, query: Option<&str>, names: &[String], limit: Option<usize>) -> ToolOutput {
        let index = self.selection.index();
        let limit = limit
            .unwrap_or(self.selection.config().search_limit)
            .clamp(1, MAX_LIMIT);
        let mut found: Vec<usize> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        for name in names {
            match index.position(name) {
                Some(i) => found.push(i),
                None => notes.push(unknown_name(&index, name)),
            }
        }
        if let Some(q) = query.filter(|q| !q.trim().is_empty()) {
            let hits = index.rank(q, None);
            if hits.is_empty() {
                notes.push(format!(
                    "No tool matches \"{q}\". Try other words (what the tool acts on, or the service it talks to)."
                ));
            }
            for (i, _) in hits.into_iter().take(limit) {
                if !found.contains(&i) {
                    found.push(i);
                }
            }
        }
        if found.is_empty() && notes.is_empty() {
            return ToolOutput::error("give a `query` (what you need, in a few words) or `names`");
        }
        self.selection
            .enable(found.iter().map(|&i| index.specs[i].name.as_str()));
        if query.is_some() {
            self.selection
                .learn_found(found.iter().map(|&i| index.specs[i].name.as_str()));
        }
        let mut text = String::new();
        if !found.is_empty() {
            text.push_str(ENABLED_HEADER);
            text.push_str(if self.selection.joins_in_context() {
                ":\n"
            } else {
                " (call them by name):\n"
            });
            for &i in &found {
                text.push_str(&summary(&index.specs[i]));
                text.push('\n');
            }
            let specs: Vec<ToolSpec> = found.iter().map(|&i| index.specs[i].clone()).collect();
            if let Some(described) = self.selection.describe_unsent(&specs) {
                text.push('\n');
                text.push_str(&described);
                text.push('\n');
            }
        }
        for n in notes {
            text.push_str(&n);
            text.push('\n');
        }
        let text = text.trim_end().to_string();
        if found.is_empty() {
            ToolOutput::error(text)
        } else {
            ToolOutput::text(text)
        }
    }
}

#[async_trait::async_trait]
impl Tool for ToolSearchTool {
    fn source(&self) -> &'static str {
        "tool_search"
    }

    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let args: Args =
            serde_json::from_value(args).map_err(|e| ToolError::InvalidArguments(e.to_string()))?;
        Ok(self.run(args.query.as_deref(), &args.names, args.limit))
    }
}

/// `- NAME: first line of the description (parameters: a, b)`.
fn summary(spec: &ToolSpec) -> String {
    let first = spec.description.lines().next().unwrap_or("").trim();
    let mut line = format!("- {}: {}", spec.name, shorten(first, 200));
    let params: Vec<&str> = spec
        .parameters
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    if !params.is_empty() {
        line.push_str(&format!(" (parameters: {})", params.join(", ")));
    }
    line
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

/// "No tool named X", with the names that come closest.
fn unknown_name(index: &ToolIndex, name: &str) -> String {
    let close: Vec<&str> = index
        .rank(name, None)
        .into_iter()
        .take(3)
        .map(|(i, _)| index.specs[i].name.as_str())
        .collect();
    if close.is_empty() {
        format!("No tool is named `{name}`.")
    } else {
        format!(
            "No tool is named `{name}`; close names: {}.",
            close.join(", ")
        )
    }
}

/// The tool names a `tool_search` result enabled (for a resumed session).
pub fn enabled_in(output: &str) -> Vec<String> {
    if !output.starts_with(ENABLED_HEADER) {
        return Vec::new();
    }
    output
        .lines()
        .skip(1)
        .map_while(|l| l.strip_prefix("- "))
        .filter_map(|l| l.split_once(':').map(|(name, _)| name.to_string()))
        .collect()
}
