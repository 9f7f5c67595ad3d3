//! Skills in the agent loop: the [`Extension`] that adds the catalog for a
//! user message right after it (an [`Item::Context`], so the system prompt
//! stays the same for the session), injects the skills the message
//! activates, and re-injects active skills after compaction;
//! [`SkillsExtension::for_session`] makes it and the `skill` tool for the
//! session builder.

use std::path::PathBuf;
use std::sync::Arc;

use super::select::{Loader, Paths, SelectionOptions, SelectionState};
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

    fn skill_invoked(&self, name: &str, instructions: &str) {
        self.state.invoked(name, instructions);
    }
}

/// What the skills of a session are made from (given by the session
/// builder; the extension never reads the session itself).
pub struct SkillsSetup {
    pub config: crate::skills::SkillsConfig,
    /// The index cache folder (`$QUIRE_HOME/cache/skills-index`).
    pub cache_dir: Option<PathBuf>,
    pub workspace: Option<PathBuf>,
    pub home: Option<PathBuf>,
    /// The session's `tool_output_limit`: longer answers come in parts.
    pub output_limit: usize,
    pub semantic: Option<Arc<super::select::semantic::Semantic>>,
    /// Where the user is told about skills they named that were not
    /// activated.
    pub events: crate::protocol::EventSink,
}

impl SkillsExtension {
    /// The `skill` tool and the extension for a session; `loader` is
    /// discovery, called once per user message.
    pub fn for_session(setup: SkillsSetup, loader: Loader) -> (SkillTool, SkillsExtension) {
        let opts = SelectionOptions {
            config: setup.config,
            loader,
            cache_dir: setup.cache_dir,
            paths: Paths {
                workspace: setup.workspace,
                home: setup.home,
            },
        };
        let ext = SkillsExtension::new(opts);
        if let Some(s) = setup.semantic {
            ext.state().set_semantic(s);
        }
        ext.state().set_events(setup.events);
        (ext.tool(setup.output_limit), ext)
    }
}

/// Adds skills with explicit options to a session. `output_limit` is the session's
/// `tool_output_limit`.
pub fn attach_with(session: &mut Session, opts: SelectionOptions, output_limit: usize) {
    let ext = SkillsExtension::new(opts);
    session.register_tool(Arc::new(ext.tool(output_limit)));
    session.add_extension(Arc::new(ext));
}
