//! The model layer against hostile or surprising servers, end to end.
mod event_limit;
mod retry_after;
mod truncated;
