//! The line mode's session commands (`/status`, `/diff`, `/undo`,
//! `/skills`, `/mcp`, `/approvals`): the same answers as the full-screen
//! view's, on a dumb terminal with piped input. The /diff of these tests
//! is the one outside a git repository (the session's patches);
//! line_diff.rs has the working tree's.

use std::io::Write;
use std::process::Stdio;

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv, finish};

/// Runs the line mode (`TERM=dumb`) with `input` typed line by line;
/// it must end with 0.
pub(super) fn line_mode(env: &TestEnv, input: &str) -> Run {
    line_mode_with(env, input, &[])
}

/// [`line_mode`] with `envs` set for quire.
pub(crate) fn line_mode_with(env: &TestEnv, input: &str, envs: &[(&str, &str)]) -> Run {
    line_mode_args(env, &[], input, envs)
}

/// [`line_mode_with`], quire started with `args`.
pub(crate) fn line_mode_args(
    env: &TestEnv,
    args: &[&str],
    input: &str,
    envs: &[(&str, &str)],
) -> Run {
    let mut cmd = env.command(args);
    cmd.stdin(Stdio::piped())
        .env("TERM", "dumb")
        .envs(envs.iter().copied());
    let mut child = cmd.spawn().expect("spawn quire");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let r = finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

/// Bytes no text diff can carry: Latin-1, a NUL, CRLF, no final newline.
const BLOB: &[u8] = b"caf\xe9\0\r\nno newline at the end";
const CALC: &str = "def add(a, b):\r\n    return a - b\r\n";

/// The model's patch: calc.py's `add` adds, blob.bin goes.
fn fix_and_delete() -> Reply {
    Reply::tool_call(
        "p",
        "apply_patch",
        json!({"patch": "*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** Delete File: blob.bin\n*** End Patch\n"}),
    )
}

#[test]
fn diff_shows_the_patch_and_undo_restores_the_files_byte_for_byte() {
    let env = TestEnv::new("chat");
    // Outside a git repository /diff shows the session's patches.
    env.leave_git();
    env.write("calc.py", CALC);
    std::fs::write(env.repo_path().join("blob.bin"), BLOB).expect("write blob");
    env.server.push_all([
        fix_and_delete(),
        Reply::text("fixed"),
        Reply::text("understood"),
    ]);
    let r = line_mode(
        &env,
        "/diff\nfix add\n/diff\n/undo\n/diff\n/undo\nwhat now?\n",
    );
    let err = &r.stderr;
    assert!(
        err.contains("no patches were applied in this session"),
        "{err}"
    );
    // The patch's files with their operation, counts and numbered lines.
    assert!(err.contains("  M calc.py +1 -1"), "{err}");
    assert!(err.contains("  D blob.bin"), "{err}");
    assert!(err.contains("     2 +    return a + b"), "{err}");
    assert!(err.contains("undone: blob.bin, calc.py"), "{err}");
    assert_eq!(
        std::fs::read(env.repo_path().join("blob.bin")).expect("blob.bin is back"),
        BLOB
    );
    assert_eq!(
        std::fs::read(env.repo_path().join("calc.py")).expect("calc.py"),
        CALC.as_bytes()
    );
    assert!(
        err.contains(
            "no patches in effect: the 2 files patched in this session were undone with /undo"
        ),
        "{err}"
    );
    assert!(
        err.contains("nothing to undo: the 2 files patched in this session were undone with /undo"),
        "{err}"
    );
    // The model is told, in the next request.
    let reqs = env.server.requests();
    assert!(
        reqs[2]
            .raw_body
            .contains("the user reverted your changes to blob.bin, calc.py with /undo"),
        "{}",
        reqs[2].raw_body
    );
}

#[test]
fn undo_refuses_a_file_changed_since_and_diff_still_shows_it() {
    let env = TestEnv::new("chat");
    env.leave_git();
    env.write("calc.py", CALC);
    std::fs::write(env.repo_path().join("blob.bin"), BLOB).expect("write blob");
    env.server
        .push_all([fix_and_delete(), Reply::text("fixed")]);
    // blob.bin made again by hand after the patch deleted it.
    let mut cmd = env.command(&[]);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"fix add\n").expect("write");
    let blob = env.repo_path().join("blob.bin");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while env.server.requests().len() < 2 || blob.exists() {
        assert!(std::time::Instant::now() < deadline, "the patch never ran");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::fs::write(&blob, "mine now").expect("write");
    stdin.write_all(b"/undo\n/diff\n").expect("write");
    drop(stdin);
    let r = finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let err = &r.stderr;
    assert!(err.contains("undone: calc.py"), "{err}");
    assert!(
        err.contains(
            "cannot undo blob.bin: it was made again since the patch deleted it; nothing was written"
        ),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&blob).expect("blob"), "mine now");
    // What was not undone is still shown.
    let after = &err[err.find("undone: calc.py").expect("undone")..];
    assert!(after.contains("  D blob.bin"), "{err}");
}

/// A second /undo does not stick on a file that cannot be undone: it
/// tries it once more, leaves it as it is (/diff says so, without the
/// patch it no longer holds) and undoes the task before.
#[test]
fn a_second_undo_leaves_what_cannot_be_undone_and_undoes_the_task_before() {
    let env = TestEnv::new("chat");
    env.leave_git();
    env.write("a.txt", "one\n");
    env.write("b.txt", "two\n");
    let edit = |file: &str, from: &str, to: &str| {
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": format!("*** Begin Patch\n*** Update File: {file}\n@@\n-{from}\n+{to}\n*** End Patch\n")}),
        )
    };
    env.server.push_all([
        edit("a.txt", "one", "ONE"),
        Reply::text("a done"),
        edit("b.txt", "two", "TWO"),
        Reply::text("b done"),
    ]);
    let mut cmd = env.command(&[]);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"edit a\nedit b\n").expect("write");
    let b = env.repo_path().join("b.txt");
    wait_for(&env, 4, || {
        std::fs::read_to_string(&b).is_ok_and(|t| t == "TWO\n")
    });
    // The user rewrites b.txt: the patch no longer reverses.
    std::fs::write(&b, "mine\n").expect("write");
    stdin
        .write_all(b"/undo\n/undo\n/diff\n/undo\n")
        .expect("write");
    drop(stdin);
    let r = finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let err = &r.stderr;
    // The last /undo finds nothing, and says what was left.
    assert!(
        err.contains("nothing to undo: the 1 file patched in this session was undone with /undo; 1 other was left as it is (/diff shows it)"),
        "{err}"
    );
    let first = err.find("cannot undo b.txt").expect(err);
    let again = err[first..].find("/undo again tries once more").expect(err);
    let left = err.find("left as it is: b.txt").expect(err);
    let undone = err.find("undone: a.txt").expect(err);
    assert!(first + again < left && left < undone, "{err}");
    assert_eq!(env.read("a.txt"), "one\n", "the task before was undone");
    assert_eq!(env.read("b.txt"), "mine\n", "the user's edit is kept");
    // /diff says what is true of the file left: changed since its patch,
    // which is not shown as if it were the file's content.
    let diff = &err[undone..err.rfind("nothing to undo").expect(err)];
    assert!(
        diff.contains(
            "left as it is by /undo: it changed since its patch, so the patch is not shown"
        ),
        "{err}"
    );
    assert!(
        diff.contains("\n  b.txt: it changed since the patch, which no longer reverses cleanly\n"),
        "{err}"
    );
    for stale in ["+TWO", "-two", "M b.txt"] {
        assert!(!diff.contains(stale), "{stale}: {err}");
    }
}

/// Waits until the model got `n` requests and `done` holds.
fn wait_for(env: &TestEnv, n: usize, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while env.server.requests().len() < n || !done() {
        assert!(std::time::Instant::now() < deadline, "the patch never ran");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
}

/// A refused undo names the file in the way: a move's old path made
/// again, not the moved file; an added file already deleted is not a
/// refusal. The folder the move made goes with the undo.
#[test]
fn undo_names_the_file_that_blocks_a_move_and_skips_an_added_file_already_gone() {
    let env = TestEnv::new("chat");
    env.write("added.txt", "moved along\n");
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: fresh.txt\n+fresh\n*** Update File: added.txt\n*** Move to: docs/renamed.txt\n@@\n-moved along\n+moved along, renamed\n*** End Patch\n"}),
        ),
        Reply::text("done"),
        Reply::text("noted"),
    ]);
    let mut cmd = env.command(&[]);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"add and move\n").expect("write");
    let root = env.repo_path().to_path_buf();
    wait_for(&env, 2, || !root.join("added.txt").exists());
    std::fs::remove_file(root.join("fresh.txt")).expect("rm fresh.txt");
    std::fs::write(root.join("added.txt"), "mine\n").expect("write");
    // The message after /undo reaches the model once /undo has answered.
    stdin.write_all(b"/undo\nok?\n").expect("write");
    let err_file = root.join("docs/renamed.txt");
    wait_for(&env, 3, || true);
    // Once refused, added.txt goes aside and the undo goes through.
    std::fs::remove_file(root.join("added.txt")).expect("rm added.txt");
    stdin.write_all(b"/undo\n").expect("write");
    drop(stdin);
    let r = finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let err = &r.stderr;
    assert!(
        err.contains(
            "cannot undo the move added.txt → docs/renamed.txt: added.txt exists again (made since the patch moved it away); move it aside first; nothing was written"
        ),
        "{err}"
    );
    assert!(
        err.contains("already undone: the file the patch added, fresh.txt, was deleted since"),
        "{err}"
    );
    assert!(!err.contains("cannot undo fresh.txt"), "{err}");
    assert!(err.contains("undone: docs/renamed.txt"), "{err}");
    assert_eq!(env.read("added.txt"), "moved along\n");
    assert!(!err_file.exists());
    assert!(
        !root.join("docs").exists(),
        "the folder the move made is gone"
    );
}

/// The id in a session file's first record.
pub(super) fn session_id(file: &std::path::Path) -> String {
    let text = std::fs::read_to_string(file).expect("read session");
    let meta: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("a meta line")).expect("json");
    meta["id"].as_str().expect("an id").to_string()
}

/// After `/new`, while the new session has no messages, the exit line
/// names the session `/new` left; once it has some, this one.
#[test]
fn after_new_the_exit_line_names_the_session_with_messages() {
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::text("first"), Reply::text("second")]);
    let r = line_mode(&env, "hello\n/new\n/new\n");
    let files = env.session_files();
    assert_eq!(files.len(), 3);
    let first = session_id(&files[0]);
    assert!(
        r.stderr.ends_with(&format!(
            "To continue the session before /new: quire resume {first}\n"
        )),
        "{}",
        r.stderr
    );
    let env = TestEnv::new("chat");
    env.server
        .push_all([Reply::text("first"), Reply::text("second")]);
    let r = line_mode(&env, "hello\n/new\nagain\n");
    let second = session_id(&env.session_files()[1]);
    assert!(
        r.stderr.ends_with(&format!(
            "To continue this session: quire resume {second}\n"
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn status_shows_the_model_and_the_tokens() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("counted"));
    let r = line_mode(&env, "count my tokens\n/status\n/status extra\n");
    let err = &r.stderr;
    assert!(err.contains("model    test-model · test"), "{err}");
    assert!(err.contains("tokens   in 100 · cached 0 · out 20"), "{err}");
    assert!(
        err.contains("cost     unknown price for test-model"),
        "{err}"
    );
    assert!(err.contains("policy   sandbox "), "{err}");
    let user = env.home.path().join("config.toml").display().to_string();
    assert!(err.contains(&format!("config   {user}: ")), "{err}");
    assert!(
        err.contains("/status takes no arguments: \"extra\" is unexpected"),
        "{err}"
    );
}

/// A server that refused `reasoning`: requests go without it, and
/// `/status` says the effort is not sent.
#[test]
fn status_says_an_effort_the_server_refused_is_not_sent() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::status_with_body(
            400,
            json!({"error": {"message": "Unknown parameter: 'reasoning'.",
                "type": "invalid_request_error", "param": "reasoning"}}),
        ),
        Reply::text("fine"),
    ]);
    let mut cmd = env.command(&["-c", "reasoning_effort=high"]);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"a\n/status\n").expect("write");
    drop(stdin);
    let r = finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bodies: Vec<_> = env.server.requests().into_iter().map(|r| r.body).collect();
    assert!(bodies.len() == 2 && bodies[1].get("reasoning").is_none());
    assert!(
        r.stderr.contains(
            "model    test-model · test · reasoning effort high (refused by the server, not sent)"
        ),
        "{}",
        r.stderr
    );
}

const SKILL: &str = "---\nname: pdf-forms\ndescription: Fill in PDF forms with pdftk.\n---\n\nRun `pdftk FORM fill_form DATA output OUT` to fill the form.\n";

#[test]
fn skills_mcp_and_approvals_answer() {
    let env = TestEnv::new("chat");
    env.write(".agents/skills/pdf-forms/SKILL.md", SKILL);
    let r = line_mode(
        &env,
        "/skills\n/mcp\n/approvals untrusted\n/approvals bogus\n/status\n",
    );
    let err = &r.stderr;
    assert!(
        err.contains("    pdf-forms — Fill in PDF forms with pdftk."),
        "{err}"
    );
    assert!(
        err.contains(
            "MCP servers: no problems reported; `quire mcp list` shows each server and its tools"
        ),
        "{err}"
    );
    assert!(
        err.contains("sandbox workspace-write · approval untrusted"),
        "{err}"
    );
    assert!(err.contains("unknown setting \"bogus\""), "{err}");
    assert!(err.contains("· approval untrusted"), "{err}");
    assert!(env.server.requests().is_empty(), "nothing was sent");
}

/// `/skill-name …` calls the skill, as in the full-screen view: the
/// message is sent and the skill's instructions go with it.
#[test]
fn a_skill_is_called_by_its_name() {
    let env = TestEnv::new("chat");
    env.write(".agents/skills/pdf-forms/SKILL.md", SKILL);
    env.server.push(Reply::text("filled"));
    let r = line_mode(&env, "/pdf-forms the W-9\n/no-such-skill\n");
    let err = &r.stderr;
    assert!(!err.contains("unknown command /pdf-forms"), "{err}");
    assert!(err.contains("unknown command /no-such-skill"), "{err}");
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 1, "{err}");
    let body = reqs[0].body.to_string();
    assert!(body.contains("/pdf-forms the W-9"), "{body}");
    assert!(
        body.contains("pdftk FORM fill_form"),
        "the skill's body: {body}"
    );
}

/// A folder a patch made in a writable root, swapped by a sandboxed
/// command for a link to a folder outside every root: /undo names the
/// file it no longer reaches and deletes nothing where the link points
/// (tester T21).
#[test]
fn undo_does_not_follow_a_folder_swapped_for_a_link() {
    let root = crate::support::outside::outside_dir();
    let victim = crate::support::outside::outside_dir();
    let (root_path, victim_path) = (
        std::fs::canonicalize(root.path()).expect("root"),
        std::fs::canonicalize(victim.path()).expect("victim"),
    );
    std::fs::create_dir(victim_path.join("deep")).expect("mkdir");
    std::fs::write(victim_path.join("deep/new.txt"), "n\n").expect("write");
    let env = TestEnv::with_config(
        "chat",
        &format!(
            "[sandbox_workspace_write]\nwritable_roots = [{:?}]\n",
            root_path.display().to_string()
        ),
    );
    let (sub, file) = (root_path.join("sub"), root_path.join("sub/deep/new.txt"));
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": format!("*** Begin Patch\n*** Add File: {}\n+n\n*** End Patch\n", file.display())}),
        ),
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": format!("mv {0} {0}2 && ln -s {1} {0}", sub.display(), victim_path.display())}),
        ),
        Reply::text("patched"),
    ]);
    let r = line_mode(&env, "go\n/undo\n");
    let err = &r.stderr;
    assert!(
        std::fs::symlink_metadata(&sub).is_ok_and(|m| m.file_type().is_symlink()),
        "the command swapped the folder: {err}"
    );
    assert!(
        err.contains(&format!(
            "cannot undo {}: it no longer resolves inside {}: a folder on the way was replaced by a symbolic link since the patch, and /undo does not follow links; nothing was written",
            file.display(),
            root_path.display()
        )),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(victim_path.join("deep/new.txt")).expect("still there"),
        "n\n"
    );
    assert!(root_path.join("sub2/deep/new.txt").exists());
}
