//! Turning parsed file operations into staged file contents: paths are
//! resolved and checked against the sandbox, files read, hunks applied —
//! all in memory, before anything is written.

use std::path::{Path, PathBuf};

use super::apply::{HunkError, apply_hunks, new_file};
use super::commit::{Content, StageError, Staged};
use super::diff::{DIFF_FILE_LIMIT, FileDiff, hex};
use super::originals::{self, Original, missing_dirs};
use super::parse::{FileOp, Hunk};
use super::paths::{normalize, real_path};
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
    /// Said after the files: what `/undo` will not be able to restore.
    pub notes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(
        "{shown} resolves to {real}, which is outside {places}. Under --sandbox workspace-write apply_patch only writes inside the workspace and the folders of `writable_roots`: use a path inside them, or ask the user to add the folder to `writable_roots` or to run quire with --sandbox danger-full-access."
    )]
    Outside {
        shown: String,
        real: String,
        /// `the workspace W` or `the workspace W and the writable roots A, B`.
        places: String,
    },
    #[error(
        "{shown} is inside {folder}: this is the user's own quire, Claude Code or Codex settings folder (config.toml, hooks, the approvals of repositories and hooks, plugins), which grants rights to every session, so apply_patch does not change them under --sandbox workspace-write: it never writes there, not even with the user's approval, and `writable_roots` cannot open it. Nothing was changed. Tell the user the change you would make; they can make it themselves."
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
    #[error(
        "{0} names a folder (it ends in '/', '.' or '..'), and apply_patch adds, updates, moves and deletes files: give the file's full path, e.g. lib/main.py (a folder is made when a file is added inside it). Nothing was changed."
    )]
    Folder(String),
    #[error("cannot update {0}: it is not UTF-8 text, and apply_patch only edits text files.")]
    NotText(String),
    #[error("{0} Nothing was changed.")]
    Stage(#[from] StageError),
    #[error("{0} Nothing was changed.")]
    Roots(#[from] super::roots::RootsError),
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
    /// More folders the sandbox lets commands write (`writable_roots`),
    /// which the patch may write too under `workspace-write`.
    pub writable_roots: Vec<PathBuf>,
    /// The user approved writing outside the workspace for this patch:
    /// any path is written but the protected folders.
    pub outside_approved: bool,
}

impl Scope {
    /// Whether `real` is beneath one of `roots` (all of them: no sandbox,
    /// or writing outside approved).
    fn inside(&self, roots: &[PathBuf], real: &Path) -> bool {
        self.sandbox == SandboxMode::DangerFullAccess
            || self.outside_approved
            || roots.iter().any(|r| real.starts_with(r))
    }

    /// Whether `real` is outside the workspace (in a writable root, or
    /// anywhere without a sandbox): a reverse diff of the change could not
    /// be applied there, so `/undo` needs the original.
    fn beyond_workspace(&self, real: &Path) -> bool {
        !real.starts_with(super::roots::real_workspace(&self.workspace))
    }

    fn outside(shown: &str, real: &Path, roots: &[PathBuf]) -> PlanError {
        let (workspace, others) =
            roots
                .split_first()
                .map_or((String::new(), String::new()), |(w, o)| {
                    let o: Vec<String> = o.iter().map(|r| r.display().to_string()).collect();
                    (w.display().to_string(), o.join(", "))
                });
        let places = if others.is_empty() {
            format!("the workspace {workspace}")
        } else {
            format!("the workspace {workspace} and the writable roots {others}")
        };
        PlanError::Outside {
            shown: shown.to_string(),
            real: real.display().to_string(),
            places,
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
    fn resolve(&self, roots: &[PathBuf], shown: &str) -> Result<PathBuf, PlanError> {
        let real = real_path(&self.abs(shown));
        if !self.inside(roots, &real) {
            return Err(Scope::outside(shown, &real, roots));
        }
        self.unprotected(shown, &real)?;
        Ok(real)
    }
}

impl Scope {
    /// Where `shown` is when it names a symbolic link (its directory
    /// resolved, its own name not); `None` when it is no link.
    fn link_at(&self, shown: &str) -> Option<PathBuf> {
        let abs = self.abs(shown);
        let at = real_path(abs.parent()?).join(abs.file_name()?);
        std::fs::symlink_metadata(&at)
            .is_ok_and(|m| m.file_type().is_symlink())
            .then_some(at)
    }

    /// The sandbox whose roots are opened: `/` once writing outside the
    /// workspace was approved.
    fn roots_sandbox(&self) -> SandboxMode {
        match self.outside_approved {
            true => SandboxMode::DangerFullAccess,
            false => self.sandbox,
        }
    }

    /// Whether `shown` reaches `real` through a link.
    fn through_link(&self, shown: &str, real: &Path) -> bool {
        self.abs(shown) != real
    }

    /// `shown` made absolute and normalised; a name `list_dir` or `grep`
    /// showed git-quoted is taken back as the name it stands for when no
    /// file has the literal name ([`crate::tools::quoted_path`]).
    fn abs(&self, shown: &str) -> PathBuf {
        normalize(&crate::tools::quoted_path::resolve(&self.cwd, shown))
    }

    /// Where `shown` is when it names a symbolic link: its directory
    /// resolved, its own name not (the link, not its target), if the
    /// sandbox lets that directory be written; `None` when it is no link.
    fn link(&self, roots: &[PathBuf], shown: &str) -> Result<Option<PathBuf>, PlanError> {
        let Some(at) = self.link_at(shown) else {
            return Ok(None);
        };
        if !self.inside(roots, &at) {
            return Err(Scope::outside(shown, &at, roots));
        }
        self.unprotected(shown, &at)?;
        Ok(Some(at))
    }
}

/// A path of a patch that leaves the workspace (and the writable roots).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Beyond {
    /// As the patch names it.
    pub shown: String,
    /// Where it really is (through `..`, links anywhere on the way).
    pub real: PathBuf,
}

/// Every path of the patch (Move destinations too) that leaves the
/// workspace and the writable roots, each once, in patch order; a path
/// inside a protected folder refuses the whole patch, naming it.
pub fn beyond(ops: &[FileOp], scope: &Scope) -> Result<Vec<Beyond>, PlanError> {
    let (roots, _) = super::roots::open(scope.sandbox, &scope.workspace, &scope.writable_roots)?;
    let mut out: Vec<Beyond> = Vec::new();
    for op in ops {
        let (path, move_to, delete) = match op {
            FileOp::Add { path, .. } => (path, None, false),
            FileOp::Delete { path } => (path, None, true),
            FileOp::Update { path, move_to, .. } => (path, move_to.as_ref(), false),
        };
        for shown in std::iter::once(path).chain(move_to) {
            // A deleted link is the link itself, wherever it points.
            let real = match delete {
                true => scope
                    .link_at(shown)
                    .unwrap_or_else(|| real_path(&scope.abs(shown))),
                false => real_path(&scope.abs(shown)),
            };
            scope.unprotected(shown, &real)?;
            if !scope.inside(&roots, &real) && !out.iter().any(|b| b.shown == *shown) {
                out.push(Beyond {
                    shown: shown.clone(),
                    real,
                });
            }
        }
    }
    Ok(out)
}

/// Resolves, reads and patches every file in memory.
pub fn prepare(ops: &[FileOp], scope: &Scope) -> Result<Prepared, PlanError> {
    // The workspace and writable roots as pinned, checked and opened
    // (`/` under danger-full-access).
    let (root_path, roots) = super::roots::open(
        scope.roots_sandbox(),
        &scope.workspace,
        &scope.writable_roots,
    )?;
    for op in ops {
        let (path, move_to) = match op {
            FileOp::Add { path, .. } | FileOp::Delete { path } => (path, None),
            FileOp::Update { path, move_to, .. } => (path, move_to.as_ref()),
        };
        for p in std::iter::once(path).chain(move_to) {
            if names_folder(p) {
                return Err(PlanError::Folder(p.clone()));
            }
        }
    }
    let mut plan = Prepared {
        staged: Staged::new(roots),
        changes: Vec::with_capacity(ops.len()),
        diffs: Vec::with_capacity(ops.len()),
        originals: Vec::with_capacity(ops.len()),
        notes: Vec::new(),
    };
    for op in ops {
        match op {
            FileOp::Add { path, lines } => add(&mut plan, scope, &root_path, path, lines)?,
            FileOp::Delete { path } => delete(&mut plan, scope, &root_path, path)?,
            FileOp::Update {
                path,
                move_to,
                hunks,
            } => update(
                &mut plan,
                scope,
                &root_path,
                path,
                move_to.as_deref(),
                hunks,
            )?,
        }
    }
    Ok(plan)
}

/// Whether `path` can only name a folder: it ends in `/` (or `/.`,
/// `/..`), which `Path::components` would silently drop.
fn names_folder(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or(path);
    path.ends_with('/') || last == "." || last == ".."
}

fn add(
    plan: &mut Prepared,
    scope: &Scope,
    roots: &[PathBuf],
    path: &str,
    lines: &[String],
) -> Result<(), PlanError> {
    let real = scope.resolve(roots, path)?;
    if plan.staged.exists(&real, path)? {
        return Err(PlanError::AddExists(path.to_string()));
    }
    let text = new_file(lines);
    let diff = FileDiff::new("added", path, None, "", &text);
    // An empty file has no diff to reverse: removed by /undo while it
    // is still empty.
    let whole = diff.is_cut() || text.is_empty();
    let content = Content::new(text.into_bytes(), None);
    plan.originals.push(
        (whole || scope.through_link(path, &real) || scope.beyond_workspace(&real)).then(|| {
            Original {
                path: real.clone(),
                bytes: None,
                left_at: real.clone(),
                left: Some(content.digest),
                made_dirs: missing_dirs(&real),
                roots: originals::holding(roots, &[&real]),
            }
        }),
    );
    plan.diffs.push(diff);
    plan.staged.set(&real, path, Some(content))?;
    plan.changes.push(Change::Add(path.to_string()));
    Ok(())
}

fn delete(
    plan: &mut Prepared,
    scope: &Scope,
    roots: &[PathBuf],
    path: &str,
) -> Result<(), PlanError> {
    // A symbolic link is deleted itself, wherever it points.
    if let Some(link) = scope.link(roots, path)?
        && plan.staged.delete_link(&link, path)?
    {
        plan.diffs
            .push(FileDiff::new("deleted", path, None, "", ""));
        plan.originals.push(None);
        plan.changes.push(Change::Delete(path.to_string()));
        return Ok(());
    }
    let real = scope.resolve(roots, path)?;
    // Read once: the diff's lines, and the bytes /undo needs when they
    // fit what it keeps.
    let room = originals::room();
    let Some((scan, perms)) = plan.staged.scan(&real, path, room.max(DIFF_FILE_LIMIT))? else {
        return Err(PlanError::DeleteMissing(path.to_string()));
    };
    plan.diffs.push(FileDiff::deleted(path, &scan));
    let whole = scan.head.len() as u64 == scan.len && scan.head.len() <= room;
    plan.originals.push(whole.then(|| Original {
        path: real.clone(),
        bytes: Some((scan.head, perms)),
        left_at: real.clone(),
        left: None,
        made_dirs: Vec::new(),
        roots: originals::holding(roots, &[&real]),
    }));
    if !whole {
        plan.notes.push(originals::not_kept(path, scan.len));
    }
    plan.staged.set(&real, path, None)?;
    plan.changes.push(Change::Delete(path.to_string()));
    Ok(())
}

fn update(
    plan: &mut Prepared,
    scope: &Scope,
    roots: &[PathBuf],
    path: &str,
    move_to: Option<&str>,
    hunks: &[Hunk],
) -> Result<(), PlanError> {
    let real = scope.resolve(roots, path)?;
    // Moving the target would leave the link dangling.
    if move_to.is_some() && scope.link(roots, path)?.is_some() {
        return Err(PlanError::MoveLink(path.to_string()));
    }
    let target = match move_to {
        Some(to) => Some((to, scope.resolve(roots, to)?)),
        None => None,
    };
    let moved = target.as_ref().filter(|(_, to_real)| *to_real != real);
    let (shown, status, from) = match moved {
        Some((to, _)) => (*to, "moved", Some(path)),
        None => (path, "modified", None),
    };
    let (content, diff, kept) = {
        let Some(old) = plan.staged.read(&real, path)? else {
            return Err(PlanError::UpdateMissing(path.to_string()));
        };
        let text =
            std::str::from_utf8(&old.bytes).map_err(|_| PlanError::NotText(path.to_string()))?;
        let patched = apply_hunks(path, text, hunks)?;
        let exact = patched.exact;
        let content = Content::new(patched.text.into_bytes(), old.perms.clone());
        let diff = FileDiff::patched(status, shown, from, patched.diff, hex(&content.digest));
        // What /undo restores byte for byte when a reverse diff cannot.
        let needed = moved.is_some()
            || !exact
            || diff.is_cut()
            || scope.through_link(path, &real)
            || scope.beyond_workspace(&real);
        let len = old.bytes.len();
        let kept = match needed.then_some(len <= originals::room()) {
            Some(true) => {
                let old = old.into_owned();
                Some(Some((old.bytes, old.perms)))
            }
            Some(false) => Some(None),
            None => None,
        };
        (content, diff, kept.map(|k| (k, len)))
    };
    if let Some((to, to_real)) = moved
        && plan.staged.exists(to_real, to)?
    {
        return Err(PlanError::MoveExists {
            from: path.to_string(),
            to: to.to_string(),
        });
    }
    let left_at = moved.map_or(&real, |(_, to_real)| to_real).clone();
    let original = match kept {
        Some((Some(bytes), _)) => Some(Original {
            path: real.clone(),
            bytes: Some(bytes),
            made_dirs: missing_dirs(&left_at),
            roots: originals::holding(roots, &[&real, &left_at]),
            left_at: left_at.clone(),
            left: Some(content.digest),
        }),
        Some((None, len)) => {
            plan.notes.push(originals::not_kept(path, len as u64));
            None
        }
        None => None,
    };
    plan.originals.push(original);
    plan.diffs.push(diff);
    match moved {
        Some((to, to_real)) => {
            plan.staged.set(&real, path, None)?;
            plan.staged.set(to_real, to, Some(content))?;
            plan.changes.push(Change::Move {
                from: path.to_string(),
                to: to.to_string(),
            });
        }
        None => {
            plan.staged.set(&real, path, Some(content))?;
            plan.changes.push(Change::Update(path.to_string()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::names_folder;

    #[test]
    fn a_path_ending_in_a_slash_or_dots_names_a_folder() {
        for folder in ["lib/", "a/b/", "/", "x/.", "x/..", ".", ".."] {
            assert!(names_folder(folder), "{folder}");
        }
        for file in ["lib", "a/b.rs", ".env", "x/..y", "x/.z"] {
            assert!(!names_folder(file), "{file}");
        }
    }
}
