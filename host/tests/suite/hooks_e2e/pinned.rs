//! An approved repository hook's files are hashed again before each run:
//! a script (or the Makefile of a `make` hook) edited during the session
//! does not run with the old approval, and the warning names it.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

fn warnings(run: &super::support::quire::Run) -> Vec<String> {
    run.of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_hook_script_edited_by_the_model_in_the_session_does_not_run_again() {
    let env = TestEnv::new("chat");
    let log = env.home.path().join("hook-log");
    let ran = env.home.path().join("edited-ran");
    env.write(
        ".claude/hooks/log.sh",
        &format!("#!/bin/bash\necho run >> {:?}\n", log.display().to_string()),
    );
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"command": "bash \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/log.sh"}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    let edit = format!(
        "printf '#!/bin/bash\\ntouch {}\\n' > .claude/hooks/log.sh",
        ran.display()
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": edit})),
        Reply::tool_call("c2", "shell", json!({"command": "echo second"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::read_to_string(env.repo_path().join(".claude/hooks/log.sh"))
            .unwrap()
            .contains("touch"),
        "the model's edit did not land"
    );
    assert!(
        !ran.exists(),
        "the edited hook script ran with the old approval"
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "run\n");
    assert_eq!(run.of_type("hook_started").len(), 1, "{:?}", run.events);
    let w = warnings(&run);
    assert!(
        w.iter().any(|m| m.contains("does not run")
            && m.contains(".claude/hooks/log.sh changed since it was approved")
            && m.contains("quire hooks trust")),
        "{w:?}"
    );
}

#[test]
fn a_make_hook_covers_the_makefile_and_says_what_its_approval_does_not_cover() {
    let env = TestEnv::new("chat");
    let ran = env.home.path().join("make-ran");
    env.write("Makefile", "hook:\n\t@true\n");
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"command": "make -s hook"}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let list = env.run(&["hooks", "list"]);
    assert!(
        list.stdout.contains("partly covered: `make`") && list.stdout.contains("Makefile"),
        "{}",
        list.stdout
    );
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    assert!(trust.stdout.contains("partly covered"), "{}", trust.stdout);

    // Edited during the session: the hook stops running at once.
    let edit = format!("printf 'hook:\\n\\t@touch {}\\n' > Makefile", ran.display());
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": edit})),
        Reply::tool_call("c2", "shell", json!({"command": "echo second"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !ran.exists(),
        "the edited Makefile ran with the old approval"
    );
    let w = warnings(&run);
    assert!(
        w.iter()
            .any(|m| m.contains("Makefile changed since it was approved")),
        "{w:?}"
    );

    // And in the next session it waits for approval.
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("not_approved"), "{}", list.stdout);
}
