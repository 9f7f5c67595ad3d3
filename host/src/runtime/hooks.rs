//! The hook dispatcher of a new session: hooks from config.toml and
//! Claude Code's settings files, with the session's identity.

use std::path::Path;
use std::sync::Arc;

use crate::agent::{Event, EventSink};
use crate::config::Config;
use crate::hooks::config::HookSources;
use crate::hooks::{Hooks, SessionInfo};
use crate::store::SessionWriter;

/// Loads the hooks for a session (with the WASM `plugins` it loaded, whose
/// `[[hooks]]` count); `None` when none is configured or allowed to run.
/// Warnings (unreadable files, untrusted hooks) go to `events`.
pub fn load(
    config: &Config,
    home: &Path,
    cwd: &Path,
    workspace: &Path,
    writer: &SessionWriter,
    events: &EventSink,
    plugins: &[Arc<crate::plugins::LoadedPlugin>],
) -> Option<Arc<Hooks>> {
    let hooks_root = crate::config::hooks_root(cwd);
    let sources = HookSources::new(config, home, hooks_root.clone());
    let mut loaded = crate::hooks::load_hooks(&sources);
    if let Some(w) = switched_off(config, &mut loaded) {
        events.send(Event::Warning { message: w });
    }
    for w in &loaded.warnings {
        events.send(Event::Warning { message: w.clone() });
    }
    if let Some(w) = crate::hooks::dispatch::pending_warning(&loaded) {
        events.send(Event::Warning { message: w });
    }
    if let Some(w) = crate::hooks::gone_guards::warning(&loaded.gone) {
        events.send(Event::Warning { message: w });
    }
    let info = SessionInfo {
        session_id: writer.id().to_string(),
        transcript_path: writer.path().to_path_buf(),
        cwd: cwd.to_path_buf(),
        // Where the repository's hooks were found and approved (outside
        // git, the folder holding `.claude`/`.quire`): they run there.
        project_dir: hooks_root.unwrap_or_else(|| workspace.to_path_buf()),
        permission_mode: config.approval.to_string(),
        claude_permission_mode: crate::hooks::claude::permission_mode(
            config.approval,
            config.sandbox,
        )
        .to_string(),
        // The user's own Claude `env` only: a repository's reaches only
        // sandboxed commands (hooks run outside the sandbox).
        env: config.claude.user_env().into_iter().collect(),
    };
    // A gone guard blocks what it guarded (see `gone_guards`).
    let hooks: Vec<_> = loaded.hooks.into_iter().chain(loaded.gone).collect();
    let (hooks, warnings) = Hooks::new(hooks, info, events.clone())
        .with_approvals_from(sources)
        .with_plugins(plugins);
    for message in warnings {
        events.send(Event::Warning { message });
    }
    let hooks = Arc::new(hooks);
    (!hooks.is_empty()).then_some(hooks)
}

/// Claude Code's `disableAllHooks`: in the user's settings.json it
/// switches every hook off; in a repository's file, the repository's
/// hooks, except the guards the user approved (a file a command may
/// write cannot switch a guard off, as `hooks::gone_guards` says). What
/// was switched off, in words.
fn switched_off(config: &Config, loaded: &mut crate::hooks::LoadedHooks) -> Option<String> {
    use crate::hooks::config::{HookScope, TrustState};
    if let Some(file) = config.claude.hooks_disabled(true) {
        let n = loaded.hooks.len() + loaded.gone.len();
        loaded.hooks.clear();
        loaded.gone.clear();
        return (n > 0).then(|| {
            format!(
                "no hooks run: `disableAllHooks` is true in {}",
                file.display()
            )
        });
    }
    let file = config.claude.hooks_disabled(false)?;
    let before = loaded.hooks.len();
    let kept_guard = |h: &crate::hooks::Hook| h.event.guards() && h.trust == TrustState::Trusted;
    loaded
        .hooks
        .retain(|h| h.scope == HookScope::User || kept_guard(h));
    let guards = loaded
        .hooks
        .iter()
        .filter(|h| h.scope == HookScope::Project)
        .count();
    let off = before - loaded.hooks.len();
    let kept = match guards {
        0 => String::new(),
        n => format!(
            "; its {n} approved guard(s) (PreToolUse, PermissionRequest, UserPromptSubmit) still run, as a file a command may write cannot switch a guard off — remove them from the file and accept that with `quire hooks trust`, or set `disableAllHooks` in your own ~/.claude/settings.json"
        ),
    };
    (off + guards > 0).then(|| {
        format!(
            "the repository's hooks are off: `disableAllHooks` is true in {}{kept}",
            file.display()
        )
    })
}
