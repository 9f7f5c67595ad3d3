//! A worktree child's folder is made only in the repository's own git
//! dir, never through a link a sandboxed command put at
//! `.git/quire-worktrees` or a `.git` file naming another repository; a
//! child that took the write permission off its tree is still removed.

use std::path::Path;
use std::process::Command;

use serde_json::json;
use support::model_server::Reply;
use support::quire::{Run, TestEnv};

use super::worktree::{committed_env, git};
use super::{PARENT, spawn_with, support};

/// The parent spawns a worktree child (`CHILD-E`) that runs `command`,
/// then ends.
fn route(env: &TestEnv, command: &str) {
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-E work", "isolation": "worktree"}),
            )]),
            Reply::text("done"),
        ],
    );
    env.server.route(
        "CHILD-E",
        [
            Reply::tool_call("w1", "shell", json!({"command": command})),
            Reply::text("child done"),
        ],
    );
}

/// What the parent was told by spawn_agent (its second request).
fn spawn_result(env: &TestEnv) -> String {
    env.server
        .requests()
        .into_iter()
        .filter(|r| r.raw_body.contains(PARENT))
        .nth(1)
        .map(|r| r.raw_body)
        .unwrap_or_default()
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_link_at_quire_worktrees_is_refused_and_nothing_is_written_outside() {
    let env = committed_env();
    env.write(
        "start/evil/plugin/evil.vim",
        "call writefile(['ran'], '/x')\n",
    );
    git(&env, &["add", "-A"]);
    git(&env, &["commit", "-qm", "plugin"]);
    // What a sandboxed command can do: `.git` is in the workspace.
    let outside = tempfile::tempdir().unwrap();
    let link = env.repo_path().join(".git/quire-worktrees");
    std::os::unix::fs::symlink(outside.path(), &link).unwrap();
    route(&env, "echo from-child > child.txt");
    let run = env.exec_json(&format!("{PARENT} delegate"), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    assert_eq!(
        entries(outside.path()),
        Vec::<String>::new(),
        "written outside"
    );
    let told = spawn_result(&env);
    assert!(
        told.contains(&format!(
            "{} is a symbolic link; quire adds subagent worktrees only in a real folder there",
            link.display()
        )) && told.contains(&format!("remove it (`rm {}`)", link.display())),
        "{told}"
    );
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(!git(&env, &["branch"]).contains("quire/agent-"));
    assert_eq!(git(&env, &["worktree", "list"]).lines().count(), 1);
}

/// A repository of one commit outside the test's.
fn another_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| support::quire::git_in(dir.path(), args);
    git(&["init", "-q"]);
    std::fs::write(dir.path().join("README.md"), "hello\n").unwrap();
    git(&["add", "."]);
    git(&["commit", "-qm", "init"]);
    dir
}

#[test]
fn a_git_file_naming_another_repository_is_refused() {
    let env = TestEnv::new("responses");
    let other = another_repository();
    let other_git = |args: &[&str]| support::quire::git_in(other.path(), args);
    // The workspace's `.git` made a file that points at the other
    // repository's git dir (which names no checkout back).
    let dotgit = env.repo_path().join(".git");
    std::fs::remove_dir_all(&dotgit).unwrap();
    let other_dir = std::fs::canonicalize(other.path()).unwrap().join(".git");
    std::fs::write(&dotgit, format!("gitdir: {}\n", other_dir.display())).unwrap();
    route(&env, "echo from-child > child.txt");
    let run = env.exec_json(&format!("{PARENT} delegate"), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    let told = spawn_result(&env);
    assert!(
        told.contains(&format!(
            "points to the git folder {}, which does not name {} back",
            other_dir.display(),
            env.repo_path().display()
        )),
        "{told}"
    );
    assert!(!other_git(&["branch"]).contains("quire/agent-"));
    assert!(!other_dir.join("quire-worktrees").exists());
}

/// A git dir made inside the workspace (as a sandboxed command can) whose
/// `gitdir` names the workspace back but whose `commondir` names another
/// repository: not one of that repository's worktrees, so refused — its
/// branches and git folder are untouched (tester T25).
#[test]
fn a_made_up_git_dir_whose_commondir_names_another_repository_is_refused() {
    let env = TestEnv::new("responses");
    let other = another_repository();
    let other_git = |args: &[&str]| support::quire::git_in(other.path(), args);
    let other_dir = std::fs::canonicalize(other.path()).unwrap().join(".git");
    let repo = env.repo_path();
    let fake = repo.join("fake");
    std::fs::create_dir(&fake).unwrap();
    let branch = other_git(&["symbolic-ref", "--short", "HEAD"]);
    std::fs::write(
        fake.join("HEAD"),
        format!("ref: refs/heads/{}\n", branch.trim()),
    )
    .unwrap();
    std::fs::write(fake.join("commondir"), format!("{}\n", other_dir.display())).unwrap();
    let real = std::fs::canonicalize(&repo).unwrap();
    std::fs::write(
        fake.join("gitdir"),
        format!("{}\n", real.join(".git").display()),
    )
    .unwrap();
    std::fs::rename(repo.join(".git"), repo.join("dotgit.bak")).unwrap();
    std::fs::write(repo.join(".git"), "gitdir: fake\n").unwrap();
    route(&env, "echo from-child > child.txt");
    let run = env.exec_json(&format!("{PARENT} delegate"), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    let told = spawn_result(&env);
    assert!(
        told.contains("is not one of that repository's worktrees"),
        "{told}"
    );
    assert!(!other_git(&["branch"]).contains("quire/agent-"));
    assert!(!other_dir.join("quire-worktrees").exists());
}

/// A repository that is itself a worktree of another checkout (`.git` a
/// file whose git dir names it back) still gets worktree children.
#[test]
fn a_worktree_of_another_checkout_still_gets_worktree_children() {
    let env = TestEnv::new("responses");
    let main = another_repository();
    let main_git = |args: &[&str]| support::quire::git_in(main.path(), args);
    std::fs::remove_dir_all(env.repo_path().join(".git")).unwrap();
    let repo = env.repo_path().display().to_string();
    main_git(&["worktree", "add", "-q", "-b", "side", &repo]);
    route(&env, "echo from-child > child.txt");
    let run = env.exec_json(&format!("{PARENT} delegate"), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    let done = run.of_type("agent_completed");
    let branch = done[0]["branch"].as_str().expect("a branch").to_string();
    let file = format!("{branch}:child.txt");
    assert_eq!(main_git(&["show", &file]), "from-child\n");
    let folder = std::fs::canonicalize(main.path()).unwrap();
    assert_eq!(
        entries(&folder.join(".git/quire-worktrees")),
        Vec::<String>::new()
    );
}

/// `quire exec --json PROMPT` as a user without root's right to remove
/// what is not writable (as root: as `nobody`, owning the test's folders).
fn exec_unprivileged(env: &TestEnv, prompt: &str) -> Run {
    let quire = env!("CARGO_BIN_EXE_quire");
    let uid = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return env.exec_json(prompt, &[]);
    }
    for dir in [env.home.path(), env.repo.path()] {
        let ok = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(dir)
            .status()
            .unwrap();
        assert!(ok.success());
    }
    let mut cmd = env.program("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", quire])
        .env("HOME", env.home.path())
        .args(["exec", "--json", prompt]);
    support::quire::finish(cmd.spawn().expect("setpriv (util-linux)"))
}

#[test]
fn a_child_that_made_its_tree_read_only_is_still_removed() {
    let env = committed_env();
    route(
        &env,
        "mkdir -p deep/er && echo kept > deep/er/f.txt && chmod -R a-w . && echo done",
    );
    let run = exec_unprivileged(&env, &format!("{PARENT} delegate"));
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    // The test's git as the folder's owner may not be root's.
    let git = |args: &[&str]| {
        let mut all = vec!["-c", "safe.directory=*"];
        all.extend_from_slice(args);
        git(&env, &all)
    };
    let done = run.of_type("agent_completed");
    let branch = done[0]["branch"].as_str();
    let branch = branch.unwrap_or_else(|| panic!("no branch: {}", run.stdout));
    let file = format!("{branch}:deep/er/f.txt");
    assert_eq!(git(&["show", &file]), "kept\n", "committed");
    let folder = env.repo_path().join(".git/quire-worktrees");
    assert_eq!(entries(&folder), Vec::<String>::new(), "{}", run.stdout);
    assert_eq!(git(&["worktree", "list"]).lines().count(), 1);
    assert!(
        !run.stdout.contains("could not be removed"),
        "{}",
        run.stdout
    );
}
