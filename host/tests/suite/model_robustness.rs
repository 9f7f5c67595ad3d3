//! The model layer against hostile or surprising servers, end to end.
mod api_key;
mod base_url;
mod event_limit;
mod retry_after;
mod truncated;
