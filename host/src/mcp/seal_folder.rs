//! A folder outside the repository that a server's search-path variable
//! names (`PYTHONPATH = "/opt/tools"`, `NODE_PATH`, `LD_LIBRARY_PATH`…,
//! [`seal_env::folder_paths`](super::seal_env::folder_paths)): the
//! program imports or loads its files before its own, and a sandboxed
//! command may be able to write there. So for [`super::seal`] every file
//! it holds is sealed, by its real path, as an outside file a command
//! names is (`hooks::outside`); never a system folder (`/usr`, `/proc`…).
//! A folder too big to seal ([`MAX_FILES`], [`MAX_BYTES`]) is a reason
//! not to start the server at all, which the warning says.

use std::collections::BTreeMap;
use std::path::Path;

use crate::hooks::trust as hook_trust;

/// At most this many files of one outside folder are sealed.
pub const MAX_FILES: usize = 2000;
/// At most this many bytes of one outside folder are sealed.
pub const MAX_BYTES: u64 = 64 << 20;
const MAX_DEPTH: usize = 16;

/// Seals into `out` every regular file of `path` when it is a folder
/// outside `root` (by real path) that is not a system one. `Err` says why
/// the folder cannot be sealed (too big), in words.
pub fn add(root: &Path, path: &Path, out: &mut BTreeMap<String, String>) -> Result<(), String> {
    let Ok(real) = path.canonicalize() else {
        return Ok(());
    };
    if real.starts_with(root) || !real.is_dir() || !crate::hooks::outside::sealable_place(&real) {
        return Ok(());
    }
    let mut found = BTreeMap::new();
    let (mut files, mut bytes) = (0usize, 0u64);
    let walk = walkdir::WalkDir::new(&real)
        .follow_links(false)
        .max_depth(MAX_DEPTH)
        .sort_by_file_name();
    for entry in walk.into_iter().filter_map(Result::ok) {
        let Ok(file) = entry.path().canonicalize() else {
            continue;
        };
        if !file.is_file() {
            continue;
        }
        files += 1;
        bytes += file.metadata().map_or(0, |m| m.len());
        if files > MAX_FILES || bytes > MAX_BYTES {
            return Err(format!(
                "{} (named by a loader variable of its `env`) lies outside the repository and holds more than {MAX_FILES} files or {} MiB, too many to seal against a change; point the variable at a smaller folder or inside the repository",
                real.display(),
                MAX_BYTES >> 20
            ));
        }
        if let Some(digest) = hook_trust::file_hash(&file) {
            found.insert(entry.path().display().to_string(), digest);
        }
    }
    out.extend(found);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outside_folder_is_sealed_file_by_file_within_bounds() {
        let repo = tempfile::tempdir().unwrap();
        let root = repo.path().canonicalize().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let dir = outside.path().canonicalize().unwrap();
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("mod.py"), "x = 1\n").unwrap();
        std::fs::write(dir.join("pkg/__init__.py"), "").unwrap();
        let mut out = BTreeMap::new();
        add(&root, &dir, &mut out).unwrap();
        assert!(
            out.contains_key(&dir.join("mod.py").display().to_string()),
            "{out:?}"
        );
        assert!(
            out.contains_key(&dir.join("pkg/__init__.py").display().to_string()),
            "{out:?}"
        );
        // Inside the repository, a file, a system folder: not this module's.
        let mut none = BTreeMap::new();
        add(&root, &root, &mut none).unwrap();
        add(&root, &dir.join("mod.py"), &mut none).unwrap();
        add(&root, Path::new("/usr/lib"), &mut none).unwrap();
        assert!(none.is_empty(), "{none:?}");
        for i in 0..=MAX_FILES {
            std::fs::write(dir.join(format!("f{i}")), "").unwrap();
        }
        let err = add(&root, &dir, &mut BTreeMap::new()).unwrap_err();
        assert!(err.contains("more than 2000 files"), "{err}");
    }
}
