//! `quire sandbox -- COMMAND`: run a command in the sandbox the model's
//! commands get (Codex CLI's `codex sandbox linux`), to see what it may
//! and may not do: the same Landlock rules and system-call filter, the
//! same environment (`[shell_environment]`, keys left out), the same
//! workspace (the repository, else the current folder). The terminal is
//! the command's: it reads and writes it as it would without quire, and
//! Ctrl-C goes to it.

use std::ffi::OsString;
use std::process::ExitStatus;

use clap::Args;
use quire::agent::prompt::repo_root;
use quire::tools::SandboxMode;

use super::args::GlobalArgs;
use super::{EXIT_FAILED, EXIT_USAGE};

/// Run a command in the sandbox the model's commands get.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  quire sandbox -- touch inside.txt          # allowed: the workspace is writable
  quire sandbox -- touch ~/outside.txt       # Permission denied
  quire sandbox -s read-only -- make test    # the read-only sandbox
  quire sandbox --network -- curl -sI http://127.0.0.1:8080
  quire sandbox -c unix_sockets=true -- docker ps   # Unix sockets allowed
  quire sandbox -- env                       # the environment commands get

The sandbox, its network and Unix socket switches and the environment come
from your config (`sandbox`, `network`, `unix_sockets`, `[shell_environment]`)
and the global flags, as for a session here. Creating Unix sockets is refused
unless `unix_sockets = true` (they reach Docker, systemd, D-Bus, ssh-agent). The exit status is the command's (128 + N when signal N ended
it; 127 when it cannot be found, 126 when it cannot be started).")]
pub struct SandboxArgs {
    /// The command and its arguments (put `--` before them when they
    /// start with `-`).
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub command: Vec<OsString>,
}

/// The exit status a shell gives a command it cannot find.
const NOT_FOUND: i32 = 127;
/// ... and one it cannot start.
const CANNOT_RUN: i32 = 126;

pub async fn run(global: &GlobalArgs, args: &SandboxArgs) -> i32 {
    let setup = match super::setup::load_or_say(global) {
        Ok(s) => s,
        Err(code) => return code,
    };
    for note in setup.sandbox_notes() {
        eprintln!("note: {note}");
    }
    let config = &setup.config;
    let mode = config.sandbox;
    if let Err(e) = quire::tools::sandbox::check_support(mode, config.network) {
        eprintln!("error: {e}");
        return EXIT_FAILED;
    }
    let Some((program, rest)) = args.command.split_first() else {
        eprintln!("error: no command given: quire sandbox -- COMMAND [ARGS...]");
        return EXIT_USAGE;
    };
    let workspace = repo_root(&setup.cwd).unwrap_or_else(|| setup.cwd.clone());
    let policy = quire::tools::sandbox::SandboxPolicy {
        unix_sockets: config.unix_sockets,
        ..quire::tools::sandbox::workspace_policy(
            mode,
            &workspace,
            config.network,
            &config.writable_roots,
        )
    };
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(rest).current_dir(&setup.cwd);
    config
        .shell_env()
        .apply(&mut cmd, mode != SandboxMode::DangerFullAccess);
    die_with_quire(&mut cmd);
    // The workspace and writable roots are pinned as this run first named
    // them (quire::tools::pinned_roots): the rules grant those folders.
    let confined = quire::tools::sandbox::confine(&mut cmd, &policy);
    for warning in quire::tools::pinned_roots::take_warnings() {
        eprintln!("warning: {warning}");
    }
    if let Err(e) = confined {
        eprintln!("error: {e}");
        return EXIT_FAILED;
    }
    if mode == SandboxMode::DangerFullAccess {
        eprintln!("note: sandbox danger-full-access: the command runs unconfined");
    }
    // Ctrl-C and Ctrl-\ are the command's: quire waits for it to end
    // (handled signals are reset to their defaults in the command).
    let interrupts = ignore_interrupts();
    let shown = program.to_string_lossy();
    let mut child = match quire::child::spawn_tokio(&mut cmd) {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("error: {shown}: command not found");
            return NOT_FOUND;
        }
        Err(e) => {
            eprintln!("error: cannot run {shown} in the {mode} sandbox: {e}");
            return CANNOT_RUN;
        }
    };
    let status = child.wait().await;
    drop(interrupts);
    match status {
        Ok(status) => exit_code(status),
        Err(e) => {
            eprintln!("error: waiting for {shown}: {e}");
            EXIT_FAILED
        }
    }
}

/// The command is killed when quire dies (it stays in the terminal's
/// process group, so it can read the terminal and gets Ctrl-C itself).
fn die_with_quire(cmd: &mut tokio::process::Command) {
    #[cfg(target_os = "linux")]
    // SAFETY: runs in the child between fork and exec; prctl is
    // async-signal-safe and nothing is allocated.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cmd;
}

/// Handlers that swallow SIGINT and SIGQUIT while the command runs
/// (dropped: the handlers stay, with nothing listening, until quire exits).
fn ignore_interrupts() -> Vec<tokio::signal::unix::Signal> {
    use tokio::signal::unix::{SignalKind, signal};
    [SignalKind::interrupt(), SignalKind::quit()]
        .into_iter()
        .filter_map(|kind| signal(kind).ok())
        .collect()
}

/// The status a shell would report: the code, or 128 + the signal.
fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(EXIT_FAILED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn exit_codes_are_a_shells() {
        assert_eq!(exit_code(ExitStatus::from_raw(3 << 8)), 3);
        assert_eq!(exit_code(ExitStatus::from_raw(libc::SIGTERM)), 128 + 15);
    }
}
