//! [`SessionBuilder`]: every part of a session in one place. `Session::start`
//! is `SessionBuilder::new(opts).build()`; a subagent narrows the tools and
//! skills, shares the parent's model client and hooks, and links its
//! session file to the parent's.

use std::path::PathBuf;
use std::sync::Arc;

use super::parts::SkillsChoice;
use crate::agent::prompt;
use crate::agent::{AgentError, Event, Extension, Session, SessionOptions, SessionParts};
use crate::config::{Config, ProviderConfig};
use crate::hooks::Hooks;
use crate::model::{self, ModelClient};
use crate::store::{SessionMeta, SessionWriter, SpawnRecord};
use crate::tools::ToolFilter;
use crate::tools::{self, Tool, ToolRegistry, sandbox};

/// Assembles a session. Defaults give what `quire exec` runs: builtin
/// tools, MCP servers, plugins, skills, tool selection and hooks.
pub struct SessionBuilder {
    opts: SessionOptions,
    tools: ToolFilter,
    skills: SkillsChoice,
    mcp: bool,
    plugins: bool,
    client: Option<Arc<dyn ModelClient>>,
    model: Option<String>,
    extra_tools: Vec<Arc<dyn Tool>>,
    extensions: Vec<Arc<dyn Extension>>,
    hooks: Option<Option<Arc<Hooks>>>,
    parent: Option<(String, String)>,
    spawn: Option<SpawnRecord>,
    session_id: Option<String>,
    depth: u32,
    agent_folders: Vec<PathBuf>,
    /// Whether `build` sends `session_started` (see [`Self::announce_later`]).
    announce: bool,
}

impl SessionBuilder {
    pub fn new(opts: SessionOptions) -> SessionBuilder {
        SessionBuilder {
            opts,
            tools: ToolFilter::all(),
            skills: SkillsChoice::All,
            mcp: true,
            plugins: true,
            client: None,
            model: None,
            extra_tools: Vec::new(),
            extensions: Vec::new(),
            hooks: None,
            parent: None,
            spawn: None,
            session_id: None,
            depth: 0,
            agent_folders: Vec::new(),
            announce: true,
        }
    }

    /// The session is not announced when built: its owner calls
    /// [`Session::announce`] when it starts (a subagent waiting for a slot).
    pub fn announce_later(mut self) -> Self {
        self.announce = false;
        self
    }

    /// Only the tools `filter` allows (builtin, plugin, MCP and extra ones).
    pub fn tools(mut self, filter: ToolFilter) -> Self {
        self.tools = filter;
        self
    }

    pub fn skills(mut self, choice: SkillsChoice) -> Self {
        self.skills = choice;
        self
    }

    /// Whether MCP servers and WASM plugins are started for the session.
    pub fn sources(mut self, mcp: bool, plugins: bool) -> Self {
        self.mcp = mcp;
        self.plugins = plugins;
        self
    }

    /// A model client to use instead of one made from the provider (a
    /// child shares its parent's connection pool).
    pub fn client(mut self, client: Arc<dyn ModelClient>) -> Self {
        self.client = Some(client);
        self
    }

    /// A model other than the configured one.
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// A tool from another source (the subagent tools).
    pub fn tool(mut self, tool: Arc<dyn Tool>) -> Self {
        self.extra_tools.push(tool);
        self
    }

    pub fn extension(mut self, ext: Arc<dyn Extension>) -> Self {
        self.extensions.push(ext);
        self
    }

    /// The hook dispatcher to use instead of loading one (`None`: no hooks).
    pub fn hooks(mut self, hooks: Option<Arc<Hooks>>) -> Self {
        self.hooks = Some(hooks);
        self
    }

    /// The id of the parent session and this subagent's name, written
    /// into this session's file.
    pub fn parent(mut self, id: impl Into<String>, agent_name: impl Into<String>) -> Self {
        self.parent = Some((id.into(), agent_name.into()));
        self
    }

    /// What this subagent was started with, written into its session file
    /// (continued with the same after its parent is resumed).
    pub fn spawn_record(mut self, record: SpawnRecord) -> Self {
        self.spawn = Some(record);
        self
    }

    /// The id of a new session (a subagent's id is its session's).
    pub fn session_id(mut self, id: impl Into<String>) -> Self {
        self.session_id = Some(id.into());
        self
    }

    /// How deep this session is nested (0: the top session). Sessions
    /// below `agents.max_depth` get the subagent tools.
    pub fn depth(mut self, depth: u32) -> Self {
        self.depth = depth;
        self
    }

    /// More folders of agent definitions (plugin bundles), after the
    /// usual ones.
    pub fn agent_folders(mut self, folders: Vec<PathBuf>) -> Self {
        self.agent_folders = folders;
        self
    }

    pub fn config(&self) -> &Config {
        &self.opts.config
    }

    /// Checks the configuration and the sandbox, opens (or continues) the
    /// session file and announces the session (unless
    /// [`Self::announce_later`]).
    pub fn build(self) -> Result<Session, AgentError> {
        let SessionBuilder {
            opts,
            tools: filter,
            skills,
            mcp,
            plugins,
            client,
            model: model_override,
            extra_tools,
            extensions: extra_extensions,
            hooks,
            parent,
            spawn,
            session_id,
            depth,
            agent_folders,
            announce,
        } = self;
        let SessionOptions {
            config,
            home,
            cwd,
            mut resume,
            approver,
            events,
        } = opts;
        sandbox::check_support(config.sandbox, config.network)?;
        let provider = config.resolve_provider()?;
        let configured = config.effective_model(&provider);
        let resumed_on = match (&model_override, &resume) {
            (None, Some(loaded)) => {
                crate::agent::resumed_settings::choose(&config, &provider, &configured, loaded)
            }
            _ => None,
        };
        let model = match (model_override, &resumed_on) {
            (Some(m), _) => m,
            (None, Some((m, note))) => {
                events.send(Event::Warning {
                    message: note.clone(),
                });
                m.clone()
            }
            (None, None) => configured,
        };
        if let Some(note) = resume
            .as_ref()
            .and_then(|l| crate::agent::resumed_settings::settings_note(&config, l))
        {
            events.send(Event::Warning { message: note });
        }
        let emptied_by = config
            .model_emptied_by
            .as_deref()
            .filter(|_| config.model.is_empty());
        check_provider(&provider, &model, emptied_by)?;
        let client = match client {
            Some(c) => c,
            None => model::client_for(&provider)?,
        };
        let repo = prompt::repo_root(&cwd);
        let workspace = repo.clone().unwrap_or_else(|| cwd.clone());
        let mut extensions: Vec<Arc<dyn Extension>> = Vec::new();
        if mcp
            && let Some(ext) =
                crate::mcp::session_extension(&config, &home, &workspace, repo.as_deref(), &events)?
        {
            extensions.push(ext);
        }
        let resumed = resume.is_some();
        let last_model = resume.as_ref().map(|l| l.model.clone());
        let resumed_state = resume.as_mut().map(|l| {
            (
                l.meta.clone(),
                l.tools.take(),
                l.unanswered.take(),
                l.server_window.take(),
            )
        });
        let (writer, history) = match resume {
            Some(loaded) => {
                for w in &loaded.warnings {
                    events.send(Event::Warning { message: w.clone() });
                }
                (SessionWriter::append_to(&loaded)?, loaded.items)
            }
            None => {
                let (parent, agent_name) = parent.unzip();
                let meta = SessionMeta {
                    id: session_id.unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
                    created: chrono::Utc::now().to_rfc3339(),
                    cwd: cwd.display().to_string(),
                    provider: provider.name.clone(),
                    model: model.clone(),
                    parent,
                    agent_name,
                    spawn: spawn.map(Box::new),
                    sandbox: Some(config.sandbox.to_string()),
                    approval: Some(config.approval.to_string()),
                };
                (
                    SessionWriter::create(&sessions_dir(&config, &home), &meta)?,
                    Vec::new(),
                )
            }
        };
        if config.sessions_dir.is_none() {
            // Quire's own folder, made readable by others by an older
            // quire; a `sessions_dir` the user named keeps its mode.
            let own = home.join("sessions");
            if let Err(e) = crate::owner_only::tighten_own_dir(&own) {
                tracing::debug!(error = %e, dir = %own.display(), "sessions folder not tightened");
            }
        }
        let mut writer = writer;
        if last_model.is_some_and(|m| m != model) {
            // This run named another model: it is the one last used now.
            writer.append_model_switch(&model)?;
        }
        let mut registry = ToolRegistry::new(config.tool_output_limit);
        let (permissions, notes) = tools::permissions::Permissions::new(&config.claude, &cwd);
        // A subagent's session has its parent's rules, said once.
        for message in notes.unusable.into_iter().filter(|_| depth == 0) {
            events.send(Event::Warning { message });
        }
        let permissions = Arc::new(permissions);
        registry.set_permissions(Some(permissions.clone()));
        let mut builtin = Vec::new();
        let image_intake = Arc::new(tools::view_image::Intake::default());
        for t in tools::session_tools(config.shell_timeout_ms, image_intake.clone()) {
            if filter.allows(&t.spec().name) {
                builtin.push(registry.register(t));
            }
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
                .with_semantic(semantic.clone()),
        );
        registry.register(Arc::new(tools::select::ToolSearchTool::new(
            tool_selection.clone(),
        )));
        let mut loaded_plugins = Vec::new();
        if plugins {
            let loaded = crate::plugins::load_for_session(
                &config.plugins,
                &home,
                &workspace,
                config.project_trusted,
            );
            for w in loaded.warnings {
                events.send(Event::Warning { message: w });
            }
            for t in loaded.tools {
                if filter.allows(&t.spec().name) {
                    registry.register(t);
                }
            }
            loaded_plugins = loaded.plugins;
        }
        for t in extra_tools {
            if filter.allows(&t.spec().name) {
                registry.register(t);
            }
        }
        let cap = config.project_doc_max_bytes;
        // A CLAUDE.md import the Read deny rules refuse is not read.
        let denied = |p: &std::path::Path| permissions.denies_read(&p.display().to_string());
        let docs = prompt::project_docs_capped(&home, &cwd, cap, &denied);
        for message in &docs.skipped {
            events.send(Event::Warning {
                message: message.clone(),
            });
        }
        if docs.truncated {
            events.send(Event::Warning {
                message: cut_warning(&docs.cut, cap),
            });
        }
        // A tool list that leaves out `skill` (a subagent's `tools:`)
        // leaves out the skills too, unless the definition names them.
        let skills = match skills {
            SkillsChoice::All if !filter.allows("skill") => SkillsChoice::None,
            other => other,
        };
        let skills_parts = super::skills::parts(
            &config,
            &home,
            &cwd,
            repo.as_deref(),
            &skills,
            semantic,
            &events,
        );
        let (hooks, own_hooks) = match hooks {
            Some(h) => (h, false),
            None => (
                super::hooks::load(
                    &config,
                    &home,
                    &cwd,
                    &workspace,
                    &writer,
                    &events,
                    &loaded_plugins,
                ),
                true,
            ),
        };
        extensions.extend(extra_extensions);
        let current_model = crate::agent::CurrentModel::new(&model);
        if config.agents.enabled && depth < config.agents.max_depth {
            let parts = crate::agents::ChildParts {
                config: config.clone(),
                home: home.clone(),
                cwd: cwd.clone(),
                approver: approver.clone(),
                events: events.clone(),
                client: Some(client.clone()),
                hooks: hooks.clone(),
                parent_id: writer.id().to_string(),
                depth,
                parent_tools: filter.clone(),
                parent_model: Some(current_model.clone()),
            };
            let roots = crate::agents::AgentRoots {
                cwd: cwd.clone(),
                repo: repo.clone(),
                home: home.clone(),
                trusted: config.project_trusted,
                personal: crate::agents::AgentRoots::personal_dirs(),
                extra: agent_folders,
            };
            let found = crate::agents::discover::discover_with_plugins(&roots, &config);
            for (path, reason) in &found.skipped {
                events.send(Event::Warning {
                    message: format!("agent skipped: {}: {reason}", path.display()),
                });
            }
            let (agent_tools, ext, _) = crate::agents::kit(
                parts,
                Arc::new(found),
                filter.allows(crate::agents::SPAWN_AGENT),
            );
            for t in agent_tools {
                if filter.allows(&t.spec().name) {
                    registry.register(t);
                }
            }
            extensions.push(ext);
        }
        let plugin_data = crate::plugins::bundle::data_folders(&config, &home, &workspace);
        let parts = SessionParts {
            provider,
            model,
            current_model,
            client,
            tools: registry,
            history,
            writer,
            events,
            approver,
            extensions,
            home,
            cwd,
            workspace,
            docs,
            tool_selection: tool_selection.clone(),
            tool_filter: filter,
            hooks,
            own_hooks,
            plugin_data,
            image_intake,
            config,
        };
        let mut session = Session::from_parts(parts);
        session.add_extension(tool_selection);
        if let Some((tool, ext)) = skills_parts {
            session.register_tool(tool);
            session.add_extension(ext);
        }
        if let Some((meta, tools, unanswered, window)) = resumed_state {
            session.resumed_state(&meta, tools, unanswered, window);
        }
        if announce {
            session.begin(resumed);
        } else {
            session.prepare(resumed);
        }
        Ok(session)
    }
}

/// Where session files go: `sessions_dir` or `$QUIRE_HOME/sessions`.
pub fn sessions_dir(config: &Config, home: &std::path::Path) -> PathBuf {
    config
        .sessions_dir
        .clone()
        .unwrap_or_else(|| home.join("sessions"))
}

/// A provider without a model or a key it needs is refused before any
/// request. `emptied_by` is the `-c model=` override that cleared the
/// configured model, if one did.
fn check_provider(
    provider: &ProviderConfig,
    model: &str,
    emptied_by: Option<&str>,
) -> Result<(), AgentError> {
    if model.is_empty() {
        let message = match emptied_by {
            Some(o) => format!(
                "no model is set for provider '{}': `{o}` set the model to an empty name (it replaces `model` of config.toml); give a name (-c model=NAME or --model NAME) or leave the override out",
                provider.name
            ),
            None => format!(
                "no model is set for provider '{}': pass --model NAME or set `model` in config.toml",
                provider.name
            ),
        };
        return Err(crate::config::ConfigError::Invalid(message).into());
    }
    if let (Some(var), None) = (&provider.api_key_env, &provider.api_key) {
        return Err(crate::config::ConfigError::Invalid(format!(
            "provider '{}' needs an API key: set the environment variable {var} (or change providers.{}.api_key_env, or pick another provider with --provider)",
            provider.name, provider.name
        ))
        .into());
    }
    Ok(())
}

/// The warning when the instruction files exceed the cap: which file was
/// cut and which were left out.
fn cut_warning(cut: &[std::path::PathBuf], cap: usize) -> String {
    let mut message = format!(
        "the instruction files (AGENTS.md, CLAUDE.md and their imports) exceed {} together (project_doc_max_bytes)",
        prompt::size(cap)
    );
    if let Some((first, rest)) = cut.split_first() {
        message.push_str(&format!("; {} was cut", first.display()));
        if !rest.is_empty() {
            let names: Vec<String> = rest.iter().map(|p| p.display().to_string()).collect();
            message.push_str(&format!(" and {} left out", names.join(", ")));
        }
    }
    message.push_str(": shorten them, or move detail into skills");
    message
}
