//! The model's tools: `spawn_agent`, `wait_agents`, `send_agent`,
//! `close_agent`. Results are JSON text: per child its id, name, status,
//! answer, usage, duration and (worktree) branch and diff summary.

use std::sync::Arc;
use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::child::{ChildResult, ChildSpec};
use super::definition::Isolation;
use super::manager::{AgentManager, Sent};
use crate::tools::typed::parameters_without_empty_required;
use crate::tools::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec};

/// The four tools over one manager.
pub fn tools(manager: &Arc<AgentManager>) -> Vec<Arc<dyn Tool>> {
    vec![
        Arc::new(AgentTool::new(Kind::Spawn, manager)),
        Arc::new(AgentTool::new(Kind::Wait, manager)),
        Arc::new(AgentTool::new(Kind::Send, manager)),
        Arc::new(AgentTool::new(Kind::Close, manager)),
    ]
}

/// Which of the four tools.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Spawn,
    Wait,
    Send,
    Close,
}

/// `spawn_agent` arguments. Kinds stay strings so a wrong one gets the
/// tool's own error.
#[derive(Deserialize, JsonSchema)]
struct SpawnArgs {
    /// What the subagent should do, with everything it needs to know.
    task: String,
    /// The name of a defined agent.
    agent_type: Option<String>,
    /// A model other than the defined or current one.
    model: Option<String>,
    /// Return the id at once instead of the answer.
    background: Option<bool>,
    /// worktree: work on a new git branch in its own worktree.
    #[schemars(extend("enum" = ["none", "worktree"]))]
    isolation: Option<String>,
}

/// `wait_agents` arguments.
#[derive(Deserialize, JsonSchema)]
struct WaitArgs {
    ids: Option<Vec<String>>,
    /// Stop waiting after this many seconds (the running ones are reported as running).
    timeout_sec: Option<f64>,
}

/// `send_agent` arguments.
#[derive(Deserialize, JsonSchema)]
pub(crate) struct SendArgs {
    id: String,
    message: String,
    /// For a finished subagent: stop waiting for its answer after this many seconds (it is reported as running; wait_agents collects the answer).
    timeout_sec: Option<f64>,
}

/// `close_agent` arguments.
#[derive(Deserialize, JsonSchema)]
struct CloseArgs {
    id: String,
    #[schemars(extend("enum" = ["merge", "discard", "keep"]))]
    worktree: Option<String>,
}

/// The parameters of one of the tools, generated from its arguments type.
pub(crate) fn parameters(kind: Kind) -> Value {
    match kind {
        Kind::Spawn => parameters_without_empty_required::<SpawnArgs>(),
        Kind::Wait => parameters_without_empty_required::<WaitArgs>(),
        Kind::Send => parameters_without_empty_required::<SendArgs>(),
        Kind::Close => parameters_without_empty_required::<CloseArgs>(),
    }
}

/// Arguments that do not decode, as the model's error.
pub(crate) fn decode<A: DeserializeOwned>(args: Value) -> Result<A, ToolError> {
    serde_json::from_value(args).map_err(|e| ToolError::InvalidArguments(e.to_string()))
}

/// The name of the tool that starts a subagent.
pub const SPAWN_AGENT: &str = "spawn_agent";

/// The subagent tools: what Claude Code's one subagent tool (`Agent`,
/// formerly `Task`) gives an agent definition naming it, so a child that
/// may start background children can also wait for, message and stop them.
pub const AGENT_TOOLS: [&str; 4] = [SPAWN_AGENT, "wait_agents", "send_agent", "close_agent"];

struct AgentTool {
    kind: Kind,
    spec: ToolSpec,
    manager: Arc<AgentManager>,
}

impl AgentTool {
    fn new(kind: Kind, manager: &Arc<AgentManager>) -> AgentTool {
        let (name, description) = match kind {
            Kind::Spawn => (
                SPAWN_AGENT,
                "Start a subagent: a separate session with its own context that works on `task` and answers. Use it for independent pieces of work (several spawn_agent calls in one response run in parallel). Give the whole task: the subagent does not see this conversation. `agent_type` picks a defined agent (listed with the user's message when some fit). Returns the subagent's answer, or with `background: true` its id at once (collect it with wait_agents).",
            ),
            Kind::Wait => (
                "wait_agents",
                "Wait for subagents started in the background; returns each one's answer, status and token usage. Without ids, waits for all.",
            ),
            Kind::Send => (
                "send_agent",
                "Send a follow-up message to a subagent. A running one gets it after its current work: this returns at once with status `queued`; collect the answer with wait_agents. A finished one continues with its context: this returns its answer (with `timeout_sec`, status `running` once that many seconds pass; collect the answer with wait_agents).",
            ),
            Kind::Close => (
                "close_agent",
                "Stop a subagent. For one that worked in a worktree, `worktree`: merge its branch into the current branch, discard it, or keep it (default).",
            ),
        };
        AgentTool {
            kind,
            spec: ToolSpec {
                name: name.into(),
                description: description.into(),
                parameters: parameters(kind),
                read_only: false,
                destructive: false,
            },
            manager: manager.clone(),
        }
    }
}

fn render(results: &[ChildResult]) -> String {
    serde_json::to_string_pretty(results).unwrap_or_default()
}

#[async_trait::async_trait]
impl Tool for AgentTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    fn source(&self) -> &'static str {
        "agents"
    }

    fn concurrent(&self) -> bool {
        self.kind == Kind::Spawn
    }

    async fn call(&self, args: Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let m = &self.manager;
        match self.kind {
            Kind::Spawn => {
                let args: SpawnArgs = decode(args)?;
                let task = Some(args.task)
                    .filter(|t| !t.trim().is_empty())
                    .ok_or_else(|| ToolError::InvalidArguments("task is empty".into()))?;
                let definition = match args.agent_type.filter(|t| !t.is_empty() && t != "default") {
                    None => None,
                    Some(name) => Some(m.definitions.get(&name).cloned().ok_or_else(|| {
                        let known: Vec<&str> = m
                            .definitions
                            .agents
                            .iter()
                            .map(|a| a.name.as_str())
                            .collect();
                        ToolError::InvalidArguments(format!(
                            "no agent named '{name}'; defined agents: {}",
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        ))
                    })?),
                };
                let isolation = match args.isolation {
                    Some(s) => Some(Isolation::parse(&s).ok_or_else(|| {
                        ToolError::InvalidArguments(
                            "isolation must be \"none\" or \"worktree\"".into(),
                        )
                    })?),
                    None => None,
                };
                let background = args.background.unwrap_or(false);
                let spec = ChildSpec {
                    task,
                    definition,
                    model: args.model,
                    isolation,
                    tools: None,
                };
                let spawned = match m.spawn(spec, background, &ctx.cancel) {
                    Ok(s) => s,
                    Err(result) => return Ok(ToolOutput::error(render(&[*result]))),
                };
                let id = spawned.id;
                if background {
                    let out = if spawned.queued {
                        json!({"agent_id": id, "status": "queued", "note": "it starts when a running subagent ends (agents.max_parallel); collect its answer with wait_agents"})
                    } else {
                        json!({"agent_id": id, "status": "running"})
                    };
                    return Ok(ToolOutput::text(out.to_string()));
                }
                let r = m.wait(&id, None).await.map_err(ToolError::Failed)?;
                output(r.into_iter().collect())
            }
            Kind::Wait => {
                let args: WaitArgs = decode(args)?;
                let ids = match args.ids {
                    Some(ids) if !ids.is_empty() => ids,
                    _ => m.ids(),
                };
                // One deadline for the whole call: the children are
                // waited for in turn, each for what is left of it (a
                // child done by then is reported even when none is left).
                let deadline = args
                    .timeout_sec
                    .and_then(seconds)
                    .map(|t| tokio::time::Instant::now() + t);
                let mut out = Vec::new();
                let mut running = Vec::new();
                for id in ids {
                    let left =
                        deadline.map(|d| d.saturating_duration_since(tokio::time::Instant::now()));
                    match m
                        .wait(&id, left)
                        .await
                        .map_err(ToolError::InvalidArguments)?
                    {
                        Some(r) => out.push(r),
                        None => running.push(id),
                    }
                }
                let mut text = render(&out);
                if !running.is_empty() {
                    text.push_str(&format!("\nstill running: {}", running.join(", ")));
                }
                Ok(ToolOutput::text(text))
            }
            Kind::Send => {
                let SendArgs {
                    id,
                    message,
                    timeout_sec,
                } = decode(args)?;
                let id = match m
                    .send(&id, message, &ctx.cancel)
                    .map_err(ToolError::InvalidArguments)?
                {
                    Sent::Started { id, .. } => id,
                    Sent::Queued { id, ahead } => {
                        let note = match ahead {
                            0 => "it is running: it gets this message when its current work ends; collect its answer with wait_agents".to_string(),
                            n => format!("it is running: it gets this message after its current work and {n} earlier queued {}; collect its answer with wait_agents", if n == 1 { "message" } else { "messages" }),
                        };
                        return Ok(ToolOutput::text(
                            json!({"agent_id": id, "status": "queued", "note": note}).to_string(),
                        ));
                    }
                };
                let timeout = timeout_sec.and_then(seconds);
                match m.wait(&id, timeout).await.map_err(ToolError::Failed)? {
                    Some(r) => output(vec![r]),
                    // Its run may still wait for a slot: said as queued.
                    None if m.waits_for_slot(&id) => Ok(ToolOutput::text(
                        json!({"agent_id": id, "status": "queued", "note": "still waiting for a free slot after timeout_sec (agents.max_parallel): it gets this message when a running subagent ends; collect its answer with wait_agents"}).to_string(),
                    )),
                    None => Ok(ToolOutput::text(
                        json!({"agent_id": id, "status": "running", "note": "still running after timeout_sec; collect its answer with wait_agents"}).to_string(),
                    )),
                }
            }
            Kind::Close => {
                let CloseArgs { id, worktree } = decode(args)?;
                let action = worktree.unwrap_or_else(|| "keep".into());
                m.close(&id, &action)
                    .await
                    .map(ToolOutput::text)
                    .map_err(ToolError::Failed)
            }
        }
    }
}

/// A model's `timeout_sec` as a wait: negative or not a number is none;
/// any other (`1e30`) at most a day.
fn seconds(t: f64) -> Option<Duration> {
    const DAY: Duration = Duration::from_secs(24 * 60 * 60);
    (t.is_finite() && t >= 0.0).then(|| Duration::try_from_secs_f64(t).unwrap_or(DAY).min(DAY))
}

fn output(results: Vec<ChildResult>) -> Result<ToolOutput, ToolError> {
    let failed = results.iter().any(|r| r.status != "done");
    let text = render(&results);
    Ok(if failed {
        ToolOutput::error(text)
    } else {
        ToolOutput::text(text)
    })
}
