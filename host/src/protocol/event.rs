//! The one output channel: everything the agent does is an [`Event`].
//! The human renderer, `--json` JSONL and any server mode render this
//! stream.

use serde::Serialize;
use serde_json::Value;
use tokio::sync::mpsc;

use super::item::Usage;
use super::status::{ActivatedBy, AnswerGap, CallStatus, CompactReason, HookOutcome, TaskState};

/// One entry of a plan kept by the `update_plan` tool.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PlanStep {
    pub step: String,
    /// `pending`, `in_progress` or `completed`.
    pub status: String,
}

/// Everything that happens in a session. Serialised with a `type` tag in
/// snake_case; the README documents every variant and field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    SessionStarted {
        session_id: String,
        session_file: String,
        cwd: String,
        provider: String,
        model: String,
        wire_api: String,
        sandbox: String,
        approval: String,
        /// The configured `reasoning_effort` of the model, when one is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reasoning_effort: Option<String>,
        resumed: bool,
    },
    /// One model round trip begins (`turn` counts from 1 in a task).
    TurnStarted {
        turn: u32,
    },
    TextDelta {
        delta: String,
    },
    /// A piece of the model's reasoning summary, when the provider sends
    /// one (shown while waiting; not part of the message or the history).
    ReasoningDelta {
        delta: String,
    },
    /// The assistant's full message text of one response.
    MessageCompleted {
        text: String,
    },
    ToolStarted {
        call_id: String,
        name: String,
        arguments: Value,
    },
    /// `PreToolUse` hooks rewrote a call's arguments: `arguments` is what
    /// runs instead of those of `ToolStarted` (the model's).
    ToolInputRewritten {
        call_id: String,
        name: String,
        /// The hooks that rewrote them (their labels).
        hook: String,
        arguments: Value,
    },
    /// A piece of a running command's output, as it comes (the terminal
    /// view shows its last lines under the call): at most one per 100 ms
    /// per call, of at most 4 KiB (the end of what came since, from a
    /// line's start after a `\n`, when more did). Raw: escape sequences
    /// and carriage returns as the command wrote them. Not what the model
    /// receives (that is `ToolCompleted`'s `output`), not sent for a
    /// subagent's commands, and not written by `exec --json`.
    ToolOutputDelta {
        call_id: String,
        delta: String,
    },
    ToolCompleted {
        call_id: String,
        name: String,
        /// Wall time, the wait for the user's approval not counted.
        duration_ms: u64,
        /// True for a failed call, a non-zero exit included.
        is_error: bool,
        /// `ok`, `failed`, `denied`, `timed_out` or `interrupted`.
        status: CallStatus,
        /// A shell command's exit code (absent when a signal killed it).
        #[serde(skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
        /// The signal that killed a shell command (`9`: SIGKILL); absent
        /// when it exited or never ran.
        #[serde(skip_serializing_if = "Option::is_none")]
        signal: Option<i32>,
        /// A patch's files: `status`, `path`, `added`, `removed`, `diff`.
        #[serde(skip_serializing_if = "Option::is_none")]
        files: Option<Value>,
        /// What the model receives (capped, head and tail kept).
        output: String,
        /// How many bytes of the tool's output did not reach the model:
        /// what the output cap cut, plus what a command's output lost
        /// before it (the shell keeps the head and tail of a huge one).
        truncated_bytes: usize,
        /// The tool's structured result, when it gave one (absent
        /// otherwise).
        #[serde(skip_serializing_if = "Option::is_none")]
        structured: Option<Value>,
        /// The sandbox a shell command ran in (`read-only`,
        /// `workspace-write`, `danger-full-access` — the last also for an
        /// approved escalation); absent for other tools and for a command
        /// that never ran. `/undo` names the shell's changes only when a
        /// command could write.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sandbox: Option<String>,
    },
    PlanUpdated {
        explanation: Option<String>,
        plan: Vec<PlanStep>,
    },
    /// A request failed and is retried after `delay_ms`.
    Retry {
        attempt: u32,
        max_attempts: u32,
        delay_ms: u64,
        reason: String,
        /// The failed attempt had already sent `text_delta` events (since
        /// this round trip's `turn_started`): they are void, the text
        /// streams again in full, and `message_completed` carries it.
        discarded_text: bool,
    },
    /// History was summarised. `reason` is `auto`, `manual` or
    /// `context_window`.
    Compaction {
        reason: CompactReason,
        items_before: usize,
        items_after: usize,
        tokens_before: u64,
    },
    /// The user went back to an earlier message (Esc Esc, `/rewind N`):
    /// the history from the `to_user_message`-th user message it holds
    /// (counted from 1) on is dropped, `dropped_messages` user messages
    /// with it; `text` is that message as typed, given back to edit.
    /// Files the model changed stay as they are. Recorded in the session
    /// file: a resumed session drops the same part.
    Rewound {
        to_user_message: usize,
        dropped_messages: usize,
        text: String,
    },
    TurnCompleted {
        turn: u32,
        usage: Usage,
        total_usage: Usage,
    },
    /// A task (one user message) ended. `status` is `done`, `failed`,
    /// `interrupted` or `max_turns`.
    TaskCompleted {
        status: TaskState,
        turns: u32,
        usage: Usage,
        /// Why an `interrupted` task stopped: `interrupted by the user`,
        /// or the signal that is stopping quire (`stopped by SIGTERM …`).
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// Records of this session that could not be written to its file
        /// so far (a full disk): a `--resume` will not see them.
        #[serde(skip_serializing_if = "is_zero")]
        unsaved_records: u64,
        /// A `done` task whose answer is cut at the output-token limit or
        /// empty (a warning said so too); absent when it is whole.
        #[serde(skip_serializing_if = "Option::is_none")]
        answer: Option<AnswerGap>,
    },
    /// An image was attached to the user message (`-i FILE`, a pasted
    /// image path), or after a response's tool results (a `view_image`
    /// call): its file name, media type and size in bytes (its data is in
    /// the session file, never in events).
    ImageAttached {
        name: String,
        media_type: String,
        bytes: u64,
    },
    /// A skill's instructions were added to the conversation: for this
    /// message (named with `$name` or `/name`, or a clear match), or
    /// because the model activated it with the `skill` tool (`by`).
    SkillActivated {
        name: String,
        #[serde(default)]
        by: ActivatedBy,
    },
    /// Before the session's first request, quire waits for these MCP
    /// servers to start (each at most its `startup_timeout_sec`).
    McpWaiting {
        servers: Vec<String>,
    },
    /// A hook started (`event` is the hook event, `name` the hook).
    HookStarted {
        name: String,
        event: String,
    },
    /// A hook finished. `outcome` is `ok`, `blocked`, `error`, `timeout`
    /// or `interrupted`; `message` is the block reason or the warning.
    HookCompleted {
        name: String,
        event: String,
        duration_ms: u64,
        outcome: HookOutcome,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    Warning {
        message: String,
    },
    Error {
        message: String,
    },
    /// A subagent spawned while `agents.max_parallel` children run: it
    /// waits for a free slot (its `agent_spawned` comes when it starts; an
    /// `agent_completed` with status `not_started` if it is dropped first).
    AgentQueued {
        agent_id: String,
        parent_id: String,
        agent_name: String,
        task: String,
        /// 1 for a child of the top session, 2 for its children, …
        depth: u32,
        background: bool,
    },
    /// A subagent started (see the README's Subagents section).
    AgentSpawned {
        agent_id: String,
        parent_id: String,
        agent_name: String,
        task: String,
        /// 1 for a child of the top session, 2 for its children, …
        depth: u32,
        background: bool,
        /// The child's session file.
        session_file: String,
    },
    /// A subagent ended. `status` is a task status (`done`, `failed`,
    /// `interrupted`, `max_turns`, `budget`), `error` when it could not
    /// start, or `not_started` when it was dropped while it waited for a
    /// slot (after its `agent_queued`).
    AgentCompleted {
        agent_id: String,
        parent_id: String,
        agent_name: String,
        status: String,
        usage: Usage,
        duration_ms: u64,
        /// The branch of a child run with `isolation = "worktree"`.
        #[serde(skip_serializing_if = "Option::is_none")]
        branch: Option<String>,
    },
    /// An event of a subagent's session: serialised as that event with
    /// `agent_id`, `parent_id` and `agent_name` added.
    #[serde(untagged)]
    Agent(AgentEvent),
}

/// A child session's event with the ids of the child that sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentEvent {
    pub agent_id: String,
    pub parent_id: String,
    pub agent_name: String,
    pub event: Box<Event>,
}

impl Serialize for AgentEvent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut value = serde_json::to_value(&*self.event).map_err(serde::ser::Error::custom)?;
        if let Value::Object(map) = &mut value {
            map.insert("agent_id".into(), self.agent_id.clone().into());
            map.insert("parent_id".into(), self.parent_id.clone().into());
            map.insert("agent_name".into(), self.agent_name.clone().into());
        }
        value.serialize(s)
    }
}

/// Who a child session's events come from.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentTag {
    pub agent_id: String,
    pub parent_id: String,
    pub agent_name: String,
}

/// Where events go. Cloning is cheap; sending never blocks and never fails
/// the caller (a closed receiver just drops events).
#[derive(Clone, Debug)]
pub struct EventSink {
    tx: Option<mpsc::UnboundedSender<Event>>,
    /// Set for a subagent's sink: its events are wrapped in
    /// [`Event::Agent`] (a grandchild's are already wrapped).
    tag: Option<std::sync::Arc<AgentTag>>,
    /// While set, warnings are logged, not sent (see
    /// [`EventSink::muting_warnings`]).
    mute: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl EventSink {
    pub fn channel() -> (EventSink, mpsc::UnboundedReceiver<Event>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (
            EventSink {
                tx: Some(tx),
                tag: None,
                mute: None,
            },
            rx,
        )
    }

    /// A sink that drops everything (tests, tools used standalone).
    pub fn null() -> EventSink {
        EventSink {
            tx: None,
            tag: None,
            mute: None,
        }
    }

    pub fn send(&self, event: Event) {
        let Some(tx) = &self.tx else {
            return;
        };
        if let Event::Warning { message } = &event
            && self
                .mute
                .as_ref()
                .is_some_and(|m| m.load(std::sync::atomic::Ordering::SeqCst))
        {
            tracing::debug!(%message, "warning not shown again");
            return;
        }
        let event = match (&self.tag, event) {
            // A subagent's live command output: its parent's view shows
            // one line per child, so it would only flood the channel.
            (Some(_), Event::ToolOutputDelta { .. }) => return,
            (
                Some(_),
                e @ (Event::Agent(_)
                | Event::AgentQueued { .. }
                | Event::AgentSpawned { .. }
                | Event::AgentCompleted { .. }),
            ) => e,
            (Some(tag), e) => Event::Agent(AgentEvent {
                agent_id: tag.agent_id.clone(),
                parent_id: tag.parent_id.clone(),
                agent_name: tag.agent_name.clone(),
                event: Box::new(e),
            }),
            (None, e) => e,
        };
        let _ = tx.send(event);
    }

    /// A sink for a subagent: its events go to the same stream, tagged.
    pub fn tagged(&self, tag: AgentTag) -> EventSink {
        EventSink {
            tx: self.tx.clone(),
            tag: Some(std::sync::Arc::new(tag)),
            mute: self.mute.clone(),
        }
    }

    /// This sink with its warnings held back until the flag returned is
    /// cleared: a subagent's session, built from the parent's settings,
    /// would repeat every start-up warning the user has already seen.
    pub fn muting_warnings(&self) -> (EventSink, std::sync::Arc<std::sync::atomic::AtomicBool>) {
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let sink = EventSink {
            tx: self.tx.clone(),
            tag: self.tag.clone(),
            mute: Some(flag.clone()),
        };
        (sink, flag)
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(id: &str, parent: &str) -> AgentTag {
        AgentTag {
            agent_id: id.into(),
            parent_id: parent.into(),
            agent_name: "rev".into(),
        }
    }

    #[test]
    fn warnings_are_held_back_while_muted_and_sent_after() {
        let (sink, mut rx) = EventSink::channel();
        let (child, building) = sink.tagged(tag("c1", "p")).muting_warnings();
        child.send(Event::Warning {
            message: "said at start-up".into(),
        });
        child.send(Event::TextDelta { delta: "hi".into() });
        building.store(false, std::sync::atomic::Ordering::SeqCst);
        child.send(Event::Warning {
            message: "new".into(),
        });
        let mut got = Vec::new();
        while let Ok(Event::Agent(a)) = rx.try_recv() {
            got.push(*a.event);
        }
        assert_eq!(
            got,
            vec![
                Event::TextDelta { delta: "hi".into() },
                Event::Warning {
                    message: "new".into()
                }
            ]
        );
    }

    #[test]
    fn a_child_sink_tags_its_events_and_passes_grandchildren_through() {
        let (sink, mut rx) = EventSink::channel();
        let child = sink.tagged(tag("c1", "p"));
        let grandchild = child.tagged(tag("g1", "c1"));
        child.send(Event::TextDelta { delta: "hi".into() });
        grandchild.send(Event::TextDelta {
            delta: "deep".into(),
        });
        let first = serde_json::to_value(rx.try_recv().unwrap()).unwrap();
        assert_eq!(
            first,
            serde_json::json!({"type": "text_delta", "delta": "hi", "agent_id": "c1", "parent_id": "p", "agent_name": "rev"})
        );
        let second = serde_json::to_value(rx.try_recv().unwrap()).unwrap();
        assert_eq!(second["agent_id"], "g1", "the innermost child's ids");
        assert_eq!(second["parent_id"], "c1");
    }
}
