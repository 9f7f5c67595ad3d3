//! Where a child's worktree goes: `<git dir>/quire-worktrees/<id>`, in
//! the repository's real git dir. quire's git runs as the user, outside
//! the sandbox, and a sandboxed command may write `.git`: a link at
//! `.git/quire-worktrees` (or a `.git` file naming another repository's
//! git dir) must not make it check a tree out elsewhere, where the
//! child's sandbox may then write. So the git dir is asked of git and
//! checked to be this repository's, every folder from it to the worktree
//! is a real one (never a link, never followed), and the worktree's path
//! resolves to itself.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::worktree::git;

/// The folder of the git dir the worktrees are in.
const FOLDER: &str = "quire-worktrees";

/// The path of the worktree `name` (an agent id's end) of `repo`: in
/// `<git dir>/quire-worktrees`, which is made when missing and refused
/// when it is a link or not a folder. The path itself must not be there.
pub fn place(repo: &Path, name: &str) -> Result<PathBuf, String> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!(
            "{} is no worktree name of quire's",
            name.escape_debug()
        ));
    }
    let folder = folder(repo, true)?;
    let path = folder.join(name);
    if fs::symlink_metadata(&path).is_ok() {
        return Err(format!(
            "{} is already there; remove it (`rm -rf {}`) and spawn again",
            path.display(),
            path.display()
        ));
    }
    Ok(path)
}

/// Checks that `path` is a worktree folder of `repo` as [`place`] gives
/// them: a real folder (not a link) in the real `quire-worktrees` folder
/// of the repository's own git dir, whose path resolves to itself.
/// Checked before quire's git checks files out there, commits or removes
/// what is there.
pub fn check(repo: &Path, path: &Path) -> Result<(), String> {
    let folder = folder(repo, false)?;
    let same_folder = path
        .parent()
        .is_some_and(|p| p == folder || fs::canonicalize(p).is_ok_and(|p| p == folder));
    let name = path.file_name().unwrap_or_default();
    let real = folder.join(name);
    let is_dir = fs::symlink_metadata(&real).is_ok_and(|m| m.is_dir());
    if !same_folder || !is_dir || fs::canonicalize(&real).ok().as_deref() != Some(&real) {
        return Err(format!(
            "{} is not a folder in {} (a link, or moved); quire does not work in it: remove it, and remove whatever replaced {}",
            path.display(),
            folder.display(),
            folder.display()
        ));
    }
    Ok(())
}

/// `<git dir>/quire-worktrees` of `repo`, a real folder (made when
/// `make` and missing).
fn folder(repo: &Path, make: bool) -> Result<PathBuf, String> {
    let dir = own_git_dir(repo)?.join(FOLDER);
    match fs::symlink_metadata(&dir) {
        Err(e) if e.kind() == ErrorKind::NotFound && make => match fs::create_dir(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("cannot make {}: {e}", dir.display())),
        },
        _ => {}
    }
    let meta =
        fs::symlink_metadata(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    // The git dir is canonical: `dir` resolves to itself unless it is a
    // link (symlink_metadata does not follow one).
    if meta.file_type().is_symlink()
        || !meta.is_dir()
        || fs::canonicalize(&dir).ok().as_deref() != Some(&dir)
    {
        let what = if meta.file_type().is_symlink() {
            "a symbolic link"
        } else {
            "not a folder"
        };
        return Err(format!(
            "{} is {what}; quire adds subagent worktrees only in a real folder there and never follows a link (a command may have put it there to have files written elsewhere): remove it (`rm {}`), check where it pointed, and spawn again",
            dir.display(),
            dir.display()
        ));
    }
    Ok(dir)
}

/// The repository's git dir where its worktrees are recorded (`git
/// rev-parse --git-common-dir`), canonical, and checked to be this
/// repository's: `.git` itself when it is a folder; when `.git` is a file
/// (or a link), the git dir it names must name the repository back (a
/// worktree's `gitdir` record, a submodule's `core.worktree`), which a
/// command in the sandbox cannot write for a git dir outside it.
fn own_git_dir(repo: &Path) -> Result<PathBuf, String> {
    let canonical =
        |p: &Path| fs::canonicalize(p).map_err(|e| format!("cannot resolve {}: {e}", p.display()));
    let common = git(repo, &["rev-parse", "--git-common-dir"])?;
    let common = canonical(&repo.join(common.trim()))?;
    let dotgit = repo.join(".git");
    let meta = fs::symlink_metadata(&dotgit)
        .map_err(|e| format!("cannot read {}: {e}", dotgit.display()))?;
    if meta.is_dir() {
        if canonical(&dotgit)? != common {
            return Err(format!(
                "{} names another git folder, {}, as the one its worktrees are in (a `commondir` file in it); quire adds a subagent's worktree only in the repository's own git folder: remove {} if you did not put it there, or spawn without isolation",
                dotgit.display(),
                common.display(),
                dotgit.join("commondir").display()
            ));
        }
        return Ok(common);
    }
    let git_dir = git(repo, &["rev-parse", "--absolute-git-dir"])?;
    let git_dir = canonical(Path::new(git_dir.trim()))?;
    let repo = canonical(repo)?;
    // A worktree's git dir is `COMMON/worktrees/NAME`, where git put it: a
    // git dir elsewhere naming a common dir (its `commondir` file) could
    // have been made by a sandboxed command to point quire's own git at
    // another repository (tester T25: a `fake/` folder in the workspace
    // whose `commondir` named ~/victim/.git).
    if git_dir != common && git_dir.parent() != Some(common.join("worktrees").as_path()) {
        return Err(format!(
            "{} points to the git folder {}, which names {} as its repository but is not one of that repository's worktrees ({}); quire adds a subagent's worktree only in this repository's own git folder: if you did not write {}, restore it, or spawn without isolation",
            dotgit.display(),
            git_dir.display(),
            common.display(),
            common.join("worktrees").display(),
            dotgit.display()
        ));
    }
    let back = if git_dir != common {
        // A worktree of another checkout: git's record of it names its
        // `.git` (absolute, or relative to the record's folder).
        fs::read_to_string(git_dir.join("gitdir"))
            .ok()
            .and_then(|p| fs::canonicalize(git_dir.join(p.trim()).parent()?).ok())
    } else {
        // A submodule: its git dir names its checkout.
        let config = git_dir.join("config");
        let config = config.to_string_lossy();
        git(
            &repo,
            &["config", "--file", &config, "--get", "core.worktree"],
        )
        .ok()
        .and_then(|p| fs::canonicalize(git_dir.join(p.trim())).ok())
    };
    if back.as_deref() != Some(repo.as_path()) {
        return Err(format!(
            "{} points to the git folder {}, which does not name {} back (no `gitdir` record or `core.worktree` of it); quire adds a subagent's worktree only in this repository's own git folder: if you did not write {}, restore it; if it is right, confirm it with `git config core.worktree {}`, or spawn without isolation",
            dotgit.display(),
            git_dir.display(),
            repo.display(),
            dotgit.display(),
            repo.display()
        ));
    }
    Ok(common)
}
