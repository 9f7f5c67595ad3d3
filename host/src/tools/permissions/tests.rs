use std::path::Path;

use serde_json::json;

use super::*;
use crate::config::claude_settings::{ClaudeSettings, Scope, SettingsFile};

fn file(scope: Scope, rules: &[(RuleKind, &str)]) -> SettingsFile {
    SettingsFile {
        path: PathBuf::from(match scope {
            Scope::User => "/home/u/.claude/settings.json",
            _ => "/w/.claude/settings.json",
        }),
        scope,
        rules: rules.iter().map(|(k, r)| (*k, r.to_string())).collect(),
        default_mode: None,
        additional_directories: Vec::new(),
        env: Default::default(),
        disabled_mcpjson_servers: Vec::new(),
        enabled_mcpjson_servers: None,
        enable_all_project_mcp_servers: None,
        disable_all_hooks: false,
        changed_since_trust: false,
    }
}

fn perms(trusted: bool, files: Vec<SettingsFile>) -> (Permissions, Notes) {
    let settings = ClaudeSettings {
        files,
        project_root: Some(PathBuf::from("/w")),
        project_trusted: trusted,
        warnings: Vec::new(),
    };
    Permissions::new(&settings, Path::new("/w"))
}

fn shell(p: &Permissions, command: &str) -> Verdict {
    p.check("shell", &json!({ "command": command }), Path::new("/w"))
}

fn is_deny(v: &Verdict) -> bool {
    matches!(v, Verdict::Deny(_))
}

fn patch(path: &str) -> Value {
    json!({ "patch": format!("*** Begin Patch\n*** Update File: {path}\n@@\n-a\n+b\n*** End Patch\n") })
}

#[test]
fn deny_rules_refuse_commands_files_and_mcp_tools() {
    use RuleKind::Deny;
    let (p, notes) = perms(
        false,
        vec![file(
            Scope::Project,
            &[
                (Deny, "Bash(rm:*)"),
                (Deny, "Read(./.env)"),
                (Deny, "Edit(src/**)"),
                (Deny, "mcp__local"),
                (Deny, "WebFetch(domain:evil.com)"),
            ],
        )],
    );
    assert!(is_deny(&shell(&p, "ls && rm -rf x")));
    assert!(is_deny(&shell(&p, "rm -rf $(pwd)/x")));
    assert_eq!(shell(&p, "ls -la"), Verdict::None);
    let Verdict::Deny(text) = p.check("read_file", &json!({"path": ".env"}), Path::new("/w"))
    else {
        panic!("read of .env not denied");
    };
    assert!(text.contains("Read(./.env)") && text.contains("/w/.claude/settings.json"));
    assert!(is_deny(&p.check(
        "grep",
        &json!({"pattern": "x", "path": ".env"}),
        Path::new("/w")
    )));
    assert!(is_deny(&p.check(
        "apply_patch",
        &patch("src/app.py"),
        Path::new("/w")
    )));
    assert_eq!(
        p.check("apply_patch", &patch("docs/a.md"), Path::new("/w")),
        Verdict::None
    );
    assert!(is_deny(&p.check(
        "mcp__local__envtool",
        &json!({}),
        Path::new("/w")
    )));
    assert_eq!(
        p.check("mcp__other__envtool", &json!({}), Path::new("/w")),
        Verdict::None
    );
    assert!(
        notes.not_needed.iter().any(|n| n.contains("WebFetch")),
        "{notes:?}"
    );
}

#[test]
fn a_line_quire_cannot_split_asks_unless_its_first_word_is_denied() {
    let (p, _) = perms(
        false,
        vec![file(Scope::Project, &[(RuleKind::Deny, "Bash(curl:*)")])],
    );
    assert!(matches!(shell(&p, "echo $(curl x)"), Verdict::Ask(_)));
    assert!(is_deny(&shell(&p, "curl $(echo x)")));
}

#[test]
fn ask_comes_after_deny_and_before_allow() {
    let (p, _) = perms(
        true,
        vec![file(
            Scope::Project,
            &[
                (RuleKind::Allow, "Bash(git:*)"),
                (RuleKind::Ask, "Bash(git push:*)"),
                (RuleKind::Deny, "Bash(git push --force:*)"),
            ],
        )],
    );
    assert!(matches!(shell(&p, "git push origin"), Verdict::Ask(_)));
    assert!(is_deny(&shell(&p, "git push --force")));
    assert!(matches!(shell(&p, "git status"), Verdict::Allow(_)));
}

#[test]
fn allow_needs_every_command_and_trust() {
    let rules = [(RuleKind::Allow, "Bash(npm run test:*)")];
    let (p, _) = perms(true, vec![file(Scope::Project, &rules)]);
    assert!(matches!(shell(&p, "npm run test -- x"), Verdict::Allow(_)));
    assert_eq!(shell(&p, "npm run test && rm -rf /"), Verdict::None);
    assert_eq!(shell(&p, "npm run test $(rm x)"), Verdict::None);
    let (untrusted, notes) = perms(false, vec![file(Scope::Project, &rules)]);
    assert_eq!(shell(&untrusted, "npm run test"), Verdict::None);
    assert!(
        notes.unusable.iter().any(|n| n.contains("not trusted")),
        "{notes:?}"
    );
    let (user, _) = perms(false, vec![file(Scope::User, &rules)]);
    assert!(matches!(shell(&user, "npm run test"), Verdict::Allow(_)));
}

#[test]
fn unknown_rule_forms_are_named() {
    let (p, notes) = perms(
        true,
        vec![file(
            Scope::User,
            &[(RuleKind::Deny, "Bassh(rm:*)"), (RuleKind::Deny, "Bash(rm")],
        )],
    );
    assert!(p.is_empty());
    let notes = notes.unusable;
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].contains("Bassh") && notes[0].contains("Bash"),
        "{notes:?}"
    );
}

#[test]
fn claude_names_of_a_plugins_mcp_tools_are_quires() {
    use RuleKind::Deny;
    let (p, _) = perms(
        false,
        vec![file(
            Scope::Project,
            &[
                (Deny, "mcp__plugin_mp_echosrv__echo"),
                (Deny, "mcp__plugin_db_sql"),
            ],
        )],
    );
    let w = Path::new("/w");
    assert!(is_deny(&p.check("mcp__mp_echosrv__echo", &json!({}), w)));
    assert!(is_deny(&p.check("mcp__db_sql__query", &json!({}), w)));
    assert_eq!(
        p.check("mcp__mp_echosrv__other", &json!({}), w),
        Verdict::None
    );
}
