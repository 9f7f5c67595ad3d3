//! Tester's finding (TT-M2): a `quire.lock` source with an unknown URL
//! scheme (`x://…`) made `quire share sync` run `git-remote-x`, found on
//! `PATH` — an activated `.venv/bin` the model's sandboxed commands can
//! write. Now a lock source may use only https, http, ssh, git (and
//! file or a local path with `--allow-local-sources`), and share's git
//! runs with the `PATH` hooks get: no entry inside the repository.

use super::sha;
use super::support::quire::{TestEnv, finish};

const SKILL: &str = "---\nname: sk\ndescription: a skill\n---\nbody\n";

fn lock(env: &TestEnv, source: &str) {
    let text = format!(
        "version = 1\n\n[[entry]]\nkind = \"skill\"\nname = \"sk\"\nsource = {source:?}\nsubdir = \"sk\"\ninstalled = \".quire/skills/sk\"\n\n[entry.files]\n\"SKILL.md\" = {:?}\n",
        sha(SKILL.as_bytes())
    );
    std::fs::write(env.repo_path().join("quire.lock"), text).unwrap();
}

/// `.venv/bin/NAME` in the repository, a program that writes `marker`.
fn plant(env: &TestEnv, name: &str, marker: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = env.repo_path().join(".venv/bin");
    std::fs::create_dir_all(&bin).unwrap();
    let program = bin.join(name);
    std::fs::write(
        &program,
        format!(
            "#!/bin/sh\necho ran > {:?}\nexit 1\n",
            marker.display().to_string()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// `quire share sync` with `bin` first on `PATH` (an activated venv).
fn sync_with(env: &TestEnv, bin: &std::path::Path) -> super::support::quire::Run {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    sync_on(env, &path)
}

/// `quire share sync` with `path` as its `PATH`.
fn sync_on(env: &TestEnv, path: &str) -> super::support::quire::Run {
    let mut cmd = env.command(&["share", "sync"]);
    cmd.env("PATH", path);
    finish(cmd.spawn().expect("spawn quire"))
}

#[test]
fn a_lock_source_with_an_unknown_scheme_is_refused_and_runs_no_remote_helper() {
    let env = TestEnv::new("responses");
    let marks = tempfile::tempdir().unwrap();
    let marker = marks.path().join("helper-ran");
    let bin = plant(&env, "git-remote-x", &marker);
    for source in ["x://mirror/repo.git", "git+x::mirror/repo.git"] {
        lock(&env, source);
        let run = sync_with(&env, &bin);
        assert_ne!(run.code, 0, "{source}: {}", run.stderr);
        assert!(
            run.stderr.contains("the skill entry 'sk' has source")
                && run.stderr.contains("git-remote-x")
                && run.stderr.contains("a source may use only https://"),
            "{source}: {}",
            run.stderr
        );
        assert!(!marker.exists(), "{source}: the remote helper ran");
    }
}

/// A known transport whose program git looks up on `PATH` (`ssh`): the
/// one planted in the repository's `.venv/bin` is not the one run.
#[test]
fn share_git_does_not_run_programs_from_the_repositorys_path_entries() {
    let env = TestEnv::new("responses");
    let marks = tempfile::tempdir().unwrap();
    let marker = marks.path().join("ssh-ran");
    let bin = plant(&env, "ssh", &marker);
    lock(&env, "ssh://127.0.0.1:1/repo.git");
    let run = sync_with(&env, &bin);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("cannot clone"), "{}", run.stderr);
    assert!(!marker.exists(), "the planted ssh ran: {}", run.stderr);
}

/// Tester's finding (VV-4): before cloning, share reads your git setup
/// with `git -C / config …`; for `/` every `PATH` entry counted as one
/// the model can write, so none was picked and the bare name `git` ran,
/// found on the raw `PATH`: the repository's `.venv/bin/git`. Now the
/// current directory's repository decides, and with no other `git` on
/// `PATH` none runs.
#[test]
fn a_git_planted_in_the_repositorys_path_entries_is_not_run() {
    let env = TestEnv::new("responses");
    let marks = tempfile::tempdir().unwrap();
    let marker = marks.path().join("git-ran");
    let bin = plant(&env, "git", &marker);
    lock(&env, "ssh://127.0.0.1:1/repo.git");
    let run = sync_with(&env, &bin);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(!marker.exists(), "the planted git ran: {}", run.stderr);
    // Only the planted one on PATH: a clear refusal, not the planted git.
    let run = sync_on(&env, &bin.display().to_string());
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("git is not installed outside the folders the model's commands can write"),
        "{}",
        run.stderr
    );
    assert!(!marker.exists(), "the planted git ran: {}", run.stderr);
}
