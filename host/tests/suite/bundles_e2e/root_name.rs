//! A plugin under a folder whose name holds shell code: quoting
//! `${CLAUDE_PLUGIN_ROOT}` for the shell that runs the hook cannot protect
//! a second reading of the command (`bash -c '…'`, `eval`, a
//! here-document fed to bash), so its command hooks never run — an
//! approved guard blocks what it guards, naming the folder — and nothing
//! in the name ever runs.

use std::path::Path;

use serde_json::json;

use super::hooks::touch;
use super::support::quire::TestEnv;
use super::{copy_dir, fixture, run};

/// Each hands the command's text to a shell that reads it again.
const FORMS: [&str; 5] = [
    "bash -c 'bash ${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh'",
    "sh -c \"bash ${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh\"",
    "eval bash ${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh",
    "bash <<'EOF'\nbash ${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh\nEOF",
    "bash <<EOF\nbash ${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh\nEOF",
];

#[test]
fn a_plugin_under_a_folder_named_with_shell_code_never_runs_it() {
    let env = TestEnv::new("responses");
    let installed = env
        .repo_path()
        .join(".agents/plugins/kit $(touch X1) `touch X2`");
    copy_dir(&fixture("claude-kit"), &installed);
    let entries: Vec<_> = FORMS
        .iter()
        .map(|c| json!({"matcher": "Bash", "hooks": [{"type": "command", "command": c}]}))
        .collect();
    std::fs::write(
        installed.join("hooks/hooks.json"),
        json!({"hooks": {"PreToolUse": entries}}).to_string(),
    )
    .unwrap();

    let r = run(&env, &["hooks", "list"]);
    let said: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("does not run") && l.contains("rename that folder"))
        .collect();
    assert_eq!(said.len(), FORMS.len(), "{}", r.stderr);
    assert!(
        said[0].contains("under the folder \"kit $(touch X1) `touch X2`\"")
            && said[0].contains("has `$`"),
        "{}",
        said[0]
    );

    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Approved, the list still says they do not run, never "runs".
    let r = run(&env, &["hooks", "list"]);
    let states: Vec<&str> = r.stdout.lines().filter(|l| l.contains("  [")).collect();
    assert_eq!(states.len(), FORMS.len(), "{}", r.stdout);
    assert!(
        states
            .iter()
            .all(|l| l.contains("[does not run: its plugin's folder path") && !l.contains("[runs")),
        "{}",
        r.stdout
    );
    let r = touch(&env, "made.txt");
    assert!(!env.repo_path().join("made.txt").exists(), "{:?}", r.events);
    let done = r.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], true, "{:?}", done[0]);
    let out = done[0]["output"].as_str().unwrap_or_default();
    assert!(
        out.contains("did not run, and the tool call waits for it")
            && out.contains("rename that folder"),
        "{out}"
    );
    let started = r.of_type("hook_started");
    assert!(started.is_empty(), "a hook ran: {started:?}");

    let r = run(
        &env,
        &["plugins", "validate", &installed.display().to_string()],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("rename that folder"), "{}", r.stderr);

    for dir in [env.repo_path(), env.home.path().to_path_buf()] {
        for name in ["X1", "X2"] {
            assert!(found(&dir, name).is_none(), "{name} made in {dir:?}");
        }
    }
}

/// A file named `name` anywhere under `dir`.
fn found(dir: &Path, name: &str) -> Option<std::path::PathBuf> {
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        if p.file_name().is_some_and(|n| n == name) {
            return Some(p);
        }
        if p.is_dir()
            && !p.is_symlink()
            && let Some(f) = found(&p, name)
        {
            return Some(f);
        }
    }
    None
}
