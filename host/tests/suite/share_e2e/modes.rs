//! The executable bit of a shared file is locked with its content (git's
//! 100755 / 100644): a lost bit is drift `verify` names and `sync`
//! restores, an upstream `chmod +x` is listed by `update`, and a lock
//! written before modes were recorded reads without drift.

use std::os::unix::fs::PermissionsExt;

use super::*;

fn executable(path: &Path) -> bool {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o100 != 0
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A git repository holding the skill `s1` with an executable
/// `scripts/run.sh` and a plain `scripts/check.sh`.
fn upstream() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s1");
    std::fs::create_dir_all(&path).unwrap();
    git(&path, &["init", "-q"]);
    write(
        &path.join("SKILL.md"),
        "---\nname: s1\ndescription: Test skill with a script.\n---\nRun scripts/run.sh\n",
    );
    write(&path.join("scripts/run.sh"), "#!/bin/sh\necho hi\n");
    write(&path.join("scripts/check.sh"), "#!/bin/sh\necho ok\n");
    chmod(&path.join("scripts/run.sh"), 0o755);
    chmod(&path.join("scripts/check.sh"), 0o644);
    git(&path, &["add", "-A"]);
    git(&path, &["commit", "-q", "-m", "v1"]);
    (dir, path)
}

#[test]
fn a_lost_executable_bit_is_drift_that_sync_restores_and_update_lists_mode_changes() {
    let (_up, path) = upstream();
    let env = TestEnv::new("responses");
    let url = format!("file://{}", path.display());
    let run = env.run(&["share", "add", &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lock = env.read("quire.lock");
    assert!(
        lock.contains("version = 2") && lock.contains(" 100755\"") && lock.contains(" 100644\""),
        "{lock}"
    );
    let run_sh = env.repo_path().join(".quire/skills/s1/scripts/run.sh");
    assert!(executable(&run_sh));

    chmod(&run_sh, 0o644);
    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("drifted  skill s1: no longer executable: scripts/run.sh"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("`quire share sync` restores the locked files and modes"),
        "{}",
        run.stderr
    );
    // Only the mode changed: nothing of the user's is lost, no --force,
    // and the skill listing says so too.
    let run = env.run(&["skills", "list"]);
    assert!(
        run.stdout
            .contains("(no longer executable: scripts/run.sh); `quire share sync` restores it"),
        "{}",
        run.stdout
    );
    let run = env.run(&["share", "--allow-local-sources", "sync"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(executable(&run_sh), "{}", run.stdout);
    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 0, "{}", run.stdout);

    // Upstream makes check.sh executable: the update says so.
    chmod(&path.join("scripts/check.sh"), 0o755);
    git(&path, &["commit", "-q", "-am", "check.sh executable"]);
    let run = env.run(&["share", "--allow-local-sources", "update", "--yes"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("files now executable: scripts/check.sh"),
        "{}",
        run.stdout
    );
    assert!(executable(
        &env.repo_path().join(".quire/skills/s1/scripts/check.sh")
    ));
}

/// A lock written by an older quire has digests without modes: its
/// executable files are not drift, and a lock nothing was added to since
/// is written back as version 1.
#[test]
fn a_lock_without_modes_reads_without_drift() {
    let (_up, path) = upstream();
    let env = TestEnv::new("responses");
    let url = format!("file://{}", path.display());
    let run = env.run(&["share", "add", &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let old = env
        .read("quire.lock")
        .replace("version = 2", "version = 1")
        .replace(" 100755\"", "\"")
        .replace(" 100644\"", "\"");
    env.write("quire.lock", &old);
    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("ok       skill s1"), "{}", run.stdout);
    let run = env.run(&["share", "--allow-local-sources", "sync"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let run = env.run(&["share", "--allow-local-sources", "update", "--yes"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("up to date skill s1"), "{}", run.stdout);
    assert_eq!(env.read("quire.lock"), old);
}

/// A digest whose mode was cut by hand among others with one would hide
/// a lost executable bit: the lock is refused, naming the file.
#[test]
fn a_mode_cut_from_one_digest_makes_the_lock_invalid() {
    let (_up, path) = upstream();
    let env = TestEnv::new("responses");
    let url = format!("file://{}", path.display());
    let run = env.run(&["share", "add", &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.write(
        "quire.lock",
        &env.read("quire.lock").replacen(" 100755\"", "\"", 1),
    );
    chmod(
        &env.repo_path().join(".quire/skills/s1/scripts/run.sh"),
        0o644,
    );
    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("records no mode for the file \"scripts/run.sh\""),
        "{}",
        run.stderr
    );
}
