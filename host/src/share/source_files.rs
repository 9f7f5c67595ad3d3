//! What of a source folder `share add` installs (and `sync` restores):
//! all of it but `.git/`, and for a WASM plugin what `quire plugins add`
//! leaves out too: its build output (`target/`, unless a `${plugin}/…`
//! grant names it) and its `.gitignore` (a `plugins new` crate's ignores
//! `*.wasm`: the installed folder, committed, would lack its component).

use std::path::Path;

use super::ShareError;
use super::digest::{self, Digests};
use super::lock::Kind;
use crate::plugins::folder_copy;
use crate::plugins::manifest::{self, MANIFEST_FILE};

/// The digests of the files of `dir`, a source of `kind`, to install.
pub fn of_source(kind: Kind, dir: &Path) -> Result<Digests, ShareError> {
    if kind != Kind::Plugin {
        return digest::of_folder(dir);
    }
    // A manifest that does not load keeps nothing: detection already
    // refused it, and no grant can name a folder.
    let keep = manifest::load(&dir.join(MANIFEST_FILE))
        .map(|m| folder_copy::granted_folders(&m))
        .unwrap_or_default();
    digest::of_folder_but(dir, &|name| folder_copy::left_out(name, &keep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plugin_s_build_output_and_gitignore_stay_out_a_skill_s_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("target/release")).unwrap();
        std::fs::create_dir_all(d.join("src/target")).unwrap();
        std::fs::write(d.join("target/release/big"), "x").unwrap();
        std::fs::write(d.join("src/target/kept"), "x").unwrap();
        std::fs::write(d.join(".gitignore"), "/target\n*.wasm\n").unwrap();
        std::fs::write(d.join("p.wasm"), "w").unwrap();
        std::fs::write(
            d.join(MANIFEST_FILE),
            "name = \"p\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"p.wasm\"\n",
        )
        .unwrap();
        let files = of_source(Kind::Plugin, d).unwrap();
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(names, ["p.wasm", "plugin.toml", "src/target/kept"]);
        let all = of_source(Kind::Skill, d).unwrap();
        assert!(all.contains_key("target/release/big") && all.contains_key(".gitignore"));

        // A `${plugin}/target/…` grant keeps the folder.
        std::fs::write(
            d.join(MANIFEST_FILE),
            "name = \"p\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"p.wasm\"\n[permissions]\nfs = [{ path = \"${plugin}/target/data\", access = \"ro\" }]\n",
        )
        .unwrap();
        let files = of_source(Kind::Plugin, d).unwrap();
        assert!(files.contains_key("target/release/big"), "{files:?}");
        assert!(!files.contains_key(".gitignore"));
    }
}
