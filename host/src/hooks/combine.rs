//! Combining the results of the hooks of one event (they run in
//! parallel): any block or deny wins, then ask, then allow; contexts and
//! messages are all kept, in configuration order; the last updated input
//! wins.

use serde_json::Value;

use super::HookResult;

/// A permission decision of `PreToolUse` / `PermissionRequest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Permission {
    Allow,
    Ask,
    Deny,
}

impl Permission {
    pub fn parse(s: &str) -> Option<Permission> {
        match s {
            "allow" => Some(Permission::Allow),
            "ask" => Some(Permission::Ask),
            "deny" => Some(Permission::Deny),
            _ => None,
        }
    }
}

/// What the hooks of one event decided together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    /// Blocked, with every hook's reason (one per line).
    pub block: Option<String>,
    /// The strongest permission decision (deny > ask > allow).
    pub permission: Option<Permission>,
    pub permission_reason: Option<String>,
    pub updated_input: Option<Value>,
    /// The hooks that rewrote the input (labels, comma-separated), when
    /// `updated_input` is set.
    pub rewritten_by: Option<String>,
    /// `updatedMCPToolOutput` (the last hook's that gave one).
    pub updated_output: Option<Value>,
    /// Context for the model, one entry per hook.
    pub context: Vec<String>,
    /// Messages for the user (`systemMessage`).
    pub messages: Vec<String>,
    /// A hook said `continue: false`.
    pub stop: Option<String>,
}

impl Decision {
    /// Combines results given in configuration order.
    pub fn combine(results: Vec<HookResult>) -> Decision {
        let mut d = Decision::default();
        let mut blocks = Vec::new();
        for r in results {
            if let Some(b) = r.block {
                blocks.push(b);
            }
            if let Some((p, why)) = r.permission
                && d.permission.is_none_or(|cur| p > cur)
            {
                d.permission = Some(p);
                d.permission_reason = why;
            }
            if r.updated_input.is_some() {
                d.updated_input = r.updated_input;
            }
            if r.updated_output.is_some() {
                d.updated_output = r.updated_output;
            }
            d.context.extend(r.context);
            d.messages.extend(r.system_message);
            if d.stop.is_none() {
                d.stop = r.stop;
            }
        }
        if !blocks.is_empty() {
            d.block = Some(blocks.join("\n"));
            d.permission = Some(Permission::Deny);
            d.updated_input = None;
        }
        d
    }

    /// The context entries as one text, if any.
    pub fn context_text(&self) -> Option<String> {
        (!self.context.is_empty()).then(|| self.context.join("\n\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_deny_wins_and_ask_beats_allow() {
        let allow = HookResult {
            permission: Some((Permission::Allow, None)),
            updated_input: Some(serde_json::json!({"a": 1})),
            context: Some("one".into()),
            ..Default::default()
        };
        let ask = HookResult {
            permission: Some((Permission::Ask, Some("check".into()))),
            context: Some("two".into()),
            ..Default::default()
        };
        let d = Decision::combine(vec![allow.clone(), ask.clone()]);
        assert_eq!(d.permission, Some(Permission::Ask));
        assert_eq!(d.permission_reason.as_deref(), Some("check"));
        assert_eq!(d.context_text().as_deref(), Some("one\n\ntwo"));
        assert_eq!(d.updated_input, Some(serde_json::json!({"a": 1})));
        let deny = HookResult {
            block: Some("no".into()),
            ..Default::default()
        };
        let d = Decision::combine(vec![allow, deny, ask]);
        assert_eq!(d.block.as_deref(), Some("no"));
        assert_eq!(d.permission, Some(Permission::Deny));
        assert!(d.updated_input.is_none());
    }
}
