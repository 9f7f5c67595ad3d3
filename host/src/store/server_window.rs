//! The context window a session learned from its server (a request
//! refused as too long: the window the error states, or the refused
//! request's size). Written to the session file as an event record
//! (`{"type":"context_window_learned",…}`), so a resumed session
//! compacts for it from its first request instead of overflowing again.
//! Older quire reads the record as any other event and ignores it.

use serde_json::{Value, json};

/// The event's `type`.
const TYPE: &str = "context_window_learned";

/// The event record for a window of `tokens` learned for `model`.
pub fn event(model: &str, tokens: u64) -> Value {
    json!({ "type": TYPE, "model": model, "tokens": tokens })
}

/// The model and window `event` records, when it is such a record.
pub fn seen(event: &Value) -> Option<(String, u64)> {
    if event.get("type")?.as_str()? != TYPE {
        return None;
    }
    let model = event.get("model")?.as_str().filter(|m| !m.is_empty())?;
    let tokens = event.get("tokens")?.as_u64().filter(|n| *n > 0)?;
    Some((model.to_string(), tokens))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_learned_window_reads_back_and_other_events_do_not() {
        assert_eq!(
            seen(&event("qwen3:8b", 4096)),
            Some(("qwen3:8b".into(), 4096))
        );
        assert_eq!(seen(&event("", 4096)), None);
        assert_eq!(seen(&event("m", 0)), None);
        assert_eq!(seen(&json!({"type": "model_switched", "model": "m"})), None);
        assert_eq!(seen(&json!({"type": TYPE, "model": "m"})), None);
    }
}
