//! A session: the history, the store, the tools and the model client of one
//! conversation.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{Config, ProviderConfig};
use crate::model::{Item, ModelClient, Usage};
use crate::store::{self, LoadedSession, SessionMeta, SessionWriter};
use crate::tools::ToolFilter;
use crate::tools::{self, Approver, Tool, ToolContext, ToolRegistry};

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
    /// `model`, shared with the subagent tools (see `current_model.rs`).
    pub(crate) current_model: super::CurrentModel,
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
    /// The sandbox and approval the system prompt states: as the session
    /// began (see `settings_said.rs`).
    pub(crate) prompt_settings: super::settings_said::PromptSettings,
    /// The session's hooks (`None`: none configured or allowed to run).
    pub(crate) hooks: Option<Arc<crate::hooks::Hooks>>,
    /// The `SessionStart` source still to run before the next message.
    pub(crate) pending_start: Option<&'static str>,
    pub(crate) own_hooks: bool,
    /// The plugins' data folders its commands may write (`tools::plugin_data`).
    pub(crate) plugin_data: Vec<PathBuf>,
    pub(crate) tool_filter: ToolFilter,
    /// A subagent's `max_tokens` (see `budget.rs`).
    pub(crate) token_budget: Option<u64>,
    /// The last message, when the model never answered it (see
    /// `unanswered.rs`).
    pub(crate) unanswered: Option<super::unanswered::Unanswered>,
    /// The window was said to be too small for compaction to help (see
    /// `compact_room.rs`; once per session).
    pub(crate) small_window_warned: bool,
    /// Items the last compaction of this process left (they are not new
    /// conversation to compact again).
    pub(crate) compaction_kept: usize,
    /// This turn's compaction left the request over the threshold: no
    /// other one runs until the next message (see `compact.rs`).
    pub(crate) compaction_stuck: bool,
    /// That was said (once per session).
    pub(crate) compaction_stuck_warned: bool,
    /// Images for the next message (see `images.rs`).
    pub(crate) pending_images: Vec<crate::images::Image>,
    /// Where the files quire attached to the next task's message begin
    /// ([`Session::attached_from`]).
    pub(crate) attached_from: Option<usize>,
    /// The JSON Schema the answer must match (`quire exec
    /// --output-schema`), sent with every request of the session's tasks.
    pub(crate) output_schema: Option<serde_json::Value>,
    /// The model refused an image `view_image` attached: later calls'
    /// images are not sent (see `tool_images.rs`).
    pub(crate) images_refused: bool,
    /// Folders whose instruction files were not sent and said so (see
    /// `folder_docs.rs`): not said again.
    pub(crate) folder_docs_warned: Vec<std::path::PathBuf>,
    /// What `view_image` checks its images against: the wire and
    /// `images_refused`, set before each round of calls.
    pub(crate) image_intake: Arc<tools::view_image::Intake>,
    /// The text the current request streamed so far (see `partial.rs`).
    pub(crate) partial: super::partial::Partial,
    /// The last session of this process with messages, when `/new` left
    /// it for one still empty (see [`Session::left_for_new`]).
    pub(crate) left: Option<String>,
    /// The context size the server stated when it refused a request as
    /// too long, and the model it was for (see `compact.rs`).
    pub(crate) server_window: Option<(String, u64)>,
    /// The `notify` program could not be started, and that was said
    /// (once per session; see `notify.rs`).
    pub(crate) notify_failed: bool,
    /// What each user message started (see `message_scope.rs`).
    pub(crate) scopes: super::message_scope::MessageScopes,
    /// The images this process's messages were sent with (see `images.rs`).
    pub(crate) sent_images: super::images::SentImages,
    /// Where its model name was set, when not by the user (see
    /// `model_place.rs`).
    pub(crate) model_place: Option<String>,
}

/// Everything a session is made of, assembled by
/// [`crate::runtime::SessionBuilder`].
pub struct SessionParts {
    pub config: Config,
    pub provider: ProviderConfig,
    pub model: String,
    /// Holds `model` as it changes, for the subagents it starts.
    pub current_model: super::CurrentModel,
    pub client: Arc<dyn ModelClient>,
    pub tools: ToolRegistry,
    pub history: Vec<Item>,
    pub writer: SessionWriter,
    pub events: EventSink,
    pub approver: Arc<dyn Approver>,
    pub extensions: Vec<Arc<dyn Extension>>,
    pub home: PathBuf,
    pub cwd: PathBuf,
    pub workspace: PathBuf,
    pub docs: ProjectDocs,
    pub tool_selection: Arc<tools::select::ToolSelection>,
    /// Tools that may join later (from extensions) pass this filter.
    pub tool_filter: ToolFilter,
    pub hooks: Option<Arc<crate::hooks::Hooks>>,
    /// The hooks were loaded for this session (not shared with a parent):
    /// `SessionStart` runs before the first message.
    pub own_hooks: bool,
    pub plugin_data: Vec<PathBuf>,
    /// Shared with the session's `view_image` ([`tools::session_tools`]).
    pub image_intake: Arc<tools::view_image::Intake>,
}

impl Session {
    /// Checks the configuration and the sandbox, opens (or continues) the
    /// session file and announces the session (see
    /// [`crate::runtime::SessionBuilder`] for narrower sessions).
    pub fn start(opts: SessionOptions) -> Result<Session, AgentError> {
        crate::runtime::SessionBuilder::new(opts).build()
    }

    /// A session from its parts; call [`Session::begin`] once the
    /// extensions are added. The extensions given see the history (a
    /// resumed one), as [`Session::add_extension`] shows it to later ones.
    pub fn from_parts(p: SessionParts) -> Session {
        for ext in &p.extensions {
            ext.sync_history(&p.history);
        }
        Session {
            provider: p.provider,
            model: p.model,
            current_model: p.current_model,
            client: p.client,
            tools: p.tools,
            history: p.history,
            writer: p.writer,
            events: p.events,
            approver: p.approver,
            extensions: p.extensions,
            home: p.home,
            cwd: p.cwd,
            workspace: p.workspace,
            docs: p.docs,
            last_usage: None,
            total_usage: Usage::default(),
            tool_selection: p.tool_selection,
            tool_filter: p.tool_filter,
            started: super::session_day::today(),
            prompt_settings: super::settings_said::PromptSettings::of(&p.config),
            hooks: p.hooks,
            own_hooks: p.own_hooks,
            plugin_data: p.plugin_data,
            pending_start: None,
            token_budget: None,
            unanswered: None,
            small_window_warned: false,
            compaction_kept: 0,
            compaction_stuck: false,
            compaction_stuck_warned: false,
            pending_images: Vec::new(),
            attached_from: None,
            output_schema: None,
            images_refused: false,
            folder_docs_warned: Vec::new(),
            image_intake: p.image_intake,
            partial: Default::default(),
            left: None,
            server_window: None,
            notify_failed: false,
            scopes: Default::default(),
            sent_images: Default::default(),
            model_place: None,
            config: p.config,
        }
    }

    /// Hands the hooks to the registry and announces the session.
    pub fn begin(&mut self, resumed: bool) {
        self.prepare(resumed);
        self.announce(resumed);
    }

    /// [`Session::begin`] without its announcement, which
    /// [`Session::announce`] sends later (a subagent waiting for a slot).
    pub fn prepare(&mut self, resumed: bool) {
        if let Some(h) = &self.hooks {
            self.tools.set_hooks(Some(h.clone()));
            if self.own_hooks {
                self.pending_start = Some(if resumed { "resume" } else { "startup" });
            }
        }
    }

    pub fn id(&self) -> &str {
        self.writer.id()
    }

    /// The session `/new` left, when this one has no messages yet: the
    /// one to continue (an empty session is not listed or resumed).
    pub fn left_for_new(&self) -> Option<&str> {
        self.history
            .is_empty()
            .then_some(self.left.as_deref())
            .flatten()
    }

    /// The JSON Schema the model's answers must match from now on
    /// (`quire exec --output-schema`; sent as the OpenAI wires' strict
    /// structured-output format, not to subagents nor compaction).
    pub fn set_output_schema(&mut self, schema: Option<serde_json::Value>) {
        self.output_schema = schema;
    }

    pub fn file(&self) -> &Path {
        self.writer.path()
    }

    /// Records the session file misses because writing them failed.
    pub fn unsaved_records(&self) -> u64 {
        self.writer.unsaved()
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    /// The instruction files (AGENTS.md and the like) the prompt holds.
    pub fn instruction_files(&self) -> &[PathBuf] {
        &self.docs.files
    }

    pub fn provider(&self) -> &ProviderConfig {
        &self.provider
    }

    /// The optional request fields requests go without (the server
    /// refused them): the settings they carry do not apply.
    pub fn fields_left_out(&self) -> Vec<&'static str> {
        self.client.left_out()
    }

    /// Tells the user `message` as a warning event, as the session's own
    /// warnings are (the front end shows it; `--json` prints it).
    pub fn warn(&self, message: String) {
        self.events.send(Event::Warning { message });
    }

    pub fn history(&self) -> &[Item] {
        &self.history
    }

    pub fn tool_names(&self) -> Vec<String> {
        self.tools.names()
    }

    /// Switches the model for the following turns (a command's own
    /// model, for its one message: not recorded).
    pub fn set_model(&mut self, model: &str) {
        self.model = model.to_string();
        self.current_model.set(model);
        self.last_usage = None;
    }

    /// The user's `/model`: switches, and records the switch in the
    /// session file so that resuming the session continues with it.
    pub fn switch_model(&mut self, model: &str) {
        self.set_model(model);
        if let Err(e) = self.writer.append_model_switch(model) {
            self.warn(format!(
                "{e}; a resumed session will not know it switched to {model}"
            ));
        }
    }

    /// Adds a tool (plugins, MCP, the skill tool).
    pub fn register_tool(&mut self, tool: Arc<dyn Tool>) -> String {
        self.tools.register(tool)
    }

    pub fn add_extension(&mut self, ext: Arc<dyn Extension>) {
        ext.sync_history(&self.history);
        self.extensions.push(ext);
    }

    /// The user called skill `name` with arguments (`/name args`): the
    /// next message activates it with `instructions` (its body with the
    /// arguments filled in and its `` !`command` `` lines run).
    pub fn invoke_skill(&self, name: &str, instructions: &str) {
        for ext in &self.extensions {
            ext.skill_invoked(name, instructions);
        }
    }

    /// Applies the extensions' tool changes (tools that joined or left).
    pub(crate) fn apply_tool_changes(&mut self) {
        for ext in &self.extensions {
            for change in ext.tool_changes() {
                match change {
                    ToolChange::Added(tool) => {
                        if self.tool_filter.allows(&tool.spec().name) {
                            self.tools.register(tool);
                        }
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
            parent: None,
            agent_name: None,
            spawn: None,
            sandbox: Some(self.config.sandbox.to_string()),
            approval: Some(self.config.approval.to_string()),
        };
        let old = (
            self.writer.id().to_string(),
            self.writer.path().to_path_buf(),
        );
        self.writer = SessionWriter::create(&dir, &meta)?;
        if !self.history.is_empty() {
            self.left = Some(old.0.clone());
        }
        self.hooks_restart(old.0, old.1);
        self.reread_docs();
        self.history.clear();
        self.folder_docs_warned.clear();
        self.scopes_forgotten(crate::protocol::interrupt::NEW_CONVERSATION);
        self.unanswered = None;
        for ext in &self.extensions {
            ext.on_new_conversation();
            ext.sync_history(&self.history);
        }
        self.last_usage = None;
        self.total_usage = Usage::default();
        self.started = super::session_day::today();
        self.prompt_settings = super::settings_said::PromptSettings::of(&self.config);
        self.announce(false);
        Ok(())
    }

    /// Continues a past session in place of this one (`/resume`).
    pub fn switch_to(&mut self, loaded: LoadedSession) -> Result<(), AgentError> {
        // The session open here already holds its file's lock.
        if loaded.path != self.writer.path() {
            self.writer = SessionWriter::append_to(&loaded)?;
        }
        let configured = self.config.effective_model(&self.provider);
        if let Some((model, note)) =
            super::resumed_settings::choose(&self.config, &self.provider, &configured, &loaded)
        {
            self.model = model;
            self.warn(note);
        } else {
            // This conversation's `/model` does not carry over to another.
            self.model = configured;
        }
        self.current_model.set(&self.model);
        if self.model != loaded.model {
            self.writer.append_model_switch(&self.model)?;
        }
        if let Some(note) = super::resumed_settings::settings_note(&self.config, &loaded) {
            self.warn(note);
        }
        self.history = loaded.items;
        self.scopes_forgotten(crate::protocol::interrupt::OTHER_CONVERSATION);
        self.left = None;
        for ext in &self.extensions {
            ext.on_new_conversation();
            ext.sync_history(&self.history);
        }
        self.resumed_state(
            &loaded.meta,
            loaded.tools,
            loaded.unanswered,
            loaded.server_window,
        );
        self.last_usage = None;
        self.total_usage = Usage::default();
        self.announce(true);
        Ok(())
    }

    /// What a resumed session's file says beyond its history: the day it
    /// started (from its `created`) and the sandbox and approval it began
    /// with, so the system prompt and the cached prefix stay those of its
    /// earlier requests; the tool list
    /// its requests carried (sent again), and why its last message got no
    /// answer, if it got none; the context window it learned from its
    /// server, if it learned one.
    pub(crate) fn resumed_state(
        &mut self,
        meta: &SessionMeta,
        tools: Option<Vec<String>>,
        unanswered: Option<String>,
        server_window: Option<(String, u64)>,
    ) {
        self.started = super::session_day::day_of(&meta.created);
        self.prompt_settings = super::settings_said::PromptSettings::recorded(&self.config, meta);
        if server_window.is_some() {
            self.server_window = server_window;
        }
        self.tool_selection.restore(tools.unwrap_or_default());
        self.resume_unanswered(unanswered);
    }

    /// The directory the session runs in.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// The session's workspace: the repository's root (else the
    /// directory it runs in), what the sandbox lets its commands write.
    pub fn workspace(&self) -> &Path {
        &self.workspace
    }

    /// The context window of the current model, in tokens: the
    /// configured one, or the smaller one its server said it has.
    pub fn context_window(&self) -> u64 {
        let configured = self.config.context_window(&self.model);
        match &self.server_window {
            Some((model, n)) if *model == self.model => configured.min(*n),
            _ => configured,
        }
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
        // As the session began: a change is said after a message.
        self.prompt_settings.apply(&mut env);
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
            unix_sockets: self.config.unix_sockets,
            writable_roots: self.config.writable_roots.clone(),
            plugin_data: self.plugin_data.clone(),
            approval_policy: self.config.approval,
            sandbox_fixed: self.config.sandbox_fixed,
            approver: self.approver.clone(),
            cancel,
            events: self.events.clone(),
            call_id: None,
            shell_env: Arc::new(self.shell_env()),
        }
    }

    /// The environment of the model's commands: the config's, with what
    /// the session's SessionStart hooks set (`CLAUDE_ENV_FILE`).
    pub(crate) fn shell_env(&self) -> crate::tools::shell::ShellEnvironment {
        self.config
            .shell_env()
            .with_hook_set(self.hook_shell_vars())
    }

    /// What the session's SessionStart hooks set (`CLAUDE_ENV_FILE`) for
    /// every shell command quire runs for it: the model's, a custom
    /// command's `` !`…` `` lines, the user's `!COMMAND`.
    pub fn hook_shell_vars(&self) -> std::collections::BTreeMap<String, String> {
        self.hooks
            .as_ref()
            .map(|h| h.shell_vars())
            .unwrap_or_default()
    }

    /// Records a note from the user's side for the model (what `/undo`
    /// reverted): an [`Item::Context`] appended after the last item, in the
    /// session file too, so the next request carries it and the prefix
    /// already sent stays as it was.
    pub fn record_note(&mut self, source: &str, text: String) {
        self.record(Item::Context {
            source: source.to_string(),
            text,
        });
    }

    /// Appends an item to the history and the session file.
    pub(crate) fn record(&mut self, item: Item) {
        if let Err(e) = self.writer.append_item(&item) {
            self.events.send(Event::Warning {
                message: format!("session file not updated: {e}"),
            });
        }
        self.scope_recorded(&item);
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

/// Finds a session to resume in the sessions folder of `config`; `here`
/// (`--here`): an id's session is continued in `cwd` even when it was
/// started in another folder (see `store::claim`).
pub fn find_session(
    config: &Config,
    home: &Path,
    cwd: &Path,
    query: &str,
    here: bool,
) -> Result<LoadedSession, AgentError> {
    let dir = config
        .sessions_dir
        .clone()
        .unwrap_or_else(|| home.join("sessions"));
    Ok(store::claim(&dir, cwd, query, here)?)
}
