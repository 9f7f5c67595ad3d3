//! Layered configuration: defaults < `~/.quire/config.toml` <
//! `<repo>/.quire/config.toml` < `QUIRE_*` environment < `-c key=value`
//! (the CLI's flags are applied as `-c` overrides).

mod base_url_origin;
pub mod base_url_places;
mod bracket_shape;
mod check;
pub mod claude_dirs;
mod claude_mode;
pub mod claude_seal;
pub mod claude_settings;
pub mod codex_keys;
#[cfg(test)]
mod codex_load_tests;
mod codex_notes;
mod codex_tables;
mod header_dollar;
pub mod key_env;
mod load;
mod misplaced_provider_key;
mod ollama_host;
pub mod other_tools;
pub mod probe;
mod profile;
pub mod protected;
mod provider;
mod quoted_number;
pub mod ranges;
pub mod reasoning;
mod repo_servers;
pub mod seal;
pub mod shown_url;
mod sources;
mod table_key;
pub mod trust;
pub mod trust_review;
mod widening;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use check::{line_of, top_level_keys};
pub use load::{ConfigError, LoadOptions, load, load_to_trust};
pub use provider::{ProviderConfig, ProviderEntry, builtin_providers, wire_api_defaulted};
pub use sources::{ConfigSource, sources};

use crate::tools::{ApprovalPolicy, SandboxMode};

/// The default cap of the AGENTS.md text in the prompt (Codex's too).
pub const DEFAULT_PROJECT_DOC_MAX_BYTES: usize = 32 * 1024;

/// The resolved configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Provider name (`openai`, `anthropic`, or a `[providers.NAME]`).
    pub provider: String,
    /// Model name; when empty, the provider's default model.
    pub model: String,
    /// Context window override for the current model (tokens).
    pub model_context_window: Option<u64>,
    pub sandbox: SandboxMode,
    /// Let sandboxed commands use the network.
    pub network: bool,
    /// Let sandboxed commands create Unix sockets, and so connect to any
    /// they can name (`/var/run/docker.sock`, D-Bus, ssh-agent): refused
    /// by default, network on or off, since those run what they are
    /// asked outside the sandbox.
    pub unix_sockets: bool,
    /// Folders sandboxed commands may write besides the workspace and the
    /// temp folders, under `workspace-write` (absolute paths; the user's
    /// own folders stay read-only). Codex's `[sandbox_workspace_write]
    /// writable_roots`.
    pub writable_roots: Vec<PathBuf>,
    pub approval: ApprovalPolicy,
    /// Maximum model round trips in one task.
    pub max_turns: u32,
    /// Bytes of one tool output sent to the model (head and tail kept).
    pub tool_output_limit: usize,
    /// Default timeout of a `shell` call, in milliseconds.
    pub shell_timeout_ms: u64,
    /// Bytes of AGENTS.md text (yours and the repository's) put in the
    /// prompt; 0 leaves it out (Codex's key, same meaning).
    pub project_doc_max_bytes: usize,
    /// `[shell_environment]`: what commands the model runs get of the
    /// environment.
    pub shell_environment: crate::tools::shell::ShellEnvironmentConfig,
    /// Compaction starts when usage passes this share of the window.
    pub compact_threshold: f64,
    pub max_output_tokens: Option<u32>,
    /// Reasoning models: how long they reason (`model_reasoning_effort`
    /// in Codex), see [`reasoning`].
    pub reasoning_effort: Option<reasoning::Effort>,
    /// Reasoning models: the summary of their reasoning shown.
    pub reasoning_summary: Option<reasoning::Summary>,
    /// GPT-5 models: how long their answers are (`text.verbosity`).
    pub verbosity: Option<reasoning::Verbosity>,
    /// The model's reasoning is not shown (Codex's `hide_agent_reasoning`).
    pub hide_reasoning: bool,
    /// Codex's `notify`: a program and its arguments, run outside the
    /// sandbox when a turn ends, with the turn as JSON in one more
    /// argument (agent/notify.rs). Empty: none.
    pub notify: Vec<String>,
    /// The profile to apply (`[profiles.NAME]`), when `--profile` names none.
    pub profile: String,
    /// `[profiles.NAME]`: named sets of settings, one applied at a time.
    pub profiles: toml::Table,
    pub retry: RetryConfig,
    pub providers: BTreeMap<String, ProviderEntry>,
    /// Per-model settings, keyed by model name.
    pub models: BTreeMap<String, ModelEntry>,
    /// Where session files go (default `$QUIRE_HOME/sessions`).
    pub sessions_dir: Option<PathBuf>,
    /// `[skills]`.
    pub skills: crate::skills::SkillsConfig,
    /// `[mcp_servers.NAME]`.
    #[serde(default)]
    pub mcp_servers: crate::mcp::McpServers,
    /// `[mcp]`: settings for every MCP server.
    pub mcp: crate::mcp::McpSettings,
    /// `[plugins]`.
    pub plugins: crate::plugins::PluginsConfig,
    /// `[tool_selection]`.
    pub tool_selection: crate::tools::select::ToolSelectionConfig,
    /// `[selection]`: optional semantic scoring of skills and tools.
    pub selection: crate::skills::select::semantic::SelectionConfig,
    /// `[hooks]`: `claude_compat` and `[[hooks.EVENT]]` (see
    /// [`crate::hooks`]).
    pub hooks: crate::hooks::HooksConfig,
    /// `[review]`: `quire review`'s models, parallelism, skips, rules.
    pub review: crate::review::ReviewConfig,
    /// `[agents]`: subagents (parallelism, depth, token budget).
    pub agents: crate::agents::AgentsConfig,
    /// `[projects."PATH"]`: trust per folder (read from the user's file
    /// only; see [`trust`]).
    pub projects: BTreeMap<String, trust::ProjectEntry>,
    /// Whether the repository's own settings are used (set by [`load`]).
    #[serde(skip)]
    pub project_trusted: bool,
    /// The repository is trusted, but its sealed settings (`.quire/config.toml`,
    /// `.mcp.json`) changed since ([`seal`]): they are not used
    /// (`project_trusted` is false), yet its hooks keep their approvals
    /// ([`Config::project_hooks_trusted`]). Set by [`load`].
    #[serde(skip)]
    pub project_settings_changed: bool,
    /// The sandbox is fixed (a subagent whose definition says `sandbox_mode
    /// = "read-only"`, and its children): no command may leave it, only
    /// MCP servers confined read-only start, no WASM plugin tools.
    #[serde(skip)]
    pub sandbox_fixed: bool,
    /// The `-c` override that set `model` to an empty name (`-c model=`),
    /// the last to set it: an error about the missing model names it.
    #[serde(skip)]
    pub model_emptied_by: Option<String>,
    /// What named the model or provider for this run, when an environment
    /// variable (`QUIRE_MODEL`, `QUIRE_PROVIDER`) or a flag (`-m`, `-p`,
    /// `-c model=…`) did: a resumed session then uses it rather than the
    /// model it last used.
    #[serde(skip)]
    pub model_given_by: Option<String>,
    /// Per provider, the `-c` override that set its base_url, the last to
    /// set it: a bad base_url's error names it.
    #[serde(skip)]
    pub base_url_set_by: BTreeMap<String, String>,
    /// The environment variable that chose the provider, when one did
    /// and no flag or `-c` chose after it (`QUIRE_PROVIDER`): an unknown
    /// provider's error names it.
    #[serde(skip)]
    pub provider_from_env: Option<String>,
    /// The profile applied and the keys it set (`/status`).
    #[serde(skip)]
    pub profile_applied: Option<(String, Vec<String>)>,
    /// The keys read under Codex CLI's names (`sandbox_mode`,
    /// `[sandbox_workspace_write]`…), as written, for `quire doctor`.
    #[serde(skip)]
    pub codex_names: Vec<String>,
    /// Claude Code's settings files: permissions, env, the `.mcp.json`
    /// switches, `disableAllHooks` (read by [`load`] when
    /// `hooks.claude_compat` is on).
    #[serde(skip)]
    pub claude: claude_settings::ClaudeSettings,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelEntry {
    pub context_window: Option<u64>,
    pub max_output_tokens: Option<u32>,
    pub reasoning_effort: Option<reasoning::Effort>,
    pub reasoning_summary: Option<reasoning::Summary>,
    pub verbosity: Option<reasoning::Verbosity>,
}

/// Retry of transient model failures with exponential backoff and jitter.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryConfig {
    /// Retries after the first attempt.
    pub max_retries: u32,
    pub base_delay_ms: u64,
    pub max_delay_ms: u64,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_retries: 4,
            base_delay_ms: 500,
            max_delay_ms: 30_000,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            provider: "openai".into(),
            model: String::new(),
            model_context_window: None,
            sandbox: SandboxMode::WorkspaceWrite,
            network: false,
            unix_sockets: false,
            writable_roots: Vec::new(),
            approval: ApprovalPolicy::OnRequest,
            max_turns: 100,
            tool_output_limit: 16 * 1024,
            shell_timeout_ms: 120_000,
            project_doc_max_bytes: DEFAULT_PROJECT_DOC_MAX_BYTES,
            shell_environment: Default::default(),
            compact_threshold: 0.9,
            max_output_tokens: None,
            reasoning_effort: None,
            reasoning_summary: None,
            verbosity: None,
            hide_reasoning: false,
            notify: Vec::new(),
            retry: RetryConfig::default(),
            providers: BTreeMap::new(),
            models: BTreeMap::new(),
            sessions_dir: None,
            skills: crate::skills::SkillsConfig::default(),
            mcp_servers: crate::mcp::McpServers::default(),
            mcp: crate::mcp::McpSettings::default(),
            plugins: crate::plugins::PluginsConfig::default(),
            tool_selection: crate::tools::select::ToolSelectionConfig::default(),
            selection: crate::skills::select::semantic::SelectionConfig::default(),
            hooks: crate::hooks::HooksConfig::default(),
            review: crate::review::ReviewConfig::default(),
            agents: crate::agents::AgentsConfig::default(),
            projects: BTreeMap::new(),
            project_trusted: true,
            project_settings_changed: false,
            sandbox_fixed: false,
            model_emptied_by: None,
            model_given_by: None,
            base_url_set_by: BTreeMap::new(),
            provider_from_env: None,
            profile: String::new(),
            profiles: toml::Table::new(),
            profile_applied: None,
            codex_names: Vec::new(),
            claude: Default::default(),
        }
    }
}

impl Config {
    /// Whether the repository's hooks may run, each by its own approval:
    /// in a trusted repository, also when its sealed settings changed
    /// since (hooks are pinned one by one by hash, so a command that
    /// writes a settings file cannot switch an approved guard off by it).
    pub fn project_hooks_trusted(&self) -> bool {
        self.project_trusted || self.project_settings_changed
    }

    /// The provider selected by `provider`, with built-ins filled in.
    pub fn resolve_provider(&self) -> Result<ProviderConfig, ConfigError> {
        provider::resolve(self)
    }

    /// The model to use: `model`, else the provider's default.
    pub fn effective_model(&self, provider: &ProviderConfig) -> String {
        if self.model.is_empty() {
            provider.default_model.clone()
        } else {
            self.model.clone()
        }
    }

    /// The context window of `model`: `model_context_window`, else
    /// `[models.NAME].context_window`, else a known default.
    pub fn context_window(&self, model: &str) -> u64 {
        self.model_context_window
            .or_else(|| self.models.get(model).and_then(|m| m.context_window))
            .unwrap_or_else(|| default_context_window(model))
    }

    /// The environment policy of commands the model runs: the
    /// `[shell_environment]` table, never with any provider's
    /// `api_key_env` (built-in or configured); a repository's Claude Code
    /// `env` for those run in the sandbox only.
    pub fn shell_env(&self) -> crate::tools::shell::ShellEnvironment {
        let mut keys: Vec<String> = builtin_providers()
            .values()
            .chain(self.providers.values())
            .filter_map(|p| p.api_key_env.clone())
            .filter(|v| !v.is_empty())
            .collect();
        keys.sort();
        keys.dedup();
        crate::tools::shell::ShellEnvironment::new(self.shell_environment.clone(), keys)
            .with_sandboxed_set(self.claude.repository_env().0)
    }

    pub fn max_output_tokens_for(&self, model: &str) -> Option<u32> {
        self.models
            .get(model)
            .and_then(|m| m.max_output_tokens)
            .or(self.max_output_tokens)
    }
}

/// Windows of well-known model families; others get a conservative 128k.
fn default_context_window(model: &str) -> u64 {
    let m = model.to_ascii_lowercase();
    if m.starts_with("gpt-5") || m.starts_with("gpt-4.1") {
        400_000
    } else if m.starts_with("claude") || m.starts_with("o3") || m.starts_with("o4") {
        200_000
    } else {
        128_000
    }
}

/// The folder of user-level state: `$QUIRE_HOME`, else `~/.quire`.
pub fn quire_home() -> PathBuf {
    if let Some(h) = std::env::var_os("QUIRE_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(h);
    }
    // `HOME` was settled at start (`user_home::settle`): absolute or unset.
    // Never a relative folder: `./.quire` is a repository's own settings.
    match std::env::var_os("HOME").map(PathBuf::from) {
        Some(home) if home.is_absolute() => home.join(".quire"),
        // The binary refuses to start without a home; a folder that
        // cannot exist reads as empty and fails to be written, named.
        _ => PathBuf::from("/nonexistent/.quire"),
    }
}

/// The nearest ancestor of `cwd` (itself included) holding `.git`. A
/// repository at the home folder (dotfiles kept in git), at a folder
/// holding it, or at `/` is
/// `cwd`'s only when quire runs in that folder itself: from
/// `~/projects/p` it is not the project, and taking it would make the
/// whole home folder (`~/.bashrc`, `~/.ssh`) the workspace the model may
/// write.
pub fn repo_root(cwd: &std::path::Path) -> Option<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    // `/`, the home folder, or a folder holding it (`/home` in git, a
    // container whose home is inside the checkout).
    let too_wide = |d: &std::path::Path| {
        d != cwd
            && (d.parent().is_none()
                || home
                    .as_deref()
                    .is_some_and(|h| h.starts_with(d) || holds(d, h)))
    };
    cwd.ancestors()
        .find(|d| d.join(".git").exists() && !too_wide(d))
        .map(std::path::Path::to_path_buf)
}

/// Whether folder `outer` is `inner` or holds it, links resolved.
fn holds(outer: &std::path::Path, inner: &std::path::Path) -> bool {
    matches!(
        (std::fs::canonicalize(outer), std::fs::canonicalize(inner)),
        (Ok(o), Ok(i)) if i.starts_with(&o)
    )
}

/// The project whose hooks count: the repository of `cwd`; outside one,
/// the nearest folder (`cwd` or above) with `.claude` or `.quire`
/// settings, else `cwd` (none in the home folder itself: its settings are
/// the user's). A repository that stops being one (`.git`
/// renamed) keeps its hooks, wherever in it quire starts, and its
/// approved guards keep guarding.
pub fn hooks_root(cwd: &std::path::Path) -> Option<PathBuf> {
    if let Some(repo) = repo_root(cwd) {
        return Some(repo);
    }
    // The home folder's `.claude` and `.quire` are the user's own.
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let root = cwd
        .ancestors()
        .take_while(|d| home.as_deref() != Some(*d))
        .find(|d| d.join(".claude").is_dir() || d.join(".quire").is_dir())
        .unwrap_or(cwd);
    (home.as_deref() != Some(root)).then(|| root.to_path_buf())
}
