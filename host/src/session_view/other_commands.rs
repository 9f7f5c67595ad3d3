//! Slash commands of Claude Code and Codex CLI that quire names otherwise
//! (or has no need of): typed out of habit, the "unknown command" note
//! says quire's way instead of only pointing at /help.

/// Other tools' commands and what to use in quire.
const INSTEAD: &[(&[&str], &str)] = &[
    (&["clear", "reset"], "/new starts a new conversation"),
    (
        &["cost", "usage", "context"],
        "/status shows the tokens used, the context window and the cost",
    ),
    (
        &["memory"],
        "quire reads AGENTS.md and CLAUDE.md (yours and the repository's) when a session starts: edit them, then /new",
    ),
    (
        &["allowed-tools"],
        "/approvals shows or sets the sandbox and approval policy; permission rules come from .claude/settings.json (README: Claude Code settings)",
    ),
    (
        &["config", "settings"],
        "/status shows the settings in use and where each came from; change them in ~/.quire/config.toml or with -c KEY=VALUE",
    ),
    (&["exit"], "/quit leaves"),
    (
        &["login", "logout"],
        "quire reads the provider's key from OPENAI_API_KEY / ANTHROPIC_API_KEY (or `api_key_env` in config.toml); `quire doctor` checks it",
    ),
    (
        &["add-dir"],
        "writable_roots in config.toml (or -c 'writable_roots=[\"/path\"]') lets commands and patches write another folder, as `permissions.additionalDirectories` in ~/.claude/settings.json does",
    ),
    (
        &[
            "output-style",
            "statusline",
            "vim",
            "theme",
            "terminal-setup",
        ],
        "quire's terminal view has no such setting",
    ),
    (&["mention"], "name the file by its path in your message"),
];

/// quire's way to what `/name` does in Claude Code or Codex, if quire
/// has one.
pub fn instead(name: &str) -> Option<&'static str> {
    let name = name.trim_start_matches('/');
    INSTEAD
        .iter()
        .find(|(names, _)| names.contains(&name))
        .map(|(_, said)| *said)
}

/// The note for an unknown `/name`.
pub fn unknown(name: &str) -> String {
    let shown = format!("/{}", name.trim_start_matches('/'));
    let hint = match instead(name) {
        Some(said) => format!("in quire, {said}"),
        None => "/help lists the commands".to_string(),
    };
    format!(
        "unknown command {shown}; {hint}. To send it as a message, start it with a space: ` {shown}`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_tools_commands_point_at_quire_s() {
        assert!(unknown("/clear").contains("in quire, /new starts a new conversation"));
        assert!(unknown("cost").starts_with("unknown command /cost; in quire, /status"));
        assert!(unknown("/bogus").contains("/help lists the commands"));
    }
}
