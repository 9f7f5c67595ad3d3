//! The model layer against hostile or surprising servers, end to end.
mod api_key;
mod base_url;
mod call_extra;
mod call_ids;
mod cut_call;
mod event_limit;
mod hopeless_stream_errors;
mod lone_surrogate;
mod parallel_calls;
mod reasoning_shown;
mod refused;
mod retry_after;
mod slow_event;
mod stream_end;
mod stream_status;
mod strict_servers;
mod truncated;
