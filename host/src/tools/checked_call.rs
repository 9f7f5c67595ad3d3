//! A call through the permission rules and the hooks: the rules' gate,
//! then the hooks and the tool ([`super::hooked`]). A `PermissionRequest`
//! hook that allows the call with another input (`updatedInput`, as in
//! Claude Code) has it run with that input instead: checked against the
//! tool's schema and the rules again, sent as `tool_input_rewritten`, run
//! in the sandbox its own arguments ask for, its approval prompts answered
//! by the hook's allow.

use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::hooked::{self, Called};
use super::permissions::Permissions;
use super::permissions::gate::{self, CallHooks, Checked};
use super::{Tool, ToolContext, ToolOutput, ToolSpec, schema};
use crate::hooks::Hooks;
use crate::hooks::approver::PermissionRewrite;
use crate::protocol::{Rewritten, ToolCall};

/// How many times hooks may allow a call in another form before it is
/// refused (each allow of a rewritten input approves that input, so a
/// second rewrite only comes from a hook that rewrites what it approved).
const MAX_REWRITES: usize = 3;

/// The call, and what checks it.
#[derive(Clone, Copy)]
pub(super) struct Call<'a> {
    pub permissions: Option<&'a Permissions>,
    pub hooks: Option<&'a Arc<Hooks>>,
    pub tool: &'a dyn Tool,
    pub spec: &'a ToolSpec,
    pub call: &'a ToolCall,
    pub rewritten: &'a Mutex<Option<Rewritten>>,
}

/// Runs `c` with `args` from `ctx`.
pub(super) async fn run(c: Call<'_>, mut args: Value, ctx: &ToolContext) -> ToolOutput {
    let mut approved: Option<Value> = None;
    for _ in 0..=MAX_REWRITES {
        let mut ctx = ctx.clone();
        if let Some(p) = c.permissions {
            let hooks = c.hooks.map(|hooks| CallHooks {
                hooks,
                source: c.tool.source(),
            });
            match gate::check(p, c.call, &args, &ctx, hooks, approved.as_ref()).await {
                Err(text) => return hooked::refused(text),
                Ok(Checked::Allowed(approver)) => ctx.approver = approver,
                Ok(Checked::Plain) => {}
                Ok(Checked::Rewritten(rewrite)) => {
                    args = match accept(&c, &ctx, rewrite) {
                        Ok(a) => a,
                        Err(out) => return out,
                    };
                    approved = Some(args.clone());
                    continue;
                }
            }
        }
        let called = hooked::call(&c, args.clone(), &ctx, approved.as_ref()).await;
        let out = match called {
            Called::Done(out) => out,
            Called::Rewritten(rewrite) => {
                args = match accept(&c, &ctx, rewrite) {
                    Ok(a) => a,
                    Err(out) => return out,
                };
                approved = Some(args.clone());
                continue;
            }
        };
        return match c.permissions {
            Some(p) if c.call.name == "grep" => gate::grep_result(p, out, &ctx.cwd),
            _ => out,
        };
    }
    hooked::refused(format!(
        "{} was not run: PermissionRequest hooks allowed it with a changed input {} times over, each time changing what they had approved",
        c.call.name,
        MAX_REWRITES + 1
    ))
}

/// The input `rewrite` allowed, when the tool can take it (recorded as
/// the call's arguments); else the call's result.
fn accept(
    c: &Call<'_>,
    ctx: &ToolContext,
    rewrite: PermissionRewrite,
) -> Result<Value, ToolOutput> {
    if let Err(e) = schema::validate(&rewrite.arguments, &c.spec.parameters) {
        return Err(ToolOutput::error(format!(
            "a PermissionRequest hook allowed '{}' with arguments rewritten into invalid ones ({e}); the call was not run",
            c.call.name
        )));
    }
    hooked::record_rewrite(ctx, c.call, c.rewritten, rewrite.hook, &rewrite.arguments);
    Ok(rewrite.arguments)
}
