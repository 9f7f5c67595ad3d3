//! `/undo` after a resume of files the live session put back from a copy
//! kept in memory: a file moved by a patch (`*** Move to:`) and one
//! patched through a linked folder are rebuilt from the session file's
//! record and put back as the live undo would; a hostile session file
//! naming paths outside the workspace (`..`, absolute, through a link
//! leading out) is refused path by path, nothing written for them.

use std::path::Path;

use serde_json::{Value, json};

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::pty_prompt::{self, say};
use crate::support::quire::TestEnv;

/// The line mode on a dumb terminal, wide enough for its notes on a line.
fn line_mode(env: &TestEnv, args: &[&str]) -> Pty {
    pty_prompt::line_mode(env, args, 40, 400)
}

fn exec(env: &TestEnv, task: &str) {
    let run = env.run(&["exec", task]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn undo_after_resume_puts_back_a_moved_file_and_one_patched_through_a_link() {
    let env = TestEnv::new("chat");
    env.write("m.txt", "one\ntwo\n");
    env.write("real/b.txt", "b1\nkeep\n");
    let root = env.repo_path();
    std::os::unix::fs::symlink("real", root.join("alias")).expect("link");
    env.commit_all();
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: m.txt\n*** Move to: moved/m2.txt\n@@\n one\n-two\n+TWO\n*** Update File: alias/b.txt\n@@\n-b1\n+b2\n keep\n*** End Patch\n"}),
        ),
        Reply::text("moved and edited"),
    ]);
    exec(&env, "move it");
    assert_eq!(env.read("moved/m2.txt"), "one\nTWO\n");
    assert!(!root.join("m.txt").exists());
    assert_eq!(env.read("real/b.txt"), "b2\nkeep\n");
    let mut pty = line_mode(&env, &["resume", "last"]);
    say(&mut pty, "/undo");
    pty.wait_text("undone: ");
    let screen = pty.screen();
    assert!(!screen.contains("cannot undo"), "{screen}");
    assert!(
        screen.contains("alias/b.txt") && screen.contains("moved/m2.txt"),
        "{screen}"
    );
    assert_eq!(env.read("m.txt"), "one\ntwo\n", "moved back, byte for byte");
    assert!(!root.join("moved/m2.txt").exists());
    assert_eq!(env.read("real/b.txt"), "b1\nkeep\n");
    assert!(
        std::fs::symlink_metadata(root.join("alias")).is_ok_and(|m| m.file_type().is_symlink()),
        "the link stays a link"
    );
    assert_eq!(pty.quit_at_prompt(), 0);
}

#[test]
fn undo_after_resume_refuses_a_moved_file_changed_since() {
    let env = TestEnv::new("chat");
    env.write("m.txt", "one\n");
    env.commit_all();
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: m.txt\n*** Move to: m2.txt\n*** End Patch\n"}),
        ),
        Reply::text("moved"),
    ]);
    exec(&env, "move it");
    env.write("m2.txt", "mine\n");
    let mut pty = line_mode(&env, &["resume", "last"]);
    say(&mut pty, "/undo");
    pty.wait_text("cannot undo the move m.txt → m2.txt: m2.txt changed since the patch");
    assert_eq!(env.read("m2.txt"), "mine\n");
    assert!(!env.repo_path().join("m.txt").exists());
    assert_eq!(pty.quit_at_prompt(), 0);
}

/// A file record of a hostile session file: `path` modified from `old`
/// to `new`, its undo needing the copy (as a file edited through a link).
fn forged(path: &str, copy: bool) -> Value {
    let mut f = json!({
        "status": "modified",
        "path": path,
        "added": 1,
        "removed": 1,
        "diff": format!("--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n-old\n+new\n"),
        "sha256": quire::tools::apply_patch::sha256_hex(b"new\n"),
    });
    if copy {
        f["undo_copy"] = json!(true);
    }
    f
}

/// Adds `files` to the session file's record of its last patch.
fn forge(env: &TestEnv, files: Vec<Value>) {
    let file = env.session_files().pop().expect("a session file");
    let text = std::fs::read_to_string(&file).expect("read the session");
    let mut done = false;
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            let mut r: Value = serde_json::from_str(l).unwrap_or_default();
            if r["event"]["type"] == "patched"
                && let Some(list) = r["event"]["files"].as_array_mut()
            {
                list.extend(files.iter().cloned());
                done = true;
                return r.to_string();
            }
            l.to_string()
        })
        .collect();
    assert!(done, "no patch record in {text}");
    std::fs::write(&file, lines.join("\n") + "\n").expect("write the session");
}

#[test]
fn undo_after_resume_refuses_paths_of_a_forged_session_file_outside_the_workspace() {
    let env = TestEnv::new("chat");
    env.write("keep.txt", "keep old\n");
    env.commit_all();
    let outside = tempfile::tempdir().expect("outside");
    let out = std::fs::canonicalize(outside.path()).expect("outside path");
    std::fs::write(out.join("x.txt"), "new\n").expect("outside file");
    let root = std::fs::canonicalize(env.repo_path()).expect("repo path");
    std::os::unix::fs::symlink(&out, root.join("out")).expect("link out");
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: keep.txt\n@@\n-keep old\n+keep new\n*** End Patch\n"}),
        ),
        Reply::text("patched"),
    ]);
    exec(&env, "patch it");
    let name = out.file_name().and_then(|n| n.to_str()).expect("name");
    let up = format!("../{name}/x.txt");
    let abs = out.join("x.txt").display().to_string();
    forge(
        &env,
        vec![
            forged(&up, true),
            forged(&abs, true),
            forged("out/x.txt", true),
            forged(&up, false),
        ],
    );
    let mut pty = line_mode(&env, &["resume", "last"]);
    say(&mut pty, "/undo");
    pty.wait_text("undone: keep.txt");
    let screen = pty.screen();
    let target = out.join("x.txt").display().to_string();
    for path in [up.as_str(), abs.as_str(), "out/x.txt"] {
        let line = format!(
            "cannot undo {path}: it is outside the workspace (it leads to {target}), and /undo writes there only from the copy kept by the quire that made the patch; nothing was written for it"
        );
        assert!(screen.contains(&line), "{line}\n{screen}");
    }
    assert_eq!(
        screen.matches(&format!("cannot undo {up}:")).count(),
        2,
        "{screen}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("x.txt")).expect("x"),
        "new\n"
    );
    assert_eq!(env.read("keep.txt"), "keep old\n");
    assert_eq!(pty.quit_at_prompt(), 0);
    assert!(Path::new(&abs).exists());
}
