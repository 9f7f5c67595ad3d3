//! The children of one session: spawn (foreground or background, at most
//! `agents.max_parallel` at once, the others queued), wait, follow-up
//! messages (queued for a running child, never waited for), close. A
//! child that fails returns an error result; cancelling the task that
//! spawned it (Ctrl-C) or the parent's end stops it (a child an earlier
//! task spawned runs or waits on). A child started for a user message that
//! later leaves the conversation (going back to it or an earlier one)
//! stops, and is no longer waited for, listed or sent to.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio_util::sync::CancellationToken;

use super::child::{self, BuiltChild, ChildParts, ChildResult, ChildSpec};
use super::discover::Discovered;
use super::run::{self, Lane, RunParts};
use super::slot::Slot;
use super::worktree;
use crate::agent::Event;
use crate::model::Usage;
use crate::protocol::interrupt::{self, CLOSED, Stop};

/// One child while it runs and after.
struct Child {
    id: String,
    name: String,
    lane: Arc<Lane>,
    /// Cancelled when the user message it was started for left the
    /// conversation (reopened after a resume: the message that continued
    /// it; `None`: none yet).
    scope: Option<Stop>,
}

impl Child {
    /// Whether the message that started it was dropped.
    fn dropped(&self) -> bool {
        self.scope.as_ref().is_some_and(Stop::is_stopped)
    }

    fn new(
        id: &str,
        built: BuiltChild,
        result: Option<ChildResult>,
        cancel: CancellationToken,
        scope: Option<Stop>,
        slot: Slot,
    ) -> Child {
        let cancel = Stop::of(cancel);
        Child {
            id: id.to_string(),
            name: built.tag.agent_name.clone(),
            lane: Arc::new(Lane {
                built: tokio::sync::Mutex::new(Some(built)),
                result: watch::Sender::new(result),
                cancel,
                pending: Mutex::default(),
                slot,
            }),
            scope,
        }
    }
}

/// A child just spawned.
pub struct Spawned {
    pub id: String,
    /// It waits for a free slot (`agents.max_parallel` children run).
    pub queued: bool,
}

/// What became of a follow-up message.
pub enum Sent {
    /// The child was idle: it runs the message now, or once it has a
    /// slot (`queued`: `agents.max_parallel` children run).
    Started { id: String, queued: bool },
    /// The child runs: it gets the message after its current run, behind
    /// `ahead` other queued messages.
    Queued { id: String, ahead: usize },
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
    scope: Mutex<Option<Stop>>,
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
    pub(crate) fn set_scope(&self, scope: &Stop) {
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

    /// Starts a child, or queues it while `agents.max_parallel` children
    /// run (it is announced when it starts). `cancel` is the spawning
    /// task's token: when it fires (Ctrl-C), the child stops.
    pub fn spawn(
        &self,
        spec: ChildSpec,
        background: bool,
        cancel: &CancellationToken,
    ) -> Result<Spawned, Box<ChildResult>> {
        let id = uuid::Uuid::now_v7().to_string();
        let started = Instant::now();
        let name = spec.name();
        let built = child::build_child(&self.parts, &spec, &id, |b, _| b)
            .map_err(|e| Box::new(child::error_result(&id, &name, e, started)))?;
        let announce = Event::AgentSpawned {
            agent_id: id.clone(),
            parent_id: self.parts.parent_id.clone(),
            agent_name: name.clone(),
            task: spec.task.clone(),
            depth: self.parts.depth + 1,
            background,
            session_file: built.session.file().display().to_string(),
        };
        let scope = self.scope.lock().ok().and_then(|s| s.clone());
        let parent = interrupt::current();
        // What stops it from above, checked again when a child that
        // waited gets its slot (the links below are tasks of their own).
        let above = [parent.clone().unwrap_or_else(|| Stop::of(cancel.clone()))]
            .into_iter()
            .chain(scope.clone())
            .collect();
        let permit = self.permits.clone().try_acquire_owned().ok();
        let queued = permit.is_none();
        if queued {
            // Listed (`/agents`) while it waits; `agent_spawned` when it starts.
            self.parts.events.send(Event::AgentQueued {
                agent_id: id.clone(),
                parent_id: self.parts.parent_id.clone(),
                agent_name: name.clone(),
                task: spec.task.clone(),
                depth: self.parts.depth + 1,
                background,
            });
        }
        let child = Arc::new(Child::new(
            &id,
            built,
            None,
            self.root.child_token(),
            scope.clone(),
            Slot::new(!queued, above),
        ));
        // A child's child stops for the reason its parent stopped.
        match parent {
            Some(parent) => link_stop(&parent, &child.lane.cancel),
            None => link(cancel, &child.lane.cancel),
        }
        if let Some(scope) = &scope {
            link_stop(scope, &child.lane.cancel);
        }
        if let Ok(mut map) = self.children.lock() {
            map.insert(id.clone(), child.clone());
        }
        self.start_run(&child, spec.task, true, permit, Some(announce));
        Ok(Spawned { id, queued })
    }

    /// Runs `text` on `child` in the background (a first task or a
    /// follow-up, the child marked running already); `announce`: its
    /// `agent_spawned`, sent when it gets a slot.
    fn start_run(
        &self,
        child: &Child,
        text: String,
        first: bool,
        permit: Option<OwnedSemaphorePermit>,
        announce: Option<Event>,
    ) {
        let parts = RunParts {
            permits: self.permits.clone(),
            permit,
            hooks: self.parts.hooks.clone(),
            events: self.parts.events.clone(),
            parent_id: self.parts.parent_id.clone(),
            usage_log: Box::new(self.usage_sink()),
            announce,
        };
        run::start(child.lane.clone(), parts, text, first);
    }

    fn usage_sink(&self) -> impl Fn(&ChildResult) + Send + Sync + 'static + use<> {
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
        let mut rx = child.lane.result.subscribe();
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

    /// How many children are at work (started, a run not ended yet).
    pub fn running(&self) -> usize {
        self.count(|c| c.lane.slot.is_started())
    }

    /// Children whose run has not ended and that fit `which`.
    fn count(&self, which: impl Fn(&Child) -> bool) -> usize {
        self.children
            .lock()
            .map(|m| {
                m.values()
                    .filter(|c| c.lane.result.borrow().is_none() && which(c))
                    .count()
            })
            .unwrap_or_default()
    }

    /// The end of the parent's task, before any running child is stopped
    /// (which frees slots): every run still waiting for a slot is
    /// dropped, never started — a child's first (the child is stopped for
    /// `why`) or a follow-up's. How many were.
    pub fn drop_queued(&self, why: &str) -> usize {
        self.children
            .lock()
            .map(|m| {
                m.values()
                    .filter(|c| c.lane.slot.drop_if_waiting(&c.lane.cancel, why))
                    .count()
            })
            .unwrap_or_default()
    }

    /// A task was interrupted (Ctrl-C): the runs it asked for that still
    /// wait for a slot (children it spawned, follow-ups it sent) are
    /// dropped for `why`, never started — before anything running is
    /// stopped. Those earlier tasks asked for keep waiting. How many were.
    pub fn drop_interrupted(&self, why: &str) -> usize {
        self.children
            .lock()
            .map(|m| {
                m.values()
                    .filter(|c| c.lane.slot.asked_by_stopped_task())
                    .filter(|c| c.lane.slot.drop_if_waiting(&c.lane.cancel, why))
                    .count()
            })
            .unwrap_or_default()
    }

    /// Resolves once the current run of every child being stopped (its
    /// own stop, its spawning task's or its message's) has ended; a child
    /// nothing stops (one an earlier task started, still at work when
    /// this one was interrupted) is not waited for.
    pub fn settled(&self) -> futures::future::BoxFuture<'static, ()> {
        let children: Vec<Arc<Child>> = self
            .children
            .lock()
            .map(|m| {
                m.values()
                    .filter(|c| c.lane.cancel.is_stopped() || c.lane.slot.stopped_above())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        Box::pin(async move {
            for c in children {
                let mut rx = c.lane.result.subscribe();
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

    /// A follow-up message: runs on a finished child now (once it has a
    /// slot); a running child (or one waiting for a slot) gets it after
    /// its current run. Never waits for the child. `cancel`: the sending
    /// task's token (interrupted while the run waits for a slot, the run
    /// is dropped).
    pub fn send(
        &self,
        id: &str,
        message: String,
        cancel: &CancellationToken,
    ) -> Result<Sent, String> {
        let child = match self.child(id)? {
            Some(c) => c,
            None => self.reopen(id)?,
        };
        if child.lane.slot.never_started() {
            return Err(format!(
                "agent {} ({}) was never started (it was dropped while it waited for a free slot, agents.max_parallel), so it has nothing to continue: start a new one with spawn_agent",
                child.name, child.id
            ));
        }
        if let Some(ahead) = child.lane.queue_or_claim(&message) {
            return Ok(Sent::Queued {
                id: child.id.clone(),
                ahead: ahead - 1,
            });
        }
        let asker = interrupt::current().unwrap_or_else(|| Stop::of(cancel.clone()));
        child.lane.slot.queue_follow_up(Some(asker));
        let permit = self.permits.clone().try_acquire_owned().ok();
        let queued = permit.is_none();
        self.start_run(&child, message, false, permit, None);
        Ok(Sent::Started {
            id: child.id.clone(),
            queued,
        })
    }

    /// Whether the run of child `id` waits for a slot.
    pub fn waits_for_slot(&self, id: &str) -> bool {
        self.child(id)
            .ok()
            .flatten()
            .is_some_and(|c| c.lane.slot.is_waiting())
    }

    /// A child of this session from its session file (after `--resume`).
    fn reopen(&self, id: &str) -> Result<Arc<Child>, String> {
        let built = super::resume::reopen(&self.parts, id)?;
        // Finished before the parent was resumed: nothing to wait for.
        let mut idle =
            child::error_result(id, &built.tag.agent_name, String::new(), Instant::now());
        idle.status = "done".into();
        // It stops with the message that continues it, as one spawned for
        // it would (the end of `quire exec`, going back past it).
        let scope = self.scope.lock().ok().and_then(|s| s.clone());
        let child = Arc::new(Child::new(
            id,
            built,
            Some(idle),
            self.root.child_token(),
            scope.clone(),
            Slot::new(true, scope.iter().cloned().collect()),
        ));
        if let Some(scope) = &scope {
            link_stop(scope, &child.lane.cancel);
        }
        if let Ok(mut map) = self.children.lock() {
            map.insert(id.to_string(), child.clone());
        }
        Ok(child)
    }

    /// Stops a child (if running) and, for a worktree child, merges or
    /// discards its branch (`action`: `merge`, `discard` or `keep`).
    pub async fn close(&self, id: &str, action: &str) -> Result<String, String> {
        let child = self.known(id)?;
        child.lane.cancel.stop(CLOSED);
        let mut rx = child.lane.result.subscribe();
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

/// Stops `child` when `parent` (the spawning task's token) fires: an
/// interrupt, which gives no reason of its own.
fn link(parent: &CancellationToken, child: &Stop) {
    let (p, c) = (parent.clone(), child.clone());
    tokio::spawn(async move {
        tokio::select! {
            _ = p.cancelled() => c.token().cancel(),
            _ = c.token().cancelled() => {}
        }
    });
}

/// Stops `child` when `scope` stops, for the same reason.
fn link_stop(scope: &Stop, child: &Stop) {
    let (p, c) = (scope.clone(), child.clone());
    tokio::spawn(async move {
        tokio::select! {
            _ = p.token().cancelled() => c.stop(&p.why()),
            _ = c.token().cancelled() => {}
        }
    });
}
