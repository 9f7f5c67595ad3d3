//! The model layer against hostile or surprising servers, end to end.
mod api_key;
mod base_url;
mod call_ids;
mod cut_call;
mod event_limit;
mod lone_surrogate;
mod refused;
mod retry_after;
mod stream_end;
mod strict_servers;
mod truncated;
