//! Quire as the child subreaper of everything it starts. A process that
//! leaves its parent (`setsid cmd &`, a double fork, `os.setpgid(0, 0)`
//! in a child whose parent exits) is adopted by quire instead of init, so
//! quire can still find it: [`kill_descendants`] kills every descendant on
//! the way out, and [`reap_orphans`] reaps adopted orphans that exited.
//!
//! Quire's own children are tokio's or std's to wait for: a zombie of
//! theirs reaped here would make their `wait` fail. So every child quire
//! spawns is recorded ([`spawn_tokio`], [`spawn_std`]) under a read lock
//! that the sweeps take for writing, and only unrecorded children —
//! adopted orphans — are ever reaped here.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::Duration;

/// Whether quire is a subreaper (set once at start by the binary; the
/// library in tests never is, and then nothing here acts).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Held for reading while a child is spawned and recorded, for writing
/// while a sweep runs: a sweep never sees a child not yet recorded.
static SPAWNING: RwLock<()> = RwLock::new(());
/// Children quire spawned: pid and start time (a reused pid is not them).
static SPAWNED: Mutex<Vec<(i32, u64)>> = Mutex::new(Vec::new());
/// Children left to finish when quire ends (Codex's `notify` programs,
/// each bounded by an alarm of its own): [`kill_descendants`] passes
/// them by.
static SPARED: Mutex<Vec<(i32, u64)>> = Mutex::new(Vec::new());
/// The watchdog (adopted after its double fork): never killed or reaped
/// here, it ends by itself when quire does.
static WATCHDOG: AtomicI32 = AtomicI32::new(0);

/// Passes of [`kill_descendants`] at most (each kills what it finds; the
/// children of killed processes are adopted and found by the next).
const PASSES: usize = 200;

/// Makes quire the child subreaper of its descendants. Called once, at
/// the start of the binary.
pub fn become_subreaper() {
    // SAFETY: prctl on our own process with plain integer arguments.
    let rc = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    if rc == 0 {
        ACTIVE.store(true, Ordering::SeqCst);
    } else {
        tracing::warn!(
            "cannot become a child subreaper ({}); processes that leave their group may outlive quire",
            io::Error::last_os_error()
        );
    }
}

fn active() -> bool {
    ACTIVE.load(Ordering::SeqCst)
}

/// Records the watchdog's pid.
pub(super) fn watchdog_is(pid: i32) {
    WATCHDOG.store(pid, Ordering::SeqCst);
}

/// Spawns a tokio command and records the child.
pub fn spawn_tokio(cmd: &mut tokio::process::Command) -> io::Result<tokio::process::Child> {
    let _hold = SPAWNING.read().unwrap_or_else(PoisonError::into_inner);
    let child = cmd.spawn()?;
    if let Some(pid) = child.id() {
        record(pid);
    }
    Ok(child)
}

/// Spawns a std command and records the child.
pub fn spawn_std(cmd: &mut std::process::Command) -> io::Result<std::process::Child> {
    let _hold = SPAWNING.read().unwrap_or_else(PoisonError::into_inner);
    let child = cmd.spawn()?;
    record(child.id());
    Ok(child)
}

fn record(pid: u32) {
    let Ok(pid) = i32::try_from(pid) else { return };
    if !active() {
        return;
    }
    let start = stat(pid).map_or(0, |s| s.start);
    let mut spawned = SPAWNED.lock().unwrap_or_else(PoisonError::into_inner);
    // Forget children that are gone (reaped by their owner).
    spawned.retain(|&(p, t)| stat(p).is_some_and(|s| t == 0 || s.start == t));
    spawned.push((pid, start));
}

/// Leaves the child `pid` (spawned through [`spawn_tokio`] or
/// [`spawn_std`]) running when quire ends: [`kill_descendants`] passes
/// it and what it started by. For a program that must be able to finish
/// after quire and bounds its own run.
pub fn spare(pid: u32) {
    let Ok(pid) = i32::try_from(pid) else { return };
    if !active() {
        return;
    }
    let start = stat(pid).map_or(0, |s| s.start);
    let mut spared = SPARED.lock().unwrap_or_else(PoisonError::into_inner);
    spared.retain(|&(p, t)| stat(p).is_some_and(|s| !s.zombie && (t == 0 || s.start == t)));
    spared.push((pid, start));
}

fn spared(pid: i32, start: u64) -> bool {
    SPARED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .any(|&(p, t)| p == pid && (t == 0 || t == start))
}

/// Whether `pid` (with `start`) is a child quire spawned or the watchdog.
fn owned(pid: i32, start: u64) -> bool {
    pid == WATCHDOG.load(Ordering::SeqCst)
        || SPAWNED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .any(|&(p, t)| p == pid && (t == 0 || t == start))
}

/// Reaps adopted orphans that have exited (never a child quire spawned).
pub fn reap_orphans() {
    if !active() {
        return;
    }
    let _hold = SPAWNING.write().unwrap_or_else(PoisonError::into_inner);
    reap_locked();
}

fn reap_locked() {
    for pid in children(std::process::id() as i32) {
        if let Some(s) = stat(pid)
            && s.zombie
            && !owned(pid, s.start)
        {
            // SAFETY: waits for one exited child that nobody else waits for.
            unsafe { libc::waitpid(pid, std::ptr::null_mut(), libc::WNOHANG) };
        }
    }
}

/// Kills every descendant of quire but the watchdog: its children, what
/// they started and every orphan it adopted. For the exit paths.
pub fn kill_descendants() {
    if !active() {
        return;
    }
    let _hold = SPAWNING.write().unwrap_or_else(PoisonError::into_inner);
    let me = std::process::id() as i32;
    let watchdog = WATCHDOG.load(Ordering::SeqCst);
    for _ in 0..PASSES {
        let live: Vec<i32> = children(me)
            .into_iter()
            .filter(|&p| p != watchdog && stat(p).is_some_and(|s| !s.zombie && !spared(p, s.start)))
            .collect();
        if live.is_empty() {
            break;
        }
        for pid in live {
            kill_tree(pid);
        }
        reap_locked();
        std::thread::sleep(Duration::from_millis(1));
    }
    reap_locked();
}

/// SIGKILLs `root` and everything below it. What a killed process started
/// in between is adopted by quire and found by the next pass.
fn kill_tree(root: i32) {
    let mut stack = vec![root];
    let mut seen = std::collections::HashSet::new();
    while let Some(pid) = stack.pop() {
        if pid <= 1 || !seen.insert(pid) {
            continue;
        }
        stack.extend(children(pid));
        // SAFETY: kill(2) on a descendant of quire; no memory effects.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
}

/// The start time of `pid` (to tell a reused pid), if it exists.
pub(super) fn start_time(pid: i32) -> Option<u64> {
    stat(pid).map(|s| s.start)
}

/// Whether `pid` exists and has not exited.
pub(super) fn is_alive(pid: i32) -> bool {
    stat(pid).is_some_and(|s| !s.zombie)
}

/// Whether `pid` exists and is neither stopped nor exited.
pub(super) fn is_running(pid: i32) -> bool {
    stat(pid).is_some_and(|s| !s.zombie && !s.stopped)
}

/// The live orphans quire adopted as their subreaper: its children that it
/// did not spawn, the watchdog aside. None when quire is not a subreaper.
pub(super) fn adopted() -> Vec<i32> {
    if !active() {
        return Vec::new();
    }
    children(std::process::id() as i32)
        .into_iter()
        .filter(|&p| p != WATCHDOG.load(Ordering::SeqCst))
        .filter(|&p| stat(p).is_some_and(|s| !s.zombie && !owned(p, s.start)))
        .collect()
}

/// The live processes of the trees under `roots` (roots included).
pub(super) fn live_trees(mut roots: Vec<i32>) -> Vec<i32> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    while let Some(pid) = roots.pop() {
        if pid <= 1 || !seen.insert(pid) {
            continue;
        }
        roots.extend(children(pid));
        if is_alive(pid) {
            out.push(pid);
        }
    }
    out
}

/// What `/proc/PID/stat` says that matters here.
struct Stat {
    zombie: bool,
    /// Stopped by a signal or traced.
    stopped: bool,
    ppid: i32,
    /// Start time after boot, in clock ticks.
    start: u64,
}

fn stat(pid: i32) -> Option<Stat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may
    // itself hold spaces and parentheses.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_ascii_whitespace().collect();
    Some(Stat {
        zombie: matches!(fields.first(), Some(&"Z" | &"X")),
        stopped: matches!(fields.first(), Some(&"T" | &"t")),
        ppid: fields.get(1)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
    })
}

/// The children of `pid`: from `/proc/PID/task/*/children`, or by
/// scanning every process when the kernel lacks those files.
pub(super) fn children(pid: i32) -> Vec<i32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for task in tasks.flatten() {
        match std::fs::read_to_string(task.path().join("children")) {
            Ok(list) => out.extend(
                list.split_ascii_whitespace()
                    .filter_map(|p| p.parse::<i32>().ok()),
            ),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return children_by_scan(pid),
            Err(_) => {}
        }
    }
    out
}

fn children_by_scan(pid: i32) -> Vec<i32> {
    let Ok(all) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    all.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&p| stat(p).is_some_and(|s| s.ppid == pid))
        .collect()
}
