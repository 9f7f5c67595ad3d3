//! [`Hooks`]: the hooks a session runs, and running those of one event —
//! in parallel, each bounded by its timeout, every run announced as
//! `hook_started` / `hook_completed` events, results combined.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use serde_json::{Map, Value};

use super::announced::Announced;
use super::background::Later;
use super::claude_transcript::ClaudeTranscripts;
use super::config::TrustState;
use super::contract::{self, HookResult};
use super::env_file::EnvFiles;
use super::git_setup::{self, GitSetup};
use super::node_bins::{self, NodeBins};
use super::not_run::{
    changed_block, changed_warning, gone_block, unsafe_root_block, unsafe_root_warning,
};
pub use super::pending::pending_warning;
use super::reapproved::Reapproved;
use super::runner::{self, RunOutput};
use super::tool_input::ToolViews;
use super::{Decision, Hook, HookEvent, HookKind, wasm};

mod process;
use crate::plugins::LoadedPlugin;
use crate::protocol::{Event, EventSink};

/// The session fields of every hook input.
#[derive(Debug, Clone, Default)]
pub struct SessionInfo {
    pub session_id: String,
    pub transcript_path: PathBuf,
    pub cwd: PathBuf,
    /// The repository root (else the cwd): `QUIRE_PROJECT_DIR`.
    pub project_dir: PathBuf,
    /// The approval policy (`permission_mode`).
    pub permission_mode: String,
    /// Claude Code's closest permission mode, for its hooks
    /// ([`super::claude::permission_mode`]).
    pub claude_permission_mode: String,
    /// The `env` of the user's own Claude Code settings
    /// (`config::claude_settings`, never a repository's), set for command
    /// hooks before quire's own variables.
    pub env: Vec<(String, String)>,
}

/// The hooks of one session (only those allowed to run). A subagent
/// shares its parent's ([`Hooks::for_agent`]): all but the sink its runs
/// are announced on and its own permission mode.
pub struct Hooks {
    hooks: Arc<Vec<Hook>>,
    info: Arc<RwLock<SessionInfo>>,
    /// A subagent's own `permission_mode` and Claude's closest name for
    /// it, in place of the session's (its definition may fix a narrower
    /// sandbox than its parent's).
    own_mode: Option<(String, String)>,
    events: EventSink,
    http: Arc<OnceLock<reqwest::Client>>,
    stop: Arc<Mutex<Option<String>>>,
    /// The loaded plugins of `wasm` hooks, by name.
    plugins: Arc<HashMap<String, Arc<LoadedPlugin>>>,
    /// The repository's git setup at the start (with command hooks).
    git: Option<Arc<GitSetup>>,
    /// The workspace's `node_modules` at the start (with a hook naming
    /// npx, pnpm, yarn or bunx).
    node: Option<Arc<NodeBins>>,
    /// The Claude-layout transcripts Claude Code hooks read.
    transcripts: Arc<ClaudeTranscripts>,
    /// What SessionStart hooks left in their `CLAUDE_ENV_FILE`.
    env_files: Arc<EnvFiles>,
    /// What background hooks answered, for the next turn.
    later: Arc<Later>,
    /// Approvals given during the session ([`super::reapproved`]).
    reapproved: Option<Arc<Reapproved>>,
}

impl Hooks {
    /// Keeps the hooks of `hooks` that may run.
    pub fn new(hooks: Vec<Hook>, info: SessionInfo, events: EventSink) -> Hooks {
        let commands: Vec<&str> = hooks
            .iter()
            .filter(|h| h.def.kind == HookKind::Command)
            .map(|h| h.def.command.as_deref().unwrap_or(""))
            .collect();
        let git = (!commands.is_empty()).then(|| Arc::new(GitSetup::record(&info.project_dir)));
        let node = commands
            .iter()
            .any(|c| node_bins::names_runner(c))
            .then(|| Arc::new(NodeBins::record(&[&info.cwd, &info.project_dir])));
        Hooks {
            // A changed guard approved before is kept: it blocks what it
            // guards (see `approved_before`).
            hooks: Arc::new(
                hooks
                    .into_iter()
                    .filter(|h| h.trust.runs() || h.approved_before)
                    .collect(),
            ),
            info: Arc::new(RwLock::new(info)),
            own_mode: None,
            events,
            http: Arc::default(),
            stop: Arc::default(),
            plugins: Arc::default(),
            git,
            node,
            transcripts: Arc::default(),
            env_files: Arc::default(),
            later: Arc::default(),
            reapproved: None,
        }
    }

    /// A hook found changed since its approval is looked up again in the
    /// approvals, read again from `sources` ([`super::reapproved`]): a
    /// version approved meanwhile runs without a restart.
    pub fn with_approvals_from(mut self, sources: super::config::HookSources) -> Hooks {
        self.reapproved = Some(Arc::new(Reapproved::new(sources)));
        self
    }

    /// These same hooks with their runs (`hook_started`,
    /// `hook_completed`) and warnings sent to `events`: a subagent's
    /// tagged sink, so that its hook lines carry its `agent_id`,
    /// `parent_id` and `agent_name`.
    pub fn announcing_on(&self, events: EventSink) -> Hooks {
        Hooks {
            hooks: self.hooks.clone(),
            info: self.info.clone(),
            own_mode: self.own_mode.clone(),
            events,
            http: self.http.clone(),
            stop: self.stop.clone(),
            plugins: self.plugins.clone(),
            git: self.git.clone(),
            node: self.node.clone(),
            transcripts: self.transcripts.clone(),
            env_files: self.env_files.clone(),
            later: self.later.clone(),
            reapproved: self.reapproved.clone(),
        }
    }

    /// These hooks as a subagent's ([`Hooks::announcing_on`] `events`),
    /// their inputs saying the subagent's own `approval` and `sandbox`
    /// (`permission_mode`, Claude's closest mode), not its parent's.
    pub fn for_agent(
        &self,
        events: EventSink,
        approval: crate::tools::approval::ApprovalPolicy,
        sandbox: crate::tools::sandbox::SandboxMode,
    ) -> Hooks {
        let mut hooks = self.announcing_on(events);
        hooks.own_mode = Some((
            approval.to_string(),
            super::claude::permission_mode(approval, sandbox).to_string(),
        ));
        hooks
    }

    /// Gives the `wasm` hooks their plugins (those the session loaded).
    /// A hook whose plugin was not loaded, or was built for a world without
    /// hooks, is left out with a warning.
    pub fn with_plugins(mut self, loaded: &[Arc<LoadedPlugin>]) -> (Hooks, Vec<String>) {
        let mut warnings = Vec::new();
        self.plugins = Arc::new(
            loaded
                .iter()
                .map(|p| (p.name().to_string(), p.clone()))
                .collect(),
        );
        let plugins = &self.plugins;
        Arc::make_mut(&mut self.hooks).retain(|h| {
            // A changed guard blocks without running: it needs no plugin.
            if h.def.kind != HookKind::Wasm || h.approved_before {
                return true;
            }
            let name = h.def.plugin.as_deref().unwrap_or("");
            match plugins.get(name) {
                Some(p) if p.handles_hooks() => true,
                Some(p) => {
                    warnings.push(format!(
                        "plugin '{name}' declares hooks but is built for world {}, which has no hooks: rebuild it with a quire-sdk for 0.2.0 or later",
                        p.world_version
                    ));
                    false
                }
                None => {
                    warnings.push(format!(
                        "the {} hook of plugin '{name}' does not run: the plugin is not loaded",
                        h.event
                    ));
                    false
                }
            }
        });
        (self, warnings)
    }

    pub fn is_empty(&self) -> bool {
        self.hooks.is_empty()
    }

    /// Whether any hook is configured for `event`.
    pub fn has(&self, event: HookEvent) -> bool {
        self.hooks.iter().any(|h| h.event == event)
    }

    /// A new session file (`/new`).
    pub fn set_session(&self, id: &str, transcript: PathBuf) {
        if let Ok(mut info) = self.info.write() {
            info.session_id = id.to_string();
            info.transcript_path = transcript;
        }
        // Its SessionStart hooks set the variables again.
        self.env_files.clear();
    }

    /// The session switched to `approval` and `sandbox` (`/approvals`):
    /// every hook input built from now on says so (`permission_mode`,
    /// Claude's closest name for a Claude Code hook). Shared with the
    /// subagents' view of these hooks.
    pub fn set_permissions(
        &self,
        approval: crate::tools::approval::ApprovalPolicy,
        sandbox: crate::tools::sandbox::SandboxMode,
    ) {
        if let Ok(mut info) = self.info.write() {
            info.permission_mode = approval.to_string();
            info.claude_permission_mode =
                super::claude::permission_mode(approval, sandbox).to_string();
        }
    }

    /// The variables SessionStart hooks set for the model's shell
    /// commands (their `CLAUDE_ENV_FILE`, [`super::env_file`]).
    pub fn shell_vars(&self) -> std::collections::BTreeMap<String, String> {
        self.env_files.vars()
    }

    /// What background hooks (`"async": true`) that ended since the last
    /// call answered: context for the model's next turn, by event.
    pub fn take_later(&self) -> Vec<(HookEvent, String)> {
        self.later.take()
    }

    /// A `continue: false` from a hook since the last call.
    pub fn take_stop(&self) -> Option<String> {
        self.stop.lock().ok().and_then(|mut s| s.take())
    }

    /// The `continue: false` waiting for the turn to end, left in place.
    pub fn stop_pending(&self) -> Option<String> {
        self.stop.lock().ok().and_then(|s| s.clone())
    }

    /// Runs the hooks of `event` whose matcher fits `target`, with the
    /// event's `fields` added to the common input.
    pub async fn run(
        &self,
        event: HookEvent,
        target: Option<&str>,
        fields: Map<String, Value>,
    ) -> Decision {
        self.run_views(event, target, fields, None).await
    }

    /// [`Hooks::run`] for a tool event: each hook runs once per view of
    /// the call it gets (see [`ToolViews::inputs_for`]).
    pub(crate) async fn run_views(
        &self,
        event: HookEvent,
        target: Option<&str>,
        fields: Map<String, Value>,
        views: Option<&ToolViews>,
    ) -> Decision {
        let chosen: Vec<&Hook> = self
            .hooks
            .iter()
            .filter(|h| h.event == event)
            .filter(|h| match views {
                // A Claude Code matcher is matched per view of the call.
                Some(v) if h.claude_matcher.is_some() => v
                    .views
                    .iter()
                    .any(|view| h.fits_tool(&v.quire_name, &view.claude_names(&v.quire_name))),
                _ => h.matches(target),
            })
            .collect();
        if chosen.is_empty() {
            return Decision::default();
        }
        let mut info = self.info.read().map(|i| i.clone()).unwrap_or_default();
        if let Some((quire, claude)) = &self.own_mode {
            info.permission_mode = quire.clone();
            info.claude_permission_mode = claude.clone();
        }
        let mut input = Map::new();
        input.insert("session_id".into(), info.session_id.clone().into());
        input.insert(
            "transcript_path".into(),
            info.transcript_path.display().to_string().into(),
        );
        input.insert("cwd".into(), info.cwd.display().to_string().into());
        input.insert("hook_event_name".into(), event.as_str().into());
        input.insert(
            "permission_mode".into(),
            info.permission_mode.clone().into(),
        );
        input.extend(fields);
        let mut jobs = Vec::new();
        for h in chosen {
            match views {
                Some(v) => jobs.extend(
                    v.inputs_for(h, event, &input, &info.project_dir)
                        .into_iter()
                        .map(|i| (h, i)),
                ),
                None => jobs.push((h, input.clone())),
            }
        }
        let mut jobs = super::dedup::runs_once(jobs);
        for (h, i) in &mut jobs {
            if h.claude {
                self.transcripts.swap_in(i);
                let quire_mode = i.insert(
                    "permission_mode".into(),
                    info.claude_permission_mode.clone().into(),
                );
                i.extend(quire_mode.map(|m| ("quire_permission_mode".to_string(), m)));
            }
        }
        // What each hook was shown, to read its updatedInput.
        let labels: Vec<String> = jobs.iter().map(|(h, _)| h.def.label()).collect();
        let shown: Vec<(bool, Option<Value>)> = jobs
            .iter()
            .map(|(h, i)| (h.claude, i.get("tool_input").cloned()))
            .collect();
        // What the model's commands left running could rewrite a
        // repository hook's files between their check and the run: it is
        // paused until the hooks are done (resumed when the guard drops,
        // also at a timeout or an interrupt).
        // So could they rewrite the git setup a hook's git reads.
        let paused = jobs
            .iter()
            .any(|(h, _)| writable_files(h) || git_setup::names_git(h))
            .then(crate::child::pause_commands);
        let (chosen, inputs): (Vec<_>, Vec<_>) = jobs.into_iter().unzip();
        let runs = chosen
            .iter()
            .zip(inputs)
            .map(|(h, i)| self.run_one(h, &info, i));
        let mut results = futures::future::join_all(runs).await;
        drop(paused);
        if let Some(v) = views {
            // A patch's files are rewritten one on top of the other.
            let mut args = v.args.clone();
            for (r, (claude, shown)) in results.iter_mut().zip(&shown) {
                let Some(s) = shown else { continue };
                let Some(u) = r.updated_input.take() else {
                    continue;
                };
                // quire's own hooks were shown quire's arguments, a
                // patch's with the paths quire added.
                if !claude {
                    r.updated_input = Some(v.native_input_back(s, u));
                    continue;
                }
                let mapped = v.quire_input_over(&args, s, u);
                if v.quire_name == "apply_patch" {
                    args = mapped.clone();
                }
                r.updated_input = Some(mapped);
            }
        }
        let mut rewriters: Vec<String> = Vec::new();
        for (r, label) in results.iter().zip(labels) {
            if r.updated_input.is_some() && !rewriters.contains(&label) {
                rewriters.push(label);
            }
        }
        let mut decision = Decision::combine(results);
        if decision.updated_input.is_some() {
            decision.rewritten_by = Some(rewriters.join(", "));
        }
        for m in &decision.messages {
            self.events.send(Event::Warning { message: m.clone() });
        }
        if let Some(reason) = &decision.stop
            && let Ok(mut s) = self.stop.lock()
        {
            s.get_or_insert_with(|| reason.clone());
        }
        decision
    }

    async fn run_one(
        &self,
        hook: &Hook,
        info: &SessionInfo,
        input: Map<String, Value>,
    ) -> HookResult {
        let (fresh, changed) = self.settled(hook);
        let hook = fresh.as_deref().unwrap_or(hook);
        let label = hook.def.label();
        if hook.trust == TrustState::Gone
            && self.reapproved.as_ref().is_some_and(|r| r.forgotten(hook))
        {
            return HookResult::default();
        }
        if hook.approved_before {
            // Changed or gone since an earlier session approved it: a
            // guard that cannot run blocks what it guards.
            let block = match hook.trust {
                TrustState::Gone => gone_block(hook),
                _ => changed_block(hook, &[]),
            };
            return HookResult {
                outcome: Some(contract::Outcome::Blocked),
                block: Some(block),
                ..Default::default()
            };
        }
        // A command read again by another shell could split or run part
        // of the path put in for the plugin's folder: the hook does not
        // run, a guard blocks. Its alias is made, or repaired, first.
        if let Some(root) = &hook.plugin_root
            && hook.def.kind == HookKind::Command
            && let Some(why) = hook.refused_root().or_else(|| {
                let link = hook.root_alias.as_deref()?;
                super::root_alias::ensure(link, root).err()
            })
        {
            return self.not_run(
                hook,
                unsafe_root_warning(hook, &why),
                unsafe_root_block(hook, &why),
            );
        }
        if !changed.is_empty() {
            return self.not_run(
                hook,
                changed_warning(hook, &changed),
                changed_block(hook, &changed),
            );
        }
        let git_env = match self.git_env(hook, info) {
            Ok(env) => env,
            Err(why) => {
                let label = hook.def.label();
                let message = format!("hook `{label}` did not run: {why}");
                return self.not_run(hook, message.clone(), message);
            }
        };
        let body = Value::Object(input).to_string().into_bytes();
        let announced = Announced::start(&self.events, label.clone(), hook.event.as_str());
        let mut result = match hook.def.kind {
            HookKind::Wasm => self.run_wasm(hook, &label, &body).await,
            HookKind::Command | HookKind::Http => {
                let out = self.run_process(hook, info, &git_env, body).await;
                contract::interpret(hook.event, &label, &out, hook.def.timeout().as_secs())
            }
        };
        super::context_cap::cap(&mut result, &label, hook.event);
        let message = result.warning.clone().or_else(|| result.block.clone());
        if let Some(w) = &result.warning {
            tracing::warn!("{w}");
        }
        announced.complete(result.outcome(), message);
        result
    }
}

impl Hooks {
    /// The version of `hook` to run — approved during the session, when it
    /// was ([`super::reapproved`]) — and its files changed since its
    /// approval (empty: it may run).
    fn settled(&self, hook: &Hook) -> (Option<Arc<Hook>>, Vec<String>) {
        let Some(reapproved) = &self.reapproved else {
            let changed = hook.pinned.as_ref().map(|p| p.changed());
            return (None, changed.unwrap_or_default());
        };
        let fresh = reapproved.current(hook);
        let now = fresh.as_deref().unwrap_or(hook);
        let changed = now.pinned.as_ref().map(|p| p.changed()).unwrap_or_default();
        if !now.approved_before && changed.is_empty() || now.trust == TrustState::Gone {
            return (fresh, changed);
        }
        match reapproved.reread(now) {
            Some(approved) => (Some(approved), Vec::new()),
            None => (fresh, changed),
        }
    }

    /// A hook that does not run: `warning` is said, and a guard blocks
    /// what it guards with `block`.
    fn not_run(&self, hook: &Hook, warning: String, block: String) -> HookResult {
        // A blocked prompt's reason is shown to the user: it says it all.
        if hook.event != HookEvent::UserPromptSubmit {
            self.events.send(Event::Warning { message: warning });
        }
        match hook.event.guards() {
            true => HookResult {
                outcome: Some(contract::Outcome::Blocked),
                block: Some(block),
                ..Default::default()
            },
            false => HookResult::default(),
        }
    }

    /// What a command hook's git gets ([`GitSetup::hook_env`]), with the
    /// warnings about the git setup and `node_modules` said first (each
    /// once a session); an error says why it cannot run.
    fn git_env(&self, hook: &Hook, info: &SessionInfo) -> Result<Vec<(String, String)>, String> {
        if hook.def.kind != HookKind::Command {
            return Ok(Vec::new());
        }
        let command = hook.def.command.as_deref().unwrap_or("");
        if let Some(w) = self
            .node
            .as_ref()
            .and_then(|n| n.warning(&hook.def.label(), command))
        {
            self.events.send(Event::Warning { message: w });
        }
        let Some(git) = &self.git else {
            return Ok(Vec::new());
        };
        let given: Vec<(&str, String)> = info
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let (env, warning) = git.hook_env(&given)?;
        if let Some(message) = warning {
            tracing::warn!("{message}");
            self.events.send(Event::Warning { message });
        }
        Ok(env)
    }

    /// A plugin's `hooks` export, under the plugin's grants and limits.
    async fn run_wasm(&self, hook: &Hook, label: &str, body: &[u8]) -> HookResult {
        let name = hook.def.plugin.as_deref().unwrap_or("");
        let Some(plugin) = self.plugins.get(name) else {
            return HookResult {
                outcome: Some(contract::Outcome::Error),
                warning: Some(format!("hook `{label}`: plugin '{name}' is not loaded")),
                ..Default::default()
            };
        };
        let payload = String::from_utf8_lossy(body);
        let out = plugin.hook(hook.event.as_str(), &payload).await;
        wasm::interpret(hook.event, label, out, plugin.manifest.limits.timeout_ms)
    }
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks")
            .field("hooks", &self.hooks.len())
            .finish()
    }
}

/// Whether `hook` runs files a sandboxed command could write: an approved
/// repository hook's, or a repository plugin's (a user plugin's folder,
/// under the user's home, is kept from sandboxed commands).
fn writable_files(hook: &Hook) -> bool {
    hook.pinned.is_some() && hook.scope == super::HookScope::Project
}
