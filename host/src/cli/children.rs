//! The subagents of this session as the human views know them from the
//! event stream: who runs, what each is doing, what it used, and its
//! transcript (kept to be expanded later). The TUI and the line REPL both
//! feed events in; `/agents` reads it ([`super::agents_slash`]).

use std::time::Instant;

use quire::agent::Event;
use quire::model::Usage;

use super::summary::{clip, clip_words, duration, outcome, rewritten_line, tool_line};

/// Lines of transcript kept per child (the oldest go first).
const TRANSCRIPT_KEEP: usize = 2000;

/// One child of this session (or of one of its children).
#[derive(Debug, Clone)]
pub struct Child {
    pub id: String,
    pub name: String,
    /// 1 for a child of the top session, 2 for its children, …
    pub depth: u32,
    pub task: String,
    pub started: Instant,
    /// The task status once it ended (`done`, `failed`, …).
    pub status: Option<String>,
    /// Tokens so far (the final count once ended).
    pub usage: Usage,
    pub duration_ms: Option<u64>,
    /// The branch of a worktree child, and what became of it.
    pub branch: Option<String>,
    pub branch_state: Option<&'static str>,
    /// Tool calls started.
    pub tools: usize,
    /// The call running now (its one-line summary).
    pub running: Option<String>,
    /// Calls started and not yet ended: (call id, one-line summary).
    calls: Vec<(String, String)>,
    /// The call that ended last: (call id, its one-line summary), for
    /// the line view's one line per call.
    ended: Option<(String, String)>,
    pub transcript: Vec<String>,
    /// Its answer text streamed since the last tool call.
    text: String,
    /// Whether the transcript was printed (Ctrl-O).
    pub expanded: bool,
    /// Read from its session file when this session was resumed: it ran
    /// before the resume ([`super::children_earlier`]).
    pub earlier: bool,
    /// It waits for a free slot (`agents.max_parallel`): not running yet.
    pub queued: bool,
}

impl Child {
    /// A child just started (or read back from its file).
    pub fn new(id: String, name: String, depth: u32, task: String) -> Child {
        Child {
            id,
            name,
            depth,
            task,
            started: Instant::now(),
            status: None,
            usage: Usage::default(),
            duration_ms: None,
            branch: None,
            branch_state: None,
            tools: 0,
            running: None,
            calls: Vec::new(),
            ended: None,
            transcript: Vec::new(),
            text: String::new(),
            expanded: false,
            earlier: false,
            queued: false,
        }
    }

    /// The last 8 characters of the id (what `/agents` shows).
    pub fn short_id(&self) -> &str {
        let cut = self.id.char_indices().rev().nth(7).map_or(0, |(i, _)| i);
        &self.id[cut..]
    }

    /// The summary of the call `call_id` if it is the one that ended last
    /// (what its start was shown as).
    pub fn ended_call(&self, call_id: &str) -> Option<&str> {
        self.ended
            .as_ref()
            .filter(|(id, _)| id == call_id)
            .map(|(_, line)| line.as_str())
    }

    pub fn indent(&self) -> String {
        "  ".repeat(self.depth.saturating_sub(1) as usize)
    }

    fn log(&mut self, line: String) {
        if self.transcript.len() >= TRANSCRIPT_KEEP {
            self.transcript.remove(0);
        }
        self.transcript.push(line);
    }

    fn flush_text(&mut self) {
        let text = std::mem::take(&mut self.text);
        for l in text.trim_end().lines() {
            self.log(l.to_string());
        }
    }
}

/// Every child seen, in the order they started.
#[derive(Debug, Default)]
pub struct Children {
    pub list: Vec<Child>,
}

impl Children {
    /// Takes in one event; returns the child that just ended, if any.
    pub fn event(&mut self, ev: &Event) -> Option<&Child> {
        match ev {
            Event::AgentQueued {
                agent_id,
                agent_name,
                task,
                depth,
                ..
            } => {
                let mut c = Child::new(agent_id.clone(), agent_name.clone(), *depth, task.clone());
                c.queued = true;
                self.list.push(c);
                None
            }
            Event::AgentSpawned {
                agent_id,
                agent_name,
                task,
                depth,
                ..
            } => {
                // A child that waited for a slot: running from now on, in
                // its place in the list.
                if let Some(c) = self.list.iter_mut().find(|c| c.queued && &c.id == agent_id) {
                    c.queued = false;
                    c.started = Instant::now();
                    return None;
                }
                // A child from before a resume continued (send_agent):
                // listed once, as running again.
                self.list.retain(|c| !(c.earlier && &c.id == agent_id));
                self.list.push(Child::new(
                    agent_id.clone(),
                    agent_name.clone(),
                    *depth,
                    task.clone(),
                ));
                None
            }
            Event::AgentCompleted {
                agent_id,
                status,
                usage,
                duration_ms,
                branch,
                ..
            } => {
                let c = self.list.iter_mut().rev().find(|c| &c.id == agent_id)?;
                c.flush_text();
                c.status = Some(status.clone());
                c.usage = *usage;
                c.duration_ms = Some(*duration_ms);
                c.branch = branch.clone();
                c.running = None;
                c.calls.clear();
                c.queued = false;
                Some(c)
            }
            Event::Agent(a) => {
                let c = self.list.iter_mut().rev().find(|c| c.id == a.agent_id)?;
                match &*a.event {
                    Event::TextDelta { delta } => c.text.push_str(delta),
                    Event::MessageCompleted { .. } => c.flush_text(),
                    Event::ToolStarted {
                        call_id,
                        name,
                        arguments,
                    } => {
                        c.flush_text();
                        c.tools += 1;
                        let line = tool_line(name, arguments);
                        c.running = Some(line.clone());
                        c.calls.push((call_id.clone(), line));
                    }
                    Event::ToolInputRewritten {
                        call_id,
                        name,
                        hook,
                        arguments,
                    } => {
                        if let Some(call) = c.calls.iter_mut().find(|(id, _)| id == call_id) {
                            call.1 = rewritten_line(name, arguments, hook, &call.1);
                            c.running = Some(call.1.clone());
                        }
                    }
                    Event::ToolCompleted {
                        call_id,
                        name,
                        status,
                        exit_code,
                        signal,
                        duration_ms,
                        ..
                    } => {
                        let (mark, detail) =
                            outcome(status.as_str(), *exit_code, *signal, *duration_ms);
                        // Calls may run side by side: each ends with its own line.
                        let line = match c.calls.iter().position(|(id, _)| id == call_id) {
                            Some(i) => c.calls.remove(i).1,
                            None => name.clone(),
                        };
                        c.running = c.calls.last().map(|(_, l)| l.clone());
                        c.log(format!("{mark} {line} ({detail})"));
                        c.ended = Some((call_id.clone(), line));
                    }
                    Event::TurnCompleted { total_usage, .. } => c.usage = *total_usage,
                    Event::Error { message } => c.log(format!("error: {message}")),
                    Event::Warning { message } => c.log(format!("warning: {message}")),
                    Event::HookCompleted { .. } => {
                        if let Some((line, _)) = super::summary::hook_completed_line(ev) {
                            c.log(line);
                        }
                    }
                    _ => {}
                }
                None
            }
            _ => None,
        }
    }

    /// The children at work (not ended, not waiting for a slot).
    pub fn running(&self) -> impl Iterator<Item = &Child> {
        self.list.iter().filter(|c| c.status.is_none() && !c.queued)
    }

    /// A child by full id, the end of its id, or its name (the newest).
    pub fn find(&self, query: &str) -> Option<&Child> {
        let q = query.trim();
        if q.is_empty() {
            return None;
        }
        self.list
            .iter()
            .rev()
            .find(|c| c.id == q || (q.len() >= 4 && c.id.ends_with(q)))
            .or_else(|| self.list.iter().rev().find(|c| c.name == q))
    }

    pub fn find_mut(&mut self, query: &str) -> Option<&mut Child> {
        let id = self.find(query)?.id.clone();
        self.list.iter_mut().find(|c| c.id == id)
    }

    /// The newest finished child whose transcript was not printed yet.
    pub fn next_to_expand(&mut self) -> Option<&mut Child> {
        self.list
            .iter_mut()
            .rev()
            .find(|c| c.status.is_some() && !c.expanded)
    }
}

/// `▸ agent NAME done · 3.2s · 1,234 tokens · 5 tools` (indented by depth).
pub fn summary_line(c: &Child) -> String {
    format!("{}▸ {} {}", c.indent(), title(c), after_name(c))
}

/// The name the agent tools give a child without a definition.
pub const UNNAMED: &str = "agent";

/// `agent NAME`; a child without a definition is named by its task
/// (`agent "fix the tests"`), never `agent agent`.
pub fn title(c: &Child) -> String {
    if c.name != UNNAMED {
        return format!("agent {}", c.name);
    }
    let task = c.task.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if task.is_empty() {
        UNNAMED.to_string()
    } else {
        format!("agent \"{}\"", clip_words(task.trim(), 40))
    }
}

/// `NAME done · 3.2s · 1,234 tokens · 5 tools · branch B (merged)`.
pub fn fields(c: &Child) -> String {
    format!("{} {}", c.name, after_name(c))
}

/// A child dropped while it waited for a slot (`agent_completed`'s status).
pub const NOT_STARTED: &str = "not_started";

/// [`fields`] after the name.
fn after_name(c: &Child) -> String {
    if c.queued {
        // Nothing ran yet: what it waits for and what it will do.
        let task = c.task.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return format!(
            "queued · waits for a free slot (agents.max_parallel) · {}",
            clip(task.trim(), 60)
        );
    }
    if c.status.as_deref() == Some(NOT_STARTED) {
        return "not started · dropped while it waited for a free slot".into();
    }
    let status = c.status.as_deref().unwrap_or("running");
    let ms = c
        .duration_ms
        .unwrap_or_else(|| c.started.elapsed().as_millis() as u64);
    let mut s = format!(
        "{status} · {} · {} · {}",
        duration(ms),
        tokens(c.usage.total()),
        quire::plural::counted(c.tools, "tool")
    );
    if let Some(b) = &c.branch {
        s.push_str(&format!(" · branch {b}"));
        if let Some(state) = c.branch_state {
            s.push_str(&format!(" ({state})"));
        }
    }
    if c.earlier {
        s.push_str(" · before the resume");
    }
    s
}

/// The live line of a running child at `now`: what it runs, elapsed,
/// tokens (not indented).
pub fn live_line(c: &Child, now: Instant) -> String {
    let doing = match &c.running {
        Some(t) => clip(t, 50),
        None => "thinking".into(),
    };
    format!(
        "{} · {doing} · {} · {} · {}",
        c.name,
        duration(now.saturating_duration_since(c.started).as_millis() as u64),
        tokens(c.usage.total()),
        quire::plural::counted(c.tools, "tool")
    )
}

/// The header and transcript of one child, indented under it.
pub fn transcript(c: &Child) -> Vec<String> {
    let pad = format!("{}  │ ", c.indent());
    let mut out = vec![
        summary_line(c),
        format!("{pad}task: {}", clip(&c.task, 200)),
    ];
    out.extend(c.transcript.iter().map(|l| format!("{pad}{l}")));
    if c.transcript.is_empty() {
        out.push(format!("{pad}(nothing recorded)"));
    }
    out
}

/// `1,234 tokens`
pub fn tokens(n: u64) -> String {
    format!("{} tokens", quire::plural::thousands(n))
}
