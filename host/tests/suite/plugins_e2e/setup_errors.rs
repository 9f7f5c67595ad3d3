//! Setup and usage errors of `quire plugins …`: each names the bad input
//! and exits 2.

use super::seed_cache;
use crate::support::quire::TestEnv;

#[test]
fn a_core_module_is_told_apart_from_a_component() {
    let env = TestEnv::new("responses");
    let src = tempfile::tempdir().unwrap();
    let dir = src.path().join("notcomp");
    std::fs::create_dir_all(&dir).unwrap();
    // A valid, empty core module: what wasm32-wasip1 builds.
    std::fs::write(dir.join("plugin.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(
        dir.join("plugin.toml"),
        "name = \"notcomp\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"plugin.wasm\"\n",
    )
    .unwrap();
    let add = env.run(&["plugins", "add", dir.to_str().unwrap(), "--yes"]);
    assert_eq!(add.code, 2, "{}", add.stderr);
    assert!(
        add.stderr
            .contains("is a core WebAssembly module, not a component"),
        "{}",
        add.stderr
    );
    assert!(
        add.stderr.contains("wasm-tools component new"),
        "{}",
        add.stderr
    );
    assert!(!add.stderr.contains("failed to parse"), "{}", add.stderr);

    std::fs::write(dir.join("plugin.wasm"), b"not wasm at all").unwrap();
    let add = env.run(&["plugins", "add", dir.to_str().unwrap(), "--yes"]);
    assert_eq!(add.code, 2, "{}", add.stderr);
    assert!(
        add.stderr.contains("is not a WebAssembly file"),
        "{}",
        add.stderr
    );
}

#[test]
fn unknown_names_and_missing_folders_exit_2() {
    let env = TestEnv::new("responses");
    seed_cache(&env);
    for args in [
        &["plugins", "remove", "nosuch"][..],
        &["plugins", "enable", "nosuch"],
        &["plugins", "inspect", "nosuch"],
        &["plugins", "call", "nosuch", "echo"],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("'nosuch'"), "{args:?}: {}", run.stderr);
    }
    let run = env.run(&["plugins", "new", "../evil"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not a valid plugin name"),
        "{}",
        run.stderr
    );
    let missing = env.repo.path().join("nonexistent");
    let missing = missing.to_str().unwrap();
    for sub in ["add", "validate", "inspect"] {
        let run = env.run(&["plugins", sub, missing]);
        assert_eq!(run.code, 2, "{sub}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("no such folder: {missing}")),
            "{sub}: {}",
            run.stderr
        );
    }
}

/// The component's path, wrong three ways: each message names the plugin
/// or its file once and says what to do.
#[test]
fn a_bad_component_path_is_explained() {
    let env = TestEnv::new("responses");
    let src = tempfile::tempdir().unwrap();
    let dir = src.path().join("mt");
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = dir.join("plugin.toml");
    let write = |component: &str| {
        std::fs::write(
            &manifest,
            format!(
                "name = \"mt\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"{component}\"\n"
            ),
        )
        .unwrap();
    };
    let folder = dir.to_str().unwrap();

    write("../wc/word_count.wasm");
    let run = env.run(&["plugins", "validate", folder]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("without '..'"), "{}", run.stderr);
    let shown = manifest.display().to_string();
    assert_eq!(run.stderr.matches(&shown).count(), 1, "{}", run.stderr);

    write(".");
    let run = env.run(&["plugins", "validate", folder]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("is the plugin's folder, not a file"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("does not exist"), "{}", run.stderr);
    let run = env.run(&["plugins", "inspect", folder]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!run.stderr.contains("Is a directory"), "{}", run.stderr);
    assert!(
        run.stderr.contains("is the plugin's folder, not a file"),
        "{}",
        run.stderr
    );

    write("missing.wasm");
    for sub in ["inspect", "add"] {
        let run = env.run(&["plugins", sub, folder, "--yes"][..if sub == "add" { 4 } else { 3 }]);
        assert_eq!(run.code, 2, "{sub}: {}", run.stderr);
        assert!(
            run.stderr.contains("plugin 'mt': its component"),
            "{sub}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("does not exist: build the plugin"),
            "{sub}: {}",
            run.stderr
        );
    }
    let run = env.run(&["plugins", "validate", folder]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("does not exist: build the plugin"),
        "{}",
        run.stderr
    );
}
