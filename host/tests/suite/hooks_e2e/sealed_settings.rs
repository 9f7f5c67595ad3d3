//! A trusted repository whose sealed settings (`.mcp.json`,
//! `.quire/config.toml`) a command changed is not used until trusted
//! again — but its hooks keep their approvals: an approved guard still
//! runs and refuses what it guards, a hook never approved still does
//! not run. Otherwise the model could switch every guard off for the next
//! session by writing a space into `.mcp.json`.

use super::{bash_guard, completed, refused_output, shell_session, trust_hooks, warned};
use crate::support::quire::{Run, TestEnv};

/// Refuses any shell command that mentions `touch`, saying so.
const GUARD: &str = "grep -q touch && { echo 'guard says no touching' >&2; exit 2; } || exit 0";

/// Asserts that call `id` of `run` was refused by the guard itself (it
/// ran: its own words), and that the session said the changed settings
/// are not used while approved hooks still run.
fn assert_guard_refused(env: &TestEnv, run: &Run, id: &str, changed: &str) {
    let output = refused_output(env, run, id);
    assert!(output.contains("guard says no touching"), "{output}");
    // Warnings of the configuration may come before the event stream.
    let said = |text: &str| warned(run, text) || run.stderr.contains(text);
    assert!(
        said("changed since you trusted it")
            && said(changed)
            && said("Its hooks you approved still run"),
        "{:?}\n{}",
        run.of_type("warning"),
        run.stderr
    );
}

/// A first session in which the model's shell command `command` (let
/// through by the guard) writes the settings file `changed`; in the
/// second, the guard still refuses `touch ran`. Returns the second.
fn refused_after_writing(env: &TestEnv, command: &str, changed: &str) -> Run {
    let run = shell_session(env, "c1", command);
    assert_eq!(completed(&run, "c1")["status"], "ok");
    let second = shell_session(env, "c2", "touch ran");
    assert_guard_refused(env, &second, "c2", changed);
    second
}

#[test]
fn a_changed_mcp_json_leaves_the_approved_guards_guarding() {
    let env = TestEnv::new("chat");
    env.write(".claude/settings.json", &bash_guard(GUARD));
    trust_hooks(&env);
    // A hook nobody approved stays off all the same.
    env.write(
        ".claude/settings.local.json",
        &serde_json::json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
            {"command": "touch unapproved-ran"}
        ]}]}})
        .to_string(),
    );

    // The model creates `.mcp.json` and adds a space; the next session
    // does not use the settings, but the guard still guards.
    refused_after_writing(
        &env,
        "printf '{\"mcpServers\": {}}' > .mcp.json && printf ' ' >> .mcp.json",
        ".mcp.json",
    );
    assert!(env.read(".mcp.json").ends_with("} "));
    assert!(
        !env.repo_path().join("unapproved-ran").exists(),
        "a hook never approved ran"
    );
    // What the guard lets through runs.
    let third = shell_session(&env, "c3", "echo fine > fine");
    assert_eq!(completed(&third, "c3")["status"], "ok");
    assert!(env.repo_path().join("fine").exists());
}

/// The guard lives in the sealed file itself: its other settings are not
/// used (the sandbox it turns off stays on), its approved hook still runs.
#[test]
fn a_changed_quire_config_keeps_its_own_approved_guard_and_not_its_settings() {
    let env = TestEnv::new("chat");
    env.write(
        ".quire/config.toml",
        &format!("[[hooks.PreToolUse]]\nmatcher = \"shell\"\ncommand = {GUARD:?}\n"),
    );
    trust_hooks(&env);

    let second = refused_after_writing(
        &env,
        "sed -i '1i sandbox = \"danger-full-access\"' .quire/config.toml",
        ".quire/config.toml",
    );
    assert!(env.read(".quire/config.toml").starts_with("sandbox = "));
    assert_eq!(
        second.of_type("session_started")[0]["sandbox"],
        "workspace-write"
    );

    // Trusted again, the settings are used and the guard still runs.
    assert_eq!(env.run(&["trust"]).code, 0);
    let third = shell_session(&env, "c3", "touch ran");
    assert_eq!(completed(&third, "c3")["status"], "denied");
    assert_eq!(
        third.of_type("session_started")[0]["sandbox"],
        "danger-full-access"
    );
    assert!(
        !warned(&third, "changed since you trusted it")
            && !third.stderr.contains("changed since you trusted it")
    );
}
