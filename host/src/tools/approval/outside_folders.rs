//! "Always" for patches that write outside the workspace: the folders
//! the user allowed such patches under, for the rest of the session
//! (never saved). A later patch whose every outside path lies under one
//! of them is written without asking. What is refused before anyone is
//! asked stays refused (quire's, Claude Code's and Codex's settings
//! folders; everything under `--approval never` and in `quire exec`):
//! the allowance only stands in for the user's yes.

use std::path::PathBuf;
use std::sync::Mutex;

/// A patch's writes outside the workspace, as its question carries them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutsideWrites {
    /// Where the patch really writes outside the workspace (links
    /// resolved; a move's source and destination both).
    pub paths: Vec<PathBuf>,
    /// The folders an "always" answer allows (real paths). Empty when it
    /// is not offered: one would be `/`, the home folder or a folder
    /// holding it.
    pub folders: Vec<PathBuf>,
    /// How the question names them (`../other-repo`).
    pub shown: String,
    /// The patch writes inside the workspace too, and the policy asks
    /// about that (`untrusted`): no outside allowance answers it.
    pub asked_inside: bool,
}

impl OutsideWrites {
    /// Whether an "always" is offered.
    pub fn offers_always(&self) -> bool {
        !self.folders.is_empty()
    }

    /// Whether the folders in `allowed` answer this patch: every path it
    /// writes outside lies under one of them, and it asks for nothing else.
    pub fn allowed_by(&self, allowed: &[PathBuf]) -> bool {
        !self.asked_inside
            && !self.paths.is_empty()
            && self
                .paths
                .iter()
                .all(|p| allowed.iter().any(|f| p.starts_with(f)))
    }
}

/// The folders allowed so far in this session.
#[derive(Debug, Default)]
pub(super) struct Allowed(Mutex<Vec<PathBuf>>);

impl Allowed {
    /// Adds `folders`; one under a folder already allowed adds nothing,
    /// one holding some stands for them.
    pub fn add(&self, folders: &[PathBuf]) {
        let Ok(mut list) = self.0.lock() else { return };
        for f in folders {
            if list.iter().any(|a| f.starts_with(a)) {
                continue;
            }
            list.retain(|a| !a.starts_with(f));
            list.push(f.clone());
        }
    }

    /// The folders allowed, in the order given.
    pub fn list(&self) -> Vec<PathBuf> {
        self.0.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writes(paths: &[&str], asked_inside: bool) -> OutsideWrites {
        OutsideWrites {
            paths: paths.iter().map(PathBuf::from).collect(),
            folders: vec![PathBuf::from("/o/repo")],
            shown: "../repo".into(),
            asked_inside,
        }
    }

    #[test]
    fn a_patch_is_answered_only_when_every_outside_path_is_under_an_allowed_folder() {
        let allowed = [PathBuf::from("/o/repo")];
        assert!(writes(&["/o/repo/a", "/o/repo/src/b"], false).allowed_by(&allowed));
        assert!(!writes(&["/o/repo/a", "/o/other/b"], false).allowed_by(&allowed));
        // A sibling whose name starts the same is another folder.
        assert!(!writes(&["/o/repo2/a"], false).allowed_by(&allowed));
        // Inside writes asked about under untrusted are not answered.
        assert!(!writes(&["/o/repo/a"], true).allowed_by(&allowed));
        assert!(!writes(&[], false).allowed_by(&allowed));
        assert!(!writes(&["/o/repo/a"], false).allowed_by(&[]));
    }

    #[test]
    fn a_folder_holding_others_stands_for_them() {
        let a = Allowed::default();
        a.add(&[PathBuf::from("/o/repo/src")]);
        a.add(&[PathBuf::from("/o/repo/src/x")]);
        assert_eq!(a.list(), [PathBuf::from("/o/repo/src")]);
        a.add(&[PathBuf::from("/o/repo"), PathBuf::from("/p")]);
        assert_eq!(a.list(), [PathBuf::from("/o/repo"), PathBuf::from("/p")]);
    }
}
