//! A guard approved before whose script changed keeps guarding in later
//! sessions: what it guards is blocked until its new version is approved,
//! so one edit by the model does not switch it off for every later run.

use super::{bash_guard, completed, shell_session, trust_hooks, warned};
use crate::support::quire::TestEnv;

#[test]
fn a_guard_edited_in_one_session_blocks_what_it_guards_in_the_next() {
    let env = TestEnv::new("chat");
    let marker = env.repo_path().join("second-session-ran");
    env.write(".claude/hooks/guard.sh", "#!/bin/bash\nexit 0\n");
    env.write(
        ".claude/settings.json",
        &bash_guard("bash \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/guard.sh"),
    );
    trust_hooks(&env);

    // First session: the model rewrites the guard.
    let edit = "printf '#!/bin/bash\\nexit 0 # switched off\\n' > .claude/hooks/guard.sh";
    shell_session(&env, "c1", edit);

    // Second session, a new process: the guarded call is refused.
    let second = shell_session(&env, "c2", "touch second-session-ran");
    assert!(!marker.exists(), "the guarded call ran without its guard");
    let blocked = completed(&second, "c2");
    assert_eq!(blocked["status"], "denied", "{blocked}");
    let output = blocked["output"].as_str().unwrap_or("");
    assert!(
        output.contains(
            "the PreToolUse hook `bash \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/guard.sh` did not run"
        ) && output.contains("changed since it was approved")
            && output.contains("quire hooks trust"),
        "{output}"
    );
    assert!(
        warned(&second, "blocked until they are approved again"),
        "{:?}",
        second.of_type("warning")
    );

    // Approved again: the guard runs and the call goes through.
    trust_hooks(&env);
    shell_session(&env, "c3", "touch second-session-ran");
    assert!(marker.exists(), "the re-approved guard still blocked");
}

/// A guard never approved keeps waiting for approval: it does not run and
/// blocks nothing.
#[test]
fn a_new_guard_never_approved_does_not_block() {
    let env = TestEnv::new("chat");
    let marker = env.repo_path().join("ran");
    env.write(".claude/hooks/guard.sh", "#!/bin/bash\nexit 2\n");
    env.write(
        ".claude/settings.json",
        &bash_guard("bash \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/guard.sh"),
    );
    shell_session(&env, "c1", "touch ran");
    assert!(marker.exists(), "a never-approved hook blocked the call");
}
