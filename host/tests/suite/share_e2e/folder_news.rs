//! A folder added whole (`share add SOURCE --path DIR`) is recorded in the
//! lock; `share update` names what upstream added to it since, with the
//! command that adds each, and installs nothing new by itself.

use super::*;

/// `quire share add URL --path skills` of a new upstream: both its skills.
fn added_whole() -> (Upstream, TestEnv, String) {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let url = up.url();
    let run = env.run(&["share", "add", &url, "--path", "skills"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (up, env, url)
}

#[test]
fn update_names_a_skill_added_upstream_to_a_folder_added_whole() {
    let (up, env, url) = added_whole();
    let lock = env.read("quire.lock");
    assert_eq!(
        lock.matches("folder = \"skills\"").count(),
        2,
        "each skill of the folder records it: {lock}"
    );

    // Upstream adds a skill to the folder (in a folder of another name).
    write(
        &up.path.join("skills/changes/SKILL.md"),
        "---\nname: changelog\ndescription: Keep the changelog.\n---\nSteps.\n",
    );
    git(&up.path, &["add", "-A"]);
    git(&up.path, &["commit", "-q", "-m", "changelog"]);

    let run = env.run(&["share", "--allow-local-sources", "update", "--yes"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("new upstream in skills (not installed): changelog"),
        "{}",
        run.stdout
    );
    let cmd = format!("quire share add {url} --path skills/changes");
    assert!(run.stdout.contains(&cmd), "{}", run.stdout);
    assert!(!env.repo_path().join(".quire/skills/changelog").exists());

    // The command given adds it; then nothing is new any more.
    let run = env.run(&["share", "add", &url, "--path", "skills/changes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        env.repo_path()
            .join(".quire/skills/changelog/SKILL.md")
            .is_file()
    );
    let run = env.run(&["share", "--allow-local-sources", "update", "--yes"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("new upstream"), "{}", run.stdout);
}

/// The lock is the repository's input: a `folder` that leaves the source
/// (or does not hold the entry) is refused before anything is fetched.
#[test]
fn a_lock_folder_outside_the_source_is_refused() {
    let (_up, env, _) = added_whole();
    let lock = env.read("quire.lock");
    env.write(
        "quire.lock",
        &lock.replacen("folder = \"skills\"", "folder = \"../../etc\"", 1),
    );
    let run = env.run(&["share", "--allow-local-sources", "update", "--yes"]);
    assert_ne!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("has folder = \"../../etc\""),
        "{}",
        run.stderr
    );
}
