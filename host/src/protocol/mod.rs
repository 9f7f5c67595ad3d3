//! What every part of quire speaks: the [`Event`] stream, the history
//! [`Item`]s, tool specs, calls and results, [`Usage`] and the statuses
//! events carry.
//!
//! This module imports nothing else of quire (`scripts/check-imports`
//! checks it): `agent`, `tools`, `store`, `mcp`, `skills` and `plugins`
//! depend on it instead of on each other's internals.

mod event;
pub mod interrupt;
mod item;
mod status;
mod tool;

pub use event::{AgentEvent, AgentTag, Event, EventSink, PlanStep};
pub use item::{Item, ToolCall, Usage};
pub use status::{ActivatedBy, AnswerGap, CallStatus, CompactReason, HookOutcome, TaskState};
pub use tool::{CallResult, Rewritten, ToolError, ToolOutput, ToolSpec};
