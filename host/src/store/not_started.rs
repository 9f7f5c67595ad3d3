//! A subagent's session that never started: dropped while it waited for
//! a slot (`agents.max_parallel`), its file gets an event record
//! (`{"type":"not_started","reason":…}`) in place of a task, and reads
//! back as a last task with status `not_started`. Older quire reads the
//! record as any other event and ignores it.

use serde_json::{Value, json};

/// The event's `type`, and the status it reads back as.
pub const NOT_STARTED: &str = "not_started";

/// The event record of a session never started, for `why`.
pub fn event(why: &str) -> Value {
    json!({ "type": NOT_STARTED, "reason": why })
}

/// Why `event` says its session never started, when it is that record.
pub fn seen(event: &Value) -> Option<&str> {
    (event.get("type")?.as_str()? == NOT_STARTED).then(|| {
        event
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_reads_back_and_other_events_do_not() {
        assert_eq!(seen(&event("why")), Some("why"));
        assert_eq!(seen(&json!({"type": "task_completed"})), None);
        assert_eq!(seen(&json!({"type": NOT_STARTED})), Some(""));
    }
}
