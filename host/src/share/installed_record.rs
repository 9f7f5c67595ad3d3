//! What `quire share` installed into each folder: the digests of the files
//! it wrote, kept outside the repository (in `$QUIRE_HOME/state/share`,
//! one file per install folder). `sync` compares an installed folder with
//! this record to tell files quire installed from an older lock (a
//! teammate's `share update` pulled in) from the user's own edits: the
//! former are replaced silently, the latter only with `--force`.
//!
//! A missing or unreadable record means "not known": the folder is
//! treated as edited, as before records existed.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::digest::Digests;

#[derive(serde::Serialize, serde::Deserialize)]
struct Record {
    installed: PathBuf,
    files: Digests,
}

/// The record's file for the install folder `installed`.
fn file(records: &Path, installed: &Path) -> PathBuf {
    let key = std::fs::canonicalize(installed).unwrap_or_else(|_| installed.to_path_buf());
    let hash = Sha256::digest(key.as_os_str().as_encoded_bytes());
    let hex: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    records.join(format!("{hex}.json"))
}

/// Records that `files` were just installed into `installed`. A record
/// that cannot be written is logged: sync then asks for --force.
pub fn save(records: &Path, installed: &Path, files: &Digests) {
    let record = Record {
        installed: std::fs::canonicalize(installed).unwrap_or_else(|_| installed.to_path_buf()),
        files: files.clone(),
    };
    let path = file(records, installed);
    let written = std::fs::create_dir_all(records).and_then(|()| {
        let text = serde_json::to_vec(&record).map_err(std::io::Error::other)?;
        let tmp = path.with_extension(format!("json.{}", std::process::id()));
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &path)
    });
    if let Err(e) = written {
        tracing::warn!(path = %path.display(), "cannot record installed files: {e}");
    }
}

/// The digests last installed into `installed`, when recorded.
pub fn load(records: &Path, installed: &Path) -> Option<Digests> {
    let path = file(records, installed);
    let text = crate::file_kind::read_to_string(&path).ok()?;
    let record: Record = serde_json::from_str(&text).ok()?;
    let here = std::fs::canonicalize(installed).unwrap_or_else(|_| installed.to_path_buf());
    (record.installed == here).then_some(record.files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_read_back_for_its_folder_only() {
        let tmp = tempfile::tempdir().unwrap();
        let (records, a, b) = (
            tmp.path().join("r"),
            tmp.path().join("a"),
            tmp.path().join("b"),
        );
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let mut files = Digests::new();
        files.insert("SKILL.md".into(), "sha256:00".into());
        save(&records, &a, &files);
        assert_eq!(load(&records, &a), Some(files));
        assert_eq!(load(&records, &b), None);
    }
}
