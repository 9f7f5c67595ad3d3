//! A `git` put first on quire's `PATH` (outside the repository, where
//! quire runs it): the real git, except for what a test makes it do
//! for one subcommand (hang, answer in German as a user's translated git
//! does).

use std::path::{Path, PathBuf};

/// A folder holding the wrapper `git`; `body` runs before the real git
/// with `$real` (the real git), `$sub` (the subcommand) and `$dir` (the
/// folder of `-C`) set.
pub struct FakeGit {
    dir: tempfile::TempDir,
}

impl FakeGit {
    pub fn new(body: &str) -> FakeGit {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let script = format!(
            r#"#!/bin/sh
real='{real}'
sub=
dir=.
next=
for a in "$@"; do
  case "$next" in
    C) dir=$a; next=; continue ;;
    c) next=; continue ;;
  esac
  case "$a" in
    -C) next=C ;;
    -c) next=c ;;
    -*) ;;
    *) sub=$a; break ;;
  esac
done
{body}
exec "$real" "$@"
"#,
            real = real_git().display()
        );
        let git = dir.path().join("git");
        std::fs::write(&git, script).expect("write fake git");
        std::fs::set_permissions(&git, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        FakeGit { dir }
    }

    /// `PATH` with the wrapper first.
    pub fn path(&self) -> String {
        format!(
            "{}:{}",
            self.dir.path().display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    /// A file in the wrapper's folder (where a body writes what it saw).
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// The git the tests run: the first on `PATH`.
fn real_git() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("git"))
        .find(|g| is_file(g))
        .expect("git on PATH")
}

fn is_file(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file())
}
