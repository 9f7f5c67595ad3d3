//! `/undo` and `/diff` across a resume (tester finding F9): the session
//! file records each patch's files and each /undo, so a resumed session
//! (the full-screen view and the line mode) undoes the patches made
//! before it, with the same safety rules, and a second resume does not
//! offer an undone task again. A session file written before those
//! records keeps the old answer.

use serde_json::{Value, json};

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::pty_prompt::{self, say};
use crate::support::quire::TestEnv;

const BUGGY: &str = "def add(a, b):\n    return a - b\n";
const FIXED: &str = "def add(a, b):\n    return a + b\n";
const NOTES: &str = "todo: fix add\n";
const OLD: &str = "first line\nsecond line\n";

/// The model's patch: calc.py's `add` adds.
fn fix_calc() -> Reply {
    Reply::tool_call(
        "p",
        "apply_patch",
        json!({"patch": "*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** End Patch\n"}),
    )
}

/// The model's patch: calc.py fixed, notes.txt updated, old.txt deleted.
fn fix_note_and_delete() -> Reply {
    Reply::tool_call(
        "p",
        "apply_patch",
        json!({"patch": "*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** Update File: notes.txt\n@@\n-todo: fix add\n+done: add fixed\n*** Delete File: old.txt\n*** End Patch\n"}),
    )
}

/// The full-screen view.
fn full_screen(env: &TestEnv, args: &[&str]) -> Pty {
    let pty = Pty::spawn(env.command(args), 40, 160);
    pty.wait_text("/help for keys");
    pty
}

/// The line mode on a dumb terminal, wide enough for its notes on a line.
fn line_mode(env: &TestEnv, args: &[&str]) -> Pty {
    pty_prompt::line_mode(env, args, 40, 220)
}

/// `quire exec TASK`, which must succeed.
fn exec(env: &TestEnv, task: &str) {
    let run = env.run(&["exec", task]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn undo_after_resume_reverts_the_earlier_patch_and_a_second_resume_has_nothing_left() {
    let env = TestEnv::new("chat");
    env.write("calc.py", BUGGY);
    env.commit_all();
    env.server.push_all([fix_calc(), Reply::text("fixed")]);
    exec(&env, "fix add");
    assert_eq!(env.read("calc.py"), FIXED);
    let mut pty = full_screen(&env, &["resume", "last"]);
    pty.wait_text("fixed");
    // git still sees the earlier patch's change.
    say(&mut pty, "/diff");
    pty.wait_text("the working tree against HEAD");
    pty.wait_text("+    return a + b");
    say(&mut pty, "/undo");
    pty.wait_text("undone: calc.py");
    assert_eq!(env.read("calc.py"), BUGGY);
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    // The undo is recorded: resumed again, the task is not offered again.
    let undos = env
        .session_records()
        .iter()
        .filter(|r| r["event"]["type"] == "undone")
        .count();
    assert_eq!(undos, 1);
    let mut pty = full_screen(&env, &["resume", "last"]);
    pty.wait_text("fixed");
    say(&mut pty, "/undo");
    pty.wait_text("nothing to undo: the 1 file patched in this session was undone with /undo");
    assert_eq!(env.read("calc.py"), BUGGY);
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn the_line_mode_after_resume_shows_the_patches_and_leaves_a_file_edited_by_hand() {
    let env = TestEnv::new("chat");
    // Outside a git repository /diff shows the session's patches.
    env.leave_git();
    env.write("calc.py", BUGGY);
    env.write("notes.txt", NOTES);
    env.write("old.txt", OLD);
    env.server
        .push_all([fix_note_and_delete(), Reply::text("fixed and tidied")]);
    exec(&env, "fix add and tidy up");
    assert!(std::fs::metadata(env.repo_path().join("old.txt")).is_err());
    // Edited by hand on the patched line: the patch no longer reverses.
    let by_hand = "done: add fixed, checked by hand\n";
    env.write("notes.txt", by_hand);
    let mut pty = line_mode(&env, &["resume", "last"]);
    say(&mut pty, "/diff");
    pty.wait_text("not in a git repository: the patches applied in this session");
    pty.wait_text("+    return a + b");
    pty.wait_text("notes.txt: changed since the patch");
    say(&mut pty, "/undo");
    pty.wait_text("undone: old.txt, calc.py");
    pty.wait_text("cannot undo notes.txt: it changed since the patch");
    assert_eq!(env.read("calc.py"), BUGGY);
    assert_eq!(env.read("old.txt"), OLD, "the deleted file is made again");
    assert_eq!(env.read("notes.txt"), by_hand, "left as it is");
    assert_eq!(pty.quit_at_prompt(), 0);
    // Resumed again: only notes.txt is left, tried once more, then left.
    let mut pty = line_mode(&env, &["resume", "last"]);
    say(&mut pty, "/undo");
    pty.wait_text("left as it is: notes.txt (/diff still shows it)");
    pty.wait_text("no task before it to undo");
    assert_eq!(env.read("notes.txt"), by_hand);
    assert_eq!(env.read("calc.py"), BUGGY);
    assert_eq!(pty.quit_at_prompt(), 0);
}

#[test]
fn a_session_file_without_patch_records_resumes_with_the_old_answer() {
    let env = TestEnv::new("chat");
    env.leave_git();
    env.write("calc.py", BUGGY);
    env.server.push_all([fix_calc(), Reply::text("fixed")]);
    exec(&env, "fix add");
    // As a quire before the records wrote it.
    let file = env.session_files().pop().expect("a session file");
    let text = std::fs::read_to_string(&file).expect("read the session");
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            let r: Value = serde_json::from_str(l).unwrap_or_default();
            !matches!(
                r["event"]["type"].as_str(),
                Some("task_started" | "patched")
            )
        })
        .collect();
    assert!(kept.len() < text.lines().count(), "records to take out");
    std::fs::write(&file, kept.join("\n") + "\n").expect("write the session");
    let mut pty = line_mode(&env, &["resume", "last"]);
    say(&mut pty, "/undo");
    pty.wait_text(
        "nothing to undo: no patches since this session was resumed (patches made before resuming cannot be undone here)",
    );
    assert_eq!(env.read("calc.py"), FIXED);
    assert_eq!(pty.quit_at_prompt(), 0);
}

#[test]
fn undo_after_resume_makes_a_deleted_empty_file_again_and_removes_an_added_empty_one() {
    let env = TestEnv::new("chat");
    env.write("empty.txt", "");
    env.write("kept.txt", "kept\n");
    env.commit_all();
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Delete File: empty.txt\n*** Add File: sub/new.txt\n*** End Patch\n"}),
        ),
        Reply::text("tidied"),
    ]);
    exec(&env, "tidy up");
    let root = env.repo_path();
    assert!(!root.join("empty.txt").exists());
    assert_eq!(env.read("sub/new.txt"), "");
    let mut pty = line_mode(&env, &["resume", "last"]);
    say(&mut pty, "/undo");
    pty.wait_text("undone: sub/new.txt, empty.txt");
    assert!(!pty.screen().contains("cannot undo"), "{}", pty.screen());
    assert_eq!(env.read("empty.txt"), "", "made again, empty");
    assert!(!root.join("sub/new.txt").exists());
    assert!(!root.join("sub").exists(), "the folder the patch made");
    assert_eq!(pty.quit_at_prompt(), 0);
}

#[test]
fn undo_after_resume_leaves_an_added_empty_file_written_since() {
    let env = TestEnv::new("chat");
    env.write("kept.txt", "kept\n");
    env.commit_all();
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: e.txt\n*** End Patch\n"}),
        ),
        Reply::text("added"),
    ]);
    exec(&env, "add it");
    env.write("e.txt", "mine\n");
    let mut pty = line_mode(&env, &["resume", "last"]);
    say(&mut pty, "/undo");
    pty.wait_text("cannot undo e.txt: it changed since the patch");
    assert_eq!(env.read("e.txt"), "mine\n");
    assert_eq!(pty.quit_at_prompt(), 0);
}
