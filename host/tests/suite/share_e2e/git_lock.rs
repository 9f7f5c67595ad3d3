//! A skill from a git URL locked with its commit and per-file sha256;
//! `sync` reproduces it in another clone and `update` takes the moved tag.

use super::*;

#[test]
fn a_git_skill_is_locked_and_sync_reproduces_it_elsewhere() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let url = up.url();
    let run = up.add_pdf_forms(&env, "v1", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "added skill pdf-forms from {url} at {}",
            &up.v1[..12]
        )),
        "{}",
        run.stdout
    );
    assert_eq!(env.read(".quire/skills/pdf-forms/scripts/fill.py"), FILL_V1);
    let lock: toml::Table = env.read("quire.lock").parse().unwrap();
    let entry = &lock["entry"].as_array().unwrap()[0];
    assert_eq!(entry["commit"].as_str(), Some(up.v1.as_str()));
    assert_eq!(entry["ref"].as_str(), Some("v1"));
    assert_eq!(entry["subdir"].as_str(), Some("skills/pdf-forms"));
    assert_eq!(entry["installed"].as_str(), Some(".quire/skills/pdf-forms"));
    let files = entry["files"].as_table().unwrap();
    assert_eq!(files.len(), 2);
    // Each digest is followed by the file's mode, as git records it.
    let plain = |text: &str| format!("{} 100644", sha(text.as_bytes()));
    assert_eq!(files["SKILL.md"].as_str().unwrap(), plain(PDF_V1));
    assert_eq!(files["scripts/fill.py"].as_str().unwrap(), plain(FILL_V1));
    let skills = env.run(&["skills", "list"]);
    assert!(skills.stdout.contains("pdf-forms"), "{}", skills.stdout);

    // Upstream moves the tag to the new commit; a teammate with only the
    // lock still gets exactly the locked files.
    git(&up.path, &["tag", "-f", "v1", "HEAD"]);
    let mate = TestEnv::new("responses");
    mate.write("quire.lock", &env.read("quire.lock"));
    let run = mate.run(&["share", "--allow-local-sources", "sync"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("restored skill pdf-forms"),
        "{}",
        run.stdout
    );
    assert_eq!(
        mate.read(".quire/skills/pdf-forms/scripts/fill.py"),
        FILL_V1
    );
    assert_eq!(mate.read(".quire/skills/pdf-forms/SKILL.md"), PDF_V1);
    let run = mate.run(&["share", "verify"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("ok       skill pdf-forms"),
        "{}",
        run.stdout
    );
    let run = mate.run(&["share", "--allow-local-sources", "sync"]);
    assert!(
        run.stdout.contains("unchanged skill pdf-forms"),
        "{}",
        run.stdout
    );

    // `update` takes where the tag points now, on purpose.
    let v2 = git(&up.path, &["rev-parse", "HEAD"]);
    let run = env.run(&["share", "--allow-local-sources", "update", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "updated skill pdf-forms: {} → {}",
            &up.v1[..12],
            &v2[..12]
        )),
        "{}",
        run.stdout
    );
    assert_eq!(
        env.read(".quire/skills/pdf-forms/scripts/fill.py"),
        "print('fill v2')\n"
    );
    assert!(env.read("quire.lock").contains(&v2));
    let run = env.run(&["share", "--allow-local-sources", "update", "pdf-forms"]);
    assert!(
        run.stdout.contains("up to date skill pdf-forms"),
        "{}",
        run.stdout
    );
    let run = env.run(&["share", "--allow-local-sources", "update", "nope"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nothing named 'nope'"),
        "{}",
        run.stderr
    );
}

/// A repository whose root is a plugin bundle without a manifest name is
/// named after the repository (not quire's temporary checkout folder), so
/// adding it again replaces it; an entry of the same source under another
/// name is not installed twice.
#[test]
fn a_bundle_at_a_repositorys_root_is_named_after_it_and_added_once() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let url = up.url();
    for _ in 0..2 {
        let run = env.run(&["share", "add", &url]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains("added plugin bundle team-skills from")
                && run.stdout.contains("into .agents/plugins/team-skills"),
            "{}",
            run.stdout
        );
    }
    let plugins = env.repo.path().join(".agents/plugins");
    let names: Vec<_> = std::fs::read_dir(&plugins)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["team-skills"]);
    assert_eq!(env.read("quire.lock").matches("[[entry]]").count(), 1);

    // A lock written by an older quire: the same source under its
    // checkout's name.
    let lock = env
        .read("quire.lock")
        .replace("name = \"team-skills\"", "name = \"checkout-1-2\"")
        .replace("plugins/team-skills\"", "plugins/checkout-1-2\"");
    env.write("quire.lock", &lock);
    std::fs::rename(plugins.join("team-skills"), plugins.join("checkout-1-2")).unwrap();
    let run = env.run(&["share", "add", &url]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "{url} is already installed as plugin bundle checkout-1-2; `quire share update checkout-1-2`"
        )),
        "{}",
        run.stderr
    );
    assert!(!plugins.join("team-skills").exists());
}

/// A repository's quire.lock is the repository's input: a git source on
/// this machine (`file://`, a path) is fetched only with
/// `--allow-local-sources`, and the refusal names the entry.
#[test]
fn a_local_git_source_in_a_repositorys_lock_needs_allow_local_sources() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let run = up.add_pdf_forms(&env, "v1", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mate = TestEnv::new("responses");
    mate.write("quire.lock", &env.read("quire.lock"));
    for args in [&["share", "sync"][..], &["share", "update", "--yes"]] {
        let run = mate.run(args);
        assert_ne!(run.code, 0, "{args:?}: {}", run.stdout);
        assert!(
            run.stderr
                .contains("the skill entry 'pdf-forms' has source = \"file://")
                && run.stderr.contains("a git repository on this machine")
                && run.stderr.contains("--allow-local-sources"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!mate.repo_path().join(".quire/skills/pdf-forms").exists());
    }
    let run = mate.run(&["share", "sync", "--allow-local-sources"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mate.read(".quire/skills/pdf-forms/SKILL.md"), PDF_V1);
}
