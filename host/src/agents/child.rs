//! One child session: built by the session builder from the parent's
//! parts, narrowed by its definition; [`run_child`] is the library entry
//! point (used without the model calling a tool, e.g. by `quire review`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::definition::{AgentDef, Isolation};
use super::worktree::Worktree;
use crate::agent::{AgentTag, CurrentModel, EventSink, Extension, Session, SessionOptions};
use crate::config::Config;
use crate::hooks::Hooks;
use crate::model::{ModelClient, Usage};
use crate::runtime::{SessionBuilder, SkillsChoice, ToolFilter};
use crate::store::SpawnRecord;
use crate::tools::SandboxMode;
use crate::tools::approval::{ApprovalDecision, ApprovalRequest, Approver};

/// What every child of one parent is built from.
#[derive(Clone)]
pub struct ChildParts {
    pub config: Config,
    pub home: PathBuf,
    pub cwd: PathBuf,
    pub approver: Arc<dyn Approver>,
    /// The parent's event sink (children's events are tagged onto it).
    pub events: EventSink,
    pub client: Option<Arc<dyn ModelClient>>,
    pub hooks: Option<Arc<Hooks>>,
    pub parent_id: String,
    /// The parent's depth (0 for the top session).
    pub depth: u32,
    /// The parent's tools: a child gets these unless its definition says.
    pub parent_tools: ToolFilter,
    /// The model the parent uses now (`None`: the config's): a child
    /// without a model of its own runs on it.
    pub parent_model: Option<CurrentModel>,
}

/// What one child is asked to do.
#[derive(Debug, Clone, Default)]
pub struct ChildSpec {
    pub task: String,
    /// A definition (`None`: a general-purpose child).
    pub definition: Option<AgentDef>,
    pub model: Option<String>,
    pub isolation: Option<Isolation>,
    /// Tools beyond the definition's narrowing (`None`: as defined).
    pub tools: Option<Vec<String>>,
}

impl ChildSpec {
    pub fn name(&self) -> String {
        self.definition
            .as_ref()
            .map(|d| d.name.clone())
            .unwrap_or_else(|| "agent".into())
    }
}

/// How a child ended.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChildResult {
    pub agent_id: String,
    pub agent_name: String,
    /// `done`, `failed`, `interrupted`, `max_turns`, `budget`, `blocked`,
    /// or `error` (it could not start).
    pub status: String,
    /// The child's last answer, or the error.
    pub answer: String,
    pub usage: Usage,
    pub duration_ms: u64,
    pub session_file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff_summary: Option<String>,
    /// The answers of its runs that ended before it took the follow-up
    /// messages queued meanwhile (`send_agent` while it ran), oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub earlier_answers: Vec<String>,
}

/// A built child: its session, its id and its worktree.
pub struct BuiltChild {
    pub session: Session,
    pub tag: AgentTag,
    pub worktree: Option<Worktree>,
    /// Its `session_started` is still to be sent when it first runs
    /// (`Some(resumed)`): never while it waits for a slot.
    pub unannounced: Option<bool>,
}

/// Builds a child session for `spec` with the id `agent_id`.
pub fn build_child(
    parts: &ChildParts,
    spec: &ChildSpec,
    agent_id: &str,
    extra: impl FnOnce(SessionBuilder, &ChildParts) -> SessionBuilder,
) -> Result<BuiltChild, String> {
    let name = spec.name();
    let def = spec.definition.as_ref();
    let isolation = spec
        .isolation
        .or(def.and_then(|d| d.isolation))
        .unwrap_or(Isolation::None);
    let worktree = match isolation {
        Isolation::Worktree => Some(Worktree::create(&parts.cwd, agent_id, &name)?),
        Isolation::None => None,
    };
    let cwd = worktree
        .as_ref()
        .map(|w| w.cwd_for(&parts.cwd))
        .unwrap_or_else(|| parts.cwd.clone());
    // Where the model name came from, for a server that does not know it.
    let (model, model_place) = match (&spec.model, def.and_then(|d| d.model.as_ref())) {
        (Some(m), _) => (
            Some(m.clone()),
            Some("the `model` argument of the spawn_agent call that started it".to_string()),
        ),
        (None, Some(m)) => (
            Some(m.clone()),
            def.map(|d| format!("`model:` in the agent definition {}", d.path.display())),
        ),
        // The parent's model now, also after its `/model`.
        (None, None) => (
            parts
                .parent_model
                .as_ref()
                .map(CurrentModel::get)
                .filter(|m| !m.is_empty()),
            None,
        ),
    };
    let start = Start {
        id: agent_id,
        name,
        cwd,
        resume: None,
        model,
        model_place,
    };
    let mut rec = record(parts, spec);
    rec.worktree = worktree.as_ref().map(Worktree::record);
    let session = assemble(parts, &rec, start, extra)?;
    Ok(BuiltChild {
        tag: session.1,
        session: session.0,
        worktree,
        unannounced: Some(false),
    })
}

/// What `spec` gives a child of `parts`: its definition narrows the
/// parent's tools and sandbox.
fn record(parts: &ChildParts, spec: &ChildSpec) -> SpawnRecord {
    let def = spec.definition.as_ref();
    let config = narrowed(&parent_now(parts), def.and_then(|d| d.sandbox));
    let mut filter = parts.parent_tools.clone();
    if let Some(tools) = spec.tools.clone().or(def.and_then(|d| d.tools.clone())) {
        filter.allow = Some(tools);
    }
    if let Some(d) = def {
        filter.deny.extend(d.disallowed_tools.iter().cloned());
    }
    SpawnRecord {
        tools: filter.allow,
        deny: filter.deny,
        sandbox: config.sandbox,
        network: config.network,
        sandbox_fixed: config.sandbox_fixed,
        // A plugin's agent names its plugin's skills bare.
        skills: def.and_then(|d| {
            let plugin = crate::plugins::bundle::plugin_of(&d.path);
            let names = d.skills.as_ref()?;
            Some(crate::skills::wanted::expand(names, plugin.as_deref()))
        }),
        prompt: def.filter(|d| !d.prompt.is_empty()).map(|d| {
            format!(
                "# Your role: {}\n\nYou are a subagent: finish the task you are given and end with a final answer for the agent that started you.\n\n{}",
                d.name, d.prompt
            )
        }),
        max_tokens: def
            .and_then(|d| d.max_tokens)
            .or(parts.config.agents.max_tokens),
        worktree: None,
    }
}

/// Which child session [`assemble`] builds: a new one or a finished one
/// continued (`resume`).
pub(crate) struct Start<'a> {
    pub id: &'a str,
    pub name: String,
    pub cwd: PathBuf,
    pub resume: Option<crate::store::LoadedSession>,
    pub model: Option<String>,
    /// Where `model` was set, when not by the user (`model:` of its
    /// definition): named when the server does not know it.
    pub model_place: Option<String>,
}

/// A child session of `parts` with what `rec` gives it, never more than
/// the parent has now (a parent resumed with a narrower sandbox or fewer
/// tools narrows the children it continues).
pub(crate) fn assemble(
    parts: &ChildParts,
    rec: &SpawnRecord,
    start: Start<'_>,
    extra: impl FnOnce(SessionBuilder, &ChildParts) -> SessionBuilder,
) -> Result<(Session, AgentTag), String> {
    let Start {
        id,
        name,
        cwd,
        resume,
        model,
        model_place,
    } = start;
    let tag = AgentTag {
        agent_id: id.to_string(),
        parent_id: parts.parent_id.clone(),
        agent_name: name.clone(),
    };
    // The sandbox given at spawn narrows the child; only its definition
    // fixes it (`rec.sandbox_fixed`), not a parent that was read-only
    // then: such a child asks to escalate as its parent does.
    let now = parent_now(parts);
    let mut config = narrowed(&now, Some(rec.sandbox));
    config.network &= rec.network;
    config.sandbox_fixed = now.sandbox_fixed || rec.sandbox_fixed;
    // The parent showed the start-up warnings of these same settings.
    let (events, building) = parts.events.tagged(tag.clone()).muting_warnings();
    let hooks_sink = events.clone();
    // Its hooks are told its own mode (a definition's read-only sandbox).
    let modes = (config.approval, config.sandbox);
    let fixed = config.sandbox_fixed;
    let opts = SessionOptions {
        config,
        home: parts.home.clone(),
        cwd,
        resume,
        approver: Arc::new(Labelled {
            inner: parts.approver.clone(),
            // A child without a definition is called "agent": its id as
            // `/agents` shows it (the last 8 characters) tells it from
            // the others.
            label: if name == "agent" {
                let cut = id.char_indices().rev().nth(7).map_or(0, |(i, _)| i);
                format!("agent {}", &id[cut..])
            } else {
                format!("agent {name}")
            },
        }),
        events,
    };
    let mut deny = rec.deny.clone();
    deny.extend(parts.parent_tools.deny.iter().cloned());
    let filter = ToolFilter {
        allow: rec.tools.clone().or(parts.parent_tools.allow.clone()),
        deny,
    };
    let skills = match rec.skills.clone() {
        Some(names) => SkillsChoice::Only(names),
        None => SkillsChoice::All,
    };
    let mut b = SessionBuilder::new(opts)
        .session_id(id)
        .tools(filter)
        .skills(skills)
        // The parent's hooks, their runs announced as the child's.
        .hooks(
            parts
                .hooks
                .as_ref()
                .map(|h| Arc::new(h.for_agent(hooks_sink, modes.0, modes.1))),
        )
        .parent(parts.parent_id.clone(), name)
        .spawn_record(rec.clone())
        .depth(parts.depth + 1)
        // Announced when it starts running (it may wait for a slot).
        .announce_later();
    if fixed {
        // WASM plugins may hold write grants of their own.
        b = b.sources(true, false);
    }
    if let Some(c) = &parts.client {
        b = b.client(c.clone());
    }
    if let Some(m) = model {
        b = b.model(m);
    }
    if let Some(p) = &rec.prompt {
        b = b.extension(Arc::new(AgentPrompt(p.clone())));
    }
    let b = extra(b, parts);
    let built = b.build();
    building.store(false, std::sync::atomic::Ordering::SeqCst);
    let mut session = built.map_err(|e| e.to_string())?;
    session.set_token_budget(rec.max_tokens);
    // Its answer ends a run: what it left running in the background stops
    // then, said and counted in its usage (its parent could not collect it).
    session.stop_background_after_answer();
    if let Some(place) = model_place {
        session.model_set_in(place);
    }
    Ok((session, tag))
}

/// The parent's config with its sandbox and approval policy of now, also
/// after its `/approvals`.
fn parent_now(parts: &ChildParts) -> Config {
    let mut config = parts.config.clone();
    if let Some(now) = &parts.parent_model {
        if let Some(policy) = now.approval() {
            config.approval = policy;
        }
        if let Some(sandbox) = now.sandbox() {
            config.sandbox = sandbox;
        }
    }
    config
}

/// The child's config: its definition's `sandbox_mode` narrows the
/// session's sandbox, never widens it. `read-only` fixes it: no network, no
/// command may leave it (escalation is refused, whatever the approval
/// policy), and so for the children it starts in turn.
fn narrowed(config: &Config, sandbox: Option<SandboxMode>) -> Config {
    let mut config = config.clone();
    match sandbox {
        Some(SandboxMode::ReadOnly) => {
            config.sandbox = SandboxMode::ReadOnly;
            config.network = false;
            config.unix_sockets = false;
            config.sandbox_fixed = true;
        }
        Some(SandboxMode::WorkspaceWrite) if config.sandbox == SandboxMode::DangerFullAccess => {
            config.sandbox = SandboxMode::WorkspaceWrite;
        }
        _ => {}
    }
    config
}

/// Runs one child to its end: builds it, runs `spec.task`, returns its
/// answer (worktree children: committed on their branch, with a diff
/// summary). Never panics or hangs on a failed child: errors come back as
/// a result with status `error`.
pub async fn run_child(
    parts: &ChildParts,
    spec: ChildSpec,
    cancel: CancellationToken,
) -> ChildResult {
    let id = uuid::Uuid::now_v7().to_string();
    let started = Instant::now();
    let name = spec.name();
    match build_child(parts, &spec, &id, |b, _| b) {
        Err(e) => error_result(&id, &name, e, started),
        Ok(mut child) => {
            child.session.announce(false);
            let outcome = child.session.run_task(&spec.task, cancel).await;
            finish(&mut child, outcome, started, &parts.events)
        }
    }
}

/// The result of a finished run of `child`.
/// What its worktree's removal left is a warning on `events`.
pub fn finish(
    child: &mut BuiltChild,
    outcome: crate::agent::TaskOutcome,
    started: Instant,
    events: &EventSink,
) -> ChildResult {
    let committed = child
        .worktree
        .as_mut()
        .map(|w| w.commit(&child.tag.agent_name));
    if let Some(left) = child.worktree.as_mut().and_then(Worktree::take_left) {
        events.send(crate::agent::Event::Warning {
            message: format!("subagent {}: {left}", child.tag.agent_name),
        });
    }
    let (branch, diff_summary) = match committed {
        Some(Ok(summary)) => (
            child.worktree.as_ref().map(|w| w.branch.clone()),
            Some(summary),
        ),
        Some(Err(e)) => (None, Some(format!("worktree not saved: {e}"))),
        None => (None, None),
    };
    let answer = match &outcome.status {
        crate::agent::TaskStatus::Failed(m) | crate::agent::TaskStatus::Blocked(m) => {
            format!("{m}\n{}", outcome.final_text)
        }
        _ => outcome.final_text.clone(),
    };
    ChildResult {
        agent_id: child.tag.agent_id.clone(),
        agent_name: child.tag.agent_name.clone(),
        status: outcome.status.label().to_string(),
        answer: answer.trim().to_string(),
        usage: child.session.total_usage(),
        duration_ms: started.elapsed().as_millis() as u64,
        session_file: child.session.file().display().to_string(),
        branch,
        diff_summary,
        earlier_answers: Vec::new(),
    }
}

pub fn error_result(id: &str, name: &str, message: String, started: Instant) -> ChildResult {
    ChildResult {
        agent_id: id.to_string(),
        agent_name: name.to_string(),
        status: "error".into(),
        answer: message,
        usage: Usage::default(),
        duration_ms: started.elapsed().as_millis() as u64,
        session_file: String::new(),
        branch: None,
        diff_summary: None,
        earlier_answers: Vec::new(),
    }
}

/// A definition's prompt, appended to the child's system prompt.
struct AgentPrompt(String);

impl Extension for AgentPrompt {
    fn instructions(&self) -> Option<String> {
        Some(self.0.clone())
    }
}

/// Approvals of a child go to the parent's user, labelled with its name
/// (apart from the command: [`ApprovalRequest::agent`]).
struct Labelled {
    inner: Arc<dyn Approver>,
    label: String,
}

#[async_trait::async_trait]
impl Approver for Labelled {
    async fn ask(&self, mut request: ApprovalRequest) -> ApprovalDecision {
        // A grandchild's request keeps the label nearest the command.
        request.agent.get_or_insert_with(|| self.label.clone());
        self.inner.ask(request).await
    }

    crate::tools::approval::inner_answers!();

    async fn ran(&self, always_key: &str) {
        self.inner.ran(always_key).await
    }
}
