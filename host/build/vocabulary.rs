//! Turns the selection vocabulary (`src/skills/select/vocabulary.toml`)
//! into static Rust tables (`$OUT_DIR/vocabulary.rs`), so a start does not
//! parse TOML: parsing the 10 KB table took a third of a warm `quire exec`
//! start's instructions. `skills::select::vocab` builds its maps from
//! these tables; a test there checks they equal a parse of the file.

use std::fmt::Write as _;
use std::path::Path;

use toml::Value;

/// Writes the tables; panics with the file and the problem when the file
/// is not a vocabulary (it is part of the source, so that is a build error).
pub fn generate(manifest: &Path, out_dir: &Path) {
    let file = manifest.join("src/skills/select/vocabulary.toml");
    println!("cargo:rerun-if-changed={}", file.display());
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let mut code = tables(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut hash = super::Fnv::default();
    hash.feed(text.as_bytes());
    // The code that turns a skill's text into terms is in the same folder:
    // a cache made by another version of it is stale too (the crate's
    // version does not change between builds of main).
    for code_file in selection_code(&manifest.join("src/skills/select")) {
        println!("cargo:rerun-if-changed={}", code_file.display());
        let name = code_file.file_name().unwrap_or_default();
        hash.feed(name.as_encoded_bytes());
        hash.feed(&std::fs::read(&code_file).unwrap_or_default());
    }
    code.push_str(&format!(
        "/// A hash of the vocabulary file and the selection code: indexes cached with another are stale.\npub const TEXT_HASH: u64 = {:#018x};\n",
        hash.0
    ));
    let dest = out_dir.join("vocabulary.rs");
    if let Err(e) = std::fs::write(&dest, code) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

/// The selection's Rust files (not its subfolders), in a stable order
/// (hashed by file name and contents, so the hash is the same wherever the
/// repository is cloned).
fn selection_code(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn tables(text: &str) -> Result<String, String> {
    let table: toml::Table = text.parse().map_err(|e| format!("{e}"))?;
    let mut out = String::new();
    for (key, value) in &table {
        match key.as_str() {
            "caps_only" | "weak" | "common" => {
                let list = strings(value, key)?;
                let _ = writeln!(
                    out,
                    "pub static {}: &[&str] = &{list:?};",
                    key.to_uppercase()
                );
            }
            "same" => {
                out.push_str("pub static SAME: &[(&[&str], bool)] = &[\n");
                for (n, entry) in array(value, key)?.iter().enumerate() {
                    let at = format!("[[same]] number {}", n + 1);
                    let t = entry.as_table().ok_or(format!("{at}: not a table"))?;
                    only(t, &["terms", "absorb"], &at)?;
                    let terms = strings(t.get("terms").ok_or(format!("{at}: no terms"))?, &at)?;
                    let absorb = flag(t, "absorb", &at)?;
                    let _ = writeln!(out, "    (&{terms:?}, {absorb}),");
                }
                out.push_str("];\n");
            }
            "sense" => {
                out.push_str("pub static SENSES: &[(&str, &[&str], &[&str], bool)] = &[\n");
                for (n, entry) in array(value, key)?.iter().enumerate() {
                    let at = format!("[[sense]] number {}", n + 1);
                    let t = entry.as_table().ok_or(format!("{at}: not a table"))?;
                    only(t, &["word", "when", "means", "drop"], &at)?;
                    let word = t
                        .get("word")
                        .and_then(Value::as_str)
                        .ok_or(format!("{at}: no word"))?;
                    let when = strings(t.get("when").ok_or(format!("{at}: no when"))?, &at)?;
                    let means = match t.get("means") {
                        Some(v) => strings(v, &at)?,
                        None => Vec::new(),
                    };
                    let drop = flag(t, "drop", &at)?;
                    let _ = writeln!(out, "    ({word:?}, &{when:?}, &{means:?}, {drop}),");
                }
                out.push_str("];\n");
            }
            "extensions" => {
                let t = value.as_table().ok_or("[extensions] is not a table")?;
                out.push_str("pub static EXTENSIONS: &[(&str, &str)] = &[\n");
                for (ext, langs) in t {
                    let langs = langs
                        .as_str()
                        .ok_or(format!("[extensions] {ext}: not a string"))?;
                    let _ = writeln!(out, "    ({ext:?}, {langs:?}),");
                }
                out.push_str("];\n");
            }
            other => return Err(format!("unknown key `{other}`")),
        }
    }
    for (name, ty) in [
        ("caps_only", "&[&str]"),
        ("weak", "&[&str]"),
        ("common", "&[&str]"),
        ("same", "&[(&[&str], bool)]"),
        ("sense", "&[(&str, &[&str], &[&str], bool)]"),
        ("extensions", "&[(&str, &str)]"),
    ] {
        if !table.contains_key(name) {
            let upper = if name == "sense" { "SENSES" } else { name };
            let _ = writeln!(out, "pub static {}: {ty} = &[];", upper.to_uppercase());
        }
    }
    Ok(out)
}

fn array<'a>(value: &'a Value, at: &str) -> Result<&'a Vec<Value>, String> {
    value.as_array().ok_or(format!("{at}: not an array"))
}

fn strings(value: &Value, at: &str) -> Result<Vec<String>, String> {
    array(value, at)?
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .ok_or(format!("{at}: {v} is not a string"))
        })
        .collect()
}

fn flag(t: &toml::Table, key: &str, at: &str) -> Result<bool, String> {
    match t.get(key) {
        None => Ok(false),
        Some(v) => v
            .as_bool()
            .ok_or(format!("{at}: {key} is not true or false")),
    }
}

fn only(t: &toml::Table, keys: &[&str], at: &str) -> Result<(), String> {
    match t.keys().find(|k| !keys.contains(&k.as_str())) {
        Some(k) => Err(format!("{at}: unknown key `{k}`")),
        None => Ok(()),
    }
}
