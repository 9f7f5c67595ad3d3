use super::*;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn read(trusted: bool, user: &str, project: &str, local: &str) -> ClaudeSettings {
    let dir = tempfile::tempdir().unwrap();
    let (home, repo) = (dir.path().join("claude"), dir.path().join("repo"));
    for (d, rel, text) in [
        (&home, "settings.json", user),
        (&repo, ".claude/settings.json", project),
        (&repo, ".claude/settings.local.json", local),
    ] {
        if !text.is_empty() {
            write(d, rel, text);
        }
    }
    ClaudeSettings::read(Some(&home), Some(&repo), trusted)
}

#[test]
fn rules_of_every_file_are_read_with_their_list() {
    let s = read(
        false,
        r#"{"permissions": {"deny": ["Bash(touch:*)"], "defaultMode": "plan"}}"#,
        r#"{"permissions": {"allow": ["Bash(npm run test:*)"], "deny": ["Read(./.env)", 3], "ask": ["Bash(git push:*)"]}}"#,
        r#"{"permissions": {"deny": ["Bash(rm:*)"]}}"#,
    );
    let rules: Vec<_> = s.files.iter().flat_map(|f| f.rules.clone()).collect();
    assert_eq!(rules.len(), 5, "{rules:?}");
    assert!(rules.contains(&(RuleKind::Deny, "Bash(rm:*)".into())));
    assert!(
        s.warnings.iter().any(|w| w.contains("permissions.deny[1]")),
        "{:?}",
        s.warnings
    );
    assert_eq!(s.default_mode().0.map(|m| m.0), Some(Mode::Plan));
    let summary = s.summary().join("\n");
    assert!(
        summary.contains("1 allow (not used: untrusted)"),
        "{summary}"
    );
}

#[test]
fn widening_modes_and_env_need_the_right_file() {
    let bypass = r#"{"permissions": {"defaultMode": "bypassPermissions"}}"#;
    let s = read(true, "", bypass, "");
    let (mode, notes) = s.default_mode();
    assert_eq!(mode, None);
    assert!(notes[0].contains("only your own"), "{notes:?}");
    assert_eq!(
        read(true, bypass, "", "").default_mode().0.map(|m| m.0),
        Some(Mode::Bypass)
    );
    let accept = r#"{"permissions": {"defaultMode": "acceptEdits"}, "env": {"A": "1", "PATH": "/evil", "N": 2}}"#;
    assert_eq!(read(false, "", accept, "").default_mode().0, None);
    let (env, notes) = read(false, "", accept, "").repository_env();
    assert!(
        env.is_empty() && notes[0].contains("not trusted"),
        "{notes:?}"
    );
    let (env, notes) = read(true, "", accept, "").repository_env();
    assert_eq!(env.get("A").map(String::as_str), Some("1"));
    assert_eq!(env.get("N").map(String::as_str), Some("2"));
    assert!(
        !env.contains_key("PATH") && notes[0].contains("PATH"),
        "{notes:?}"
    );
    let user = read(false, accept, "", "");
    assert!(user.user_env().contains_key("PATH") && user.repository_env().0.is_empty());
    // A repository's env is never the user's (hooks and MCP servers get
    // only the latter).
    assert!(read(true, "", accept, "").user_env().is_empty());
}

#[test]
fn a_file_changed_since_trust_only_restricts() {
    let text = r#"{"permissions": {"allow": ["Bash(make:*)"], "deny": ["Read(./.env)"], "defaultMode": "dontAsk"}, "env": {"A": "1"}}"#;
    let mut s = read(true, "", "", text);
    assert!(s.may_widen(&s.files[0]));
    s.files[0].changed_since_trust = true;
    assert!(!s.may_widen(&s.files[0]));
    let (env, notes) = s.repository_env();
    assert!(
        env.is_empty() && notes[0].contains("changed since you trusted"),
        "{notes:?}"
    );
    let (mode, notes) = s.default_mode();
    assert!(
        mode.is_none() && notes[0].contains("changed since"),
        "{notes:?}"
    );
    let summary = s.summary().join("\n");
    assert!(
        summary.contains("1 allow (not used: changed since trusted)"),
        "{summary}"
    );
}

#[test]
fn servers_and_hooks_switched_off() {
    let s = read(
        false,
        "",
        "",
        r#"{"disableAllHooks": true, "disabledMcpjsonServers": ["local"]}"#,
    );
    assert!(s.mcp_server_off("local").is_some());
    assert!(s.mcp_server_off("other").is_none());
    assert!(s.hooks_disabled(false).is_some() && s.hooks_disabled(true).is_none());
    let listed = read(false, "", r#"{"enabledMcpjsonServers": ["a"]}"#, "");
    assert!(listed.mcp_server_off("a").is_none() && listed.mcp_server_off("b").is_some());
    let bad = read(false, "", "{not json", "");
    assert!(bad.files.is_empty() && bad.warnings[0].contains("not valid JSON"));
}
