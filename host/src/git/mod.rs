//! Every git command quire itself runs (worktrees of subagents, `/undo`,
//! `/diff`, `quire review`, shared sources, the checks of the model's
//! git commands) is built here, so none runs what a repository planted:
//! [`neutral`] lists what is switched off. These commands run as the
//! user, outside the sandbox, in repositories whose `.git` a sandboxed
//! command may have written. What they print keeps git's default format
//! whatever the setup says ([`format`]), and reads never write the index
//! (`GIT_OPTIONAL_LOCKS=0`).
//!
//! - [`Git`] / [`run`]: a command in a repository, no transport; while
//!   it runs (and its setup is read), what the model's commands left
//!   running is paused (`child::pause_commands`), so the configuration
//!   read is the one git then reads. Every command is stopped past a
//!   deadline ([`deadline`], or [`Git::timeout`]) with what it started;
//!   a writing one that failed or was stopped says what it left
//!   ([`left`]: a lock, a merge under way). [`Git::limit`] reads its
//!   output up to a size ([`bounded`]). git's messages are in English,
//!   the rest of your locale kept ([`language`]);
//! - [`run_network`]: `git clone` of a shared source: the user's
//!   transport and credential setup stays, without prompts;
//! - [`inspect_command`]: reads of the configuration and of paths
//!   (`git config --get…`, `git rev-parse`), which run nothing, as the
//!   repository has them (no setting of quire's in the way).
//!
//! Never `Command::new("git")` elsewhere.

mod bounded;
mod deadline;
mod failure;
mod format;
mod language;
mod left;
mod neutral;
mod program;
mod repo_programs;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use bounded::Ended;
pub use bounded::Output;
pub use failure::GitFailure;
use failure::{subcommand, subcommand_at};

/// The variable that sets the deadline of every git command quire runs,
/// and its value checked (quire refuses a bad one at start).
pub use deadline::{VAR as TIMEOUT_VAR, set as timeout_set};

/// A git command, built with everything a repository could make it run
/// switched off ([`neutral`]).
#[derive(Debug)]
pub struct Git<'a> {
    dir: Option<&'a Path>,
    args: Vec<String>,
    network: bool,
    input: Option<&'a [u8]>,
    timeout: Option<Duration>,
    usual: Option<Duration>,
    limit: Option<usize>,
    user_language: bool,
}

impl<'a> Git<'a> {
    /// git in `dir` (`git -C dir`), that never fetches.
    pub fn new(dir: &'a Path) -> Git<'a> {
        Git {
            dir: Some(dir),
            args: Vec::new(),
            network: false,
            input: None,
            timeout: None,
            usual: None,
            limit: None,
            user_language: false,
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
            timeout: None,
            usual: None,
            limit: None,
            user_language: false,
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

    /// Stops git when it runs longer than `after` (it then fails saying
    /// so) instead of the [`deadline`] every command has. A command that
    /// writes may leave what it was writing half done: its failure says
    /// what it left ([`left`]).
    pub fn timeout(mut self, after: Duration) -> Git<'a> {
        self.timeout = Some(after);
        self
    }

    /// Stops git when it runs longer than `after` in place of the usual
    /// [`deadline`], unless `QUIRE_GIT_TIMEOUT` sets one (it sets every
    /// deadline of quire's git commands).
    pub fn usual_timeout(mut self, after: Duration) -> Git<'a> {
        self.usual = Some(after);
        self
    }

    /// git's messages in the user's language: for a command whose output
    /// and errors quire only shows, never reads ([`language`]).
    pub fn in_user_language(mut self) -> Git<'a> {
        self.user_language = true;
        self
    }

    /// Reads at most `bytes` of git's output: past them git is stopped
    /// and [`Output::cut`] says so ([`Git::checked`] takes that as done).
    pub fn limit(mut self, bytes: usize) -> Git<'a> {
        self.limit = Some(bytes);
        self
    }

    /// Runs it to the end; its output whatever its exit status. Fails
    /// when git cannot be started, its setup cannot be read, or it ran
    /// past its deadline (a writing command then says what it left).
    pub fn output(self) -> Result<Output, GitFailure> {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let sub = subcommand(&args);
        let command = format!("git {sub}");
        let timeout = match self.timeout {
            Some(t) => t,
            None => deadline::default(self.network, self.usual)
                .map_err(|why| GitFailure::refused(&command, why))?,
        };
        let timeout = Some(timeout);
        let by_default = self.timeout.is_none();
        // Nothing the model left running rewrites the setup between its
        // reading and git's.
        let _paused = (!self.network).then(crate::child::pause_commands);
        // A clone outside any repository reads only your own setup.
        let setup_of = self.dir.or(self.network.then_some(Path::new("/")));
        let drivers = neutral::driver_overrides(setup_of, sub, timeout).map_err(|e| {
            // quire's word is about the command asked for.
            if e.by_quire {
                GitFailure::refused(&command, e.stderr)
            } else {
                e
            }
        })?;
        let mut cmd = base(self.dir, Some(self.network), !self.user_language, &command)?;
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
        let input = self.input.map(<[u8]>::to_vec);
        finished(&mut cmd, &command, input, timeout, self.limit).map_err(|mut e| {
            if e.stopped && by_default {
                e.stderr
                    .push_str(&format!(" ({}=SECONDS gives git longer)", deadline::VAR));
            }
            if e.stopped
                && let Some(dir) = self.dir.filter(|_| left::writes(sub))
            {
                e.left = left::state(dir, &command, true);
            }
            e
        })
    }

    /// Runs it; its output when git succeeded (or its output was cut at
    /// the [`Git::limit`]), else a [`GitFailure`].
    pub fn checked(self) -> Result<Output, GitFailure> {
        let sub = subcommand(&self.args_str()).to_string();
        let command = format!("git {sub}");
        let dir = self.dir.filter(|_| left::writes(&sub));
        let out = self.output()?;
        if out.cut {
            return Ok(out);
        }
        match failed(command.clone(), &out) {
            None => Ok(out),
            Some(mut failure) => {
                failure.left = dir.and_then(|d| left::state(d, &command, false));
                Err(failure)
            }
        }
    }

    /// Runs it; its stdout, or a [`GitFailure`] when it fails.
    pub fn stdout(self) -> Result<String, GitFailure> {
        self.checked()
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
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

/// The settings (`key=value`) that switch off what the repository at
/// `dir`, and those nested in its working tree, could make git run
/// ([`neutral`]), and what its own configuration names for any
/// subcommand ([`repo_programs`]: aliases, external diffs, textconv,
/// credential helpers…): for git that someone else runs in it (a hook),
/// given through `GIT_CONFIG_COUNT`. Reading the configuration runs
/// nothing. Refused when the configuration sets what cannot be switched
/// off.
pub fn neutral_settings(dir: &Path) -> Result<Vec<String>, GitFailure> {
    let timeout = deadline::default(false, None).map_err(|why| GitFailure::refused("git", why))?;
    // quire's fixed settings come after, and win.
    let mut settings = repo_programs::overrides(dir, Some(timeout))?;
    settings.extend(neutral::FIXED.iter().map(|s| s.to_string()));
    settings.extend(neutral::driver_overrides(
        Some(dir),
        "status",
        Some(timeout),
    )?);
    Ok(settings)
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
        return Err(GitFailure::refused(
            format!("git {}", subcommand(args)),
            "only reads of the configuration and rev-parse run without quire's settings",
        ));
    }
    let mut cmd = base(dir, None, true, &format!("git {}", subcommand(args)))?;
    cmd.args(args);
    Ok(cmd)
}

/// [`inspect_command`] run to its end, or stopped with what it started
/// past `timeout` (`None`: the deadline every local git command of
/// quire's has, [`deadline`], `QUIRE_GIT_TIMEOUT`); its output whatever
/// its exit status. Fails when git cannot be started or was stopped
/// ([`GitFailure::stopped`]).
pub fn inspect_output(
    dir: Option<&Path>,
    args: &[&str],
    timeout: Option<Duration>,
) -> Result<Output, GitFailure> {
    let command = format!("git {}", subcommand(args));
    let timeout = match timeout {
        Some(t) => t,
        None => deadline::default(false, None).map_err(|why| GitFailure::refused(&command, why))?,
    };
    let mut cmd = inspect_command(dir, args)?;
    finished(&mut cmd, &command, None, Some(timeout), None)
}

/// [`inspect_command`] run; its stdout (nothing for a `git config` that
/// matched nothing).
fn inspect(
    dir: Option<&Path>,
    args: &[&str],
    timeout: Option<Duration>,
) -> Result<String, GitFailure> {
    let command = format!("git {}", subcommand(args));
    let mut cmd = inspect_command(dir, args)?;
    let out = finished(&mut cmd, &command, None, timeout, None)?;
    if args.first() == Some(&"config") && out.status.code() == Some(1) {
        return Ok(String::new());
    }
    stdout_of(command, out)
}

/// `git -C dir ARGS` with quire's fixed settings but no driver read
/// first: for commands that run no driver (`ls-files -s`).
fn plain(dir: &Path, args: &[&str], timeout: Option<Duration>) -> Result<String, GitFailure> {
    let command = format!("git {}", subcommand(args));
    let mut cmd = base(Some(dir), Some(false), true, &command)?;
    cmd.args(args);
    let out = finished(&mut cmd, &command, None, timeout, None)?;
    stdout_of(command, out)
}

/// git with its environment (no prompt, editor or pager), in `dir`, with
/// quire's settings when `network` says which: `Some(false)` a local
/// command, `Some(true)` one that may fetch, `None` none (reads); its
/// messages in English when `english` ([`language`]). Fails, as
/// `command`, when no `git` may run ([`program::program`]).
fn base(
    dir: Option<&Path>,
    network: Option<bool>,
    english: bool,
    command: &str,
) -> Result<Command, GitFailure> {
    let program = program::program(dir).map_err(|why| GitFailure::refused(command, why))?;
    let mut cmd = Command::new(program);
    cmd.arg("--no-pager");
    if let Some(d) = dir {
        cmd.arg("-C").arg(d);
    }
    if let Some(network) = network {
        let local: &[&str] = if network {
            neutral::NETWORK
        } else {
            neutral::LOCAL
        };
        for setting in neutral::FIXED.iter().chain(local).chain(format::FORMAT) {
            cmd.arg("-c").arg(setting);
        }
        if network {
            // What git looks up on `PATH` (a remote helper, `ssh`) is
            // never where the model's commands can write (`.venv/bin`).
            if let Some(path) = program::clean_path(dir) {
                cmd.env("PATH", path);
            }
            cmd.env("GIT_ASKPASS", "true")
                .env("SSH_ASKPASS", "true")
                .env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
        } else {
            cmd.env("GIT_NO_LAZY_FETCH", "1");
        }
    }
    if english {
        language::english_messages(&mut cmd);
    }
    cmd.envs(neutral::ENV.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::child::die_with_quire(&mut cmd);
    Ok(cmd)
}

/// Starts `cmd` and waits for it ([`bounded::finish`]); past `timeout`
/// it is stopped with everything it started (its own mark, so
/// [`crate::child::stop_command`] finds what left its group).
fn finished(
    cmd: &mut Command,
    command: &str,
    input: Option<Vec<u8>>,
    timeout: Option<Duration>,
    limit: Option<usize>,
) -> Result<Output, GitFailure> {
    let mark = crate::child::CommandMark::next();
    cmd.env(crate::child::MARK_VAR, mark.value());
    let child = crate::child::spawn_std(cmd).map_err(|e| {
        GitFailure::refused(
            command,
            if e.kind() == std::io::ErrorKind::NotFound {
                "git is not installed: install git and try again".to_string()
            } else {
                format!("cannot run git: {e}")
            },
        )
    })?;
    match bounded::finish(child, &mark, input, timeout, limit) {
        Ok(Ended::Exited(out)) => Ok(out),
        Ok(Ended::TimedOut) => Err(GitFailure {
            stopped: true,
            ..GitFailure::refused(
                command,
                format!(
                    "ran longer than {} s and was stopped; run it in a terminal to see what it says",
                    timeout.unwrap_or_default().as_secs_f64()
                ),
            )
        }),
        Err(e) => Err(GitFailure::refused(command, e.to_string())),
    }
}

/// `out`'s stdout when git succeeded, else its stderr as a failure.
fn stdout_of(command: String, out: Output) -> Result<String, GitFailure> {
    match failed(command, &out) {
        Some(failure) => Err(failure),
        None => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
    }
}

/// The failure `out` says, when git did not succeed.
fn failed(command: String, out: &Output) -> Option<GitFailure> {
    if out.status.success() {
        return None;
    }
    use std::os::unix::process::ExitStatusExt;
    Some(GitFailure {
        signaled: out.status.signal().is_some(),
        ..GitFailure::new(command, String::from_utf8_lossy(&out.stderr))
    })
}
