//! Help that teaches: every page gets examples, and the global options
//! sit under their own heading after the page's own options. The clap
//! command built here is also the one completions and man pages describe.

use clap::{ArgMatches, Command, CommandFactory, FromArgMatches};

use super::args::Cli;

/// Examples per command path (space-separated), shown after the options.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "review",
        "quire review                                # uncommitted changes\n  quire review --staged \"focus on the SQL\"\n  quire review --base origin/main --format github --fail-on P1   # in CI\n  quire review --commit HEAD --json > review.json",
    ),
    ("review apply", "quire review apply R1a2b3c4d"),
    (
        "exec",
        "quire exec \"fix the failing test\"\n  quire exec \"sum up the diff\" > notes.md   # only the answer; the rest on stderr\n  quire exec -o answer.md \"fix the test\"    # the answer also in answer.md\n  quire exec --json \"list the TODOs\" > events.jsonl\n  git diff | quire exec \"review this\"   # the diff is added to the task as context\n  quire exec - < task.md                # the task from stdin\n  quire exec -i shot.png,b.jpg \"why does this render wrong\"   # images with the task\n  quire exec resume --last \"now the docs\"   # continue the last session (= --resume last)\n  quire exec resume 9c41e07d \"go on\"         # or one by id (quire sessions list)\n  quire exec --full-auto --skip-git-repo-check \"fix the lint\"   # Codex's flags work too\n\n\
         With a task given as an argument, piped input is added to it (a blank line,\n\
         `stdin:`, the input fenced); a pipe that sends nothing for 3s is skipped\n\
         with a warning, and a terminal or /dev/null is never read. Bytes that are\n\
         not UTF-8 become U+FFFD (a warning says how many).\n\n\
         When stdout is a file or a pipe it gets only the task's answer (its last\n\
         message, once the task ends; none when it ended while more work was under\n\
         way); the messages before tool calls go to stderr. -o FILE writes the\n\
         answer to FILE too, replacing it whole; its folder must exist.\n\n\
         Exit codes:\n  \
         0    done\n  \
         1    failed (provider error after retries, turn limit, blocked)\n  \
         2    usage, configuration or setup error (bad flag or key, -C not a\n       \
         directory, sessions folder not writable, no provider set up, the\n       \
         session to resume in use by another quire)\n  \
         129  SIGHUP (the terminal closed): the task was interrupted\n  \
         130  interrupted (Ctrl-C)\n  \
         141  stdout's reader went away (`| head -1`): the task was interrupted\n  \
         143  SIGTERM: the task was interrupted",
    ),
    (
        "exec resume",
        "quire exec resume --last \"and now the docs\"\n  quire exec resume 01a23ba1 \"go on\"\n  quire exec --json resume --last \"go on\" > events.jsonl\n\n\
         The same as quire exec --resume last|ID \"TASK\". `quire exec resume` alone\n\
         names no session and is refused (exit 2).",
    ),
    (
        "sessions",
        "quire sessions list\n  quire exec --resume last \"and now the docs\"",
    ),
    (
        "sessions list",
        "quire sessions list\n  quire sessions list --json | jq .id",
    ),
    (
        "sessions show",
        "quire sessions show last\n  quire sessions show 9c41e07d | less   # by the end of its id (or its start)",
    ),
    (
        "sessions delete",
        "quire sessions delete 9c41e07d\n  quire sessions delete 01a24a5c-2293 01a24a5d-8f1e",
    ),
    (
        "commands",
        "quire commands list\n  quire exec \"/fix-issue 123\"   # runs .quire/commands/fix-issue.md with $ARGUMENTS = 123",
    ),
    (
        "commands list",
        "quire commands list\n  quire commands list --json | jq .name",
    ),
    (
        "skills",
        "quire skills list --all\n  quire skills new release-notes\n  quire skills validate --strict .quire/skills",
    ),
    (
        "skills list",
        "quire skills list\n  quire skills list --all --json",
    ),
    (
        "skills show",
        "quire skills show pdf-forms\n  quire skills show pdf-forms --json",
    ),
    (
        "skills new",
        "quire skills new release-notes\n  quire skills new my-notes --scope user",
    ),
    (
        "skills validate",
        "quire skills validate .quire/skills/release-notes\n  quire skills validate --strict .quire/skills",
    ),
    ("skills to-prompt", "quire skills to-prompt .quire/skills/*"),
    (
        "skills pick",
        "quire skills pick \"fill in the PDF form\"\n  quire skills pick --explain \"review my diff\"",
    ),
    (
        "skills eval",
        "quire skills eval cases.json\n  quire skills eval cases.json --min-recall5 0.9 --max-wrong 0.05   # for CI",
    ),
    (
        "mcp",
        "quire mcp add fs -- npx -y @modelcontextprotocol/server-filesystem .\n  quire mcp list\n  quire mcp serve --builtin",
    ),
    ("mcp list", "quire mcp list\n  quire mcp list --json"),
    (
        "mcp add",
        "quire mcp add fs -- npx -y @modelcontextprotocol/server-filesystem .\n  quire mcp add docs --url http://127.0.0.1:8931/mcp --header 'Authorization=Bearer ${DOCS_TOKEN}'   # in single quotes",
    ),
    ("mcp remove", "quire mcp remove fs"),
    (
        "mcp login",
        "quire mcp login notion                # opens the browser; prints the URL too",
    ),
    (
        "mcp logout",
        "quire mcp logout notion\n  quire mcp logout https://mcp.notion.com/mcp",
    ),
    (
        "mcp tools",
        "quire mcp tools fs\n  quire mcp tools fs --json",
    ),
    (
        "mcp serve",
        "quire mcp serve                       # stdio, for an MCP client's config\n  quire mcp serve --http 127.0.0.1:8765 --builtin",
    ),
    (
        "plugins",
        "quire plugins new word-count\n  quire plugins add ./word-count\n  quire plugins list",
    ),
    (
        "plugins list",
        "quire plugins list\n  quire plugins list --json",
    ),
    (
        "plugins inspect",
        "quire plugins inspect ./word-count\n  quire plugins inspect word-count --json",
    ),
    (
        "plugins add",
        "quire plugins add ./word-count\n  quire plugins add ./word-count --scope project --yes",
    ),
    ("plugins remove", "quire plugins remove word-count"),
    (
        "plugins validate",
        "quire plugins validate ./my-plugin\n  quire plugins validate .agents/plugins/review-kit",
    ),
    (
        "plugins install",
        "quire plugins install review-kit\n  quire plugins install review-kit@team-tools --scope user --enable --yes",
    ),
    (
        "plugins enable",
        "quire plugins enable review-kit\n  quire plugins enable review-kit --off",
    ),
    (
        "plugins marketplace",
        "quire plugins marketplace add github:acme/team-plugins\n  quire plugins marketplace list\n  quire plugins marketplace remove team-tools",
    ),
    (
        "plugins marketplace add",
        "quire plugins marketplace add ../team-plugins\n  quire plugins marketplace add https://git.example.com/team-plugins.git --ref v2\n  quire plugins marketplace add github:acme/team-plugins\n  quire plugins marketplace add github:acme/team-plugins --replace",
    ),
    ("plugins marketplace list", "quire plugins marketplace list"),
    (
        "plugins marketplace remove",
        "quire plugins marketplace remove team-tools",
    ),
    (
        "plugins search",
        "quire plugins search \"code review\"\n  quire plugins search pdf --json",
    ),
    (
        "plugins bundles",
        "quire plugins bundles\n  quire plugins bundles --json",
    ),
    (
        "plugins new",
        "quire plugins new word-count\n  quire plugins new word-count --dir ~/src",
    ),
    (
        "plugins call",
        "quire plugins call ./word-count count '{\"text\": \"a b c\"}'\n  quire plugins call word-count word-count__count '{\"text\": \"a b\"}'",
    ),
    (
        "share add",
        "quire share add https://github.com/acme/team-skills.git --ref v1.2\n  quire share add ../shared/skills",
    ),
    (
        "share sync",
        "quire share sync\n  quire share sync --force   # also undo local edits",
    ),
    (
        "share update",
        "quire share update\n  quire share update pdf-forms",
    ),
    (
        "share verify",
        "quire share verify\n  quire share verify --json",
    ),
    ("share remove", "quire share remove pdf-forms"),
    ("share list", "quire share list\n  quire share list --json"),
    (
        "hooks",
        "quire hooks list\n  quire hooks trust          # approve every new or changed repository hook",
    ),
    ("hooks list", "quire hooks list\n  quire hooks list --json"),
    (
        "hooks trust",
        "quire hooks trust\n  quire hooks trust 3f2a9c1e",
    ),
    (
        "agents",
        "quire agents list\n  quire agents new test-runner",
    ),
    (
        "agents list",
        "quire agents list\n  quire agents list --json",
    ),
    ("agents show", "quire agents show code-reviewer"),
    (
        "agents new",
        "quire agents new test-runner --description \"Runs the tests and reports failures\"",
    ),
    (
        "agents validate",
        "quire agents validate\n  quire agents validate .claude/agents/*.md",
    ),
    (
        "resume",
        "quire resume              # pick from this directory's sessions\n  quire resume last         # or quire resume --last\n  quire --resume 9c41e07d    # the same, by the end of its id (or its start)",
    ),
    (
        "doctor",
        "quire doctor\n  quire doctor --json | jq '.checks[] | select(.status != \"ok\")'",
    ),
    (
        "completions",
        "quire completions bash > ~/.local/share/bash-completion/completions/quire\n  quire completions zsh > \"${fpath[1]}/_quire\"\n  quire completions fish > ~/.config/fish/completions/quire.fish",
    ),
    (
        "man",
        "quire man | man -l -\n  quire man --dir /usr/local/share/man/man1",
    ),
];

/// The heading of the options every command accepts.
pub const GLOBAL_HEADING: &str = "Global options";

/// quire's clap command, with examples and headings.
pub fn command() -> Command {
    // One line each, so that they do not crowd every page.
    let mut cmd = Cli::command().mut_args(|a| {
        if !a.is_global_set() {
            return a;
        }
        let a = a.help_heading(GLOBAL_HEADING);
        match a.get_id().as_str() {
            "sandbox" => a.hide_possible_values(true).help(
                "Where shell commands may write: read-only, workspace-write (default), danger-full-access (/approvals changes it in a session)",
            ),
            "approval" => a
                .hide_possible_values(true)
                .help("When to ask before acting: never, on-request (default), untrusted (/approvals changes it in a session)"),
            _ => a,
        }
    });
    for (path, text) in EXAMPLES {
        cmd = with_examples(cmd, &path.split(' ').collect::<Vec<_>>(), text);
    }
    cmd
}

fn with_examples(cmd: Command, path: &[&str], text: &str) -> Command {
    match path {
        [] => {
            if cmd.get_after_help().is_some() {
                cmd
            } else {
                cmd.after_help(format!("Examples:\n  {text}"))
            }
        }
        [first, rest @ ..] => {
            if cmd.find_subcommand(first).is_none() {
                return cmd;
            }
            cmd.mut_subcommand(*first, |sub| with_examples(sub, rest, text))
        }
    }
}

/// Parses the process arguments with `command` (from [`command`]).
pub fn parse(command: Command) -> Result<Cli, clap::Error> {
    let matches: ArgMatches = command.try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_tree_is_consistent() {
        super::command().debug_assert();
    }
}
