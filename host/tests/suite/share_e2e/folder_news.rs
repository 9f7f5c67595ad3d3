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

const CHANGELOG: &str = "---\nname: changelog\ndescription: Keep the changelog.\n---\nSteps.\n";

/// `quire share update --yes` (local sources allowed), which succeeds: its
/// output.
fn update(env: &TestEnv) -> String {
    let run = env.run(&["share", "--allow-local-sources", "update", "--yes"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.stdout
}

/// Each entry of the lock as (name, folder).
fn folders(env: &TestEnv) -> Vec<(String, Option<String>)> {
    let lock: toml::Table = toml::from_str(&env.read("quire.lock")).unwrap();
    lock["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field = |k: &str| e.get(k).and_then(|v| v.as_str()).map(str::to_string);
            (field("name").unwrap(), field("folder"))
        })
        .collect()
}

/// Commits `text` as the file `path` of the upstream repository.
fn commit_upstream(up: &Upstream, path: &str, text: &str) {
    write(&up.path.join(path), text);
    git(&up.path, &["add", "-A"]);
    git(&up.path, &["commit", "-q", "-m", path]);
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
    commit_upstream(&up, "skills/changes/SKILL.md", CHANGELOG);

    let out = update(&env);
    assert!(
        out.contains("new upstream in skills (not installed): changelog"),
        "{out}"
    );
    let cmd = format!("quire share add {url} --path skills/changes");
    assert!(out.contains(&cmd), "{out}");
    assert!(!env.repo_path().join(".quire/skills/changelog").exists());

    // The command given adds it; then nothing is new any more.
    let run = env.run(&["share", "add", &url, "--path", "skills/changes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        env.repo_path()
            .join(".quire/skills/changelog/SKILL.md")
            .is_file()
    );
    let out = update(&env);
    assert!(!out.contains("new upstream"), "{out}");
}

/// What was in the folder at the locked commit is no news: a skill the
/// user removed on purpose stays unmentioned however often `update` runs,
/// while one that appeared upstream since is still named.
#[test]
fn a_removed_skill_is_not_news_and_a_new_one_still_is() {
    let (up, env, _url) = added_whole();
    let run = env.run(&["share", "remove", "release-notes"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!env.repo_path().join(".quire/skills/release-notes").exists());

    // Nothing upstream, then a change to the kept skill: both quiet.
    let out = update(&env);
    assert!(!out.contains("new upstream"), "{out}");
    commit_upstream(&up, "skills/pdf-forms/scripts/fill.py", "print('v3')\n");
    let out = update(&env);
    assert!(out.contains("updated skill pdf-forms"), "{out}");
    assert!(!out.contains("new upstream"), "{out}");
    assert!(!out.contains("release-notes"), "{out}");

    // A skill that is new upstream is named, the removed one is not.
    commit_upstream(&up, "skills/changes/SKILL.md", CHANGELOG);
    let out = update(&env);
    assert!(
        out.contains("new upstream in skills (not installed): changelog\n"),
        "{out}"
    );
    assert!(!out.contains("release-notes"), "{out}");
    assert!(!env.repo_path().join(".quire/skills/release-notes").exists());
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

/// An update (or adding one skill of the folder again) fetches only that
/// skill's folder: its entry still records the folder it was added with,
/// so what upstream adds later is still named.
#[test]
fn an_updated_skill_keeps_the_folder_it_was_added_with() {
    let (up, env, url) = added_whole();
    let both = vec![
        ("pdf-forms".to_string(), Some("skills".to_string())),
        ("release-notes".to_string(), Some("skills".to_string())),
    ];
    assert_eq!(folders(&env), both);

    commit_upstream(&up, "skills/pdf-forms/scripts/fill.py", "print('v3')\n");
    let out = update(&env);
    assert!(out.contains("updated skill pdf-forms"), "{out}");
    assert_eq!(folders(&env), both, "{}", env.read("quire.lock"));

    // The other skill updated too, and a new one upstream: still named.
    commit_upstream(
        &up,
        "skills/release-notes/SKILL.md",
        "---\nname: release-notes\ndescription: Draft release notes.\n---\nNew steps.\n",
    );
    commit_upstream(&up, "skills/changes/SKILL.md", CHANGELOG);
    let out = update(&env);
    assert!(out.contains("updated skill release-notes"), "{out}");
    assert!(
        out.contains("new upstream in skills (not installed): changelog"),
        "{out}"
    );
    assert_eq!(folders(&env), both, "{}", env.read("quire.lock"));

    // Adding one of them again by its own folder keeps it as well.
    commit_upstream(&up, "skills/pdf-forms/scripts/fill.py", "print('v4')\n");
    let run = env.run(&["share", "add", &url, "--path", "skills/pdf-forms"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        env.read(".quire/skills/pdf-forms/scripts/fill.py")
            .contains("v4")
    );
    assert_eq!(folders(&env), both, "{}", env.read("quire.lock"));
}

/// `remove` checks the whole lock, as verify and update do: another
/// entry's hostile `folder` refuses it, naming that entry and field, and
/// nothing is removed or written.
#[test]
fn remove_refuses_a_lock_with_a_hostile_entry_elsewhere() {
    let (_up, env, _) = added_whole();
    let lock = env.read("quire.lock");
    let at = lock.find("name = \"release-notes\"").unwrap();
    let hostile = format!(
        "{}{}",
        &lock[..at],
        lock[at..].replacen("folder = \"skills\"", "folder = \"../../etc\"", 1)
    );
    env.write("quire.lock", &hostile);
    for args in [
        &["share", "verify"][..],
        &["share", "--allow-local-sources", "update", "--yes"],
        &["share", "remove", "pdf-forms"],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains(
                "the skill entry 'release-notes' has folder = \"../../etc\", which is not a relative path inside its source"
            ),
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = env.run(&["share", "remove", "pdf-forms"]);
    assert!(run.stderr.contains("nothing was removed"), "{}", run.stderr);
    assert!(
        env.repo_path()
            .join(".quire/skills/pdf-forms/SKILL.md")
            .is_file()
    );
    assert_eq!(env.read("quire.lock"), hostile);
}

#[test]
fn a_source_added_whole_from_its_top_folder_reports_new_skills_too() {
    // A collection with its skills at the top (`SOURCE` without --path).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("collection");
    std::fs::create_dir_all(&path).unwrap();
    git(&path, &["init", "-q"]);
    for name in ["brainstorm", "plans"] {
        write(
            &path.join(format!("{name}/SKILL.md")),
            &format!("---\nname: {name}\ndescription: Do {name}.\n---\nSteps.\n"),
        );
    }
    git(&path, &["add", "-A"]);
    git(&path, &["commit", "-q", "-m", "v1"]);
    let url = format!("file://{}", path.display());
    let env = TestEnv::new("responses");
    let run = env.run(&["share", "add", &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        folders(&env),
        [
            ("brainstorm".to_string(), Some(".".to_string())),
            ("plans".to_string(), Some(".".to_string()))
        ]
    );

    write(&path.join("changes/SKILL.md"), CHANGELOG);
    git(&path, &["add", "-A"]);
    git(&path, &["commit", "-q", "-m", "v2"]);
    let out = update(&env);
    assert!(
        out.contains(&format!("new upstream in {url} (not installed): changelog")),
        "{out}"
    );
    assert!(
        out.contains(&format!("quire share add {url} --path changes")),
        "{out}"
    );
    assert!(!env.repo_path().join(".quire/skills/changelog").exists());
    // The lock it wrote reads back (`verify` checks every entry).
    let run = env.run(&["share", "--allow-local-sources", "verify"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}
