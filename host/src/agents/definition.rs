//! An agent definition: Markdown with YAML frontmatter (quire's and Claude
//! Code's `.claude/agents/*.md`) or Codex's TOML. Parsing is lenient: an
//! unknown key or a Claude-only value is a warning, not an error.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::skills::yaml::Value;
use crate::tools::SandboxMode;

/// Where a child works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Isolation {
    /// In the parent's folder.
    None,
    /// In its own `git worktree` on a new branch.
    Worktree,
}

impl Isolation {
    pub fn parse(s: &str) -> Option<Isolation> {
        match s.trim() {
            "" | "none" => Some(Isolation::None),
            "worktree" => Some(Isolation::Worktree),
            _ => None,
        }
    }
}

/// One custom agent.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AgentDef {
    pub name: String,
    pub description: String,
    /// quire tool names (Claude Code names are mapped); `None`: the
    /// parent's tools.
    pub tools: Option<Vec<String>>,
    /// Tools never given (Claude Code's `disallowedTools`).
    pub disallowed_tools: Vec<String>,
    /// `None`: the parent's model.
    pub model: Option<String>,
    /// `None`: skills are selected for the task as usual.
    pub skills: Option<Vec<String>>,
    pub max_tokens: Option<u64>,
    pub isolation: Option<Isolation>,
    /// Codex's `sandbox_mode`: `read-only` or `workspace-write` narrow the
    /// child's sandbox (never widened past the session's); `None`: the
    /// session's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<SandboxMode>,
    /// The body: the agent's own instructions.
    pub prompt: String,
    pub path: PathBuf,
    /// Lenient-parsing notes.
    pub warnings: Vec<String>,
}

/// Claude Code's tool names → quire's (the map hooks use as well).
pub fn map_claude_tool(name: &str) -> Option<&'static str> {
    crate::hooks::claude::quire_name(name)
}

/// Claude Code's model aliases mean "a Claude model", not a model of the
/// configured provider: such a definition runs on the parent's model.
const CLAUDE_MODEL_ALIASES: [&str; 4] = ["inherit", "sonnet", "opus", "haiku"];

/// Whether `model` is one of Claude Code's aliases (`sonnet`, `opus`,
/// `haiku`, `inherit`): it means the parent's (or the session's) model.
pub fn is_claude_model_alias(model: &str) -> bool {
    CLAUDE_MODEL_ALIASES.contains(&model.trim())
}

/// The largest definition file read (the same limit as a `SKILL.md`): the
/// body becomes a system prompt sent with every request of the child.
pub const MAX_DEFINITION_BYTES: u64 = crate::skills::parse::MAX_SKILL_FILE_BYTES;

/// Reads a definition file (`.md` or `.toml`); one over
/// [`MAX_DEFINITION_BYTES`] is refused without reading it whole.
pub fn read(path: &Path) -> Result<AgentDef, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_DEFINITION_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > MAX_DEFINITION_BYTES {
        let len = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(too_large(path, len));
    }
    let text = String::from_utf8(bytes).map_err(|e| format!("cannot read it: {e}"))?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let def = if path.extension().is_some_and(|e| e == "toml") {
        parse_toml(&text, &stem)?
    } else {
        parse_markdown(&text, &stem)?
    };
    Ok(AgentDef {
        path: path.to_path_buf(),
        ..def
    })
}

fn too_large(path: &Path, len: u64) -> String {
    format!(
        "{} is {len} bytes; the limit for an agent definition is {MAX_DEFINITION_BYTES} bytes (1 MiB): shorten its prompt",
        path.file_name()
            .map_or(path.display(), |n| Path::new(n).display())
    )
}

/// `---\nFRONTMATTER\n---\nPROMPT`.
pub fn parse_markdown(text: &str, stem: &str) -> Result<AgentDef, String> {
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let mut warnings = Vec::new();
    let (front, body) =
        crate::skills::parse::split_frontmatter(&text, &mut warnings).map_err(|e| e.0)?;
    // Invalid YAML (`description: Use this agent when ... Examples: ...`,
    // common in Claude Code plugins) is read as key: value lines, with a
    // warning, the way skills are.
    let map = match crate::skills::parse::parse_frontmatter(front, &mut warnings) {
        Ok(m) => m,
        // Unindented lines going on a value (`<example>`, `Context: …`):
        // Claude Code loads such agents, so they are read as the value's.
        Err(e) => match crate::skills::parse::parse_lines_joining(front, &FIELDS) {
            Some(m) => {
                warnings.push(format!(
                    "the frontmatter is not valid YAML ({}); lines at the start of a line that are not one of the agent's fields were read as the value above them (indent them, or quote the value)",
                    e.0.trim_start_matches("unparseable frontmatter: ")
                ));
                m
            }
            None => return Err(format!("bad frontmatter: {}", e.0)),
        },
    };
    let mut def = empty(stem, warnings);
    for (k, v) in map.iter() {
        let key = k.text();
        field(&mut def, &key, &Yamlish(v));
    }
    def.prompt = body.trim().to_string();
    finish(def)
}

/// Codex: `name`, `description`, `developer_instructions`, `model`, …
pub fn parse_toml(text: &str, stem: &str) -> Result<AgentDef, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| format!("bad TOML: {e}"))?;
    let mut def = empty(stem, Vec::new());
    for (key, v) in &table {
        match key.as_str() {
            "developer_instructions" | "instructions" => {
                def.prompt = v.as_str().unwrap_or_default().trim().to_string()
            }
            _ => field(&mut def, key, &Tomlish(v)),
        }
    }
    finish(def)
}

fn empty(stem: &str, warnings: Vec<String>) -> AgentDef {
    AgentDef {
        name: stem.to_string(),
        description: String::new(),
        tools: None,
        disallowed_tools: Vec::new(),
        model: None,
        skills: None,
        max_tokens: None,
        isolation: None,
        sandbox: None,
        prompt: String::new(),
        path: PathBuf::new(),
        warnings,
    }
}

fn finish(def: AgentDef) -> Result<AgentDef, String> {
    if def.description.trim().is_empty() {
        return Err("description is missing: say in one line when to use this agent".into());
    }
    if !valid_name(&def.name) {
        return Err(format!(
            "name '{}' is not usable: use letters, digits, '-' and '_' (at most 64)",
            def.name
        ));
    }
    Ok(def)
}

pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The frontmatter keys [`field`] reads.
const FIELDS: [&str; 22] = [
    "name",
    "description",
    "tools",
    "disallowedTools",
    "disallowed_tools",
    "model",
    "skills",
    "max_tokens",
    "maxTokens",
    "isolation",
    "permissionMode",
    "sandbox_mode",
    "hooks",
    "mcp_servers",
    "mcpServers",
    "color",
    "model_reasoning_effort",
    "nickname_candidates",
    "web_search",
    "memory",
    "effort",
    "background",
];

/// A frontmatter or TOML value, read the same way.
trait Field {
    fn string(&self) -> Option<String>;
    /// A list, or a comma-separated string (Claude Code writes
    /// `tools: Read, Grep, Glob`).
    fn list(&self) -> Option<Vec<String>>;
}

struct Yamlish<'a>(&'a Value);
struct Tomlish<'a>(&'a toml::Value);

impl Field for Yamlish<'_> {
    fn string(&self) -> Option<String> {
        match self.0 {
            Value::Null => None,
            v => Some(v.text()),
        }
    }
    fn list(&self) -> Option<Vec<String>> {
        match self.0 {
            Value::Sequence(items) => Some(items.iter().map(Value::text).collect()),
            Value::Null => None,
            v => Some(split_list(&v.text())),
        }
    }
}

impl Field for Tomlish<'_> {
    fn string(&self) -> Option<String> {
        match self.0 {
            toml::Value::String(s) => Some(s.clone()),
            v => Some(v.to_string()),
        }
    }
    fn list(&self) -> Option<Vec<String>> {
        match self.0 {
            toml::Value::Array(a) => Some(
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            toml::Value::String(s) => Some(split_list(s)),
            _ => None,
        }
    }
}

/// `Read, Bash(git status:*)`: commas and spaces outside parentheses
/// separate the entries (Claude Code's `Tool(pattern)` is one entry).
fn split_list(s: &str) -> Vec<String> {
    crate::commands::allowed::split_list(s)
}

/// quire's own tools an agent definition can name. Tools of plugins
/// (`PLUGIN__TOOL`) and MCP servers (`mcp__…`, `SERVER__TOOL`) carry `__`.
pub const KNOWN_TOOLS: [&str; 15] = [
    "shell",
    "apply_patch",
    "read_file",
    "list_dir",
    "grep",
    "update_plan",
    "view_image",
    "skill",
    super::tools::SPAWN_AGENT,
    "wait_agents",
    "send_agent",
    "close_agent",
    crate::tools::select::search::NAME,
    crate::tools::call_tool::NAME,
    crate::mcp::resources::NAME,
];

/// Whether an agent can be given the tool `name` (from a definition's
/// list, Claude Code's names mapped): quire's own tools and those of
/// plugins and MCP servers (an MCP tool's name `mcp__SERVER__TOOL`), and
/// a prefix of them (`*`, `mcp__github__*`, as `tools::filter` reads
/// it); other names are warned about and given nothing.
pub fn is_quire_tool(name: &str) -> bool {
    if let Some(prefix) = name.strip_suffix('*') {
        return prefix.contains("__") || KNOWN_TOOLS.iter().any(|t| t.starts_with(prefix));
    }
    (name.contains("__") && crate::mcp::claude_names::shape_note(name).is_none())
        || KNOWN_TOOLS.contains(&name)
}

/// quire's name for a tool a definition names in Claude Code's way: its
/// tools (`Read`) and its names of a plugin's MCP tools
/// (`mcp__plugin_P_S__tool`).
fn quire_tool(name: &str) -> Option<String> {
    map_claude_tool(name)
        .map(str::to_string)
        .or_else(|| crate::mcp::claude_names::to_quire(name))
}

/// Which list of a definition names tools: what it is given or what it
/// is refused.
#[derive(Clone, Copy, PartialEq)]
enum ToolList {
    Given,
    Refused,
}

fn tool_names(names: Vec<String>, list: ToolList, warnings: &mut Vec<String>) -> Vec<String> {
    let refused = list == ToolList::Refused;
    // The tools named whole: a `Tool(pattern)` entry beside one adds
    // nothing.
    let plain: Vec<String> = names
        .iter()
        .filter(|n| super::tool_pattern::split(n).is_none())
        .map(|n| quire_tool(n).unwrap_or_else(|| n.clone()))
        .collect();
    let plain: Vec<&str> = plain.iter().map(String::as_str).collect();
    let names: Vec<String> = names
        .iter()
        .filter_map(|n| match super::tool_pattern::split(n) {
            Some((tool, pattern)) => {
                super::tool_pattern::resolve(n, tool, pattern, refused, &plain, warnings)
            }
            None => Some(n.clone()),
        })
        .collect();
    // Claude Code's `Agent` / `Task` is the whole subagent family in quire.
    let family = names
        .iter()
        .any(|n| quire_tool(n).as_deref() == Some(super::tools::SPAWN_AGENT));
    let mut mapped: Vec<String> = names
        .into_iter()
        .map(|n| match quire_tool(&n) {
            Some(q) => q,
            None if is_quire_tool(&n) => n,
            None if n.starts_with("mcp__") => {
                let note = crate::mcp::claude_names::shape_note(&n).unwrap_or_default();
                warnings.push(format!("tool {note}; the agent will not have it"));
                n
            }
            None if n.chars().all(|c| !c.is_uppercase()) => {
                warnings.push(format!(
                    "tool '{n}' is no quire tool{}; the agent will not have it (quire's tools: {})",
                    crate::suggest::did_you_mean(&n, KNOWN_TOOLS),
                    KNOWN_TOOLS.join(", ")
                ));
                n
            }
            None => {
                warnings.push(format!("tool '{n}' has no quire equivalent; ignored"));
                n
            }
        })
        .collect();
    if family {
        mapped.extend(super::tools::AGENT_TOOLS.map(String::from));
    }
    // Claude Code's `Glob` and `LS` are both quire's `list_dir`: named once.
    let mut out: Vec<String> = Vec::with_capacity(mapped.len());
    for n in mapped {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

fn field(def: &mut AgentDef, key: &str, v: &dyn Field) {
    match key {
        "name" => {
            if let Some(n) = v.string() {
                def.name = n.trim().to_string();
            }
        }
        "description" => def.description = v.string().unwrap_or_default().trim().to_string(),
        "tools" => {
            // Claude Code's `*`: every tool, so the parent's (what no
            // `tools` gives).
            def.tools = v
                .list()
                .filter(|l| !l.iter().any(|n| n.trim() == "*"))
                .map(|l| tool_names(l, ToolList::Given, &mut def.warnings));
        }
        "disallowedTools" | "disallowed_tools" => {
            def.disallowed_tools = v
                .list()
                .map(|l| tool_names(l, ToolList::Refused, &mut def.warnings))
                .unwrap_or_default();
        }
        "model" => {
            def.model = v
                .string()
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty() && !is_claude_model_alias(m));
        }
        "skills" => def.skills = v.list(),
        "max_tokens" | "maxTokens" => match v.string().and_then(|s| s.trim().parse().ok()) {
            Some(n) => def.max_tokens = Some(n),
            None => def
                .warnings
                .push("max_tokens is not a whole number; ignored".into()),
        },
        "isolation" => match v.string().as_deref().and_then(Isolation::parse) {
            Some(i) => def.isolation = Some(i),
            None => def
                .warnings
                .push("isolation must be \"worktree\" or \"none\"; ignored".into()),
        },
        "permissionMode" => permission_mode(def, v),
        "sandbox_mode" => sandbox_mode(def, v),
        // Restrictions or additions quire cannot apply to one agent: said
        // so, since their author counted on them.
        "hooks" => def.warnings.push(
            "hooks are not supported in an agent definition: they never run for this agent; put them in .claude/settings.json or .quire/config.toml (they apply to every agent, with the agent type in their input); ignored".into(),
        ),
        "mcp_servers" | "mcpServers" => def.warnings.push(format!(
            "{key} is not supported in an agent definition: the agent gets the session's MCP servers; configure them in .mcp.json or [mcp_servers] of config.toml; ignored"
        )),
        // Claude Code and Codex keys quire does not use.
        "color" | "model_reasoning_effort" | "nickname_candidates" | "web_search" | "memory" => {}
        other => def.warnings.push(format!("unknown key '{other}' ignored")),
    }
}

/// Claude Code's `permissionMode`: `plan` (look, do not change) narrows
/// the child to a read-only sandbox; the others would change the session's
/// approval policy, which a subagent cannot, so they are named and ignored.
fn permission_mode(def: &mut AgentDef, v: &dyn Field) {
    let value = v.string().unwrap_or_default();
    match value.trim() {
        "plan" => def.sandbox = Some(SandboxMode::ReadOnly),
        other => def.warnings.push(format!(
            "permissionMode '{other}' is not supported: the agent runs with the session's approval policy and sandbox (only 'plan', read-only, is kept); ignored"
        )),
    }
}

/// Codex's `sandbox_mode`: `read-only` and `workspace-write` are kept (the
/// child's sandbox is narrowed to them, never widened); a child never gets
/// `danger-full-access` from its definition.
fn sandbox_mode(def: &mut AgentDef, v: &dyn Field) {
    let value = v.string().unwrap_or_default();
    match value.trim() {
        "read-only" => def.sandbox = Some(SandboxMode::ReadOnly),
        "workspace-write" => def.sandbox = Some(SandboxMode::WorkspaceWrite),
        "danger-full-access" => def.warnings.push(
            "sandbox_mode 'danger-full-access' is not granted: a subagent never gets a wider sandbox than the session's; the session's sandbox is used".into(),
        ),
        other => def.warnings.push(format!(
            "sandbox_mode '{other}' is not a sandbox mode: use \"read-only\" or \"workspace-write\"; the session's sandbox is used{}",
            crate::suggest::did_you_mean(other, ["read-only", "workspace-write"])
        )),
    }
}

#[cfg(test)]
mod tests;
