//! Team sharing through the real binary and real git repositories:
//! `quire share add` from a git URL (tag, subfolder) and from a folder,
//! `quire.lock` with the commit and per-file sha256, `sync` reproducing the
//! lock in another clone even after the tag moved, `verify` reporting
//! drift, drifted skills flagged and never auto-activated, `remove`, and
//! clear errors for bad sources.
use crate::support;

mod concurrent;
mod drift;
mod escapes;
mod fifo_drift;
mod folder_news;
mod folders;
mod git_lock;
mod git_refs;
mod hostile;
mod hostile_lock;
mod interrupt;
mod links;
mod mcp_hostile;
mod mcp_source;
mod modes;
mod plugin_crate;
mod pulled_update;
mod transport;
mod update_hint;
mod url_secret;
mod user_lock;

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use support::quire::{Run, TestEnv};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const PDF_V1: &str = "---\nname: pdf-forms\ndescription: Fill in and flatten PDF forms.\n---\n# PDF forms\nRun scripts/fill.py.\n";
const FILL_V1: &str = "print('fill v1')\n";

/// An upstream repository of team skills: `skills/pdf-forms` (with a
/// script) and `skills/release-notes`, tagged `v1`; then a second commit
/// on the default branch changes the script.
struct Upstream {
    _dir: tempfile::TempDir,
    path: PathBuf,
    v1: String,
}

impl Upstream {
    fn new() -> Upstream {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team-skills");
        std::fs::create_dir_all(&path).unwrap();
        git(&path, &["init", "-q"]);
        write(&path.join("skills/pdf-forms/SKILL.md"), PDF_V1);
        write(&path.join("skills/pdf-forms/scripts/fill.py"), FILL_V1);
        write(
            &path.join("skills/release-notes/SKILL.md"),
            "---\nname: release-notes\ndescription: Draft release notes from the git log.\n---\nSteps.\n",
        );
        git(&path, &["add", "-A"]);
        git(&path, &["commit", "-q", "-m", "v1"]);
        git(&path, &["tag", "v1"]);
        let v1 = git(&path, &["rev-parse", "HEAD"]);
        write(
            &path.join("skills/pdf-forms/scripts/fill.py"),
            "print('fill v2')\n",
        );
        git(&path, &["commit", "-q", "-am", "v2"]);
        Upstream {
            _dir: dir,
            path,
            v1,
        }
    }

    fn url(&self) -> String {
        format!("file://{}", self.path.display())
    }

    /// `quire share add URL --ref REV --path skills/pdf-forms` and `extra`.
    fn add_pdf_forms(&self, env: &TestEnv, rev: &str, extra: &[&str]) -> Run {
        let url = self.url();
        let mut args = vec![
            "share",
            "add",
            &url,
            "--ref",
            rev,
            "--path",
            "skills/pdf-forms",
        ];
        args.extend_from_slice(extra);
        env.run(&args)
    }
}

fn sha(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    format!(
        "sha256:{}",
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}
