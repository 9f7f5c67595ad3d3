//! WASM hooks: the `[[hooks]]` a plugin declares in its plugin.toml, run
//! through the plugin's `hooks` export (world 0.2.0 on) in a fresh
//! instance under the plugin's grants and limits (memory, time, no network
//! unless granted). Every WASM hook, from the user's plugins too, is
//! trusted by a hash of its declaration and of the component's bytes: a
//! new or rebuilt plugin's hooks wait for `quire hooks trust`.

use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::HookEvent;
use super::config::{Hook, HookDef, HookKind, HookScope, HookSources, TrustState, compile_matcher};
use super::contract::{HookResult, Outcome};
use super::trust::TrustStore;
use crate::plugins::discover::{self, Scope};
use crate::plugins::runtime::{CallError, HookOutcome};

/// The hooks of every plugin found for `src` (the repository's own plugins
/// only when it is trusted), with their trust state, and warnings.
pub fn plugin_hooks(src: &HookSources, approved: &TrustStore) -> (Vec<Hook>, Vec<String>) {
    let mut hooks = Vec::new();
    let mut warnings = Vec::new();
    if !src.plugins.enabled {
        return (hooks, warnings);
    }
    let workspace = src.repo_root.as_deref().filter(|_| src.project_trusted);
    let found = discover::discover(&src.home, workspace, &src.plugins);
    for f in found.found.iter().filter(|f| !f.manifest.hooks.is_empty()) {
        let m = &f.manifest;
        let Some(digest) = file_digest(&m.component) else {
            warnings.push(format!(
                "the hooks of plugin '{}' do not run: its component {} cannot be read",
                m.name,
                m.component.display()
            ));
            continue;
        };
        for decl in &m.hooks {
            // `manifest::parse` checked the event and the matcher.
            let (Some(event), Ok(matcher)) =
                (decl.hook_event(), compile_matcher(decl.matcher.as_deref()))
            else {
                continue;
            };
            let def = HookDef {
                matcher: decl.matcher.clone(),
                kind: HookKind::Wasm,
                command: None,
                url: None,
                headers: Default::default(),
                allowed_env_vars: Vec::new(),
                timeout_sec: None,
                plugin: Some(m.name.clone()),
                name: Some(format!("plugin {}", m.name)),
                if_rule: None,
                background: false,
            };
            let hash = hook_hash(&m.path, event, &def, &digest);
            let trust = if approved.contains(&hash) {
                TrustState::Trusted
            } else {
                TrustState::NotApproved
            };
            let mut hook = Hook {
                event,
                def,
                matcher,
                claude_matcher: None,
                source: m.path.clone(),
                scope: match f.scope {
                    Scope::Project => HookScope::Project,
                    Scope::User | Scope::Configured => HookScope::User,
                },
                claude: false,
                plugin_root: None,
                root_alias: None,
                plugin_data: None,
                condition: None,
                hash,
                trust,
                // The component was read once, at load.
                pinned: None,
                approved_before: false,
            };
            hook.approved_before = super::approved_before::applies(&hook, approved);
            hooks.push(hook);
        }
    }
    (hooks, warnings)
}

/// The hash a WASM hook is approved by: its plugin.toml, the event, the
/// declaration and the sha256 of the component.
pub fn hook_hash(manifest: &Path, event: HookEvent, def: &HookDef, component: &str) -> String {
    let body = serde_json::json!({
        "manifest": manifest.display().to_string(),
        "event": event.as_str(),
        "def": def,
        "component": component,
    });
    hex(&Sha256::digest(body.to_string().as_bytes()))
}

fn file_digest(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    Some(hex(&Sha256::digest(&bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a plugin's answer as the contract reads a command hook's: a
/// block, an updated input (a JSON object), context, a message for the
/// user; a failure or a stop at a limit is a warning and the loop goes on.
pub fn interpret(event: HookEvent, label: &str, out: HookOutcome, timeout_ms: u64) -> HookResult {
    let mut r = HookResult::default();
    let reply = match out.result {
        Ok(reply) => reply,
        Err(CallError::Stopped(why)) => {
            let timed_out = out.duration.as_millis() >= u128::from(timeout_ms);
            r.outcome = Some(if timed_out {
                Outcome::TimedOut
            } else {
                Outcome::Error
            });
            r.warning = Some(format!("hook `{label}` ({event}) was stopped: {why}"));
            return r;
        }
        Err(CallError::Guest(e)) => {
            let why = CallError::Guest(e).message(label);
            r.outcome = Some(Outcome::Error);
            r.warning = Some(format!("hook `{label}` ({event}) failed: {why}"));
            return r;
        }
    };
    if let Some(text) = reply.updated_input {
        match serde_json::from_str::<Value>(&text) {
            Ok(v) if v.is_object() => r.updated_input = Some(v),
            _ => {
                r.outcome = Some(Outcome::Error);
                r.warning = Some(format!(
                    "hook `{label}` ({event}) returned an updated input that is not a JSON object; it was ignored"
                ));
            }
        }
    }
    r.context = reply.additional_context.filter(|c| !c.trim().is_empty());
    r.system_message = reply.system_message.filter(|m| !m.trim().is_empty());
    if let Some(reason) = reply.block {
        r.block = Some(if reason.trim().is_empty() {
            format!("blocked by hook `{label}`")
        } else {
            reason
        });
        r.outcome = Some(Outcome::Blocked);
    }
    r
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::plugins::world::{GuestError, HookReply};

    fn outcome(result: Result<HookReply, CallError>, ms: u64) -> HookOutcome {
        HookOutcome {
            result,
            duration: Duration::from_millis(ms),
        }
    }

    #[test]
    fn replies_map_to_the_contract() {
        let reply = HookReply {
            block: Some("no".into()),
            additional_context: Some("ctx".into()),
            ..Default::default()
        };
        let r = interpret(HookEvent::PreToolUse, "p", outcome(Ok(reply), 1), 100);
        assert_eq!(r.outcome(), Outcome::Blocked);
        assert_eq!(
            (r.block.as_deref(), r.context.as_deref()),
            (Some("no"), Some("ctx"))
        );
        let reply = HookReply {
            updated_input: Some(r#"{"command":"ls"}"#.into()),
            ..Default::default()
        };
        let r = interpret(HookEvent::PreToolUse, "p", outcome(Ok(reply), 1), 100);
        assert_eq!(r.updated_input, Some(serde_json::json!({"command": "ls"})));
        let reply = HookReply {
            updated_input: Some("[1]".into()),
            ..Default::default()
        };
        let r = interpret(HookEvent::PreToolUse, "p", outcome(Ok(reply), 1), 100);
        assert!(r.updated_input.is_none() && r.warning.is_some());
    }

    #[test]
    fn failures_are_warnings_and_a_stop_at_the_deadline_is_a_timeout() {
        let stopped = Err(CallError::Stopped("time limit".into()));
        let r = interpret(HookEvent::Stop, "p", outcome(stopped, 150), 100);
        assert_eq!(r.outcome(), Outcome::TimedOut);
        assert!(r.block.is_none() && r.warning.unwrap().contains("was stopped"));
        let failed = Err(CallError::Guest(GuestError::Failed("bad".into())));
        let r = interpret(HookEvent::Stop, "p", outcome(failed, 1), 100);
        assert_eq!(r.outcome(), Outcome::Error);
        assert!(r.warning.unwrap().contains("bad"));
    }
}
