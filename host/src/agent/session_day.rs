//! The day a session began, as its environment block states it (the
//! system prompt stays the same for the whole session).

/// Today, local time (`2026-12-07`).
pub fn today() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

/// The local day of `created` (a session file's RFC 3339 creation time);
/// today when it cannot be read.
pub fn day_of(created: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(created) {
        Ok(t) => t
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d")
            .to_string(),
        Err(e) => {
            tracing::debug!(created, error = %e, "session creation time unreadable");
            today()
        }
    }
}
