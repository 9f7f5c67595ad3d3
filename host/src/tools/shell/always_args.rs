//! Arguments that name code for a program to run, anywhere on its command
//! line: an "always" given for `make test` must never approve `make test
//! --eval='$(shell …)'`, nor one for `git push` a `git push
//! --receive-pack='sh -c …'`. Such a command gets no "always" key at all
//! (see `safe::always_key`), so it is asked about every time, in the
//! sandbox and outside it alike.

/// Programs whose "always" covers exactly the command approved, not its
/// first two words: any further argument to make may be a target or an
/// option that changes what runs (`make test -j1 check`), so it asks
/// again.
pub(super) fn exact_key(program: &str) -> bool {
    is_make(program)
}

/// Subcommands that run whatever command follows them (`uv run rm -rf ~`,
/// `npm exec`, `poetry run`, `bundle exec`): like a wrapper, never
/// approved "always".
pub(super) fn runs_any_command(program: &str, sub: &str) -> bool {
    matches!(
        (program, sub),
        ("uv", "run" | "tool")
            | ("npm", "exec" | "x")
            | ("pnpm", "exec" | "dlx")
            | ("yarn", "exec" | "dlx")
            | ("bun", "x")
            | ("poetry", "run")
            | ("pipenv", "run")
            | ("pdm", "run")
            | ("hatch", "run")
            | ("rye", "run")
            | ("pixi", "run")
            | ("conda", "run")
            | ("mamba", "run")
            | ("bundle", "exec")
            | ("pipx", "run")
            | ("nix", "shell" | "develop" | "run")
            | ("docker", "run" | "exec")
            | ("podman", "run" | "exec")
            | ("kubectl", "exec")
    )
}

/// Subcommands whose next word names which of the project's scripts runs
/// (`npm run build`, `yarn run lint`): the "always" key keeps that word,
/// so one for `npm run build` never approves `npm run deploy`.
pub(super) fn names_a_script(program: &str, sub: &str) -> bool {
    matches!(
        (program, sub),
        ("npm" | "pnpm" | "yarn" | "bun", "run" | "run-script")
            | ("deno", "task")
            | ("just" | "task" | "mise", "run")
    )
}

fn is_make(program: &str) -> bool {
    matches!(program, "make" | "gmake" | "remake")
}

/// Whether `args` of `program` name code to run, a file of rules to read,
/// another folder to run in, or set a variable (the recipe's `SHELL`, a
/// compiler, `X != cmd`): then no "always" may stand for the command.
pub(super) fn names_code(program: &str, args: &[String]) -> bool {
    match program {
        p if is_make(p) => make_names_code(args),
        "git" => git_names_code(args),
        "cargo" => args
            .iter()
            .any(|a| long_is(a, &["config"]) || short_has(a, 'Z')),
        "npm" | "pnpm" | "yarn" => args
            .iter()
            .any(|a| long_is(a, &["script-shell", "node-options"])),
        _ => false,
    }
}

/// make's options that evaluate text as a makefile (`--eval`, `-E`), read
/// other makefiles (`-f`, `--file`, `--makefile`, `-I`, `--include-dir`)
/// or run elsewhere (`-C`, `--directory`), in any spelling GNU make takes
/// (an unambiguous prefix of a long option, a short one grouped:
/// `-sf x.mk`); and every variable set on the command line (`SHELL=…`,
/// `MAKEFLAGS=…`, `CC=…`, `X != cmd`).
fn make_names_code(args: &[String]) -> bool {
    const LONG: &[&str] = &["eval", "file", "makefile", "directory", "include-dir"];
    args.iter().any(|a| {
        long_is(a, LONG)
            || ['E', 'f', 'C', 'I'].iter().any(|&c| short_has(a, c))
            || (!a.starts_with('-') && a.contains('='))
    })
}

/// git's options that name a program to run on the other side of a
/// transport (`--upload-pack`, `--receive-pack`, `--exec`), a program per
/// commit or file (`rebase --exec`, `difftool --extcmd`, `grep
/// --open-files-in-pager`), hooks to copy in (`--template`) or run a
/// command themselves (`bisect run`, `submodule foreach`).
fn git_names_code(args: &[String]) -> bool {
    const LONG: &[&str] = &[
        "upload-pack",
        "receive-pack",
        "exec",
        "extcmd",
        "open-files-in-pager",
        "template",
        "config",
    ];
    let Some((sub, rest)) = args.split_first() else {
        return false;
    };
    let short = |c: char| rest.iter().any(|a| short_has(a, c));
    rest.iter().any(|a| long_is(a, LONG))
        || match sub.as_str() {
            "bisect" => rest.first().is_some_and(|w| w == "run"),
            "submodule" => rest.iter().any(|w| w == "foreach"),
            "rebase" => short('x'),
            "clone" => short('u') || short('c'),
            "archive" => short('u'),
            "grep" => short('O'),
            "difftool" | "mergetool" => short('x') || short('t'),
            _ => false,
        }
}

/// `--NAME`, `--NAME=…` or an abbreviation of it (GNU getopt takes any
/// unambiguous prefix: `--ev=…` is `--eval=…`), for any of `names`.
fn long_is(arg: &str, names: &[&str]) -> bool {
    let Some(opt) = arg.strip_prefix("--") else {
        return false;
    };
    let name = opt.split('=').next().unwrap_or(opt);
    !name.is_empty() && names.iter().any(|n| n.starts_with(name))
}

/// A short option `c`, alone or grouped (`-sf`).
fn short_has(arg: &str, c: char) -> bool {
    arg.starts_with('-') && !arg.starts_with("--") && arg[1..].contains(c)
}

#[cfg(test)]
mod tests {
    use super::super::safe::always_key;

    #[test]
    fn make_options_that_run_code_are_never_approved_always() {
        for cmd in [
            "make test --eval='$(shell id > /root/x)'",
            "make test --eval '$(shell id)'",
            "make test --ev='$(shell id)'",
            "make --eval=x test",
            "make test -E '$(shell id)'",
            "make -f /tmp/evil.mk test",
            "make test --file=/tmp/evil.mk",
            "make test --makefile /tmp/evil.mk",
            "make -sf /tmp/evil.mk test",
            "make -C /tmp/evil test",
            "make test --directory=/tmp/evil",
            "make test -I /tmp/inc",
            "make test --include-dir=/tmp/inc",
            "make test SHELL=/tmp/evil",
            "make test 'SHELL=sh -c id'",
            "make test MAKEFLAGS=--eval=x",
            "make test .SHELLFLAGS=-c",
            "make test 'X!=id'",
            "make test CC=/tmp/evil",
            "gmake test --eval=x",
            "/usr/bin/make test --eval=x",
        ] {
            assert_eq!(always_key(cmd), None, "{cmd}");
        }
    }

    #[test]
    fn an_always_for_make_covers_exactly_the_command_approved() {
        assert_eq!(always_key("make test").as_deref(), Some("make test"));
        assert_eq!(always_key("make").as_deref(), Some("make"));
        assert_eq!(
            always_key("make test -j4").as_deref(),
            Some("make test -j4")
        );
        // A further target is a further question.
        assert_ne!(always_key("make test install"), always_key("make test"));
    }

    #[test]
    fn other_programs_that_take_code_in_options_are_asked_every_time() {
        for cmd in [
            "git push --receive-pack='sh -c id' origin",
            "git push --exec=/tmp/evil origin",
            "git fetch --upload-pack=/tmp/evil origin",
            "git pull --upload-pack /tmp/evil",
            "git clone -u /tmp/evil src dst",
            "git clone --template=/tmp/hooks src dst",
            "git clone -c core.fsmonitor=/tmp/evil src dst",
            "git rebase -x 'rm -rf ~' main",
            "git rebase --exec 'id' main",
            "git bisect run ./evil.sh",
            "git submodule foreach 'rm -rf ~'",
            "git grep -O/tmp/evil x",
            "cargo test --config 'target.x.runner=\"sh\"'",
            "cargo build -Zunstable-options",
            "npm test --script-shell=/tmp/evil",
        ] {
            assert_eq!(always_key(cmd), None, "{cmd}");
        }
        for (cmd, key) in [
            ("git push origin main", "git push"),
            ("git clone --depth 1 src dst", "git clone"),
            ("git rebase -i main", "git rebase"),
            ("cargo test -q --workspace", "cargo test"),
            ("npm test --silent", "npm test"),
        ] {
            assert_eq!(always_key(cmd).as_deref(), Some(key), "{cmd}");
        }
    }
}
