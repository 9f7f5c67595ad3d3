//! The `skill` tool: `search` skills beyond the catalog, `activate` one (its
//! instructions, folder and file list), `read` one of its files. Answers
//! longer than a page come in parts (`offset`).

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::select::SelectionState;
use super::select::catalog::clip;
use super::select::content::{self, activation_text};
use crate::tools::typed::parameters_for;
use crate::tools::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec};

/// Results of one search.
pub const SEARCH_RESULTS: usize = 10;
/// Room kept below the output limit for the continuation note.
const PAGE_MARGIN: usize = 400;
/// The smallest page, whatever the limits say.
const MIN_PAGE: usize = 1000;

const DESCRIPTION: &str = "Agent Skills: folders of instructions for specific kinds of tasks (the ones that fit a message are listed in the conversation right after it).\n- `search` with `query`: find skills that are not listed, best first, with scores.\n- `activate` with `name`: get a skill's instructions, its folder and its files; follow the instructions. Activate before starting a task a skill covers.\n- `read` with `name` and `path` (relative to the skill's folder): one of its files, such as a reference or template.\nRun a skill's scripts with `shell`, `workdir` set to the skill's folder. When an answer is cut, call again with the `offset` it gives.";

/// The `skill` tool's arguments; their schema is its parameters. The
/// action stays a string so an unknown one gets the tool's own error.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Args {
    /// What to do.
    #[schemars(extend("enum" = ["search", "activate", "read"]))]
    action: String,
    /// search: words describing the task.
    query: Option<String>,
    /// activate, read: the skill's name.
    name: Option<String>,
    /// read: a file path relative to the skill's folder, e.g. references/api.md.
    path: Option<String>,
    /// activate, read: where to continue when an earlier answer was cut.
    offset: Option<usize>,
}

/// See the module docs.
pub struct SkillTool {
    spec: ToolSpec,
    state: Arc<SelectionState>,
    output_limit: usize,
}

impl SkillTool {
    pub fn new(state: Arc<SelectionState>, output_limit: usize) -> SkillTool {
        SkillTool {
            spec: ToolSpec {
                name: "skill".into(),
                description: DESCRIPTION.into(),
                parameters: parameters_for::<Args>(),
                read_only: true,
                destructive: false,
            },
            state,
            output_limit,
        }
    }

    /// Bytes of one answer: under the output limit and the body budget.
    fn page_size(&self) -> usize {
        let body = self.state.config().body_tokens.saturating_mul(4);
        self.output_limit
            .saturating_sub(PAGE_MARGIN)
            .min(body)
            .max(MIN_PAGE)
    }

    fn search(&self, query: &str) -> ToolOutput {
        let set = self.state.current();
        let hits = set.search(query, SEARCH_RESULTS);
        if hits.is_empty() {
            return ToolOutput::text(format!(
                "No skill matches \"{query}\" ({} installed). Try other words for the task.",
                set.skills.len()
            ));
        }
        let active = self.state.active_names();
        let mut out = format!("Skills matching \"{query}\", best first:\n");
        for (n, h) in hits.iter().enumerate() {
            let s = &set.skills[h.skill];
            let mark = if active.contains(&s.name) {
                " [active]"
            } else {
                ""
            };
            out.push_str(&format!(
                "{}. {} (score {:.2}){mark}: {} ({})\n",
                n + 1,
                s.name,
                h.score,
                clip(&s.description, 400),
                s.dir.display()
            ));
        }
        out.push_str("Activate one with action \"activate\" and its name.");
        ToolOutput::text(out)
    }

    fn activate(&self, name: &str, offset: usize) -> Result<ToolOutput, ToolError> {
        let set = self.state.current();
        let skill = set.get(name).ok_or_else(|| unknown(name))?;
        // Called by its handle: known by its name from here on.
        let name = skill.name.as_str();
        if skill.disable_model_invocation && !self.state.is_active(name) {
            return Err(ToolError::Denied(format!(
                "skill '{name}' can only be activated by the user (it sets disable-model-invocation); ask them to write ${name} if they want it"
            )));
        }
        let text = activation_text(skill);
        if offset == 0 && !self.state.mark_active(name, text.clone()) {
            return Ok(ToolOutput::text(format!(
                "Skill '{name}' is already active: its instructions are in the conversation above."
            )));
        }
        if offset == 0 {
            self.state.learn_found(name);
        }
        let call = format!(
            "{{\"action\":\"activate\",\"name\":{},\"offset\":",
            Value::String(name.to_string())
        );
        Ok(ToolOutput::text(page(
            &text,
            offset,
            self.page_size(),
            &call,
        )))
    }

    fn read(&self, name: &str, path: &str, offset: usize) -> Result<ToolOutput, ToolError> {
        let set = self.state.current();
        let skill = set.get(name).ok_or_else(|| unknown(name))?;
        let name = skill.name.as_str();
        if skill.disable_model_invocation && !self.state.is_active(name) {
            return Err(ToolError::Denied(format!(
                "skill '{name}' is for the user to activate (disable-model-invocation); its files are not offered"
            )));
        }
        let size = self.page_size();
        let window = content::read_window(skill, path, offset, size)
            .map_err(|e| ToolError::Failed(e.to_string()))?;
        let call = format!(
            "{{\"action\":\"read\",\"name\":{},\"path\":{},\"offset\":",
            Value::String(name.to_string()),
            Value::String(path.to_string())
        );
        Ok(ToolOutput::text(page_from(
            &window.text,
            window.start,
            window.total,
            size,
            &call,
        )))
    }
}

fn unknown(name: &str) -> ToolError {
    ToolError::Failed(format!(
        "no skill named '{name}': find skills with action \"search\""
    ))
}

fn need<'a>(v: &'a Option<String>, field: &str, action: &str) -> Result<&'a str, ToolError> {
    v.as_deref()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ToolError::InvalidArguments(format!("action \"{action}\" needs `{field}`")))
}

/// The part of `text` from `offset` (a byte offset, moved back to a
/// character boundary) that fits `size`, cut at a line end when one is in
/// the second half, with a note saying how to continue (`call` is the
/// start of the JSON arguments to continue with, up to the offset value).
pub fn page(text: &str, offset: usize, size: usize, call: &str) -> String {
    let start = text.floor_char_boundary(offset);
    page_from(&text[start..], start, text.len(), size, call)
}

/// [`page`] of a text known only from byte `start` on: `rest` is the text
/// from there (at least the page, or all to the end), `total` the length of
/// the whole.
pub fn page_from(rest: &str, start: usize, total: usize, size: usize, call: &str) -> String {
    if rest.len() <= size && start.saturating_add(rest.len()) >= total {
        if start == 0 {
            return rest.to_string();
        }
        return format!("[… continued from offset {start}]\n{rest}");
    }
    let mut end = rest.floor_char_boundary(size.min(rest.len()));
    if let Some(nl) = rest[..end].rfind('\n')
        && nl >= end / 2
    {
        end = nl + 1;
    }
    let next = start + end;
    let head = if start == 0 {
        String::new()
    } else {
        format!("[… continued from offset {start}]\n")
    };
    format!(
        "{head}{}\n[… cut at offset {next} of {total}: continue with {call}{next}}}]",
        &rest[..end],
    )
}

#[async_trait::async_trait]
impl Tool for SkillTool {
    fn source(&self) -> &'static str {
        "skill"
    }

    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let args: Args =
            serde_json::from_value(args).map_err(|e| ToolError::InvalidArguments(e.to_string()))?;
        let offset = args.offset.unwrap_or(0);
        match args.action.as_str() {
            "search" => Ok(self.search(need(&args.query, "query", "search")?)),
            "activate" => self.activate(need(&args.name, "name", "activate")?, offset),
            "read" => self.read(
                need(&args.name, "name", "read")?,
                need(&args.path, "path", "read")?,
                offset,
            ),
            other => Err(ToolError::InvalidArguments(format!(
                "unknown action \"{other}\": use search, activate or read"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{DESCRIPTION, page};

    /// The catalog is a context item after the message (never the system
    /// prompt, which stays the same for the session): the description must
    /// send the model there.
    #[test]
    fn the_description_places_the_catalog_after_the_message() {
        assert!(!DESCRIPTION.contains("system prompt"), "{DESCRIPTION}");
        assert!(DESCRIPTION.contains("listed in the conversation right after it"));
    }

    #[test]
    fn pages_cut_at_lines_and_say_how_to_continue() {
        let text = "line one\nline two\nline three\n";
        let call = "{\"action\":\"read\",\"offset\":";
        let first = page(text, 0, 20, call);
        assert!(first.starts_with("line one\nline two\n\n[… cut at offset 18 of 29"));
        assert!(first.ends_with("continue with {\"action\":\"read\",\"offset\":18}]"));
        let second = page(text, 18, 20, call);
        assert_eq!(second, "[… continued from offset 18]\nline three\n");
        assert_eq!(page(text, 0, 100, call), text);
        assert!(page("ééé", 1, 100, call).ends_with("ééé"));
        assert!(page(text, 999, 10, call).starts_with("[… continued from offset 29]"));
    }
}
