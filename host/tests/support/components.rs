//! Reading WebAssembly components without running them: which interfaces a
//! component imports and exports (top level only), and where the example
//! plugins are.

use std::path::{Path, PathBuf};

use wasmparser::{Parser, Payload};

/// The interface the host calls: every plugin component exports it.
pub const TOOLS_EXPORT: &str = "quire:plugin/tools@0.2.0";
/// The hooks export of the SDK's world (0.2.0 on).
pub const HOOKS_EXPORT: &str = "quire:plugin/hooks@0.2.0";
/// The tools export of the first world, 0.1.0 (py-calc stays on it).
pub const TOOLS_EXPORT_0_1: &str = "quire:plugin/tools@0.1.0";

/// The example plugins, as folders under `examples/plugins/`.
pub const EXAMPLES: &[&str] = &[
    "word-count",
    "fs-search",
    "http-get",
    "rm-guard",
    "rs-tidy",
    "py-calc",
];

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host/ has a parent")
        .to_path_buf()
}

/// The folder of an example plugin.
pub fn example_dir(name: &str) -> PathBuf {
    repo_root().join("examples/plugins").join(name)
}

/// The top-level imports and exports of a component, by name.
#[derive(Debug, Default)]
pub struct Interfaces {
    pub imports: Vec<String>,
    pub exports: Vec<String>,
}

impl Interfaces {
    /// Whether some import starts with `prefix` (e.g. `wasi:http/`).
    pub fn imports_any(&self, prefix: &str) -> bool {
        self.imports.iter().any(|i| i.starts_with(prefix))
    }
}

/// Parses `bytes` as a component; nested modules and components are
/// skipped.
pub fn interfaces(bytes: &[u8]) -> Result<Interfaces, String> {
    let mut out = Interfaces::default();
    let mut depth = 0usize;
    let mut is_component = false;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| e.to_string())? {
            Payload::Version { encoding, .. } if depth == 0 => {
                is_component = encoding == wasmparser::Encoding::Component;
            }
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    out.imports
                        .push(import.map_err(|e| e.to_string())?.name.name.to_owned());
                }
            }
            Payload::ComponentExportSection(reader) if depth == 0 => {
                for export in reader {
                    out.exports
                        .push(export.map_err(|e| e.to_string())?.name.name.to_owned());
                }
            }
            _ => {}
        }
    }
    if !is_component {
        return Err("a core WebAssembly module, not a component".into());
    }
    Ok(out)
}
