//! A home folder kept in git (dotfiles) is not the repository of a
//! project below it: run from `~/projects/p`, the workspace is that
//! folder, not the whole home folder, so `~/.bashrc` is out of reach.
use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{TestEnv, finish};

#[test]
fn a_dotfiles_repository_at_home_does_not_make_home_the_workspace() {
    let env = TestEnv::new("chat");
    let home = tempfile::tempdir().unwrap();
    let git = std::process::Command::new("git")
        .args(["init", "-q", "."])
        .current_dir(home.path())
        .status()
        .unwrap();
    assert!(git.success());
    std::fs::write(home.path().join(".bashrc"), "export PS1=x\n").unwrap();
    let project = home.path().join("projects/p");
    std::fs::create_dir_all(&project).unwrap();
    env.server.push_all([
        Reply::tool_call(
            "p1",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: ../../.bashrc\n@@\n export PS1=x\n+alias sudo=evil\n*** End Patch\n"}),
        ),
        Reply::tool_call(
            "p2",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: notes.txt\n+mine\n*** End Patch\n"}),
        ),
        Reply::text("tried"),
    ]);
    let child = env
        .command(&["exec", "--json", "edit my shell"])
        .current_dir(&project)
        .env("HOME", home.path())
        .spawn()
        .expect("spawn quire");
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(home.path().join(".bashrc")).unwrap(),
        "export PS1=x\n"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("notes.txt")).unwrap(),
        "mine\n"
    );
    let done = run.of_type("tool_completed");
    let p1 = done.iter().find(|e| e["call_id"] == "p1").unwrap();
    assert_eq!(p1["is_error"], true, "{p1}");

    // Run in the home folder itself, the repository is the workspace.
    env.server.push_all([
        Reply::tool_call(
            "p3",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: .bashrc\n@@\n export PS1=x\n+export EDITOR=vi\n*** End Patch\n"}),
        ),
        Reply::text("done"),
    ]);
    let child = env
        .command(&["exec", "--json", "set my editor"])
        .current_dir(home.path())
        .env("HOME", home.path())
        .spawn()
        .expect("spawn quire");
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::read_to_string(home.path().join(".bashrc"))
            .unwrap()
            .contains("EDITOR=vi"),
        "{}",
        run.stdout
    );
}

/// A repository holding the home folder (`/home` kept in git, a container
/// whose home is inside the checkout) is not the workspace either.
#[test]
fn a_repository_holding_the_home_folder_does_not_make_it_the_workspace() {
    let env = TestEnv::new("chat");
    let base = tempfile::tempdir().unwrap();
    let git = std::process::Command::new("git")
        .args(["init", "-q", "."])
        .current_dir(base.path())
        .status()
        .unwrap();
    assert!(git.success());
    let home = base.path().join("home");
    let project = home.join("projects/p");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(home.join(".bashrc"), "export PS1=x\n").unwrap();
    env.server.push_all([
        Reply::tool_call(
            "p1",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: ../../.bashrc\n@@\n export PS1=x\n+alias sudo=evil\n*** End Patch\n"}),
        ),
        Reply::text("tried"),
    ]);
    let child = env
        .command(&["exec", "--json", "edit my shell"])
        .current_dir(&project)
        .env("HOME", &home)
        .spawn()
        .expect("spawn quire");
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(home.join(".bashrc")).unwrap(),
        "export PS1=x\n"
    );
    let started = &run.of_type("session_started")[0];
    assert_eq!(started["cwd"], project.display().to_string());
}
