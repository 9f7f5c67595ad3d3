//! `quire plugins new`: the generated crate builds as generated with
//! `cargo build --release --target wasm32-wasip2` into a component that
//! exports the tools interface. (Needs the wasm32-wasip2 target, which
//! `scripts/test` installs.)
use crate::support::components;
use crate::support::quire::TestEnv;

use std::process::Command;

use components::{HOOKS_EXPORT, TOOLS_EXPORT, interfaces, repo_root};
use quire::plugins::scaffold::{SdkSource, new_plugin_with};

#[test]
fn a_generated_plugin_builds_into_a_component() {
    let tmp = tempfile::tempdir().unwrap();
    let root = repo_root();
    let dir = new_plugin_with(
        tmp.path(),
        "hello-plugin",
        &SdkSource::Path(root.join("sdk")),
    )
    .unwrap();
    // Same dependency versions and target dir as the examples: the build
    // reuses what examples/plugins/build.sh compiled.
    std::fs::copy(
        root.join("examples/plugins/Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
    let target_dir = root.join("target/plugins");
    let out = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--release", "--target", "wasm32-wasip2"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let wasm = std::fs::read(target_dir.join("wasm32-wasip2/release/hello_plugin.wasm")).unwrap();
    let found = interfaces(&wasm).unwrap();
    assert_eq!(found.exports, [TOOLS_EXPORT, HOOKS_EXPORT]);
    assert!(found.imports_any("quire:plugin/log@0.2.0"), "{found:?}");
}

/// `quire plugins new` outside a quire checkout (no SDK nearby, and the
/// SDK is not on crates.io): the crate carries its own copy of the SDK and
/// builds as generated, with no network.
#[test]
fn a_plugin_made_by_the_binary_outside_a_checkout_builds_offline() {
    let env = TestEnv::new("responses");
    let out = env
        .command(&["plugins", "new", "hostile"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = env.repo_path().join("hostile");
    assert!(dir.join("quire-sdk/Cargo.toml").is_file());
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("`quire-sdk/`"), "{readme}");

    // The examples' target dir: the dependencies compiled there are reused.
    let target_dir = repo_root().join("target/plugins");
    let out = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--release", "--target", "wasm32-wasip2"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("CARGO_NET_OFFLINE", "true")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo build of the generated crate failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wasm = std::fs::read(target_dir.join("wasm32-wasip2/release/hostile.wasm")).unwrap();
    let found = interfaces(&wasm).unwrap();
    assert_eq!(found.exports, [TOOLS_EXPORT, HOOKS_EXPORT]);
}
