//! Plugin bundles: one folder carrying several kinds of extension, in the
//! layouts the ecosystem publishes, detected by their manifests:
//!
//! - Agent Plugins 1.0: `plugin.json` (`$schema`, `name`), `skills/`,
//!   `mcp.json` (`${PLUGIN_ROOT}`, `${PLUGIN_DATA}`), reverse-DNS client
//!   folders — quire's own is `dev.quire/` (WASM components with their
//!   `plugin.toml`, hooks, agents, commands);
//! - Claude Code: `.claude-plugin/plugin.json`, `skills/`, `agents/`,
//!   `commands/`, `hooks/hooks.json`, `.mcp.json`;
//! - Codex: `.codex-plugin/plugin.json` (`skills`, `mcpServers`, `hooks`
//!   paths);
//! - a bare WASM component: `plugin.toml` + `.wasm`.
//!
//! Every path a manifest names is untrusted: it must stay inside the
//! bundle ([`paths`]). [`detect`] reads a folder; [`installed`] lists the
//! bundles of a session; [`validate`] checks one for `quire plugins
//! validate`.

mod agent_skills;
pub(crate) mod clash;
pub(crate) mod detect;
pub mod drift;
pub mod forget;
pub mod hook_paths;
pub mod hook_scripts;
pub(crate) mod installed;
mod lsp;
pub mod mcp;
mod mcp_env_paths;
mod mcp_paths;
pub(crate) mod paths;
mod skill_names;
mod tool_names;
mod user_link;
pub mod validate;

use std::path::{Path, PathBuf};

pub use detect::detect;
pub use installed::{
    AgentSource, BundleScope, InstalledBundle, PluginHookFile, agent_sources, command_folders,
    data_folders, hook_files, hook_files_for, installed, installed_with_warnings, mcp_servers,
    name_clashes, plugin_folder_of, plugin_of, project_plugins_dir, same_folder, scan, scan_at,
    scan_skill_folders, skill_folders, user_plugins_dir, wasm_component_dirs,
};

/// quire's client folder inside an Agent Plugins bundle.
pub const CLIENT_FOLDER: &str = "dev.quire";
/// The Agent Plugins 1.0 manifest schema.
pub const PLUGIN_SCHEMA_1_0: &str = "https://agent-plugins.org/schemas/1.0.0/plugin.schema.json";
/// The Agent Plugins 1.0 MCP schema.
pub const MCP_SCHEMA_1_0: &str = "https://agent-plugins.org/schemas/1.0.0/mcp.schema.json";

/// A manifest kind found in a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    AgentPlugins,
    ClaudeCode,
    Codex,
    /// Only `plugin.toml` + `.wasm`.
    Wasm,
}

impl Layout {
    pub fn label(self) -> &'static str {
        match self {
            Layout::AgentPlugins => "agent-plugins",
            Layout::ClaudeCode => "claude-code",
            Layout::Codex => "codex",
            Layout::Wasm => "wasm",
        }
    }
}

/// An MCP declaration file and how its paths are expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpFile {
    pub path: PathBuf,
    pub layout: Layout,
    /// Servers written inline in the manifest `path` (`"mcpServers":
    /// {...}` in plugin.json) rather than in a file of their own.
    pub inline: Option<serde_json::Value>,
}

/// One bundle and what it carries.
#[derive(Debug, Clone, Default)]
pub struct Bundle {
    pub name: String,
    pub root: PathBuf,
    pub layouts: Vec<Layout>,
    pub version: Option<String>,
    pub description: Option<String>,
    /// Folders holding `NAME/SKILL.md`.
    pub skills: Vec<PathBuf>,
    /// The skill folders a manifest names: it promises skills there.
    pub named_skills: Vec<PathBuf>,
    /// A manifest has a `skills` key: what it names replaces `skills/`,
    /// even when none of it could be loaded (a typo never loads them all).
    pub skills_declared: bool,
    /// Folders of command Markdown files.
    pub commands: Vec<PathBuf>,
    /// Folders of agent definitions.
    pub agents: Vec<PathBuf>,
    /// Hook files (Claude Code's `hooks.json` format).
    pub hooks: Vec<PathBuf>,
    pub mcp: Vec<McpFile>,
    /// WASM component folders (`plugin.toml` + `.wasm`).
    pub components: Vec<PathBuf>,
    /// Problems that did not stop detection (unknown fields, missing
    /// folders a manifest names), for `validate` and warnings.
    pub problems: Vec<Problem>,
    /// Parts the bundle declares that quire does not load (inline
    /// commands, agents or skills; a path that leaves the plugin):
    /// also in `problems`; `plugins install` and `list` show them.
    pub not_loaded: Vec<Problem>,
}

/// A problem in a file of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub message: String,
}

impl Problem {
    /// A `plugin.toml` at `file` that could not be read: the error's
    /// message without the file, which the problem names already.
    pub fn of_manifest(file: &Path, e: &crate::plugins::PluginError) -> Problem {
        let message = match e {
            crate::plugins::PluginError::Manifest { path, message } if path == file => {
                message.clone()
            }
            e => e.to_string(),
        };
        Problem {
            file: file.to_path_buf(),
            message,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.file.as_os_str().is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.file.display(), self.message)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(
        "{0}: not a plugin: no plugin.json, .claude-plugin/plugin.json, .codex-plugin/plugin.json or plugin.toml found, nor skills/, commands/, agents/, hooks/hooks.json or .mcp.json"
    )]
    NoManifest(PathBuf),
    #[error("{file}: {message}")]
    Invalid { file: PathBuf, message: String },
}
