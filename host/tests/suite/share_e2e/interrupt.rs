//! Ctrl-C during `share sync` removes the checkout it was working in, and
//! the next run removes what a killed quire left (a checkout, a half-made
//! `.NAME.new-PID-N` copy), never anything else.

use std::time::{Duration, Instant};

use super::*;

/// A `git` on PATH that runs the real one, and after the first clone
/// writes `marker` and waits (as a slow network would).
fn slow_git(dir: &Path, marker: &Path) -> PathBuf {
    let real = String::from_utf8(
        Command::new("sh")
            .args(["-c", "command -v git"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\n{} \"$@\"\nstatus=$?\ncase \" $* \" in *\" clone \"*) [ -e '{m}' ] || {{ touch '{m}'; exec sleep 30; }};; esac\nexit $status\n",
        real.trim(),
        m = marker.display()
    );
    let git = bin.join("git");
    std::fs::write(&git, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&git, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

fn checkouts(env: &TestEnv) -> Vec<String> {
    std::fs::read_dir(env.home.path().join("cache/share"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn ctrl_c_during_sync_removes_the_checkout() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    assert_eq!(up.add_pdf_forms(&env, "v1", &[]).code, 0);
    let mate = TestEnv::new("responses");
    mate.write("quire.lock", &env.read("quire.lock"));
    let tools = tempfile::tempdir().unwrap();
    let marker = tools.path().join("cloned");
    let bin = slow_git(tools.path(), &marker);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = mate.command(&["share", "sync", "--allow-local-sources"]);
    cmd.env("PATH", path);
    let child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "git clone never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(checkouts(&mate).len(), 1, "{:?}", checkouts(&mate));
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: sends SIGINT to the quire this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let run = support::quire::finish(child);
    assert_eq!(run.code, 130, "{}", run.stderr);
    assert!(run.stderr.contains("interrupted"), "{}", run.stderr);
    assert_eq!(checkouts(&mate), Vec::<String>::new());
    assert!(!mate.repo_path().join(".quire/skills/pdf-forms").exists());
}

/// Ctrl-C on a terminal reaches git too: its end is the interrupt, not a
/// git failure, and nothing else is begun.
#[test]
fn ctrl_c_to_the_process_group_during_a_clone_is_an_interrupt_not_a_git_failure() {
    use std::os::unix::process::CommandExt;
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let mate = TestEnv::new("responses");
    let run = env.run(&[
        "share",
        "add",
        &up.url(),
        "--ref",
        "v1",
        "--path",
        "skills/release-notes",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The teammate has release-notes already: once the clone of
    // pdf-forms ends, nothing else is left to do but report.
    mate.write("quire.lock", &env.read("quire.lock"));
    let run = mate.run(&["share", "sync", "--allow-local-sources"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(up.add_pdf_forms(&env, "v1", &[]).code, 0);
    mate.write("quire.lock", &env.read("quire.lock"));
    let tools = tempfile::tempdir().unwrap();
    let marker = tools.path().join("cloned");
    let bin = slow_git(tools.path(), &marker);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = mate.command(&["share", "sync", "--allow-local-sources"]);
    cmd.env("PATH", path).process_group(0);
    let child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "git clone never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: sends SIGINT to the process group of the quire this test
    // started (its own group), as a terminal's Ctrl-C does.
    assert_eq!(unsafe { libc::kill(-pid, libc::SIGINT) }, 0);
    let run = support::quire::finish(child);
    assert_eq!(run.code, 130, "{}{}", run.stdout, run.stderr);
    let shown = format!("{}{}", run.stdout, run.stderr);
    assert!(shown.contains("interrupted"), "{shown}");
    assert!(!shown.contains("git failed"), "{shown}");
    assert!(!shown.contains("failed skill"), "{shown}");
    assert!(!shown.contains("unchanged skill"), "{shown}");
    assert_eq!(checkouts(&mate), Vec::<String>::new());
}

#[test]
fn the_next_sync_removes_what_a_killed_quire_left() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    assert_eq!(up.add_pdf_forms(&env, "v1", &[]).code, 0);
    // No process has this PID (above Linux's largest pid_max).
    let gone = 4_194_305;
    let skills = env.repo_path().join(".quire/skills");
    let staged = skills.join(format!(".pdf-forms.new-{gone}-17"));
    write(&staged.join("scripts/part.py"), "half\n");
    let checkout = env
        .home
        .path()
        .join(format!("cache/share/checkout-{gone}-3"));
    write(&checkout.join(".git/HEAD"), "ref: refs/heads/main\n");
    // A folder of another name is the user's: kept.
    let theirs = skills.join(".pdf-forms.mine");
    write(&theirs.join("notes"), "mine\n");
    let run = env.run(&["share", "sync"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!staged.exists());
    assert!(!checkout.exists());
    assert!(theirs.join("notes").is_file());
    assert!(skills.join("pdf-forms/SKILL.md").is_file());
}
