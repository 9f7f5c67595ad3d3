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
