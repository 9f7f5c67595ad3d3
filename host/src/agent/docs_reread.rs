//! `/new` reads the instruction files (AGENTS.md, CLAUDE.md, the user's
//! own) again: one `/init` just wrote, or one edited during the session,
//! is what the new conversation's prompt holds (and `/status` names).

use std::path::Path;

use super::Session;
use super::prompt;

impl Session {
    /// Reads the instruction files again, as the session's start did
    /// (the same cap, the same Read deny rules for imports); a file
    /// skipped is warned about as at start.
    pub(crate) fn reread_docs(&mut self) {
        let permissions = self.tools.permissions();
        let denied =
            |p: &Path| permissions.is_some_and(|r| r.denies_read(&p.display().to_string()));
        let docs = prompt::project_docs_capped(
            &self.home,
            &self.cwd,
            self.config.project_doc_max_bytes,
            &denied,
        );
        for message in &docs.skipped {
            self.warn(message.clone());
        }
        self.docs = docs;
    }
}
