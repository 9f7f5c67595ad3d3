//! Approvals given while a session runs. A repository's or a plugin's
//! hook whose files changed during the session (or before it, for a
//! guard approved before) does not run, and a guard blocks what it
//! guards, until `quire hooks trust` approves the new version — in
//! another shell, while this session goes on. So before such a hook is
//! refused, the approvals (`$QUIRE_HOME/trusted_hooks.json`) are read
//! again when that file changed since they were last read: the hooks are
//! loaded again as a new session would load them, and an approved version
//! of the hook (the same identity, [`super::approved_before::identity`])
//! runs from then on, pinned to its files as they are now.

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::approved_before::identity;
use super::config::{Hook, HookSources, TrustState};
use super::trust::TrustStore;

/// What the approvals file looked like: another stamp, another file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    mtime: (i64, i64),
    ino: u64,
}

fn stamp(path: &std::path::Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: m.len(),
        mtime: (m.mtime(), m.mtime_nsec()),
        ino: m.ino(),
    })
}

#[derive(Default)]
struct State {
    /// The approvals file when it was last read (`None`: not read yet).
    seen: Option<Option<Stamp>>,
    /// The approved hooks of the last reading, by identity.
    approved: HashMap<String, Arc<Hook>>,
    /// The gone guards of the last reading, by their approval's key
    /// ([`super::gone_guards`]).
    gone: HashSet<String>,
}

/// The session's view of approvals given since it started.
pub(super) struct Reapproved {
    sources: HookSources,
    store: PathBuf,
    state: Mutex<State>,
}

impl Reapproved {
    pub(super) fn new(sources: HookSources) -> Reapproved {
        Reapproved {
            store: TrustStore::path(&sources.home),
            sources,
            state: Mutex::default(),
        }
    }

    /// The version of `hook` approved during the session, when there is
    /// one (run it in place of `hook`).
    pub(super) fn current(&self, hook: &Hook) -> Option<Arc<Hook>> {
        let state = self.state.lock().ok()?;
        if state.approved.is_empty() {
            return None;
        }
        state.approved.get(&identity(hook)).cloned()
    }

    /// For `hook`, which may not run as it is (changed since it was
    /// approved): its approved version as its files are now, after reading
    /// the approvals again if they changed since last read; `None` when
    /// the hook as it is now is not approved.
    pub(super) fn reread(&self, hook: &Hook) -> Option<Arc<Hook>> {
        let id = identity(hook);
        let mut state = self.state.lock().ok()?;
        self.refresh(&mut state);
        let fresh = state.approved.get(&id)?;
        // Its files may have changed again since the approval.
        let unchanged = fresh.pinned.as_ref().is_none_or(|p| p.changed().is_empty());
        unchanged.then(|| fresh.clone())
    }

    /// Whether the gone guard `hook` ([`TrustState::Gone`]) was accepted
    /// as gone (`quire hooks trust` forgot its approval) since the
    /// session started: it no longer blocks.
    pub(super) fn forgotten(&self, hook: &Hook) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return false;
        };
        self.refresh(&mut state);
        !state.gone.contains(&hook.hash)
    }

    /// Loads the hooks again when the approvals file changed since it was
    /// last read (or was not read yet).
    fn refresh(&self, state: &mut State) {
        let now = stamp(&self.store);
        if state.seen == Some(now) {
            return;
        }
        tracing::debug!("reading the hook approvals again: a hook changed since approved");
        let loaded = super::load_hooks(&self.sources);
        state.approved = loaded
            .hooks
            .into_iter()
            .filter(|h| h.trust == TrustState::Trusted)
            .map(|h| (identity(&h), Arc::new(h)))
            .collect();
        state.gone = loaded.gone.into_iter().map(|h| h.hash).collect();
        state.seen = Some(now);
    }
}
