//! The agent: a [`Session`] runs the turn loop over the model, the tools and
//! the store, and reports everything as [`Event`]s.

mod announce;
mod budget;
mod call_ids;
mod compact;
mod compact_keep;
mod compact_room;
mod context_use;
mod current_model;
mod doc_text;
mod docs_reread;
mod error;
mod estimate;
mod extension;
mod fold;
mod folder_docs;
mod handoff;
mod hook_points;
mod images;
mod memory_imports;
mod message_scope;
mod model_place;
mod notify;
pub mod partial;
mod patch_records;
mod permissions;
pub mod prompt;
pub(crate) mod resumed_settings;
mod rewind;
mod session;
mod session_day;
mod settings_said;
mod task_error;
mod task_too_long;
mod tool_images;
mod truncated;
mod turn;
mod unanswered;
mod window_exceeded;
mod written_call;
pub(crate) use turn::MAX_STOP_BLOCKS;

pub use crate::protocol::CompactReason;
pub use crate::protocol::{AgentEvent, AgentTag, Event, EventSink, PlanStep};
pub use compact::HANDOFF_PROMPT;
pub use current_model::CurrentModel;
pub use error::AgentError;
pub use extension::{Extension, ToolChange};
pub use permissions::PermissionsRefused;
pub use rewind::{RewindError, Rewound};
pub use session::{Session, SessionOptions, SessionParts, find_session};
pub use settings_said::SETTINGS_SOURCE;
pub use task_error::describe;
pub use turn::{TaskOutcome, TaskStatus};

/// `agent::event` as before the [`crate::protocol`] module.
pub mod event {
    pub use crate::protocol::{AgentEvent, AgentTag, Event, EventSink, PlanStep};
}
