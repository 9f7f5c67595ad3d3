//! Which assistant message of a task is its answer: the task's last
//! message, when no tool call and no other model round trip came after it.
//! `quire exec` and the line mode with stdout not a terminal write only
//! that one to stdout (the others are steps on the way and go to stderr
//! with the tool lines), and `-o FILE` receives it. A task that ended while more work
//! was under way (interrupted, failed, stopped at the turn limit after a
//! tool call) has no answer.

use quire::agent::Event;
use quire::protocol::TaskState;

use super::render::Renderer;

/// What an event settled about the message held back.
#[derive(Debug, PartialEq)]
pub enum Settled {
    /// More work followed the message: a step on the way.
    Step(String),
    /// The task ended with the message as its last word.
    Answer(String),
}

/// Follows one session's events (a subagent's, wrapped in
/// [`Event::Agent`], are not its own).
#[derive(Debug, Default)]
pub struct FinalAnswer {
    held: Option<String>,
    answer: Option<String>,
}

impl FinalAnswer {
    pub fn event(&mut self, event: &Event) -> Option<Settled> {
        match event {
            Event::MessageCompleted { text } => self.held.replace(text.clone()).map(Settled::Step),
            Event::TurnStarted { .. } | Event::ToolStarted { .. } => {
                self.held.take().map(Settled::Step)
            }
            // A failed task has no answer (an answer `--output-schema`
            // refused included): its last message was a step.
            Event::TaskCompleted {
                status: TaskState::Failed,
                ..
            } => {
                self.answer = None;
                self.held.take().map(Settled::Step)
            }
            Event::TaskCompleted { .. } => {
                self.answer = self.held.take();
                self.answer.clone().map(Settled::Answer)
            }
            _ => None,
        }
    }

    /// The answer of the last task that ended (`None`: it had none).
    pub fn answer(&self) -> Option<&str> {
        self.answer.as_deref()
    }
}

/// A renderer that also notes the answer (for `-o FILE`, whichever view
/// renders), and holds the task's `TaskCompleted` back until
/// [`Noting::end_task`]: what `exec` says about the answer (`-o`) comes
/// before it, so a reader that stops at `task_completed` misses nothing.
pub struct Noting<'a> {
    pub inner: &'a mut dyn Renderer,
    pub answer: FinalAnswer,
    held_end: Option<Event>,
}

impl<'a> Noting<'a> {
    pub fn new(inner: &'a mut dyn Renderer) -> Self {
        Noting {
            inner,
            answer: FinalAnswer::default(),
            held_end: None,
        }
    }

    /// Passes on the held `TaskCompleted`; `failure` (the answer could not
    /// be kept) makes it `failed` with that reason.
    pub fn end_task(&mut self, failure: Option<String>) {
        let Some(mut end) = self.held_end.take() else {
            return;
        };
        if let (Some(why), Event::TaskCompleted { status, reason, .. }) = (failure, &mut end) {
            *status = TaskState::Failed;
            *reason = Some(why);
        }
        self.inner.event(&end);
    }
}

impl Renderer for Noting<'_> {
    fn event(&mut self, event: &Event) {
        self.answer.event(event);
        if matches!(event, Event::TaskCompleted { .. }) {
            // A second task's end (none in exec) lets the first one's go.
            self.end_task(None);
            self.held_end = Some(event.clone());
            return;
        }
        self.inner.event(event);
    }

    fn tick(&mut self) {
        self.inner.tick();
    }

    fn clear_status(&mut self) {
        self.inner.clear_status();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quire::protocol::{TaskState, Usage};

    fn message(text: &str) -> Event {
        Event::MessageCompleted { text: text.into() }
    }

    fn task_completed() -> Event {
        Event::TaskCompleted {
            status: TaskState::Done,
            turns: 1,
            usage: Usage::default(),
            reason: None,
            unsaved_records: 0,
            answer: None,
        }
    }

    fn tool_started() -> Event {
        Event::ToolStarted {
            call_id: "c".into(),
            name: "shell".into(),
            arguments: serde_json::json!({}),
        }
    }

    #[test]
    fn a_message_followed_by_work_is_a_step_and_the_last_one_the_answer() {
        let mut f = FinalAnswer::default();
        assert_eq!(f.event(&message("let me check.")), None);
        assert_eq!(
            f.event(&tool_started()),
            Some(Settled::Step("let me check.".into()))
        );
        assert_eq!(f.event(&Event::TurnStarted { turn: 2 }), None);
        f.event(&message("one"));
        // A Stop hook kept the model going: another round trip.
        assert_eq!(
            f.event(&Event::TurnStarted { turn: 3 }),
            Some(Settled::Step("one".into()))
        );
        f.event(&message("done"));
        assert_eq!(
            f.event(&task_completed()),
            Some(Settled::Answer("done".into()))
        );
        assert_eq!(f.answer(), Some("done"));
    }

    #[test]
    fn a_task_that_ended_after_a_tool_call_has_no_answer() {
        let mut f = FinalAnswer::default();
        f.event(&message("let me check."));
        f.event(&tool_started());
        assert_eq!(f.event(&task_completed()), None);
        assert_eq!(f.answer(), None);
    }
}
