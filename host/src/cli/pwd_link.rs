//! The directory a session starts in, as the shell named it (`$PWD`),
//! reached through a symbolic link a sandboxed command could have made:
//! an earlier session's command may rename a checkout in `/tmp` and leave
//! a link to `/etc` in its place. The process's directory is then the
//! link's target, and quire would take it as the workspace without a
//! word. Such a start is refused, unless `-C`/`--cd` names the folder.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use quire::tools::SandboxMode;
use quire::tools::planted_links;

/// Why a session does not start in `cwd`, when `$PWD` names it through
/// a link in `/tmp`, `$TMPDIR` or one of `roots` (the configured
/// writable roots). Nothing under `danger-full-access`.
pub fn refusal(cwd: &Path, mode: SandboxMode, roots: &[PathBuf]) -> Option<String> {
    if mode == SandboxMode::DangerFullAccess {
        return None;
    }
    let pwd = PathBuf::from(std::env::var_os("PWD")?);
    if !pwd.is_absolute() || !same_folder(&pwd, cwd) {
        return None;
    }
    let writable = planted_links::writable_folders(None, roots);
    let p = planted_links::planted(&pwd, &writable)?;
    Some(format!(
        "the current directory {} is reached through {}, a symbolic link to {} inside {}, where sandboxed commands may write: a command could have put it there, and the session would work in {} instead. quire does not start there; if {} is the folder you mean, run quire with -C {} (--cd)",
        pwd.display(),
        p.link.display(),
        p.to.display(),
        p.inside.display(),
        cwd.display(),
        cwd.display(),
        cwd.display(),
    ))
}

/// Whether `a` and `b` (links followed) are the same folder.
fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}
