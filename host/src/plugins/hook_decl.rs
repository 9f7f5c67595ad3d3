//! `[[hooks]]` in `plugin.toml`: the hook events a plugin handles (world
//! 0.2.0 and later), each with an optional matcher, as in config.toml:
//!
//! ```toml
//! [[hooks]]
//! event = "PreToolUse"
//! matcher = "shell"
//! ```
//!
//! The hooks run under the plugin's permissions and limits; see
//! [`crate::hooks::wasm`].

use serde::{Deserialize, Serialize};

use crate::hooks::HookEvent;
use crate::hooks::config::compile_matcher;

/// One `[[hooks]]` entry of a plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookDecl {
    /// A hook event name (`PreToolUse`, `PostToolUse`, …).
    pub event: String,
    /// A regex over tool names (tool events) or the event's kind; empty or
    /// `*` matches everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matcher: Option<String>,
}

impl HookDecl {
    /// The event, once [`check`]ed.
    pub fn hook_event(&self) -> Option<HookEvent> {
        HookEvent::parse(&self.event)
    }
}

/// Checks every entry; the message names the entry and what to write.
pub fn check(hooks: &[HookDecl]) -> Result<(), String> {
    for (i, h) in hooks.iter().enumerate() {
        if h.hook_event().is_none() {
            return Err(format!(
                "hooks[{i}].event: '{}' is not a hook event; events are {}",
                h.event,
                HookEvent::ALL.map(HookEvent::as_str).join(", ")
            ));
        }
        if let Err(e) = compile_matcher(h.matcher.as_deref()) {
            return Err(format!(
                "hooks[{i}].matcher: {:?} is not a valid regex: {e}",
                h.matcher.as_deref().unwrap_or("")
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(event: &str, matcher: Option<&str>) -> HookDecl {
        HookDecl {
            event: event.into(),
            matcher: matcher.map(str::to_string),
        }
    }

    #[test]
    fn unknown_events_and_bad_matchers_are_named() {
        assert!(check(&[decl("PreToolUse", Some("shell|apply_patch"))]).is_ok());
        let err = check(&[decl("PreToolUse", None), decl("PreTool", None)]).unwrap_err();
        assert!(
            err.contains("hooks[1].event") && err.contains("PostToolUse"),
            "{err}"
        );
        let err = check(&[decl("PostToolUse", Some("("))]).unwrap_err();
        assert!(err.contains("hooks[0].matcher"), "{err}");
    }
}
