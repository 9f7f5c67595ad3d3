//! A stopped command (Ctrl-C, its timeout, its call dropped) takes every
//! process it started with it, also those that left its process group.
//!
//! Ctrl-C, SIGTERM to quire and a timeout stop it gently first
//! ([`stop_command_gently`]): SIGTERM (and SIGCONT, for a paused one) to
//! all of it, [`STOP_GRACE`] to clean up (git removes its `index.lock`, a
//! `trap` runs), then SIGKILL for whatever is left.
//!
//! Killing the command's group misses `setsid cmd &` and double forks:
//! they would run on until the session ends. So each shell command gets a
//! mark in its environment ([`MARK_VAR`], one value per command), which
//! everything it starts inherits, and [`stop_command`] kills
//!
//! - the command's descendants, found through `/proc` before its group is
//!   killed (a `setsid` child whose parent is still the shell);
//! - its process group;
//! - the orphans quire adopted as their subreaper ([`reaper::adopted`])
//!   that started no earlier than the command and carry its mark.
//!
//! Quire's own children (MCP servers, language servers, other commands,
//! subagents' commands) are never adopted orphans, and an orphan of
//! another command (a server an earlier command left running, one a
//! command running alongside started) carries another mark: none of them
//! is touched. A process that emptied its environment (`env -i`) cannot be
//! told apart and is left for the end of the session.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::reaper;

/// The variable that marks a command's processes.
pub const MARK_VAR: &str = "QUIRE_COMMAND_ID";

/// How long a command stopped gently has between SIGTERM and SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_millis(1500);

/// How often the grace period looks whether the command is gone.
const GRACE_POLL: Duration = Duration::from_millis(10);

/// Passes at most: each kills what it finds; a process that forked
/// meanwhile leaves an orphan (adopted, marked) for the next.
const PASSES: usize = 200;

/// The mark of one shell command: the value of [`MARK_VAR`] in its
/// environment, unique in this process and among quire processes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandMark(String);

impl CommandMark {
    /// A mark no other command of this quire had.
    pub fn next() -> CommandMark {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        CommandMark(format!("{}.{n}", std::process::id()))
    }

    /// The value to set as [`MARK_VAR`].
    pub fn value(&self) -> &str {
        &self.0
    }

    /// Whether `pid`'s environment holds this mark.
    fn marks(&self, pid: i32) -> bool {
        let Ok(environ) = std::fs::read(format!("/proc/{pid}/environ")) else {
            return false;
        };
        let want = format!("{MARK_VAR}={}", self.0);
        environ.split(|&b| b == 0).any(|v| v == want.as_bytes())
    }
}

/// Stops the command as [`stop_command`] does, but asks first: SIGTERM to
/// its group, its descendants and its marked orphans (SIGCONT too, so a
/// paused one gets it), then up to [`STOP_GRACE`] for them to exit, then
/// [`stop_command`] for what is left. Blocks for at most the grace (plus
/// the kill): call it off the async runtime's threads.
///
/// SIGTERM rather than SIGINT: it is what `timeout(1)`, `docker stop` and
/// systemd send, a non-interactive shell's background jobs ignore SIGINT
/// but not SIGTERM, and git, make and shell `trap`s clean up on either.
pub fn stop_command_gently(pid: i32, mark: &CommandMark) {
    let since = reaper::start_time(pid);
    let live = live_of(pid, since, mark);
    for p in &live {
        // SAFETY: kill(2) on the command's process, one of its
        // descendants or an orphan carrying its mark.
        unsafe {
            libc::kill(*p, libc::SIGTERM);
            libc::kill(*p, libc::SIGCONT);
        }
    }
    // SAFETY: the command's group; its leader is not reaped, so the id is
    // not reused.
    unsafe {
        libc::killpg(pid, libc::SIGTERM);
        libc::killpg(pid, libc::SIGCONT);
    }
    let until = std::time::Instant::now() + STOP_GRACE;
    while std::time::Instant::now() < until && !live_of(pid, since, mark).is_empty() {
        std::thread::sleep(GRACE_POLL);
    }
    stop_command(pid, mark);
}

/// The live processes of the command `pid` (started at `since`): its tree
/// and the trees of the orphans carrying `mark` that started no earlier.
fn live_of(pid: i32, since: Option<u64>, mark: &CommandMark) -> Vec<i32> {
    let mut roots = vec![pid];
    roots.extend(
        reaper::adopted()
            .into_iter()
            .filter(|&p| reaper::start_time(p).is_some_and(|s| since.is_none_or(|c| s >= c)))
            .filter(|&p| mark.marks(p)),
    );
    reaper::live_trees(roots)
}

/// Kills the command whose process (the leader of its group, not reaped
/// yet) is `pid`, started with `mark`, and everything it started (see the
/// module docs); reaps the adopted orphans killed.
pub fn stop_command(pid: i32, mark: &CommandMark) {
    let since = reaper::start_time(pid);
    let mut group_killed = false;
    for _ in 0..PASSES {
        let live = live_of(pid, since, mark);
        if live.is_empty() && group_killed {
            break;
        }
        for p in &live {
            // SAFETY: kill(2) on the command's process, one of its
            // descendants or an orphan carrying its mark.
            unsafe { libc::kill(*p, libc::SIGKILL) };
        }
        if !group_killed {
            // SAFETY: the command's group; its leader is not reaped, so
            // the id is not reused.
            unsafe { libc::killpg(pid, libc::SIGKILL) };
            group_killed = true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    reaper::reap_orphans();
}
