//! git run on the user's repository for quire's own reading (`/diff`),
//! so that nothing the repository's configuration or folder names runs
//! with it: a sandboxed command may have written `.git/config` (or a file
//! it includes) and `.git/hooks`, and git would run what they name
//! without asking.
//!
//! Switched off: external diff programs (`diff.external`, a driver's
//! `command`: `--no-ext-diff`), text conversion (`--no-textconv`), every
//! filter driver the configuration names (their `clean`, `smudge` and
//! `process` set empty, `required` false: read first, then overridden with
//! `-c`, which wins over every file), the fsmonitor, hooks (`core.hooksPath`
//! pointed at nothing), fetches of missing objects in a partial clone
//! (`GIT_NO_LAZY_FETCH`, no transport allowed), the system configuration,
//! prompts and the pager. The index is not written (`GIT_OPTIONAL_LOCKS`).
//! Each run is stopped after [`TIMEOUT`]; its output is read up to
//! [`MAX_OUTPUT`] bytes.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long one git command may run.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// The most of a command's output read; the rest is left (and said).
pub const MAX_OUTPUT: usize = 8 * 1024 * 1024;
/// The most of a command's error output kept.
const MAX_STDERR: usize = 16 * 1024;

/// Settings of every run, whatever the configuration says.
const FIXED: &[&str] = &[
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.quotePath=false",
    "protocol.allow=never",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
];

/// Why git gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("git is not installed (install it, or look at the changes another way)")]
    Missing,
    #[error("cannot run git: {0}")]
    Spawn(std::io::Error),
    #[error(
        "`git {command}` took longer than {} s and was stopped; run it in a terminal to see its answer",
        TIMEOUT.as_secs()
    )]
    TimedOut { command: String },
    #[error("`git {command}` failed: {stderr}")]
    Failed { command: String, stderr: String },
    /// A filter driver whose name `-c` cannot switch off.
    #[error(
        "the repository's git configuration names a filter driver quire cannot switch off ({0:?}): it would run while the working tree is read; run `git diff HEAD` yourself after checking `git config --get-regexp '^filter'`"
    )]
    Filter(String),
}

impl GitError {
    /// Whether git said the folder is in no repository.
    pub fn outside_repository(&self) -> bool {
        matches!(self, GitError::Failed { stderr, .. } if stderr.contains("not a git repository"))
    }
}

/// What a command printed.
#[derive(Debug)]
pub struct Output {
    pub stdout: Vec<u8>,
    /// The output was longer than [`MAX_OUTPUT`]: the rest was not read.
    pub cut: bool,
}

/// git in one folder, with the repository's filter drivers switched off.
pub struct Git {
    dir: PathBuf,
    /// `-c` settings: [`FIXED`], then one per filter setting.
    settings: Vec<String>,
}

impl Git {
    /// git in `dir`; reads which filter drivers the configuration names.
    pub fn new(dir: &Path) -> Result<Git, GitError> {
        let mut git = Git {
            dir: dir.to_path_buf(),
            settings: FIXED.iter().map(|s| s.to_string()).collect(),
        };
        // `git config` only reads (included files too); it exits 1 when
        // nothing matched.
        let listed = match git.run(&["config", "--null", "--get-regexp", r"^filter\."]) {
            Ok(out) => out.stdout,
            Err(GitError::Failed { stderr, .. }) if stderr.trim().is_empty() => Vec::new(),
            Err(e) => return Err(e),
        };
        for driver in filter_drivers(&String::from_utf8_lossy(&listed))? {
            for key in ["clean", "smudge", "process"] {
                git.settings.push(format!("filter.{driver}.{key}="));
            }
            git.settings.push(format!("filter.{driver}.required=false"));
        }
        Ok(git)
    }

    /// `git ARGS`' output, or why there is none.
    pub fn run(&self, args: &[&str]) -> Result<Output, GitError> {
        let mut cmd = Command::new("git");
        cmd.arg("--no-pager");
        for s in &self.settings {
            cmd.arg("-c").arg(s);
        }
        cmd.arg("-C")
            .arg(&self.dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_NO_LAZY_FETCH", "1")
            .env("GIT_OPTIONAL_LOCKS", "0")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env_remove("GIT_EXTERNAL_DIFF")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        crate::child::die_with_quire(&mut cmd);
        let command = args.iter().take(2).copied().collect::<Vec<_>>().join(" ");
        let child = crate::child::spawn_std(&mut cmd).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                GitError::Missing
            } else {
                GitError::Spawn(e)
            }
        })?;
        let done = collect(child).ok_or_else(|| GitError::TimedOut {
            command: command.clone(),
        })?;
        if done.success || done.output.cut {
            return Ok(done.output);
        }
        let stderr = String::from_utf8_lossy(&done.stderr).trim().to_string();
        Err(GitError::Failed { command, stderr })
    }
}

/// The filter drivers `git config --null --get-regexp '^filter\.'` lists
/// (`filter.NAME.KEY\nVALUE\0`), each once; a name `-c` cannot carry (an
/// `=` in it, a line break) is refused.
fn filter_drivers(listed: &str) -> Result<Vec<String>, GitError> {
    let mut drivers: Vec<String> = Vec::new();
    for entry in listed.split('\0').filter(|e| !e.is_empty()) {
        let key = entry.split('\n').next().unwrap_or(entry);
        let Some(driver) = key
            .strip_prefix("filter.")
            .and_then(|rest| rest.rsplit_once('.'))
            .map(|(driver, _)| driver)
        else {
            continue;
        };
        if driver.contains(['=', '\n', '\0']) {
            return Err(GitError::Filter(driver.to_string()));
        }
        if !drivers.iter().any(|d| d == driver) {
            drivers.push(driver.to_string());
        }
    }
    Ok(drivers)
}

/// A finished command.
struct Done {
    success: bool,
    output: Output,
    stderr: Vec<u8>,
}

/// Reads `child`'s output (stdout up to [`MAX_OUTPUT`]: past it git is
/// stopped) and waits for it; `None` when it ran past [`TIMEOUT`] (it is
/// killed).
fn collect(mut child: Child) -> Option<Done> {
    let deadline = Instant::now() + TIMEOUT;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let (tx, rx) = std::sync::mpsc::channel();
    let out_reader = std::thread::spawn(move || {
        let read = stdout.map(|s| read_capped(s, MAX_OUTPUT));
        let _ = tx.send(());
        read.unwrap_or_default()
    });
    // Read to the end (the rest dropped), so git never waits on it.
    let err_reader = std::thread::spawn(move || {
        stderr
            .map(|mut s| {
                let (kept, _) = read_capped(&mut s, MAX_STDERR);
                let _ = std::io::copy(&mut s, &mut std::io::sink());
                kept
            })
            .unwrap_or_default()
    });
    let read_in_time = rx.recv_timeout(TIMEOUT).is_ok();
    let stop = |child: &mut Child| {
        let _ = child.kill();
        let _ = child.wait();
    };
    if !read_in_time {
        stop(&mut child);
        return None;
    }
    let (stdout, cut) = out_reader.join().unwrap_or_default();
    if cut {
        // The rest is not wanted: git need not finish writing it.
        let _ = child.kill();
    }
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            _ => {
                stop(&mut child);
                return None;
            }
        }
    };
    let stderr = err_reader.join().unwrap_or_default();
    Some(Done {
        success: status.success(),
        output: Output { stdout, cut },
        stderr,
    })
}

/// Up to `max` bytes of `from`; whether there was more.
fn read_capped(from: impl Read, max: usize) -> (Vec<u8>, bool) {
    let mut bytes = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let _ = from.take(limit).read_to_end(&mut bytes);
    let cut = bytes.len() > max;
    bytes.truncate(max);
    (bytes, cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_filter_driver_is_named_once() {
        let listed = "filter.lfs.clean\ngit-lfs clean -- %f\0filter.lfs.smudge\nx\0filter.a.b.process\ncat\0";
        assert_eq!(filter_drivers(listed).unwrap(), ["lfs", "a.b"]);
        assert!(matches!(
            filter_drivers("filter.x=y.clean\ncat\0"),
            Err(GitError::Filter(_))
        ));
    }
}
