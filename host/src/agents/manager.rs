//! The children of one session: spawn (foreground or background, at most
//! `agents.max_parallel` at once), wait, follow-up messages, close. A
//! child that fails returns an error result; cancelling the parent (Ctrl-C,
//! its end) cancels every child. A child started for a user message that
//! later leaves the conversation (going back to it or an earlier one)
//! stops, and is no longer waited for, listed or sent to.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, watch};
use tokio_util::sync::CancellationToken;

use super::child::{self, BuiltChild, ChildParts, ChildResult, ChildSpec};
use super::discover::Discovered;
use super::{hook_events, worktree};
use crate::agent::Event;
use crate::agent::MAX_STOP_BLOCKS;
use crate::model::Usage;

/// One child while it runs and after.
struct Child {
    id: String,
    name: String,
    built: tokio::sync::Mutex<Option<BuiltChild>>,
    result: watch::Sender<Option<ChildResult>>,
    cancel: CancellationToken,
    /// Cancelled when the user message it was started for left the
    /// conversation (`None`: reopened after a resume).
    scope: Option<CancellationToken>,
}

impl Child {
    /// Whether the message that started it was dropped.
    fn dropped(&self) -> bool {
        self.scope.as_ref().is_some_and(|s| s.is_cancelled())
    }
}

/// The children of one session.
pub struct AgentManager {
    pub(crate) parts: ChildParts,
    pub(crate) definitions: Arc<Discovered>,
    permits: Arc<Semaphore>,
    children: Mutex<BTreeMap<String, Arc<Child>>>,
    /// Usage per finished run: (agent id, name, usage).
    shared_usage: Arc<Mutex<Vec<(String, String, Usage)>>>,
    root: CancellationToken,
    /// The scope of the user message the current tool calls answer (see
    /// [`crate::agent::Extension::message_scope`]).
    scope: Mutex<Option<CancellationToken>>,
}

impl Drop for AgentManager {
    fn drop(&mut self) {
        self.root.cancel();
    }
}

impl AgentManager {
    pub fn new(parts: ChildParts, definitions: Arc<Discovered>) -> AgentManager {
        let n = parts.config.agents.max_parallel.max(1);
        AgentManager {
            parts,
            definitions,
            permits: Arc::new(Semaphore::new(n)),
            children: Mutex::new(BTreeMap::new()),
            shared_usage: Arc::default(),
            root: CancellationToken::new(),
            scope: Mutex::new(None),
        }
    }

    /// Children spawned from now on stop when `scope` is cancelled.
    pub(crate) fn set_scope(&self, scope: &CancellationToken) {
        if let Ok(mut s) = self.scope.lock() {
            *s = Some(scope.clone());
        }
    }

    /// A child by id, or the newest one with that name; an error for one
    /// whose message was dropped.
    fn child(&self, id: &str) -> Result<Option<Arc<Child>>, String> {
        let Ok(map) = self.children.lock() else {
            return Ok(None);
        };
        match map.get(id) {
            Some(c) if c.dropped() => Err(format!(
                "agent {} ({id}) was stopped: the message it was started for was dropped from the conversation (the user went back to an earlier message); start a new one with spawn_agent if it is still needed",
                c.name
            )),
            Some(c) => Ok(Some(c.clone())),
            None => Ok(map
                .values()
                .rev()
                .find(|c| c.name == id && !c.dropped())
                .cloned()),
        }
    }

    /// A child by id or name, or why there is none.
    fn known(&self, id: &str) -> Result<Arc<Child>, String> {
        self.child(id)?.ok_or_else(|| unknown(id))
    }

    /// Starts a child; returns its id. `cancel` is the spawning task's
    /// token: when it fires (Ctrl-C), the child stops.
    pub fn spawn(
        &self,
        spec: ChildSpec,
        background: bool,
        cancel: &CancellationToken,
    ) -> Result<String, Box<ChildResult>> {
        let id = uuid::Uuid::now_v7().to_string();
        let started = Instant::now();
        let name = spec.name();
        let built = child::build_child(&self.parts, &spec, &id, |b, _| b)
            .map_err(|e| Box::new(child::error_result(&id, &name, e, started)))?;
        self.parts.events.send(Event::AgentSpawned {
            agent_id: id.clone(),
            parent_id: self.parts.parent_id.clone(),
            agent_name: name.clone(),
            task: spec.task.clone(),
            depth: self.parts.depth + 1,
            background,
            session_file: built.session.file().display().to_string(),
        });
        let scope = self.scope.lock().ok().and_then(|s| s.clone());
        let child = Arc::new(Child {
            id: id.clone(),
            name: name.clone(),
            built: tokio::sync::Mutex::new(Some(built)),
            result: watch::Sender::new(None),
            cancel: self.root.child_token(),
            scope: scope.clone(),
        });
        link(cancel, &child.cancel);
        if let Some(scope) = &scope {
            link(scope, &child.cancel);
        }
        if let Ok(mut map) = self.children.lock() {
            map.insert(id.clone(), child.clone());
        }
        self.start_run(child, spec.task, true);
        Ok(id)
    }

    /// Runs `text` on `child` in the background (a first task or a
    /// follow-up).
    fn start_run(&self, child: Arc<Child>, text: String, first: bool) {
        let permits = self.permits.clone();
        let hooks = self.parts.hooks.clone();
        let events = self.parts.events.clone();
        let parent_id = self.parts.parent_id.clone();
        let usage_log = self.usage_sink();
        child.result.send_replace(None);
        tokio::spawn(async move {
            let started = Instant::now();
            let _permit = permits.acquire_owned().await;
            let mut guard = child.built.lock().await;
            let Some(built) = guard.as_mut() else {
                return;
            };
            // A later run works in the worktree its first one committed
            // and removed, never elsewhere.
            if let Some(Err(e)) = built.worktree.as_mut().map(|w| w.restore()) {
                let name = built.tag.agent_name.clone();
                let why =
                    format!("agent {name} was not run: {e}; start a new one with spawn_agent");
                let result = child::error_result(&built.tag.agent_id, &name, why, started);
                drop(guard);
                child.result.send_replace(Some(result));
                return;
            }
            let mut text = text;
            if first && let Some(extra) = hook_events::start(hooks.as_deref(), &built.tag).await {
                text = format!(
                    "{text}\n\n<hook_context event=\"SubagentStart\">\n{extra}\n</hook_context>"
                );
            }
            let before = built.session.total_usage();
            let mut outcome = built.session.run_task(&text, child.cancel.clone()).await;
            // As with `Stop`: asked again (`stop_hook_active: true`) after
            // each block, at most MAX_STOP_BLOCKS times in a row.
            let mut blocks = 0;
            loop {
                if blocks >= MAX_STOP_BLOCKS {
                    events.send(Event::Warning {
                        message: format!(
                            "SubagentStop hooks kept agent \"{}\" going {MAX_STOP_BLOCKS} times in a row; it ends here without asking them again (`quire hooks list` shows them)",
                            built.tag.agent_name
                        ),
                    });
                    break;
                }
                let Some(reason) = hook_events::stop(
                    hooks.as_deref(),
                    &built.tag,
                    built.session.file(),
                    &outcome.final_text,
                    blocks > 0,
                )
                .await
                else {
                    break;
                };
                if child.cancel.is_cancelled() {
                    break;
                }
                blocks += 1;
                let again = format!("Do not stop yet: {reason}");
                outcome = built.session.run_task(&again, child.cancel.clone()).await;
            }
            let mut result = child::finish(built, outcome, started, &events);
            result.usage = result.usage.since(&before);
            usage_log(&result);
            events.send(Event::AgentCompleted {
                agent_id: result.agent_id.clone(),
                parent_id,
                agent_name: result.agent_name.clone(),
                status: result.status.clone(),
                usage: result.usage,
                duration_ms: result.duration_ms,
                branch: result.branch.clone(),
            });
            drop(guard);
            child.result.send_replace(Some(result));
        });
    }

    fn usage_sink(&self) -> impl Fn(&ChildResult) + Send + 'static + use<> {
        let usage = self.shared_usage.clone();
        move |r: &ChildResult| {
            if let Ok(mut u) = usage.lock() {
                u.push((r.agent_id.clone(), r.agent_name.clone(), r.usage));
            }
        }
    }

    /// Waits for a child's current run; `None` on timeout.
    pub async fn wait(
        &self,
        id: &str,
        timeout: Option<Duration>,
    ) -> Result<Option<ChildResult>, String> {
        let child = self.known(id)?;
        let mut rx = child.result.subscribe();
        let wait = rx.wait_for(|r| r.is_some());
        let got = match timeout {
            Some(t) => match tokio::time::timeout(t, wait).await {
                Ok(r) => r.ok().and_then(|r| r.clone()),
                Err(_) => return Ok(None),
            },
            None => wait.await.ok().and_then(|r| r.clone()),
        };
        Ok(got)
    }

    /// Resolves once every child's current run has ended.
    pub fn settled(&self) -> futures::future::BoxFuture<'static, ()> {
        let children: Vec<Arc<Child>> = self
            .children
            .lock()
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default();
        Box::pin(async move {
            for c in children {
                let mut rx = c.result.subscribe();
                let _ = rx.wait_for(|r| r.is_some()).await;
            }
        })
    }

    /// The ids of every child whose message is still in the
    /// conversation, oldest first.
    pub fn ids(&self) -> Vec<String> {
        self.children
            .lock()
            .map(|m| {
                m.values()
                    .filter(|c| !c.dropped())
                    .map(|c| c.id.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A follow-up message: runs on a finished child now; a running child
    /// gets it after its current run.
    pub async fn send(&self, id: &str, message: String) -> Result<(), String> {
        let child = match self.child(id)? {
            Some(c) => c,
            None => self.reopen(id)?,
        };
        let mut rx = child.result.subscribe();
        let _ = rx.wait_for(|r| r.is_some()).await;
        self.start_run(child, message, false);
        Ok(())
    }

    /// A child of this session from its session file (after `--resume`).
    fn reopen(&self, id: &str) -> Result<Arc<Child>, String> {
        let built = super::resume::reopen(&self.parts, id)?;
        // Finished before the parent was resumed: nothing to wait for.
        let mut idle =
            child::error_result(id, &built.tag.agent_name, String::new(), Instant::now());
        idle.status = "done".into();
        let child = Arc::new(Child {
            id: id.to_string(),
            name: built.tag.agent_name.clone(),
            built: tokio::sync::Mutex::new(Some(built)),
            result: watch::Sender::new(Some(idle)),
            cancel: self.root.child_token(),
            scope: None,
        });
        if let Ok(mut map) = self.children.lock() {
            map.insert(id.to_string(), child.clone());
        }
        Ok(child)
    }

    /// Stops a child (if running) and, for a worktree child, merges or
    /// discards its branch (`action`: `merge`, `discard` or `keep`).
    pub async fn close(&self, id: &str, action: &str) -> Result<String, String> {
        let child = self.known(id)?;
        child.cancel.cancel();
        let mut rx = child.result.subscribe();
        let result = rx
            .wait_for(|r| r.is_some())
            .await
            .ok()
            .and_then(|r| r.clone());
        if let Ok(mut map) = self.children.lock() {
            map.remove(&child.id);
        }
        let id = child.id.as_str();
        let branch = result.and_then(|r| r.branch);
        let repo = crate::agent::prompt::repo_root(&self.parts.cwd);
        match (branch, repo, action) {
            (Some(b), Some(repo), "merge") => worktree::merge(&repo, &b),
            (Some(b), Some(repo), "discard") => worktree::discard(&repo, &b),
            (Some(b), _, _) => Ok(format!("closed {} ({}); branch {b} kept", child.name, id)),
            _ => Ok(format!("closed {} ({id})", child.name)),
        }
    }

    /// Usage per child run: (agent id, name, usage).
    pub fn usage_by_child(&self) -> Vec<(String, String, Usage)> {
        self.shared_usage
            .lock()
            .map(|u| u.clone())
            .unwrap_or_default()
    }

    /// Forgets the finished runs' usage: the session went on to another
    /// conversation (`/new`, `/resume`), whose total does not hold them.
    pub fn forget_usage(&self) {
        if let Ok(mut u) = self.shared_usage.lock() {
            u.clear();
        }
    }

    /// The children's usage together.
    pub fn children_usage(&self) -> Usage {
        let mut total = Usage::default();
        for (_, _, u) in self.usage_by_child() {
            total.add(&u);
        }
        total
    }
}

fn unknown(id: &str) -> String {
    format!("no agent with id '{id}': use an id that spawn_agent returned")
}

/// Cancels `child` when `parent` fires.
fn link(parent: &CancellationToken, child: &CancellationToken) {
    let (p, c) = (parent.clone(), child.clone());
    tokio::spawn(async move {
        tokio::select! {
            _ = p.cancelled() => c.cancel(),
            _ = c.cancelled() => {}
        }
    });
}
