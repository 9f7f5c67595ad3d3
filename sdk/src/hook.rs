//! Hooks: a plugin handles hook events (world 0.2.0 and later).
//!
//! A hook is a function inside [`plugin!`](crate::plugin) marked
//! `#[hook]` (every event that reaches the plugin) or `#[hook(PreToolUse,
//! PostToolUse)]` (only those). It takes a [`HookEvent`] and returns a
//! [`HookDecision`] or `Result<HookDecision, E>` with `E: Display` (an
//! error is a warning for the user; the loop goes on). Which events reach
//! the plugin at all, and for which tools, the plugin's `plugin.toml`
//! declares:
//!
//! ```toml
//! [[hooks]]
//! event = "PreToolUse"
//! matcher = "shell"
//! ```

use std::fmt;

use serde_json::Value;

/// One hook event: its name and its input, with Claude Code's field names
/// (`session_id`, `cwd`, `hook_event_name`, `tool_name`, `tool_input`,
/// `tool_response`, `prompt`, …) and quire's own (`tool_source`, and for
/// patches `tool_input.file_paths`).
#[derive(Debug, Clone, PartialEq)]
pub struct HookEvent {
    /// `PreToolUse`, `PostToolUse`, `UserPromptSubmit`, …
    pub name: String,
    /// The input object (`Value::Null` if the host sent no JSON).
    pub input: Value,
}

impl HookEvent {
    /// The event `name` with the JSON text `payload`.
    pub fn new(name: &str, payload: &str) -> HookEvent {
        HookEvent {
            name: name.to_string(),
            input: serde_json::from_str(payload).unwrap_or(Value::Null),
        }
    }

    /// A text field of the input (`cwd`, `prompt`, `tool_name`, …).
    pub fn field(&self, key: &str) -> Option<&str> {
        self.input.get(key).and_then(Value::as_str)
    }

    /// The tool of a tool event (quire's name: `shell`, `apply_patch`, …).
    pub fn tool_name(&self) -> Option<&str> {
        self.field("tool_name")
    }

    /// The tool's arguments of a tool event.
    pub fn tool_input(&self) -> Option<&Value> {
        self.input.get("tool_input")
    }

    /// The folder the session works in.
    pub fn cwd(&self) -> Option<&str> {
        self.field("cwd")
    }

    /// The files a tool call touches: `tool_input.file_paths` (patches),
    /// else `tool_input.file_path` or `tool_input.path`.
    pub fn file_paths(&self) -> Vec<String> {
        let Some(input) = self.tool_input() else {
            return Vec::new();
        };
        if let Some(list) = input.get("file_paths").and_then(Value::as_array) {
            return list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
        }
        ["file_path", "path"]
            .iter()
            .find_map(|k| input.get(*k).and_then(Value::as_str))
            .map(|p| vec![p.to_string()])
            .unwrap_or_default()
    }
}

/// What a hook decides. [`HookDecision::allow`] (the default) lets the
/// loop go on; the others can be combined with the `with_` methods.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HookDecision {
    /// Block the action: a tool call is not run and the model reads the
    /// reason; a prompt is dropped; `Stop` makes the agent go on.
    pub block: Option<String>,
    /// `PreToolUse`: run the tool with this input instead (an object).
    pub updated_input: Option<Value>,
    /// Context for the model.
    pub additional_context: Option<String>,
    /// A message for the user.
    pub system_message: Option<String>,
}

impl HookDecision {
    /// Go on.
    pub fn allow() -> HookDecision {
        HookDecision::default()
    }

    /// Block, with the reason the model (or user) reads.
    pub fn block(reason: impl Into<String>) -> HookDecision {
        HookDecision {
            block: Some(reason.into()),
            ..Default::default()
        }
    }

    /// Run the tool with `input` instead (`PreToolUse`).
    pub fn rewrite(input: Value) -> HookDecision {
        HookDecision {
            updated_input: Some(input),
            ..Default::default()
        }
    }

    /// Go on, adding `text` as context for the model.
    pub fn context(text: impl Into<String>) -> HookDecision {
        HookDecision::allow().with_context(text)
    }

    pub fn with_context(mut self, text: impl Into<String>) -> HookDecision {
        self.additional_context = Some(text.into());
        self
    }

    pub fn with_message(mut self, text: impl Into<String>) -> HookDecision {
        self.system_message = Some(text.into());
        self
    }

    /// Whether this decision changes anything.
    pub fn is_allow(&self) -> bool {
        *self == HookDecision::default()
    }
}

/// What a `#[hook]` function may return.
pub trait IntoHookResult {
    fn into_hook_result(self) -> Result<HookDecision, String>;
}

impl IntoHookResult for HookDecision {
    fn into_hook_result(self) -> Result<HookDecision, String> {
        Ok(self)
    }
}

impl<E: fmt::Display> IntoHookResult for Result<HookDecision, E> {
    fn into_hook_result(self) -> Result<HookDecision, String> {
        self.map_err(|e| e.to_string())
    }
}

/// One `#[hook]` function, as [`plugin!`](crate::plugin) registers it.
#[doc(hidden)]
pub struct Hook {
    pub name: &'static str,
    /// The events it takes; empty: all.
    pub events: &'static [&'static str],
    pub call: fn(HookEvent) -> Result<HookDecision, String>,
}

/// The `#[hook]` functions of a plugin (`HOOKS`, defined by
/// [`plugin!`](crate::plugin)); tests call [`Hookbox::handle`] as the host
/// would.
pub struct Hookbox {
    hooks: &'static [Hook],
}

impl Hookbox {
    #[doc(hidden)]
    pub const fn new(hooks: &'static [Hook]) -> Hookbox {
        Hookbox { hooks }
    }

    /// The names of the hook functions.
    pub fn names(&self) -> Vec<&'static str> {
        self.hooks.iter().map(|h| h.name).collect()
    }

    /// Runs every hook that takes `event`, in order. The first block or
    /// error ends the run; otherwise the last updated input wins and
    /// contexts and messages are joined.
    pub fn handle(&self, event: &HookEvent) -> Result<HookDecision, String> {
        let mut out = HookDecision::allow();
        for h in self.hooks {
            if !h.events.is_empty() && !h.events.contains(&event.name.as_str()) {
                continue;
            }
            let d = (h.call)(event.clone()).map_err(|e| format!("{}: {e}", h.name))?;
            if d.block.is_some() {
                return Ok(d);
            }
            if d.updated_input.is_some() {
                out.updated_input = d.updated_input;
            }
            join(&mut out.additional_context, d.additional_context);
            join(&mut out.system_message, d.system_message);
        }
        Ok(out)
    }
}

fn join(into: &mut Option<String>, more: Option<String>) {
    match (into.as_mut(), more) {
        (Some(a), Some(b)) => {
            a.push('\n');
            a.push_str(&b);
        }
        (None, Some(b)) => *into = Some(b),
        _ => {}
    }
}

/// Calls a hook function with an event.
#[doc(hidden)]
pub fn invoke<R: IntoHookResult>(
    f: fn(HookEvent) -> R,
    event: HookEvent,
) -> Result<HookDecision, String> {
    f(event).into_hook_result()
}

impl From<HookDecision> for crate::bindings::quire::plugin::types::HookDecision {
    fn from(d: HookDecision) -> Self {
        crate::bindings::quire::plugin::types::HookDecision {
            block: d.block,
            updated_input: d.updated_input.map(|v| v.to_string()),
            additional_context: d.additional_context,
            system_message: d.system_message,
        }
    }
}
