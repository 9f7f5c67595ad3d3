//! What the model's commands left running is paused while a repository
//! hook is checked and run: a background process that keeps swapping the
//! hook's script cannot slip its own code in between the check and the
//! run, and it goes on once the hook is done.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// Hook runs the swapper races against.
const RUNS: usize = 20;

#[test]
fn a_background_process_swapping_a_hook_script_never_gets_its_code_run() {
    let env = TestEnv::new("chat");
    let evil = env.home.path().join("evil-ran");
    let good = "#!/bin/bash\nexit 0\n";
    let bad = format!(
        "#!/bin/bash\ntouch {:?}\nexit 0\n",
        evil.display().to_string()
    );
    env.write(".claude/hooks/after.sh", good);
    // Out of the hook's folder (its files are covered by the approval).
    env.write("swap/good", good);
    env.write("swap/evil", &bad);
    // Every millisecond the script is the approved one, then the evil one
    // (renamed in whole); each round's number is written for the check.
    env.write(
        "swap/loop.sh",
        "i=0\nwhile :; do\n  i=$((i+1))\n  cp swap/good swap/g.tmp && mv swap/g.tmp .claude/hooks/after.sh\n  sleep 0.001\n  cp swap/evil swap/e.tmp && mv swap/e.tmp .claude/hooks/after.sh\n  echo $i > swap/n.tmp && mv swap/n.tmp swap/n\n  sleep 0.001\ndone\n",
    );
    let settings = json!({"hooks": {"PostToolUse": [{"matcher": "Bash", "hooks": [
        {"command": "bash \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/after.sh"}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);

    let start =
        "nohup bash swap/loop.sh > /dev/null 2>&1 &\nwhile [ ! -s swap/n ]; do sleep 0.01; done";
    let mut replies = vec![Reply::tool_call("c0", "shell", json!({"command": start}))];
    for i in 1..=RUNS {
        replies.push(Reply::tool_call(
            format!("c{i}"),
            "shell",
            json!({"command": "sleep 0.01"}),
        ));
    }
    // Resumed after the hooks: its rounds go on.
    let check =
        "a=$(cat swap/n); sleep 0.5; b=$(cat swap/n); [ \"$b\" -gt \"$a\" ] && touch resumed";
    replies.push(Reply::tool_call("last", "shell", json!({"command": check})));
    replies.push(Reply::text("done"));
    env.server.push_all(replies);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !evil.exists(),
        "the swapped-in script ran as the approved hook"
    );
    assert!(
        env.repo_path().join("resumed").exists(),
        "the background process was not resumed after the hooks: {:?}",
        run.of_type("tool_completed")
    );
    let done = run.of_type("tool_completed");
    assert_eq!(done.len(), RUNS + 2, "{done:?}");
}
