//! The agent: a [`Session`] runs the turn loop over the model, the tools and
//! the store, and reports everything as [`Event`]s.

mod event;

pub use event::{Event, EventSink, PlanStep};
