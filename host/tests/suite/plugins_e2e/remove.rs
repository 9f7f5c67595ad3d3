//! `quire plugins remove NAME` removes the plugin `quire plugins list`
//! shows: never, silently, a folder of an untrusted repository (not
//! loaded, so not listed), and a plugin of `plugins.paths` is named as
//! such rather than "not installed".

use std::path::Path;

use crate::support::quire::TestEnv;

/// A plugin folder `dir` named `name` (remove never loads its component).
fn manifest_only(dir: &Path, name: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("plugin.wasm"), "not loaded").unwrap();
    std::fs::write(
        dir.join("plugin.toml"),
        format!(
            "name = \"{name}\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"plugin.wasm\"\n"
        ),
    )
    .unwrap();
}

fn untrusted(env: &TestEnv) {
    let run = env.run(&["trust", "--revoke"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn remove_in_an_untrusted_repository_never_deletes_its_folder_unsaid() {
    let env = TestEnv::new("responses");
    untrusted(&env);
    let user = env.home.path().join("plugins/builder");
    manifest_only(&user, "builder");
    let repo_copy = env.repo.path().join(".quire/plugins/builder");
    manifest_only(&repo_copy, "builder");
    std::fs::write(repo_copy.join("REPO_FILE"), "x").unwrap();

    // Two plugins of that name: refused, both named, nothing deleted.
    let run = env.run(&["plugins", "remove", "builder"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("names two plugins"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&user.display().to_string()),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("not trusted"), "{}", run.stderr);
    assert!(repo_copy.join("REPO_FILE").is_file());
    assert!(user.join("plugin.toml").is_file());

    // Only the user plugin: that one goes, the repository is untouched.
    let aside = env.repo.path().join("aside");
    std::fs::rename(&repo_copy, &aside).unwrap();
    let run = env.run(&["plugins", "remove", "builder"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!user.exists());
    assert!(aside.join("REPO_FILE").is_file());

    // Only the repository's: removed, and the output says where.
    std::fs::rename(&aside, &repo_copy).unwrap();
    let run = env.run(&["plugins", "remove", "builder"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("this repository, which is not trusted"),
        "{}",
        run.stdout
    );
    assert!(!repo_copy.exists());
}

#[test]
fn remove_of_a_configured_plugin_says_where_it_comes_from() {
    let dev = tempfile::tempdir().unwrap();
    manifest_only(&dev.path().join("devp"), "devp");
    let env = TestEnv::with_config(
        "responses",
        &format!(
            "[plugins]\npaths = [{:?}]\n",
            dev.path().display().to_string()
        ),
    );
    let list = env.run(&["plugins", "list"]);
    assert!(list.stdout.contains("devp"), "{}", list.stdout);
    let run = env.run(&["plugins", "remove", "devp"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("plugin 'devp' comes from plugins.paths in config.toml: remove it there"),
        "{}",
        run.stderr
    );
    assert!(dev.path().join("devp/plugin.toml").is_file());
}
