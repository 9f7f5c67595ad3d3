//! An "always" given for a command that runs the workspace's code outside
//! the sandbox (`make test`) holds only while that code is unchanged: once
//! the model edits the Makefile, the same escalated command is asked about
//! again, and the prompt names the file. In a git repository and outside
//! one alike.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

fn escalated(id: &str) -> Reply {
    Reply::tool_call(
        id,
        "shell",
        json!({"command": "make test", "escalate": true, "justification": "needs the network"}),
    )
}

fn env(git: bool) -> TestEnv {
    let env = TestEnv::new("chat");
    if !git {
        std::fs::remove_dir_all(env.repo.path().join(".git")).expect("no git");
    }
    env.write("Makefile", "test:\n\techo ok >> runs.txt\n");
    env
}

/// A session asked to test, answering "always" to the first escalated
/// `make test`.
fn always_to_the_first_run(env: &TestEnv) -> Pty {
    let mut pty = Pty::spawn(env.command(&["--approval", "on-request"]), 40, 200);
    pty.wait_text("/help for keys");
    pty.send("test it\r");
    let screen = pty.wait_for("the escalated run's prompt", |s| {
        s.contains("OUTSIDE the sandbox") && s.contains("[y] yes")
    });
    assert!(!screen.contains("asked again"), "{screen}");
    pty.send("a");
    pty
}

/// "Always" to escalated `make test`; the same command again runs unasked
/// (what the run wrote itself is no change); the model edits the
/// Makefile with apply_patch; `make test` is asked about again, naming
/// the Makefile, and is not run on a no.
fn asked_again_after_the_makefile_changed(env: TestEnv) {
    env.server.push_all([
        escalated("a"),
        escalated("b"),
        Reply::tool_call(
            "c",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: Makefile\n@@\n test:\n-\techo ok >> runs.txt\n+\techo changed >> runs.txt\n*** End Patch"}),
        ),
        escalated("d"),
        Reply::text("done"),
    ]);
    let mut pty = always_to_the_first_run(&env);
    // `b` runs unasked; `d`, after the edit, is asked again.
    let screen = pty.wait_for("the prompt after the edit", |s| {
        s.contains("asked again") && s.contains("[y] yes")
    });
    assert!(
        screen.contains(
            "asked again: the workspace changed since you allowed \"make test (outside the sandbox)\": Makefile"
        ),
        "{screen}"
    );
    assert_eq!(
        env.read("runs.txt"),
        "ok\nok\n",
        "both runs before the edit"
    );
    pty.send("n");
    pty.wait_text("done");
    assert_eq!(
        env.read("runs.txt"),
        "ok\nok\n",
        "the edited Makefile ran outside the sandbox unasked"
    );
    assert!(
        env.read("Makefile").contains("changed"),
        "the patch applied"
    );
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn an_always_outside_the_sandbox_is_asked_again_after_the_code_changed_in_git() {
    asked_again_after_the_makefile_changed(env(true));
}

#[test]
fn an_always_outside_the_sandbox_is_asked_again_after_the_code_changed_without_git() {
    asked_again_after_the_makefile_changed(env(false));
}

/// A yes to the question asked again takes the new Makefile: the next run
/// is not asked, and runs it.
#[test]
fn a_yes_after_the_change_re_arms_the_always() {
    let env = env(true);
    env.server.push_all([
        escalated("a"),
        Reply::tool_call(
            "b",
            "shell",
            json!({"command": "printf 'test:\\n\\techo new >> runs.txt\\n' > Makefile"}),
        ),
        escalated("c"),
        escalated("d"),
        Reply::text("done"),
    ]);
    let mut pty = always_to_the_first_run(&env);
    // The sandboxed command rewrote the Makefile: asked again.
    let screen = pty.wait_for("the prompt after the edit", |s| {
        s.contains("asked again") && s.contains("[y] yes")
    });
    assert!(screen.contains(": Makefile"), "{screen}");
    pty.send("y");
    pty.wait_text("done");
    assert_eq!(env.read("runs.txt"), "ok\nnew\nnew\n");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

/// "Always" to escalated `make test` does not cover `make test` run in
/// another folder (its own Makefile): that run is asked about, and the
/// prompt names the folder.
#[test]
fn an_always_does_not_cover_the_same_command_in_another_folder() {
    let env = env(true);
    env.write("sub/Makefile", "test:\n\techo sub >> ../runs.txt\n");
    env.server.push_all([
        escalated("a"),
        Reply::tool_call(
            "b",
            "shell",
            json!({"command": "make test", "escalate": true, "workdir": "sub", "justification": "needs the network"}),
        ),
        Reply::text("done"),
    ]);
    let mut pty = always_to_the_first_run(&env);
    let screen = pty.wait_for("the prompt for the other folder", |s| {
        s.contains("make test    (in sub)") && s.contains("[y] yes")
    });
    assert_eq!(env.read("runs.txt"), "ok\n", "{screen}");
    pty.send("n");
    pty.wait_text("done");
    assert_eq!(env.read("runs.txt"), "ok\n", "sub's Makefile ran unasked");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
