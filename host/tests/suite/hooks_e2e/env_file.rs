//! Claude Code's `CLAUDE_ENV_FILE` (what a SessionStart hook exports
//! reaches the model's shell commands) and its async answer (a hook whose
//! first line is `{"async": true}` goes on in the background, and is gone
//! when quire exits), through the real binary.

use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{add_user_hooks, completed, hook_toml, script, shell_session, warned};
use serde_json::json;

#[test]
fn a_session_start_hook_exports_variables_to_the_shell_through_claude_env_file() {
    let env = TestEnv::new("responses");
    let hook = script(
        &env,
        "env.sh",
        "#!/bin/bash\n[ -f \"$CLAUDE_ENV_FILE\" ] || exit 3\n\
         echo 'export X=1' >> \"$CLAUDE_ENV_FILE\"\n\
         echo 'export GREETING=\"hello $X\"' >> \"$CLAUDE_ENV_FILE\"\n\
         echo 'export LD_PRELOAD=/nowhere.so' >> \"$CLAUDE_ENV_FILE\"\n",
    );
    add_user_hooks(&env, &[hook_toml("SessionStart", None, &hook, "")]);
    let run = shell_session(
        &env,
        "c1",
        "echo \"X=$X GREETING=$GREETING LD=${LD_PRELOAD:-none}\"",
    );
    let out = completed(&run, "c1")["output"].as_str().unwrap_or("");
    assert!(
        out.contains("X=1 GREETING=hello 1 LD=none"),
        "{out}\n{:?}",
        run.events
    );
    assert!(warned(&run, "LD_PRELOAD is not set"), "{:?}", run.events);
    // The file is read and removed: nothing is left beside the session.
    let left: Vec<_> = walk(env.home.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("sessionstart-hook-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn an_async_hook_goes_on_in_the_background_and_is_gone_when_quire_exits() {
    let env = TestEnv::new("responses");
    let repo = env.repo_path();
    let (pid, stop, saw, finished) = (
        repo.join("hook-pid"),
        repo.join("stop-waiting"),
        repo.join("hook-saw-stop"),
        repo.join("hook-finished"),
    );
    // As security-guidance's bootstrap: the async line first, then the
    // long work, then another JSON line. It answers the model's marker
    // (so it is running during the turn), then sleeps on.
    let hook = script(
        &env,
        "slow.sh",
        &format!(
            "#!/bin/bash\necho $$ > {pid:?}\n\
             echo '{{\"async\": true, \"asyncTimeout\": 120000}}'\n\
             until [ -e {stop:?} ]; do sleep 0.1; done\n\
             touch {saw:?}\nsleep 30\ntouch {finished:?}\necho '{{\"metrics\": 1}}'\n"
        ),
    );
    add_user_hooks(
        &env,
        &[hook_toml("SessionStart", None, &hook, "timeout_sec = 120")],
    );
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "shell",
            json!({"command": "touch stop-waiting; until [ -e hook-saw-stop ]; do sleep 0.1; done; echo HOOK-ALIVE"}),
        ),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = completed(&run, "c1")["output"].as_str().unwrap_or("");
    assert!(out.contains("HOOK-ALIVE"), "{out}");
    let done = run
        .of_type("hook_completed")
        .into_iter()
        .find(|e| e["event"] == "SessionStart")
        .cloned()
        .unwrap_or_else(|| panic!("{:?}", run.events));
    assert_eq!(done["outcome"], "ok", "{done}");
    assert!(!warned(&run, "JSON"), "{:?}", run.events);
    // quire has exited: the hook, still sleeping, was killed with it.
    let pid = std::fs::read_to_string(&pid).unwrap();
    let proc_dir = std::path::Path::new("/proc").join(pid.trim());
    let gone = (0..100).any(|_| {
        let state = std::fs::read_to_string(proc_dir.join("stat")).unwrap_or_default();
        // Gone, or a zombie waiting to be reaped.
        if state.is_empty() || state.contains(") Z ") {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        false
    });
    assert!(gone, "the hook outlived quire");
    assert!(!finished.exists());
}

#[test]
fn a_fifo_left_at_claude_env_file_is_not_read_and_quire_goes_on() {
    let env = TestEnv::new("responses");
    let hook = script(
        &env,
        "fifo.sh",
        "#!/bin/bash\nrm -f \"$CLAUDE_ENV_FILE\"; mkfifo \"$CLAUDE_ENV_FILE\"\n",
    );
    add_user_hooks(&env, &[hook_toml("SessionStart", None, &hook, "")]);
    let run = shell_session(&env, "c1", "echo ran");
    let out = completed(&run, "c1")["output"].as_str().unwrap_or("");
    assert!(out.contains("ran"), "{out}");
    assert!(warned(&run, "not a regular file"), "{:?}", run.events);
}

#[test]
fn values_with_a_nul_byte_or_too_long_are_skipped_with_a_warning() {
    let env = TestEnv::new("responses");
    let hook = script(
        &env,
        "bad.sh",
        "#!/bin/bash\nprintf 'export GOOD=1\\nexport NULVAR=ab\\0cd\\n' >> \"$CLAUDE_ENV_FILE\"\n\
         printf 'export BIGVAR=%0200000d\\n' 0 >> \"$CLAUDE_ENV_FILE\"\n",
    );
    add_user_hooks(&env, &[hook_toml("SessionStart", None, &hook, "")]);
    let run = shell_session(&env, "c1", "echo \"GOOD=$GOOD\"");
    let call = completed(&run, "c1");
    assert_eq!(call["is_error"], false, "{call}");
    let out = call["output"].as_str().unwrap_or("");
    assert!(out.contains("GOOD=1"), "{out}");
    assert!(warned(&run, "NULVAR is not set"), "{:?}", run.events);
    assert!(warned(&run, "BIGVAR is not set"), "{:?}", run.events);
}

#[test]
fn a_file_setting_more_than_commands_can_be_given_is_cut_with_one_warning() {
    let env = TestEnv::new("responses");
    // 32 000 bytes, then 200 variables each putting them in: 6.4 MB, far
    // past what the system gives a command.
    let hook = script(
        &env,
        "amplify.sh",
        "#!/bin/bash\n{ printf 'export OKBIG=%s\\n' \"$(head -c 32000 /dev/zero | tr '\\0' y)\"\n\
         for i in $(seq 0 199); do echo \"V$i=\\$OKBIG\"; done\n\
         echo 'export LATE=1'; } >> \"$CLAUDE_ENV_FILE\"\n",
    );
    add_user_hooks(&env, &[hook_toml("SessionStart", None, &hook, "")]);
    let run = shell_session(
        &env,
        "c1",
        "echo \"OKBIG=${#OKBIG} V0=${#V0} V199=${V199:-unset} LATE=${LATE:-unset}\"",
    );
    let call = completed(&run, "c1");
    assert_eq!(call["is_error"], false, "{call}");
    let out = call["output"].as_str().unwrap_or("");
    assert!(
        out.contains("OKBIG=32000 V0=32000 V199=unset LATE=unset"),
        "{out}"
    );
    let cut: Vec<_> = run
        .of_type("warning")
        .into_iter()
        .filter_map(|w| w["message"].as_str())
        .filter(|m| m.contains("CLAUDE_ENV_FILE"))
        .collect();
    assert_eq!(cut.len(), 1, "{cut:#?}");
    assert!(
        cut[0].contains("amplify.sh")
            && cut[0].contains("sets too much")
            && cut[0].contains("variables not set (V")
            && cut[0].contains("256 KiB"),
        "{}",
        cut[0]
    );
}

#[test]
fn a_folder_left_at_claude_env_file_is_removed_and_quire_goes_on() {
    let env = TestEnv::new("responses");
    let hook = script(
        &env,
        "dir.sh",
        "#!/bin/bash\nrm -f \"$CLAUDE_ENV_FILE\"; mkdir -p \"$CLAUDE_ENV_FILE/sub\"\n\
         echo 'export X=1' > \"$CLAUDE_ENV_FILE/sub/x\"\n",
    );
    add_user_hooks(&env, &[hook_toml("SessionStart", None, &hook, "")]);
    let run = shell_session(&env, "c1", "echo ran");
    let out = completed(&run, "c1")["output"].as_str().unwrap_or("");
    assert!(out.contains("ran"), "{out}");
    assert!(warned(&run, "not a regular file"), "{:?}", run.events);
    let left: Vec<_> = walk(env.home.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("session-env"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
