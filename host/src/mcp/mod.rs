//! MCP client: quire uses the tools and resources of MCP servers, over a
//! child process's stdio or streamable HTTP (both through `rmcp`).
//!
//! - [`config`]: `[mcp_servers.NAME]` in config.toml; [`spec`]: those plus
//!   the project's `.mcp.json`, resolved into servers to start;
//!   [`start_dir`]: outside a trusted repository the user's servers start
//!   in a folder it cannot write; [`seal`]: a trusted repository's servers
//!   start only with the files they run as they were trusted.
//! - [`manager`]: starts every server concurrently in the background,
//!   supervises it (refresh on `tools/list_changed`, restarts with backoff)
//!   and stops it; [`process`]: stdio processes in their own process group.
//! - [`naming`]: `mcp__SERVER__TOOL` names; [`tool`]: an MCP tool as a
//!   [`crate::tools::Tool`]; [`results`]: results as text;
//!   [`resources`]: the `mcp_resources` tool.
//! - [`McpExtension`]: the seam into the session — tools that join late,
//!   the wait for servers before a session's first request (and for
//!   required ones before every task), and a note after the user's message
//!   about servers that are still starting or failed.
//! - [`oauth`]: signing in to remote servers (`quire mcp login NAME`)
//!   and the token a session sends them.
//! - [`serve`]: the other direction, `quire mcp serve`: quire's tools and
//!   skills to any MCP client.

pub mod bare_dollar;
pub(crate) mod cache;
pub mod claude_names;
pub(crate) mod client;
pub mod config;
mod correlate;
pub mod edit;
pub mod env_refs;
mod http_failure;
pub(crate) mod manager;
pub mod naming;
pub mod oauth;
pub(crate) mod process;
pub(crate) mod report;
pub(crate) mod resource_list;
pub(crate) mod resources;
pub(crate) mod results;
pub mod seal;
pub(crate) mod seal_env;
mod seal_folder;
mod seal_message;
pub mod serve;
pub(crate) mod server;
pub(crate) mod spec;
pub mod start_dir;
pub(crate) mod stdout_guard;
mod stdout_watch;
pub(crate) mod tool;
mod tool_filter;
pub(crate) mod tool_fit;
pub(crate) mod tool_list;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;

pub use config::{McpServerConfig, McpServers, McpSettings};
pub use manager::McpManager;
pub use server::{Server, Status};
pub use spec::{ServerSpec, Source, Transport, check_new_among};

use crate::config::{Config, ConfigError};
use crate::protocol::{Event, EventSink};
use crate::tools::{Extension, ToolChange};

/// Kills every MCP server process group still registered. For exit paths
/// that skip destructors (`std::process::exit`).
pub fn kill_all_processes() {
    process::kill_all();
}

/// The servers of `config` and the project's `.mcp.json`, with warnings.
pub fn load_specs(
    config: &Config,
    workspace: &Path,
    repo_root: Option<&Path>,
) -> Result<(Vec<ServerSpec>, Vec<String>), ConfigError> {
    let repo_root = repo_root.filter(|_| config.project_trusted);
    let (mut specs, mut warnings) =
        spec::load(&config.mcp_servers, repo_root, workspace).map_err(ConfigError::Invalid)?;
    // Claude Code's `disabledMcpjsonServers` (and an `enabledMcpjsonServers`
    // list) leave servers of `.mcp.json` off, wherever they are written.
    specs.retain(|s| {
        let off = matches!(s.source, spec::Source::McpJson(_))
            .then(|| config.claude.mcp_server_off(&s.name))
            .flatten();
        if let Some(why) = &off {
            warnings.push(format!(
                "MCP server '{}' of .mcp.json is not started: {why}",
                s.name
            ));
        }
        off.is_none()
    });
    // Outside a trusted repository nothing of it may run (start_dir).
    if !config.project_trusted {
        start_dir::move_out(
            &mut specs,
            &config.mcp_servers,
            &crate::config::quire_home(),
        );
    }
    // A trusted repository's servers run its files as they were trusted.
    if let Some(root) = repo_root {
        seal::attach(&crate::config::quire_home(), root, &mut specs);
    }
    // Servers of installed plugin bundles (`PLUGIN_SERVER`, off until enabled).
    let (plugin_specs, plugin_warnings) = crate::plugins::bundle::mcp_servers(config, workspace);
    for s in plugin_specs {
        if specs.iter().any(|o| o.name == s.name) {
            warnings.push(format!(
                "plugin MCP server '{}' is skipped: a server of that name is configured",
                s.name
            ));
        } else if let Err(e) = config::check_name(&s.name) {
            warnings.push(format!("plugin MCP server '{}' is skipped: {e}", s.name));
        } else if let Some((o, meet)) = specs
            .iter()
            .find_map(|o| spec::names_meet(&o.name, &s.name).map(|m| (o, m)))
        {
            warnings.push(format!(
                "plugin MCP server '{}' is skipped: it and the server '{}' {meet}",
                s.name, o.name
            ));
        } else {
            specs.push(s);
        }
    }
    warnings.extend(plugin_warnings);
    // The user's own Claude Code `env` reaches the servers (a server's own
    // `env` wins); a repository's never does: servers run outside the
    // sandbox, and a sandboxed command may write the repository's file.
    let claude_env = config.claude.user_env();
    for s in &mut specs {
        if let spec::Transport::Stdio { env, .. } = &mut s.transport {
            for (k, v) in &claude_env {
                env.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    Ok((specs, warnings))
}

/// Starts the session's servers in the background, with the tool lists
/// cached in `home` (see [`cache`]); `None` when there are none.
/// Configuration errors name the server and key.
pub fn session_extension(
    config: &Config,
    home: &Path,
    workspace: &Path,
    repo_root: Option<&Path>,
    events: &EventSink,
) -> Result<Option<Arc<dyn Extension>>, ConfigError> {
    let (mut specs, mut warnings) = load_specs(config, workspace, repo_root)?;
    if config.sandbox_fixed {
        keep_read_only(&mut specs, &mut warnings);
    }
    if config.mcp.lazy {
        for s in &mut specs {
            s.lazy = true;
        }
    }
    for message in warnings {
        events.send(Event::Warning { message });
    }
    if specs.is_empty() {
        return Ok(None);
    }
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(ConfigError::Invalid(
            "MCP servers are configured but no async runtime is running to start them".into(),
        ));
    }
    let manager =
        McpManager::start_with(specs, events.clone(), Some(cache::ToolCache::in_home(home)));
    Ok(Some(Arc::new(
        McpExtension::new(manager).with_events(events.clone()),
    )))
}

/// A session whose sandbox is fixed read-only (an agent defined so) starts
/// only servers confined read-only (`sandbox = "read-only"`): any other
/// could write for it.
fn keep_read_only(specs: &mut Vec<ServerSpec>, warnings: &mut Vec<String>) {
    specs.retain(|s| {
        let confined = matches!(
            &s.transport,
            spec::Transport::Stdio { sandbox: Some(p), .. }
                if p.mode == crate::tools::SandboxMode::ReadOnly
        );
        if !confined && s.enabled {
            warnings.push(format!(
                "MCP server '{}' is not started for this read-only agent: it is not confined read-only (give it sandbox = \"read-only\" to use it here)",
                s.name
            ));
        }
        confined
    });
}

/// The MCP servers as seen by a session.
pub struct McpExtension {
    manager: McpManager,
    /// Server states as of the last tool change poll: what the note says.
    seen: Mutex<Vec<(String, Status)>>,
    /// The note last added to the history.
    told: Mutex<Option<String>>,
    /// The wait before the session's first request is done.
    waited: AtomicBool,
    events: EventSink,
}

/// The `source` of the servers' [`crate::protocol::Item::Context`] note.
pub const CONTEXT_SOURCE: &str = "mcp";

impl McpExtension {
    pub fn new(manager: McpManager) -> McpExtension {
        McpExtension {
            manager,
            seen: Mutex::new(Vec::new()),
            told: Mutex::new(None),
            waited: AtomicBool::new(false),
            events: EventSink::null(),
        }
    }

    /// Where [`Event::McpWaiting`] goes.
    pub fn with_events(mut self, events: EventSink) -> McpExtension {
        self.events = events;
        self
    }

    pub fn manager(&self) -> &McpManager {
        &self.manager
    }
}

/// Characters of one server's instructions in the prompt.
const INSTRUCTIONS_CHARS: usize = 2000;

/// `s` cut to `max` characters (with a note when cut).
fn cap(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max).collect();
    format!("{head}… [cut at {max} characters]")
}

/// The first line of `s`, at most `max` characters.
fn short(s: &str, max: usize) -> String {
    let line = s.lines().next().unwrap_or_default();
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else {
        line.to_string()
    }
}

impl McpExtension {
    /// What the model should know about the servers as of the last poll:
    /// their own instructions, and which are still starting or failed.
    pub fn note(&self) -> Option<String> {
        let seen = self.seen.lock().ok()?.clone();
        // Servers whose tools are known from the cache are left out: their
        // tools are listed, and a call waits for the server.
        let cached = |n: &str| {
            self.manager
                .servers()
                .iter()
                .any(|s| s.name() == n && s.tools_from_cache())
        };
        let starting: Vec<&str> = seen
            .iter()
            .filter(|(n, s)| matches!(s, Status::Starting | Status::Restarting) && !cached(n))
            .map(|(n, _)| n.as_str())
            .collect();
        let failed: Vec<String> = seen
            .iter()
            .filter_map(|(n, s)| match s {
                Status::Failed(e) => Some(format!("{n} ({})", short(e, 160))),
                _ => None,
            })
            .collect();
        // Ready servers, and those still starting whose instructions are
        // known from the cache (with their tools): the same text either
        // way, so a warm cache does not change what the model is told.
        let guides: Vec<String> = seen
            .iter()
            .filter(|(n, s)| {
                *s == Status::Ready
                    || (matches!(s, Status::Starting | Status::Restarting) && cached(n))
            })
            .filter_map(|(n, _)| {
                let server = self
                    .manager
                    .servers()
                    .iter()
                    .find(|s| s.name() == n)?
                    .clone();
                let text = server.instructions()?;
                Some(format!("## {n}\n{}", cap(text.trim(), INSTRUCTIONS_CHARS)))
            })
            .collect();
        if starting.is_empty() && failed.is_empty() && guides.is_empty() {
            return None;
        }
        let mut s = String::from("# MCP servers\n");
        if !guides.is_empty() {
            s.push_str("What the servers say about using their tools:\n\n");
            s.push_str(&guides.join("\n\n"));
            s.push_str("\n\n");
        }
        if !starting.is_empty() {
            s.push_str(&format!(
                "Still starting, so their tools are not available yet (they are added when ready): {}.\n",
                starting.join(", ")
            ));
        }
        if !failed.is_empty() {
            s.push_str(&format!(
                "Failed, so their tools are not available: {}.\n",
                failed.join("; ")
            ));
        }
        Some(s.trim_end().to_string())
    }

    /// The note as an item when it says something new.
    fn note_item(&self, again: bool) -> Option<crate::protocol::Item> {
        let note = self.note();
        let mut told = self.told.lock().unwrap_or_else(|e| e.into_inner());
        if note.is_none() || (*told == note && !again) {
            return None;
        }
        told.clone_from(&note);
        note.map(|text| crate::protocol::Item::Context {
            source: CONTEXT_SOURCE.to_string(),
            text,
        })
    }

    /// Waits for the enabled servers still starting whose tools are not
    /// known from the cache, concurrently, each at most its
    /// `startup_timeout_sec`; once per session.
    fn first_wait(&self) -> Option<BoxFuture<'static, ()>> {
        if self.waited.swap(true, Ordering::SeqCst) {
            return None;
        }
        let starting: Vec<Arc<Server>> = self
            .manager
            .servers()
            .iter()
            .filter(|s| {
                s.spec.enabled && !s.tools_from_cache() && matches!(s.status(), Status::Starting)
            })
            .cloned()
            .collect();
        if starting.is_empty() {
            return None;
        }
        self.events.send(Event::McpWaiting {
            servers: starting.iter().map(|s| s.name().to_string()).collect(),
        });
        Some(Box::pin(async move {
            let waits = starting.iter().map(|s| {
                // The server fails itself at its timeout; the margin only
                // guards against a stuck state.
                let limit = s.spec.startup_timeout + std::time::Duration::from_secs(1);
                tokio::time::timeout(limit, s.settled())
            });
            futures::future::join_all(waits).await;
        }))
    }
}

impl Extension for McpExtension {
    /// The note about the servers after the user's message, when it
    /// changed since the last one.
    fn on_user_message(&self, _user_text: &str) -> Vec<crate::protocol::Item> {
        self.note_item(false).into_iter().collect()
    }

    /// The history was rewritten: the note comes again.
    fn after_compaction(&self) -> Vec<crate::protocol::Item> {
        self.note_item(true).into_iter().collect()
    }

    /// A lazy server starts when one of its tools is first sent.
    fn on_tools_sent(&self, names: &[String]) {
        self.manager.wake_for(names);
    }

    /// A resumed, cleared or shortened history: the note last told is the
    /// last one it holds, so a resumed session (`exec --resume`) does not
    /// send the same note again after its next message.
    fn sync_history(&self, history: &[crate::protocol::Item]) {
        let last = crate::protocol::Item::last_context(history, CONTEXT_SOURCE);
        *self.told.lock().unwrap_or_else(|e| e.into_inner()) = last.map(str::to_string);
    }

    fn tool_changes(&self) -> Vec<ToolChange> {
        // States first: a server that turns ready after this is reported as
        // starting although its tools arrive now, never the other way round.
        let states = self
            .manager
            .servers()
            .iter()
            .map(|s| (s.name().to_string(), s.status()))
            .collect();
        if let Ok(mut seen) = self.seen.lock() {
            *seen = states;
        }
        self.manager.take_changes()
    }

    /// Before the session's first request: the servers still starting
    /// (see [`McpExtension::first_wait`]). Before every task: the servers
    /// marked `required`, which fail the task when not available.
    fn ready(&self) -> Option<BoxFuture<'static, Result<(), String>>> {
        let first = self.first_wait();
        let required: Vec<Arc<Server>> = self
            .manager
            .servers()
            .iter()
            .filter(|s| s.spec.required && s.spec.enabled)
            .cloned()
            .collect();
        if required.is_empty() && first.is_none() {
            return None;
        }
        Some(Box::pin(async move {
            if let Some(first) = first {
                first.await;
            }
            for s in required {
                if let Status::Failed(e) = s.settled().await {
                    return Err(format!(
                        "the MCP server '{}' is required (required = true) but is not available: {e}",
                        s.name()
                    ));
                }
            }
            Ok(())
        }))
    }
}
