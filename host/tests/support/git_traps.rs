//! A repository's git setup that makes git run programs, as a sandboxed
//! command could plant it (`.git/hooks`, `.git/config`, a file it
//! includes, `.git/info/attributes`): every hook, filter drivers (clean
//! and smudge, a long-running process one, one defined only on quire's
//! branches), fsmonitor, textconv, external diff drivers, a merge driver,
//! a GPG program with signing on, pager and editors. Each program
//! writes a marker into a folder no sandbox may write, so a marker means
//! git ran it outside the sandbox. Filters and textconv pass content
//! through unchanged (`cat`).

use std::path::Path;
use std::process::Command;

use super::outside::outside_dir;

/// Every hook git runs.
const HOOKS: &[&str] = &[
    "applypatch-msg",
    "pre-applypatch",
    "post-applypatch",
    "pre-commit",
    "pre-merge-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-rebase",
    "post-checkout",
    "post-merge",
    "pre-push",
    "reference-transaction",
    "post-rewrite",
    "pre-auto-gc",
    "post-index-change",
];

/// Where the programs of a trapped repository leave their markers.
pub struct Traps {
    markers: tempfile::TempDir,
}

impl Traps {
    /// Plants the traps in the repository at `repo` (its `.git` folder).
    pub fn plant(repo: &Path) -> Traps {
        let markers = outside_dir();
        let m = markers.path().display().to_string();
        let git_dir = repo.join(".git");
        let hooks = git_dir.join("hooks");
        std::fs::create_dir_all(&hooks).expect("hooks folder");
        for hook in HOOKS {
            script(
                &hooks.join(hook),
                &format!("touch '{m}/hook-{hook}' 2>/dev/null; exit 0"),
            );
        }
        let gpg = git_dir.join("trap-gpg");
        script(&gpg, &format!("touch '{m}/gpg' 2>/dev/null; exit 1"));
        let marker =
            |name: &str, then: &str| format!("sh -c 'touch \"{m}/{name}\" 2>/dev/null; {then}' -");
        let info = git_dir.join("info");
        std::fs::create_dir_all(&info).expect("info folder");
        std::fs::write(
            info.join("attributes"),
            "*.txt filter=trap diff=trap merge=trap\n*.md filter=proc diff=trap merge=trap\n*.cfg filter=branch\n",
        )
        .expect("write attributes");
        let included = git_dir.join("trap.config");
        let branch_only = git_dir.join("trap-branch.config");
        for (file, settings) in [
            (
                &git_dir.join("config"),
                vec![
                    ("core.fsmonitor", marker("fsmonitor", "exit 1")),
                    ("core.pager", marker("pager", "cat")),
                    ("core.editor", marker("editor", "exit 0")),
                    ("sequence.editor", marker("sequence-editor", "exit 0")),
                    ("filter.trap.clean", marker("clean", "cat")),
                    ("filter.trap.required", "true".into()),
                    ("filter.proc.process", marker("process", "exit 1")),
                    ("diff.external", marker("diff-external", "exit 0")),
                    ("merge.trap.driver", marker("merge-driver", "exit 1")),
                    ("commit.gpgSign", "true".into()),
                    ("tag.gpgSign", "true".into()),
                    ("log.showSignature", "true".into()),
                    ("gpg.program", gpg.display().to_string()),
                    ("include.path", included.display().to_string()),
                    (
                        "includeIf.onbranch:quire/**.path",
                        branch_only.display().to_string(),
                    ),
                ],
            ),
            (
                &included,
                vec![
                    ("filter.trap.smudge", marker("smudge", "cat")),
                    ("diff.trap.textconv", marker("textconv", "cat \"$1\"")),
                    ("diff.trap.command", marker("diff-command", "exit 0")),
                ],
            ),
            (
                &branch_only,
                vec![
                    ("filter.branch.clean", marker("branch-clean", "cat")),
                    ("filter.branch.smudge", marker("branch-smudge", "cat")),
                ],
            ),
        ] {
            for (key, value) in settings {
                let ok = Command::new("git")
                    .arg("config")
                    .arg("--file")
                    .arg(file)
                    .args([key, &value])
                    .status()
                    .expect("git config");
                assert!(ok.success(), "git config {key}");
            }
        }
        Traps { markers }
    }

    /// The markers left: what ran outside the sandbox.
    pub fn fired(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.markers.path())
            .expect("markers folder")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// An executable shell script at `path`.
fn script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).expect("write script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}
