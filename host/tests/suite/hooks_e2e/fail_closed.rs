//! A hook that cannot be read never leaves the session running without
//! the guards next to it: a misspelled event in config.toml stops quire
//! at the line, one in Claude settings skips only that entry with a
//! warning, approval covers scripts however the command reaches them,
//! and a PreToolUse guard that cannot start refuses the call.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{add_user_hooks, hook_toml, refused_output, script, shell_session};

#[test]
fn a_misspelled_event_in_config_toml_stops_quire_before_any_tool_runs() {
    let env = TestEnv::new("chat");
    let guard = script(&env, "guard.sh", "#!/bin/bash\nexit 2\n");
    add_user_hooks(
        &env,
        &[
            hook_toml("PreToolUse", Some("shell"), &guard, ""),
            hook_toml("PostTooluse", Some("shell"), &guard, ""),
        ],
    );
    env.write("victim", "keep me");
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "rm victim"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("clean up", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("unknown hook event `hooks.PostTooluse`")
            && run.stderr.contains("did you mean 'PostToolUse'?")
            && run.stderr.contains("config.toml:"),
        "{}",
        run.stderr
    );
    assert!(env.repo_path().join("victim").exists());
    let list = env.run(&["hooks", "list"]);
    assert_eq!(list.code, 2, "{}", list.stderr);
}

#[test]
fn a_misspelled_event_in_claude_settings_is_a_warning_and_the_other_hooks_still_guard() {
    let env = TestEnv::new("chat");
    let settings = json!({"hooks": {
        "PretoolUse": [{"matcher": "Bash", "hooks": [{"command": "exit 2"}]}],
        "PreToolUse": [{"matcher": "Bash", "hooks": [
            {"command": "echo 'no rm here' >&2; exit 2"},
            {"type": "prompt", "prompt": "is this safe?"}
        ]}]
    }});
    env.write(".claude/settings.json", &settings.to_string());
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    env.write("victim", "keep me");
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "rm victim"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("clean up", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(env.repo_path().join("victim").exists());
    let warnings: Vec<String> = run
        .of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_string())
        .collect();
    let has = |s: &str| warnings.iter().any(|w| w.contains(s));
    assert!(
        has("quire has no PretoolUse event; did you mean 'PreToolUse'?")
            && has("a `prompt` hook of PreToolUse"),
        "{warnings:?}"
    );
}

#[test]
fn an_approved_hook_reaching_its_script_through_cd_waits_again_after_an_edit() {
    let env = TestEnv::new("chat");
    let ran = env.home.path().join("edited-ran");
    env.write(".claude/hooks/d.sh", "#!/bin/bash\nexit 0\n");
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"command": "cd .claude/hooks && bash ./d.sh"}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    env.write(
        ".claude/hooks/d.sh",
        &format!("#!/bin/bash\ntouch {:?}\n", ran.display().to_string()),
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo hi"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!ran.exists(), "the edited script ran without approval");
    assert!(run.of_type("hook_started").is_empty(), "{:?}", run.events);
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("not_approved"), "{}", list.stdout);
}

#[test]
fn an_untrusted_repositorys_broken_hook_file_is_not_reported() {
    let env = super::untrusted_env("chat");
    env.write(".quire/config.toml", "[[hooks.Stop]\ncommand = \n");
    env.server.push_all([Reply::text("done")]);
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let messages: Vec<String> = run
        .of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        !messages.iter().any(|m| m.contains("hooks not loaded")),
        "{messages:?}"
    );
}

#[test]
fn a_guard_whose_matcher_is_not_a_regex_stops_quire_naming_it() {
    let env = TestEnv::new("chat");
    let guard = script(&env, "guard.sh", "#!/bin/bash\nexit 2\n");
    add_user_hooks(&env, &[hook_toml("PreToolUse", Some("Bash("), &guard, "")]);
    env.write("victim", "keep me");
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "rm victim"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("clean up", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("hook 1 of [[hooks.PreToolUse]]")
            && run
                .stderr
                .contains("its matcher \"Bash(\" is not a valid regex: unclosed group")
            && run.stderr.contains("config.toml:"),
        "{}",
        run.stderr
    );
    assert!(env.repo_path().join("victim").exists());
    assert!(env.server.requests().is_empty(), "no turn started");
}

/// `continue: false` from a PreToolUse hook stops before the call runs,
/// and no later call of the same answer starts.
#[test]
fn continue_false_from_a_pre_tool_hook_stops_before_the_call() {
    let env = TestEnv::new("chat");
    let stop = script(
        &env,
        "stop.sh",
        "#!/bin/bash\ncat >/dev/null\necho '{\"continue\": false, \"stopReason\": \"EMERGENCY STOP\"}'\n",
    );
    add_user_hooks(&env, &[hook_toml("PreToolUse", Some("shell"), &stop, "")]);
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "touch ran"})),
        Reply::text("unused"),
    ]);
    let run = env.exec_json("go", &[]);
    assert!(
        !env.repo_path().join("ran").exists(),
        "the call ran: {}",
        run.stderr
    );
    let done = run.of_type("tool_completed");
    assert_eq!(done.len(), 1, "{:?}", run.events);
    assert!(
        done[0]["output"]
            .as_str()
            .unwrap_or("")
            .contains("a hook stopped the session: EMERGENCY STOP"),
        "{:?}",
        done[0]
    );
    assert_eq!(run.of_type("task_completed")[0]["status"], "blocked");
    // A stopped task is not done: `quire exec` exits 1 (README, exit codes).
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(env.server.requests().len(), 1, "no request after the stop");
}

/// An out-of-range `timeout_sec` is named at its own line (not the
/// table's header) with the range quire accepts.
#[test]
fn an_out_of_range_hook_timeout_is_named_at_its_line_with_the_range() {
    let env = TestEnv::new("chat");
    let guard = script(&env, "guard.sh", "#!/bin/bash\nexit 0\n");
    let file = env.home.path().join("config.toml");
    for value in ["-1", "0"] {
        let before = std::fs::read_to_string(&file).unwrap();
        add_user_hooks(
            &env,
            &[hook_toml(
                "PreToolUse",
                Some("shell"),
                &guard,
                &format!("timeout_sec = {value}"),
            )],
        );
        let text = std::fs::read_to_string(&file).unwrap();
        let line = text
            .lines()
            .position(|l| l.starts_with("timeout_sec"))
            .unwrap()
            + 1;
        let list = env.run(&["hooks", "list"]);
        assert_eq!(list.code, 2, "{}", list.stderr);
        assert!(
            list.stderr.contains(&format!("config.toml:{line}: "))
                && list.stderr.contains(&format!(
                    "timeout_sec must be a whole number of seconds, at least 1, got {value}"
                )),
            "{}",
            list.stderr
        );
        std::fs::write(&file, before).unwrap();
    }
}

/// A bad matcher in the third of three `[[hooks.PreToolUse]]` entries is
/// reported at that entry's own line, not the first entry's.
#[test]
fn a_bad_matcher_in_the_third_hook_is_named_at_its_own_entry() {
    let env = TestEnv::new("chat");
    let guard = script(&env, "guard.sh", "#!/bin/bash\nexit 0\n");
    add_user_hooks(
        &env,
        &[
            hook_toml("PreToolUse", Some("shell"), &guard, ""),
            hook_toml("PreToolUse", Some("apply_patch"), &guard, ""),
            hook_toml("PreToolUse", Some("(unclosed"), &guard, ""),
        ],
    );
    let text = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    let headers: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[hooks.PreToolUse]]")
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(headers.len(), 3, "{text}");
    let list = env.run(&["hooks", "list"]);
    assert_eq!(list.code, 2, "{}", list.stderr);
    assert!(
        list.stderr
            .contains(&format!("config.toml:{}: hook 3 of", headers[2]))
            && list.stderr.contains("(unclosed"),
        "{}\n{text}",
        list.stderr
    );
}

/// A PreToolUse guard that cannot start (a command not found, exit 127; a
/// script without its exec bit, exit 126) refuses the call, naming the
/// hook and the error; a PostToolUse hook that cannot start only warns.
#[test]
fn a_guard_that_cannot_start_refuses_the_call() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new("chat");
    let missing = script(&env, "missing.sh", "#!/bin/bash\nno-such-guard-xyz\n");
    add_user_hooks(
        &env,
        &[hook_toml("PreToolUse", Some("shell"), &missing, "")],
    );
    let run = shell_session(&env, "c1", "touch ran");
    let out = refused_output(&env, &run, "c1");
    assert!(
        out.contains(&format!(
            "the PreToolUse hook `{}` could not start (exit code 127: command not found",
            missing.display()
        )) && out.contains("no-such-guard-xyz"),
        "{out}"
    );

    let env = TestEnv::new("chat");
    let plain = script(&env, "plain.sh", "#!/bin/bash\nexit 0\n");
    std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o644)).unwrap();
    add_user_hooks(&env, &[hook_toml("PreToolUse", Some("shell"), &plain, "")]);
    let run = shell_session(&env, "c1", "touch ran");
    let out = refused_output(&env, &run, "c1");
    assert!(
        out.contains("could not start (exit code 126")
            && out.contains(&format!("run `chmod +x {}`", plain.display())),
        "{out}"
    );

    // Not a guard: the call runs, with a warning.
    let env = TestEnv::new("chat");
    let missing = script(&env, "missing.sh", "#!/bin/bash\nno-such-guard-xyz\n");
    add_user_hooks(
        &env,
        &[hook_toml("PostToolUse", Some("shell"), &missing, "")],
    );
    let run = shell_session(&env, "c1", "touch ran");
    assert!(env.repo_path().join("ran").exists());
    assert!(
        run.of_type("hook_completed")
            .iter()
            .any(|h| h["outcome"] == "error"
                && h["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("code 127"))),
        "{:?}",
        run.events
    );
}
