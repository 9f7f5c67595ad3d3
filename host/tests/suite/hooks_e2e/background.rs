//! Claude Code's background hooks through the real binary: what a
//! SessionStart hook exports in `CLAUDE_ENV_FILE` reaches every shell
//! command quire runs for the session (a custom command's `` !`…` ``
//! lines, the user's `!COMMAND`); a pretty-printed async answer lets the
//! event go on; a handler's `"async": true` runs in the background, its
//! answer goes with the next message, and nothing is left at exit.

use std::path::Path;

use super::claude_input::user_claude_hooks;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{add_user_hooks, completed, hook_toml, script, warned};
use crate::suite::terminal_e2e::line_session::line_mode_with;
use serde_json::json;

/// A SessionStart hook exporting `HOOKVAR` (and a refused `LD_PRELOAD`).
fn exporting_hook(env: &TestEnv) {
    let hook = script(
        env,
        "env.sh",
        "#!/bin/bash\necho 'export HOOKVAR=from-hook-7' >> \"$CLAUDE_ENV_FILE\"\n\
         echo 'export LD_PRELOAD=/nowhere.so' >> \"$CLAUDE_ENV_FILE\"\n",
    );
    add_user_hooks(env, &[hook_toml("SessionStart", None, &hook, "")]);
}

#[test]
fn claude_env_file_variables_reach_custom_command_lines() {
    let env = TestEnv::new("responses");
    exporting_hook(&env);
    env.write(
        ".claude/commands/show.md",
        "---\nallowed-tools: Bash(printenv:*)\n---\nSeen: V=!`printenv HOOKVAR`\n",
    );
    env.server.push(Reply::text("done"));
    let run = env.exec_json("/show", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sent: String = env
        .server
        .requests()
        .iter()
        .map(|r| r.raw_body.clone())
        .collect();
    assert!(sent.contains("V=from-hook-7"), "{sent}");
    assert!(warned(&run, "LD_PRELOAD is not set"), "{:?}", run.events);
}

#[test]
fn claude_env_file_variables_reach_the_users_bang_commands() {
    let env = TestEnv::new("chat");
    exporting_hook(&env);
    env.server.push(Reply::text("seen it"));
    let r = line_mode_with(
        &env,
        "!echo \"B=$HOOKVAR LD=${LD_PRELOAD:-none}\"\nwhat did it say?\n",
        &[],
    );
    assert!(r.stderr.contains("B=from-hook-7 LD=none"), "{}", r.stderr);
    let requests = env.server.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0].raw_body.contains("B=from-hook-7"),
        "{}",
        requests[0].raw_body
    );
}

/// Whether the process whose pid is in `pid_file` is gone (or a zombie),
/// waiting a while for it.
fn gone(pid_file: &Path) -> bool {
    let pid = std::fs::read_to_string(pid_file).unwrap_or_default();
    let proc_dir = Path::new("/proc").join(pid.trim());
    (0..100).any(|_| {
        let state = std::fs::read_to_string(proc_dir.join("stat")).unwrap_or_default();
        if state.is_empty() || state.contains(") Z ") {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        false
    })
}

/// A model command waiting (boundedly) for `file` to appear, then saying
/// `word`.
fn wait_then_say(file: &str, word: &str) -> String {
    format!("for i in $(seq 300); do [ -e {file} ] && echo {word} && break; sleep 0.1; done")
}

#[test]
fn a_pretty_printed_async_answer_lets_the_event_go_on() {
    let env = TestEnv::new("responses");
    let repo = env.repo_path();
    let (pid, stop, saw) = (
        repo.join("hook-pid"),
        repo.join("stop-waiting"),
        repo.join("hook-saw-stop"),
    );
    // The async answer pretty-printed over four lines, then work that
    // waits for the model's command: waited for, the session would hang.
    let hook = script(
        &env,
        "pretty.sh",
        &format!(
            "#!/bin/bash\necho $$ > {pid:?}\n\
             printf '{{\\n  \"async\": true,\\n  \"asyncTimeout\": 120000\\n}}\\n'\n\
             until [ -e {stop:?} ]; do sleep 0.1; done\ntouch {saw:?}\nsleep 60\n"
        ),
    );
    add_user_hooks(
        &env,
        &[hook_toml("SessionStart", None, &hook, "timeout_sec = 30")],
    );
    let command = format!(
        "touch stop-waiting; {}",
        wait_then_say("hook-saw-stop", "HOOK-ALIVE")
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({ "command": command })),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = completed(&run, "c1")["output"].as_str().unwrap_or("");
    assert!(out.contains("HOOK-ALIVE"), "{out}\n{:?}", run.events);
    assert!(!warned(&run, "timed out"), "{:?}", run.events);
    assert!(!warned(&run, "JSON"), "{:?}", run.events);
    assert!(gone(&pid), "the hook outlived quire");
}

#[test]
fn an_async_handler_runs_in_the_background_and_answers_with_the_next_message() {
    let env = TestEnv::new("responses");
    let repo = env.repo_path();
    let (pid, release, sleeper) = (
        repo.join("hook-pid"),
        repo.join("release"),
        repo.join("sleeper-pid"),
    );
    // For the call marked ONE-MARK only: it waits for the next call to
    // release it (waited for, it would never be), then answers.
    let answering = script(
        &env,
        "later.sh",
        &format!(
            "#!/bin/bash\ninput=$(cat)\ncase \"$input\" in *ONE-MARK*) ;; *) exit 0;; esac\n\
             echo $$ > {pid:?}.tmp; mv {pid:?}.tmp {pid:?}\n\
             until [ -e {release:?} ]; do sleep 0.1; done\n\
             echo '{{\"systemMessage\": \"BG-NOTE-5\", \"decision\": \"block\", \"reason\": \"too late\", \
             \"hookSpecificOutput\": {{\"hookEventName\": \"PostToolUse\", \"additionalContext\": \"BG-CONTEXT-5\"}}}}'\n"
        ),
    );
    // Runs on past quire's exit unless killed then.
    let sleeping = script(
        &env,
        "sleeper.sh",
        &format!("#!/bin/bash\necho $$ > {sleeper:?}\nsleep 120\n"),
    );
    user_claude_hooks(
        &env,
        "PostToolUse",
        "Bash",
        vec![
            json!({"type": "command", "async": true, "timeout": 60,
                   "command": answering.display().to_string()}),
            json!({"type": "command", "async": true, "timeout": 600,
                   "command": sleeping.display().to_string()}),
        ],
    );
    // The second call releases the first call's hook and waits for it to
    // end (its answer is then kept for the next message).
    let second = String::from(
        "touch release; for i in $(seq 300); do [ -e hook-pid ] && [ ! -e /proc/$(cat hook-pid) ] && echo RELEASED && break; sleep 0.1; done; sleep 0.5",
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo ONE-MARK"})),
        Reply::tool_call("c2", "shell", json!({ "command": second })),
        Reply::text("first done"),
        Reply::text("second done"),
    ]);
    let r = line_mode_with(&env, "go\nand now?\n", &[]);
    let requests = env.server.requests();
    assert_eq!(requests.len(), 4, "{}", r.stderr);
    let c2_output = &requests[2].raw_body;
    assert!(c2_output.contains("RELEASED"), "{c2_output}\n{}", r.stderr);
    // The first message's requests never carry it; the next one does,
    // as context, and the late `block` did nothing.
    for early in &requests[..3] {
        assert!(
            !early.raw_body.contains("BG-CONTEXT-5"),
            "{}",
            early.raw_body
        );
    }
    let last = &requests[3].raw_body;
    assert!(last.contains("BG-CONTEXT-5"), "{last}");
    assert!(last.contains("BG-NOTE-5"), "{last}");
    assert!(!r.stderr.contains("too late"), "{}", r.stderr);
    assert!(!r.stderr.contains("timed out"), "{}", r.stderr);
    // quire has exited: the sleeping hooks went with it.
    assert!(sleeper.exists(), "{}", r.stderr);
    assert!(gone(&sleeper), "a background hook outlived quire");
}
