//! `plugins call NAME` and `plugins inspect NAME`: a bare name of an
//! installed plugin means that plugin, whatever folders the working folder
//! holds; a path has to look like one.

use super::{seed_cache, source_plugin};
use crate::support::quire::TestEnv;

#[test]
fn a_bare_name_means_the_installed_plugin_not_a_folder_here() {
    let env = TestEnv::new("responses");
    seed_cache(&env);
    let src = tempfile::tempdir().unwrap();
    let plugin = source_plugin(src.path(), "hostile", "");
    let add = env.run(&["plugins", "add", plugin.to_str().unwrap(), "--yes"]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    // The working folder (the repository) holds a folder of that name.
    std::fs::create_dir_all(env.repo.path().join("hostile/notes")).unwrap();

    let call = env.run(&["plugins", "call", "hostile", "echo", "{\"a\":1}"]);
    assert_eq!(call.code, 0, "{}", call.stderr);
    assert_eq!(call.stdout.trim(), "{\"a\":1}");
    let inspect = env.run(&["plugins", "inspect", "hostile"]);
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    assert!(
        inspect
            .stdout
            .lines()
            .any(|l| l.starts_with("folder:") && l.ends_with("/plugins/hostile")),
        "{}",
        inspect.stdout
    );
    // Written as a path, the folder is meant.
    let inspect = env.run(&["plugins", "inspect", "./hostile"]);
    assert_eq!(inspect.code, 2, "{}", inspect.stderr);
    assert!(
        inspect.stderr.contains("it has no plugin.toml"),
        "{}",
        inspect.stderr
    );
}
