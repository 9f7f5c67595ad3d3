//! `quire plugins new NAME`: writes a plugin crate that uses `quire-sdk`
//! and builds as generated (`cargo build --release --target wasm32-wasip2`).
//!
//! Where `quire-sdk` comes from: when the new plugin's folder is inside a
//! checkout of quire (an ancestor holds `sdk/Cargo.toml` of `quire-sdk`),
//! the crate depends on that SDK by relative path, so plugins written next
//! to quire's source build against exactly that source. Anywhere else the
//! SDK this quire was built with (embedded in the binary; it is not on
//! crates.io) is written into the crate as `quire-sdk/` and used by path.
//! Either way a `Cargo.lock` pins the dependency versions the SDK is built
//! with. [`new_plugin_with`] picks the source explicitly.

use std::fs;
use std::path::{Component, Path, PathBuf};

mod embedded_sdk;
mod template;

/// Why a plugin crate could not be created.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error(
        "`{name}` is not a valid plugin name: use 1 to 64 lowercase letters, digits, `-` or `_`, starting with a letter{hint}"
    )]
    InvalidName { name: String, hint: &'static str },
    #[error("{0}")]
    Refused(String),
    #[error("{} already exists; choose another name or remove it first", path.display())]
    Exists { path: PathBuf },
    #[error("could not write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Where the generated crate gets `quire-sdk` from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SdkSource {
    /// A local SDK folder (the `sdk/` of a quire checkout).
    Path(PathBuf),
    /// The SDK embedded in this binary, written into the new crate as
    /// `quire-sdk/`.
    Embedded,
}

/// Creates the plugin crate `parent_dir/name` (Cargo.toml, src/lib.rs with
/// one example tool, plugin.toml, README.md, .gitignore) and returns its
/// folder. The SDK comes from [`sdk_source_for`] `parent_dir`.
pub fn new_plugin(parent_dir: &Path, name: &str) -> Result<PathBuf, ScaffoldError> {
    check_name(name)?;
    let sdk = sdk_source_for(parent_dir);
    new_plugin_with(parent_dir, name, &sdk)
}

/// [`new_plugin`] with the SDK source given.
pub fn new_plugin_with(
    parent_dir: &Path,
    name: &str,
    sdk: &SdkSource,
) -> Result<PathBuf, ScaffoldError> {
    check_name(name)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ScaffoldError::Io { path, source }
    };
    fs::create_dir_all(parent_dir).map_err(io(parent_dir))?;
    let parent = parent_dir.canonicalize().map_err(io(parent_dir))?;
    let dir = parent.join(name);
    if dir.exists() {
        return Err(ScaffoldError::Exists { path: dir });
    }
    let dependency = match sdk {
        SdkSource::Path(sdk_dir) => {
            let sdk_dir = sdk_dir.canonicalize().map_err(io(sdk_dir))?;
            let rel = relative_path(&dir, &sdk_dir);
            format!("{{ path = {} }}", toml_string(&rel.to_string_lossy()))
        }
        SdkSource::Embedded => format!("{{ path = {} }}", toml_string(embedded_sdk::FOLDER)),
    };
    let mut files = template::files(name, &dependency, sdk == &SdkSource::Embedded);
    if sdk == &SdkSource::Embedded {
        files.extend(embedded_sdk::files());
    }
    for (file, text) in files {
        let path = dir.join(file);
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder).map_err(io(folder))?;
        }
        fs::write(&path, text.as_ref()).map_err(io(&path))?;
    }
    tracing::debug!(plugin = name, dir = %dir.display(), "created plugin crate");
    Ok(dir)
}

/// The SDK a new plugin under `dir` should use: the `sdk/` folder of the
/// quire checkout `dir` is in, else the SDK embedded in this binary.
pub fn sdk_source_for(dir: &Path) -> SdkSource {
    let start = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    for ancestor in start.ancestors() {
        let sdk = ancestor.join("sdk");
        let is_sdk = fs::read_to_string(sdk.join("Cargo.toml"))
            .is_ok_and(|t| t.lines().any(|l| l.trim() == r#"name = "quire-sdk""#));
        if is_sdk {
            return SdkSource::Path(sdk);
        }
    }
    SdkSource::Embedded
}

/// The plugin-name rule of `plugin.toml`, plus what Cargo refuses as a
/// package name.
fn check_name(name: &str) -> Result<(), ScaffoldError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        return Err(ScaffoldError::InvalidName {
            name: name.to_owned(),
            hint: "",
        });
    }
    if RESERVED.contains(&name.replace('-', "_").as_str()) {
        return Err(ScaffoldError::InvalidName {
            name: name.to_owned(),
            hint: " (and not a Rust keyword or built-in crate name)",
        });
    }
    // What plugin.toml refuses (`__`, a trailing `_`, `mcp`), said as it
    // says it: a crate made under such a name would never load.
    if let Err(reason) = super::manifest::check_name(name) {
        return Err(ScaffoldError::Refused(
            reason.replace(" in plugin.toml", ""),
        ));
    }
    Ok(())
}

/// Names Cargo refuses for a package: Rust keywords and built-in crates.
const RESERVED: &[&str] = &[
    "abstract",
    "alloc",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "const",
    "continue",
    "core",
    "crate",
    "do",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "proc_macro",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "std",
    "struct",
    "super",
    "test",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
];

/// `to` relative to `from` (both absolute and canonical).
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return to.iter().collect();
    }
    let mut rel = PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    rel.extend(&to[common..]);
    rel
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests;
