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
    let sources = HookSources::new(config, home, crate::config::hooks_root(cwd));
    let loaded = crate::hooks::load_hooks(&sources);
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
        project_dir: workspace.to_path_buf(),
        permission_mode: config.approval.to_string(),
        claude_permission_mode: crate::hooks::claude::permission_mode(
            config.approval,
            config.sandbox,
        )
        .to_string(),
    };
    // A gone guard blocks what it guarded (see `gone_guards`).
    let hooks: Vec<_> = loaded.hooks.into_iter().chain(loaded.gone).collect();
    let (hooks, warnings) = Hooks::new(hooks, info, events.clone()).with_plugins(plugins);
    for message in warnings {
        events.send(Event::Warning { message });
    }
    let hooks = Arc::new(hooks);
    (!hooks.is_empty()).then_some(hooks)
}
