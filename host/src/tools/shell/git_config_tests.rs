use super::{names_program, runs_programs, runs_programs_within};
use std::path::Path;

/// Runs git in `repo`, asserting that it succeeds.
pub(in crate::tools::shell) fn git_in(repo: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

fn new_repo() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    git_in(repo.path(), &["init", "-q"]);
    repo
}

fn executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, "#!/bin/sh\ntouch pwned\n").unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Each key set alone in a fresh repository makes git ask.
#[tokio::test]
async fn every_program_a_read_only_command_may_run_is_found() {
    for (key, value) in [
        ("filter.ev.clean", "sh -c 'touch pwned; cat'"),
        ("filter.ev.smudge", "evil"),
        ("filter.ev.process", "evil"),
        ("filter.lfs.clean", "sh -c evil"),
        ("gpg.program", "./gpg.sh"),
        ("gpg.ssh.program", "./ssh-keygen.sh"),
        ("gpg.x509.program", "./gpgsm.sh"),
        ("core.fsmonitor", "./fsm.sh"),
        ("diff.external", "./d.sh"),
        ("diff.pdf.textconv", "pdftotext"),
        ("hook.x.command", "./h.sh"),
    ] {
        let repo = new_repo();
        git_in(repo.path(), &["config", key, value]);
        assert!(runs_programs(repo.path()).await, "{key}");
    }
}

#[tokio::test]
async fn config_from_an_included_file_counts() {
    let repo = new_repo();
    std::fs::write(
        repo.path().join("extra.cfg"),
        "[filter \"ev\"]\n\tclean = sh -c evil\n",
    )
    .unwrap();
    let included = repo.path().join("extra.cfg");
    git_in(
        repo.path(),
        &["config", "include.path", included.to_str().unwrap()],
    );
    assert!(runs_programs(repo.path()).await);
    let repo = new_repo();
    let gitdir = format!("gitdir:{}/", repo.path().display());
    git_in(
        repo.path(),
        &[
            "config",
            &format!("includeIf.{gitdir}.path"),
            included.to_str().unwrap(),
        ],
    );
    assert!(runs_programs(repo.path()).await);
}

#[tokio::test]
async fn an_executable_index_hook_is_found_also_through_hooks_path() {
    let repo = new_repo();
    let clean = runs_programs(repo.path()).await;
    // Sample hooks and hooks that only writing commands run do not count.
    executable(&repo.path().join(".git/hooks/pre-commit"));
    assert_eq!(runs_programs(repo.path()).await, clean);
    let hook = repo.path().join(".git/hooks/post-index-change");
    std::fs::write(&hook, "#!/bin/sh\n").unwrap();
    assert_eq!(runs_programs(repo.path()).await, clean, "not executable");
    executable(&hook);
    assert!(runs_programs(repo.path()).await);
    // From a subfolder too.
    std::fs::create_dir(repo.path().join("src")).unwrap();
    assert!(runs_programs(&repo.path().join("src")).await);

    let repo = new_repo();
    git_in(repo.path(), &["config", "core.hooksPath", "tracked-hooks"]);
    assert_eq!(runs_programs(repo.path()).await, clean);
    executable(&repo.path().join("tracked-hooks/reference-transaction"));
    assert!(runs_programs(repo.path()).await);
}

#[tokio::test]
async fn a_submodule_s_setup_counts() {
    let outer = new_repo();
    let clean = runs_programs(outer.path()).await;
    let inner = outer.path().join("lib");
    std::fs::create_dir(&inner).unwrap();
    git_in(&inner, &["init", "-q"]);
    std::fs::write(
        outer.path().join(".gitmodules"),
        "[submodule \"lib\"]\n\tpath = lib\n\turl = ./lib\n",
    )
    .unwrap();
    assert_eq!(runs_programs(outer.path()).await, clean);
    git_in(&inner, &["config", "core.fsmonitor", "./fsm.sh"]);
    assert!(runs_programs(outer.path()).await);
}

/// A git that never exits (its configuration includes a FIFO nobody
/// writes, as a sandboxed command can plant in `.git/config`: git waits
/// to read it) is stopped at the deadline, and the check fails closed:
/// the command is asked about.
#[tokio::test]
async fn a_git_that_never_answers_is_stopped_and_the_command_asked_about() {
    let repo = new_repo();
    let fifo = repo.path().join(".git/wait");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    git_in(
        repo.path(),
        &["config", "include.path", fifo.to_str().unwrap()],
    );
    let deadline = std::time::Duration::from_secs(1);
    // Only a guard against hanging the suite: the check itself ends at
    // its own deadline.
    let checked = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        runs_programs_within(repo.path(), Some(deadline)),
    )
    .await;
    assert_eq!(checked, Ok(true), "the check ended, asking");
}

#[test]
fn harmless_values_and_fetch_settings_outside_a_partial_clone_do_not_count() {
    assert!(!names_program(""));
    assert!(!names_program("core.fsmonitor true\n"));
    assert!(!names_program(
        "filter.lfs.clean git-lfs clean -- %f\nfilter.lfs.smudge git-lfs smudge -- %f\n\
         filter.lfs.process git-lfs filter-process\n"
    ));
    let fetch =
        "credential.helper store\ncore.sshcommand ssh -i key\nremote.origin.uploadpack ./up.sh\n";
    assert!(!names_program(fetch));
    assert!(names_program(&format!(
        "{fetch}remote.origin.promisor true\n"
    )));
    assert!(names_program(&format!(
        "{fetch}extensions.partialclone origin\n"
    )));
    assert!(!names_program(
        "extensions.partialclone origin\nremote.origin.promisor true\n"
    ));
}
