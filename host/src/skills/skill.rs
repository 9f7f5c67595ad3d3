//! The parsed skill: the one type discovery produces and selection,
//! validation, the CLI and `mcp serve` consume.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

/// Where a skill was found, highest precedence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// `.quire/skills`, `.agents/skills`, `.claude/skills`, `.codex/skills`
    /// in a directory from the repository root down to the cwd.
    Project,
    /// `~/.quire/skills`, `~/.agents/skills`, `~/.claude/skills`,
    /// `~/.codex/skills`.
    User,
    /// `skills.paths` from config.
    Configured,
    /// Shipped inside the binary (top-level `skills/`).
    Bundled,
}

/// One skill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skill {
    /// From the frontmatter (as a string even when written as a number).
    pub name: String,
    /// From the frontmatter (a YAML list is joined with spaces).
    pub description: String,
    /// `when_to_use` (extra text for selection).
    pub when_to_use: Option<String>,
    /// `metadata.keywords` (extra text for selection).
    pub keywords: Vec<String>,
    pub license: Option<String>,
    pub compatibility: Option<String>,
    /// `allowed-tools`.
    pub allowed_tools: Vec<String>,
    /// `metadata` as written (string values; others as JSON text).
    pub metadata: BTreeMap<String, String>,
    /// `disable-model-invocation: true`: never listed or auto-activated,
    /// only activated by an explicit `$name` / `/name`.
    pub disable_model_invocation: bool,
    /// `user-invocable` (default true).
    pub user_invocable: bool,
    /// Frontmatter keys quire does not know, kept as JSON.
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The Markdown after the frontmatter.
    pub body: String,
    /// The `#` headings of the body (extra text for selection).
    pub headings: Vec<String>,
    /// The skill's folder (absolute). Files are read only inside it.
    pub dir: PathBuf,
    /// The `SKILL.md` file.
    pub file: PathBuf,
    pub scope: Scope,
    /// The root folder the skill was found under.
    pub root: PathBuf,
    /// Lenient-parsing warnings (BOM, CRLF, name ≠ folder, …).
    pub warnings: Vec<String>,
    /// Installed by `quire share` and no longer matching `quire.lock`:
    /// how. Such a skill is never activated automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<String>,
}
