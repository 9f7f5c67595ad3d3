//! Drift: `verify` reports it, drifted skills are flagged and never
//! auto-activated until `sync`.

use super::*;

#[test]
fn drift_is_reported_flagged_and_never_auto_activated_until_sync() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let url = up.url();
    let run = env.run(&["share", "add", &url, "--ref", "v1", "--path", "skills"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("added skill pdf-forms")
            && run.stdout.contains("added skill release-notes")
    );
    let picked = |env: &TestEnv| {
        let run = env.run(&["skills", "pick", "fill the pdf form fields", "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        v["activated"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(picked(&env), vec!["pdf-forms"]);

    env.write(
        ".quire/skills/pdf-forms/scripts/fill.py",
        "print('tampered')\n",
    );
    env.write(".quire/skills/pdf-forms/notes.txt", "extra\n");
    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("drifted  skill pdf-forms: changed: scripts/fill.py; added: notes.txt"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("ok       skill release-notes"),
        "{}",
        run.stdout
    );
    // Local changes need --force, and the advice says so.
    assert!(
        run.stderr.contains(
            "1 entry differs from quire.lock; `quire share sync --force` replaces local changes"
        ),
        "{}",
        run.stderr
    );
    let list = env.run(&["skills", "list"]);
    assert!(
        list.stdout.contains("drifted: differs from quire.lock"),
        "{}",
        list.stdout
    );
    // The hint names the command that restores local changes.
    assert!(
        list.stdout
            .contains("`quire share sync --force` restores it"),
        "{}",
        list.stdout
    );
    assert!(
        picked(&env).is_empty(),
        "a drifted skill is not auto-activated"
    );

    // Local changes are not thrown away without --force.
    let run = env.run(&["share", "--allow-local-sources", "sync"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("failed skill pdf-forms: local changes (changed: scripts/fill.py; added: notes.txt); `quire share sync --force`"),
        "{}",
        run.stderr
    );
    assert_eq!(
        env.read(".quire/skills/pdf-forms/scripts/fill.py"),
        "print('tampered')\n"
    );
    let run = up.add_pdf_forms(&env, "v1", &[]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("has local changes"), "{}", run.stderr);
    let run = env.run(&["share", "--allow-local-sources", "sync", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("restored skill pdf-forms"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("unchanged skill release-notes"),
        "{}",
        run.stdout
    );
    assert_eq!(env.read(".quire/skills/pdf-forms/scripts/fill.py"), FILL_V1);
    assert!(
        !env.repo
            .path()
            .join(".quire/skills/pdf-forms/notes.txt")
            .exists()
    );
    assert_eq!(env.run(&["share", "verify"]).code, 0);
    assert_eq!(picked(&env), vec!["pdf-forms"]);
}

/// An installed skill whose changes keep it from loading (its SKILL.md
/// broken, or removed) is still shown as drifted by the plain `skills
/// list`, with what differs and how to restore it.
#[test]
fn a_drifted_skill_that_no_longer_loads_is_listed_as_drifted() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let run = env.run(&["share", "add", &up.url(), "--ref", "v1", "--path", "skills"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.write(
        ".quire/skills/pdf-forms/SKILL.md",
        "---\nname: pdf-forms\n---\n",
    );
    let listed = |env: &TestEnv, why: &str, sync: &str| {
        let list = env.run(&["skills", "list"]);
        assert_eq!(list.code, 0, "{}", list.stderr);
        assert!(
            list.stdout
                .contains("Drifted from quire.lock (not loaded):")
                && list.stdout.contains(".quire/skills/pdf-forms\n")
                && list.stdout.contains(&format!(
                    "differs from quire.lock ({why}); `{sync}` restores it"
                )),
            "{}",
            list.stdout
        );
        // Not twice: release-notes is loaded and unchanged.
        assert_eq!(list.stdout.matches("differs from quire.lock").count(), 1);
    };
    listed(&env, "changed: SKILL.md", "quire share sync --force");
    std::fs::remove_file(env.repo.path().join(".quire/skills/pdf-forms/SKILL.md")).unwrap();
    // A missing file is not the user's: plain `sync` puts it back.
    listed(&env, "missing: SKILL.md", "quire share sync");
    let all = env.run(&["skills", "list", "--all", "--json"]);
    assert!(
        all.stdout.contains("\"status\":\"drifted\""),
        "{}",
        all.stdout
    );
}

#[test]
fn update_and_verify_say_so_when_the_lock_lists_nothing() {
    let env = TestEnv::new("responses");
    let run = env.run(&["share", "--allow-local-sources", "update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("quire.lock lists nothing to update"),
        "{}",
        run.stdout
    );
    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("quire.lock lists nothing to verify"),
        "{}",
        run.stdout
    );
}

/// Hidden files left in the skills folder (`.NAME.old-…`, `.NAME.new-…`).
fn leftovers(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

/// A file of the user's where an installed folder was is local content:
/// `verify` says so, `sync` keeps it without --force, and replacing it
/// (or a folder) leaves no moved-aside copy behind. Missing files alone
/// are installed by plain `sync`, as `verify` says.
#[test]
fn a_file_at_the_install_path_is_kept_without_force_and_nothing_is_left_behind() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let run = env.run(&["share", "add", &up.url(), "--ref", "v1", "--path", "skills"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let skills = env.repo.path().join(".quire/skills");
    std::fs::remove_dir_all(skills.join("pdf-forms")).unwrap();
    std::fs::write(skills.join("pdf-forms"), "a file\n").unwrap();

    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("drifted  skill pdf-forms: a file is where its folder should be"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("`quire share sync --force`"),
        "{}",
        run.stderr
    );
    let run = env.run(&["share", "--allow-local-sources", "sync"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "failed skill pdf-forms: .quire/skills/pdf-forms is a file, not the skill folder; `quire share sync --force`"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(env.read(".quire/skills/pdf-forms"), "a file\n");
    let run = env.run(&["share", "remove", "pdf-forms"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("is a file, not the skill folder; move it away or pass --force"),
        "{}",
        run.stderr
    );
    assert_eq!(env.read(".quire/skills/pdf-forms"), "a file\n");

    let run = env.run(&["share", "--allow-local-sources", "sync", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(skills.join("pdf-forms/SKILL.md").is_file());
    assert_eq!(leftovers(&skills), Vec::<String>::new());

    // A changed folder replaced with --force: no copy left either.
    env.write(".quire/skills/release-notes/SKILL.md", "mine\n");
    let run = env.run(&["share", "--allow-local-sources", "sync", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(leftovers(&skills), Vec::<String>::new());

    // Only missing files: plain sync is the advice, and it works.
    std::fs::remove_dir_all(skills.join("release-notes")).unwrap();
    let run = env.run(&["share", "verify"]);
    assert!(
        run.stderr.contains(
            "1 entry differs from quire.lock; `quire share sync` installs what is missing again"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(env.run(&["share", "--allow-local-sources", "sync"]).code, 0);
    assert_eq!(env.run(&["share", "verify"]).code, 0);
}
