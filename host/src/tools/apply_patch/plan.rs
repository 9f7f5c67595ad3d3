//! Turning parsed file operations into staged file contents: paths are
//! resolved and checked against the sandbox, files read, hunks applied —
//! all in memory, before anything is written.

use std::path::{Path, PathBuf};

use super::apply::{HunkError, apply_hunks, new_file};
use super::beneath::Root;
use super::commit::{Content, StageError, Staged};
use super::diff::{FileDiff, is_binary};
use super::originals::{Original, digest, missing_dirs};
use super::parse::FileOp;
use super::paths::{normalize, real_path, workspace_root};
use crate::tools::SandboxMode;

/// What a patch does to one file, for the summary and the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Add(String),
    Update(String),
    Delete(String),
    Move { from: String, to: String },
}

impl Change {
    /// For the approval summary: `update a.rs`.
    pub fn describe(&self) -> String {
        match self {
            Change::Add(p) => format!("add {}", q(p)),
            Change::Update(p) => format!("update {}", q(p)),
            Change::Delete(p) => format!("delete {}", q(p)),
            Change::Move { from, to } => format!("move {} to {}", q(from), q(to)),
        }
    }

    /// For the result: `M a.rs`.
    pub fn status_line(&self) -> String {
        match self {
            Change::Add(p) => format!("A {}", q(p)),
            Change::Update(p) => format!("M {}", q(p)),
            Change::Delete(p) => format!("D {}", q(p)),
            Change::Move { from, to } => format!("M {} (moved from {})", q(to), q(from)),
        }
    }
}

/// A path as shown: git-quoted with its controls escaped when it has any
/// (`A "evil\033]0;x\007red.txt"`), so the name shown is the name on disk.
fn q(path: &str) -> std::borrow::Cow<'_, str> {
    crate::printable::quoted_name(path)
}

/// A patch ready to be written.
pub struct Prepared {
    pub staged: Staged,
    pub changes: Vec<Change>,
    /// One per change, in the same order.
    pub diffs: Vec<FileDiff>,
    /// One per change: what `/undo` needs to restore it byte for byte,
    /// when a reverse diff cannot.
    pub originals: Vec<Option<Original>>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(
        "{shown} resolves to {real}, which is outside the workspace {workspace}. Under --sandbox workspace-write apply_patch only writes inside the workspace: use a path inside it, or ask the user to run quire with --sandbox danger-full-access."
    )]
    Outside {
        shown: String,
        real: String,
        workspace: String,
    },
    #[error(
        "{shown} is inside {folder}, your own quire, Claude Code or Codex settings (config.toml, hooks, the approvals of repositories and hooks, plugins), which grant rights to every session: apply_patch does not change them under --sandbox workspace-write. Nothing was changed. Tell the user the change you would make; they can make it themselves."
    )]
    Protected { shown: String, folder: String },
    #[error(
        "cannot update {0}: the file does not exist. Check the path, or create the file with '*** Add File: {0}'. Nothing was changed."
    )]
    UpdateMissing(String),
    #[error("cannot delete {0}: the file does not exist. Check the path. Nothing was changed.")]
    DeleteMissing(String),
    #[error(
        "cannot add {0}: the file already exists. Change it with '*** Update File: {0}' instead. Nothing was changed."
    )]
    AddExists(String),
    #[error(
        "cannot move {from} to {to}: {to} already exists. Delete it earlier in the patch, or choose another name. Nothing was changed."
    )]
    MoveExists { from: String, to: String },
    #[error(
        "cannot move {0}: it is a symbolic link, and apply_patch does not move links (moving what it points to would leave the link dangling). Update the file it points to without '*** Move to', or ask the user to move the link. Nothing was changed."
    )]
    MoveLink(String),
    #[error("cannot update {0}: it is not UTF-8 text, and apply_patch only edits text files.")]
    NotText(String),
    #[error("{0} Nothing was changed.")]
    Stage(#[from] StageError),
    #[error(
        "{0}\nNothing was changed. Read the file again and resend the whole patch with the ' ' and '-' lines copied exactly from it."
    )]
    Hunk(#[from] HunkError),
}

/// Where the patch runs and what it may touch.
pub struct Scope {
    pub cwd: PathBuf,
    pub workspace: PathBuf,
    pub sandbox: SandboxMode,
    /// The user's own folders that grant rights
    /// ([`crate::config::protected::folders`]): never written unless the
    /// sandbox is off.
    pub protected: Vec<PathBuf>,
}

impl Scope {
    /// The directory the patch may write beneath: the workspace, or `/`
    /// under danger-full-access.
    fn root(&self) -> PathBuf {
        if self.sandbox == SandboxMode::DangerFullAccess {
            PathBuf::from("/")
        } else {
            workspace_root(&self.workspace)
        }
    }

    /// Refuses `real` (for `shown`) inside a protected folder.
    fn unprotected(&self, shown: &str, real: &Path) -> Result<(), PlanError> {
        if self.sandbox == SandboxMode::DangerFullAccess {
            return Ok(());
        }
        match crate::config::protected::holding(&self.protected, real) {
            Some(folder) => Err(PlanError::Protected {
                shown: shown.to_string(),
                folder: folder.display().to_string(),
            }),
            None => Ok(()),
        }
    }

    /// The real path `shown` stands for, if the sandbox lets it be written.
    fn resolve(&self, root: &Path, shown: &str) -> Result<PathBuf, PlanError> {
        let p = Path::new(shown);
        let abs = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.cwd.join(p)
        };
        let real = real_path(&normalize(&abs));
        if self.sandbox != SandboxMode::DangerFullAccess && !real.starts_with(root) {
            return Err(PlanError::Outside {
                shown: shown.to_string(),
                real: real.display().to_string(),
                workspace: root.display().to_string(),
            });
        }
        self.unprotected(shown, &real)?;
        Ok(real)
    }
}

impl Scope {
    /// Whether `shown` reaches `real` through a link.
    fn through_link(&self, shown: &str, real: &Path) -> bool {
        let p = Path::new(shown);
        let abs = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.cwd.join(p)
        };
        normalize(&abs) != real
    }

    /// Where `shown` is when it names a symbolic link: its directory
    /// resolved, its own name not (the link, not its target), if the
    /// sandbox lets that directory be written; `None` when it is no link.
    fn link(&self, root: &Path, shown: &str) -> Result<Option<PathBuf>, PlanError> {
        let p = Path::new(shown);
        let abs = normalize(&if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.cwd.join(p)
        });
        let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
            return Ok(None);
        };
        let at = real_path(parent).join(name);
        if !std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Ok(None);
        }
        if self.sandbox != SandboxMode::DangerFullAccess && !at.starts_with(root) {
            return Err(PlanError::Outside {
                shown: shown.to_string(),
                real: at.display().to_string(),
                workspace: root.display().to_string(),
            });
        }
        self.unprotected(shown, &at)?;
        Ok(Some(at))
    }
}

/// Resolves, reads and patches every file in memory.
pub fn prepare(ops: &[FileOp], scope: &Scope) -> Result<Prepared, PlanError> {
    let root_path = scope.root();
    let root = Root::open(&root_path).map_err(|source| StageError::Io {
        path: root_path.display().to_string(),
        source,
    })?;
    let mut staged = Staged::new(root);
    let mut changes = Vec::with_capacity(ops.len());
    let mut diffs = Vec::with_capacity(ops.len());
    let mut originals = Vec::with_capacity(ops.len());
    for op in ops {
        match op {
            FileOp::Add { path, lines } => {
                let real = scope.resolve(&root_path, path)?;
                if staged.current(&real, path)?.is_some() {
                    return Err(PlanError::AddExists(path.clone()));
                }
                let text = new_file(lines);
                let diff = FileDiff::new("added", path, None, "", &text);
                originals.push((diff.is_cut() || scope.through_link(path, &real)).then(|| {
                    Original {
                        path: real.clone(),
                        bytes: None,
                        left_at: real.clone(),
                        left: Some(digest(text.as_bytes())),
                        made_dirs: missing_dirs(&real),
                    }
                }));
                diffs.push(diff);
                let bytes = text.into_bytes();
                let content = Content { bytes, perms: None };
                staged.set(&real, path, Some(content))?;
                changes.push(Change::Add(path.clone()));
            }
            FileOp::Delete { path } => {
                // A symbolic link is deleted itself, wherever it points.
                if let Some(link) = scope.link(&root_path, path)?
                    && staged.delete_link(&link, path)?
                {
                    diffs.push(FileDiff::new("deleted", path, None, "", ""));
                    originals.push(None);
                    changes.push(Change::Delete(path.clone()));
                    continue;
                }
                let real = scope.resolve(&root_path, path)?;
                let Some(old) = staged.current(&real, path)? else {
                    return Err(PlanError::DeleteMissing(path.clone()));
                };
                diffs.push(if is_binary(&old.bytes) {
                    FileDiff::binary("deleted", path, old.bytes.len())
                } else {
                    FileDiff::new(
                        "deleted",
                        path,
                        None,
                        &String::from_utf8_lossy(&old.bytes),
                        "",
                    )
                });
                originals.push(Some(Original {
                    path: real.clone(),
                    bytes: Some((old.bytes.clone(), old.perms.clone())),
                    left_at: real.clone(),
                    left: None,
                    made_dirs: Vec::new(),
                }));
                staged.set(&real, path, None)?;
                changes.push(Change::Delete(path.clone()));
            }
            FileOp::Update {
                path,
                move_to,
                hunks,
            } => {
                let real = scope.resolve(&root_path, path)?;
                // Moving the target would leave the link dangling.
                if move_to.is_some() && scope.link(&root_path, path)?.is_some() {
                    return Err(PlanError::MoveLink(path.clone()));
                }
                let Some(old) = staged.current(&real, path)?.cloned() else {
                    return Err(PlanError::UpdateMissing(path.clone()));
                };
                let perms = old.perms.clone();
                let text = std::str::from_utf8(&old.bytes)
                    .map_err(|_| PlanError::NotText(path.clone()))?;
                let patched = apply_hunks(path, text, hunks)?;
                let old_text = text.to_string();
                let new_text = patched.clone();
                let original = |left_at: &Path| Original {
                    path: real.clone(),
                    bytes: Some((old.bytes.clone(), old.perms.clone())),
                    left_at: left_at.to_path_buf(),
                    left: Some(digest(new_text.as_bytes())),
                    made_dirs: missing_dirs(left_at),
                };
                let diff = |status, shown: &str, from| {
                    FileDiff::new(status, shown, from, &old_text, &new_text)
                };
                let content = Content {
                    bytes: patched.into_bytes(),
                    perms,
                };
                let target = match move_to {
                    Some(to) => Some((to, scope.resolve(&root_path, to)?)),
                    None => None,
                };
                match target {
                    Some((to, to_real)) if to_real != real => {
                        if staged.current(&to_real, to)?.is_some() {
                            return Err(PlanError::MoveExists {
                                from: path.clone(),
                                to: to.clone(),
                            });
                        }
                        diffs.push(diff("moved", to, Some(path.as_str())));
                        originals.push(Some(original(&to_real)));
                        staged.set(&real, path, None)?;
                        staged.set(&to_real, to, Some(content))?;
                        changes.push(Change::Move {
                            from: path.clone(),
                            to: to.clone(),
                        });
                    }
                    _ => {
                        let d = diff("modified", path, None);
                        originals.push(
                            (d.is_cut() || scope.through_link(path, &real))
                                .then(|| original(&real)),
                        );
                        diffs.push(d);
                        staged.set(&real, path, Some(content))?;
                        changes.push(Change::Update(path.clone()));
                    }
                }
            }
        }
    }
    Ok(Prepared {
        staged,
        changes,
        diffs,
        originals,
    })
}
