//! Running one command: its own process group, stdout and stderr into one
//! pipe, bounded output, and the whole group — with what the command
//! started that left it — stopped on timeout and on cancel (SIGTERM, a
//! grace period, SIGKILL) and killed when the future is dropped.

use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::net::unix::pipe;
use tokio::process::Child;
use tokio_util::sync::CancellationToken;

use crate::child::{CommandMark, MARK_VAR};
use crate::tools::ToolError;
use crate::tools::registry::cap::HeadTail;
use crate::tools::sandbox::{self, SandboxPolicy};

/// Bytes of a command's output kept in memory (head plus tail); the
/// registry cuts what goes to the model further.
pub const KEPT_BYTES: usize = 1024 * 1024;

/// How long output is still read after the command exited, when a
/// background process keeps the pipe open.
const DRAIN_GRACE: Duration = Duration::from_millis(500);
/// Paused time owed to a command's timeout below this is not worth
/// another wait.
const PAUSE_GRACE_STEP: Duration = Duration::from_millis(1);

/// What to run.
pub struct ExecRequest<'a> {
    pub command: &'a str,
    pub cwd: PathBuf,
    pub timeout: Duration,
    pub policy: SandboxPolicy,
    /// What the command's environment holds.
    pub env: &'a super::ShellEnvironment,
    pub cancel: CancellationToken,
    /// Where the output goes as it comes (the shell tool's calls), besides
    /// the outcome.
    pub live: Option<super::live::Live>,
}

/// How a command ended.
#[derive(Debug)]
pub struct ExecOutcome {
    pub status: ExitStatus,
    /// The kept output (stdout and stderr interleaved).
    pub output: String,
    /// Bytes dropped from the middle of the output.
    pub dropped: u64,
    pub wall: Duration,
    /// A process left running after the command exited still held the
    /// output open; reading stopped.
    pub output_left_open: bool,
}

impl ExecOutcome {
    /// The signal that killed the command, if one did.
    pub fn signal(&self) -> Option<i32> {
        self.status.signal()
    }

    /// `Exit code: N`, or `Killed by signal S (NAME)`.
    pub fn status_line(&self) -> String {
        match (self.status.code(), self.status.signal()) {
            (Some(code), _) => format!("{}{code}", super::result_text::EXIT_CODE),
            (None, Some(sig)) => match signal_name(sig) {
                Some(name) => format!("{}{sig} ({name})", super::result_text::KILLED),
                None => format!("{}{sig}", super::result_text::KILLED),
            },
            (None, None) => format!("Exit status: {}", self.status),
        }
    }
}

pub(super) fn signal_name(sig: i32) -> Option<&'static str> {
    Some(match sig {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGILL => "SIGILL",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGALRM => "SIGALRM",
        libc::SIGTERM => "SIGTERM",
        _ => return None,
    })
}

/// The shell commands run with: bash when installed, else sh.
pub(super) fn shell_program() -> &'static Path {
    static SHELL: OnceLock<PathBuf> = OnceLock::new();
    SHELL.get_or_init(|| find_in_path("bash").unwrap_or_else(|| PathBuf::from("/bin/sh")))
}

/// Whether commands run with bash (`lex` reads `$'…'` only then).
pub(super) fn runs_bash() -> bool {
    shell_program().file_name().is_some_and(|n| n == "bash")
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The child's process group, killed when dropped unless the child has
/// been reaped (after which its id may belong to someone else), with
/// every process the command started (also those that left the group).
struct Group {
    child: Child,
    pgid: Option<libc::pid_t>,
    mark: CommandMark,
}

impl Group {
    fn kill(&self) {
        if let Some(pgid) = self.pgid {
            // The child is not reaped yet, so its id cannot have been reused.
            crate::child::stop_command(pgid, &self.mark);
        }
    }

    /// Stops the whole group and what left it gently (SIGTERM, then
    /// SIGKILL after [`crate::child::STOP_GRACE`]; off the runtime's
    /// threads, so nothing else waits), and reaps the child.
    async fn kill_and_reap(&mut self) {
        if let Some(pgid) = self.pgid {
            let mark = self.mark.clone();
            let gently = tokio::task::spawn_blocking(move || {
                crate::child::stop_command_gently(pgid, &mark);
            });
            if let Err(e) = gently.await {
                tracing::warn!(error = %e, "shell: stopping a command gently failed");
            }
        }
        // Whatever is left (and all of it, had the gentle stop failed).
        self.kill();
        if let Err(e) = self.child.wait().await {
            tracing::warn!(error = %e, "shell: reaping a killed command failed");
        }
        self.pgid = None;
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if self.pgid.is_some() {
            tracing::debug!(pgid = ?self.pgid, "shell: call dropped, killing the command");
        }
        self.kill();
        // Orphans the command left (adopted by quire) that have exited.
        crate::child::reap_orphans();
    }
}

/// Detaches `cmd` from quire's controlling terminal before it runs, so
/// that `/dev/tty` does not open in it (ENXIO): a command has no business
/// with the terminal quire asks its questions on, and through it could
/// type answers to them. (The sandbox's seccomp filter also refuses
/// `TIOCSTI` on any terminal.)
fn without_terminal(cmd: &mut tokio::process::Command) {
    // SAFETY: runs in the child between fork and exec; open, ioctl and
    // close are async-signal-safe and nothing is allocated.
    unsafe {
        cmd.pre_exec(|| {
            let fd = libc::open(
                c"/dev/tty".as_ptr(),
                libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
            );
            if fd >= 0 {
                libc::ioctl(fd, libc::TIOCNOTTY);
                libc::close(fd);
            }
            Ok(())
        });
    }
}

/// Runs the command to completion, timeout or cancellation.
pub async fn run(mut req: ExecRequest<'_>) -> Result<ExecOutcome, ToolError> {
    if req.cancel.is_cancelled() {
        return Err(ToolError::Interrupted);
    }
    let failed = |what: &str, e: io::Error| ToolError::Failed(format!("{what}: {e}"));
    let (reader, writer) = io::pipe().map_err(|e| failed("could not create a pipe", e))?;
    let writer2 = writer
        .try_clone()
        .map_err(|e| failed("could not create a pipe", e))?;
    let mut rx = pipe::Receiver::from_owned_fd(OwnedFd::from(reader))
        .map_err(|e| failed("could not read the command's output", e))?;

    let shell = shell_program();
    let mut cmd = tokio::process::Command::new(shell);
    cmd.arg("-c")
        .arg(req.command)
        .current_dir(&req.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::from(writer))
        .stderr(Stdio::from(writer2))
        .process_group(0);
    // A repository's Claude `env` only in the sandbox (`sandboxed_set`).
    req.env.apply(
        &mut cmd,
        req.policy.mode != sandbox::SandboxMode::DangerFullAccess,
    );
    // Inherited by all it starts: what leaves its group is still found
    // when it is stopped (child::stop_command).
    let mark = CommandMark::next();
    cmd.env(MARK_VAR, mark.value());
    // The command's whole group dies with quire, even on SIGKILL.
    crate::child::die_with_quire(cmd.as_std_mut());
    without_terminal(&mut cmd);
    sandbox::confine(&mut cmd, &req.policy).map_err(|e| ToolError::Failed(e.to_string()))?;
    let started = Instant::now();
    // Recorded as a command of the model's: paused while repository hooks
    // run (and started only once they are done).
    let spawned = crate::child::spawn_command(&mut cmd).await;
    // The Command holds the pipe's write ends; without dropping it the
    // output would never reach end of file.
    drop(cmd);
    let child = spawned.map_err(|e| {
        ToolError::Failed(format!(
            "could not start {} in {} (sandbox: {}): {e}",
            shell.display(),
            req.cwd.display(),
            req.policy.mode
        ))
    })?;
    let pgid = child.id().and_then(|id| libc::pid_t::try_from(id).ok());
    let mut group = Group { child, pgid, mark };

    let mut deadline = tokio::time::Instant::now() + req.timeout;
    // Time a hook held the command stopped does not count (child::pause).
    let paused_at_start = crate::child::paused_total();
    let mut paused_granted = Duration::ZERO;
    let timeout_ms = u64::try_from(req.timeout.as_millis()).unwrap_or(u64::MAX);
    let mut out = HeadTail::new(KEPT_BYTES);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut status: Option<ExitStatus> = None;
    let mut eof = false;
    let mut drain_until = deadline;
    let mut output_left_open = false;
    while !(eof && status.is_some()) {
        let live_due = req.live.as_ref().and_then(super::live::Live::due);
        tokio::select! {
            r = rx.read(&mut chunk), if !eof => match r {
                Ok(0) => eof = true,
                Ok(n) => {
                    out.push(&chunk[..n]);
                    if let Some(live) = &mut req.live {
                        live.push(&chunk[..n]);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    tracing::warn!(error = %e, "shell: reading the command's output failed");
                    eof = true;
                }
            },
            r = group.child.wait(), if status.is_none() => {
                // Reaped: the group id must not be signalled any more.
                group.pgid = None;
                let s = r.map_err(|e| failed("waiting for the command failed", e))?;
                status = Some(s);
                drain_until = tokio::time::Instant::now() + DRAIN_GRACE;
            },
            _ = tokio::time::sleep_until(deadline), if status.is_none() => {
                let owed = crate::child::paused_total()
                    .saturating_sub(paused_at_start)
                    .saturating_sub(paused_granted);
                if owed >= PAUSE_GRACE_STEP {
                    deadline += owed;
                    paused_granted += owed;
                    continue;
                }
                group.kill_and_reap().await;
                return Err(with_output(ToolError::Timeout(timeout_ms), out, &mut rx, eof).await);
            },
            _ = tokio::time::sleep_until(live_due.unwrap_or(deadline)), if live_due.is_some() => {
                if let Some(live) = &mut req.live {
                    live.flush();
                }
            },
            _ = tokio::time::sleep_until(drain_until), if status.is_some() => {
                output_left_open = true;
                break;
            },
            _ = req.cancel.cancelled() => {
                group.kill_and_reap().await;
                return Err(with_output(ToolError::Interrupted, out, &mut rx, eof).await);
            },
        }
    }
    let wall = started.elapsed();
    let dropped = out.dropped();
    let Some(status) = status else {
        return Err(ToolError::Failed(
            "the command's exit status was lost".into(),
        ));
    };
    Ok(ExecOutcome {
        status,
        output: out.into_text(),
        dropped,
        wall,
        output_left_open,
    })
}

/// `cause` with the output the killed command printed so far (what was
/// still in the pipe read for at most [`DRAIN_GRACE`]), so the model sees
/// where a hung command stopped.
async fn with_output<R: tokio::io::AsyncRead + Unpin>(
    cause: ToolError,
    mut out: HeadTail,
    rx: &mut R,
    eof: bool,
) -> ToolError {
    if !eof {
        let mut chunk = vec![0u8; 64 * 1024];
        let until = tokio::time::Instant::now() + DRAIN_GRACE;
        while let Ok(Ok(n)) = tokio::time::timeout_at(until, rx.read(&mut chunk)).await {
            if n == 0 {
                break;
            }
            out.push(&chunk[..n]);
        }
    }
    if out.kept() == 0 {
        return cause;
    }
    let dropped = out.dropped();
    let output = match dropped {
        0 => out.into_text(),
        // Said as a finished command's output says it (format_outcome).
        n => format!(
            "{}{}{}",
            super::result_text::dropped_line(n),
            super::result_text::OUTPUT,
            out.into_text()
        ),
    };
    ToolError::WithOutput {
        cause: Box::new(cause),
        output,
        dropped,
    }
}
