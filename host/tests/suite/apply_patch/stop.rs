//! A patch stopped while it is written, at the exact points where the
//! debug build's `QUIRE_TEST_PATCH_PAUSE` hook holds it (no timing): a
//! stop before the last file is in place changes nothing and leaves no
//! temp file; a stop after it finds the patch applied, says so, and /diff
//! and /undo see it; the temp file of a killed run goes with the next
//! patch in its folder; a file changed between reading and writing is not
//! overwritten, and the result says what happened.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Stdio};

use serde_json::{Value, json};

use super::*;
use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv, finish, wait_for_file};

const CALC: &str = "def add(a, b):\n    return a - b\n";
const FIX: &str =
    "*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n";

fn patch(body: &str) -> Reply {
    Reply::tool_call(
        "p",
        "apply_patch",
        json!({ "patch": format!("*** Begin Patch\n{body}*** End Patch\n") }),
    )
}

/// A folder for the pause hook, holding the patch at `point`.
fn hold(point: &str) -> tempfile::TempDir {
    let pause = tempfile::tempdir().unwrap();
    fs::write(pause.path().join(format!("hold-{point}")), "").unwrap();
    pause
}

/// quire with `args`, held by the pause hook as `pause` says.
fn spawn(env: &TestEnv, pause: &Path, args: &[&str]) -> Child {
    let mut cmd = env.command(args);
    cmd.env("QUIRE_TEST_PATCH_PAUSE", pause);
    cmd.spawn().expect("spawn quire")
}

fn signal(child: &Child, sig: i32) {
    let pid = i32::try_from(child.id()).expect("a pid");
    // SAFETY: a plain kill(2) of the quire process this test started.
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
}

/// quire's temp files in `dir`.
fn temps(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("quire-"))
        .collect();
    names.sort();
    names
}

/// quire fixing calc.py, held right before the file takes its place
/// (its new content is in a temp file beside it).
fn fixing_held() -> (TestEnv, tempfile::TempDir, Child) {
    let env = TestEnv::new("chat");
    env.write("calc.py", CALC);
    env.server.push(patch(FIX));
    let pause = hold("put-1");
    let child = spawn(&env, pause.path(), &["exec", "--json", "fix add"]);
    wait_for_file(&pause.path().join("at-put-1"));
    (env, pause, child)
}

fn result(run: &Run) -> Value {
    run.of_type("tool_completed")
        .first()
        .map(|v| (*v).clone())
        .unwrap_or_else(|| panic!("no tool result: {}", run.stdout))
}

#[test]
fn a_patch_stopped_before_its_file_is_in_place_changes_nothing() {
    let (env, _pause, child) = fixing_held();
    assert_eq!(temps(&env.repo_path()).len(), 1);
    signal(&child, libc::SIGTERM);
    let run = finish(child);
    assert_eq!(run.code, 143, "{}", run.stderr);
    let r = result(&run);
    assert_eq!(r["status"], "interrupted", "{r}");
    let out = r["output"].as_str().unwrap_or_default();
    assert!(out.contains("stopped by SIGTERM"), "{out}");
    assert!(
        out.contains("the patch was not applied: nothing was changed"),
        "{out}"
    );
    assert_eq!(r["files"], json!([]), "nothing for /diff or /undo: {r}");
    assert_eq!(env.read("calc.py"), CALC);
    assert!(temps(&env.repo_path()).is_empty(), "a temp file stayed");
}

#[test]
fn a_patch_stopped_between_its_files_puts_back_the_ones_written() {
    let env = TestEnv::new("chat");
    env.write("calc.py", CALC);
    env.write("notes.txt", "notes\n");
    env.server.push(patch(&format!(
        "*** Delete File: notes.txt\n{FIX}*** Add File: docs/new.md\n+new\n"
    )));
    // notes.txt goes first, then calc.py; stopped before docs/new.md.
    let pause = hold("put-3");
    let child = spawn(&env, pause.path(), &["exec", "--json", "tidy up"]);
    wait_for_file(&pause.path().join("at-put-3"));
    assert!(env.read("calc.py").contains("a + b"), "calc.py is in place");
    assert!(
        !env.repo_path().join("notes.txt").exists(),
        "notes.txt is gone"
    );
    signal(&child, libc::SIGTERM);
    let run = finish(child);
    let out = result(&run)["output"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        out.contains("the patch was not applied: nothing was changed"),
        "{out}"
    );
    assert_eq!(env.read("calc.py"), CALC);
    assert_eq!(env.read("notes.txt"), "notes\n");
    assert!(
        !env.repo_path().join("docs").exists(),
        "the folder made went"
    );
    assert!(temps(&env.repo_path()).is_empty(), "a temp file stayed");
}

/// Ctrl-C after the last file is in place: the patch is applied and the
/// result says so; /diff shows it and /undo reverts it.
#[test]
fn a_stop_after_the_last_file_finds_the_patch_applied_and_undoable() {
    let env = TestEnv::new("chat");
    env.leave_git();
    env.write("calc.py", CALC);
    env.server.push(patch(FIX));
    let pause = hold("done");
    let mut cmd = env.command(&[]);
    cmd.env("QUIRE_TEST_PATCH_PAUSE", pause.path())
        .env("TERM", "dumb")
        .stdin(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn quire");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"fix add\n/diff\n/undo\n")
        .unwrap();
    wait_for_file(&pause.path().join("at-done"));
    signal(&child, libc::SIGINT);
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let recorded = env
        .session_records()
        .into_iter()
        .find(|r| r["item"]["type"] == "tool_result")
        .expect("the patch's result is recorded");
    let out = recorded["item"]["output"].as_str().unwrap_or_default();
    assert!(
        out.starts_with("Success. Updated the following files:\nM calc.py"),
        "{out}"
    );
    assert!(out.contains("the patch is applied"), "{out}");
    let err = &run.stderr;
    assert!(err.contains("  M calc.py +1 -1"), "/diff: {err}");
    assert!(err.contains("undone: calc.py"), "/undo: {err}");
    assert_eq!(env.read("calc.py"), CALC);
}

/// This process's start time, as quire's temp file names hold it.
fn own_start() -> String {
    let stat = fs::read_to_string("/proc/self/stat").unwrap();
    let after = stat.rsplit_once(')').unwrap().1;
    after.split_whitespace().nth(19).unwrap().to_string()
}

#[test]
fn the_temp_file_of_a_killed_run_goes_with_the_next_patch() {
    let (env, _pause, child) = fixing_held();
    let pid = child.id();
    signal(&child, libc::SIGKILL);
    finish(child);
    let left = temps(&env.repo_path());
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(
        left[0].starts_with(&format!(".quire-patch-{pid}-")),
        "{left:?}"
    );
    assert_eq!(env.read("calc.py"), CALC, "the file is as it was");
    // Kept: a running process's temp file (this test's), and names that
    // are not exactly quire's.
    let live = format!(
        ".quire-patch-{}-{}-0badc0de",
        std::process::id(),
        own_start()
    );
    for keep in [
        live.as_str(),
        ".quire-patch-notes",
        "quire-patch-1-2-0badc0de",
    ] {
        env.write(keep, "keep\n");
    }
    env.server.push_all([patch(FIX), Reply::text("fixed")]);
    let run = env.exec_json("fix add", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(env.read("calc.py").contains("a + b"));
    let mut kept = vec![
        live,
        ".quire-patch-notes".into(),
        "quire-patch-1-2-0badc0de".into(),
    ];
    kept.sort();
    assert_eq!(temps(&env.repo_path()), kept);
}

/// Another program writes the file while the patch is being written (two
/// sessions at once, an editor): the patch is refused with what happened,
/// the other program's content stays.
#[test]
fn a_file_changed_between_reading_and_writing_is_not_overwritten() {
    let (env, pause, child) = fixing_held();
    env.server.push(Reply::text("noted"));
    // The same size, in place: only the content tells.
    let theirs = "def add(a, b):\n    return a * b\n";
    assert_eq!(theirs.len(), CALC.len());
    fs::OpenOptions::new()
        .write(true)
        .open(env.repo_path().join("calc.py"))
        .unwrap()
        .write_all(theirs.as_bytes())
        .unwrap();
    fs::write(pause.path().join("go-put-1"), "").unwrap();
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = result(&run);
    assert_eq!(r["status"], "failed", "{r}");
    let out = r["output"].as_str().unwrap_or_default();
    assert!(
        out.contains("calc.py changed after apply_patch read it and before it wrote it"),
        "{out}"
    );
    assert!(!out.contains("approval"), "no approval was asked: {out}");
    assert_eq!(env.read("calc.py"), theirs);
    assert!(temps(&env.repo_path()).is_empty(), "a temp file stayed");
}
