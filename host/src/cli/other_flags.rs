//! Options of Claude Code's and Codex's command lines that quire does not
//! have, each refused with what quire offers instead (not clap's nearest
//! spelling: `--output-format` is not `--output-last-message`,
//! `--continue` is not `--config`, `--color` is not `--yolo`). (`-p "a task"` is Codex's `--profile` here: the
//! refusal of a profile named like a task says so, `config::profile`.)

/// Claude Code's options and quire's way to the same thing.
const CLAUDE: &[(&[&str], &str)] = &[
    (
        &["--print"],
        "runs one task and prints the answer: `quire exec \"TASK\"` (only the answer on stdout)",
    ),
    (
        &["--output-format"],
        "chooses the printed form: `quire exec \"TASK\"` prints the answer, `quire exec --json \"TASK\"` one JSON event a line (README: JSON events)",
    ),
    (
        &["--input-format"],
        "reads JSON input: `quire exec - < task.md` reads the task from stdin",
    ),
    (
        &["--continue"],
        "continues the last session: `quire --resume last` (or `quire resume last`; `quire exec resume --last \"TASK\"` without a terminal)",
    ),
    (
        &["-r"],
        "resumes a session: `quire --resume ID` (`quire sessions list` shows the ids)",
    ),
    (
        &[
            "--allowedTools",
            "--allowed-tools",
            "--disallowedTools",
            "--disallowed-tools",
            "--tools",
        ],
        "lists the tools a run may use: in quire `-s/--sandbox` and `-a/--approval` decide what runs unasked, and the permissions rules of .claude/settings.json (deny, ask, allow) are read as Claude Code reads them",
    ),
    (
        &["--permission-mode"],
        "sets the permission mode: plan is `-s read-only`, acceptEdits `--full-auto`, bypassPermissions `--yolo`",
    ),
    (
        &[
            "--dangerously-skip-permissions",
            "--allow-dangerously-skip-permissions",
        ],
        "skips every permission check: `--yolo` (no sandbox, no approvals; only in a throwaway environment)",
    ),
    (
        &[
            "--append-system-prompt",
            "--system-prompt",
            "--system-prompt-file",
            "--append-system-prompt-file",
        ],
        "changes the system prompt: quire keeps its own; put standing instructions in AGENTS.md (the repository's, or ~/.quire/AGENTS.md for yours)",
    ),
    (
        &["--add-dir"],
        "lets the agent work in another folder: `-c 'writable_roots=[\"/path\"]'` lets its commands and patches write there (so does `permissions.additionalDirectories` in ~/.claude/settings.json)",
    ),
    (
        &["--mcp-config", "--strict-mcp-config"],
        "reads MCP servers from a file: quire reads the repository's .mcp.json and [mcp_servers] in config.toml (`quire mcp add`)",
    ),
    (
        &["--verbose", "--debug"],
        "prints more: set QUIRE_LOG=debug (logs on stderr)",
    ),
    (
        &[
            "--max-budget-usd",
            "--fallback-model",
            "--session-id",
            "--settings",
            "--agents",
        ],
        "is Claude Code's and has no quire equivalent on the command line (`quire --help` lists what there is)",
    ),
];

/// Codex's options (of `codex exec` and `codex`) quire does not have,
/// and quire's way to the same thing.
const CODEX: &[(&[&str], &str)] = &[
    (
        &["--color"],
        "chooses when output is coloured: quire colours only what goes to a terminal, never a pipe or file, and NO_COLOR=1 turns colour off",
    ),
    (
        &["--oss"],
        "uses a local open-source model: `--provider ollama` (http://localhost:11434/v1; OLLAMA_BASE_URL overrides), or a [providers.local] table for another local server (README: Providers)",
    ),
    (
        &["--include-plan-tool"],
        "gives the model a plan tool: quire's model always has `update_plan` (its plan shown as `plan_updated` events with --json)",
    ),
    (
        &["--search"],
        "lets the model search the web: quire has no web search of its own; an MCP server can give it one (`quire mcp add`)",
    ),
];

/// The refusal of `arg`, an argument clap did not know (`--continue`,
/// `--output-format=json`, `--color=never`), when it is one of Claude
/// Code's or Codex's options.
pub fn refusal(arg: &str) -> Option<String> {
    let flag = arg.split_once('=').map_or(arg, |(f, _)| f);
    let find = |table: &[(&[&str], &'static str)]| {
        table
            .iter()
            .find(|(names, _)| names.contains(&flag))
            .map(|(_, instead)| *instead)
    };
    let (tool, instead) = find(CLAUDE)
        .map(|i| ("Claude Code", i))
        .or_else(|| find(CODEX).map(|i| ("Codex", i)))?;
    Some(format!(
        "error: quire has no option '{flag}'; in {tool} it {instead}\n\nFor more information, try 'quire --help'."
    ))
}

/// [`refusal`] of the argument clap's `error` names as unknown.
pub fn refusal_of(error: &clap::Error) -> Option<String> {
    if error.kind() != clap::error::ErrorKind::UnknownArgument {
        return None;
    }
    match error.get(clap::error::ContextKind::InvalidArg) {
        Some(clap::error::ContextValue::String(arg)) => refusal(arg),
        _ => None,
    }
}

/// For `-c`/`--config` given no value (`quire -c`, `quire -c -p "TASK"`:
/// Claude Code's `-c` continues the last session): what `-c` is here and
/// how to continue; `None` for any other error.
pub fn config_without_value(raw: &[String], error: &clap::Error) -> Option<String> {
    if !error.use_stderr() {
        return None;
    }
    let mut args = raw.iter().take_while(|a| *a != "--").peekable();
    while let Some(a) = args.next() {
        if (a == "-c" || a == "--config") && args.peek().is_none_or(|next| next.starts_with('-')) {
            return Some(format!(
                "error: {a} takes KEY=VALUE here (--config, as in Codex); to continue the last session as Claude Code's -c does: `quire --resume last` (or `quire resume last`; `quire exec resume --last \"TASK\"` without a terminal)\n\nFor more information, try 'quire --help'."
            ));
        }
        if super::typo::VALUED.contains(&a.as_str()) {
            args.next();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_code_options_are_refused_with_quire_s_way() {
        let said = refusal("--output-format=json").unwrap();
        assert!(
            said.contains("'--output-format'") && said.contains("quire exec --json"),
            "{said}"
        );
        let said = refusal("--continue").unwrap();
        assert!(said.contains("--resume last"), "{said}");
        let said = refusal("--permission-mode").unwrap();
        assert!(said.contains("-s read-only"), "{said}");
        assert!(refusal("--bogus").is_none());
    }

    #[test]
    fn codex_options_are_refused_with_quire_s_way() {
        let said = refusal("--color=never").unwrap();
        assert!(
            said.contains("in Codex it") && said.contains("NO_COLOR"),
            "{said}"
        );
        assert!(!said.contains("--yolo"), "{said}");
        assert!(refusal("--oss").unwrap().contains("--provider ollama"));
        assert!(refusal("--search").unwrap().contains("no web search"));
    }

    #[test]
    fn only_an_unknown_argument_clap_names_is_read() {
        let cli = super::super::help::command();
        let e = cli
            .clone()
            .try_get_matches_from(["quire", "--continue"])
            .unwrap_err();
        assert!(refusal_of(&e).is_some_and(|s| s.contains("--resume last")));
        let e = cli.try_get_matches_from(["quire", "--bogus"]).unwrap_err();
        assert!(refusal_of(&e).is_none());
    }
}
