//! A shared skill whose SKILL.md is a symbolic link out of the skill's
//! folder (a monorepo keeping the text in docs/): `share add` refuses it
//! naming the link, where it points and that links are not followed — also
//! when the user's git is set to check links out as plain files
//! (`core.symlinks=false`), which used to leave a "SKILL.md" holding the
//! target's path and a complaint about its frontmatter.

use std::os::unix::fs::symlink;

use super::support::quire::TestEnv;
use super::{git, write};

#[test]
fn a_skill_md_linking_out_of_its_folder_is_refused_as_a_link() {
    let env = TestEnv::new("responses");
    let upstream = tempfile::tempdir().unwrap();
    let src = upstream.path();
    write(
        &src.join("docs/linked.md"),
        "---\nname: linked\ndescription: Reached through a link.\n---\nbody\n",
    );
    std::fs::create_dir_all(src.join("skills/linked")).unwrap();
    symlink("../../docs/linked.md", src.join("skills/linked/SKILL.md")).unwrap();
    git(src, &["init", "-q", "-b", "main"]);
    git(src, &["add", "-A"]);
    git(src, &["commit", "-q", "-m", "linked skill"]);
    let url = format!("file://{}", src.display());

    for symlinks in ["true", "false"] {
        let mut cmd = env.command(&["share", "add", &url, "--ref", "main"]);
        cmd.env("GIT_CONFIG_COUNT", "1")
            .env("GIT_CONFIG_KEY_0", "core.symlinks")
            .env("GIT_CONFIG_VALUE_0", symlinks);
        let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
        assert_ne!(
            r.code, 0,
            "core.symlinks={symlinks}: {}{}",
            r.stdout, r.stderr
        );
        assert!(
            r.stderr.contains("skills/linked/SKILL.md` in file://")
                && r.stderr.contains(
                    "is a symbolic link to ../../docs/linked.md (outside the skill's folder)"
                )
                && r.stderr.contains("links are not followed"),
            "core.symlinks={symlinks}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("frontmatter"), "{}", r.stderr);
        assert!(
            !env.repo_path().join("quire.lock").exists(),
            "nothing is locked"
        );
    }
}

/// A folder shared from disk holding a FIFO: `share add` refuses it naming
/// the FIFO, as it refuses a link (it used to hang reading the pipe);
/// nothing is installed or locked.
#[test]
fn a_fifo_in_a_shared_folder_is_refused_naming_it() {
    let env = TestEnv::new("responses");
    let shared = tempfile::tempdir().unwrap();
    let skill = shared.path().join("fsk");
    write(
        &skill.join("SKILL.md"),
        "---\nname: fsk\ndescription: Holds a pipe.\n---\nbody\n",
    );
    let pipe = skill.join("pipe");
    let c = std::ffi::CString::new(pipe.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
    let run = env.run(&["share", "add", &skill.display().to_string()]);
    assert_ne!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("fsk/pipe is a named pipe; shared skills and plugins must hold plain files"),
        "{}",
        run.stderr
    );
    assert!(
        !env.repo_path().join("quire.lock").exists(),
        "nothing is locked"
    );
    assert!(!env.repo_path().join(".quire/skills/fsk").exists());
}

/// A skill folder of a git source that is a link to a folder outside it:
/// refused as a link before anything is read through it (no complaint
/// about the outside file's frontmatter), named inside the source, never
/// by the temporary checkout's path.
#[test]
fn a_linked_skill_folder_is_refused_before_its_files_are_read() {
    let env = TestEnv::new("responses");
    let outside = tempfile::tempdir().unwrap();
    write(
        &outside.path().join("SKILL.md"),
        "---\nname: [broken\n---\n",
    );
    let upstream = tempfile::tempdir().unwrap();
    let src = upstream.path();
    write(
        &src.join("skills/fine/SKILL.md"),
        "---\nname: fine\ndescription: A plain skill.\n---\nbody\n",
    );
    symlink(outside.path(), src.join("skills/b2")).unwrap();
    git(src, &["init", "-q", "-b", "main"]);
    git(src, &["add", "-A"]);
    git(src, &["commit", "-q", "-m", "linked folder"]);
    let url = format!("file://{}", src.display());

    for args in [vec!["--path", "skills/b2"], vec!["--path", "skills"]] {
        let mut all = vec!["share", "add", url.as_str()];
        all.extend(&args);
        let r = env.run(&all);
        assert_ne!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "`skills/b2` in {url} is a symbolic link to {}",
                outside.path().display()
            )),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("(outside "), "{}", r.stderr);
        assert!(!r.stderr.contains("inside"), "{}", r.stderr);
        assert!(!r.stderr.contains("frontmatter"), "{}", r.stderr);
        assert!(!r.stderr.contains("checkout-"), "{}", r.stderr);
        assert!(!env.repo_path().join("quire.lock").exists());
    }
}
