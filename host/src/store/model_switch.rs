//! The model a session last used. `/model` switches are written to the
//! session file as an event record (`{"type":"model_switched",…}`), so a
//! resumed session continues with the model it was left on, not the one
//! the config names today. Older quire reads the record as any other
//! event and ignores it.

use serde_json::{Value, json};

/// The event's `type`.
const TYPE: &str = "model_switched";

/// The event record for a switch to `model`.
pub fn event(model: &str) -> Value {
    json!({ "type": TYPE, "model": model })
}

/// The model `event` switched to, when it is a switch.
pub fn seen(event: &Value) -> Option<&str> {
    (event.get("type")?.as_str()? == TYPE)
        .then(|| event.get("model")?.as_str())
        .flatten()
        .filter(|m| !m.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_switch_reads_back_and_other_events_do_not() {
        assert_eq!(seen(&event("qwen3:8b")), Some("qwen3:8b"));
        assert_eq!(seen(&event("")), None);
        assert_eq!(seen(&json!({"type": "warning", "model": "x"})), None);
        assert_eq!(seen(&json!({"type": TYPE})), None);
    }
}
