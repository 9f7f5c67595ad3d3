//! The sandbox and approval policy a session last ran with. `/approvals`
//! changes are written to the session file as an event record
//! (`{"type":"settings_switched","sandbox":…,"approval":…}`), so `quire
//! sessions show` names the change and a resumed session compares this
//! run's settings with those it was left on. Older quire reads the record
//! as any other event and ignores it.

use serde_json::{Value, json};

/// The event's `type`.
const TYPE: &str = "settings_switched";

/// The event record for a switch to `sandbox` and `approval`.
pub fn event(sandbox: &str, approval: &str) -> Value {
    json!({ "type": TYPE, "sandbox": sandbox, "approval": approval })
}

/// The sandbox and approval `event` switched to, when it is a switch.
pub fn seen(event: &Value) -> Option<(String, String)> {
    if event.get("type")?.as_str()? != TYPE {
        return None;
    }
    let field = |k: &str| {
        event
            .get(k)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    Some((field("sandbox")?, field("approval")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_switch_reads_back_and_other_events_do_not() {
        assert_eq!(
            seen(&event("workspace-write", "on-request")),
            Some(("workspace-write".into(), "on-request".into()))
        );
        assert_eq!(seen(&event("", "never")), None);
        assert_eq!(seen(&json!({"type": "model_switched", "model": "x"})), None);
        assert_eq!(seen(&json!({"type": TYPE, "sandbox": "read-only"})), None);
    }
}
