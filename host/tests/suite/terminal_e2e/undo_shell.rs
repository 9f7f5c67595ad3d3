//! `/undo` after a turn whose shell commands also changed files: it
//! reverts the patches only, and neither the user nor the model is told
//! that more is back than is.

use serde_json::json;

use super::line_session::line_mode_args;
use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

const CALC: &str = "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n";

#[test]
fn undo_names_what_the_turns_shell_commands_changed_and_left() {
    let env = TestEnv::new("chat");
    env.git(&["config", "user.email", "t@example.com"]);
    env.git(&["config", "user.name", "t"]);
    env.write("calc.py", CALC);
    env.write("old.txt", "old\n");
    env.commit_all();
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** Add File: util.py\n+def sub(a, b):\n+    return a - b\n*** Delete File: old.txt\n*** End Patch"}),
        ),
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": "sed -i 's/a \\* b/b * a/' calc.py && echo note > shell-made.txt"}),
        ),
        Reply::text("fixed"),
        Reply::text("understood"),
    ]);
    let r = line_mode_args(&env, &["--yolo"], "fix add\n/undo\nwhat now?\n", &[]);
    let err = &r.stderr;
    assert!(err.contains("undone: old.txt, util.py, calc.py"), "{err}");
    // The patch's line is out, the shell's edit is kept.
    assert_eq!(env.read("calc.py"), CALC.replace("a * b", "b * a"));
    assert_eq!(env.read("old.txt"), "old\n");
    assert!(env.read("shell-made.txt").starts_with("note"));
    assert!(
        err.contains("kept in calc.py: changes made since the patch"),
        "{err}"
    );
    assert!(
        err.contains("not reverted: /undo reverts only patches, not what this task's shell commands changed; git status shows changes besides the undone patches (not all need be this task's): calc.py, shell-made.txt"),
        "{err}"
    );
    let reqs = env.server.requests();
    let last = &reqs[reqs.len() - 1].raw_body;
    assert!(
        last.contains("the user reverted your changes to old.txt, util.py, calc.py with /undo: only your patches' changes to these files were reverted."),
        "{last}"
    );
    assert!(!last.contains("back as they were"), "{last}");
    assert!(
        last.contains("What your shell commands in that turn changed was NOT reverted; git status shows changes besides the undone patches (not all need be from that turn) in: calc.py, shell-made.txt."),
        "{last}"
    );
}

#[test]
fn undo_of_a_turn_without_shell_commands_says_the_files_are_back() {
    let env = TestEnv::new("chat");
    env.write("calc.py", CALC);
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** End Patch"}),
        ),
        Reply::text("fixed"),
        Reply::text("understood"),
    ]);
    let r = line_mode_args(&env, &[], "fix add\n/undo\nwhat now?\n", &[]);
    let err = &r.stderr;
    assert!(err.contains("undone: calc.py"), "{err}");
    assert!(!err.contains("not reverted"), "{err}");
    assert_eq!(env.read("calc.py"), CALC);
    let reqs = env.server.requests();
    assert!(
        reqs[2].raw_body.contains(
            "calc.py with /undo; these files are back as they were before your last patch."
        ),
        "{}",
        reqs[2].raw_body
    );
}

#[test]
fn undo_counts_a_file_the_shell_put_back_as_undone_and_names_the_shells_changes() {
    let env = TestEnv::new("chat");
    env.git(&["config", "user.email", "t@example.com"]);
    env.git(&["config", "user.name", "t"]);
    env.write("a.txt", "a1\na2\na3\n");
    env.write("b.txt", "b1\n");
    env.commit_all();
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: a.txt\n@@\n a1\n-a2\n+a2 patched\n a3\n*** Update File: b.txt\n@@\n-b1\n+b1 patched\n*** End Patch"}),
        ),
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": "rm a.txt; git checkout b.txt; echo side > side.txt"}),
        ),
        Reply::text("done turn"),
        Reply::text("understood"),
    ]);
    let r = line_mode_args(
        &env,
        &["--yolo"],
        "change them\n/undo\n/undo\n/diff\nwhat now?\n",
        &[],
    );
    let err = &r.stderr;
    assert_eq!(env.read("b.txt"), "b1\n");
    assert!(
        err.contains("b.txt was already as before the patch"),
        "{err}"
    );
    assert!(!err.contains("cannot undo b.txt"), "{err}");
    assert!(
        err.contains("cannot undo a.txt: it was deleted since the patch"),
        "{err}"
    );
    // Tried once more: only a.txt is left, b.txt is not.
    assert!(
        err.contains("left as it is: a.txt (/diff still shows it)"),
        "{err}"
    );
    assert!(!err.contains("a.txt, b.txt"), "{err}");
    // Both /undos name what the shell commands changed.
    let line = "not reverted: /undo reverts only patches, not what this task's shell commands changed; git status shows changes besides the undone patches (not all need be this task's): a.txt, side.txt";
    assert_eq!(err.matches(line).count(), 2, "{err}");
    let reqs = env.server.requests();
    let last = &reqs[reqs.len() - 1].raw_body;
    assert!(
        last.contains("the user reverted your changes to b.txt with /undo"),
        "{last}"
    );
}

/// The turn of tester finding 1: a shell command writes where git does
/// not look (an ignored folder), a patch adds a file.
fn ignored_shell_write_and_a_patch() -> [Reply; 3] {
    [
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": "mkdir -p out; echo s > out/shellmade.txt"}),
        ),
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: p.txt\n+p\n*** End Patch\n"}),
        ),
        Reply::text("t1"),
    ]
}

const CLEAN_LINE: &str = "not reverted: /undo reverts only patches, not what this task's shell commands changed (git status shows none: look at ignored files and files outside the repository)";
const CLEAN_NOTE: &str = "What your shell commands in that turn changed was NOT reverted (git status shows no changes, but ignored files and files outside the repository may have changed).";

fn ignoring_repo() -> TestEnv {
    let env = TestEnv::new("chat");
    env.git(&["config", "user.email", "t@example.com"]);
    env.git(&["config", "user.name", "t"]);
    env.write(".gitignore", "out/\n");
    env.commit_all();
    env
}

#[test]
fn undo_names_shell_changes_git_status_does_not_show() {
    let env = ignoring_repo();
    env.server.push_all(ignored_shell_write_and_a_patch());
    env.server.push(Reply::text("understood"));
    let r = line_mode_args(&env, &["--yolo"], "make them\n/undo\nwhat now?\n", &[]);
    let err = &r.stderr;
    assert!(err.contains("undone: p.txt"), "{err}");
    assert!(err.contains(CLEAN_LINE), "{err}");
    assert_eq!(env.read("out/shellmade.txt"), "s\n");
    let reqs = env.server.requests();
    let last = &reqs[reqs.len() - 1].raw_body;
    assert!(!last.contains("back as they were"), "{last}");
    assert!(last.contains(CLEAN_NOTE), "{last}");
}

#[test]
fn undo_after_resume_names_shell_changes_git_status_does_not_show() {
    let env = ignoring_repo();
    env.server.push_all(ignored_shell_write_and_a_patch());
    let run = env.run(&["exec", "--yolo", "make them"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut pty = resume_and_undo(&env);
    pty.wait_text(CLEAN_LINE);
    pty.send("what now?\r");
    pty.wait_text("understood");
    assert_eq!(pty.quit_at_prompt(), 0);
    let reqs = env.server.requests();
    let last = &reqs[reqs.len() - 1].raw_body;
    assert!(!last.contains("back as they were"), "{last}");
    assert!(last.contains(CLEAN_NOTE), "{last}");
}

/// The turn of tester finding fUndo2 1: a shell command that could not
/// write (its escalation refused by the approval policy `never`, so it
/// never ran), then a patch.
fn refused_shell_and_a_patch() -> [Reply; 3] {
    [
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": "mkdir -p out; echo s > out/shellmade.txt", "escalate": true, "justification": "needs to write"}),
        ),
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: p.txt\n+p\n*** End Patch\n"}),
        ),
        Reply::text("t1"),
    ]
}

const BACK_NOTE: &str =
    "p.txt with /undo; these files are back as they were before your last patch.";

#[test]
fn undo_does_not_name_shell_changes_when_no_command_could_write() {
    let env = ignoring_repo();
    env.server.push_all(refused_shell_and_a_patch());
    env.server.push(Reply::text("understood"));
    let r = line_mode_args(
        &env,
        &["--approval", "never"],
        "make them\n/undo\nwhat now?\n",
        &[],
    );
    let err = &r.stderr;
    assert!(err.contains("undone: p.txt"), "{err}");
    assert!(!err.contains("not reverted"), "{err}");
    assert!(!env.repo_path().join("out").exists(), "{err}");
    let reqs = env.server.requests();
    let last = &reqs[reqs.len() - 1].raw_body;
    assert!(last.contains(BACK_NOTE), "{last}");
}

#[test]
fn undo_after_resume_does_not_name_shell_changes_when_no_command_could_write() {
    let env = ignoring_repo();
    env.server.push_all(refused_shell_and_a_patch());
    let run = env.run(&["exec", "--approval", "never", "make them"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut pty = resume_and_undo(&env);
    pty.send("what now?\r");
    pty.wait_text("understood");
    assert!(!pty.screen().contains("not reverted"), "{}", pty.screen());
    assert_eq!(pty.quit_at_prompt(), 0);
    let reqs = env.server.requests();
    let last = &reqs[reqs.len() - 1].raw_body;
    assert!(last.contains(BACK_NOTE), "{last}");
}

/// `quire resume last` in the line mode, then `/undo`, waiting for
/// p.txt to be undone (the model's next answer: "understood").
fn resume_and_undo(env: &TestEnv) -> crate::support::pty::Pty {
    env.server.push(Reply::text("understood"));
    let mut cmd = env.command(&["resume", "last"]);
    cmd.env("TERM", "dumb");
    let mut pty = crate::support::pty::Pty::spawn(cmd, 40, 260);
    pty.wait_text("› ");
    pty.send("/undo\r");
    pty.wait_text("undone: p.txt");
    pty
}
