//! Skills in the agent loop: the [`Extension`] that adds the catalog for a
//! user message right after it (an [`Item::Context`], so the system prompt
//! stays the same for the session), injects the skills the message
//! activates, and re-injects active skills after compaction; [`attach`] adds it and the
//! `skill` tool to a session.

use std::path::PathBuf;
use std::sync::Arc;

use super::select::{Loader, Paths, SelectionOptions, SelectionState, cache};
use super::tool::SkillTool;
use crate::agent::Session;
use crate::protocol::Item;
use crate::tools::Extension;

/// See the module docs. Shares its state with the [`SkillTool`] made by
/// [`SkillsExtension::tool`].
pub struct SkillsExtension {
    state: Arc<SelectionState>,
}

impl SkillsExtension {
    pub fn new(opts: SelectionOptions) -> SkillsExtension {
        SkillsExtension {
            state: Arc::new(SelectionState::new(opts)),
        }
    }

    /// The `skill` tool over the same state. `output_limit` is the
    /// session's `tool_output_limit`: longer answers come in parts.
    pub fn tool(&self, output_limit: usize) -> SkillTool {
        SkillTool::new(self.state.clone(), output_limit)
    }

    pub fn state(&self) -> &Arc<SelectionState> {
        &self.state
    }
}

impl Extension for SkillsExtension {
    fn on_user_message(&self, user_text: &str) -> Vec<Item> {
        self.state.begin_turn(user_text)
    }

    fn after_compaction(&self) -> Vec<Item> {
        self.state.reinject()
    }

    fn sync_history(&self, history: &[Item]) {
        self.state.sync_history(history);
    }
}

/// Adds skills to `session`: the extension and the `skill` tool, with
/// `[skills]` from the session's config, the index cache under
/// `$QUIRE_HOME/cache/skills-index`, and `loader` (discovery, called once
/// per user message). Does nothing when `skills.enabled` is false.
pub fn attach(session: &mut Session, loader: Loader) {
    if !session.config.skills.enabled {
        return;
    }
    let opts = SelectionOptions {
        config: session.config.skills.clone(),
        loader,
        cache_dir: Some(cache::dir_in(&session.home)),
        paths: Paths {
            workspace: Some(session.workspace.clone()),
            home: std::env::var_os("HOME").map(PathBuf::from),
        },
    };
    let limit = session.config.tool_output_limit;
    let ext = SkillsExtension::new(opts);
    if let Some(s) = session.tool_selection.semantic() {
        ext.state().set_semantic(s);
    }
    session.register_tool(Arc::new(ext.tool(limit)));
    session.add_extension(Arc::new(ext));
}

/// [`attach`] with explicit options. `output_limit` is the session's
/// `tool_output_limit`.
pub fn attach_with(session: &mut Session, opts: SelectionOptions, output_limit: usize) {
    let ext = SkillsExtension::new(opts);
    session.register_tool(Arc::new(ext.tool(output_limit)));
    session.add_extension(Arc::new(ext));
}
