//! "Always" for a patch writing outside the workspace: it allows later
//! patches under the same outside folder (a sibling repository's root)
//! for the session, in both front ends; a patch in another outside
//! folder is still asked about, one in Claude Code's settings folder is
//! still refused, `/approvals` lists the folders (also after `/new`, as
//! commands' "always" answers are kept), and no "always" is offered when
//! the folder would be the home folder or `/`.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::{TestEnv, git_in};

const CTRL_D: &str = "\x04";

/// Two folders beside the workspace: `a`, a git repository holding
/// `a.txt` and `sub/b.txt`, and `b`, a plain folder holding `c.txt`.
struct Siblings {
    env: TestEnv,
    a: tempfile::TempDir,
    b: tempfile::TempDir,
}

fn siblings() -> Siblings {
    let env = TestEnv::new("chat");
    let beside = env.repo.path().parent().unwrap();
    let a = tempfile::tempdir_in(beside).unwrap();
    let b = tempfile::tempdir_in(beside).unwrap();
    git_in(a.path(), &["init", "-q"]);
    std::fs::create_dir_all(a.path().join("sub")).unwrap();
    std::fs::write(a.path().join("a.txt"), "a1\n").unwrap();
    std::fs::write(a.path().join("sub/b.txt"), "b1\n").unwrap();
    std::fs::write(b.path().join("c.txt"), "c1\n").unwrap();
    Siblings { env, a, b }
}

fn update(path: &Path, from: &str, to: &str) -> String {
    format!(
        "*** Begin Patch\n*** Update File: {}\n@@\n-{from}\n+{to}\n*** End Patch",
        path.display()
    )
}

fn call(id: &str, patch: String) -> Reply {
    Reply::tool_call(id, "apply_patch", json!({ "patch": patch }))
}

fn name(dir: &tempfile::TempDir) -> String {
    dir.path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn real(dir: &tempfile::TempDir) -> PathBuf {
    std::fs::canonicalize(dir.path()).unwrap()
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(path).unwrap()
}

impl Siblings {
    /// Claude Code's settings folder inside `a`.
    fn claude(&self) -> PathBuf {
        self.a.path().join(".claude")
    }

    /// `sub/b.txt` in `a` (asked: "always"), then `a.txt` in `a` (not
    /// asked), a file in Claude Code's settings folder (refused), `c.txt`
    /// in `b` (asked: "no").
    fn script(&self) {
        let settings = self.claude().join("settings.json");
        let protected = format!(
            "*** Begin Patch\n*** Add File: {}\n+{{}}\n*** End Patch",
            settings.display()
        );
        self.env.server.push_all([
            call("p1", update(&self.a.path().join("sub/b.txt"), "b1", "b2")),
            call("p2", update(&self.a.path().join("a.txt"), "a1", "a2")),
            call("p3", protected),
            call("p4", update(&self.b.path().join("c.txt"), "c1", "c2")),
            Reply::text("all done"),
        ]);
    }

    /// What the run must have left: `a`'s two files written, the settings
    /// file refused as protected, `c.txt` as it was.
    fn check_files(&self) {
        assert_eq!(read(self.a.path().join("sub/b.txt")), "b2\n");
        assert_eq!(read(self.a.path().join("a.txt")), "a2\n");
        assert!(!self.claude().join("settings.json").exists());
        assert_eq!(read(self.b.path().join("c.txt")), "c1\n");
        let reqs = self.env.server.requests();
        let refused = &reqs[3].raw_body;
        assert!(refused.contains("never writes there"), "{refused}");
    }

    fn always_a(&self) -> String {
        format!("[a] always for ../{} this session", name(&self.a))
    }

    fn always_b(&self) -> String {
        format!("[a] always for ../{} this session", name(&self.b))
    }

    fn allowed_line(&self) -> String {
        format!(
            "patches outside the workspace allowed without asking this session, under: {}",
            real(&self.a).display()
        )
    }
}

#[test]
fn always_allows_the_same_outside_folder_only() {
    let s = siblings();
    s.script();
    std::fs::create_dir_all(s.claude()).unwrap();
    let mut cmd = s.env.command(&[]);
    cmd.env("CLAUDE_CONFIG_DIR", s.claude());
    let mut pty = Pty::spawn(cmd, 50, 200);
    pty.wait_text("/help for keys");
    pty.send("edit the siblings\r");
    // The folder offered is the repository's root, not `sub`.
    let screen = pty.wait_text("this session");
    assert!(screen.contains(&s.always_a()), "{screen}");
    assert_eq!(read(s.a.path().join("sub/b.txt")), "b1\n");
    pty.send("a");
    // The next question is the one for `b`: `a.txt` went through unasked.
    let screen = pty.wait_text(&s.always_b());
    assert!(screen.contains("+c2"), "{screen}");
    assert_eq!(read(s.a.path().join("a.txt")), "a2\n");
    pty.send("n");
    pty.wait_text("all done");
    s.check_files();
    pty.send("/approvals\r");
    let screen = pty.wait_text("allowed without asking");
    assert!(screen.contains(&s.allowed_line()), "{screen}");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn the_line_mode_takes_always_too_and_new_keeps_it() {
    let s = siblings();
    s.script();
    std::fs::create_dir_all(s.claude()).unwrap();
    let claude = s.claude().display().to_string();
    let run = super::line_session::line_mode_with(
        &s.env,
        "edit the siblings\na\nn\n/approvals\n/new\n/approvals\n",
        &[("CLAUDE_CONFIG_DIR", &claude)],
    );
    let out = format!("{}{}", run.stdout, run.stderr);
    // `a` was an answer, and only `sub/b.txt` and `c.txt` were asked.
    assert!(!out.contains("answer y, n"), "{out}");
    assert_eq!(
        out.matches("apply_patch asks for approval").count(),
        2,
        "{out}"
    );
    s.check_files();
    assert_eq!(out.matches(&s.allowed_line()).count(), 2, "{out}");
}

#[test]
fn under_untrusted_a_patch_writing_inside_too_is_still_asked() {
    let s = siblings();
    std::fs::write(s.env.repo.path().join("in.txt"), "i1\n").unwrap();
    let mixed = format!(
        "*** Begin Patch\n*** Update File: in.txt\n@@\n-i1\n+i2\n*** Update File: {}\n@@\n-a2\n+a3\n*** End Patch",
        s.a.path().join("a.txt").display()
    );
    s.env.server.push_all([
        call("p1", update(&s.a.path().join("sub/b.txt"), "b1", "b2")),
        call("p2", update(&s.a.path().join("a.txt"), "a1", "a2")),
        call("p3", mixed),
        Reply::text("all done"),
    ]);
    let run = super::line_session::line_mode_args(
        &s.env,
        &["--approval", "untrusted"],
        "edit\na\ny\n",
        &[],
    );
    let out = format!("{}{}", run.stdout, run.stderr);
    assert_eq!(
        out.matches("apply_patch asks for approval").count(),
        2,
        "{out}"
    );
    assert_eq!(read(s.a.path().join("a.txt")), "a3\n");
    assert_eq!(read(s.env.repo.path().join("in.txt")), "i2\n");
}

/// A patch updating `notes.txt` in the home folder, then one adding a
/// file in a folder at `/` that is not there (its nearest existing
/// folder is `/`), scripted for a run with `HOME` set to `home`.
fn home_and_root(env: &TestEnv, home: &tempfile::TempDir) -> (PathBuf, PathBuf) {
    let notes = home.path().join("notes.txt");
    std::fs::write(&notes, "n1\n").unwrap();
    let at_root = PathBuf::from(format!("/{}-not-there/new.txt", name(home)));
    let added = format!(
        "*** Begin Patch\n*** Add File: {}\n+new\n*** End Patch",
        at_root.display()
    );
    env.server.push_all([
        call("p1", update(&notes, "n1", "n2")),
        call("p2", added),
        Reply::text("left them"),
    ]);
    (notes, at_root)
}

#[test]
fn no_always_for_the_home_folder_or_the_root() {
    let env = TestEnv::new("chat");
    let home = tempfile::tempdir().unwrap();
    let (notes, at_root) = home_and_root(&env, &home);
    let mut cmd = env.command(&[]);
    cmd.env("HOME", home.path());
    let mut pty = Pty::spawn(cmd, 50, 200);
    pty.wait_text("/help for keys");
    pty.send("edit my notes\r");
    let screen = pty.wait_text("[y] yes");
    assert!(
        screen.contains("notes.txt  (outside the workspace)"),
        "{screen}"
    );
    assert!(!screen.contains("[a]"), "{screen}");
    // `a` answers nothing here.
    pty.send("a");
    pty.send("n");
    let screen = pty.wait_for("the question for the file at /", |s| {
        s.contains("[y] yes") && s.contains("-not-there/new.txt  (outside")
    });
    assert!(!screen.contains("[a]"), "{screen}");
    pty.send("n");
    pty.wait_text("left them");
    assert_eq!(read(notes.clone()), "n1\n");
    assert!(!at_root.exists());
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
    // The line mode does not take `a` for them either.
    let (notes, at_root) = home_and_root(&env, &home);
    let home_var = home.path().display().to_string();
    let run = super::line_session::line_mode_with(
        &env,
        "edit my notes\na\nn\na\nn\n",
        &[("HOME", &home_var)],
    );
    let out = format!("{}{}", run.stdout, run.stderr);
    assert_eq!(out.matches("answer y, n, r\n").count(), 2, "{out}");
    assert!(out.contains("left them"), "{out}");
    assert_eq!(read(notes), "n1\n");
    assert!(!at_root.exists());
}
