//! sha256 digests of every file of a folder, by path relative to it
//! (`/`-separated), each followed by the file's mode as git records it:
//! `sha256:<hex> 100755` for an executable file, `sha256:<hex> 100644`
//! for any other. `.git` is left out; symlinks are refused, so what is
//! recorded is exactly what is copied.
//!
//! A digest without a mode (`sha256:<hex>`, written by quire before modes
//! were recorded) is compared by content only: an older lock reads as it
//! did, and its modes are recorded once the entry is added or updated.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::ShareError;

/// Files by relative path, each `sha256:<hex> <mode>` (or `sha256:<hex>`
/// from an older lock).
pub type Digests = BTreeMap<String, String>;

/// The mode of an executable file, as git writes it.
pub const EXECUTABLE: &str = "100755";
/// The mode of any other file.
pub const REGULAR: &str = "100644";

/// A digest's content hash, and whether its file is executable (`None`
/// for a digest written before modes were recorded).
pub fn split(digest: &str) -> (&str, Option<bool>) {
    match digest.split_once(' ') {
        Some((hash, EXECUTABLE)) => (hash, Some(true)),
        Some((hash, REGULAR)) => (hash, Some(false)),
        _ => (digest, None),
    }
}

/// Whether two digests of a file differ in content or, when both record
/// it, in mode.
pub fn differ(a: &str, b: &str) -> bool {
    let ((ha, xa), (hb, xb)) = (split(a), split(b));
    ha != hb || matches!((xa, xb), (Some(x), Some(y)) if x != y)
}

/// Whether `a` and `b` hold the same files, compared as [`differ`] does.
pub fn same(a: &Digests, b: &Digests) -> bool {
    Drift::between(a, b).is_clean()
}

/// The digests of every file under `dir`.
pub fn of_folder(dir: &Path) -> Result<Digests, ShareError> {
    of_folder_but(dir, &|_| false)
}

/// The digests of every file under `dir` but those below the top-level
/// entries `skip` names (never read).
pub fn of_folder_but(dir: &Path, skip: &dyn Fn(&str) -> bool) -> Result<Digests, ShareError> {
    let mut out = Digests::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.file_name() != ".git" && !(e.depth() == 1 && skip(&e.file_name().to_string_lossy()))
        })
    {
        let entry = entry.map_err(|e| ShareError::Io {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        let ty = entry.file_type();
        if ty.is_dir() {
            continue;
        }
        let rel = relative(dir, entry.path());
        if ty.is_symlink() {
            return Err(ShareError::NotPlain {
                path: entry.path().to_path_buf(),
                fact: link_refused(dir, entry.path()),
                advice: "shared skills and plugins must hold plain files, so copy the file there instead",
            });
        }
        if !ty.is_file() {
            return Err(ShareError::NotPlain {
                path: entry.path().to_path_buf(),
                fact: format!(
                    "{} is {}",
                    entry.path().display(),
                    crate::file_kind::name(ty)
                ),
                advice: "shared skills and plugins must hold plain files, so remove it from the folder",
            });
        }
        let meta = entry.metadata().map_err(|e| ShareError::Io {
            path: entry.path().to_path_buf(),
            message: e.to_string(),
        })?;
        out.insert(rel, with_mode(of_file(entry.path())?, &meta));
    }
    Ok(out)
}

/// `digest` followed by the mode of the file `meta` describes: executable
/// when its owner may run it (git's rule).
fn with_mode(digest: String, meta: &std::fs::Metadata) -> String {
    use std::os::unix::fs::PermissionsExt;
    let mode = match meta.permissions().mode() & 0o100 {
        0 => REGULAR,
        _ => EXECUTABLE,
    };
    format!("{digest} {mode}")
}

/// What the symbolic link `path` under `dir` is: where it points (outside
/// the folder shared, or inside it) and that it is not followed. (Neither
/// it nor a FIFO, socket or device is read: that could block or never end.)
fn link_refused(dir: &Path, path: &Path) -> String {
    let target = std::fs::read_link(path)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    // A skill's SKILL.md is judged against the skill's own folder.
    let skill_file = path
        .file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("SKILL.md"));
    let (within, what) = match path.parent() {
        Some(parent) if skill_file => (parent, "the skill's folder"),
        _ => (dir, "the folder shared"),
    };
    let place = match (std::fs::canonicalize(path), std::fs::canonicalize(within)) {
        (Ok(real), Ok(root)) if real.starts_with(&root) => format!("inside {what}"),
        (Ok(_), Ok(_)) => format!("outside {what}"),
        _ => "which does not exist".to_string(),
    };
    format!(
        "{} is a symbolic link to {target} ({place}); links are not followed",
        path.display()
    )
}

/// `sha256:<hex>` of one file, read in pieces (a big data file is never
/// held in memory whole). Drift is checked for every message, so a file
/// hashed before is not read again while it is the same file, unchanged:
/// see [`super::digest_cache`].
pub fn of_file(path: &Path) -> Result<String, ShareError> {
    let io = |e: std::io::Error| ShareError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if let Some(known) = super::digest_cache::get(path, &meta) {
        return Ok(known);
    }
    let started = std::time::SystemTime::now();
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(io)?;
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let digest = format!("sha256:{hex}");
    super::digest_cache::put(path, &meta, started, &digest);
    Ok(digest)
}

fn relative(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// How `now` differs from `locked`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drift {
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    pub added: Vec<String>,
    /// Same content, locked executable, not executable now.
    pub not_executable: Vec<String>,
    /// Same content, locked not executable, executable now.
    pub executable: Vec<String>,
    /// A file (or anything but a folder) is where the folder should be.
    pub not_a_folder: bool,
    /// The installed folder is not what the entry's kind says (a lock
    /// saying `plugin` of a skill): why.
    pub wrong_kind: Option<String>,
    /// The lock's marketplace entry (`Entry::manifest`) is not what the
    /// installed plugin.json was merged from: how.
    pub manifest: Option<String>,
    /// The installed folder cannot be read as plain files (a named pipe
    /// or a link in it): why, and what removes it.
    pub unreadable: Option<String>,
}

impl Drift {
    pub fn between(locked: &Digests, now: &Digests) -> Drift {
        let mut d = Drift::default();
        for (path, digest) in locked {
            let Some(n) = now.get(path) else {
                d.missing.push(path.clone());
                continue;
            };
            match (split(digest), split(n)) {
                ((a, _), (b, _)) if a != b => d.changed.push(path.clone()),
                ((_, Some(true)), (_, Some(false))) => d.not_executable.push(path.clone()),
                ((_, Some(false)), (_, Some(true))) => d.executable.push(path.clone()),
                _ => {}
            }
        }
        d.added = now
            .keys()
            .filter(|p| !locked.contains_key(*p))
            .cloned()
            .collect();
        d
    }

    pub fn is_clean(&self) -> bool {
        !self.not_a_folder
            && self.unreadable.is_none()
            && self.wrong_kind.is_none()
            && self.manifest.is_none()
            && self.changed.is_empty()
            && self.missing.is_empty()
            && self.added.is_empty()
            && self.not_executable.is_empty()
            && self.executable.is_empty()
    }

    /// `changed: a, b; missing: c; added: d`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.not_a_folder {
            parts.push("a file is where its folder should be".to_string());
        }
        parts.extend(
            self.unreadable
                .iter()
                .chain(&self.wrong_kind)
                .chain(&self.manifest)
                .cloned(),
        );
        for (label, list) in [
            ("changed", &self.changed),
            ("missing", &self.missing),
            ("added", &self.added),
            ("no longer executable", &self.not_executable),
            ("now executable", &self.executable),
        ] {
            if !list.is_empty() {
                parts.push(format!("{label}: {}", first_few(list)));
            }
        }
        parts.join("; ")
    }

    /// Every file that differs, changed, missing, added or in its mode,
    /// sorted: the first few named, then how many more.
    pub fn files(&self) -> String {
        let mut all: Vec<String> = [
            &self.changed,
            &self.missing,
            &self.added,
            &self.not_executable,
            &self.executable,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        all.sort();
        first_few(&all)
    }

    /// Whether replacing the installed copy loses something of the user's:
    /// changed or added files, or a file where the folder should be (a
    /// file's mode alone loses nothing: `sync` restores it).
    pub fn is_local(&self) -> bool {
        self.not_a_folder
            || self.unreadable.is_some()
            || !self.changed.is_empty()
            || !self.added.is_empty()
    }
}

/// At most this many file names in one part of [`Drift::describe`].
const LISTED: usize = 8;

/// The first [`LISTED`] of `list`, then how many more; names with
/// controls or quotes quoted ([`crate::printable::quoted_name`]).
fn first_few(list: &[String]) -> String {
    let shown = |names: &[String]| {
        names
            .iter()
            .map(|n| crate::printable::quoted_name(n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if list.len() <= LISTED {
        return shown(list);
    }
    format!(
        "{} and {} more",
        shown(&list[..LISTED]),
        list.len() - LISTED
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_drift_names_the_first_files_and_counts_the_rest() {
        let locked: Digests = (0..302)
            .map(|i| (format!("f{i:03}.txt"), "sha256:x".to_string()))
            .collect();
        let drift = Drift::between(&locked, &Digests::new());
        let text = drift.describe();
        assert!(text.starts_with("missing: f000.txt, f001.txt"), "{text}");
        assert!(text.ends_with("f007.txt and 294 more"), "{text}");
    }

    #[test]
    fn digests_cover_every_file_but_git_and_drift_is_described() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("scripts")).unwrap();
        std::fs::create_dir_all(d.join(".git")).unwrap();
        std::fs::write(d.join("SKILL.md"), "abc").unwrap();
        std::fs::write(d.join("scripts/run.sh"), "echo").unwrap();
        std::fs::write(d.join(".git/HEAD"), "x").unwrap();
        let locked = of_folder(d).unwrap();
        assert_eq!(
            locked.keys().collect::<Vec<_>>(),
            vec!["SKILL.md", "scripts/run.sh"]
        );
        // sha256("abc")
        assert_eq!(
            locked["SKILL.md"],
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 100644"
        );
        std::fs::write(d.join("SKILL.md"), "abd").unwrap();
        std::fs::remove_file(d.join("scripts/run.sh")).unwrap();
        std::fs::write(d.join("new.txt"), "n").unwrap();
        let drift = Drift::between(&locked, &of_folder(d).unwrap());
        assert_eq!(
            drift.describe(),
            "changed: SKILL.md; missing: scripts/run.sh; added: new.txt"
        );
        assert!(Drift::between(&locked, &locked).is_clean());
    }

    /// The executable bit is part of a file's digest, as in git; a digest
    /// of an older lock, without a mode, is compared by content only.
    #[test]
    fn a_lost_executable_bit_is_drift_but_not_in_an_older_lock() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let run = dir.path().join("run.sh");
        std::fs::write(&run, "echo").unwrap();
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o755)).unwrap();
        let locked = of_folder(dir.path()).unwrap();
        assert!(locked["run.sh"].ends_with(" 100755"), "{locked:?}");
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o644)).unwrap();
        let now = of_folder(dir.path()).unwrap();
        let drift = Drift::between(&locked, &now);
        assert_eq!(drift.describe(), "no longer executable: run.sh");
        assert!(!drift.is_local() && !same(&locked, &now));
        assert_eq!(
            Drift::between(&now, &locked).describe(),
            "now executable: run.sh"
        );
        let older: Digests = locked
            .iter()
            .map(|(k, v)| (k.clone(), split(v).0.to_string()))
            .collect();
        assert!(same(&older, &now) && same(&now, &older));
    }

    #[test]
    fn symlinks_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), "x").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("link")).unwrap();
        let err = of_folder(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("is a symbolic link to /etc/passwd (outside the folder shared)")
                && err.contains("not followed"),
            "{err}"
        );
    }
}
