//! Hooks that hang, crash or print garbage never stop the loop; hooks of
//! one event run in parallel and any deny wins.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{TestEnv, wait_for_file, wait_gone};
use super::{add_user_hooks, hook_toml, script};

fn outcomes(run: &super::support::quire::Run) -> Vec<(String, String)> {
    run.of_type("hook_completed")
        .iter()
        .map(|e| {
            (
                e["outcome"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_hanging_hook_is_killed_at_its_timeout_with_its_children_and_the_turn_goes_on() {
    let env = TestEnv::new("responses");
    let pid_file = env.home.path().join("child.pid");
    let hook = script(
        &env,
        "hang.sh",
        &format!("#!/bin/bash\nsleep 300 &\necho $! > {pid_file:?}\nsleep 300\n"),
    );
    add_user_hooks(
        &env,
        &[hook_toml("PreToolUse", None, &hook, "timeout_sec = 1")],
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo still-ran"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.of_type("tool_completed")[0]["output"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(out.contains("still-ran"), "{out}");
    let o = outcomes(&run);
    assert_eq!(o[0].0, "timeout", "{o:?}");
    assert!(o[0].1.contains("timed out after 1s"), "{o:?}");
    let child: i32 = wait_for_file(&pid_file).parse().unwrap();
    assert!(wait_gone(child), "the hook's child process outlived it");
}

#[test]
fn a_timed_out_hooks_setsid_child_is_gone_before_the_session_goes_on() {
    let env = TestEnv::new("chat");
    let dir = env.home.path();
    let pid_file = dir.join("escaped.pid");
    let seen = dir.join("seen.txt");
    // The first run starts a child that leaves the group and hangs; the
    // second (the next tool call, same session) writes whether it lives.
    let hook = script(
        &env,
        "escape.sh",
        &format!(
            "#!/bin/bash\ncat >/dev/null\nif [ -s {pid_file:?} ]; then\n  p=$(cat {pid_file:?})\n  \
             if [ -d /proc/$p ] && ! grep -q '^State:.*Z' /proc/$p/status; then echo alive > {seen:?}; \
             else echo gone > {seen:?}; fi\n  exit 0\nfi\n\
             setsid sleep 300 </dev/null >/dev/null 2>&1 &\necho $! > {pid_file:?}\nsleep 300\n"
        ),
    );
    add_user_hooks(
        &env,
        &[hook_toml("PreToolUse", None, &hook, "timeout_sec = 1")],
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo one"})),
        Reply::tool_call("c2", "shell", json!({"command": "echo two"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(outcomes(&run)[0].0, "timeout", "{:?}", outcomes(&run));
    assert_eq!(
        wait_for_file(&seen),
        "gone",
        "the timed-out hook's setsid child was still running at the next call"
    );
}

#[test]
fn a_crashing_hook_and_one_printing_garbage_are_warnings() {
    let env = TestEnv::new("chat");
    let crash = script(
        &env,
        "crash.sh",
        "#!/bin/bash\necho 'about to die' >&2\nkill -SEGV $$\n",
    );
    let garbage = script(
        &env,
        "garbage.py",
        "#!/usr/bin/env python3\nprint('{ not json at all')\n",
    );
    let failing = script(
        &env,
        "fail.sh",
        "#!/bin/bash\necho 'config missing' >&2\nexit 7\n",
    );
    add_user_hooks(
        &env,
        &[
            hook_toml("PreToolUse", None, &crash, ""),
            hook_toml("PreToolUse", None, &garbage, ""),
            hook_toml("PreToolUse", None, &failing, ""),
        ],
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo went-on"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], false);
    assert!(done[0]["output"].as_str().unwrap().contains("went-on"));
    let o = outcomes(&run);
    assert_eq!(o.len(), 3, "{o:?}");
    assert!(o.iter().all(|(k, _)| k == "error"), "{o:?}");
    let all = o
        .iter()
        .map(|(_, m)| m.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("crashed (signal 11)"), "{all}");
    assert!(all.contains("not a JSON object"), "{all}");
    assert!(all.contains("exited with code 7: config missing"), "{all}");
}

#[test]
fn hooks_of_one_event_run_in_parallel_and_any_deny_wins() {
    let env = TestEnv::new("responses");
    let dir = env.home.path().join("meet");
    std::fs::create_dir_all(&dir).unwrap();
    // Each hook waits for the other's file: they finish only side by side.
    let meet = |me: &str, other: &str, then: &str| {
        format!(
            "#!/bin/bash\ncat > /dev/null\ntouch {dir:?}/{me}\nfor i in $(seq 200); do\n  [ -e {dir:?}/{other} ] && {{ {then}; }}\n  sleep 0.05\ndone\nexit 1\n"
        )
    };
    let allow = script(
        &env,
        "allow.sh",
        &meet(
            "a",
            "b",
            "echo '{\"hookSpecificOutput\": {\"permissionDecision\": \"allow\"}}'; exit 0",
        ),
    );
    let deny = script(
        &env,
        "deny.sh",
        &meet(
            "b",
            "a",
            "echo '{\"hookSpecificOutput\": {\"permissionDecision\": \"deny\", \"permissionDecisionReason\": \"second opinion says no\"}}'; exit 0",
        ),
    );
    add_user_hooks(
        &env,
        &[
            hook_toml("PreToolUse", None, &allow, ""),
            hook_toml("PreToolUse", None, &deny, ""),
        ],
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "touch ran.txt"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let o = outcomes(&run);
    assert_eq!(o.len(), 2, "{o:?}");
    assert!(o.iter().any(|(k, _)| k == "ok"), "{o:?}");
    assert!(
        o.iter()
            .any(|(k, m)| k == "blocked" && m.contains("second opinion")),
        "{o:?}"
    );
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], true);
    assert!(
        done[0]["output"]
            .as_str()
            .unwrap()
            .contains("second opinion says no")
    );
    assert!(!env.repo_path().join("ran.txt").exists());
}

/// Context past the limit of what a hook adds is cut with a note saying
/// so, so the model does not take a part for the whole.
#[test]
fn a_prompt_hook_printing_too_much_is_cut_with_a_note() {
    let env = TestEnv::new("chat");
    let hook = script(
        &env,
        "big.sh",
        "#!/bin/bash\ncat >/dev/null\nhead -c 1000000 /dev/zero | tr '\\0' 'x'\n",
    );
    add_user_hooks(&env, &[hook_toml("UserPromptSubmit", None, &hook, "")]);
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body = &env.server.requests()[0].raw_body;
    assert!(
        body.contains("[hook context cut to the first 10000 of at least 262144 characters (it printed 1000000 bytes")
            && !body.contains(&"x".repeat(10_001)),
        "{}",
        &body[body.len().saturating_sub(400)..]
    );
}

/// A hook that leaves a background process holding its stdout and stderr
/// (a sound player, `curl … &`) has exited with its answer whole: what it
/// printed is read, so its deny holds and an exit-2 reason reaches the
/// model.
#[test]
fn a_hook_leaving_a_background_child_on_its_output_is_still_heard() {
    let env = TestEnv::new("chat");
    let hook = script(
        &env,
        "bg.sh",
        "#!/bin/bash\nin=$(cat)\nsleep 3 &\n\
         case \"$in\" in\n\
         *json-deny*) echo '{\"hookSpecificOutput\": {\"hookEventName\": \"PreToolUse\", \"permissionDecision\": \"deny\", \"permissionDecisionReason\": \"BG-DENY\"}}';;\n\
         *exit-two*) echo 'BG-EXIT-TWO' >&2; exit 2;;\n\
         esac\nexit 0\n",
    );
    add_user_hooks(&env, &[hook_toml("PreToolUse", None, &hook, "")]);
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo json-deny > ran1"})),
        Reply::tool_call("c2", "shell", json!({"command": "echo exit-two > ran2"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let o = outcomes(&run);
    assert_eq!(o.len(), 2, "{o:?}");
    assert_eq!(o[0], ("blocked".into(), "BG-DENY".into()), "{o:?}");
    assert_eq!(o[1], ("blocked".into(), "BG-EXIT-TWO".into()), "{o:?}");
    for (id, ran, reason) in [("c1", "ran1", "BG-DENY"), ("c2", "ran2", "BG-EXIT-TWO")] {
        let done = super::completed(&run, id);
        assert_eq!(done["status"], "denied", "{done}");
        assert!(
            done["output"].as_str().unwrap_or("").contains(reason),
            "{done}"
        );
        assert!(!env.repo_path().join(ran).exists(), "{id} ran");
    }
}

/// A guard's JSON answer after a UTF-8 byte-order mark is read; one with a
/// `permissionDecision` quire does not know (`"DENY"`) is named with its
/// value and refuses the call rather than let it through unguarded.
#[test]
fn a_guards_bom_answer_is_read_and_an_unknown_decision_refuses() {
    let env = TestEnv::new("chat");
    let hook = script(
        &env,
        "ws.sh",
        "#!/bin/bash\nin=$(cat)\ncase \"$in\" in\n\
         *bom*) printf '\\xef\\xbb\\xbf{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"BOM-DENY\"}}\\n';;\n\
         *badval*) printf '{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"DENY\",\"permissionDecisionReason\":\"UPPER-DENY\"}}\\n';;\n\
         esac\n",
    );
    add_user_hooks(
        &env,
        &[hook_toml("PreToolUse", None, &hook, "name = \"ws-guard\"")],
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo bom > ran1"})),
        Reply::tool_call("c2", "shell", json!({"command": "echo badval > ran2"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let o = outcomes(&run);
    assert_eq!(o.len(), 2, "{o:?}");
    assert_eq!(o[0], ("blocked".into(), "BOM-DENY".into()), "{o:?}");
    assert_eq!(o[1].0, "blocked", "{o:?}");
    assert!(
        o[1].1.contains("hook `ws-guard`") && o[1].1.contains("permissionDecision \"DENY\""),
        "{o:?}"
    );
    for (id, ran, reason) in [
        ("c1", "ran1", "BOM-DENY"),
        ("c2", "ran2", "permissionDecision \"DENY\""),
    ] {
        let done = super::completed(&run, id);
        assert_eq!(done["status"], "denied", "{done}");
        assert!(
            done["output"].as_str().unwrap_or("").contains(reason),
            "{done}"
        );
        assert!(!env.repo_path().join(ran).exists(), "{id} ran");
    }
}

/// Ctrl-C while a hook runs: the hook is killed and its `hook_started` gets
/// its `hook_completed`, outcome `interrupted`.
#[test]
fn a_hook_stopped_by_ctrl_c_still_completes_as_interrupted() {
    let env = TestEnv::new("chat");
    let pid_file = env.home.path().join("hook.pid");
    let hook = script(
        &env,
        "slow.sh",
        &format!("#!/bin/bash\ncat >/dev/null\necho $$ > {pid_file:?}\nsleep 300\n"),
    );
    add_user_hooks(
        &env,
        &[hook_toml(
            "PreToolUse",
            None,
            &hook,
            "name = \"slow-guard\"",
        )],
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo ran > ran"})),
        Reply::text("ok"),
    ]);
    let child = env.spawn(&["exec", "--json", "go"]);
    let hook_pid: i32 = wait_for_file(&pid_file).trim().parse().unwrap();
    let quire = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: a signal to the quire process this test started.
    unsafe { libc::kill(quire, libc::SIGINT) };
    let run = super::support::quire::finish(child);
    assert_eq!(run.code, 130, "{}", run.stderr);
    assert!(wait_gone(hook_pid), "the hook outlived Ctrl-C");
    let started = run.of_type("hook_started");
    let completed = run.of_type("hook_completed");
    assert_eq!((started.len(), completed.len()), (1, 1), "{}", run.stdout);
    assert_eq!(completed[0]["name"], "slow-guard", "{}", completed[0]);
    assert_eq!(completed[0]["outcome"], "interrupted", "{}", completed[0]);
    assert!(!env.repo_path().join("ran").exists(), "the call ran");
}
