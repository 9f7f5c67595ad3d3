//! Processes the model's commands left running, paused while a hook whose
//! files they could rewrite is checked and run.
//!
//! An approved repository hook's files are hashed again before each run
//! (`hooks::trust::Pinned`), but a process a sandboxed command left
//! running (`nohup watcher &`) could swap a script right after the hash
//! and put it back once the interpreter read it: the hook would run its
//! code as the user. So [`pause_commands`] SIGSTOPs every process that
//! belongs to a shell command quire started — the command's tree, and
//! every orphan quire adopted as their subreaper — before the check, and
//! the guard it returns SIGCONTs them when dropped (the hook ended, timed
//! out, failed, or its caller was interrupted). While paused, no new
//! command starts ([`spawn_command`] waits).

use std::collections::HashSet;
use std::io;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::reaper;

/// How long [`pause_commands`] waits for a signalled process to stop (a
/// process in an uninterruptible sleep stops when it leaves it, before it
/// runs any code of its own).
const STOP_WAIT: Duration = Duration::from_secs(1);
/// Rounds of looking for processes not stopped yet at most (a process
/// may fork before its SIGSTOP lands; a stopped one cannot).
const ROUNDS: usize = 100;
/// How often a command waiting for a pause to end looks again.
const WAIT_STEP: Duration = Duration::from_millis(2);

struct State {
    /// Guards alive; the processes stay stopped until the last one drops.
    holders: usize,
    /// When the current pause began (while `holders > 0`).
    since: Option<Instant>,
    /// How long the pauses that ended lasted, in all.
    ended: Duration,
    /// What the first guard stopped: pid and start time.
    stopped: Vec<(i32, u64)>,
    /// The shell commands quire started: pid and start time.
    commands: Vec<(i32, u64)>,
}

static STATE: Mutex<State> = Mutex::new(State {
    holders: 0,
    since: None,
    ended: Duration::ZERO,
    stopped: Vec::new(),
    commands: Vec::new(),
});

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Shell commands started by this process (every session, subagents too).
static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many shell commands this process started so far: an approval that
/// takes the workspace as a command left it can tell whether another
/// command ran meanwhile (`tools::approval::remember`).
pub fn commands_started() -> u64 {
    STARTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Spawns a shell command (as [`reaper::spawn_tokio`]) and records it as
/// one the model's commands started; waits first while they are paused.
pub async fn spawn_command(cmd: &mut tokio::process::Command) -> io::Result<tokio::process::Child> {
    loop {
        {
            let mut st = state();
            if st.holders == 0 {
                STARTED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let child = reaper::spawn_tokio(cmd)?;
                if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
                    st.commands.retain(|&(p, t)| same(p, t));
                    st.commands
                        .push((pid, reaper::start_time(pid).unwrap_or(0)));
                }
                return Ok(child);
            }
        }
        tokio::time::sleep(WAIT_STEP).await;
    }
}

/// Resumes what [`pause_commands`] stopped when the last guard drops.
#[must_use = "the commands are resumed when the guard drops"]
pub struct Paused(());

/// Stops every process the model's commands started and left running
/// (see the module docs) until the guard drops.
pub fn pause_commands() -> Paused {
    let mut st = state();
    st.holders += 1;
    if st.holders == 1 {
        st.since = Some(Instant::now());
        let commands = st.commands.clone();
        st.stopped = stop_all(&commands);
        if !st.stopped.is_empty() {
            tracing::debug!(count = st.stopped.len(), "paused the commands' processes");
        }
    }
    Paused(())
}

impl Drop for Paused {
    fn drop(&mut self) {
        let mut st = state();
        st.holders = st.holders.saturating_sub(1);
        if st.holders > 0 {
            return;
        }
        if let Some(since) = st.since.take() {
            st.ended += since.elapsed();
        }
        for (pid, start) in std::mem::take(&mut st.stopped) {
            if same(pid, start) {
                // SAFETY: kill(2) on a process this module stopped.
                unsafe { libc::kill(pid, libc::SIGCONT) };
            }
        }
    }
}

/// Whether any process of the model's commands is alive: one still
/// running or left behind (`nohup … &`), or an orphan quire adopted.
/// Such a process may write the workspace at any moment.
pub fn commands_alive() -> bool {
    let commands = state().commands.clone();
    !running(&commands).is_empty()
}

/// How long the model's commands were paused in all, this process's life
/// (the pause going on included): a command's timeout does not count the
/// time a hook held it stopped (`tools::shell::exec`).
pub fn paused_total() -> Duration {
    let st = state();
    st.ended + st.since.map_or(Duration::ZERO, |s| s.elapsed())
}

/// Whether `pid` is still the process that started at `start`.
fn same(pid: i32, start: u64) -> bool {
    reaper::start_time(pid).is_some_and(|s| start == 0 || s == start)
}

/// SIGSTOPs the trees of `commands` and quire's adopted orphans until no
/// process of theirs is left running; what was stopped.
fn stop_all(commands: &[(i32, u64)]) -> Vec<(i32, u64)> {
    let mut stopped: Vec<(i32, u64)> = Vec::new();
    let mut seen: HashSet<i32> = HashSet::new();
    for _ in 0..ROUNDS {
        let fresh: Vec<i32> = running(commands)
            .into_iter()
            .filter(|p| !seen.contains(p))
            .collect();
        if fresh.is_empty() {
            break;
        }
        for pid in fresh {
            seen.insert(pid);
            let start = reaper::start_time(pid).unwrap_or(0);
            // SAFETY: kill(2) on a descendant of quire; no memory effects.
            unsafe { libc::kill(pid, libc::SIGSTOP) };
            stopped.push((pid, start));
        }
        wait_stopped(&stopped);
    }
    stopped
}

/// Waits until every process of `pids` is stopped or gone.
fn wait_stopped(pids: &[(i32, u64)]) {
    let deadline = Instant::now() + STOP_WAIT;
    while pids.iter().any(|&(p, _)| reaper::is_running(p)) {
        if Instant::now() >= deadline {
            tracing::warn!("a paused command's process did not stop within {STOP_WAIT:?}");
            return;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// The live processes of the commands' trees and of the trees of orphans
/// quire adopted.
fn running(commands: &[(i32, u64)]) -> Vec<i32> {
    let mut roots: Vec<i32> = commands
        .iter()
        .filter(|&&(p, t)| same(p, t))
        .map(|&(p, _)| p)
        .collect();
    roots.extend(reaper::adopted());
    reaper::live_trees(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_commands_were_held_paused_is_counted_during_and_after() {
        let before = paused_total();
        let guard = pause_commands();
        std::thread::sleep(Duration::from_millis(20));
        let during = paused_total();
        drop(guard);
        let after = paused_total();
        assert!(
            during - before >= Duration::from_millis(20),
            "{before:?} {during:?}"
        );
        assert!(after >= during, "{during:?} {after:?}");
    }
}
