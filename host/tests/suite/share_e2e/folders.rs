//! A folder source holding a skill and a plugin: added, listed and
//! removed; bad sources and places get clear errors.

use super::*;

#[test]
fn a_folder_source_with_a_skill_and_a_plugin_is_added_listed_and_removed() {
    let env = TestEnv::new("responses");
    let shared = tempfile::tempdir().unwrap();
    write(
        &shared.path().join("lint/SKILL.md"),
        "---\nname: lint\ndescription: Run the linters.\n---\nRun them.\n",
    );
    write(
        &shared.path().join("counter/plugin.toml"),
        "name = \"counter\"\nversion = \"0.1.0\"\ndescription = \"Counts.\"\ncomponent = \"counter.wasm\"\n",
    );
    std::fs::write(shared.path().join("counter/counter.wasm"), b"\0asm").unwrap();
    let src = shared.path().display().to_string();
    // A folder of the same name that share did not install is kept.
    env.write(
        ".quire/skills/lint/SKILL.md",
        "---\nname: lint\ndescription: Mine.\n---\n",
    );
    let run = env.run(&["share", "add", &src]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains(".quire/skills/lint already exists and was not installed by `quire share`"),
        "{}",
        run.stderr
    );
    assert!(env.read(".quire/skills/lint/SKILL.md").contains("Mine."));
    assert!(!env.repo.path().join("quire.lock").exists());
    let run = env.run(&["share", "add", &src, "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("added plugin counter") && run.stdout.contains("added skill lint"));
    // It asks for no permissions: it runs as is, no consent to give.
    assert!(
        !run.stderr
            .contains("quire plugins add .quire/plugins/counter"),
        "{}",
        run.stderr
    );
    assert!(
        env.repo
            .path()
            .join(".quire/plugins/counter/counter.wasm")
            .is_file()
    );
    let list = env.run(&["share", "list"]);
    assert!(
        list.stdout.contains("plugin        counter") && list.stdout.contains("skill         lint"),
        "{}",
        list.stdout
    );

    // A changed folder source cannot be synced back to the lock.
    std::fs::write(
        shared.path().join("lint/SKILL.md"),
        "---\nname: lint\ndescription: Changed.\n---\n",
    )
    .unwrap();
    std::fs::remove_dir_all(env.repo.path().join(".quire/skills/lint")).unwrap();
    let run = env.run(&["share", "sync"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("failed skill lint")
            && run
                .stderr
                .contains("no longer matches quire.lock (changed: SKILL.md)"),
        "{}",
        run.stderr
    );

    env.write(".quire/plugins/counter/mine.txt", "local\n");
    let run = env.run(&["share", "remove", "counter"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("has local changes (added: mine.txt)"),
        "{}",
        run.stderr
    );
    assert!(
        env.repo
            .path()
            .join(".quire/plugins/counter/mine.txt")
            .exists()
    );
    let run = env.run(&["share", "remove", "counter", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!env.repo.path().join(".quire/plugins/counter").exists());
    assert!(!env.read("quire.lock").contains("counter"));
    let run = env.run(&["share", "remove", "counter"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nothing named 'counter'"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_sources_and_places_get_clear_errors() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let url = up.url();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["share", "add", "no/such/folder"], "is not a folder"),
        (
            vec!["share", "add", "file:///no/such/repo.git"],
            "cannot clone file:///no/such/repo.git",
        ),
        (
            vec!["share", "add", &url, "--ref", "nope"],
            "has no branch, tag or commit 'nope'",
        ),
        (
            vec!["share", "add", &url, "--path", "../x"],
            "must be a folder inside the source",
        ),
        (
            vec!["share", "add", &url, "--path", "docs"],
            "has no folder 'docs'",
        ),
        (
            vec!["share", "add", ".", "--ref", "v1"],
            "--ref is for git sources",
        ),
    ];
    for (args, want) in cases {
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{args:?}: {}", run.stderr);
    }
    assert!(
        !env.repo.path().join("quire.lock").exists(),
        "nothing was locked"
    );

    // sync needs a trusted repository: it fetches what the lock names.
    assert_eq!(env.run(&["trust", "--revoke"]).code, 0);
    env.write("quire.lock", "version = 1\n");
    let run = env.run(&["share", "sync"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a trusted repository"),
        "{}",
        run.stderr
    );
}

/// A folder outside the repository's parent folder would be recorded as
/// an absolute path that no clone has: `add` refuses it, as `sync` would.
#[test]
fn a_folder_outside_the_repositorys_parent_is_refused() {
    let env = TestEnv::new("responses");
    // The repository is nested one level deeper, so a temporary folder is
    // neither in it nor beside it.
    let repo = env.repo.path().join("nest/app");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    let shared = tempfile::tempdir().unwrap();
    write(
        &shared.path().join("lint/SKILL.md"),
        "---\nname: lint\ndescription: Run the linters.\n---\nRun them.\n",
    );
    let src = shared.path().join("lint").display().to_string();
    let run = env.run(&["--cd", repo.to_str().unwrap(), "share", "add", &src]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("is outside the repository and its parent folder")
            && run
                .stderr
                .contains("add its URL, or check it out next to the repository"),
        "{}",
        run.stderr
    );
    assert!(!repo.join("quire.lock").exists());
    assert!(!repo.join(".quire/skills/lint").exists());

    // A sibling checkout is recorded relative and added.
    write(
        &env.repo.path().join("nest/shared/lint/SKILL.md"),
        "---\nname: lint\ndescription: Run the linters.\n---\nRun them.\n",
    );
    let run = env.run(&[
        "--cd",
        repo.to_str().unwrap(),
        "share",
        "add",
        "../shared/lint",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let lock = std::fs::read_to_string(repo.join("quire.lock")).unwrap();
    assert!(lock.contains("source = \"../shared/lint\""), "{lock}");
}

#[test]
fn a_large_file_in_a_shared_skill_is_pointed_out() {
    let env = TestEnv::new("responses");
    let shared = tempfile::tempdir().unwrap();
    write(
        &shared.path().join("data-skill/SKILL.md"),
        "---\nname: data-skill\ndescription: Uses a big table.\n---\nRead it.\n",
    );
    let big = std::fs::File::create(shared.path().join("data-skill/table.bin")).unwrap();
    big.set_len(12 * 1024 * 1024).unwrap();
    drop(big);
    let src = shared.path().join("data-skill").display().to_string();
    let run = env.run(&["share", "add", &src]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("note: table.bin is 12 MB and is committed with the repository"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("SKILL.md is"), "{}", run.stdout);
}

/// A file over 50 MiB is refused unless --force, naming it and the limit.
#[test]
fn a_file_over_the_limit_is_refused_without_force() {
    let env = TestEnv::new("responses");
    let shared = tempfile::tempdir().unwrap();
    write(
        &shared.path().join("huge-skill/SKILL.md"),
        "---\nname: huge-skill\ndescription: Uses a huge table.\n---\nRead it.\n",
    );
    let big = std::fs::File::create(shared.path().join("huge-skill/table.bin")).unwrap();
    big.set_len(60 * 1024 * 1024).unwrap();
    drop(big);
    let src = shared.path().join("huge-skill").display().to_string();
    let run = env.run(&["share", "add", &src]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("skill huge-skill: table.bin is 60 MiB, more than the 50 MiB"),
        "{}",
        run.stderr
    );
    assert!(!env.repo_path().join("quire.lock").exists());
    let run = env.run(&["share", "add", &src, "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("note: table.bin is 60 MB"),
        "{}",
        run.stdout
    );
    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_skill_of_the_same_name_from_another_source_is_refused_or_replaced_with_force() {
    let env = TestEnv::new("responses");
    let shared = tempfile::tempdir().unwrap();
    for (folder, description) in [("first-src", "First."), ("second-src", "Second.")] {
        write(
            &shared.path().join(folder).join("lint/SKILL.md"),
            &format!("---\nname: lint\ndescription: {description}\n---\nRun them.\n"),
        );
    }
    let first = shared.path().join("first-src").display().to_string();
    let second = shared.path().join("second-src").display().to_string();
    let run = env.run(&["share", "add", &first]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("added skill lint"), "{}", run.stdout);

    let run = env.run(&["share", "add", &second]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let err = &run.stderr;
    assert!(
        err.contains("skill lint is already installed from")
            && err.contains("first-src")
            && err.contains("second-src")
            && err.contains("`quire share remove lint` first (or pass --force)"),
        "{err}"
    );
    assert!(env.read(".quire/skills/lint/SKILL.md").contains("First."));

    let run = env.run(&["share", "add", &second, "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("replaced skill lint from") && run.stdout.contains("(was from "),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("added"), "{}", run.stdout);
    assert!(env.read(".quire/skills/lint/SKILL.md").contains("Second."));

    // The same source again is an update, not a clash.
    let run = env.run(&["share", "add", &second]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("added skill lint"), "{}", run.stdout);
}

/// A hand-written `./vendor/s1` names the same folder as `vendor/s1`:
/// the lock syncs; a `.` part does not hide a way out of the parent folder.
#[test]
fn a_folder_source_written_with_dot_parts_syncs_and_still_cannot_leave() {
    let env = TestEnv::new("responses");
    env.write(
        "vendor/s1/SKILL.md",
        "---\nname: s1\ndescription: A skill inside the repository.\n---\nBody.\n",
    );
    let run = env.run(&["share", "add", "vendor/s1"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let lock = env.read("quire.lock");
    assert!(lock.contains("source = \"vendor/s1\""), "{lock}");
    for written in ["./vendor/s1", "vendor/./s1", "./vendor/s1/"] {
        env.write(
            "quire.lock",
            &lock.replace("source = \"vendor/s1\"", &format!("source = \"{written}\"")),
        );
        std::fs::remove_dir_all(env.repo.path().join(".quire/skills")).unwrap();
        let run = env.run(&["share", "sync"]);
        assert_eq!(run.code, 0, "{written}: {}{}", run.stdout, run.stderr);
        assert!(
            env.read(".quire/skills/s1/SKILL.md").contains("Body."),
            "{written}"
        );
    }
    for written in ["./../../s1", "vendor/./../../s1", "/./vendor/s1"] {
        env.write(
            "quire.lock",
            &lock.replace("source = \"vendor/s1\"", &format!("source = \"{written}\"")),
        );
        let run = env.run(&["share", "sync"]);
        assert_eq!(run.code, 2, "{written}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr
                .contains("a folder outside the repository and its parent folder"),
            "{written}: {}",
            run.stderr
        );
    }
}

/// The same folder written two ways (`SRC --path skills/lint` and
/// `SRC/skills/lint`) is said to be what is installed, with the command
/// that refreshes it, not "another skill of that name".
#[test]
fn the_same_folder_written_another_way_is_said_to_be_installed() {
    let env = TestEnv::new("responses");
    let shared = tempfile::tempdir().unwrap();
    write(
        &shared.path().join("skills/lint/SKILL.md"),
        "---\nname: lint\ndescription: Run the linters.\n---\nRun them.\n",
    );
    let src = shared.path().display().to_string();
    let run = env.run(&["share", "add", &src, "--path", "skills/lint"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let again = format!("{src}/skills/./lint/");
    let run = env.run(&["share", "add", &again]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("which is the folder")
            && run
                .stderr
                .contains("`quire share update lint` takes its newest files")
            && !run.stderr.contains("is another"),
        "{}",
        run.stderr
    );
    // A different folder of that name is still another skill.
    write(
        &shared.path().join("other/lint/SKILL.md"),
        "---\nname: lint\ndescription: Other linters.\n---\nRun them.\n",
    );
    let other = format!("{src}/other/lint");
    let run = env.run(&["share", "add", &other]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("is another skill of that name"),
        "{}",
        run.stderr
    );
}
