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

/// Whether `word` can be typed as `$word` / `/word` in a message: letters,
/// digits, `-`, `_`, `.` and `:` only (what a mention reads), not ending
/// in punctuation a sentence would put there.
pub fn typeable(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        && !word.ends_with(['.', ':', '-'])
}

impl Skill {
    /// The name a user types to call the skill (`$handle`, `/handle`): its
    /// name, or — for a name that cannot be typed, such as a Claude Code
    /// plugin's `name: Writing Hookify Rules` — its folder's name, after
    /// the plugin's prefix when it has one (`hookify:writing-rules`).
    pub fn handle(&self) -> String {
        if typeable(&self.name) {
            return self.name.clone();
        }
        let folder = self.dir.file_name().and_then(|f| f.to_str());
        let prefix = self
            .name
            .split_once(':')
            .map(|(p, _)| p)
            .filter(|p| typeable(p));
        match (folder, prefix) {
            (Some(f), Some(p)) if typeable(f) => format!("{p}:{f}"),
            (Some(f), None) if typeable(f) => f.to_string(),
            _ => self.name.clone(),
        }
    }

    /// Whether `word` (a mention without its sigil) calls this skill: its
    /// name, or its [`handle`](Self::handle).
    pub fn called_by(&self, word: &str) -> bool {
        self.name == word || self.handle() == word
    }
}
