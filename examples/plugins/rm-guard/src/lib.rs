//! rm-guard: a hook-only quire plugin. Before every `shell` call it reads
//! the command line and blocks `rm` with both recursive and force flags
//! when a path it would delete is outside the workspace (or cannot be
//! known: `~`, `$VAR`, globs at the root, command substitution). The
//! model reads the reason and can try something else.

mod guard;

use quire_sdk::prelude::*;

quire_sdk::plugin! {
    /// Blocks `rm -rf` outside the workspace.
    #[hook(PreToolUse)]
    fn rm_guard(event: HookEvent) -> HookDecision {
        if event.tool_name() != Some("shell") {
            return HookDecision::allow();
        }
        let Some(input) = event.tool_input() else {
            return HookDecision::allow();
        };
        let command = input["command"].as_str().unwrap_or("");
        let workspace = event.field("cwd").unwrap_or("/");
        let workdir = input["workdir"].as_str();
        match guard::check(command, workspace, workdir) {
            Ok(()) => HookDecision::allow(),
            Err(reason) => HookDecision::block(format!("rm-guard: {reason}")),
        }
    }
}
