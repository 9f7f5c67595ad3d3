//! A plugin hook file whose events sit at its top level, outside the
//! `"hooks"` object (which Claude Code refuses), is never taken as "no
//! hooks": `plugins validate` fails naming the file and the events,
//! `plugins install`, `hooks list` and a session warn of it, and an
//! unknown top-level key is named too. The same for a hook file the
//! manifest names.

use super::run;
use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};

const UNWRAPPED: &str = r#"{"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "exit 2"}]}],
  "Stop": [{"hooks": [{"type": "command", "command": "true"}]}], "Bogus": 3}"#;

fn all(r: &Run) -> String {
    format!("{}{}", r.stdout, r.stderr)
}

/// Asserts `text` has a line naming `file`, both events at the top level
/// and where they belong, and one naming the unknown key.
fn names_the_shape(text: &str, file: &std::path::Path) {
    let file = file.display().to_string();
    assert!(
        text.lines().any(|l| l.contains(&file)
            && l.contains("the PreToolUse, Stop hooks at the top level of the file")
            && l.contains(r#"events belong inside "hooks""#)),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains(&file) && l.contains("the unknown top-level key `Bogus`")),
        "{text}"
    );
}

#[test]
fn events_outside_the_hooks_object_are_named_everywhere() {
    let env = TestEnv::new("responses");
    let market = env.home.path().join("market");
    let src = market.join("plugins/unwrapped");
    std::fs::create_dir_all(src.join(".claude-plugin")).unwrap();
    std::fs::create_dir_all(src.join("hooks")).unwrap();
    std::fs::write(
        src.join(".claude-plugin/plugin.json"),
        r#"{"name": "unwrapped"}"#,
    )
    .unwrap();
    std::fs::write(src.join("hooks/hooks.json"), UNWRAPPED).unwrap();

    let r = run(&env, &["plugins", "validate", &src.display().to_string()]);
    assert_eq!(r.code, 1, "{}", all(&r));
    names_the_shape(&r.stderr, &src.join("hooks/hooks.json"));
    assert!(r.stderr.contains("2 problem(s)"), "{}", r.stderr);

    std::fs::create_dir_all(market.join(".claude-plugin")).unwrap();
    std::fs::write(
        market.join(".claude-plugin/marketplace.json"),
        r#"{"name": "um", "owner": {"name": "t"}, "plugins": [
            {"name": "unwrapped", "source": "./plugins/unwrapped", "description": "d"}]}"#,
    )
    .unwrap();
    let market = market.display().to_string();
    let r = run(&env, &["plugins", "marketplace", "add", &market]);
    assert_eq!(r.code, 0, "{}", all(&r));
    let r = run(&env, &["plugins", "install", "unwrapped"]);
    assert_eq!(r.code, 0, "{}", all(&r));
    let installed = env.repo_path().join(".agents/plugins/unwrapped");
    let file = installed.join("hooks/hooks.json");
    assert!(file.is_file(), "{}", all(&r));
    assert!(!r.stdout.contains("they run once approved"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("hooks: hooks/hooks.json — no hook in it runs"),
        "{}",
        r.stdout
    );
    names_the_shape(&r.stderr, &file);
    assert!(
        r.stderr
            .contains("warning: plugin unwrapped has 2 problem(s)"),
        "{}",
        r.stderr
    );

    let r = run(&env, &["hooks", "list"]);
    names_the_shape(&r.stderr, &file);

    env.server.push_all([Reply::text("done")]);
    let r = run(&env, &["exec", "--json", "say done"]);
    assert_eq!(r.code, 0, "{}", all(&r));
    let warned: Vec<String> = r
        .of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or_default().to_string())
        .collect();
    names_the_shape(&warned.join("\n"), &file);
}

#[test]
fn a_hook_file_the_manifest_names_is_judged_the_same() {
    let env = TestEnv::new("responses");
    let src = env.home.path().join("src/named");
    std::fs::create_dir_all(src.join(".claude-plugin")).unwrap();
    std::fs::write(
        src.join(".claude-plugin/plugin.json"),
        r#"{"name": "named", "hooks": "./hooks.json"}"#,
    )
    .unwrap();
    std::fs::write(src.join("hooks.json"), UNWRAPPED).unwrap();
    let r = run(&env, &["plugins", "validate", &src.display().to_string()]);
    assert_eq!(r.code, 1, "{}", all(&r));
    names_the_shape(&r.stderr, &src.join("hooks.json"));

    // Wrapped, with a description: valid.
    std::fs::write(
        src.join("hooks.json"),
        format!(r#"{{"description": "guards", "hooks": {UNWRAPPED}}}"#)
            .replace(", \"Bogus\": 3", ""),
    )
    .unwrap();
    let r = run(&env, &["plugins", "validate", &src.display().to_string()]);
    assert_eq!(r.code, 0, "{}", all(&r));
    assert!(r.stdout.lines().any(|l| l == "valid"), "{}", r.stdout);
}
