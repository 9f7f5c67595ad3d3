//! The registry: names tools, checks calls against their schemas, runs
//! them (read-only calls of one response concurrently, the rest in order),
//! times them and caps what goes back to the model. It is also the one
//! place tool hooks fire (`PreToolUse`, `PermissionRequest`,
//! `PostToolUse`, `PostToolUseFailure`), for every tool source.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

pub use cap::cap_output;

pub(crate) mod cap;

use super::approval::TimedApprover;
use super::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec, schema};
use crate::hooks::Hooks;
pub use crate::protocol::{CallResult, CallStatus};
use crate::protocol::{Event, ToolCall};

struct Entry {
    spec: ToolSpec,
    tool: Arc<dyn Tool>,
}

/// How a finished call's output says it ended (a tool error's status is
/// carried in `structured.status`, see `hooked::plain_call`).
/// How long an interrupted call may take to hand back its own result: a
/// stopped command's grace period between SIGTERM and SIGKILL
/// ([`crate::child::STOP_GRACE`]) and a moment more for its output.
const INTERRUPT_GRACE: std::time::Duration =
    crate::child::STOP_GRACE.saturating_add(std::time::Duration::from_secs(1));

fn status_of_output(out: &ToolOutput) -> CallStatus {
    let carried = out.structured.as_ref().and_then(|v| v.get("status"));
    match carried.and_then(Value::as_str) {
        Some("denied") => CallStatus::Denied,
        Some("timed_out") => CallStatus::TimedOut,
        Some("interrupted") => CallStatus::Interrupted,
        _ if out.is_error => CallStatus::Failed,
        _ => CallStatus::Ok,
    }
}

/// The structured result worth passing on: not the status a failed call
/// carries (`hooked::plain_call`).
fn passed_on(out: &ToolOutput) -> Option<Value> {
    let s = out.structured.as_ref()?;
    let carrier = out.is_error
        && s.as_object().is_some_and(|o| {
            o.contains_key("status")
                && o.keys()
                    .all(|k| k == "status" || k == super::shell::DROPPED_BYTES)
        });
    (!carrier).then(|| s.clone())
}

/// All tools of a session, by the name the model sees.
pub struct ToolRegistry {
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    output_limit: usize,
    /// Bumped by every register and unregister.
    generation: u64,
    hooks: Option<Arc<Hooks>>,
    /// Claude Code's permission rules, checked before the hooks.
    permissions: Option<Arc<super::permissions::Permissions>>,
    /// The tools the last request offered the model (`None`: every
    /// registered one), which errors about a tool name list.
    offered: Option<Vec<String>>,
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
            permissions: None,
            offered: None,
        }
    }

    /// The tools the last request offered (the session's selection), the
    /// ones an unknown or missing tool name is answered with.
    pub fn set_offered(&mut self, names: Vec<String>) {
        self.offered = Some(names);
    }

    /// The tools to name to the model: those offered, else all.
    fn offered_names(&self) -> Vec<String> {
        match &self.offered {
            Some(names) => names.clone(),
            None => self.names(),
        }
    }

    /// The hooks every call goes through (`None`: no hooks).
    pub fn set_hooks(&mut self, hooks: Option<Arc<Hooks>>) {
        self.hooks = hooks.filter(|h| !h.is_empty());
    }

    /// The permission rules every call is checked against first (`None`
    /// or empty: none).
    pub fn set_permissions(&mut self, permissions: Option<Arc<super::permissions::Permissions>>) {
        self.permissions = permissions.filter(|p| !p.is_empty());
    }

    /// The permission rules calls are checked against, when there are any.
    pub fn permissions(&self) -> Option<&super::permissions::Permissions> {
        self.permissions.as_deref()
    }

    /// Adds a tool under its name made fit by [`super::naming`] (sanitised,
    /// at most 64 characters). On a name clash the new tool gets a numbered
    /// suffix (`name_2`) and the returned name says so; the first keeps its
    /// name.
    pub fn register(&mut self, tool: Arc<dyn Tool>) -> String {
        let mut spec = tool.spec().clone();
        // Every source's name goes through the one sanitiser and limit.
        spec.name = super::naming::fit(&spec.name, &spec.name);
        if self.by_name.contains_key(&spec.name) {
            let base = spec.name.clone();
            let mut n = 2;
            while self
                .by_name
                .contains_key(&super::naming::numbered(&base, n))
            {
                n += 1;
            }
            spec.name = super::naming::numbered(&base, n);
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
            .map(|&i| self.entries[i].spec.read_only || self.entries[i].tool.concurrent())
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
        // A lone surrogate escape (`\ud800`) is read as U+FFFD, as in text.
        let args_value = serde_json::from_str::<Value>(&call.arguments)
            .ok()
            .or_else(|| {
                crate::model::lone_surrogates::replaced(&call.arguments)
                    .and_then(|fixed| serde_json::from_str::<Value>(&fixed).ok())
            });
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
            call_id: Some(call.call_id.clone()),
            ..ctx.clone()
        };
        let interrupted = || {
            let out = ToolOutput::error(error_text(&call.name, &ToolError::Interrupted));
            (out, CallStatus::Interrupted)
        };
        let mut builtin = true;
        let mut own_limit = None;
        let rewritten = std::sync::Mutex::new(None);
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
                    builtin = entry.tool.source() == "builtin";
                    own_limit = entry.tool.output_limit();
                    let hooks = self.hooks.as_ref();
                    let permissions = self.permissions.as_deref();
                    let rewritten = &rewritten;
                    let fut = super::checked_call::run(
                        super::checked_call::Call {
                            permissions,
                            hooks,
                            tool: &*entry.tool,
                            spec: &entry.spec,
                            call,
                            rewritten,
                        },
                        args,
                        ctx,
                    );
                    // Interrupted first: a call whose approval prompt the
                    // interrupt answered (or that ended in the same moment)
                    // is interrupted, not "declined by the user".
                    let (writing, fut) = super::writing::watched(fut);
                    let mut fut = std::pin::pin!(fut);
                    tokio::select! {
                        biased;
                        _ = ctx.cancel.cancelled() => {
                            // The tool sees the same cancel: a moment for it
                            // to hand back what it has (a command's output
                            // so far), if it ends as interrupted. A call
                            // writing files is waited for: its result says
                            // what it wrote (or put back).
                            let writes = || super::writing::is_writing(&writing);
                            let r = match tokio::time::timeout(INTERRUPT_GRACE, &mut fut).await {
                                Ok(r) => Some(r),
                                Err(_) if writes() => Some((&mut fut).await),
                                Err(_) => None,
                            };
                            match r {
                                Some(r) if writes() || status_of_output(&r) == CallStatus::Interrupted => {
                                    let status = status_of_output(&r);
                                    (r, status)
                                }
                                _ => interrupted(),
                            }
                        }
                        r = &mut fut => {
                            let status = status_of_output(&r);
                            (r, status)
                        }
                    }
                }
            }
        };
        // A writable folder a command swapped out, left out of the rules.
        for message in super::pinned_roots::take_warnings() {
            ctx.events.send(Event::Warning { message });
        }
        let limit = own_limit.map_or(self.output_limit, |own| own.min(self.output_limit));
        let (text, cut) = cap_output(&output.text, limit);
        let structured = output.structured.as_ref();
        let field = |k: &str| structured.and_then(|v| v.get(k));
        // What a built-in tool dropped before the cap (the shell keeps the
        // head and tail of a huge output) is not shown either.
        let dropped_before = field(super::shell::DROPPED_BYTES)
            .filter(|_| builtin)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0);
        let result = CallResult {
            call_id: call.call_id.clone(),
            name: call.name.clone(),
            output: text,
            is_error: output.is_error,
            truncated_bytes: cut.saturating_add(dropped_before),
            duration_ms: started.elapsed().saturating_sub(timed.waited()).as_millis() as u64,
            status,
            exit_code: field("exit_code")
                .and_then(Value::as_i64)
                .and_then(|c| i32::try_from(c).ok()),
            files: field("files")
                .filter(|_| call.name == "apply_patch")
                .cloned(),
            structured: passed_on(&output),
            rewritten: rewritten.into_inner().ok().flatten(),
        };
        ctx.events.send(Event::ToolCompleted {
            call_id: result.call_id.clone(),
            name: result.name.clone(),
            duration_ms: result.duration_ms,
            is_error: result.is_error,
            status: result.status,
            exit_code: result.exit_code,
            signal: field("signal")
                .filter(|_| builtin)
                .and_then(Value::as_i64)
                .and_then(|s| i32::try_from(s).ok()),
            files: result.files.clone(),
            output: result.output.clone(),
            truncated_bytes: result.truncated_bytes,
            // A builtin tool's structured result is already in the fields
            // above (exit code, files, the plan event).
            structured: result.structured.clone().filter(|_| !builtin),
            sandbox: field(super::shell::SANDBOX)
                .filter(|_| builtin)
                .and_then(Value::as_str)
                .map(str::to_string),
        });
        result
    }

    /// Finds the tool and checks the arguments; the error is for the model.
    fn prepare(&self, call: &ToolCall, args: Option<Value>) -> Result<(&Entry, Value), String> {
        if call.name.is_empty() {
            return Err(format!(
                "the tool call has no name. Name one of the available tools: {}",
                self.offered_names().join(", ")
            ));
        }
        let Some(&idx) = self.by_name.get(&call.name) else {
            return Err(format!(
                "unknown tool '{}'. Available tools: {}",
                call.name,
                self.offered_names().join(", ")
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

/// The result text of a call that ended with `e`: `shell failed: …`, but
/// an interrupted call did not fail: `shell interrupted by the user`
/// (`shell stopped by SIGTERM (…)`), the same words whether the interrupt
/// came while it ran or while its approval was asked.
pub fn error_text(tool: &str, e: &ToolError) -> String {
    match e.status() {
        CallStatus::Interrupted if tool.is_empty() || tool.contains(char::is_whitespace) => {
            e.to_string()
        }
        CallStatus::Interrupted => format!("{tool} {e}"),
        _ => format!("{tool} failed: {e}"),
    }
}

/// How a recorded result ended, read back from its text (a session file
/// keeps a result's text and `is_error`, not its status): the texts
/// [`error_text`] and an interrupted call write.
pub fn recorded_status(output: &str, is_error: bool) -> CallStatus {
    if !is_error {
        return CallStatus::Ok;
    }
    // A command cut short after it printed, a patch stopped: the cause
    // comes first, then `; ` and what it left.
    fn cause(e: &str) -> &str {
        e.split_once("; ").map_or(e, |(c, _)| c)
    }
    let error = match output.split_once(" failed: ") {
        Some((tool, e)) if !tool.contains(char::is_whitespace) => cause(e),
        _ => cause(output),
    };
    // `shell interrupted by the user` (and a session's older
    // `shell failed: interrupted by the user`).
    let interrupted = output
        .split_once(' ')
        .is_some_and(|(_, rest)| crate::protocol::interrupt::is_reason(cause(rest)));
    if interrupted || crate::protocol::interrupt::is_reason(error) {
        CallStatus::Interrupted
    } else if error.starts_with("denied: ") {
        CallStatus::Denied
    } else if error
        .strip_prefix("timed out after ")
        .and_then(|r| r.strip_suffix(" ms"))
        .is_some_and(|n| n.parse::<u64>().is_ok())
    {
        CallStatus::TimedOut
    } else {
        CallStatus::Failed
    }
}

fn preview(s: &str) -> String {
    let end = s.floor_char_boundary(200);
    if end < s.len() {
        format!("{}…", &s[..end])
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod cap_tests;
#[cfg(test)]
mod structured_tests;

#[cfg(test)]
mod tests;
