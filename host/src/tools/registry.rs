//! The registry: names tools, checks calls against their schemas, runs
//! them (read-only calls of one response concurrently, the rest in order),
//! times them and caps what goes back to the model. It is also the one
//! place tool hooks fire (`PreToolUse`, `PermissionRequest`,
//! `PostToolUse`, `PostToolUseFailure`), for every tool source.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use super::approval::TimedApprover;
use super::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec, schema};
use crate::agent::Event;
use crate::hooks::Hooks;
use crate::model::ToolCall;

struct Entry {
    spec: ToolSpec,
    tool: Arc<dyn Tool>,
}

/// The outcome of one call, as sent to the model.
#[derive(Debug, Clone, PartialEq)]
pub struct CallResult {
    pub call_id: String,
    pub name: String,
    /// Capped output text.
    pub output: String,
    pub is_error: bool,
    pub truncated_bytes: usize,
    /// Wall time of the call, the wait for the user's approval not counted.
    pub duration_ms: u64,
    pub status: CallStatus,
    /// A shell command's exit code (none when a signal killed it).
    pub exit_code: Option<i32>,
    /// A patch's files: status, path, lines added and removed, diff.
    pub files: Option<Value>,
}

/// How a call ended, for the status mark a person sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallStatus {
    Ok,
    /// The tool failed (a non-zero exit, a patch that did not apply).
    Failed,
    /// Refused: by the user, the approval policy or the sandbox.
    Denied,
    TimedOut,
    Interrupted,
}

impl CallStatus {
    pub fn label(self) -> &'static str {
        match self {
            CallStatus::Ok => "ok",
            CallStatus::Failed => "failed",
            CallStatus::Denied => "denied",
            CallStatus::TimedOut => "timed_out",
            CallStatus::Interrupted => "interrupted",
        }
    }

    /// How a finished call's output says it ended (a tool error's status
    /// is carried in `structured.status`, see `hooked::plain_call`).
    fn of_output(out: &ToolOutput) -> CallStatus {
        let carried = out.structured.as_ref().and_then(|v| v.get("status"));
        match carried.and_then(Value::as_str) {
            Some("denied") => CallStatus::Denied,
            Some("timed_out") => CallStatus::TimedOut,
            Some("interrupted") => CallStatus::Interrupted,
            _ if out.is_error => CallStatus::Failed,
            _ => CallStatus::Ok,
        }
    }

    pub(super) fn of(e: &ToolError) -> CallStatus {
        match e {
            ToolError::Denied(_) => CallStatus::Denied,
            ToolError::Timeout(_) => CallStatus::TimedOut,
            ToolError::Interrupted => CallStatus::Interrupted,
            ToolError::InvalidArguments(_) | ToolError::Failed(_) => CallStatus::Failed,
        }
    }
}

/// All tools of a session, by the name the model sees.
pub struct ToolRegistry {
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    output_limit: usize,
    /// Bumped by every register and unregister.
    generation: u64,
    hooks: Option<Arc<Hooks>>,
}

impl ToolRegistry {
    /// `output_limit`: bytes of one output sent to the model.
    pub fn new(output_limit: usize) -> Self {
        ToolRegistry {
            entries: Vec::new(),
            by_name: HashMap::new(),
            output_limit,
            generation: 0,
            hooks: None,
        }
    }

    /// The hooks every call goes through (`None`: no hooks).
    pub fn set_hooks(&mut self, hooks: Option<Arc<Hooks>>) {
        self.hooks = hooks.filter(|h| !h.is_empty());
    }

    /// Adds a tool. On a name clash the new tool gets a numbered suffix
    /// (`name_2`) and the returned name says so; the first keeps its name.
    pub fn register(&mut self, tool: Arc<dyn Tool>) -> String {
        let mut spec = tool.spec().clone();
        if self.by_name.contains_key(&spec.name) {
            let base = spec.name.clone();
            let mut n = 2;
            while self.by_name.contains_key(&format!("{base}_{n}")) {
                n += 1;
            }
            spec.name = format!("{base}_{n}");
            tracing::warn!(tool = %base, renamed = %spec.name, "tool name clash");
        }
        let name = spec.name.clone();
        self.by_name.insert(name.clone(), self.entries.len());
        self.entries.push(Entry { spec, tool });
        self.generation += 1;
        name
    }

    /// Removes the tool registered under `name` (a tool source that went
    /// away); returns whether there was one.
    pub fn unregister(&mut self, name: &str) -> bool {
        let Some(idx) = self.by_name.remove(name) else {
            return false;
        };
        self.entries.remove(idx);
        self.generation += 1;
        for i in self.by_name.values_mut() {
            if *i > idx {
                *i -= 1;
            }
        }
        true
    }

    /// Changes whenever a tool joins or leaves, so a view of the tools
    /// (the selection index) knows when to rebuild.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn specs(&self) -> Vec<ToolSpec> {
        self.entries.iter().map(|e| e.spec.clone()).collect()
    }

    pub fn names(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.spec.name.clone()).collect()
    }

    fn is_read_only(&self, call: &ToolCall) -> bool {
        let name = super::call_tool::target(&call.name, &call.arguments).unwrap_or_default();
        self.by_name
            .get(&name)
            .map(|&i| self.entries[i].spec.read_only)
            .unwrap_or(false)
    }

    /// Runs the calls of one model response. Consecutive read-only calls run
    /// concurrently; every other call runs alone, in order. `on_result` is
    /// called for each result in call order, as soon as its group is done.
    /// After the user interrupts, the remaining calls are not started and
    /// get an "interrupted" result.
    pub async fn run_calls(
        &self,
        calls: &[ToolCall],
        ctx: &ToolContext,
        on_result: &mut (dyn FnMut(&CallResult) + Send),
    ) -> Vec<CallResult> {
        let mut results = Vec::with_capacity(calls.len());
        let mut i = 0;
        while i < calls.len() {
            let mut j = i + 1;
            if self.is_read_only(&calls[i]) {
                while j < calls.len() && self.is_read_only(&calls[j]) {
                    j += 1;
                }
            }
            let group = &calls[i..j];
            let outs = futures::future::join_all(group.iter().map(|c| self.run_one(c, ctx))).await;
            for r in outs {
                on_result(&r);
                results.push(r);
            }
            i = j;
        }
        results
    }

    async fn run_one(&self, call: &ToolCall, ctx: &ToolContext) -> CallResult {
        let started = Instant::now();
        // `call_tool` stands for the tool it names: everything below
        // (hooks, approval, events) sees that tool.
        let (call, unresolved) = match super::call_tool::resolve(call) {
            Ok(resolved) => (resolved, None),
            Err(msg) => (call.clone(), Some(msg)),
        };
        let call = &call;
        let args_value = serde_json::from_str::<Value>(&call.arguments).ok();
        ctx.events.send(Event::ToolStarted {
            call_id: call.call_id.clone(),
            name: call.name.clone(),
            arguments: args_value
                .clone()
                .unwrap_or_else(|| Value::String(call.arguments.clone())),
        });
        let timed = Arc::new(TimedApprover::new(ctx.approver.clone()));
        let ctx = &ToolContext {
            approver: timed.clone(),
            ..ctx.clone()
        };
        let interrupted = || {
            let out = ToolOutput::error(ToolError::Interrupted.to_string());
            (out, CallStatus::Interrupted)
        };
        let (output, status) = if ctx.cancel.is_cancelled() {
            interrupted()
        } else {
            let prepared = match unresolved {
                Some(msg) => Err(msg),
                None => self.prepare(call, args_value),
            };
            match prepared {
                Err(msg) => (ToolOutput::error(msg), CallStatus::Failed),
                Ok((entry, args)) => {
                    let hooks = self.hooks.as_ref();
                    let fut =
                        super::hooked::call(hooks, &*entry.tool, &entry.spec, call, args, ctx);
                    tokio::select! {
                        r = fut => {
                            let status = CallStatus::of_output(&r);
                            (r, status)
                        }
                        _ = ctx.cancel.cancelled() => interrupted(),
                    }
                }
            }
        };
        let (text, cut) = cap_output(&output.text, self.output_limit);
        let structured = output.structured.as_ref();
        let field = |k: &str| structured.and_then(|v| v.get(k));
        let result = CallResult {
            call_id: call.call_id.clone(),
            name: call.name.clone(),
            output: text,
            is_error: output.is_error,
            truncated_bytes: cut,
            duration_ms: started.elapsed().saturating_sub(timed.waited()).as_millis() as u64,
            status,
            exit_code: field("exit_code")
                .and_then(Value::as_i64)
                .and_then(|c| i32::try_from(c).ok()),
            files: field("files")
                .filter(|_| call.name == "apply_patch")
                .cloned(),
        };
        ctx.events.send(Event::ToolCompleted {
            call_id: result.call_id.clone(),
            name: result.name.clone(),
            duration_ms: result.duration_ms,
            is_error: result.is_error,
            status: result.status.label().to_string(),
            exit_code: result.exit_code,
            files: result.files.clone(),
            output: result.output.clone(),
            truncated_bytes: result.truncated_bytes,
        });
        result
    }

    /// Finds the tool and checks the arguments; the error is for the model.
    fn prepare(&self, call: &ToolCall, args: Option<Value>) -> Result<(&Entry, Value), String> {
        let Some(&idx) = self.by_name.get(&call.name) else {
            return Err(format!(
                "unknown tool '{}'. Available tools: {}",
                call.name,
                self.names().join(", ")
            ));
        };
        let entry = &self.entries[idx];
        let args = match args {
            Some(v) => v,
            None if call.arguments.trim().is_empty() => Value::Object(Default::default()),
            None => {
                return Err(format!(
                    "the arguments of '{}' are not valid JSON: {}. Send a JSON object matching the tool's schema.",
                    call.name,
                    preview(&call.arguments)
                ));
            }
        };
        schema::validate(&args, &entry.spec.parameters)
            .map_err(|e| format!("invalid arguments for '{}': {e}", call.name))?;
        Ok((entry, args))
    }
}

pub(super) fn error_text(tool: &str, e: &ToolError) -> String {
    format!("{tool} failed: {e}")
}

fn preview(s: &str) -> String {
    let mut end = s.len().min(200);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    if end < s.len() {
        format!("{}…", &s[..end])
    } else {
        s.to_string()
    }
}

/// Caps `text` at about `limit` bytes, keeping the head and the tail and
/// saying how much was cut. Returns the text and the number of bytes cut.
pub fn cap_output(text: &str, limit: usize) -> (String, usize) {
    if text.len() <= limit {
        return (text.to_string(), 0);
    }
    let head_len = floor_boundary(text, limit / 2);
    let tail_start = ceil_boundary(text, text.len() - (limit - limit / 2));
    let cut = tail_start - head_len;
    let out = format!(
        "{}\n[… {cut} bytes cut from the middle of this output …]\n{}",
        &text[..head_len],
        &text[tail_start..]
    );
    (out, cut)
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::EventSink;
    use crate::tools::approval::DenyAll;
    use crate::tools::{ApprovalPolicy, SandboxMode};
    use std::sync::Mutex;
    use tokio::sync::Barrier;
    use tokio_util::sync::CancellationToken;

    /// A tool that waits at a barrier: two calls only finish if they run
    /// at the same time. It records the order calls start and end in.
    struct Waiter {
        spec: ToolSpec,
        barrier: Arc<Barrier>,
        log: Arc<Mutex<Vec<String>>>,
    }

    #[async_trait::async_trait]
    impl Tool for Waiter {
        fn spec(&self) -> &ToolSpec {
            &self.spec
        }
        async fn call(&self, args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
            let id = args["id"].as_str().unwrap_or("?").to_string();
            self.log.lock().unwrap().push(format!("start {id}"));
            if self.spec.read_only {
                self.barrier.wait().await;
            }
            self.log.lock().unwrap().push(format!("end {id}"));
            Ok(ToolOutput::text(format!("done {id}")))
        }
    }

    fn waiter(
        name: &str,
        read_only: bool,
        barrier: &Arc<Barrier>,
        log: &Arc<Mutex<Vec<String>>>,
    ) -> Arc<dyn Tool> {
        Arc::new(Waiter {
            spec: ToolSpec {
                name: name.into(),
                description: "test".into(),
                parameters: serde_json::json!({"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}),
                read_only,
                destructive: false,
            },
            barrier: barrier.clone(),
            log: log.clone(),
        })
    }

    fn ctx() -> ToolContext {
        ToolContext {
            cwd: std::env::temp_dir(),
            workspace: std::env::temp_dir(),
            sandbox: SandboxMode::WorkspaceWrite,
            network: false,
            approval_policy: ApprovalPolicy::Never,
            approver: Arc::new(DenyAll),
            cancel: CancellationToken::new(),
            events: EventSink::null(),
        }
    }

    fn call(id: &str, name: &str, args: &str) -> ToolCall {
        ToolCall {
            call_id: id.into(),
            name: name.into(),
            arguments: args.into(),
        }
    }

    #[tokio::test]
    async fn read_only_calls_run_concurrently_and_others_in_order() {
        let barrier = Arc::new(Barrier::new(2));
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut reg = ToolRegistry::new(1000);
        reg.register(waiter("look", true, &barrier, &log));
        reg.register(waiter("write", false, &barrier, &log));
        let calls = vec![
            call("1", "look", r#"{"id":"a"}"#),
            call("2", "look", r#"{"id":"b"}"#),
            call("3", "write", r#"{"id":"c"}"#),
            call("4", "write", r#"{"id":"d"}"#),
        ];
        let mut seen = Vec::new();
        // Sequential read-only calls would wait at the barrier forever.
        let results = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            reg.run_calls(&calls, &ctx(), &mut |r| seen.push(r.call_id.clone())),
        )
        .await
        .expect("read-only calls must run concurrently");
        assert_eq!(seen, vec!["1", "2", "3", "4"]);
        assert_eq!(results[2].output, "done c");
        let log = log.lock().unwrap().clone();
        assert_eq!(&log[4..], &["start c", "end c", "start d", "end d"]);
    }

    #[tokio::test]
    async fn malformed_calls_become_readable_errors() {
        let barrier = Arc::new(Barrier::new(1));
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut reg = ToolRegistry::new(1000);
        reg.register(waiter("write", false, &barrier, &log));
        let calls = vec![
            call("1", "nope", "{}"),
            call("2", "write", "{\"id\": "),
            call("3", "write", r#"{"id": 5}"#),
            call("4", "write", r#"{"id": "ok"}"#),
        ];
        let r = reg.run_calls(&calls, &ctx(), &mut |_| {}).await;
        assert!(
            r[0].is_error
                && r[0].output.contains("unknown tool 'nope'")
                && r[0].output.contains("write")
        );
        assert!(r[1].is_error && r[1].output.contains("not valid JSON"));
        assert!(r[2].is_error && r[2].output.contains("arguments.id must be of type string"));
        assert!(!r[3].is_error && r[3].output == "done ok");
    }

    #[tokio::test]
    async fn call_tool_runs_the_named_tool_as_itself() {
        let barrier = Arc::new(Barrier::new(2));
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut reg = ToolRegistry::new(1000);
        reg.register(waiter("look", true, &barrier, &log));
        let (events, mut rx) = EventSink::channel();
        let ctx = ToolContext { events, ..ctx() };
        let calls = vec![
            call(
                "1",
                "call_tool",
                r#"{"name":"look","arguments":{"id":"a"}}"#,
            ),
            // Resolved, it is read-only too: both meet at the barrier.
            call(
                "2",
                "call_tool",
                r#"{"name":"look","arguments":{"id":"b"}}"#,
            ),
            call("3", "call_tool", r#"{"arguments":{}}"#),
        ];
        let r = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            reg.run_calls(&calls, &ctx, &mut |_| {}),
        )
        .await
        .expect("resolved read-only calls must run concurrently");
        assert_eq!(
            (r[0].name.as_str(), r[0].output.as_str()),
            ("look", "done a")
        );
        assert_eq!(r[1].output, "done b");
        assert!(r[2].is_error && r[2].output.contains("needs the tool's `name`"));
        let mut started = Vec::new();
        while let Ok(e) = rx.try_recv() {
            if let Event::ToolStarted { name, .. } = e {
                started.push(name);
            }
        }
        assert_eq!(started, ["look", "look", "call_tool"]);
    }

    #[test]
    fn clashing_names_get_a_suffix() {
        let barrier = Arc::new(Barrier::new(1));
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut reg = ToolRegistry::new(1000);
        assert_eq!(reg.register(waiter("x", false, &barrier, &log)), "x");
        assert_eq!(reg.register(waiter("x", false, &barrier, &log)), "x_2");
    }

    #[test]
    fn unregistered_tools_are_gone_and_others_keep_working() {
        let barrier = Arc::new(Barrier::new(1));
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut reg = ToolRegistry::new(1000);
        for n in ["a", "b", "c"] {
            reg.register(waiter(n, false, &barrier, &log));
        }
        assert!(reg.unregister("a"));
        assert!(!reg.unregister("a"));
        assert_eq!(reg.names(), vec!["b", "c"]);
        assert!(reg.by_name["c"] == 1);
        assert_eq!(reg.register(waiter("a", false, &barrier, &log)), "a");
    }

    #[test]
    fn cap_keeps_head_and_tail() {
        let text = format!("{}{}{}", "a".repeat(100), "b".repeat(1000), "c".repeat(100));
        let (out, cut) = cap_output(&text, 200);
        assert_eq!(cut, 1000);
        assert!(out.starts_with(&"a".repeat(100)));
        assert!(out.ends_with(&"c".repeat(100)));
        assert!(out.contains("1000 bytes cut"));
        let (same, none) = cap_output("short", 200);
        assert_eq!((same.as_str(), none), ("short", 0));
    }

    #[test]
    fn cap_respects_char_boundaries() {
        let text = "é".repeat(1000);
        let (out, cut) = cap_output(&text, 101);
        assert!(cut > 0);
        assert!(out.contains("bytes cut"));
    }
}
