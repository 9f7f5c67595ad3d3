use super::*;

#[test]
fn matchers_are_anchored_and_empty_or_star_match_all() {
    let re = compile_matcher(Some("shell|apply_patch")).unwrap().unwrap();
    assert!(re.is_match("shell") && re.is_match("apply_patch"));
    assert!(!re.is_match("shell2") && !re.is_match("myshell"));
    assert!(compile_matcher(Some("*")).unwrap().is_none());
    assert!(compile_matcher(Some("")).unwrap().is_none());
    assert!(compile_matcher(Some("(")).is_err());
}

#[test]
fn toml_hooks_are_read_with_defaults_and_bad_events_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(
            &file,
            "[hooks]\nclaude_compat = false\n[[hooks.PreToolUse]]\nmatcher = \"shell\"\ncommand = \"true\"\n[[hooks.Stop]]\ntype = \"http\"\nurl = \"http://127.0.0.1:9/\"\ntimeout_sec = 5\n",
        )
        .unwrap();
    let defs = read_toml(&file).unwrap();
    assert_eq!(defs.len(), 2);
    let pre = defs
        .iter()
        .find(|(e, _, _)| *e == HookEvent::PreToolUse)
        .unwrap();
    assert_eq!(pre.1.timeout().as_secs(), DEFAULT_TIMEOUT_SEC);
    let stop = defs.iter().find(|(e, _, _)| *e == HookEvent::Stop).unwrap();
    assert_eq!(
        (stop.1.kind, stop.1.timeout().as_secs()),
        (HookKind::Http, 5)
    );
    std::fs::write(&file, "[[hooks.PreTool]]\ncommand = \"x\"\n").unwrap();
    let err = read_toml(&file).unwrap_err().to_string();
    assert!(
        err.contains("hooks.PreTool") && err.contains("PreToolUse"),
        "{err}"
    );
}
