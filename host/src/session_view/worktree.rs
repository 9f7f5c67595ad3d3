//! `/diff` in a git repository: what the working tree holds now against
//! HEAD (`git diff HEAD`: staged and unstaged, whoever made the change —
//! a patch, a shell command, the user), then the untracked files git does
//! not ignore, then the files this session patched that git ignores
//! (ignored.rs). git is quire's own (`quire::git`: nothing the repository's
//! configuration names runs, the model's background commands are paused
//! while it reads, its output in git's default format), each command
//! stopped after [`TIMEOUT`] (or `QUIRE_GIT_TIMEOUT`) and read up to [`MAX_OUTPUT`]; binary files
//! are summarised; past [`MAX_LINES`] lines the diff is cut, saying how
//! much was left out.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use quire::git::{Git, GitFailure, Output};
use serde_json::{Value, json};

use super::git_diff::{Section, sections};
use super::{Patches, Said, Tone, diff};

/// How long one git command may run (unless `QUIRE_GIT_TIMEOUT` says).
const TIMEOUT: Duration = Duration::from_secs(15);
/// The most of a git command's output read; the rest is left (and said).
const MAX_OUTPUT: usize = 8 * 1024 * 1024;
/// The most diff lines shown (hunk lines and untracked files' lines).
pub const MAX_LINES: usize = 2000;
/// The most untracked files listed.
const MAX_UNTRACKED: usize = 500;
/// The most of an untracked file read to show it.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// What `/diff` shows for the repository holding `cwd`; `patches`: this
/// session's, of which those git ignores are shown too.
pub fn shown(cwd: &Path, patches: &Patches) -> Vec<Said> {
    match read(cwd, patches) {
        Ok(said) => said,
        Err(e) => vec![Said::Note(
            Tone::Bad,
            format!("error: /diff cannot read the working tree: {e}"),
        )],
    }
}

/// `git ARGS` in `cwd`, bounded by [`TIMEOUT`] and [`MAX_OUTPUT`].
fn git(cwd: &Path, args: &[&str]) -> Result<Output, GitFailure> {
    Git::new(cwd)
        .args(args)
        .usual_timeout(TIMEOUT)
        .limit(MAX_OUTPUT)
        .checked()
}

fn read(cwd: &Path, patches: &Patches) -> Result<Vec<Said>, GitFailure> {
    let text = |out: Output| String::from_utf8_lossy(&out.stdout).into_owned();
    let top = text(git(cwd, &["rev-parse", "--show-toplevel"])?);
    let top = Path::new(top.trim_end_matches('\n'));
    let has_head = git(cwd, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).is_ok();
    // No commit yet: against the empty tree (of the repository's hash).
    let base = if has_head {
        "HEAD".to_string()
    } else {
        text(git(cwd, &["hash-object", "-t", "tree", "/dev/null"])?)
            .trim()
            .to_string()
    };
    // Plain output, no external diff or text conversion: quire::git's.
    let out = git(
        cwd,
        &[
            "diff",
            "--ignore-submodules=dirty",
            "-M",
            "-U3",
            &base,
            "--",
        ],
    )?;
    let git_cut = out.cut;
    let tracked = sections(&text(out));
    let listed = git(
        cwd,
        &[
            "ls-files",
            "-z",
            "--others",
            "--exclude-standard",
            "--full-name",
            "--",
            ":/",
        ],
    )?;
    let untracked: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let ignored = super::ignored::shown(patches, cwd, top);
    if tracked.is_empty() && untracked.is_empty() && ignored.is_empty() && !git_cut {
        let against = if has_head {
            "HEAD"
        } else {
            "an empty tree (no commit yet)"
        };
        return Ok(vec![Said::Note(
            Tone::Dim,
            format!("no changes: the working tree matches {against} and no file is untracked"),
        )]);
    }
    let mut budget = Budget::default();
    let mut said = Vec::new();
    if !tracked.is_empty() || git_cut {
        let against = if has_head {
            "HEAD (`git diff HEAD`: staged and unstaged)"
        } else {
            "an empty tree (no commit yet)"
        };
        said.push(Said::Note(
            Tone::Dim,
            format!("the working tree against {against}:"),
        ));
        let files: Vec<Value> = tracked
            .iter()
            .map(|s| tracked_file(s, top, &mut budget))
            .collect();
        said.push(Said::Diff(diff::files(&Value::Array(files))));
    }
    if !untracked.is_empty() {
        said.push(Said::Note(
            Tone::Dim,
            format!(
                "untracked ({}, not ignored):",
                quire::plural::counted(untracked.len(), "file")
            ),
        ));
        let files: Vec<Value> = untracked
            .iter()
            .take(MAX_UNTRACKED)
            .map(|p| untracked_file(p, &top.join(p), &mut budget))
            .collect();
        said.push(Said::Diff(diff::files(&Value::Array(files))));
    }
    said.extend(ignored);
    said.extend(budget.note(git_cut, untracked.len().saturating_sub(MAX_UNTRACKED)));
    Ok(said)
}

/// What is left of [`MAX_LINES`], and what did not fit.
#[derive(Default)]
struct Budget {
    used: usize,
    left_out: usize,
    files_cut: usize,
}

impl Budget {
    /// The first of `lines` that fit; the rest is counted as left out.
    fn take<'a>(&mut self, lines: &'a [String]) -> &'a [String] {
        let room = MAX_LINES.saturating_sub(self.used).min(lines.len());
        self.used += room;
        if room < lines.len() {
            self.left_out += lines.len() - room;
            self.files_cut += 1;
        }
        &lines[..room]
    }

    /// The note saying what was left out, when something was.
    fn note(&self, git_cut: bool, untracked_unlisted: usize) -> Option<Said> {
        let mut parts = Vec::new();
        if self.left_out > 0 {
            parts.push(format!(
                "{} of {} not shown (past {MAX_LINES} lines)",
                quire::plural::counted(self.left_out, "diff line"),
                quire::plural::counted(self.files_cut, "file")
            ));
        }
        if git_cut {
            parts.push(format!(
                "git's diff is longer than {} MiB: the files after that are not listed",
                MAX_OUTPUT / (1024 * 1024)
            ));
        }
        if untracked_unlisted > 0 {
            parts.push(format!(
                "{} more untracked not listed",
                quire::plural::counted(untracked_unlisted, "file")
            ));
        }
        (!parts.is_empty()).then(|| {
            Said::Note(
                Tone::Accent,
                format!(
                    "cut: {}; `git diff HEAD` and `git status` show everything",
                    parts.join("; ")
                ),
            )
        })
    }
}

/// A tracked file's entry for `diff::files`.
fn tracked_file(s: &Section, top: &Path, budget: &mut Budget) -> Value {
    let mut text = String::new();
    if let Some(m) = &s.mode {
        text.push_str(&format!("mode {m}\n"));
    }
    if s.binary {
        let now = match std::fs::symlink_metadata(top.join(&s.path)) {
            Ok(m) if s.status != "deleted" => format!(", {} now", size(m.len())),
            _ => String::new(),
        };
        text.push_str(&format!("binary file {}{now}, not shown\n", s.status));
    }
    for line in budget.take(&s.hunks) {
        text.push_str(line);
        text.push('\n');
    }
    let mut file = json!({
        "status": s.status,
        "path": s.path,
        "added": s.added,
        "removed": s.removed,
        "diff": text,
    });
    if let Some(from) = &s.from {
        file["from"] = json!(from);
    }
    file
}

/// An untracked file's entry for `diff::files`: its lines as added, or
/// what it is when it is not text to show.
fn untracked_file(path: &str, real: &Path, budget: &mut Budget) -> Value {
    let entry = |added: usize, diff: String| json!({"status": "added", "path": path, "added": added, "removed": 0, "diff": diff});
    let meta = match std::fs::symlink_metadata(real) {
        Ok(m) => m,
        Err(e) => return entry(0, format!("cannot be read: {e}\n")),
    };
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(real)
            .map(|t| quire::printable::quoted_name(&t.to_string_lossy()).into_owned())
            .unwrap_or_else(|_| "?".to_string());
        return entry(0, format!("symbolic link to {target}\n"));
    }
    if !meta.is_file() {
        let what = quire::file_kind::name(meta.file_type());
        return entry(0, format!("{what}, not shown\n"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return entry(0, format!("{}, too large to show\n", size(meta.len())));
    }
    let mut bytes = Vec::new();
    let read = quire::file_kind::open_regular(real)
        .and_then(|f| f.take(MAX_FILE_BYTES).read_to_end(&mut bytes));
    if let Err(e) = read {
        return entry(0, format!("cannot be read: {e}\n"));
    }
    if quire::tools::apply_patch::is_binary(&bytes) {
        return entry(0, format!("binary file, {}, not shown\n", size(meta.len())));
    }
    if bytes.is_empty() {
        return entry(0, "empty file\n".to_string());
    }
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<String> = text.lines().map(|l| format!("+{l}")).collect();
    let mut diff = format!("@@ -0,0 +1,{} @@\n", lines.len());
    for line in budget.take(&lines) {
        diff.push_str(line);
        diff.push('\n');
    }
    entry(lines.len(), diff)
}

/// A size in words: `512 bytes`, `3.4 KiB`, `2.0 MiB`.
fn size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        quire::plural::counted(bytes, "byte")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.1} MiB", b / (KIB * KIB))
    }
}
