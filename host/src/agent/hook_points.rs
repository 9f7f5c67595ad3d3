//! Where the session runs hooks outside tool calls (tool events fire in
//! the tool registry): `SessionStart` (before the first message after a
//! start, resume, `/new` or compaction), `UserPromptSubmit`, `Stop`,
//! `PreCompact`, `Notification` (waiting for the next message) and
//! `SessionEnd`. `SubagentStart`/`SubagentStop` are reserved: subagents do
//! not exist yet.

use serde_json::{Map, Value};

use super::{CompactReason, Session};
use crate::hooks::HookEvent;
use crate::model::Item;

/// The `source` of the [`Item::Context`] holding hooks' context.
pub(crate) const HOOK_CONTEXT_SOURCE: &str = "hooks";

impl Session {
    /// Runs `event` with `fields` (nothing when no hook is configured).
    async fn hook(
        &self,
        event: HookEvent,
        target: Option<&str>,
        fields: Map<String, Value>,
    ) -> Option<crate::hooks::Decision> {
        let hooks = self.hooks.as_ref().filter(|h| h.has(event))?;
        Some(hooks.run(event, target, fields).await)
    }

    /// Adds hook output to the conversation as context for the model: an
    /// [`Item::Context`] (sent as more text of the user message on Chat, a
    /// block of the user turn on Anthropic, a `developer` message on
    /// Responses), never a user message of its own.
    fn record_hook_context(&mut self, event: HookEvent, text: String) {
        self.record(Item::Context {
            source: HOOK_CONTEXT_SOURCE.to_string(),
            text: format!("<hook_context event=\"{event}\">\n{text}\n</hook_context>"),
        });
    }

    /// `SessionStart`, once after a start, resume, `/new` or compaction:
    /// the context its hooks added, for [`Session::record_start_context`].
    pub(crate) async fn hooks_session_start(&mut self) -> Option<String> {
        let source = self.pending_start.take()?;
        let fields = one("source", source);
        self.hook(HookEvent::SessionStart, Some(source), fields)
            .await
            .and_then(|d| d.context_text())
    }

    /// Runs the `SessionStart` hooks now when they are still to run (a
    /// no-op else), their context recorded at once: before a `!COMMAND`
    /// or a custom command's `` !`…` `` lines, which then get what the
    /// hooks set in `CLAUDE_ENV_FILE`, as in Claude Code, where the hooks
    /// run when the session starts.
    pub async fn run_start_hooks(&mut self) {
        let context = self.hooks_session_start().await;
        self.record_start_context(context);
    }

    /// Records the context from `SessionStart` hooks (before the message
    /// it came with, after a message that got no answer is settled).
    pub(crate) fn record_start_context(&mut self, context: Option<String>) {
        if let Some(c) = context {
            self.record_hook_context(HookEvent::SessionStart, c);
        }
    }

    /// `UserPromptSubmit`: `Err(reason)` when a hook blocked the prompt,
    /// else the context the hooks added. Only for the user's prompts, as in
    /// Claude Code: a subagent (it runs its parent's hooks) gets its tasks
    /// from a model, so its session never runs it.
    pub(crate) async fn hooks_prompt(&mut self, prompt: &str) -> Result<Option<String>, String> {
        if !self.own_hooks {
            return Ok(None);
        }
        let Some(d) = self
            .hook(HookEvent::UserPromptSubmit, None, one("prompt", prompt))
            .await
        else {
            return Ok(None);
        };
        let context = d.context_text();
        match d.block.or(d.stop) {
            Some(reason) => Err(reason),
            None => Ok(context),
        }
    }

    /// Records the context from `UserPromptSubmit` hooks.
    pub(crate) fn record_prompt_context(&mut self, context: Option<String>) {
        if let Some(c) = context {
            self.record_hook_context(HookEvent::UserPromptSubmit, c);
        }
    }

    /// Records what background hooks (`"async": true`) answered since
    /// the last message (`hooks::background`): context with this one.
    /// A subagent shares its parent's hooks and leaves it to the parent.
    pub(crate) fn record_later_context(&mut self) {
        if !self.own_hooks {
            return;
        }
        let later = self.hooks.as_ref().map(|h| h.take_later());
        for (event, text) in later.unwrap_or_default() {
            self.record_hook_context(event, text);
        }
    }

    /// `Stop`: the reason to go on when a hook blocks stopping.
    pub(crate) async fn hooks_stop(&mut self, active: bool, last: &str) -> Option<String> {
        // A subagent (it runs its parent's hooks) ends with `SubagentStop`,
        // fired by its manager; `Stop` is the main agent's, as in Claude Code.
        if !self.own_hooks {
            return None;
        }
        let mut fields = one("stop_hook_active", active);
        fields.insert("last_assistant_message".into(), last.into());
        let d = self.hook(HookEvent::Stop, None, fields).await?;
        if d.stop.is_some() {
            return None;
        }
        let reason = d.block?;
        self.record(Item::user(format!(
            "<hook_context event=\"Stop\">\nDo not stop yet: {reason}\n</hook_context>"
        )));
        Some(reason)
    }

    /// A hook's `continue: false` since the last check.
    pub(crate) fn hook_stop_request(&self) -> Option<String> {
        self.hooks.as_ref().and_then(|h| h.take_stop())
    }

    /// `PreCompact`, and `SessionStart` with source `compact` afterwards.
    pub(crate) async fn hooks_pre_compact(&mut self, reason: CompactReason) {
        let trigger = match reason {
            CompactReason::Manual => "manual",
            _ => "auto",
        };
        let mut fields = one("trigger", trigger);
        fields.insert("custom_instructions".into(), "".into());
        self.hook(HookEvent::PreCompact, Some(trigger), fields)
            .await;
        if self.hooks.is_some() && self.own_hooks {
            self.pending_start = Some("compact");
        }
    }

    /// `Notification`: an interactive session waits for the next message.
    pub(crate) async fn hooks_idle(&self) {
        if let Some(h) = &self.hooks
            && self.approver.is_interactive()
        {
            h.notify("idle_prompt", "quire is waiting for your input")
                .await;
        }
    }

    /// `SessionEnd`: call when the session is over (`reason`:
    /// `prompt_input_exit`, `clear`, `other`). What its messages left
    /// running in the background stops first, its end recorded.
    pub async fn end(&mut self, reason: &str) {
        self.stop_at_session_end(reason).await;
        self.hook(HookEvent::SessionEnd, Some(reason), one("reason", reason))
            .await;
    }

    /// `/new`: `SessionEnd` (clear) for the old session in the background,
    /// then `SessionStart` (clear) before the next message.
    pub(crate) fn hooks_restart(&mut self, old_id: String, old_path: std::path::PathBuf) {
        let Some(hooks) = self.hooks.clone().filter(|_| self.own_hooks) else {
            return;
        };
        hooks.set_session(self.writer.id(), self.writer.path().to_path_buf());
        self.pending_start = Some("clear");
        if hooks.has(HookEvent::SessionEnd)
            && let Ok(rt) = tokio::runtime::Handle::try_current()
        {
            let mut fields = one("reason", "clear");
            fields.insert("session_id".into(), old_id.into());
            fields.insert(
                "transcript_path".into(),
                old_path.display().to_string().into(),
            );
            rt.spawn(async move {
                hooks
                    .run(HookEvent::SessionEnd, Some("clear"), fields)
                    .await;
            });
        }
    }
}

fn one(key: &str, value: impl Into<Value>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(key.into(), value.into());
    m
}
