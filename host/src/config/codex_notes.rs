//! Codex CLI's top-level keys that quire does not use, each with one
//! sentence: what it is in Codex and what quire offers instead. A config
//! copied from `~/.codex/config.toml` then gets one line per such key
//! (not "unknown config key") and the key is left out.

/// Codex's keys quire does not read, and why (what to use instead).
const NOTES: &[(&[&str], &str)] = &[
    (
        &["file_opener"],
        "is Codex's choice of editor for the file links it prints (vscode, cursor, …); quire prints plain paths",
    ),
    (
        &["history"],
        "is Codex's setting for its message history (persistence, max_bytes); quire keeps its own in $QUIRE_HOME/history.jsonl and does not read this table",
    ),
    (
        &["tui"],
        "holds Codex's terminal settings (notifications, animations, tooltips…); quire's terminal view has none of them",
    ),
    (
        &["features"],
        "holds Codex's feature switches; quire has no such switches: its tools are always on, and a tool it lacks (web search) can come from an MCP server in [mcp_servers]",
    ),
    (
        &["tools", "web_search"],
        "switches Codex's built-in web search (and image viewing); quire has no built-in web search: add an MCP server that searches in [mcp_servers]",
    ),
    (
        &["model_auto_compact_token_limit"],
        "is the token count at which Codex compacts; quire compacts at a share of the context window: set compact_threshold (0.9 by default)",
    ),
    (
        &["tool_output_token_limit"],
        "caps a tool's output in tokens in Codex; quire caps it in bytes: set tool_output_limit (16384 by default)",
    ),
    (
        &["project_doc_fallback_filenames"],
        "names more instruction files for Codex; quire reads AGENTS.override.md or AGENTS.md, and CLAUDE.md, .claude/CLAUDE.md and CLAUDE.local.md, in each folder, no other names",
    ),
    (
        &[
            "experimental_instructions_file",
            "model_instructions_file",
            "instructions",
            "base_instructions",
            "developer_instructions",
        ],
        "replaces or extends Codex's instructions; quire keeps its own: put your instructions in $QUIRE_HOME/AGENTS.md, which every session reads",
    ),
    (
        &["compact_prompt", "experimental_compact_prompt_file"],
        "replaces Codex's compaction prompt; quire's is its own and cannot be replaced",
    ),
    (
        &["review_model"],
        "is the model of Codex's /review; quire's reviews take their models from [review] (models = [\"…\"])",
    ),
    (
        &["oss_provider"],
        "is the local provider of Codex's --oss; in quire write provider = \"ollama\" (or a [providers.NAME] table)",
    ),
    (
        &[
            "preferred_auth_method",
            "forced_login_method",
            "forced_chatgpt_workspace_id",
            "cli_auth_credentials_store",
            "chatgpt_base_url",
            "disable_response_storage",
        ],
        "is about Codex's sign-in (ChatGPT accounts, stored credentials); quire has no sign-in: a provider's API key is read from the variable its api_key_env (Codex's env_key) names",
    ),
    (
        &["mcp_oauth_credentials_store"],
        "is where Codex keeps MCP servers' sign-in tokens; quire keeps them in files of its own (~/.quire/mcp-oauth, mode 0600; `quire mcp login NAME`)",
    ),
    (
        &["mcp_oauth_callback_port"],
        "is Codex's port for MCP sign-in redirects; in quire write it as [mcp] oauth_callback_port = PORT",
    ),
    (
        &["check_for_update_on_startup"],
        "is Codex's update check; quire does not check for updates",
    ),
    (
        &[
            "windows_wsl_setup_acknowledged",
            "notice",
            "suppress_unstable_features_warning",
            "disable_paste_burst",
        ],
        "is state or a preference of Codex's own screens",
    ),
    (
        &["otel"],
        "is Codex's OpenTelemetry export; quire does not export telemetry (QUIRE_LOG=debug shows its logs on stderr)",
    ),
    (
        &["default_permissions", "permissions"],
        "is Codex's permission profiles; quire's sandbox is set by sandbox (sandbox_mode) and network",
    ),
    (
        &[
            "experimental_use_rmcp_client",
            "experimental_use_exec_command_tool",
            "experimental_use_freeform_apply_patch",
            "experimental_use_unified_exec_tool",
            "include_plan_tool",
            "include_apply_patch_tool",
            "include_view_image_tool",
            "use_experimental_streamable_shell_tool",
        ],
        "is one of Codex's experimental switches; quire has no such switch",
    ),
];

/// The sentence for Codex's top-level `key` that quire does not use,
/// naming it (`` `file_opener` is Codex's … ``), or `None`.
pub fn note(key: &str) -> Option<String> {
    let (_, why) = NOTES.iter().find(|(keys, _)| keys.contains(&key))?;
    Some(format!("`{key}` (Codex CLI) {why}; quire ignores it"))
}

/// Every key [`note`] knows.
#[cfg(test)]
fn keys() -> impl Iterator<Item = &'static str> {
    NOTES.iter().flat_map(|(keys, _)| keys.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_has_one_sentence_naming_it_and_none_is_quires() {
        let quire = super::super::top_level_keys();
        for key in keys() {
            let said = note(key).unwrap();
            assert!(said.starts_with(&format!("`{key}` (Codex CLI) ")), "{said}");
            assert!(!quire.iter().any(|k| k == key), "{key} is quire's own");
        }
        assert_eq!(note("model"), None);
        assert_eq!(note("sandbox_mode"), None);
        assert_eq!(note("notify"), None);
    }
}
