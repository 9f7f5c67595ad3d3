//! The tool calls of a recorded history as a transcript replays them:
//! each call's one-line summary kept until its result arrives, and how
//! the call ended (the status the session file kept, else read from the
//! recorded output). Used by the resumed full-screen view
//! (tui/app/replay.rs) and by `/agents` for children of an earlier run
//! (cli/children_earlier.rs).

use std::collections::HashMap;

use quire::tools::CallStatus;
use quire::tools::registry::recorded_status;
use serde_json::Value;

use super::summary::tool_line;

#[derive(Default)]
pub struct ReplayedCalls {
    lines: Vec<(String, String)>,
}

impl ReplayedCalls {
    /// A call: its summary line is kept for its result.
    pub fn call(&mut self, call_id: &str, name: &str, arguments: &str) {
        let args =
            serde_json::from_str(arguments).unwrap_or_else(|_| Value::String(arguments.into()));
        self.lines
            .push((call_id.to_string(), tool_line(name, &args)));
    }

    /// A result: its call's summary line (empty for a call not seen) and
    /// how the call ended.
    pub fn result(
        &self,
        call_id: &str,
        output: &str,
        is_error: bool,
        statuses: &HashMap<String, CallStatus>,
    ) -> (String, CallStatus) {
        let line = self
            .lines
            .iter()
            .find(|(id, _)| id == call_id)
            .map(|(_, l)| l.clone())
            .unwrap_or_default();
        let status = statuses
            .get(call_id)
            .copied()
            .unwrap_or_else(|| recorded_status(output, is_error));
        (line, status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_gets_its_calls_line_and_the_kept_status_first() {
        let mut calls = ReplayedCalls::default();
        calls.call("a", "shell", r#"{"command":"ls"}"#);
        calls.call("b", "shell", r#"{"command":"pwd"}"#);
        let mut kept = HashMap::new();
        kept.insert("b".to_string(), CallStatus::Interrupted);
        let (line, status) = calls.result("b", "ok", false, &kept);
        assert!(line.contains("pwd"), "{line}");
        assert_eq!(status, CallStatus::Interrupted);
        let (line, _) = calls.result("a", "ok", false, &kept);
        assert!(line.contains("ls"), "{line}");
        let (line, _) = calls.result("zz", "ok", false, &kept);
        assert_eq!(line, "");
    }
}
