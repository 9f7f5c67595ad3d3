//! A session: the history, the store, the tools and the model client of one
//! conversation.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{Config, ProviderConfig};
use crate::model::{self, Item, ModelClient, Usage};
use crate::store::{self, LoadedSession, SessionMeta, SessionWriter};
use crate::tools::{self, Approver, Tool, ToolContext, ToolRegistry, sandbox};

use super::prompt::{self, Environment, ProjectDocs};
use super::{AgentError, Event, EventSink, Extension, ToolChange};

/// What a session is built from.
pub struct SessionOptions {
    pub config: Config,
    /// `$QUIRE_HOME`.
    pub home: PathBuf,
    pub cwd: PathBuf,
    /// A session file to continue.
    pub resume: Option<LoadedSession>,
    pub approver: Arc<dyn Approver>,
    pub events: EventSink,
}

/// One conversation.
pub struct Session {
    pub(crate) config: Config,
    pub(crate) provider: ProviderConfig,
    pub(crate) model: String,
    pub(crate) client: Arc<dyn ModelClient>,
    pub(crate) tools: ToolRegistry,
    pub(crate) history: Vec<Item>,
    pub(crate) writer: SessionWriter,
    pub(crate) events: EventSink,
    pub(crate) approver: Arc<dyn Approver>,
    pub(crate) extensions: Vec<Arc<dyn Extension>>,
    pub(crate) home: PathBuf,
    pub(crate) cwd: PathBuf,
    pub(crate) workspace: PathBuf,
    pub(crate) docs: ProjectDocs,
    /// Usage of the last response and the history length it covered, for
    /// estimating the context in use.
    pub(crate) last_usage: Option<(Usage, usize)>,
    pub(crate) total_usage: Usage,
    /// Which tools each request carries (see [`tools::select`]).
    pub(crate) tool_selection: Arc<tools::select::ToolSelection>,
    /// The day the session started, for the environment block (the
    /// system prompt stays the same for the whole session).
    pub(crate) started: String,
    /// The session's hooks (`None`: none configured or allowed to run).
    pub(crate) hooks: Option<Arc<crate::hooks::Hooks>>,
    /// The `SessionStart` source still to run before the next message.
    pub(crate) pending_start: Option<&'static str>,
}

impl Session {
    /// Checks the configuration and the sandbox, opens (or continues) the
    /// session file and announces the session.
    pub fn start(opts: SessionOptions) -> Result<Session, AgentError> {
        let SessionOptions {
            config,
            home,
            cwd,
            resume,
            approver,
            events,
        } = opts;
        sandbox::check_support(config.sandbox, config.network)?;
        let provider = config.resolve_provider()?;
        let model = config.effective_model(&provider);
        if model.is_empty() {
            return Err(crate::config::ConfigError::Invalid(format!(
                "no model is set for provider '{}': pass --model NAME or set `model` in config.toml",
                provider.name
            ))
            .into());
        }
        if let (Some(var), None) = (&provider.api_key_env, &provider.api_key) {
            return Err(crate::config::ConfigError::Invalid(format!(
                "provider '{}' needs an API key: set the environment variable {var} (or change providers.{}.api_key_env, or pick another provider with --provider)",
                provider.name, provider.name
            ))
            .into());
        }
        let client = model::client_for(&provider)?;
        let workspace = prompt::repo_root(&cwd).unwrap_or_else(|| cwd.clone());
        let mut extensions: Vec<Arc<dyn Extension>> = Vec::new();
        if let Some(mcp) = crate::mcp::session_extension(
            &config,
            &home,
            &workspace,
            prompt::repo_root(&cwd).as_deref(),
            &events,
        )? {
            extensions.push(mcp);
        }
        let sessions_dir = config
            .sessions_dir
            .clone()
            .unwrap_or_else(|| home.join("sessions"));
        let resumed = resume.is_some();
        let (writer, history) = match resume {
            Some(loaded) => {
                for w in &loaded.warnings {
                    events.send(Event::Warning { message: w.clone() });
                }
                (
                    SessionWriter::append_to(&loaded.path, &loaded.meta.id)?,
                    loaded.items,
                )
            }
            None => {
                let meta = SessionMeta {
                    id: uuid::Uuid::now_v7().to_string(),
                    created: chrono::Utc::now().to_rfc3339(),
                    cwd: cwd.display().to_string(),
                    provider: provider.name.clone(),
                    model: model.clone(),
                };
                (SessionWriter::create(&sessions_dir, &meta)?, Vec::new())
            }
        };
        let mut tools = ToolRegistry::new(config.tool_output_limit);
        let mut builtin = Vec::new();
        for t in tools::builtin_tools(config.shell_timeout_ms) {
            builtin.push(tools.register(t));
        }
        let semantic = crate::skills::select::semantic::for_session(
            &config.selection,
            &provider,
            &home,
            &events,
        );
        let tool_selection = Arc::new(
            tools::select::ToolSelection::new(config.tool_selection.clone(), builtin)
                .learning(&crate::skills::select::cache::dir_in(&home))
                .with_semantic(semantic),
        );
        tools.register(Arc::new(tools::select::ToolSearchTool::new(
            tool_selection.clone(),
        )));
        let plugins = crate::plugins::load_for_session(
            &config.plugins,
            &home,
            &workspace,
            config.project_trusted,
        );
        for w in plugins.warnings {
            events.send(Event::Warning { message: w });
        }
        for t in plugins.tools {
            tools.register(t);
        }
        let docs = prompt::project_docs(&home, &cwd);
        for message in &docs.skipped {
            events.send(Event::Warning {
                message: message.clone(),
            });
        }
        if docs.truncated {
            events.send(Event::Warning {
                message: "AGENTS.md files exceed 32 KiB together; the rest was cut".into(),
            });
        }
        let mut session = Session {
            provider,
            model,
            client,
            tools,
            history,
            writer,
            events,
            approver,
            extensions,
            home,
            cwd,
            workspace,
            docs,
            last_usage: None,
            total_usage: Usage::default(),
            tool_selection: tool_selection.clone(),
            started: today(),
            hooks: None,
            pending_start: None,
            config,
        };
        session.add_extension(tool_selection);
        session.attach_skills();
        session.attach_hooks(resumed, &plugins.plugins);
        session.announce(resumed);
        Ok(session)
    }

    fn announce(&self, resumed: bool) {
        self.events.send(Event::SessionStarted {
            session_id: self.writer.id().to_string(),
            session_file: self.writer.path().display().to_string(),
            cwd: self.cwd.display().to_string(),
            provider: self.provider.name.clone(),
            model: self.model.clone(),
            wire_api: self.provider.wire_api.to_string(),
            sandbox: self.config.sandbox.to_string(),
            approval: self.config.approval.to_string(),
            resumed,
        });
    }

    /// Adds skill selection (the catalog, activation and the `skill` tool)
    /// unless `skills.enabled = false`; skipped skills are reported once.
    fn attach_skills(&mut self) {
        use crate::skills::{DiscoverOptions, loader::CachedDiscovery};
        if !self.config.skills.enabled {
            return;
        }
        let opts = DiscoverOptions::new(
            self.cwd.clone(),
            prompt::repo_root(&self.cwd),
            self.home.clone(),
            &self.config.skills,
        )
        .trusting(self.config.project_trusted);
        let discovery = Arc::new(CachedDiscovery::new(opts));
        for s in discovery.discover().skipped {
            self.events.send(Event::Warning {
                message: format!("skill skipped: {}: {}", s.path.display(), s.reason),
            });
        }
        crate::skills::extension::attach(self, discovery.loader());
    }

    pub fn id(&self) -> &str {
        self.writer.id()
    }

    pub fn file(&self) -> &Path {
        self.writer.path()
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    pub fn history(&self) -> &[Item] {
        &self.history
    }

    pub fn total_usage(&self) -> Usage {
        self.total_usage
    }

    pub fn tool_names(&self) -> Vec<String> {
        self.tools.names()
    }

    /// Switches the model for the following turns.
    pub fn set_model(&mut self, model: &str) {
        self.model = model.to_string();
        self.last_usage = None;
    }

    /// Adds a tool (plugins, MCP, the skill tool).
    pub fn register_tool(&mut self, tool: Arc<dyn Tool>) -> String {
        self.tools.register(tool)
    }

    pub fn add_extension(&mut self, ext: Arc<dyn Extension>) {
        ext.sync_history(&self.history);
        self.extensions.push(ext);
    }

    /// Applies the extensions' tool changes (tools that joined or left).
    pub(crate) fn apply_tool_changes(&mut self) {
        for ext in &self.extensions {
            for change in ext.tool_changes() {
                match change {
                    ToolChange::Added(tool) => {
                        self.tools.register(tool);
                    }
                    ToolChange::Removed(name) => {
                        self.tools.unregister(&name);
                    }
                }
            }
        }
    }

    /// Starts a fresh conversation in a new session file (`/new`).
    pub fn restart(&mut self) -> Result<(), AgentError> {
        let dir = self
            .writer
            .path()
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.home.join("sessions"));
        let meta = SessionMeta {
            id: uuid::Uuid::now_v7().to_string(),
            created: chrono::Utc::now().to_rfc3339(),
            cwd: self.cwd.display().to_string(),
            provider: self.provider.name.clone(),
            model: self.model.clone(),
        };
        let old = (
            self.writer.id().to_string(),
            self.writer.path().to_path_buf(),
        );
        self.writer = SessionWriter::create(&dir, &meta)?;
        self.hooks_restart(old.0, old.1);
        self.history.clear();
        for ext in &self.extensions {
            ext.sync_history(&self.history);
        }
        self.last_usage = None;
        self.total_usage = Usage::default();
        self.started = today();
        self.announce(false);
        Ok(())
    }

    /// Continues a past session in place of this one (`/resume`).
    pub fn switch_to(&mut self, loaded: LoadedSession) -> Result<(), AgentError> {
        self.writer = SessionWriter::append_to(&loaded.path, &loaded.meta.id)?;
        self.history = loaded.items;
        for ext in &self.extensions {
            ext.sync_history(&self.history);
        }
        self.last_usage = None;
        self.total_usage = Usage::default();
        self.started = today();
        self.announce(true);
        Ok(())
    }

    /// The directory the session runs in.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// Changes when quire asks before acting (`/approvals`).
    pub fn set_approval(&mut self, policy: crate::tools::ApprovalPolicy) {
        self.config.approval = policy;
    }

    /// The context window of the current model, in tokens.
    pub fn context_window(&self) -> u64 {
        self.config.context_window(&self.model)
    }

    /// The system prompt: the same for every request of the session (the
    /// date is the day it started).
    pub(crate) fn instructions(&self) -> String {
        let mut env = Environment::detect(
            &self.cwd,
            &self.workspace,
            self.config.sandbox,
            self.config.network,
            self.config.approval,
        );
        env.date = self.started.clone();
        let mut s = prompt::instructions(&self.docs, &env);
        for ext in &self.extensions {
            if let Some(extra) = ext.instructions() {
                s.push_str("\n\n");
                s.push_str(&extra);
            }
        }
        s
    }

    pub(crate) fn tool_context(&self, cancel: tokio_util::sync::CancellationToken) -> ToolContext {
        ToolContext {
            cwd: self.cwd.clone(),
            workspace: self.workspace.clone(),
            sandbox: self.config.sandbox,
            network: self.config.network,
            approval_policy: self.config.approval,
            approver: self.approver.clone(),
            cancel,
            events: self.events.clone(),
        }
    }

    /// Appends an item to the history and the session file.
    pub(crate) fn record(&mut self, item: Item) {
        if let Err(e) = self.writer.append_item(&item) {
            self.events.send(Event::Warning {
                message: format!("session file not updated: {e}"),
            });
        }
        self.history.push(item);
    }

    /// Sends an event and keeps it in the session file.
    pub(crate) fn emit_recorded(&mut self, event: Event) {
        if let Err(e) = self.writer.append_event(&event) {
            tracing::warn!(error = %e, "session file not updated");
        }
        self.events.send(event);
    }
}

fn today() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

/// Finds a session to resume in the sessions folder of `config`.
pub fn find_session(
    config: &Config,
    home: &Path,
    query: &str,
) -> Result<LoadedSession, AgentError> {
    let dir = config
        .sessions_dir
        .clone()
        .unwrap_or_else(|| home.join("sessions"));
    let found = store::find(&dir, query)?;
    Ok(store::load(&found.path)?)
}
