//! The contract: what a hook's exit code and output mean (Claude Code's).
//!
//! - exit 0: go on. Stdout that is a JSON object is read for the fields
//!   below; plain stdout becomes context for `UserPromptSubmit` and
//!   `SessionStart`, and is only logged (debug) elsewhere; stdout that
//!   starts with `{` but is no JSON object (or was cut at the cap) is a
//!   warning.
//! - exit 2: block; stderr is the reason (for the model, or the user).
//! - exit 126 or 127 of a `PreToolUse` hook (not executable, command not
//!   found): the guard could not start, so the call is refused (quire's
//!   rule; Claude Code lets it through). Other events: a warning.
//! - any other exit, a crash, a timeout, invalid JSON: a warning; the loop
//!   goes on.
//!
//! JSON fields: `continue` (false stops the agent, `stopReason` says why),
//! `systemMessage` (shown to the user), `decision: "block"` with `reason`,
//! and `hookSpecificOutput` with `permissionDecision` (allow, deny, ask),
//! `permissionDecisionReason`, `updatedInput` (an object; anything else is
//! a warning, and a guard's refuses the call), `additionalContext`,
//! `updatedMCPToolOutput` (`PostToolUse`); for `PermissionRequest`
//! `decision.behavior` (allow, deny), `message`, `updatedInput` and
//! `interrupt` (a deny that also stops the turn).

use serde_json::Value;

use super::HookEvent;
use super::combine::Permission;
use super::runner::{RunOutput, RunStatus};

/// How a hook run ended, for events (`hook_completed.outcome`).
pub use crate::protocol::HookOutcome as Outcome;

/// What one hook run asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HookResult {
    pub outcome: Option<Outcome>,
    /// Block the action; the reason goes to the model (tool events, Stop)
    /// or the user (UserPromptSubmit).
    pub block: Option<String>,
    pub permission: Option<(Permission, Option<String>)>,
    pub updated_input: Option<Value>,
    /// `PostToolUse`'s `updatedMCPToolOutput`: an MCP tool's result as the
    /// model gets it.
    pub updated_output: Option<Value>,
    pub context: Option<String>,
    pub system_message: Option<String>,
    /// `continue: false`: stop the agent, with this reason.
    pub stop: Option<String>,
    /// Shown to the user: the hook failed, timed out or printed garbage.
    pub warning: Option<String>,
}

impl HookResult {
    pub fn outcome(&self) -> Outcome {
        self.outcome.unwrap_or(Outcome::Ok)
    }
}

/// Reads the result of `label`'s run for `event`.
pub fn interpret(event: HookEvent, label: &str, out: &RunOutput, timeout_sec: u64) -> HookResult {
    let mut r = HookResult::default();
    match &out.status {
        RunStatus::TimedOut => {
            r.outcome = Some(Outcome::TimedOut);
            r.warning = Some(format!(
                "hook `{label}` ({event}) timed out after {timeout_sec}s and was killed"
            ));
        }
        // Claude Code's async answer: it goes on in the background and
        // answers nothing now (`super::detach`).
        RunStatus::Detached(limit) => {
            tracing::debug!(
                "hook `{label}` ({event}) goes on in the background (for at most {}s)",
                limit.as_secs()
            );
        }
        RunStatus::Failed(msg) => {
            r.outcome = Some(Outcome::Error);
            r.warning = Some(format!("hook `{label}` ({event}) failed: {msg}"));
        }
        RunStatus::Signaled(sig) => {
            r.outcome = Some(Outcome::Error);
            r.warning = Some(format!(
                "hook `{label}` ({event}) crashed (signal {sig}){}",
                tail(&out.stderr)
            ));
        }
        RunStatus::Exited(2) => {
            r.outcome = Some(Outcome::Blocked);
            let reason = out.stderr.trim();
            r.block = Some(if reason.is_empty() {
                format!("blocked by hook `{label}`")
            } else {
                reason.to_string()
            });
        }
        // A leading byte-order mark is not part of the answer (Claude
        // Code's JSON.parse after trim() drops it too).
        RunStatus::Exited(0) => {
            let stdout = out
                .stdout
                .trim()
                .trim_start_matches('\u{feff}')
                .trim_start();
            read_stdout(event, label, stdout, &mut r)
        }
        // A guard that cannot start (not executable, not found) refuses
        // the call rather than let it through unguarded.
        RunStatus::Exited(code @ (126 | 127)) if event == HookEvent::PreToolUse => {
            r.outcome = Some(Outcome::Blocked);
            let why = match not_executable(*code, &out.stderr) {
                Some(path) => format!(
                    "{path} is not executable; run `chmod +x {path}`, or call it through its interpreter (`bash {path}`)"
                ),
                None if *code == 127 => format!("command not found{}", tail(&out.stderr)),
                None => format!("it could not be executed{}", tail(&out.stderr)),
            };
            r.block = Some(format!(
                "refused: the PreToolUse hook `{label}` could not start (exit code {code}: {why}); a guard that cannot run blocks what it guards: fix its command, or remove the hook"
            ));
        }
        RunStatus::Exited(code) => {
            r.outcome = Some(Outcome::Error);
            r.warning = Some(match not_executable(*code, &out.stderr) {
                Some(path) => format!(
                    "hook `{label}` ({event}) did not run: {path} is not executable (exit code {code}); run `chmod +x {path}`, or call it through its interpreter (`bash {path}`)"
                ),
                None => format!(
                    "hook `{label}` ({event}) exited with code {code}{}",
                    tail(&out.stderr)
                ),
            });
        }
    }
    r
}

/// The script the shell could not execute (exit 126, "PATH: Permission
/// denied"): a hook script checked in without its exec bit.
fn not_executable(code: i32, stderr: &str) -> Option<String> {
    if code != 126 {
        return None;
    }
    stderr.lines().find_map(|line| {
        let before = line.trim().strip_suffix(": Permission denied")?;
        let path = before.rsplit(": ").next()?.trim();
        (!path.is_empty()).then(|| path.to_string())
    })
}

fn tail(stderr: &str) -> String {
    let s = stderr.trim();
    if s.is_empty() {
        return String::new();
    }
    let start = s.len().saturating_sub(300);
    let start = (start..=s.len())
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(s.len());
    format!(": {}", &s[start..])
}

fn read_stdout(event: HookEvent, label: &str, stdout: &str, r: &mut HookResult) {
    if stdout.is_empty() {
        return;
    }
    let parsed = if stdout.starts_with('{') {
        serde_json::from_str::<Value>(stdout).ok()
    } else {
        None
    };
    // The async answer, maybe followed by more (the hook ended before
    // quire saw it): what follows is not an answer (Claude Code's rule).
    let first = stdout.lines().next().unwrap_or("");
    if super::detach::async_answer(stdout).is_some() {
        tracing::debug!("hook `{label}` ({event}) answered async, then: {stdout}");
        return;
    }
    let Some(Value::Object(json)) = parsed else {
        if !stdout.starts_with('{') {
            // Plain text on exit 0 is a success (Claude Code's contract):
            // context for the events that take it, else only logged (Claude
            // Code shows it in its transcript view only).
            if event.takes_plain_context() {
                r.context = Some(stdout.to_string());
            } else {
                tracing::debug!("hook `{label}` ({event}) printed: {stdout}");
            }
            return;
        }
        r.outcome = Some(Outcome::Error);
        r.warning = Some(if super::runner::was_cut(stdout) {
            format!(
                "hook `{label}` ({event}) answered more than the {} KiB quire reads of a hook's output (stdout or HTTP body): its JSON answer was cut at that cap and could not be read; it was ignored",
                super::runner::OUTPUT_LIMIT_KIB
            )
        } else if stdout.lines().count() > 1
            && matches!(serde_json::from_str::<Value>(first), Ok(Value::Object(_)))
        {
            format!(
                "hook `{label}` ({event}) returned more than one JSON value, one per line (stdout or HTTP body); quire reads one JSON object as the answer, so it was ignored"
            )
        } else {
            format!(
                "hook `{label}` ({event}) returned output (stdout or HTTP body) that starts like JSON but is not a JSON object; it was ignored"
            )
        });
        return;
    };
    let str_of = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    if json.get("continue").and_then(Value::as_bool) == Some(false) {
        r.stop = Some(
            str_of(json.get("stopReason")).unwrap_or_else(|| format!("stopped by hook `{label}`")),
        );
    }
    r.system_message = str_of(json.get("systemMessage"));
    let reason = str_of(json.get("reason"));
    match json.get("decision").and_then(Value::as_str) {
        Some("block") => {
            r.block = Some(
                reason
                    .clone()
                    .unwrap_or_else(|| format!("blocked by hook `{label}`")),
            );
        }
        Some("approve") => r.permission = Some((Permission::Allow, reason.clone())),
        _ => {}
    }
    if let Some(Value::Object(specific)) = json.get("hookSpecificOutput") {
        let why = str_of(specific.get("permissionDecisionReason"));
        if let Some(p) = decision_of(event, label, "permissionDecision", specific, r) {
            r.permission = Some((p, why));
        }
        // PermissionRequest: {"decision": {"behavior": "allow"|"deny", "message",
        // "updatedInput", "interrupt"}}.
        if let Some(Value::Object(d)) = specific.get("decision") {
            if let Some(p) = decision_of(event, label, "decision.behavior", d, r) {
                let message = str_of(d.get("message"));
                if p == Permission::Deny
                    && d.get("interrupt").and_then(Value::as_bool) == Some(true)
                {
                    r.stop = Some(message.clone().unwrap_or_else(|| {
                        format!("hook `{label}` denied a call and interrupted the turn")
                    }));
                }
                r.permission = Some((p, message));
            }
            updated_input_of(event, label, "decision.updatedInput", d, r);
        }
        updated_input_of(event, label, "updatedInput", specific, r);
        if let Some(u) = specific
            .get("updatedMCPToolOutput")
            .filter(|u| !u.is_null())
        {
            r.updated_output = Some(u.clone());
        }
        r.context = str_of(specific.get("additionalContext"));
    }
    if let Some((Permission::Deny, why)) = &r.permission {
        r.block = Some(
            why.clone()
                .unwrap_or_else(|| format!("denied by hook `{label}`")),
        );
    }
    if r.block.is_some() {
        r.outcome = Some(Outcome::Blocked);
    }
}

/// The `updatedInput` in `field` of `json` (its last dotted part), into
/// `r`. One that is not an object (`"npm test"`, a list) cannot be an
/// input: a warning naming the hook, and a guard's refuses the call (the
/// hook meant to change it); `null` is none.
fn updated_input_of(
    event: HookEvent,
    label: &str,
    field: &str,
    json: &serde_json::Map<String, Value>,
    r: &mut HookResult,
) {
    let key = field.rsplit('.').next().unwrap_or(field);
    match json.get(key) {
        None | Some(Value::Null) => {}
        Some(u @ Value::Object(_)) => r.updated_input = Some(u.clone()),
        Some(other) => {
            r.outcome = Some(Outcome::Error);
            let what = format!(
                "answered {field} {}, which is not an object of the tool's arguments (`{{\"command\": …}}`)",
                shown(other)
            );
            r.warning = Some(format!("hook `{label}` ({event}) {what}; it was ignored"));
            if event.guards() {
                r.warning = Some(format!("hook `{label}` ({event}) {what}"));
                r.block = Some(format!(
                    "refused: the {event} hook `{label}` {what}; a guard whose answer cannot be read blocks what it guards: fix its output"
                ));
            }
        }
    }
}

/// `v` as JSON, cut at 200 characters.
fn shown(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// The permission in `field` of `json` (its last dotted part), `None`
/// when absent. Any other value than `allow`, `deny` or `ask` is a warning
/// naming the hook and the value, and a guard's answer that cannot be read
/// blocks what it guards, as a guard that cannot start does.
fn decision_of(
    event: HookEvent,
    label: &str,
    field: &str,
    json: &serde_json::Map<String, Value>,
    r: &mut HookResult,
) -> Option<Permission> {
    let key = field.rsplit('.').next().unwrap_or(field);
    let value = json.get(key)?;
    if let Some(p) = value.as_str().and_then(Permission::parse) {
        return Some(p);
    }
    r.outcome = Some(Outcome::Error);
    let what = format!(
        "answered {field} {value}, which is not \"allow\", \"deny\" or \"ask\" (they are lowercase)"
    );
    r.warning = Some(format!("hook `{label}` ({event}) {what}; it was ignored"));
    if event.guards() {
        r.warning = Some(format!("hook `{label}` ({event}) {what}"));
        r.block = Some(format!(
            "refused: the {event} hook `{label}` {what}; a guard whose answer cannot be read blocks what it guards: fix its output"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exited(code: i32, stdout: &str, stderr: &str) -> RunOutput {
        RunOutput {
            status: RunStatus::Exited(code),
            stdout: stdout.into(),
            stderr: stderr.into(),
        }
    }

    #[test]
    fn a_guard_that_cannot_start_refuses_the_call_and_others_only_warn() {
        let missing = exited(127, "", "bash: line 1: no-such-guard: command not found\n");
        let r = interpret(HookEvent::PreToolUse, "no-such-guard", &missing, 60);
        assert_eq!(r.outcome(), Outcome::Blocked);
        let block = r.block.unwrap();
        assert!(
            block.contains("`no-such-guard` could not start (exit code 127: command not found: bash: line 1: no-such-guard: command not found)"),
            "{block}"
        );
        let r = interpret(HookEvent::PostToolUse, "no-such-guard", &missing, 60);
        assert_eq!((r.outcome(), r.block), (Outcome::Error, None));
        let r = interpret(HookEvent::UserPromptSubmit, "h", &missing, 60);
        assert_eq!((r.outcome(), r.block), (Outcome::Error, None));
    }

    #[test]
    fn a_script_without_its_exec_bit_gets_a_chmod_hint() {
        let r = interpret(
            HookEvent::PostToolUse,
            "h",
            &exited(
                126,
                "",
                "bash: line 1: /repo/.claude/hooks/block-rm.sh: Permission denied\n",
            ),
            60,
        );
        assert_eq!(
            r.warning.as_deref(),
            Some(
                "hook `h` (PostToolUse) did not run: /repo/.claude/hooks/block-rm.sh is not executable (exit code 126); run `chmod +x /repo/.claude/hooks/block-rm.sh`, or call it through its interpreter (`bash /repo/.claude/hooks/block-rm.sh`)"
            )
        );
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        let r = interpret(HookEvent::PreToolUse, "h", &exited(2, "{}", "no rm\n"), 60);
        assert_eq!(
            (r.outcome(), r.block.as_deref()),
            (Outcome::Blocked, Some("no rm"))
        );
        let r = interpret(HookEvent::PreToolUse, "h", &exited(1, "", "oops"), 60);
        assert_eq!(r.outcome(), Outcome::Error);
        assert!(r.block.is_none() && r.warning.unwrap().contains("code 1: oops"));
        let r = interpret(
            HookEvent::UserPromptSubmit,
            "h",
            &exited(0, "ctx line\n", ""),
            60,
        );
        assert_eq!(r.context.as_deref(), Some("ctx line"));
        let r = interpret(HookEvent::PreToolUse, "h", &exited(0, "{garbage", ""), 60);
        assert_eq!(r.outcome(), Outcome::Error);
        assert!(r.warning.unwrap().contains("is not a JSON object"));
        // Plain text on exit 0 is a success, not an error.
        let r = interpret(
            HookEvent::PostToolUse,
            "h",
            &exited(0, "formatted 3 files\n", ""),
            60,
        );
        assert_eq!((r.outcome(), r.warning), (Outcome::Ok, None));
        // A JSON answer cut at the cap says so.
        let cut = format!(
            "{{\"a\": \"{}\n[hook output cut at 256 KB: 9 more bytes were dropped]",
            "x".repeat(10)
        );
        let r = interpret(HookEvent::PreToolUse, "h", &exited(0, &cut, ""), 60);
        let w = r.warning.unwrap();
        assert!(
            w.contains("cut at that cap") && w.contains("256 KiB"),
            "{w}"
        );
        let r = interpret(HookEvent::SessionStart, "h", &exited(0, "{broken", ""), 60);
        assert!(r.context.is_none() && r.warning.is_some());
    }

    #[test]
    fn json_output_is_honoured() {
        let out = exited(
            0,
            r#"{"continue": true, "systemMessage": "note",
                "hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                "permissionDecisionReason": "not here", "additionalContext": "more"}}"#,
            "",
        );
        let r = interpret(HookEvent::PreToolUse, "h", &out, 60);
        assert_eq!(r.block.as_deref(), Some("not here"));
        assert_eq!(r.system_message.as_deref(), Some("note"));
        assert_eq!(r.context.as_deref(), Some("more"));
        let out = exited(
            0,
            r#"{"hookSpecificOutput": {"permissionDecision": "allow", "updatedInput": {"command": "ls"}}}"#,
            "",
        );
        let r = interpret(HookEvent::PreToolUse, "h", &out, 60);
        assert_eq!(r.permission.map(|p| p.0), Some(Permission::Allow));
        assert_eq!(r.updated_input, Some(serde_json::json!({"command": "ls"})));
        let r = interpret(
            HookEvent::Stop,
            "h",
            &exited(0, r#"{"decision": "block", "reason": "run the tests"}"#, ""),
            60,
        );
        assert_eq!(r.block.as_deref(), Some("run the tests"));
        let r = interpret(
            HookEvent::PostToolUse,
            "h",
            &exited(0, r#"{"continue": false, "stopReason": "enough"}"#, ""),
            60,
        );
        assert_eq!(r.stop.as_deref(), Some("enough"));
        let r = interpret(
            HookEvent::PermissionRequest,
            "h",
            &exited(
                0,
                r#"{"hookSpecificOutput": {"decision": {"behavior": "deny", "message": "no"}}}"#,
                "",
            ),
            60,
        );
        assert_eq!(r.block.as_deref(), Some("no"));
    }

    #[test]
    fn a_byte_order_mark_before_the_json_answer_is_skipped() {
        let out = exited(
            0,
            "\u{feff}{\"hookSpecificOutput\": {\"permissionDecision\": \"deny\", \"permissionDecisionReason\": \"BOM-DENY\"}}\r\n",
            "",
        );
        let r = interpret(HookEvent::PreToolUse, "h", &out, 60);
        assert_eq!(
            (r.outcome(), r.block.as_deref()),
            (Outcome::Blocked, Some("BOM-DENY"))
        );
    }

    #[test]
    fn an_unknown_permission_decision_is_said_and_a_guard_refuses() {
        let answer = r#"{"hookSpecificOutput": {"permissionDecision": "DENY"}}"#;
        let r = interpret(HookEvent::PreToolUse, "g", &exited(0, answer, ""), 60);
        assert_eq!(r.outcome(), Outcome::Blocked);
        assert!(r.permission.is_none());
        let w = r.warning.unwrap();
        assert!(
            w.contains("`g`") && w.contains("permissionDecision \"DENY\""),
            "{w}"
        );
        let b = r.block.unwrap();
        assert!(
            b.starts_with("refused: the PreToolUse hook `g` answered permissionDecision \"DENY\""),
            "{b}"
        );
        let r = interpret(HookEvent::PostToolUse, "p", &exited(0, answer, ""), 60);
        assert_eq!((r.outcome(), r.block), (Outcome::Error, None));
        assert!(r.warning.unwrap().ends_with("it was ignored"));
        let answer = r#"{"hookSpecificOutput": {"decision": {"behavior": 1}}}"#;
        let r = interpret(
            HookEvent::PermissionRequest,
            "q",
            &exited(0, answer, ""),
            60,
        );
        assert_eq!(r.outcome(), Outcome::Blocked);
        assert!(r.block.unwrap().contains("answered decision.behavior 1,"));
    }
}
