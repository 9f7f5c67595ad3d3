//! The turn loop: send the history, stream the answer, run the tool calls,
//! repeat until the model answers without tool calls.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_util::sync::CancellationToken;

use super::task_error::{agent_status, status_of};
use super::{Event, Session};
use crate::model::retry::{self, CompleteError, RetryNotice};
use crate::model::{Item, ModelError, ModelRequest, Usage};
use crate::protocol::{AnswerGap, CompactReason, TaskState};

/// How a task ended.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskStatus {
    /// The model answered without tool calls.
    Done,
    /// A provider error (after retries) or another failure.
    Failed(String),
    /// The user interrupted.
    Interrupted,
    /// `max_turns` round trips were used up.
    MaxTurns,
    /// A hook blocked the prompt or stopped the agent (`continue: false`).
    Blocked(String),
    /// The session's token budget (a subagent's) was used up and the
    /// model did not finish when asked to.
    Budget,
}

impl TaskStatus {
    pub fn label(&self) -> &'static str {
        match self {
            TaskStatus::Done => "done",
            TaskStatus::Failed(_) => "failed",
            TaskStatus::Interrupted => "interrupted",
            TaskStatus::MaxTurns => "max_turns",
            TaskStatus::Blocked(_) => "blocked",
            TaskStatus::Budget => "budget",
        }
    }

    /// The status the `TaskCompleted` event carries.
    pub fn state(&self) -> TaskState {
        match self {
            TaskStatus::Done => TaskState::Done,
            TaskStatus::Failed(_) => TaskState::Failed,
            TaskStatus::Interrupted => TaskState::Interrupted,
            TaskStatus::MaxTurns => TaskState::MaxTurns,
            TaskStatus::Blocked(_) => TaskState::Blocked,
            TaskStatus::Budget => TaskState::Budget,
        }
    }
}

/// The result of [`Session::run_task`].
#[derive(Debug, Clone, PartialEq)]
pub struct TaskOutcome {
    pub status: TaskStatus,
    pub turns: u32,
    pub usage: Usage,
    /// The last assistant message.
    pub final_text: String,
    /// The model called a tool (a subagent's `SubagentStop` blocks count
    /// from zero again, as `Stop`'s do).
    pub called_tools: bool,
}

/// Times in a row (the model answering without a tool call between) Stop
/// hooks may keep the model going before the turn ends anyway: a hook
/// that always blocks would otherwise spend every turn up to `max_turns`.
pub(crate) const MAX_STOP_BLOCKS: u32 = 8;

impl Session {
    /// Runs one task: the user's message, then model round trips and tool
    /// calls until the model is done, the user interrupts (`cancel`), an
    /// error stops it, or `max_turns` is reached.
    pub async fn run_task(&mut self, user_text: &str, cancel: CancellationToken) -> TaskOutcome {
        self.record_task_started();
        let images = std::mem::take(&mut self.pending_images);
        let typed = self
            .attached_from
            .take()
            .filter(|&at| user_text.is_char_boundary(at))
            .unwrap_or(user_text.len());
        let start_context = self.hooks_session_start().await;
        let hook_context = match self.hooks_prompt(user_text).await {
            Ok(c) => c,
            Err(reason) => {
                self.record_start_context(start_context);
                return self.blocked_task(reason);
            }
        };
        // Settled first: a message sent again replaces its unanswered copy
        // only when nothing was recorded after it.
        self.settle_unanswered(user_text);
        self.record_start_context(start_context);
        let message_at = self.history.len();
        self.record(Item::User {
            text: user_text.to_string(),
            typed: Some(typed),
        });
        self.record_images(images);
        self.record_prompt_context(hook_context);
        self.record_later_context();
        self.note_settings_change();
        let not_ready = self.wait_ready(&cancel).await;
        // After the wait, so notes about servers and the tools they bring
        // are as current as they can be.
        self.apply_tool_changes();
        self.tool_selection.refresh(&self.tools);
        let extra: Vec<Item> = self
            .extensions
            .iter()
            .flat_map(|e| e.on_user_message(user_text))
            .collect();
        for item in extra {
            if let Item::SkillActivation { name, .. } = &item {
                self.events.send(Event::SkillActivated {
                    name: name.clone(),
                    by: crate::protocol::ActivatedBy::Message,
                });
            }
            self.record(item);
        }
        let mut not_ready = not_ready;
        // The task's usage is what the session's total grew by: its
        // requests and its compactions' hand-off requests. The subagents'
        // tokens count in it too (as in the session's total).
        let own_before = self.total_usage;
        let children_before = self.extensions_usage();
        let mut turns = 0u32;
        let mut final_text = String::new();
        let mut compacted_for_window = false;
        self.compaction_stuck = false;
        let mut stop_hook_active = false;
        // Times in a row (no tool call between) a Stop hook kept the model
        // going.
        let mut stop_blocks = 0u32;
        let mut called_tools = false;
        let mut asked_to_finish = false;
        // What is wrong with the last answer, when the task ends with it.
        let mut answer_gap = None;
        let status = loop {
            if let Some(s) = not_ready.take() {
                break s;
            }
            if cancel.is_cancelled() {
                break TaskStatus::Interrupted;
            }
            if turns >= self.config.max_turns {
                break TaskStatus::MaxTurns;
            }
            // The request's tools count in its size: chosen before the
            // check (compaction keeps the list as it is).
            self.apply_tool_changes();
            let tools = self.turn_tools(user_text);
            if self.needs_compaction(&tools)
                && let Err(e) = self.compact(CompactReason::Auto, &cancel).await
            {
                break agent_status(e);
            }
            turns += 1;
            self.events.send(Event::TurnStarted { turn: turns });
            let mut response = match self.request(tools, &cancel).await {
                Ok(r) => r,
                Err(CompleteError::Model(ModelError::ContextWindow(msg)))
                    if !compacted_for_window =>
                {
                    compacted_for_window = true;
                    // The same tools as the refused request (nothing was
                    // recorded since). A failed compaction ends the task
                    // after this started turn; a done one asks again as
                    // the same turn.
                    let tools = self.turn_tools(user_text);
                    if let Err(status) = self.compact_for_refused(&msg, &tools, &cancel).await {
                        break status;
                    }
                    turns -= 1;
                    continue;
                }
                // Refused for images view_image just attached: sent again
                // without them.
                Err(CompleteError::Model(e)) if self.withdraw_refused_tool_images(&e) => {
                    turns -= 1;
                    continue;
                }
                Err(e) => {
                    if matches!(e, CompleteError::Interrupted) {
                        self.keep_partial_answer();
                    }
                    break status_of(e);
                }
            };
            // The answer filled the context window: compacted and asked
            // again once, or kept as a cut answer.
            if response.window_full && !compacted_for_window {
                compacted_for_window = true;
                let tools = self.turn_tools(user_text);
                match self
                    .compact_for_full_answer(&response, &tools, &cancel)
                    .await
                {
                    Ok(true) => {
                        turns -= 1;
                        continue;
                    }
                    Ok(false) => {}
                    Err(status) => break status,
                }
            }
            if let Some(u) = response.usage {
                self.total_usage.add(&u);
            }
            let answered_nothing = response.text.is_empty() && response.tool_calls.is_empty();
            let limit = self.config.max_output_tokens_for(&self.model);
            // The calls the output-token limit cut (arguments not a whole
            // JSON object): they are not run.
            let cut_name = response
                .tool_calls
                .iter()
                .rfind(|c| response.cut(c) && response.refused.is_none())
                .map(|c| c.name.clone());
            // Ids made unique before anything of the reply is recorded, so
            // what the server attached to a call keeps to it.
            super::call_ids::make_unique_with_extras(
                &mut response.tool_calls,
                &mut response.thinking,
                &self.history,
            );
            // Thinking goes first: the Anthropic wire sends it back before
            // the turn's text and tool calls.
            for item in std::mem::take(&mut response.thinking) {
                self.record(item);
            }
            if !response.text.is_empty() {
                final_text = response.text.clone();
                self.events.send(Event::MessageCompleted {
                    text: response.text.clone(),
                });
                self.record(Item::Assistant {
                    text: std::mem::take(&mut response.text),
                });
            }
            if response.truncated {
                let wire = self.client.wire_api();
                self.events.send(Event::Warning {
                    message: match response.window_full {
                        true => super::truncated::window_warning(cut_name.as_deref()),
                        false => super::truncated::warning(limit, wire, cut_name.as_deref()),
                    },
                });
            }
            // A refused answer ends the task: its calls are not run.
            let calls = if response.refused.is_some() {
                Vec::new()
            } else {
                std::mem::take(&mut response.tool_calls)
            };
            for call in &calls {
                self.record(Item::ToolCall {
                    call_id: call.call_id.clone(),
                    name: call.name.clone(),
                    arguments: call.arguments.clone(),
                });
            }
            self.last_usage = response.usage.map(|u| (u, self.history.len()));
            self.emit_recorded(Event::TurnCompleted {
                turn: turns,
                usage: response.usage.unwrap_or_default(),
                total_usage: self.total_usage(),
            });
            if let Some(why) = &response.refused {
                break TaskStatus::Failed(format!(
                    "the provider stopped the answer: {why}; what it said so far may be incomplete. Rephrase the request, or check the provider's content policy"
                ));
            }
            if calls.is_empty() {
                answer_gap = match (response.truncated, answered_nothing) {
                    (true, _) => Some(AnswerGap::Cut),
                    (false, true) => Some(AnswerGap::Empty),
                    (false, false) => None,
                };
                if answered_nothing {
                    self.events.send(Event::Warning {
                        message: "the model's answer was empty (no text and no tool call)".into(),
                    });
                }
                // The answer is this turn's text (`final_text` keeps an
                // earlier turn's only when this one said nothing).
                if !answered_nothing
                    && let Some(start) =
                        super::written_call::written_call(&final_text, &self.tools.names())
                {
                    break TaskStatus::Failed(super::written_call::failure(&start));
                }
                if stop_blocks >= MAX_STOP_BLOCKS {
                    self.events.send(Event::Warning {
                        message: format!(
                            "Stop hooks kept the model going {MAX_STOP_BLOCKS} times in a row; the turn ends here without asking them again (`quire hooks list` shows them)"
                        ),
                    });
                    break TaskStatus::Done;
                }
                if self
                    .hooks_stop(stop_hook_active, &final_text)
                    .await
                    .is_some()
                {
                    stop_hook_active = true;
                    stop_blocks += 1;
                    continue;
                }
                break TaskStatus::Done;
            }
            // The model worked on: Stop blocks count from zero again.
            stop_blocks = 0;
            called_tools = true;
            let (cut, calls): (Vec<_>, Vec<_>) = calls.into_iter().partition(|c| response.cut(c));
            let ctx = self.tool_context(cancel.clone());
            self.hand_out_scope();
            let wire = self.client.wire_api();
            self.image_intake.set(wire, self.images_refused);
            let mut images = Vec::new();
            // The calls that worked: only they bring folders' instructions.
            let mut worked = Vec::new();
            // Each result is written to the session file as soon as it is
            // known, so a killed process keeps every finished call.
            let Session {
                tools,
                writer,
                history,
                events,
                images_refused,
                ..
            } = self;
            tools
                .run_calls(&calls, &ctx, &mut |r| {
                    let (item, image) = super::tool_images::result_item(r, wire, *images_refused);
                    images.extend(image);
                    // What ran when hooks rewrote the model's arguments.
                    if let Some(rw) = &r.rewritten {
                        let event = Event::ToolInputRewritten {
                            call_id: r.call_id.clone(),
                            name: r.name.clone(),
                            hook: rw.hook.clone(),
                            arguments: rw.arguments.clone(),
                        };
                        if let Err(e) = writer.append_event(&event) {
                            tracing::warn!(error = %e, "session file not updated");
                        }
                    }
                    if let Err(e) = writer.append_result(&item, r.status) {
                        events.send(Event::Warning {
                            message: format!("session file not updated: {e}"),
                        });
                    }
                    // What /undo needs of a patch after a resume.
                    if let Some(files) = &r.files
                        && let Err(e) = writer.append_patched(&r.call_id, files)
                    {
                        tracing::warn!(error = %e, "session file not updated");
                    }
                    // ...and of a shell command that changed nothing.
                    if super::patch_records::shell_no_writes(r)
                        && let Err(e) = writer.append_shell_no_writes(&r.call_id)
                    {
                        tracing::warn!(error = %e, "session file not updated");
                    }
                    history.push(item);
                    let call = calls.iter().find(|c| c.call_id == r.call_id);
                    worked.extend(call.and_then(|c| super::folder_docs::worked(c, r)));
                })
                .await;
            // After all the results: tool messages stay together (Chat).
            self.record_images(images);
            self.record_folder_docs(&worked);
            for call in &cut {
                self.refuse_cut_call(call, limit);
            }
            if let Some(reason) = self.hook_stop_request() {
                break TaskStatus::Blocked(reason);
            }
            if self.over_budget() {
                if asked_to_finish {
                    break TaskStatus::Budget;
                }
                asked_to_finish = true;
                self.ask_to_finish();
            }
        };
        self.settle_at_end(&cancel).await;
        if let TaskStatus::Failed(msg) = &status {
            self.emit_recorded(Event::Error {
                message: msg.clone(),
            });
        }
        if let TaskStatus::Blocked(msg) = &status {
            self.events.send(Event::Warning {
                message: format!("stopped by a hook: {msg}"),
            });
        }
        let mut usage = self.total_usage.since(&own_before);
        usage.add(&self.extensions_usage().since(&children_before));
        let reason =
            matches!(status, TaskStatus::Interrupted).then(crate::protocol::interrupt::reason);
        self.emit_recorded(Event::TaskCompleted {
            status: status.state(),
            turns,
            usage,
            reason,
            unsaved_records: self.writer.unsaved(),
            answer: answer_gap.filter(|_| matches!(status, TaskStatus::Done)),
        });
        self.note_unanswered(message_at, user_text, &status);
        self.notify_turn_end(&status, user_text, &final_text);
        self.hooks_idle().await;
        TaskOutcome {
            status,
            turns,
            usage,
            final_text,
            called_tools,
        }
    }

    /// Waits for what the extensions need before the first request (MCP
    /// servers still starting); `Some` when the task cannot go on.
    async fn wait_ready(&self, cancel: &CancellationToken) -> Option<TaskStatus> {
        let waits: Vec<_> = self.extensions.iter().filter_map(|e| e.ready()).collect();
        for wait in waits {
            tokio::select! {
                r = wait => if let Err(msg) = r {
                    return Some(TaskStatus::Failed(msg));
                },
                _ = cancel.cancelled() => return Some(TaskStatus::Interrupted),
            }
        }
        None
    }

    /// A task a `UserPromptSubmit` hook blocked: the prompt is dropped and
    /// the user is told why.
    fn blocked_task(&mut self, reason: String) -> TaskOutcome {
        self.events.send(Event::Warning {
            message: format!("prompt blocked by a hook: {reason}"),
        });
        self.emit_recorded(Event::TaskCompleted {
            status: TaskState::Blocked,
            turns: 0,
            usage: Usage::default(),
            reason: None,
            unsaved_records: self.writer.unsaved(),
            answer: None,
        });
        TaskOutcome {
            status: TaskStatus::Blocked(reason),
            turns: 0,
            usage: Usage::default(),
            final_text: String::new(),
            called_tools: false,
        }
    }

    /// One model round trip carrying `tools` (from [`Session::turn_tools`])
    /// with retries; text streams out as events.
    pub(crate) async fn request(
        &mut self,
        tools: Vec<crate::tools::ToolSpec>,
        cancel: &CancellationToken,
    ) -> Result<retry::Response, CompleteError> {
        let request = ModelRequest {
            model: self.model.clone(),
            instructions: self.instructions(),
            items: crate::images::budget::within(&self.history, self.client.wire_api()),
            tools,
            max_output_tokens: self.config.max_output_tokens_for(&self.model),
            cache_key: Some(self.id().to_string()),
            reasoning: self.config.reasoning_for(&self.model),
            output_schema: self.output_schema.clone(),
        };
        self.send_request(&request, cancel, true).await
    }

    /// The tools a request for a turn started by `user_text` carries: all
    /// of them, or, past `tool_selection.threshold`, the selected ones. A
    /// changed list is recorded in the session file (a resumed session
    /// sends it again); tools of the list that no longer exist are named.
    pub(crate) fn turn_tools(&mut self, user_text: &str) -> Vec<crate::tools::ToolSpec> {
        self.tool_selection.refresh(&self.tools);
        let specs = self.tool_selection.turn_specs(&self.history, user_text);
        let dropped = self.tool_selection.take_dropped();
        if !dropped.is_empty() {
            self.events.send(Event::Warning {
                message: format!(
                    "tools sent earlier in this session no longer exist and were dropped from the tool list: {} (their MCP server or plugin is gone; `quire mcp list` and `quire plugins list` show what is configured)",
                    dropped.join(", ")
                ),
            });
        }
        if let Some(names) = self.tool_selection.unrecorded()
            && let Err(e) = self.writer.append_tools(&names)
        {
            self.events.send(Event::Warning {
                message: format!("session file not updated: {e}"),
            });
        }
        let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
        for ext in &self.extensions {
            ext.on_tools_sent(&names);
        }
        self.tools.set_offered(names);
        specs
    }

    pub(crate) async fn send_request(
        &self,
        request: &ModelRequest,
        cancel: &CancellationToken,
        stream_text: bool,
    ) -> Result<retry::Response, CompleteError> {
        let events = self.events.clone();
        let events2 = self.events.clone();
        // Whether this attempt sent text already (void once it fails).
        let sent_text = Arc::new(AtomicBool::new(false));
        let sent_text2 = sent_text.clone();
        // What this attempt streamed, kept when the user interrupts it.
        let partial = self.partial.clone();
        let partial2 = self.partial.clone();
        partial.clear();
        // `hide_reasoning`: the reasoning summary is not shown anywhere.
        let hide_reasoning = self.config.hide_reasoning;
        let mut on_delta = move |d: retry::Delta<'_>| {
            if !stream_text || hide_reasoning && matches!(d, retry::Delta::Reasoning(_)) {
                return;
            }
            events.send(match d {
                retry::Delta::Text(d) => {
                    sent_text.store(true, Ordering::Relaxed);
                    partial.push(d);
                    Event::TextDelta {
                        delta: d.to_string(),
                    }
                }
                retry::Delta::Reasoning(d) => Event::ReasoningDelta {
                    delta: d.to_string(),
                },
            });
        };
        let mut on_retry = move |n: &RetryNotice| {
            partial2.clear();
            events2.send(Event::Retry {
                attempt: n.attempt,
                max_attempts: n.max_retries,
                delay_ms: n.delay.as_millis() as u64,
                reason: n.reason.clone(),
                discarded_text: sent_text2.swap(false, Ordering::Relaxed),
            });
        };
        retry::complete(
            self.client.as_ref(),
            request,
            &self.config.retry,
            cancel,
            &mut on_delta,
            &mut on_retry,
        )
        .await
        .map_err(|e| self.with_model_place(e))
    }
}
