//! No process quire starts outlives it, even when quire is killed with
//! SIGKILL and cleans up nothing. Every child (shell commands, MCP
//! servers, git) goes through [`die_with_quire`]:
//!
//! - the child leads a process group of its own and gets
//!   `PR_SET_PDEATHSIG` (SIGKILL), checked against the race where quire
//!   died before it was set. The signal fires when the *thread* that
//!   spawned the child ends, so children are spawned only from threads
//!   that outlive them: tokio workers or the thread that waits for the
//!   child (never from `spawn_blocking` for a child that keeps running);
//! - the parent-death signal reaches only that child, not what it starts
//!   (`sh -c 'sleep 60; …'`, `npx` → `node`). One watchdog process per
//!   quire (started with the first child, in a process group of its own,
//!   not quire's child) covers the rest: each child sends its group id
//!   to the watchdog before it execs, over a socket whose other end only
//!   quire holds. When quire dies that socket reads end-of-file and the
//!   watchdog kills every group it was told about that still exists.
//!   Groups that ended are forgotten (checked every second while idle).
//!
//! Processes that leave their group escape both: `setsid cmd &`, a double
//! fork, a child that calls `setpgid(0, 0)` and whose parent exits. So
//! quire is the child subreaper of what it starts ([`reaper`]): such
//! orphans are adopted by quire, not init, and every exit path kills all
//! of quire's descendants ([`kill_descendants`]); adopted orphans that
//! exit are reaped when a command ends ([`reap_orphans`]). Children are
//! spawned through [`spawn_tokio`] or [`spawn_std`], which record them so
//! they are never reaped behind tokio's or std's back. When quire is
//! killed with SIGKILL nobody adopts them: every child carries a mark in
//! its environment ([`MARK_VAR`], `PID.N`, inherited by what it starts),
//! and the watchdog, after the groups, kills every process whose
//! environment holds a mark of this quire ([`marked`]). What emptied its
//! environment (`env -i`) or runs as another user escapes that.
//!
//! A command that is stopped (Ctrl-C, its timeout) takes what it started
//! with it, also what left its group ([`stop_command`], in `stop`): its
//! descendants and the adopted orphans that carry its mark. The model's
//! commands are asked first ([`stop_command_gently`]: SIGTERM, then
//! SIGKILL after [`STOP_GRACE`]), so their own cleanup runs.
//!
//! While a repository hook is checked and run, what the model's shell
//! commands left running is paused ([`pause_commands`], in [`pause`]):
//! it cannot rewrite the hook's files between the check and the run.
//!
//! A command costs one extra `send`; the watchdog costs one process per
//! quire (see BENCHMARKS.md). Linux only; elsewhere the child only gets
//! its process group.

use std::process::Command;

/// Arranges for `cmd`'s whole process group to die with quire (see the
/// module docs). Puts the command in a process group of its own.
pub fn die_with_quire(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
    // The mark the watchdog finds what left the group by (a shell command
    // has its own, `CommandMark`; other children share `PID.0`).
    if !cmd.get_envs().any(|(k, v)| k == MARK_VAR && v.is_some()) {
        cmd.env(MARK_VAR, format!("{}.0", std::process::id()));
    }
    #[cfg(target_os = "linux")]
    {
        let parent = libc::pid_t::try_from(std::process::id()).unwrap_or(0);
        let lifeline = watchdog::lifeline();
        // SAFETY: the hook runs in the child between fork and exec; it only
        // makes async-signal-safe system calls (prctl, getppid, getpid,
        // send, _exit) and allocates nothing.
        unsafe {
            cmd.pre_exec(move || {
                watchdog::in_child(parent, lifeline);
                Ok(())
            });
        }
    }
}

/// Whether a process with this PID exists (or exists as another user's:
/// signalling it is then refused, not unknown). Folders and files named
/// after a PID are left alone while it does.
pub fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(target_os = "linux")]
mod marked;
#[cfg(target_os = "linux")]
mod pause;
#[cfg(target_os = "linux")]
mod reaper;
#[cfg(target_os = "linux")]
mod stop;
#[cfg(target_os = "linux")]
mod watchdog;

#[cfg(target_os = "linux")]
pub use pause::{
    Paused, commands_alive, commands_started, pause_commands, paused_total, spawn_command,
};
#[cfg(target_os = "linux")]
pub use reaper::{become_subreaper, kill_descendants, reap_orphans, spare, spawn_std, spawn_tokio};
#[cfg(target_os = "linux")]
pub use stop::{CommandMark, MARK_VAR, STOP_GRACE, stop_command, stop_command_gently};

#[cfg(not(target_os = "linux"))]
mod elsewhere {
    //! Without a subreaper: plain spawns, nothing to sweep.
    pub fn become_subreaper() {}
    pub fn kill_descendants() {}
    pub fn spare(_pid: u32) {}
    pub fn reap_orphans() {}
    pub fn spawn_tokio(
        cmd: &mut tokio::process::Command,
    ) -> std::io::Result<tokio::process::Child> {
        cmd.spawn()
    }
    pub fn spawn_std(cmd: &mut std::process::Command) -> std::io::Result<std::process::Child> {
        cmd.spawn()
    }
    /// Nothing to pause without `/proc`.
    pub struct Paused(());
    pub fn pause_commands() -> Paused {
        Paused(())
    }
    pub fn paused_total() -> std::time::Duration {
        std::time::Duration::ZERO
    }
    /// Unknown without `/proc`: taken as yes.
    pub fn commands_alive() -> bool {
        true
    }
    pub fn commands_started() -> u64 {
        0
    }
    pub async fn spawn_command(
        cmd: &mut tokio::process::Command,
    ) -> std::io::Result<tokio::process::Child> {
        cmd.spawn()
    }
    /// Without `/proc` a mark finds nothing: only the group is killed.
    pub const MARK_VAR: &str = "QUIRE_COMMAND_ID";
    /// How long a command stopped gently has between SIGTERM and SIGKILL.
    pub const STOP_GRACE: std::time::Duration = std::time::Duration::from_millis(1500);
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CommandMark(String);
    impl CommandMark {
        pub fn next() -> CommandMark {
            CommandMark(std::process::id().to_string())
        }
        pub fn value(&self) -> &str {
            &self.0
        }
    }
    /// Only the command's process group is killed.
    pub fn stop_command(pid: i32, _mark: &CommandMark) {
        // SAFETY: the command's group; its leader is not reaped yet.
        unsafe { libc::killpg(pid, libc::SIGKILL) };
    }
    /// SIGTERM to the group, [`STOP_GRACE`], then SIGKILL.
    pub fn stop_command_gently(pid: i32, mark: &CommandMark) {
        // SAFETY: the command's group; its leader is not reaped yet.
        unsafe { libc::killpg(pid, libc::SIGTERM) };
        let until = std::time::Instant::now() + STOP_GRACE;
        // SAFETY: signal 0 only asks whether the group still exists.
        while std::time::Instant::now() < until && unsafe { libc::killpg(pid, 0) } == 0 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        stop_command(pid, mark);
    }
}
#[cfg(not(target_os = "linux"))]
pub use elsewhere::*;
