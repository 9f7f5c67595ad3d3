//! A guard approved for this repository that the model switches off by
//! editing `.claude/settings.json` (its command changed, its entry
//! deleted) keeps guarding in later sessions: what it matched is refused,
//! naming it, until the user accepts the change with `quire hooks trust`.

use serde_json::json;

use super::{bash_guard, completed, refused_output, shell_session, trust_hooks, warned};
use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv};

/// Refuses any shell command that mentions `touch`; lets others run.
const GUARD: &str = "grep -q touch && exit 2 || exit 0";

/// A repository whose approved guard refuses `touch`.
fn guarded_env() -> TestEnv {
    let env = TestEnv::new("chat");
    env.write(".claude/settings.json", &bash_guard(GUARD));
    trust_hooks(&env);
    env
}

/// Asserts that call `id` of `run` was refused for the gone guard, and
/// that the session said so at its start.
fn assert_refused_for_gone_guard(env: &TestEnv, run: &Run, id: &str) {
    let output = refused_output(env, run, id);
    let settings = env.repo_path().join(".claude/settings.json");
    assert!(
        output.contains(&format!(
            "the PreToolUse hook `{GUARD}` ({}) approved for this repository was removed, or its matcher or command changed",
            settings.display()
        )) && output.contains("`quire hooks trust`"),
        "{output}"
    );
    assert!(
        warned(run, "approved for this repository are gone from its files")
            && warned(run, "accept it with `quire hooks trust`"),
        "{:?}",
        run.of_type("warning")
    );
}

#[test]
fn a_guard_whose_command_the_model_changed_still_refuses_until_accepted() {
    let env = guarded_env();
    // First session: the model switches the guard off by its command.
    let edit = "sed -i 's/exit 2/exit 0/' .claude/settings.json";
    let first = shell_session(&env, "c1", edit);
    assert_eq!(completed(&first, "c1")["status"], "ok");
    assert!(env.read(".claude/settings.json").contains("&& exit 0"));

    // Second session: the guarded call is refused all the same.
    let second = shell_session(&env, "c2", "touch ran");
    assert_refused_for_gone_guard(&env, &second, "c2");

    // `hooks list` shows it; `hooks trust` accepts the change.
    let list = env.run(&["hooks", "list"]);
    assert!(
        list.stdout.contains("GONE since approved — still guarding") && list.stdout.contains(GUARD),
        "{}",
        list.stdout
    );
    let trust = trust_hooks(&env);
    assert!(
        trust.stdout.contains("accepted: ") && trust.stdout.contains("approved "),
        "{}",
        trust.stdout
    );
    let third = shell_session(&env, "c3", "touch ran");
    assert_eq!(completed(&third, "c3")["status"], "ok");
    assert!(env.repo_path().join("ran").exists(), "still blocked");
    assert!(!warned(&third, "gone from its files"));
}

#[test]
fn a_guard_whose_entry_was_deleted_still_refuses_until_accepted() {
    let env = guarded_env();
    shell_session(&env, "c1", "printf '{}' > .claude/settings.json");
    assert_eq!(env.read(".claude/settings.json"), "{}");

    let second = shell_session(&env, "c2", "touch ran");
    assert_refused_for_gone_guard(&env, &second, "c2");
    // `--json` lists it with its state.
    let list = env.run(&["hooks", "list", "--json"]);
    let gone: serde_json::Value =
        serde_json::from_str(list.stdout.lines().next().unwrap_or("")).expect("a JSON line");
    assert_eq!(gone["trust"], "gone", "{gone}");

    trust_hooks(&env);
    shell_session(&env, "c3", "touch ran");
    assert!(env.repo_path().join("ran").exists(), "still blocked");
}

/// Only approved guards count: a guard never approved and an approved
/// hook that guards nothing can go away without blocking anything.
#[test]
fn hooks_that_were_not_approved_guards_can_go_without_a_block() {
    let env = TestEnv::new("chat");
    env.write(
        ".claude/settings.json",
        &json!({"hooks": {"PostToolUse": [{"matcher": "Bash", "hooks": [
            {"command": "true"}
        ]}]}})
        .to_string(),
    );
    trust_hooks(&env);
    env.write(".claude/settings.local.json", &bash_guard("exit 2"));
    std::fs::remove_file(env.repo.path().join(".claude/settings.json")).unwrap();
    std::fs::remove_file(env.repo.path().join(".claude/settings.local.json")).unwrap();

    let run = shell_session(&env, "c1", "touch ran");
    assert_eq!(completed(&run, "c1")["status"], "ok");
    assert!(env.repo_path().join("ran").exists());
    assert!(!warned(&run, "gone from its files"));
}

/// A repository whose `.git` the model renamed is still the folder its
/// hooks were approved for: the guard keeps guarding, and `hooks list`
/// still shows it.
#[test]
fn a_guard_keeps_guarding_after_the_model_renames_dot_git() {
    let env = guarded_env();
    let first = shell_session(&env, "c1", "mv .git .gitx");
    assert_eq!(completed(&first, "c1")["status"], "ok");
    assert!(!env.repo_path().join(".git").exists());

    let second = shell_session(&env, "c2", "touch ran");
    refused_output(&env, &second, "c2");
    assert!(
        !env.repo_path().join("ran").exists(),
        "the guard was switched off"
    );
    let list = env.run(&["hooks", "list"]);
    assert!(list.stdout.contains(GUARD), "{}", list.stdout);
}

/// A `.git` the model makes inside `.claude/` does not make the settings
/// another repository's: the emptied guard is gone, and still refuses.
#[test]
fn a_git_folder_inside_dot_claude_does_not_take_the_guard_away() {
    let env = guarded_env();
    shell_session(
        &env,
        "c1",
        "mkdir .claude/.git && printf '{}' > .claude/settings.json",
    );
    let second = shell_session(&env, "c2", "touch ran");
    assert_refused_for_gone_guard(&env, &second, "c2");
}

/// With `.git` renamed, a session started in a subfolder still finds the
/// repository's hooks (the nearest folder with `.claude` settings).
#[test]
fn a_guard_keeps_guarding_in_a_subfolder_after_dot_git_is_renamed() {
    let env = guarded_env();
    env.write("sub/.keep", "");
    shell_session(&env, "c1", "mv .git .gitx");
    env.server.push_all([
        Reply::tool_call("c2", "shell", json!({"command": "touch ../ran"})),
        Reply::text("done"),
    ]);
    let sub = env.repo_path().join("sub");
    let run = env.exec_json(
        "go",
        &["--approval", "never", "-C", &sub.display().to_string()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    refused_output(&env, &run, "c2");
}
