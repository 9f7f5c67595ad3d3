//! Builds the guest crates under `host/tests/guests/` from source for
//! `wasm32-wasip2` in release mode, once per test process. Cargo keeps the
//! artefacts in `target/guests`, so later runs only check freshness.
//!
//! Needs `rustup target add wasm32-wasip2` (scripts/test does it).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The target folder of the guests (also holds the test compile cache).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => PathBuf::from(d).join("guests"),
        None => root().join("target").join("guests"),
    }
}

/// The component built from `host/tests/guests/<name>`.
pub fn build(name: &str) -> PathBuf {
    static BUILT: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let mut built = built.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = built.get(name) {
        return p.clone();
    }
    let manifest = root()
        .join("host/tests/guests")
        .join(name)
        .join("Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--quiet", "--release", "--locked"])
        .args(["--target", "wasm32-wasip2"])
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(target_dir())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "building guest {name} failed (is the wasm32-wasip2 target installed? `rustup target add wasm32-wasip2`):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wasm = target_dir()
        .join("wasm32-wasip2/release")
        .join(format!("{}.wasm", name.replace('-', "_")));
    assert!(wasm.is_file(), "no component at {}", wasm.display());
    built.insert(name.to_string(), wasm.clone());
    wasm
}

/// Writes a plugin folder `dir` holding a copy of `wasm` and a plugin.toml
/// for `name` with `extra` appended (permissions, limits).
pub fn plugin_dir(dir: &Path, name: &str, wasm: &Path, extra: &str) -> PathBuf {
    std::fs::create_dir_all(dir).expect("plugin dir");
    std::fs::copy(wasm, dir.join("plugin.wasm")).expect("copy component");
    std::fs::write(
        dir.join("plugin.toml"),
        format!(
            "name = \"{name}\"\nversion = \"0.1.0\"\ndescription = \"test plugin {name}\"\ncomponent = \"plugin.wasm\"\n{extra}\n"
        ),
    )
    .expect("write plugin.toml");
    dir.to_path_buf()
}

/// The component of example plugin `name` (`examples/plugins/<name>`),
/// built from source like `examples/plugins/build.sh` does (into
/// `target/plugins`), once per test process.
pub fn build_example(name: &str) -> PathBuf {
    static BUILT: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let mut built = built.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = built.get(name) {
        return p.clone();
    }
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => PathBuf::from(d).join("plugins"),
        None => root().join("target").join("plugins"),
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--quiet", "--release", "--locked", "-p", name])
        .args(["--target", "wasm32-wasip2"])
        .arg("--manifest-path")
        .arg(root().join("examples/plugins/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "building example {name} failed (is the wasm32-wasip2 target installed? `rustup target add wasm32-wasip2`):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wasm = target
        .join("wasm32-wasip2/release")
        .join(format!("{}.wasm", name.replace('-', "_")));
    assert!(wasm.is_file(), "no component at {}", wasm.display());
    built.insert(name.to_string(), wasm.clone());
    wasm
}

const MARK: &[u8] = b"odd-list-mode=schema            ";

/// A plugin folder (its `list-tools` gone wrong: `schema`, `spin`) `dir` named `name` holding the odd-list guest in
/// `mode` (its mode bytes patched in a copy), with `extra` in plugin.toml.
pub fn odd_plugin(dir: &Path, name: &str, mode: &str, extra: &str) -> PathBuf {
    let mut wasm = std::fs::read(build("odd-list")).unwrap();
    let at = wasm
        .windows(MARK.len())
        .position(|w| w == MARK)
        .expect("mode mark in odd_list.wasm");
    let mark = format!("{:<32}", format!("odd-list-mode={mode}"));
    wasm[at..at + MARK.len()].copy_from_slice(mark.as_bytes());
    let tmp = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(tmp.path(), wasm).unwrap();
    plugin_dir(dir, name, tmp.path(), extra)
}
