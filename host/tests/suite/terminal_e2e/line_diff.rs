//! `/diff` in a git repository: what the working tree holds now against
//! HEAD, untracked files included, whoever changed them (a patch, a shell
//! command, the user) — and git run so that nothing the repository's
//! configuration names runs.

use std::path::Path;

use serde_json::json;

use super::line_session::line_mode;
use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

/// Turn 1 patches a.txt (`hello` → `hello world`); turn 2's shell command
/// changes it again and makes b.txt. /diff shows what a.txt holds now and
/// b.txt, not the patch of turn 1.
#[test]
fn diff_after_a_shell_edit_shows_the_current_content_and_the_untracked_file() {
    let env = TestEnv::new("chat");
    patch_then_shell(&env);
    env.commit_all();
    let r = line_mode(&env, "change it\nchange it again\n/diff\n");
    assert_eq!(env.read("a.txt"), "hello WORLD\n", "{}", r.stderr);
    let err = &r.stderr;
    let diff = &err[err.find("the working tree against HEAD").expect(err)..];
    assert!(diff.contains("  M a.txt +1 -1"), "{err}");
    assert!(diff.contains("     1 +hello WORLD"), "{err}");
    assert!(diff.contains("     1 -hello"), "{err}");
    assert!(!diff.contains("+hello world"), "the stale patch: {err}");
    assert!(diff.contains("untracked (1 file, not ignored):"), "{err}");
    assert!(diff.contains("  A b.txt +1 -0"), "{err}");
    assert!(diff.contains("     1 +new"), "{err}");
}

/// Outside a git repository /diff shows the session's patches, and names
/// a file whose content changed since its patch.
#[test]
fn diff_outside_git_says_which_patched_files_changed_since() {
    let env = TestEnv::new("chat");
    env.leave_git();
    patch_then_shell(&env);
    let r = line_mode(&env, "change it\n/diff\nchange it again\n/diff\n");
    assert_eq!(env.read("a.txt"), "hello WORLD\n", "{}", r.stderr);
    let err = &r.stderr;
    let (first, second) = err.split_at(err.rfind("not in a git repository").expect(err));
    assert!(first.contains("not in a git repository: the patches applied in this session"));
    assert!(!first.contains("changed since"), "{err}");
    assert!(second.contains("     1 +hello world"), "{err}");
    assert!(
        second.contains("changed since its patch (the diff above is what the patch did, not what the file holds now):\n  a.txt: changed since the patch\n"),
        "{err}"
    );
}

/// a.txt holds `hello`; the model's first turn patches it to `hello
/// world`, its second runs `sed` to make that `hello WORLD` and makes b.txt.
fn patch_then_shell(env: &TestEnv) {
    env.write("a.txt", "hello\n");
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: a.txt\n@@\n-hello\n+hello world\n*** End Patch\n"}),
        ),
        Reply::text("patched"),
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": "sed -i s/world/WORLD/ a.txt && echo new > b.txt"}),
        ),
        Reply::text("edited"),
    ]);
}

/// However the setup asks diffs to look (no `a/` and `b/`, paths relative
/// to the folder, quoted, coloured), /diff reads them as git writes them
/// by default.
#[test]
fn diff_reads_git_whatever_its_format_settings() {
    let env = TestEnv::new("chat");
    env.write("sub/naïve.txt", "one\n");
    env.commit_all();
    crate::support::git_format::unusual(&env.repo_path());
    env.write("sub/naïve.txt", "two\n");
    let r = line_mode(&env, "/diff\n");
    let err = &r.stderr;
    assert!(err.contains("  M sub/naïve.txt +1 -1"), "{err}");
    assert!(err.contains("     1 -one"), "{err}");
    assert!(err.contains("     1 +two"), "{err}");
}

/// Programs a repository's git configuration names (an external diff, a
/// text conversion, a filter, an fsmonitor, a hook) do not run for /diff.
#[test]
fn diff_runs_nothing_the_repository_configuration_names() {
    let env = TestEnv::new("chat");
    env.write("a.txt", "hello\n");
    env.write("c.txt", "one\n");
    env.commit_all();
    let marks = tempfile::tempdir().expect("tempdir");
    hostile(&env, marks.path());
    // Changed by hand: git would compare, convert and clean them.
    env.write("a.txt", "hello WORLD\n");
    std::fs::write(env.repo_path().join("c.txt"), "two\n").expect("write");
    // The setup does run programs for a plain `git diff HEAD` (whether
    // or not git then fails).
    let _ = std::process::Command::new("git")
        .args(["diff", "HEAD"])
        .current_dir(env.repo_path())
        .output()
        .expect("run git");
    assert!(
        !ran(marks.path()).is_empty(),
        "the hostile setup ran nothing"
    );
    for m in ran(marks.path()) {
        std::fs::remove_file(marks.path().join(m)).expect("remove mark");
    }
    let r = line_mode(&env, "/diff\n");
    let err = &r.stderr;
    assert_eq!(ran(marks.path()), Vec::<String>::new(), "{err}");
    assert!(err.contains("     1 +hello WORLD"), "{err}");
    assert!(err.contains("     1 +two"), "{err}");
    assert!(env.server.requests().is_empty(), "nothing was sent");
}

/// `.git/config` and `.git/info/attributes` as a sandboxed command could
/// write them: each program touches its own file in `marks`.
fn hostile(env: &TestEnv, marks: &Path) {
    // git appends its arguments: `;:` leaves them to `:`, `; cat` reads
    // the file (a text conversion) or stdin (a filter).
    let touch = |name: &str, then: &str| format!("touch {}; {then}", marks.join(name).display());
    for (key, value) in [
        ("diff.external", touch("external", ":")),
        ("diff.evil.textconv", touch("textconv", "cat")),
        ("diff.evil.command", touch("command", ":")),
        ("filter.evil.clean", touch("clean", "cat")),
        ("filter.evil.smudge", touch("smudge", "cat")),
        ("filter.evil.required", "true".to_string()),
        ("core.fsmonitor", touch("fsmonitor", ":")),
    ] {
        env.git(&["config", key, &value]);
    }
    let git = env.repo_path().join(".git");
    std::fs::write(git.join("info/attributes"), "*.txt diff=evil filter=evil\n")
        .expect("write attributes");
    let hook = git.join("hooks/post-index-change");
    std::fs::write(&hook, format!("#!/bin/sh\n{}\n", touch("hook", ":"))).expect("write hook");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// The marks programs left.
fn ran(marks: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(marks)
        .expect("read marks")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A file the model patched that git ignores (`.env.local`, `dist/…`)
/// is shown too, under a heading that says git ignores it; ignored files
/// no patch touched (a build folder) are not listed.
#[test]
fn diff_shows_patched_files_git_ignores_marked_as_such() {
    let env = TestEnv::new("chat");
    env.write(".gitignore", ".env.local\ndist/\n");
    env.write("a.txt", "hello\n");
    env.commit_all();
    env.write(".env.local", "KEY=old\n");
    env.write("dist/bundle.js", "built\n");
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: a.txt\n@@\n-hello\n+hello world\n*** Update File: .env.local\n@@\n-KEY=old\n+KEY=new\n*** Add File: dist/config.js\n+export default {};\n*** End Patch\n"}),
        ),
        Reply::text("patched"),
    ]);
    let r = line_mode(&env, "change them\n/diff\n");
    assert_eq!(env.read(".env.local"), "KEY=new\n", "{}", r.stderr);
    let err = &r.stderr;
    let diff = &err[err.find("the working tree against HEAD").expect(err)..];
    assert!(diff.contains("  M a.txt +1 -1"), "{err}");
    let (tracked, ignored) = diff.split_at(
        diff.find("ignored by git, patched in this session (2 files;")
            .expect(err),
    );
    assert!(!tracked.contains(".env.local"), "{err}");
    assert!(ignored.contains("  M .env.local +1 -1"), "{err}");
    assert!(ignored.contains("     1 -KEY=old"), "{err}");
    assert!(ignored.contains("     1 +KEY=new"), "{err}");
    assert!(ignored.contains("  A dist/config.js +1 -0"), "{err}");
    assert!(
        !err.contains("bundle.js"),
        "the ignored tree is not listed: {err}"
    );
    assert!(!ignored.contains("a.txt"), "{err}");
}

/// The ignored files a resumed session patched before the resume are
/// shown too (the session file records each patch's files), each once
/// however many patches changed it: what it held before the session's
/// first patch against what it holds now.
#[test]
fn diff_after_resume_shows_ignored_files_patched_before_once() {
    let env = TestEnv::new("chat");
    env.write(".gitignore", ".env.local\n");
    env.commit_all();
    env.write(".env.local", "KEY=old\nKEEP=1\n");
    let patch = |from: &str, to: &str| {
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": format!("*** Begin Patch\n*** Update File: .env.local\n@@\n-KEY={from}\n+KEY={to}\n*** End Patch\n")}),
        )
    };
    env.server.push_all([
        patch("old", "new"),
        Reply::text("patched"),
        patch("new", "newer"),
        Reply::text("patched again"),
    ]);
    let r = line_mode(&env, "change it\nchange it again\n");
    assert_eq!(
        env.read(".env.local"),
        "KEY=newer\nKEEP=1\n",
        "{}",
        r.stderr
    );
    let mut cmd = env.command(&["resume", "last"]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 50, 200);
    pty.wait_text("› ");
    pty.send("/diff\r");
    let screen = pty.wait_for("the ignored file's diff", |s| {
        s.contains("ignored by git") && s.contains("KEEP=1") && s.trim_end().ends_with('›')
    });
    let ignored = &screen[screen
        .find("ignored by git, patched in this session (1 file;")
        .expect(&screen)..];
    assert_eq!(ignored.matches(".env.local").count(), 1, "{screen}");
    assert!(ignored.contains("  M .env.local +1 -1"), "{screen}");
    assert!(ignored.contains("-KEY=old"), "{screen}");
    assert!(ignored.contains("+KEY=newer"), "{screen}");
    assert!(!ignored.contains("KEY=new\n"), "{screen}");
    assert!(!ignored.contains("changed since"), "{screen}");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

/// An ignored file patched under two spellings (`gen/a.txt` and
/// `./gen/../gen/a.txt`), and one patched through a linked folder and
/// then its target, is one file: listed once under the ignored heading,
/// by what it held before the first patch against what it holds now.
#[test]
fn diff_shows_an_ignored_file_patched_under_two_spellings_once() {
    let env = TestEnv::new("chat");
    env.write(".gitignore", "gen/\n");
    env.write("a.txt", "hello\n");
    std::os::unix::fs::symlink("gen", env.repo_path().join("alias")).expect("link");
    env.commit_all();
    env.write("gen/a.txt", "one\n");
    env.write("gen/b.txt", "b1\n");
    let patch = |text: &str| {
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": format!("*** Begin Patch\n{text}*** End Patch\n")}),
        )
    };
    env.server.push_all([
        patch("*** Update File: gen/a.txt\n@@\n-one\n+two\n*** Update File: alias/b.txt\n@@\n-b1\n+b2\n"),
        patch("*** Update File: ./gen/../gen/a.txt\n@@\n-two\n+three\n*** Update File: gen/b.txt\n@@\n-b2\n+b3\n"),
        Reply::text("patched"),
    ]);
    let r = line_mode(&env, "change them\n/diff\n");
    assert_eq!(env.read("gen/a.txt"), "three\n", "{}", r.stderr);
    assert_eq!(env.read("gen/b.txt"), "b3\n", "{}", r.stderr);
    let err = &r.stderr;
    let ignored = &err[err
        .find("ignored by git, patched in this session (2 files;")
        .expect(err)..];
    assert!(ignored.contains("  M gen/a.txt +1 -1"), "{err}");
    assert!(
        ignored.contains("-one") && ignored.contains("+three"),
        "{err}"
    );
    assert!(!ignored.contains("+two"), "{err}");
    assert!(!ignored.contains("./gen/../gen/a.txt"), "{err}");
    assert_eq!(ignored.matches("a.txt +").count(), 1, "{err}");
    assert_eq!(ignored.matches("b.txt +").count(), 1, "{err}");
    assert!(ignored.contains("-b1") && ignored.contains("+b3"), "{err}");
}
