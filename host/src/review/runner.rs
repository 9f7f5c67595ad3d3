//! Deep passes: one child session per flagged area, with read-only tools,
//! run in parallel with a bound. [`DeepRunner`] is the seam: the one
//! implementation here, [`SessionRunner`], builds each child with
//! `Session::start`; subagents can take its place without touching the
//! rest of the review.

use std::path::PathBuf;
use std::sync::Arc;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::ReviewError;
use crate::agent::{EventSink, Session, SessionOptions, TaskStatus};
use crate::config::Config;
use crate::model::Usage;
use crate::tools::approval::{DenyAll, RememberingApprover};
use crate::tools::{ApprovalPolicy, SandboxMode};

/// One deep pass to run.
#[derive(Debug, Clone)]
pub struct DeepTask {
    /// The area (a file) it looks at.
    pub area: String,
    /// Its whole message.
    pub prompt: String,
}

/// What a deep pass answered.
#[derive(Debug, Clone, Default)]
pub struct DeepAnswer {
    pub area: String,
    pub text: String,
    pub usage: Usage,
    /// Model requests it made.
    pub requests: u32,
}

/// Runs deep passes.
#[async_trait::async_trait(?Send)]
pub trait DeepRunner {
    /// Runs one pass to its end.
    async fn run(
        &self,
        task: DeepTask,
        cancel: CancellationToken,
    ) -> Result<DeepAnswer, ReviewError>;

    /// Runs every pass, at most `parallel` at a time; answers in task order.
    async fn run_all(
        &self,
        tasks: Vec<DeepTask>,
        parallel: usize,
        cancel: &CancellationToken,
    ) -> Vec<Result<DeepAnswer, ReviewError>> {
        futures::stream::iter(tasks.into_iter().map(|t| self.run(t, cancel.clone())))
            .buffered(parallel.max(1))
            .collect()
            .await
    }
}

/// The tools a deep pass keeps: reading only (and the shell, inside the
/// read-only sandbox, with `--run-tests`).
const READ_ONLY_TOOLS: &[&str] = &["read_file", "list_dir", "grep", "skill"];

/// Deep passes as child sessions of the configured provider.
pub struct SessionRunner {
    config: Config,
    home: PathBuf,
    repo: PathBuf,
    run_tests: bool,
}

impl SessionRunner {
    /// `model` and `max_turns` for every pass; the sandbox is read-only,
    /// nothing is asked, MCP servers and plugins stay off.
    pub fn new(
        config: &Config,
        home: PathBuf,
        repo: PathBuf,
        model: String,
        max_turns: u32,
        run_tests: bool,
    ) -> SessionRunner {
        let mut config = config.clone();
        config.model = model;
        config.max_turns = max_turns.max(1);
        config.sandbox = SandboxMode::ReadOnly;
        config.network = false;
        config.approval = ApprovalPolicy::Never;
        config.mcp_servers = Default::default();
        config.plugins.enabled = false;
        SessionRunner {
            config,
            home,
            repo,
            run_tests,
        }
    }
}

#[async_trait::async_trait(?Send)]
impl DeepRunner for SessionRunner {
    async fn run(
        &self,
        task: DeepTask,
        cancel: CancellationToken,
    ) -> Result<DeepAnswer, ReviewError> {
        let mut session = Session::start(SessionOptions {
            config: self.config.clone(),
            home: self.home.clone(),
            cwd: self.repo.clone(),
            resume: None,
            approver: Arc::new(RememberingApprover::new(DenyAll)),
            events: EventSink::null(),
        })
        .map_err(|e| ReviewError::Model(format!("deep pass over {}: {e}", task.area)))?;
        for name in session.tool_names() {
            let keep =
                READ_ONLY_TOOLS.contains(&name.as_str()) || (self.run_tests && name == "shell");
            if !keep {
                session.tools.unregister(&name);
            }
        }
        let outcome = session.run_task(&task.prompt, cancel).await;
        session.end("other").await;
        match outcome.status {
            TaskStatus::Done | TaskStatus::MaxTurns | TaskStatus::Budget => Ok(DeepAnswer {
                area: task.area,
                text: outcome.final_text,
                usage: outcome.usage,
                requests: outcome.turns,
            }),
            TaskStatus::Interrupted => Err(ReviewError::Interrupted),
            TaskStatus::Failed(why) | TaskStatus::Blocked(why) => Err(ReviewError::Model(format!(
                "deep pass over {} failed: {why}",
                task.area
            ))),
        }
    }
}
