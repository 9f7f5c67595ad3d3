//! Since when the model's answer is awaited: from the start of a round
//! trip until any of it comes (text, reasoning, a call) or the turn ends.
//! Both front ends say so while it lasts (a server that accepts and never
//! answers would otherwise show nothing for minutes).

use std::time::Instant;

use quire::agent::Event;

#[derive(Debug, Default, Clone, Copy)]
pub struct ModelWait {
    since: Option<Instant>,
}

impl ModelWait {
    pub fn track(&mut self, ev: &Event) {
        match ev {
            Event::TurnStarted { .. } => self.since = Some(Instant::now()),
            Event::TextDelta { .. }
            | Event::ReasoningDelta { .. }
            | Event::MessageCompleted { .. }
            | Event::ToolStarted { .. }
            | Event::TurnCompleted { .. }
            | Event::TaskCompleted { .. }
            | Event::Error { .. } => self.since = None,
            _ => {}
        }
    }

    /// When the wait began; `None` when nothing is awaited.
    pub fn since(&self) -> Option<Instant> {
        self.since
    }

    pub fn end(&mut self) {
        self.since = None;
    }
}
