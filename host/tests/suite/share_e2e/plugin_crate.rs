//! `share add` of a plugin crate as `quire plugins new` writes it (built
//! in place: a `target/` and a `.gitignore` of `/target` and `*.wasm`)
//! installs what `plugins add` would: no build output, no `.gitignore`
//! hiding the component from git; only a plugin that asks for
//! permissions gets the note that it needs them accepted.

use super::*;

/// A plugin crate `dir` named `name`, built: its component, a `target/`
/// of build output, the scaffold's `.gitignore`; `permissions` appended
/// to plugin.toml.
fn built_crate(dir: &Path, name: &str, permissions: &str) {
    write(
        &dir.join("plugin.toml"),
        &format!(
            "name = \"{name}\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"tool.wasm\"\n{permissions}"
        ),
    );
    write(&dir.join("src/lib.rs"), "// the tools\n");
    write(&dir.join(".gitignore"), "/target\n*.wasm\n");
    std::fs::write(dir.join("tool.wasm"), b"\0asm").unwrap();
    for i in 0..50 {
        write(
            &dir.join(format!("target/release/deps/f{i}.d")),
            &i.to_string(),
        );
    }
}

#[test]
fn a_built_plugin_crate_is_added_without_build_output_or_gitignore() {
    let env = TestEnv::new("responses");
    let shared = tempfile::tempdir().unwrap();
    let calm = shared.path().join("calm");
    built_crate(&calm, "calm", "");
    let run = env.run(&["share", "add", calm.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("added plugin calm") && run.stdout.contains("(3 files)"),
        "{}",
        run.stdout
    );
    // It asks for nothing: it runs as is, there is nothing to accept.
    assert!(!run.stderr.contains("runs only after"), "{}", run.stderr);
    let installed = env.repo.path().join(".quire/plugins/calm");
    assert!(installed.join("tool.wasm").is_file());
    assert!(!installed.join("target").exists());
    assert!(!installed.join(".gitignore").exists());
    let lock = env.read("quire.lock");
    assert!(
        !lock.contains("target/") && !lock.contains(".gitignore"),
        "{lock}"
    );
    // Committing the installed folder commits its component.
    let ignored = git(
        env.repo.path(),
        &[
            "status",
            "--short",
            "--ignored",
            "--untracked-files=all",
            ".quire/plugins/calm",
        ],
    );
    assert!(
        ignored.contains("tool.wasm") && !ignored.contains("!!"),
        "{ignored}"
    );
    let verify = env.run(&["share", "verify"]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);

    // Built again upstream: target/ changes, what is installed does not.
    write(&calm.join("target/release/deps/new.d"), "new");
    let sync = env.run(&["share", "sync"]);
    assert_eq!(sync.code, 0, "{}{}", sync.stdout, sync.stderr);

    let asking = shared.path().join("asking");
    built_crate(&asking, "asking", "[permissions]\nenv = [\"API_TOKEN\"]\n");
    let run = env.run(&["share", "add", asking.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "note: plugin asking runs only after you accept its permissions: `quire plugins add .quire/plugins/asking`"
        ),
        "{}",
        run.stderr
    );
}
