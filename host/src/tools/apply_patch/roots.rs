//! The directories a patch may write beneath, opened as the sandbox's
//! commands get them ([`crate::tools::pinned_roots`]): the workspace and
//! the `writable_roots` as first named in this run, each checked to be
//! the same folder and opened without following links, so a folder a
//! command swapped for a link is not written through. A workspace that
//! changed refuses the patch; a writable root that changed is left out.

use std::os::fd::AsFd;
use std::path::PathBuf;

use super::beneath::Roots;
use super::paths::workspace_root;
use crate::tools::SandboxMode;
use crate::tools::pinned_roots::{self, Pinned};
use crate::tools::planted_links;

/// Why the patch's directories could not be had.
#[derive(Debug, thiserror::Error)]
pub enum RootsError {
    #[error("{}", pinned_roots::workspace_refusal("apply patches", .0))]
    WorkspaceChanged(pinned_roots::Changed),
    #[error("cannot open {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// The real paths (the workspace first) and the opened directories:
/// `/` alone under danger-full-access.
pub fn open(
    sandbox: SandboxMode,
    workspace: &std::path::Path,
    writable_roots: &[PathBuf],
) -> Result<(Vec<PathBuf>, Roots), RootsError> {
    if sandbox == SandboxMode::DangerFullAccess {
        let all = vec![PathBuf::from("/")];
        let roots = Roots::open(&all).map_err(|(path, source)| RootsError::Io {
            path: path.display().to_string(),
            source,
        })?;
        return Ok((all, roots));
    }
    let ws = pinned_roots::pin(workspace);
    let mut pins: Vec<Pinned> = ws.iter().cloned().collect();
    let mut paths = vec![real_workspace(workspace)];
    if sandbox == SandboxMode::WorkspaceWrite {
        let writable = planted_links::writable_folders(Some(workspace), writable_roots);
        for p in writable_roots
            .iter()
            .filter_map(|r| pinned_roots::pin_root(r, &writable))
        {
            paths.push(p.real.clone());
            pins.push(p);
        }
    }
    let opened = pinned_roots::open_roots(ws.as_ref(), &pins, &paths)
        .map_err(RootsError::WorkspaceChanged)?;
    let opened: Vec<_> = opened
        .into_iter()
        .filter(|(_, fd)| pinned_roots::is_dir(fd.as_fd()))
        .collect();
    let paths = opened.iter().map(|(p, _)| p.clone()).collect();
    Ok((paths, Roots::from_opened(opened)))
}

/// The workspace's real path as pinned (as it is now when it was not).
pub fn real_workspace(workspace: &std::path::Path) -> PathBuf {
    pinned_roots::pin(workspace).map_or_else(|| workspace_root(workspace), |p| p.real)
}
