//! `--ref` of any branch, tag or commit, and git's failures shown whole
//! with what they mean: a ref that does not exist (with the ones that do),
//! a repository that is not there, a server that wants a login (a local
//! HTTP server answering 401).

use std::io::{Read, Write};
use std::net::TcpListener;

use super::support::quire::TestEnv;
use super::{Upstream, git, write};

#[test]
fn a_branch_other_than_the_default_installs_and_is_locked() {
    let up = Upstream::new();
    git(&up.path, &["checkout", "-q", "-b", "next"]);
    write(
        &up.path.join("skills/pdf-forms/scripts/fill.py"),
        "print('fill next')\n",
    );
    git(&up.path, &["commit", "-q", "-am", "next"]);
    let next = git(&up.path, &["rev-parse", "HEAD"]);
    // Back on the default branch: `next` is not what a clone checks out.
    git(&up.path, &["checkout", "-q", "-"]);
    let env = TestEnv::new("responses");
    let run = up.add_pdf_forms(&env, "next", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        env.read(".quire/skills/pdf-forms/scripts/fill.py"),
        "print('fill next')\n"
    );
    let lock = env.read("quire.lock");
    assert!(lock.contains("ref = \"next\""), "{lock}");
    assert!(lock.contains(&next), "{lock}");
    // A commit id works too.
    let run = up.add_pdf_forms(&env, &up.v1, &["--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_missing_ref_is_named_with_the_refs_that_exist() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let run = env.run(&["share", "add", &up.url(), "--ref", "nosuchtag"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("has no branch, tag or commit 'nosuchtag'"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("tags: v1"), "{}", run.stderr);
    assert!(
        run.stderr.contains("pass an existing one with --ref"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("--detach"), "{}", run.stderr);
}

/// A locked commit that is gone from the source: sync and update have no
/// --ref, so they say what works instead.
#[test]
fn a_locked_commit_that_is_gone_says_what_works() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let url = up.url();
    let run = up.add_pdf_forms(&env, "v1", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let gone = "deadbeef".repeat(5);
    env.write("quire.lock", &env.read("quire.lock").replace(&up.v1, &gone));
    std::fs::remove_dir_all(env.repo.path().join(".quire/skills/pdf-forms")).unwrap();
    let run = env.run(&["share", "--allow-local-sources", "sync"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "failed skill pdf-forms: {url} has no branch, tag or commit '{gone}' (branches: "
        )) && run.stderr.contains(&format!(
            "; `quire share update pdf-forms` takes the newest commit of v1, or `quire share add {url} --path skills/pdf-forms --ref BRANCH|TAG` locks a version that exists"
        )),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("with --ref"), "{}", run.stderr);

    // The locked tag is gone too: update says to add it again.
    git(&up.path, &["tag", "-d", "v1"]);
    let run = env.run(&["share", "--allow-local-sources", "update", "--yes"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("has no branch, tag or commit 'v1'")
            && run.stderr.contains(&format!(
                "; `quire share add {url} --path skills/pdf-forms --ref BRANCH|TAG` locks a version that exists"
            )),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("with --ref"), "{}", run.stderr);
}

#[test]
fn a_missing_repository_is_explained_with_gits_whole_message() {
    let env = TestEnv::new("responses");
    let gone = tempfile::tempdir().unwrap();
    let url = format!("file://{}/nothing-here.git", gone.path().display());
    let run = env.run(&["share", "add", &url]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("the repository was not found"),
        "{}",
        run.stderr
    );
    // More than git's last line: the first fatal line is there too.
    assert!(
        run.stderr
            .contains("does not appear to be a git repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_repository_that_wants_a_login_says_so() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten().take(16) {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"team\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let env = TestEnv::new("responses");
    let url = format!("http://127.0.0.1:{port}/team/skills.git");
    let run = env.run(&["share", "add", &url]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("the server wants a login"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("cannot clone {url}")),
        "{}",
        run.stderr
    );
}
