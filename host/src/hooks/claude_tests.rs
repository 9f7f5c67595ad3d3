//! Tests of `claude.rs`: reading Claude Code's hook settings.

use super::*;

#[test]
fn matchers_map_claude_tool_names_and_keep_the_rest() {
    assert_eq!(map_matcher("Bash"), "shell");
    assert_eq!(
        map_matcher("Edit|Write|MultiEdit"),
        "apply_patch|apply_patch|apply_patch"
    );
    assert_eq!(map_matcher("mcp__github__.*"), "mcp__github__.*");
    assert_eq!(
        map_matcher("Bash|mcp__plugin_mp_s__.*"),
        "shell|(?:mcp__mp_s__|mcp__plugin_mp_s__).*"
    );
    assert_eq!(map_matcher("Glob|LS|Read"), "list_dir|list_dir|read_file");
    assert_eq!(claude_name("shell"), "Bash");
    assert_eq!(claude_name("mcp__x__y"), "mcp__x__y");
}

#[test]
fn subagent_and_plan_tools_map_and_unknown_matcher_names_are_noted() {
    assert_eq!(map_matcher("Task|Agent"), "spawn_agent|spawn_agent");
    assert_eq!(map_matcher("TodoWrite"), "update_plan");
    assert_eq!(claude_name("spawn_agent"), "Agent");
    assert!(matcher_notes("Bash|Task|Agent|mcp__gh__x|shell", true).is_empty());
    assert!(matcher_notes("mcp__.*|Notebook.*", true).is_empty());
    assert!(matcher_notes("*", true).is_empty());
    assert!(matcher_notes("mcp__plugin_p_s__x|mcp__my-srv__get-x", true).is_empty());
    assert!(matcher_notes("mcp__github", true)[0].contains("names no MCP tool"));
    let notes = matcher_notes("WebFetch|Bsh", true);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].contains("`WebFetch` is a Claude Code tool quire does not have"));
    assert!(notes[1].contains("`Bsh` is no tool quire has"), "{notes:?}");
    assert!(notes[1].contains("did you mean 'Bash'"), "{notes:?}");
    let notes = matcher_notes("Bash", false);
    assert!(notes[0].contains("write `shell`"), "{notes:?}");
}

#[test]
fn permission_modes_map_to_claude_codes_closest() {
    use ApprovalPolicy::*;
    use SandboxMode::*;
    assert_eq!(permission_mode(OnRequest, ReadOnly), "plan");
    assert_eq!(permission_mode(Untrusted, WorkspaceWrite), "default");
    assert_eq!(permission_mode(OnRequest, WorkspaceWrite), "acceptEdits");
    assert_eq!(permission_mode(Never, WorkspaceWrite), "dontAsk");
    assert_eq!(
        permission_mode(Never, DangerFullAccess),
        "bypassPermissions"
    );
    assert_eq!(permission_mode(Untrusted, DangerFullAccess), "default");
}

#[test]
fn a_handler_written_wrong_is_skipped_by_name_and_the_others_kept() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.json");
    std::fs::write(
        &file,
        r#"{"hooks": {"PreToolUse": [
            {"matcher": "Bash", "hooks": [{"command": "a.sh", "timeout": "abc"}, {"command": "b.sh"}]},
            {"matcher": 5, "hooks": []},
            {"matcher": "Read", "hooks": [{"command": "c.sh"}]}]}}"#,
    )
    .unwrap();
    let (hooks, skipped) = read_settings_skipping(&file).unwrap();
    let commands: Vec<_> = hooks
        .iter()
        .filter_map(|(_, d, _)| d.command.clone())
        .collect();
    assert_eq!(commands, ["b.sh", "c.sh"]);
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0]
            .starts_with("hook 1 of entry 1 of the PreToolUse hooks (invalid type: string \"abc\""),
        "{skipped:?}"
    );
    assert!(
        skipped[1].starts_with("entry 2 of the PreToolUse hooks"),
        "{skipped:?}"
    );
}

#[test]
fn unknown_keys_and_an_entry_level_if_are_named_with_their_entry() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.json");
    std::fs::write(
        &file,
        r#"{"hooks": {"PreToolUse": [
            {"matcher": "Bash", "if": "Bash(git push:*)", "hooks": [
                {"type": "command", "command": "guard.sh", "timeoutt": 5, "statusMessage": "x"}]}]}}"#,
    )
    .unwrap();
    let (hooks, skipped) = read_settings_skipping(&file).unwrap();
    assert_eq!(hooks.len(), 1);
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].starts_with(
            "the `if` of entry 1 of the PreToolUse hooks: Claude Code reads `if` on each handler"
        ),
        "{skipped:?}"
    );
    assert_eq!(
        skipped[1],
        "the unknown key `timeoutt` of hook 1 of entry 1 of the PreToolUse hooks; did you mean 'timeout'? (Claude Code has no such key there; it is ignored)"
    );
}

#[test]
fn a_misspelled_event_is_skipped_by_name_and_the_rest_kept() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.json");
    std::fs::write(
        &file,
        r#"{"hooks": {"PretoolUse": [{"matcher": "Bash", "hooks": [{"command": "exit 2"}]}],
          "PostToolUse": [{"hooks": [{"command": "log.sh"}]}]}}"#,
    )
    .unwrap();
    let (hooks, skipped) = read_settings_skipping(&file).unwrap();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].0, HookEvent::PostToolUse);
    assert_eq!(
        skipped,
        ["the PretoolUse hooks (quire has no PretoolUse event; did you mean 'PreToolUse'?)"]
    );
}

#[test]
fn settings_hooks_are_read_with_their_group_matcher() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("settings.json");
    std::fs::write(
        &file,
        r#"{"permissions": {}, "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
            {"type": "command", "command": "check.sh", "timeout": 5},
            {"type": "prompt", "prompt": "x"}]}],
          "Stop": [{"hooks": [{"type": "command", "command": "stop.sh"}]}]}}"#,
    )
    .unwrap();
    let hooks = read_settings(&file).unwrap();
    assert_eq!(hooks.len(), 2);
    let (_, skipped) = read_settings_skipping(&file).unwrap();
    assert_eq!(
        skipped,
        ["a `prompt` hook of PreToolUse (quire runs `command` and `http` hooks)"]
    );
    let (event, def, at) = &hooks[0];
    assert_eq!(at, "hook 1 of entry 1 of the PreToolUse hooks");
    assert_eq!(*event, HookEvent::PreToolUse);
    assert_eq!(def.matcher.as_deref(), Some("Bash"));
    assert_eq!(def.timeout_sec, Some(5));
    assert_eq!(hooks[1].0, HookEvent::Stop);
    assert!(
        read_settings(&dir.path().join("none.json"))
            .unwrap()
            .is_empty()
    );
    std::fs::write(&file, "{not json").unwrap();
    assert!(
        read_settings(&file)
            .unwrap_err()
            .to_string()
            .contains("settings.json")
    );
}
