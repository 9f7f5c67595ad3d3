//! Deep passes as subagents: each (area, concern) is a child session
//! spawned by the agents' [`AgentManager`] (built by the session builder,
//! `agent_spawned` / `agent_completed` events with its id, at most
//! `[review] parallel` at once, stopped by Ctrl-C), with a concern-specific
//! role, read-only tools and the read-only sandbox. The shell runs only
//! commands known to be read-only (`git log`, `cat`, …: the `untrusted`
//! policy with every question answered no); with `--run-tests` any command
//! runs, still in the read-only sandbox.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::{ReviewError, concern};
use crate::agent::{Event, EventSink};
use crate::agents::{AgentDef, AgentManager, ChildParts, ChildResult, ChildSpec, Discovered};
use crate::config::Config;
use crate::model::Usage;
use crate::runtime::ToolFilter;
use crate::tools::approval::{ApprovalDecision, ApprovalRequest, Approver};
use crate::tools::{ApprovalPolicy, SandboxMode};

/// One deep pass to run.
#[derive(Debug, Clone)]
pub struct DeepTask {
    /// The area (a file, or a part of one) it looks at.
    pub area: String,
    /// The concern it reviews the area for.
    pub concern: String,
    /// Its whole message.
    pub prompt: String,
}

/// What a deep pass answered.
#[derive(Debug, Clone, Default)]
pub struct DeepAnswer {
    pub area: String,
    pub concern: String,
    pub text: String,
}

/// One deep pass as it ended: what it cost, whether it answered, failed
/// or was interrupted (a review's stats count every pass that ran).
#[derive(Debug)]
pub struct Pass {
    pub usage: Usage,
    /// Model requests it made (an interrupted one included).
    pub requests: u32,
    pub answer: Result<DeepAnswer, ReviewError>,
}

/// The tools a deep pass keeps: reading only, and the shell for read-only
/// commands (any command with `--run-tests`), in the read-only sandbox.
const READ_ONLY_TOOLS: &[&str] = &["read_file", "list_dir", "grep", "skill", "shell"];

/// Where and how the deep passes run.
pub struct Subagents {
    config: Config,
    home: PathBuf,
    repo: PathBuf,
    events: EventSink,
}

impl Subagents {
    /// `model` and `max_turns` for every pass, `parallel` at once; the
    /// sandbox is read-only, nothing is asked, MCP servers, plugins and
    /// nested subagents stay off. Events go to `events`.
    pub fn new(
        config: &Config,
        home: PathBuf,
        repo: PathBuf,
        limits: (String, u32, usize),
        run_tests: bool,
        events: EventSink,
    ) -> Subagents {
        let (model, max_turns, parallel) = limits;
        let mut config = config.clone();
        config.model = model;
        config.max_turns = max_turns.max(1);
        config.sandbox = SandboxMode::ReadOnly;
        config.network = false;
        config.unix_sockets = false;
        config.approval = if run_tests {
            ApprovalPolicy::Never
        } else {
            ApprovalPolicy::Untrusted
        };
        config.mcp_servers = Default::default();
        config.plugins.enabled = false;
        config.agents.enabled = true;
        config.agents.max_parallel = parallel.max(1);
        config.agents.max_depth = 1;
        Subagents {
            config,
            home,
            repo,
            events,
        }
    }

    fn tools(&self) -> Vec<String> {
        READ_ONLY_TOOLS.iter().map(|t| t.to_string()).collect()
    }

    /// Runs every pass as a subagent; the passes in task order.
    pub async fn run_all(&self, tasks: Vec<DeepTask>, cancel: &CancellationToken) -> Vec<Pass> {
        let (sink, mut rx) = EventSink::channel();
        let parts = ChildParts {
            config: self.config.clone(),
            home: self.home.clone(),
            cwd: self.repo.clone(),
            approver: Arc::new(ReadOnlyCommands),
            events: sink,
            client: None,
            hooks: None,
            parent_id: format!("review-{}", uuid::Uuid::now_v7()),
            depth: 0,
            parent_tools: ToolFilter {
                allow: Some(self.tools()),
                deny: Vec::new(),
            },
            parent_model: None,
        };
        let manager = AgentManager::new(parts, Arc::new(Discovered::default()));
        let mut started: Vec<(DeepTask, Result<String, ChildResult>)> = Vec::new();
        for task in tasks {
            let spec = ChildSpec {
                task: task.prompt.clone(),
                definition: Some(self.definition(&task.concern)),
                ..ChildSpec::default()
            };
            let id = manager
                .spawn(spec, true, cancel)
                .map(|s| s.id)
                .map_err(|e| *e);
            started.push((task, id));
        }
        let mut turns: HashMap<String, u32> = HashMap::new();
        let results = {
            let waits = futures::future::join_all(started.iter().map(|(_, id)| {
                let manager = &manager;
                async move {
                    match id {
                        Ok(id) => manager.wait(id, None).await.ok().flatten(),
                        Err(r) => Some(r.clone()),
                    }
                }
            }));
            tokio::pin!(waits);
            loop {
                tokio::select! {
                    results = &mut waits => break results,
                    Some(event) = rx.recv() => self.pass_on(event, &mut turns),
                }
            }
        };
        while let Ok(event) = rx.try_recv() {
            self.pass_on(event, &mut turns);
        }
        started
            .into_iter()
            .zip(results)
            .map(|((task, _), result)| answer(task, result, &turns))
            .collect()
    }

    /// Counts a child's model requests; hands every event on (a spawn's
    /// task told as `review AREA for CONCERN problems`: the whole prompt
    /// is in the child's session file).
    fn pass_on(&self, mut event: Event, turns: &mut HashMap<String, u32>) {
        match &mut event {
            Event::Agent(a) if matches!(*a.event, Event::TurnStarted { .. }) => {
                *turns.entry(a.agent_id.clone()).or_default() += 1;
            }
            Event::AgentSpawned { task, .. } | Event::AgentQueued { task, .. } => {
                *task = short_task(task)
            }
            _ => {}
        }
        self.events.send(event);
    }

    /// The subagent of one concern: its role and its tools.
    fn definition(&self, concern: &str) -> AgentDef {
        AgentDef {
            name: concern::agent_name(concern),
            description: format!("Reviews a change for {concern} problems."),
            tools: Some(self.tools()),
            disallowed_tools: Vec::new(),
            model: None,
            skills: None,
            max_tokens: None,
            isolation: None,
            // The config is read-only already (see `Subagents::new`).
            sandbox: None,
            prompt: concern::role(concern),
            path: PathBuf::new(),
            warnings: Vec::new(),
        }
    }
}

/// `review AREA for CONCERN problems`, from a deep pass's prompt.
fn short_task(prompt: &str) -> String {
    let line = |key: &str| {
        prompt
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or("")
            .to_string()
    };
    format!(
        "review {} for {} problems",
        line("AREA: "),
        line("CONCERN: ")
    )
}

/// A child's result as a deep pass: its cost, whatever its status.
fn answer(task: DeepTask, result: Option<ChildResult>, turns: &HashMap<String, u32>) -> Pass {
    let which = format!("deep pass ({}) over {}", task.concern, task.area);
    let Some(r) = result else {
        return Pass {
            usage: Usage::default(),
            requests: 0,
            answer: Err(ReviewError::Model(format!(
                "{which} ended without an answer"
            ))),
        };
    };
    let answer = match r.status.as_str() {
        "done" | "max_turns" | "budget" => Ok(DeepAnswer {
            area: task.area,
            concern: task.concern,
            text: r.answer,
        }),
        "interrupted" => Err(ReviewError::Interrupted),
        _ => Err(ReviewError::Model(format!(
            "{which} failed: {}",
            r.answer.lines().next().unwrap_or(&r.status)
        ))),
    };
    Pass {
        usage: r.usage,
        requests: turns.get(&r.agent_id).copied().unwrap_or(0),
        answer,
    }
}

/// Answers no to every question: a command not known to be read-only is
/// refused, and the model is told why.
struct ReadOnlyCommands;

#[async_trait::async_trait]
impl Approver for ReadOnlyCommands {
    async fn ask(&self, _request: ApprovalRequest) -> ApprovalDecision {
        ApprovalDecision::Denied
    }

    fn is_interactive(&self) -> bool {
        false
    }

    fn rule_denial(&self) -> Option<String> {
        Some("a review runs only read-only commands (git log, git show, git blame, cat, ls, grep, …); tests and other commands run only with `quire review --run-tests`. Read the code instead.".into())
    }
}
