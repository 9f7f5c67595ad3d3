//! The agent: a [`Session`] runs the turn loop over the model, the tools and
//! the store, and reports everything as [`Event`]s.

mod budget;
mod compact;
mod error;
mod event;
mod extension;
mod hook_points;
pub mod prompt;
mod session;
mod turn;

pub use compact::{CompactReason, HANDOFF_PROMPT};
pub use error::AgentError;
pub use event::{AgentEvent, AgentTag, Event, EventSink, PlanStep};
pub use extension::{Extension, ToolChange};
pub use session::{Session, SessionOptions, SessionParts, find_session};
pub use turn::{TaskOutcome, TaskStatus, describe};
