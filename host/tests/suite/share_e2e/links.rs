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
            r.stderr.contains(
                "skills/linked/SKILL.md is a symbolic link to ../../docs/linked.md (outside the skill's folder)"
            ) && r.stderr.contains("links are not followed"),
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
