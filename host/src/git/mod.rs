//! Every git command quire itself runs (worktrees of subagents, `/undo`,
//! `quire review`, shared sources, the checks of the model's git
//! commands) is built here, so none runs what a repository planted:
//! [`neutral`] lists what is switched off. These commands run as the
//! user, outside the sandbox, in repositories whose `.git` a sandboxed
//! command may have written.
//!
//! - [`Git`] / [`run`]: a command in a repository, no transport; while
//!   it runs (and its setup is read), what the model's commands left
//!   running is paused (`child::pause_commands`), so the configuration
//!   read is the one git then reads;
//! - [`run_network`]: `git clone` of a shared source: the user's
//!   transport and credential setup stays, without prompts;
//! - [`inspect_command`]: reads of the configuration and of paths
//!   (`git config --get…`, `git rev-parse`), which run nothing, as the
//!   repository has them (no setting of quire's in the way).
//!
//! Never `Command::new("git")` elsewhere.

mod failure;
mod neutral;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

pub use failure::GitFailure;
use failure::{subcommand, subcommand_at};

/// A git command, built with everything a repository could make it run
/// switched off ([`neutral`]).
#[derive(Debug)]
pub struct Git<'a> {
    dir: Option<&'a Path>,
    args: Vec<String>,
    network: bool,
    input: Option<&'a [u8]>,
}

impl<'a> Git<'a> {
    /// git in `dir` (`git -C dir`), that never fetches.
    pub fn new(dir: &'a Path) -> Git<'a> {
        Git {
            dir: Some(dir),
            args: Vec::new(),
            network: false,
            input: None,
        }
    }

    /// git that may reach a remote (`git clone`): the user's transport,
    /// SSH and credential setup is used, prompts are not.
    pub fn network(dir: Option<&'a Path>) -> Git<'a> {
        Git {
            dir,
            args: Vec::new(),
            network: true,
            input: None,
        }
    }

    pub fn args<S: AsRef<str>>(mut self, args: impl IntoIterator<Item = S>) -> Git<'a> {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_string()));
        self
    }

    /// What git reads on its standard input (none otherwise).
    pub fn input(mut self, bytes: &'a [u8]) -> Git<'a> {
        self.input = Some(bytes);
        self
    }

    /// Runs it to the end; its output whatever its exit status. Fails
    /// when git cannot be started or its setup cannot be read.
    pub fn output(self) -> Result<Output, GitFailure> {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let sub = subcommand(&args);
        let command = format!("git {sub}");
        // Nothing the model left running rewrites the setup between its
        // reading and git's.
        let _paused = (!self.network).then(crate::child::pause_commands);
        // A clone outside any repository reads only your own setup.
        let setup_of = self.dir.or(self.network.then_some(Path::new("/")));
        let drivers = neutral::driver_overrides(setup_of, sub)?;
        let mut cmd = base(self.dir, Some(self.network));
        for setting in &drivers {
            cmd.arg("-c").arg(setting);
        }
        match subcommand_at(&args) {
            Some(i) => {
                cmd.args(&args[..=i])
                    .args(neutral::flags_for(sub))
                    .args(&args[i + 1..]);
            }
            None => {
                cmd.args(&args);
            }
        }
        if self.input.is_some() {
            cmd.stdin(Stdio::piped());
        }
        let mut child = crate::child::spawn_std(&mut cmd).map_err(|e| not_started(&command, &e))?;
        if let (Some(bytes), Some(mut stdin)) = (self.input, child.stdin.take()) {
            stdin
                .write_all(bytes)
                .map_err(|e| GitFailure::new(&command, format!("cannot pass input to git: {e}")))?;
        }
        child
            .wait_with_output()
            .map_err(|e| GitFailure::new(&command, format!("git did not finish: {e}")))
    }

    /// Runs it; its stdout, or a [`GitFailure`] when it fails.
    pub fn stdout(self) -> Result<String, GitFailure> {
        let command = format!("git {}", subcommand(&self.args_str()));
        let out = self.output()?;
        checked(command, out)
    }

    fn args_str(&self) -> Vec<&str> {
        self.args.iter().map(String::as_str).collect()
    }
}

/// `git -C dir ARGS` ([`Git::new`]); its stdout.
pub fn run(dir: &Path, args: &[&str]) -> Result<String, GitFailure> {
    Git::new(dir).args(args).stdout()
}

/// `git ARGS` that may reach a remote ([`Git::network`]); its stdout.
pub fn run_network(dir: Option<&Path>, args: &[&str]) -> Result<String, GitFailure> {
    Git::network(dir).args(args).stdout()
}

/// `git -C dir config --get…` or `git -C dir rev-parse …`, which read
/// and run nothing, as a command to run: what the repository's own
/// setup says, no setting of quire's in the way (`git rev-parse
/// --git-path hooks` names its hooks folder, not `/dev/null`). Any other
/// command is refused.
pub fn inspect_command(dir: Option<&Path>, args: &[&str]) -> Result<Command, GitFailure> {
    const READS: &[&str] = &["--get", "--get-all", "--get-regexp", "--list", "-l"];
    const WRITES: &[&str] = &[
        "--add",
        "--unset",
        "--unset-all",
        "--replace-all",
        "--rename-section",
        "--remove-section",
        "--edit",
        "-e",
    ];
    let reads_only = match args.first().copied() {
        Some("rev-parse") => true,
        Some("config") => {
            args.iter().any(|a| READS.contains(a)) && !args.iter().any(|a| WRITES.contains(a))
        }
        _ => false,
    };
    if !reads_only {
        return Err(GitFailure::new(
            format!("git {}", subcommand(args)),
            "only reads of the configuration and rev-parse run without quire's settings",
        ));
    }
    let mut cmd = base(dir, None);
    cmd.args(args);
    Ok(cmd)
}

/// [`inspect_command`] run; its stdout (nothing for a `git config` that
/// matched nothing).
fn inspect(dir: Option<&Path>, args: &[&str]) -> Result<String, GitFailure> {
    let command = format!("git {}", subcommand(args));
    let mut cmd = inspect_command(dir, args)?;
    let out = crate::child::spawn_std(&mut cmd)
        .and_then(std::process::Child::wait_with_output)
        .map_err(|e| not_started(&command, &e))?;
    if args.first() == Some(&"config") && out.status.code() == Some(1) {
        return Ok(String::new());
    }
    checked(command, out)
}

/// `git -C dir ARGS` with quire's fixed settings but no driver read
/// first: for commands that run no driver (`ls-files -s`).
fn plain(dir: &Path, args: &[&str]) -> Result<String, GitFailure> {
    let command = format!("git {}", subcommand(args));
    let mut cmd = base(Some(dir), Some(false));
    cmd.args(args);
    let out = crate::child::spawn_std(&mut cmd)
        .and_then(std::process::Child::wait_with_output)
        .map_err(|e| not_started(&command, &e))?;
    checked(command, out)
}

/// git with its environment (no prompt, editor or pager), in `dir`, with
/// quire's settings when `network` says which: `Some(false)` a local
/// command, `Some(true)` one that may fetch, `None` none (reads).
fn base(dir: Option<&Path>, network: Option<bool>) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("--no-pager");
    if let Some(d) = dir {
        cmd.arg("-C").arg(d);
    }
    if let Some(network) = network {
        let local: &[&str] = if network { &[] } else { neutral::LOCAL };
        for setting in neutral::FIXED.iter().chain(local) {
            cmd.arg("-c").arg(setting);
        }
        if network {
            cmd.env("GIT_ASKPASS", "true")
                .env("SSH_ASKPASS", "true")
                .env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
        } else {
            cmd.env("GIT_NO_LAZY_FETCH", "1");
        }
    }
    cmd.envs(neutral::ENV.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::child::die_with_quire(&mut cmd);
    cmd
}

fn not_started(command: &str, e: &std::io::Error) -> GitFailure {
    GitFailure::new(
        command,
        if e.kind() == std::io::ErrorKind::NotFound {
            "git is not installed: install git and try again".to_string()
        } else {
            format!("cannot run git: {e}")
        },
    )
}

/// `out`'s stdout when git succeeded, else its stderr as a failure.
fn checked(command: String, out: Output) -> Result<String, GitFailure> {
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    use std::os::unix::process::ExitStatusExt;
    Err(GitFailure {
        command,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        signaled: out.status.signal().is_some(),
    })
}
