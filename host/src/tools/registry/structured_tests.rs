//! A tool's structured result through the registry: in the call result,
//! and in the `tool_completed` event for sources whose structured data has
//! no field of its own there; names made fit on registration.

use std::sync::Arc;

use serde_json::{Value, json};

use super::ToolRegistry;
use crate::protocol::{CallStatus, Event, EventSink, ToolCall, ToolError, ToolOutput, ToolSpec};
use crate::tools::{Tool, ToolContext};

struct Structured {
    spec: ToolSpec,
    source: &'static str,
    fail: bool,
}

#[async_trait::async_trait]
impl Tool for Structured {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }
    fn source(&self) -> &'static str {
        self.source
    }
    async fn call(&self, _args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        if self.fail {
            return Err(ToolError::Denied("not allowed".into()));
        }
        Ok(ToolOutput {
            text: "the sum is 5".into(),
            structured: Some(json!({"sum": 5})),
            is_error: false,
        })
    }
}

fn tool(name: &str, source: &'static str, fail: bool) -> Arc<dyn Tool> {
    Arc::new(Structured {
        spec: ToolSpec {
            name: name.into(),
            description: "test".into(),
            parameters: json!({"type": "object"}),
            read_only: false,
            destructive: false,
        },
        source,
        fail,
    })
}

/// Runs one call of `name` and returns its result and its completed event.
async fn run(reg: &ToolRegistry, name: &str) -> (crate::protocol::CallResult, Value) {
    let (events, mut rx) = EventSink::channel();
    let ctx = ToolContext {
        events,
        ..ToolContext::standalone(&std::env::temp_dir())
    };
    let call = ToolCall {
        call_id: "c1".into(),
        name: name.into(),
        arguments: "{}".into(),
    };
    let mut results = reg.run_calls(&[call], &ctx, &mut |_| {}).await;
    drop(ctx);
    let mut completed = Value::Null;
    while let Ok(e) = rx.try_recv() {
        if matches!(e, Event::ToolCompleted { .. }) {
            completed = serde_json::to_value(&e).unwrap_or_default();
        }
    }
    (results.remove(0), completed)
}

#[tokio::test]
async fn structured_results_reach_the_call_result_and_the_event() {
    let mut reg = ToolRegistry::new(1000);
    reg.register(tool("mcp__s__add", "mcp", false));
    reg.register(tool("plan", "builtin", false));
    reg.register(tool("mcp__s__denied", "mcp", true));

    let (r, event) = run(&reg, "mcp__s__add").await;
    assert_eq!(r.structured, Some(json!({"sum": 5})));
    assert_eq!(event["structured"], json!({"sum": 5}), "{event}");
    assert_eq!(event["status"], "ok");

    // A builtin tool's structured data has its own fields (exit code,
    // files, the plan event): the event stays as it was.
    let (r, event) = run(&reg, "plan").await;
    assert_eq!(r.structured, Some(json!({"sum": 5})));
    assert!(event.get("structured").is_none(), "{event}");

    // How a failed call ended is no structured result of the tool.
    let (r, event) = run(&reg, "mcp__s__denied").await;
    assert_eq!(r.status, CallStatus::Denied);
    assert_eq!(r.structured, None);
    assert!(event.get("structured").is_none(), "{event}");
    assert_eq!(event["status"], "denied");
}

#[test]
fn names_are_made_fit_when_registered() {
    let mut reg = ToolRegistry::new(1000);
    assert_eq!(
        reg.register(tool("a tool.name", "plugin", false)),
        "a_tool_name"
    );
    let long = "t".repeat(80);
    let name = reg.register(tool(&long, "plugin", false));
    assert_eq!(name.len(), 64);
    let again = reg.register(tool(&long, "plugin", false));
    assert!(again.len() <= 64 && again != name, "{again}");
    assert_eq!(reg.names().len(), 3);
}

#[test]
fn a_recorded_result_tells_how_it_ended() {
    use super::{error_text, recorded_status};
    let read = |e: ToolError| recorded_status(&error_text("shell", &e), true);
    assert_eq!(read(ToolError::Interrupted), CallStatus::Interrupted);
    assert_eq!(read(ToolError::Denied("no".into())), CallStatus::Denied);
    assert_eq!(read(ToolError::Timeout(5000)), CallStatus::TimedOut);
    assert_eq!(read(ToolError::Failed("boom".into())), CallStatus::Failed);
    // A command cut short after it printed something.
    for (cause, status) in [
        (ToolError::Interrupted, CallStatus::Interrupted),
        (ToolError::Timeout(5000), CallStatus::TimedOut),
    ] {
        let e = ToolError::WithOutput {
            cause: Box::new(cause),
            output: "line 1\ndenied: printed".into(),
            dropped: 0,
        };
        assert_eq!(read(e), status);
    }
    // What the registry records for a call the interrupt cut short, and
    // what older sessions recorded.
    for cut in [
        ToolError::Interrupted.to_string(),
        error_text("shell", &ToolError::Interrupted),
        "shell failed: interrupted by the user".to_string(),
    ] {
        assert_eq!(recorded_status(&cut, true), CallStatus::Interrupted);
        assert_eq!(recorded_status(&cut, false), CallStatus::Ok);
    }
    // Stopped by a signal (read back from a session SIGTERM ended).
    for stopped in [
        "shell stopped by SIGTERM (quire was told to terminate)",
        "shell failed: stopped by SIGTERM (quire was told to terminate)",
        "shell failed: stopped by SIGHUP (quire's terminal closed)",
    ] {
        assert_eq!(recorded_status(stopped, true), CallStatus::Interrupted);
    }
    // A command's own words are not read as a status.
    let printed = "Exit code: 1\nOutput:\nthe test failed: interrupted by the user";
    assert_eq!(recorded_status(printed, true), CallStatus::Failed);
    let printed = "Exit code: 1\nOutput:\nthe test interrupted by the user";
    assert_eq!(recorded_status(printed, true), CallStatus::Failed);
}

/// An interrupt is no failure: a call cut short says so in the same words
/// whether it was running or waiting for approval.
#[test]
fn an_interrupted_call_is_not_said_to_have_failed() {
    use super::error_text;
    assert_eq!(
        error_text("shell", &ToolError::Interrupted),
        "shell interrupted by the user"
    );
    let e = ToolError::WithOutput {
        cause: Box::new(ToolError::Interrupted),
        output: "partial".into(),
        dropped: 0,
    };
    assert_eq!(
        error_text("shell", &e),
        "shell interrupted by the user; output so far:\npartial"
    );
    assert_eq!(
        error_text("shell", &ToolError::Failed("boom".into())),
        "shell failed: boom"
    );
}
