//! `/approvals` reaches a custom command's `` !`…` `` lines: they run in
//! the sandbox in effect when the command is typed, as the model's next
//! command would, in the line mode and in the full-screen view.

use super::line_session::line_mode_args;
use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

/// `/mk PATH` touches PATH in a `!` line and says so.
fn touch_command(env: &TestEnv) {
    env.write(
        ".quire/commands/mk.md",
        "---\nallowed-tools: Bash\n---\nMade: !`touch $ARGUMENTS && echo touched-it`\n",
    );
}

/// The last command message of a request's body.
fn last_made(body: &str) -> String {
    body.rfind("Made:")
        .map(|at| body[at..].chars().take(300).collect())
        .unwrap_or_default()
}

/// The refusal of a write in the `!` line's output, as sent.
fn refused(body: &str) -> bool {
    body.contains("Permission denied") || body.contains("Read-only file system")
}

#[test]
fn the_line_modes_bang_lines_run_in_the_sandbox_approvals_chose() {
    let env = TestEnv::new("chat");
    touch_command(&env);
    for i in 0..5 {
        env.server.push(Reply::text(format!("answer {i}")));
    }
    // Workspace-write refuses the user's own folders ($QUIRE_HOME);
    // only Full Access writes there.
    let home_file = env.home.path().join("full.txt");
    let home = home_file.display().to_string();
    let input = format!(
        "/mk start.txt\n/approvals read-only\n/mk ro.txt\n/approvals auto\n/mk auto.txt\n/mk {home}\n/approvals full-access --yes\n/mk {home}\n"
    );
    let r = line_mode_args(&env, &["-s", "workspace-write", "-a", "never"], &input, &[]);
    let err = &r.stderr;
    let root = env.repo_path();
    assert!(
        root.join("start.txt").exists(),
        "not written at the start: {err}"
    );
    assert!(
        !root.join("ro.txt").exists(),
        "written after Read Only: {err}"
    );
    assert!(
        root.join("auto.txt").exists(),
        "not written under Auto: {err}"
    );
    assert!(home_file.exists(), "not written under Full Access: {err}");
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 5, "{err}");
    // Each request's last command message: the line's output as sent.
    let made: Vec<String> = reqs.iter().map(|r| last_made(&r.raw_body)).collect();
    assert!(
        made[0].contains("touched-it") && !refused(&made[0]),
        "{made:#?}"
    );
    assert!(
        refused(&made[1]) && !made[1].contains("touched-it"),
        "{made:#?}"
    );
    assert!(made[2].contains("touched-it"), "{made:#?}");
    // Auto is the workspace, not the user's own folders.
    assert!(refused(&made[3]), "{made:#?}");
    assert!(made[4].contains("touched-it"), "{made:#?}");
}

#[test]
fn the_full_screen_views_bang_lines_run_in_the_sandbox_approvals_chose() {
    let env = TestEnv::new("responses");
    touch_command(&env);
    env.server
        .push_all([Reply::text("first done"), Reply::text("second done")]);
    let mut pty = Pty::spawn(
        env.command(&["--sandbox", "workspace-write", "--approval", "never"]),
        40,
        140,
    );
    pty.wait_text("/help for keys");
    pty.send("/approvals read-only\r");
    pty.wait_text("Read Only: sandbox read-only");
    pty.send("/mk ro.txt\r");
    pty.wait_text("first done");
    pty.send("/approvals auto\r");
    pty.wait_text("Auto: sandbox workspace-write");
    pty.send("/mk auto.txt\r");
    pty.wait_text("second done");
    let root = env.repo_path();
    assert!(!root.join("ro.txt").exists(), "written after Read Only");
    assert!(root.join("auto.txt").exists(), "not written under Auto");
    let made: Vec<String> = env
        .server
        .requests()
        .iter()
        .map(|r| last_made(&r.raw_body))
        .collect();
    assert!(
        refused(&made[0]) && !made[0].contains("touched-it"),
        "{made:#?}"
    );
    assert!(made[1].contains("touched-it"), "{made:#?}");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
