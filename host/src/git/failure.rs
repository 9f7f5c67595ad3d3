//! A git command that failed: what ran, everything it wrote to stderr,
//! and a first line saying what it means (a login needed, a repository
//! or host not found); or quire's own word when git did not get to say
//! anything (not installed, stopped at its timeout, a setup refused).

/// A failed git command: what ran and everything it wrote to stderr.
#[derive(Debug)]
pub struct GitFailure {
    pub command: String,
    /// git's error output, or quire's message when `by_quire`.
    pub stderr: String,
    /// git was ended by a signal (Ctrl-C, SIGTERM, SIGHUP), not failing
    /// on its own.
    pub signaled: bool,
    /// quire stopped or refused the command (or could not start it):
    /// `stderr` is quire's message, not git's.
    pub by_quire: bool,
    /// quire stopped git at its deadline.
    pub stopped: bool,
    /// What the command left in the repository (a lock file, a merge
    /// under way), when it writes and failed or was stopped.
    pub left: Option<String>,
}

impl GitFailure {
    /// A failure of `command` with what git wrote to stderr.
    pub fn new(command: impl Into<String>, stderr: impl Into<String>) -> GitFailure {
        GitFailure {
            command: command.into(),
            stderr: stderr.into(),
            signaled: false,
            by_quire: false,
            stopped: false,
            left: None,
        }
    }

    /// `command` not run to its end by quire, saying why.
    pub fn refused(command: impl Into<String>, why: impl Into<String>) -> GitFailure {
        GitFailure {
            by_quire: true,
            ..GitFailure::new(command, why)
        }
    }

    /// What the failure means, then git's whole message (quire's own
    /// message as it is), then what it left in the repository.
    pub fn explain(&self) -> String {
        let said = self.said();
        match &self.left {
            Some(left) => format!("{said}\n{left}"),
            None => said,
        }
    }

    fn said(&self) -> String {
        if self.by_quire {
            return format!("`{}`: {}", self.command, self.stderr);
        }
        let lower = self.stderr.to_ascii_lowercase();
        let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
        let meaning = if has(&[
            "authentication failed",
            "could not read username",
            "could not read password",
            "terminal prompts disabled",
            "permission denied (publickey",
            "host key verification failed",
            "the requested url returned error: 401",
            "the requested url returned error: 403",
        ]) {
            "the server wants a login, and quire runs git without prompts: set up a credential helper or an SSH key (check with `git clone URL` in a terminal)"
        } else if has(&[
            "repository not found",
            "does not appear to be a git repository",
            "does not exist",
            "not found",
            "the requested url returned error: 404",
        ]) {
            "the repository was not found: check the URL (a private repository may also answer 'not found' without a login)"
        } else if has(&[
            "could not resolve host",
            "connection refused",
            "timed out",
            "network is unreachable",
            "failed to connect",
        ]) {
            "the host cannot be reached: check the URL and the network"
        } else {
            "git failed"
        };
        let said = self
            .stderr
            .trim()
            .lines()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n");
        if said.is_empty() {
            format!("{meaning} (`{}` wrote nothing)", self.command)
        } else {
            format!("{meaning}; `{}` said:\n{said}", self.command)
        }
    }
}

impl std::fmt::Display for GitFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.explain())
    }
}

/// Where the git subcommand of `args` is (`diff` of `-c core.quotepath=off
/// diff …`): the first word that is not an option or an option's value.
pub(super) fn subcommand_at(args: &[&str]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "-c" | "-C" | "--git-dir" | "--work-tree" => i += 2,
            w if w.starts_with('-') => i += 1,
            _ => return Some(i),
        }
    }
    None
}

/// The git subcommand of `args`, `""` when there is none.
pub(super) fn subcommand<'a>(args: &[&'a str]) -> &'a str {
    subcommand_at(args).map_or("", |i| args[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subcommand_is_named_past_the_options() {
        assert_eq!(
            subcommand(&["-c", "core.quotepath=off", "diff", "-z"]),
            "diff"
        );
        assert_eq!(subcommand(&["--no-pager", "log"]), "log");
        assert_eq!(subcommand(&["clone", "-q"]), "clone");
        assert_eq!(subcommand(&[]), "");
        assert_eq!(subcommand_at(&["-c", "a=b", "show", "x"]), Some(2));
    }

    #[test]
    fn failures_say_what_they_mean_and_keep_the_whole_message() {
        let f = |stderr: &str| GitFailure::new("git clone", stderr).explain();
        let auth = f(
            "Cloning into 'x'...\nfatal: could not read Username for 'https://h': terminal prompts disabled\n",
        );
        assert!(auth.starts_with("the server wants a login"), "{auth}");
        assert!(
            auth.contains("Cloning into 'x'...") && auth.contains("terminal prompts disabled"),
            "{auth}"
        );
        let missing = f(
            "fatal: '/srv/nope' does not appear to be a git repository\nfatal: Could not read from remote repository.\n",
        );
        assert!(
            missing.starts_with("the repository was not found"),
            "{missing}"
        );
        assert!(
            f("fatal: unable to access: Could not resolve host: h").starts_with("the host cannot")
        );
        let stopped = GitFailure::refused("git diff", "ran longer than 15 s and was stopped");
        assert_eq!(
            stopped.explain(),
            "`git diff`: ran longer than 15 s and was stopped"
        );
    }
}
