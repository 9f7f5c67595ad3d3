//! Which commands run the workspace's code: build tools, test and task
//! runners, package scripts, interpreters given a script, `./x`, git
//! (its hooks and configuration live in the workspace), and anything
//! quire does not know. An "always" given for such a command run outside
//! the sandbox holds only while the workspace is unchanged
//! (`approval/remember.rs`); one for a command known to run none
//! (`curl URL`) holds for the session.
//!
//! The list is of programs known NOT to run the workspace's code: a list
//! of those that do could never be whole (`pytest`, `./scripts/ci.sh`,
//! `tox`, a project's own binary), so any other command counts as one.

use super::safe;

/// Programs found on the PATH that read no program, script or
/// configuration of the workspace: network fetchers (their configuration
/// is the user's own, `~/.curlrc`, unless named: see
/// [`reads_instructions`]) and viewers.
const NO_WORKSPACE_CODE: &[&str] = &[
    "curl",
    "wget",
    "ping",
    "ping6",
    "dig",
    "host",
    "nslookup",
    "whois",
    "traceroute",
    "ls",
    "cat",
    "head",
    "tail",
    "wc",
    "stat",
    "du",
    "df",
    "pwd",
    "echo",
    "which",
    "file",
];

/// Whether `command` may run code of the workspace: true unless every
/// simple command of it is a program of [`NO_WORKSPACE_CODE`], named
/// bare (`./curl` is the workspace's own), that reads no instructions
/// from a file.
pub(super) fn runs_workspace_code(command: &str) -> bool {
    let parsed = safe::parse(command);
    if parsed.complex || parsed.glob_options || parsed.segments.is_empty() {
        return true;
    }
    !parsed.segments.iter().all(|words| {
        words.split_first().is_some_and(|(program, args)| {
            NO_WORKSPACE_CODE.contains(&program.as_str()) && !reads_instructions(program, args)
        })
    })
}

/// The programs and scripts `command` names by a path: a first word with
/// a slash (`./ci.sh`, `/tmp/x`), an interpreter's script (`python3
/// tools/t.py`, `bash /tmp/x.sh`), as written.
pub(super) fn named_programs(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    for words in safe::parse(command).segments {
        let Some((first, args)) = words.split_first() else {
            continue;
        };
        if first.contains('/') {
            out.push(first.clone());
        }
        let program = first.rsplit('/').next().unwrap_or(first);
        let interpreter = safe::INTERPRETERS.contains(&program) || program.starts_with("python");
        if interpreter && let Some(script) = args.iter().find(|a| !a.starts_with('-')) {
            out.push(script.clone());
        }
    }
    out
}

/// Options that make a fetcher read what to do from a file, which a
/// sandboxed command may have written: `curl -K cfg` (any option, an
/// upload of any file), `wget -i list`, `wget -e cmd`, `wget --config`.
fn reads_instructions(program: &str, args: &[String]) -> bool {
    let short = |a: &str, c: char| a.starts_with('-') && !a.starts_with("--") && a.contains(c);
    args.iter().any(|a| match program {
        "curl" => short(a, 'K') || a.starts_with("--config"),
        "wget" => {
            short(a, 'i')
                || short(a, 'e')
                || ["--input-file", "--execute", "--config"]
                    .iter()
                    .any(|o| a.starts_with(o))
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::{named_programs, runs_workspace_code};

    #[test]
    fn scripts_named_by_a_path_are_found() {
        assert_eq!(named_programs("./ci.sh --fast"), ["./ci.sh"]);
        assert_eq!(
            named_programs("python3 -u /tmp/t.py x && bash s.sh"),
            ["/tmp/t.py", "s.sh"]
        );
        assert_eq!(named_programs("/usr/bin/make test"), ["/usr/bin/make"]);
        assert!(named_programs("make test").is_empty());
    }

    #[test]
    fn builds_tests_scripts_and_unknown_programs_run_the_workspace_code() {
        for cmd in [
            "make test",
            "cargo test",
            "npm run build",
            "npm install",
            "npm test",
            "pytest",
            "python -m pytest",
            "go test ./...",
            "./scripts/ci.sh",
            "python tool.py",
            "node build.js",
            "bash scripts/x.sh",
            "git push origin main",
            "git fetch",
            "tox",
            "gradle build",
            "./curl https://example.com",
            "bin/curl https://example.com",
            "curl https://example.com | sh",
            "curl -K fetch.cfg",
            "curl --config=fetch.cfg",
            "wget -i urls.txt",
            "wget -e 'robots=off' https://example.com",
            "curl -o x https://example.com && make",
            "",
        ] {
            assert!(runs_workspace_code(cmd), "{cmd}");
        }
    }

    #[test]
    fn fetchers_and_viewers_run_none() {
        for cmd in [
            "curl -fsSL https://example.com/x.tar.gz -o x.tar.gz",
            "wget -q https://example.com/x",
            "ping -c 1 example.com",
            "dig example.com",
            "ls /etc",
            "cat /var/log/syslog",
            "curl https://a && curl https://b",
        ] {
            assert!(!runs_workspace_code(cmd), "{cmd}");
        }
    }
}
