//! Embeds the plugin SDK (`sdk/`) for `quire plugins new`: the SDK is not
//! published, so a new plugin crate gets a copy of it (`quire-sdk/` inside
//! the crate) and builds as generated, anywhere. Writes
//! `$OUT_DIR/sdk_files.rs`: `FILES` (the SDK's `src/`, `wit/` and README,
//! as `include_str!`), `CARGO_TOML` (its manifest with the workspace's
//! values filled in, so it builds outside this workspace) and `LOCK` (the
//! example plugins' Cargo.lock: dependency versions known to build).

use std::path::Path;

use toml::{Table, Value};

/// Writes the file; panics naming the problem (the SDK is part of the
/// source, so a problem is a build error).
pub fn generate(manifest: &Path, out_dir: &Path) {
    let root = manifest.join("..");
    let sdk = root.join("sdk");
    let mut files = Vec::new();
    for part in ["src", "wit"] {
        let dir = sdk.join(part);
        println!("cargo:rerun-if-changed={}", dir.display());
        super::collect(&sdk, &dir, &mut files);
    }
    files.push(("README.md".to_owned(), sdk.join("README.md"), false));
    files.sort();
    let mut out = String::from(
        "/// (path relative to the SDK's folder, contents)\npub static FILES: &[(&str, &str)] = &[\n",
    );
    for (rel, abs, _) in &files {
        println!("cargo:rerun-if-changed={}", abs.display());
        out.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    out.push_str("];\n");
    let cargo = standalone_manifest(&sdk.join("Cargo.toml"), &root.join("Cargo.toml"));
    out.push_str(&format!(
        "/// The SDK's Cargo.toml, outside any workspace.\npub const CARGO_TOML: &str = {cargo:?};\n"
    ));
    let lock = root.join("examples/plugins/Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let lock_text = read(&lock);
    out.push_str(&format!(
        "/// Dependency versions the SDK builds with (the example plugins' lock).\npub const LOCK: &str = {lock_text:?};\n"
    ));
    let dest = out_dir.join("sdk_files.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

fn read(path: &Path) -> String {
    println!("cargo:rerun-if-changed={}", path.display());
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The SDK's manifest with every `KEY.workspace = true` of `[package]`
/// replaced by the workspace's value and `[lints]` (inherited) dropped.
fn standalone_manifest(sdk_manifest: &Path, root_manifest: &Path) -> String {
    let parse = |path: &Path| -> Table {
        toml::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let mut sdk = parse(sdk_manifest);
    let root = parse(root_manifest);
    let inherited = root
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_default();
    let Some(Value::Table(package)) = sdk.get_mut("package") else {
        panic!("{}: no [package]", sdk_manifest.display());
    };
    for (key, value) in package.iter_mut() {
        let from_workspace = value
            .get("workspace")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if from_workspace {
            *value = inherited.get(key).cloned().unwrap_or_else(|| {
                panic!(
                    "{}: no workspace value for package.{key}",
                    root_manifest.display()
                )
            });
        }
    }
    package.insert("publish".into(), Value::Boolean(false));
    sdk.remove("lints");
    let text = toml::to_string(&sdk).unwrap_or_else(|e| panic!("quire-sdk manifest: {e}"));
    format!("# quire-sdk, copied by `quire plugins new` (it is not on crates.io).\n{text}")
}
