//! What a plugin sees of its folders: the whole plugin folder installed
//! (a `${plugin}/data` grant keeps working), and the granted workspace as
//! its working directory (relative paths in a plain Rust guest).

use super::{seed_cache, source_plugin};
use crate::support::quire::TestEnv;

#[test]
fn add_copies_sub_folders_and_refuses_links() {
    let env = TestEnv::new("responses");
    seed_cache(&env);
    let src = tempfile::tempdir().unwrap();
    let plugin = source_plugin(
        src.path(),
        "withdata",
        "[permissions]\nfs = [{ path = \"${plugin}/data\", access = \"ro\" }]",
    );
    std::fs::create_dir_all(plugin.join("data/deep")).unwrap();
    std::fs::write(plugin.join("data/deep/table.txt"), "payload").unwrap();
    std::fs::write(plugin.join("README.md"), "readme").unwrap();
    let add = env.run(&["plugins", "add", plugin.to_str().unwrap(), "--yes"]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    let installed = env.home.path().join("plugins/withdata");
    assert_eq!(
        std::fs::read_to_string(installed.join("data/deep/table.txt")).unwrap(),
        "payload"
    );
    assert!(installed.join("README.md").is_file());
    let table = installed.join("data/deep/table.txt");
    let args = serde_json::json!({ "path": table }).to_string();
    let call = env.run(&["plugins", "call", "withdata", "read", &args]);
    assert_eq!(call.code, 0, "{}", call.stderr);
    assert_eq!(call.stdout.trim(), "payload");
    assert!(!call.stderr.contains("does not exist"), "{}", call.stderr);

    // A link in the folder stops the copy, named, before anything is written.
    let linked = source_plugin(src.path(), "linked", "");
    std::fs::create_dir_all(linked.join("data")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", linked.join("data/host")).unwrap();
    let add = env.run(&["plugins", "add", linked.to_str().unwrap(), "--yes"]);
    assert_eq!(add.code, 2, "{}", add.stderr);
    assert!(
        add.stderr.contains("data/host is a symbolic link"),
        "{}",
        add.stderr
    );
    assert!(!env.home.path().join("plugins/linked").exists());
}

#[test]
fn relative_paths_resolve_in_the_granted_workspace() {
    let env = TestEnv::new("responses");
    seed_cache(&env);
    let src = tempfile::tempdir().unwrap();
    let plugin = source_plugin(
        src.path(),
        "hostile",
        "[permissions]\nfs = [{ path = \"${workspace}\", access = \"rw\" }]",
    );
    let plugin = plugin.to_str().unwrap();
    env.write("inws.txt", "in the workspace");
    for path in ["inws.txt", "./inws.txt"] {
        let args = serde_json::json!({ "path": path }).to_string();
        let call = env.run(&["plugins", "call", "--yes", plugin, "read", &args]);
        assert_eq!(call.code, 0, "{path}: {}", call.stderr);
        assert_eq!(call.stdout.trim(), "in the workspace", "{path}");
    }
    let args = serde_json::json!({ "path": "sub/out.txt", "text": "written" }).to_string();
    std::fs::create_dir_all(env.repo.path().join("sub")).unwrap();
    let call = env.run(&["plugins", "call", "--yes", plugin, "write", &args]);
    assert_eq!(call.code, 0, "{}", call.stderr);
    assert_eq!(env.read("sub/out.txt"), "written");
}

#[test]
fn add_replaces_the_installed_folder_whole_and_says_so() {
    let env = TestEnv::new("responses");
    seed_cache(&env);
    let src = tempfile::tempdir().unwrap();
    let v1 = source_plugin(&src.path().join("v1"), "upg", "");
    std::fs::write(v1.join("OLD_ONLY"), "old").unwrap();
    let v2 = source_plugin(&src.path().join("v2"), "upg", "");
    std::fs::write(v2.join("NEW_ONLY"), "new").unwrap();
    let installed = env.home.path().join("plugins/upg");

    let add = env.run(&["plugins", "add", v1.to_str().unwrap(), "--yes"]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    assert!(!add.stderr.contains("replaces"), "{}", add.stderr);
    assert!(installed.join("OLD_ONLY").is_file());

    // Another folder's plugin of the same name: said, and nothing of the
    // one it replaces stays.
    let add = env.run(&["plugins", "add", v2.to_str().unwrap(), "--yes"]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    assert!(
        add.stderr
            .contains("replaces the installed plugin 'upg' 0.1.0"),
        "{}",
        add.stderr
    );
    let v1_real = v1.canonicalize().unwrap();
    assert!(
        add.stderr
            .contains(&format!("copied from {}", v1_real.display())),
        "{}",
        add.stderr
    );
    assert!(installed.join("NEW_ONLY").is_file());
    assert!(
        !installed.join("OLD_ONLY").exists(),
        "the old version's file stayed"
    );
    let left: Vec<String> = std::fs::read_dir(env.home.path().join("plugins"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "staging left behind: {left:?}");

    // A new version from the same folder replaces it without a note.
    std::fs::remove_file(v2.join("NEW_ONLY")).unwrap();
    let add = env.run(&["plugins", "add", v2.to_str().unwrap(), "--yes"]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    assert!(!add.stderr.contains("replaces"), "{}", add.stderr);
    assert!(!installed.join("NEW_ONLY").exists());
    let call = env.run(&["plugins", "call", "upg", "echo", "{}"]);
    assert_eq!(call.code, 0, "{}", call.stderr);
}
