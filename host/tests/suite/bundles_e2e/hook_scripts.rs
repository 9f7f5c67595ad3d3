//! A plugin hook whose script is missing, or not executable when run as
//! the program, fails each time it fires: `plugins validate` reports it
//! (exit 1), `share add`, `hooks list`, a session and `doctor` warn of it
//! up front, each naming the event, the file and the fix. A script run by its
//! interpreter (`bash ${CLAUDE_PLUGIN_ROOT}/…`) need not be executable.

use std::os::unix::fs::PermissionsExt;

use super::run;
use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};

/// A Claude Code plugin `name` in the test's home whose PreToolUse hook
/// runs `guard.sh` (not executable), whose PostToolUse hook runs
/// `missing.sh` (absent) and whose Stop hook runs `bash tidy.sh` (not
/// executable either, but run by bash); its folder.
fn broken_plugin(env: &TestEnv, name: &str) -> std::path::PathBuf {
    let root = env.home.path().join("src").join(name);
    std::fs::create_dir_all(root.join(".claude-plugin")).unwrap();
    std::fs::create_dir_all(root.join("hooks")).unwrap();
    std::fs::write(
        root.join(".claude-plugin/plugin.json"),
        format!("{{\"name\": \"{name}\"}}"),
    )
    .unwrap();
    for script in ["guard.sh", "tidy.sh"] {
        let p = root.join("hooks").join(script);
        std::fs::write(&p, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    std::fs::write(
        root.join("hooks/hooks.json"),
        r#"{"hooks": {
  "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "\"${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh\""}]}],
  "PostToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/hooks/missing.sh --quiet"}]}],
  "Stop": [{"hooks": [{"type": "command", "command": "bash ${CLAUDE_PLUGIN_ROOT}/hooks/tidy.sh"}]}]
}}"#,
    )
    .unwrap();
    root
}

/// Asserts `text` names both broken hooks (event, hooks file, script,
/// fix) and nothing of the one run by bash.
fn names_both(text: &str, root: &std::path::Path) {
    let hooks_json = root.join("hooks/hooks.json").display().to_string();
    let guard = root.join("hooks/guard.sh").display().to_string();
    let missing = root.join("hooks/missing.sh").display().to_string();
    assert!(
        text.lines().any(|l| l.contains(&hooks_json)
            && l.contains("PreToolUse")
            && l.contains(&format!("{guard} is not executable"))
            && l.contains(&format!("run `chmod +x {guard}`"))),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.contains(&hooks_json)
            && l.contains("PostToolUse")
            && l.contains(&format!("{missing} does not exist"))
            && l.contains("add hooks/missing.sh to the plugin")),
        "{text}"
    );
    assert!(
        !text.lines().any(|l| l.contains("tidy.sh")
            && (l.contains("not executable") || l.contains("does not exist"))),
        "{text}"
    );
}

fn all(r: &Run) -> String {
    format!("{}{}", r.stdout, r.stderr)
}

#[test]
fn a_missing_or_non_executable_hook_script_is_named_before_the_hook_fires() {
    let env = TestEnv::new("responses");
    let src = broken_plugin(&env, "bad3");

    let r = run(&env, &["plugins", "validate", &src.display().to_string()]);
    assert_eq!(r.code, 1, "{}", all(&r));
    names_both(&r.stderr, &src);
    assert!(!r.stdout.lines().any(|l| l == "valid"), "{}", r.stdout);

    let r = run(
        &env,
        &["share", "add", "--user", &src.display().to_string()],
    );
    assert_eq!(r.code, 0, "{}", all(&r));
    let installed = env.home.path().join("user/.agents/plugins/bad3");
    assert!(installed.join("hooks/hooks.json").is_file(), "{}", all(&r));
    names_both(&r.stderr, &installed);

    let r = run(&env, &["hooks", "list"]);
    assert_eq!(r.code, 0, "{}", all(&r));
    names_both(&r.stderr, &installed);

    env.server.push_all([Reply::text("done")]);
    let r = run(&env, &["exec", "--json", "say done"]);
    assert_eq!(r.code, 0, "{}", all(&r));
    let warned: Vec<String> = r
        .of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or_default().to_string())
        .collect();
    names_both(&warned.join("\n"), &installed);

    let r = run(&env, &["doctor", "--json"]);
    let report: serde_json::Value = serde_json::from_str(r.stdout.trim()).expect("doctor's JSON");
    let warned: Vec<String> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] == "warn" && c["area"] == "plugins")
        .map(|c| c["message"].as_str().unwrap_or_default().to_string())
        .collect();
    names_both(&warned.join("\n"), &installed);

    // Fixed: validate finds nothing more.
    let guard = src.join("hooks/guard.sh");
    std::fs::set_permissions(&guard, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(src.join("hooks/missing.sh"), "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(
        src.join("hooks/missing.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let r = run(&env, &["plugins", "validate", &src.display().to_string()]);
    assert_eq!(r.code, 0, "{}", all(&r));
    assert!(r.stdout.lines().any(|l| l == "valid"), "{}", r.stdout);
}
