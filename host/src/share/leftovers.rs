//! Folders `quire share` makes while it works — git checkouts in the
//! scratch folder (`checkout-PID-N`, `mcp-PID-N`) and a new copy assembled
//! beside its install folder (`.NAME.new-PID-N`) — are removed when they
//! are no longer needed, when the process is interrupted
//! ([`remove_pending`], called on Ctrl-C, SIGTERM and SIGHUP), and, for
//! those of a process killed outright, at the start of the next run
//! ([`sweep`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::ShareContext;
use super::lock::Kind;

/// The working folders in use in this process.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Set once the process is interrupted: nothing new is copied.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// A working folder, removed (with what it holds; a link in it is removed,
/// never followed) when the guard is dropped or the process interrupted.
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    pub fn new(path: PathBuf) -> Scratch {
        if let Ok(mut p) = PENDING.lock() {
            p.push(path.clone());
        }
        Scratch { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        remove(&self.path);
        if let Ok(mut p) = PENDING.lock()
            && let Some(i) = p.iter().position(|x| *x == self.path)
        {
            p.swap_remove(i);
        }
    }
}

/// Whether the process was interrupted (copies stop at the next file).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Records that the process is being interrupted, first thing on the
/// signal (before its children are stopped, so that their end is read as
/// the interrupt, not as their failure).
pub fn note_interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Called when a child (git) failed: when the process is being
/// interrupted — or the child was ended by a signal (`signaled`: a Ctrl-C
/// reaches the whole process group, the child may end first) and the
/// interrupt is noted within a moment — the failure is the interrupt's,
/// not the child's. Then this thread waits for the handler of the signal,
/// which removes the leftovers, says so and exits the process (130 on
/// Ctrl-C): nothing is reported as failed and no further entry is begun.
pub fn hold_if_interrupted(signaled: bool) {
    let waited = std::time::Instant::now();
    while signaled && !interrupted() && waited.elapsed() < std::time::Duration::from_secs(2) {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    if interrupted() {
        loop {
            std::thread::park();
        }
    }
}

/// Removes every working folder in use: the process is about to exit on a
/// signal, so no guard will be dropped.
pub fn remove_pending() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let paths = match PENDING.lock() {
        Ok(mut p) => std::mem::take(&mut *p),
        Err(_) => return,
    };
    for p in paths {
        remove(&p);
    }
}

fn remove(path: &Path) {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = std::fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// Removes what an earlier quire left behind when it was killed: in the
/// scratch folder `checkout-PID-N` and `mcp-PID-N`, and beside each install
/// folder `.NAME.new-PID-N`, whose process is gone. Only folders of these
/// exact names are touched; a link of such a name is removed, never
/// followed.
pub fn sweep(ctx: &ShareContext) {
    sweep_folder(&ctx.scratch, |name| {
        let rest = name
            .strip_prefix("checkout-")
            .or_else(|| name.strip_prefix("mcp-"))?;
        pid_and_number(rest)
    });
    for kind in [Kind::Skill, Kind::Plugin, Kind::Bundle] {
        let rel = kind.folder(ctx.layout);
        let (base, rel) = match rel.strip_prefix("~/") {
            Some(rest) => match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
                Some(h) => (PathBuf::from(h), rest),
                None => continue,
            },
            None => (ctx.root.clone(), rel),
        };
        // `.quire/skills` may be a link out of the repository (a hostile
        // checkout): nothing is removed through it.
        let mut folder = base;
        let linked = Path::new(rel).components().any(|c| {
            folder.push(c);
            std::fs::symlink_metadata(&folder).is_ok_and(|m| m.file_type().is_symlink())
        });
        if !linked {
            sweep_folder(&folder, staging_pid);
        }
    }
}

/// The PID in `.NAME.new-PID-N`.
fn staging_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let (stem, tail) = rest.rsplit_once(".new-")?;
    if stem.is_empty() {
        return None;
    }
    pid_and_number(tail)
}

/// `PID-N`, both decimal.
fn pid_and_number(text: &str) -> Option<u32> {
    let (pid, n) = text.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(pid) || !digits(n) {
        return None;
    }
    pid.parse().ok()
}

fn sweep_folder(dir: &Path, pid_of: impl Fn(&str) -> Option<u32>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(&pid_of) else {
            continue;
        };
        if pid == std::process::id() || crate::child::alive(pid) {
            continue;
        }
        let path = entry.path();
        tracing::info!(path = %path.display(), "removing what an interrupted quire left");
        remove(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_quires_own_names_are_recognised() {
        assert_eq!(staging_pid(".pdf-forms.new-583-1923768327"), Some(583));
        assert_eq!(staging_pid(".a.b.new-1-2"), Some(1));
        for name in [
            "pdf-forms",
            ".pdf-forms",
            ".new-1-2",
            ".x.new-1",
            ".x.new-1-",
            ".x.new-a-2",
            ".x.old-1-2",
            "x.new-1-2",
        ] {
            assert_eq!(staging_pid(name), None, "{name}");
        }
        assert_eq!(pid_and_number("30578-17"), Some(30578));
        assert_eq!(pid_and_number("30578"), None);
    }

    #[test]
    fn a_sweep_removes_leftovers_of_gone_processes_only() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        let skills = root.join(".quire/skills");
        let scratch = tmp.path().join("scratch");
        let outside = tmp.path().join("outside");
        for d in [&skills, &scratch, &outside] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(outside.join("keep"), "x").unwrap();
        // No process has PID 2^22 + 1 (above Linux's pid_max limit).
        let gone = 4_194_305;
        let me = std::process::id();
        let stale = skills.join(format!(".big.new-{gone}-7"));
        std::fs::create_dir_all(stale.join("sub")).unwrap();
        let mine = skills.join(format!(".big.new-{me}-7"));
        std::fs::create_dir_all(&mine).unwrap();
        let link = skills.join(format!(".l.new-{gone}-1"));
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        std::fs::create_dir_all(skills.join("big")).unwrap();
        let checkout = scratch.join(format!("checkout-{gone}-9"));
        std::fs::create_dir_all(checkout.join(".git")).unwrap();
        let ctx = ShareContext {
            root: root.clone(),
            layout: super::super::Layout::Project,
            scratch: scratch.clone(),
            mcp: Vec::new(),
            allow_local: false,
            records: scratch.join("records"),
            marketplaces: scratch.join("marketplaces"),
        };
        sweep(&ctx);
        assert!(!stale.exists());
        assert!(!checkout.exists());
        assert!(std::fs::symlink_metadata(&link).is_err());
        assert!(outside.join("keep").is_file(), "the link was followed");
        assert!(mine.is_dir(), "this process's own folder was removed");
        assert!(skills.join("big").is_dir());
        // Through a linked `.quire/skills` nothing is removed.
        let elsewhere = outside.join(format!(".big.new-{gone}-8"));
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::remove_dir_all(&skills).unwrap();
        std::os::unix::fs::symlink(&outside, &skills).unwrap();
        sweep(&ctx);
        assert!(elsewhere.is_dir(), "removed through a link");
    }

    #[test]
    fn pending_folders_are_removed_on_drop() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("c");
        std::fs::create_dir_all(dir.join("x")).unwrap();
        drop(Scratch::new(dir.clone()));
        assert!(!dir.exists());
    }
}
