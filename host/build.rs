//! Embeds the top-level `skills/` folder (the bundled skills) into the
//! binary: writes `$OUT_DIR/bundled_skills.rs` with one `include_bytes!`
//! per file, and `CONTENT_HASH`, a hash of every path, mode and content
//! (so a start-up does not hash the embedded files again). Also turns the
//! selection vocabulary into static tables ([`vocabulary`]) and embeds the
//! plugin SDK for `quire plugins new` ([`sdk`]).

use std::path::{Path, PathBuf};

#[path = "build/sdk.rs"]
mod sdk;
#[path = "build/vocabulary.rs"]
mod vocabulary;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    vocabulary::generate(&manifest, &out_dir);
    sdk::generate(&manifest, &out_dir);
    let root = manifest.join("..").join("skills");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut hash = Fnv::default();
    let mut out = String::from(
        "/// (path relative to `skills/`, contents, executable)\npub static FILES: &[(&str, &[u8], bool)] = &[\n",
    );
    for (rel, abs, exec) in &files {
        println!("cargo:rerun-if-changed={}", abs.display());
        let contents = std::fs::read(abs).unwrap_or_default();
        hash.feed(rel.as_bytes());
        hash.feed(&[0, u8::from(*exec)]);
        hash.feed(&(contents.len() as u64).to_le_bytes());
        hash.feed(&contents);
        out.push_str(&format!(
            "    ({rel:?}, include_bytes!({:?}), {exec}),\n",
            abs.display().to_string()
        ));
    }
    out.push_str("];\n");
    out.push_str(&format!(
        "/// A hash of every path, mode and content above.\npub const CONTENT_HASH: &str = \"{:016x}\";\n",
        hash.0
    ));
    let dest = out_dir.join("bundled_skills.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf, bool)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            collect(root, &path, out);
        } else if meta.is_file() {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path.canonicalize().unwrap_or(path), executable(&meta)));
        }
    }
}

#[cfg(unix)]
fn executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn executable(_: &std::fs::Metadata) -> bool {
    false
}

/// FNV-1a, 64 bits: names a version of the bundled skills (not adversarial).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
