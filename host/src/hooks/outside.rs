//! A repository hook (or a repository's MCP server) whose command names a
//! file outside the repository (`bash "$CLAUDE_PROJECT_DIR"/../ci/lint.sh`,
//! `bash /tmp/x/lint.sh`, `python3 ../tools/srv.py`) runs what that file
//! holds when it runs, and a sandboxed command may be able to write there
//! (the parent of a checkout in `/tmp`, `$TMPDIR`, a writable root). So
//! such a file is hashed too, by its real path, as the repository's own
//! files are by their relative one: a change stops the hook (or the
//! server) until it is trusted again. Only the file itself: its folder
//! may be `/tmp` or a home folder, whose other files change all the time.
//! What the kernel makes up (`/proc`, `/sys`, `/dev`) and the system's
//! own programs (`/usr`, `/bin`, …) are not files to seal.

use std::path::Path;

/// Where the kernel makes files up, and where the system's package
/// manager keeps programs (`/bin/sh` is `/usr/bin/dash`): no sandboxed
/// command can write these, and sealing them would stop every server
/// written `/usr/bin/python3 …` at each system upgrade.
const NOT_SEALED: &[&str] = &[
    "/proc",
    "/sys",
    "/dev",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/nix/store",
];

/// Whether the real path `real`, outside the repository, is a file whose
/// content is sealed.
pub(crate) fn sealable(real: &Path) -> bool {
    sealable_place(real) && real.is_file()
}

/// Whether the real path `real` lies where files are sealed: not where
/// the kernel or the system's package manager keeps them.
pub(crate) fn sealable_place(real: &Path) -> bool {
    real.is_absolute() && !NOT_SEALED.iter().any(|top| real.starts_with(top))
}

/// The paths a word gives as a value (`BASH_ENV=/x/env.sh`,
/// `--config=../ci/cfg.sh`, `NODE_OPTIONS=--require=/x/pre.js`,
/// `PYTHONPATH=a:/b`): each part after an `=`, split at `:` and `,`, that
/// looks like a path (holds a `/` or a `.`). The program reads or runs
/// what they name as surely as a script it is given.
pub fn assigned_paths(word: &str) -> Vec<&str> {
    word.split('=')
        .skip(1)
        .flat_map(|value| value.split([':', ',']))
        .filter(|part| part.contains(['/', '.']) && !part.starts_with('-'))
        .collect()
}

/// Where a path as a command writes it lies, read without the file
/// system: relative to the repository (`$CLAUDE_PROJECT_DIR/` read as its
/// top).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Inside the repository.
    Inside,
    /// Outside it, at a path quire reads as the shell does: from `/`, or
    /// leaving the repository by `..`.
    Outside,
    /// At a path only the shell resolves (`~/x`, `$HOME/x`).
    Unknown,
}

/// Where `path` (a script or folder as [`super::programs`] writes it)
/// lies.
pub fn place(path: &str) -> Place {
    let rest = super::trust::project_relative(path).unwrap_or(path);
    if rest.starts_with('/') {
        return Place::Outside;
    }
    if rest.starts_with(['~', '$']) {
        return Place::Unknown;
    }
    let mut depth = 0usize;
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return Place::Outside,
            },
            _ => depth += 1,
        }
    }
    Place::Inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places() {
        assert_eq!(place("$CLAUDE_PROJECT_DIR/../ci/lint.sh"), Place::Outside);
        assert_eq!(place("${CLAUDE_PROJECT_DIR}/.claude/x.sh"), Place::Inside);
        assert_eq!(place("/tmp/x/lint.sh"), Place::Outside);
        assert_eq!(place("../tools/srv.py"), Place::Outside);
        assert_eq!(place("a/../../x.sh"), Place::Outside);
        assert_eq!(place("a/../b/x.sh"), Place::Inside);
        assert_eq!(place("~/bin/x.sh"), Place::Unknown);
        assert_eq!(place("$HOME/bin"), Place::Unknown);
        assert!(!sealable(Path::new("/proc/self/status")));
        assert!(!sealable(Path::new("/usr/bin/env")));
        assert!(!sealable(Path::new("/dev/null")));
    }

    #[test]
    fn values_of_assignments_and_options_are_paths() {
        assert_eq!(assigned_paths("BASH_ENV=/x/env.sh"), ["/x/env.sh"]);
        assert_eq!(assigned_paths("--config=../ci/c.sh"), ["../ci/c.sh"]);
        assert_eq!(
            assigned_paths("NODE_OPTIONS=--require=/x/p.js"),
            ["/x/p.js"]
        );
        assert_eq!(assigned_paths("PYTHONPATH=a/b:/c"), ["a/b", "/c"]);
        assert!(assigned_paths("X=1").is_empty());
        assert!(assigned_paths("/x/y.sh").is_empty());
    }
}
