//! What a trusted repository's settings were when the user trusted it.
//!
//! `.quire/config.toml` (the sandbox, the approval policy, providers) and
//! `.mcp.json` (programs started unconfined) are files inside the
//! workspace, which a sandboxed command may write. Trusting a repository
//! therefore records their content; when either has changed since (or
//! appeared), the repository's settings are not used until the user
//! trusts it again, so a command cannot turn the next session's sandbox
//! off. Its hooks are another matter: each is approved by hash, and a
//! guard changed or gone since its approval blocks what it guarded
//! (`hooks::approved_before`, `hooks::gone_guards`), so they keep their
//! approvals meanwhile (`Config::project_hooks_trusted`) — hooks declared
//! in a changed `.quire/config.toml` included, as they are read from
//! `.claude/settings.json`, whose seal (`config::claude_seal`) covers only
//! what it widens (allow rules, env, a widening mode). Were they off, writing a
//! space into `.mcp.json` would switch every guard of the repository off
//! for the next session. The records live in `$QUIRE_HOME/trusted_settings.json`, outside
//! every workspace. A repository trusted before records existed (or
//! through a trusted parent folder) is recorded the first time it is
//! loaded. The files the repository's MCP servers run are recorded at the
//! same time, per server (`mcp::seal`): a changed one stops only its
//! server.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The settings files whose change needs trust again, relative to the
/// repository root.
pub const SEALED: &[&str] = &[".quire/config.toml", ".mcp.json"];

const FILE: &str = "trusted_settings.json";

/// By repository (canonical path): file → sha256 of its content.
type Records = BTreeMap<String, BTreeMap<String, String>>;

fn store(home: &Path) -> PathBuf {
    home.join(FILE)
}

pub(crate) fn key(root: &Path) -> String {
    super::trust::canonical(root).display().to_string()
}

/// The sealed files of `root` that exist, with their content's hash.
fn fingerprint(root: &Path) -> BTreeMap<String, String> {
    fingerprint_of(root, SEALED)
}

/// The files `rels` of `root` that exist, with their content's hash. A
/// file that cannot be read counts with a hash of its error, so it is
/// never taken as unchanged.
pub(crate) fn fingerprint_of(root: &Path, rels: &[&str]) -> BTreeMap<String, String> {
    rels.iter()
        .filter_map(|rel| {
            let path = root.join(rel);
            let digest = match crate::file_kind::read(&path) {
                Ok(bytes) => Sha256::digest(&bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
                Err(e) => Sha256::digest(e.to_string().as_bytes()),
            };
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            Some((rel.to_string(), hex))
        })
        .collect()
}

fn load(home: &Path) -> Result<Records, String> {
    read_store(
        &store(home),
        "delete it to record the trusted repositories' settings again",
    )
}

fn save(home: &Path, records: &Records) -> Result<(), String> {
    write_store(&store(home), records)
}

/// A JSON file of records under `$QUIRE_HOME` (empty when missing); one
/// that does not parse is an error naming it, then `fix`.
pub(crate) fn read_store<T>(path: &Path, fix: &str) -> Result<T, String>
where
    T: serde::de::DeserializeOwned + Default,
{
    match std::fs::read_to_string(path) {
        Ok(text) => {
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}; {fix}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Writes `records` to `path` whole (a temporary file renamed over it).
pub(crate) fn write_store<T: serde::Serialize>(path: &Path, records: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(records).map_err(|e| e.to_string())?;
    let tmp = path.with_extension(format!("json.tmp{}", std::process::id()));
    path.parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|_| std::fs::write(&tmp, text))
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Records the settings of `root` as they are now (the user trusts
/// them), and the files its MCP servers run (`mcp::seal`).
pub fn record(home: &Path, root: &Path) -> Result<(), String> {
    let mut records = load(home).unwrap_or_default();
    records.insert(key(root), fingerprint(root));
    save(home, &records)?;
    super::claude_seal::record(home, root)?;
    crate::mcp::seal::record(home, root)
}

/// The sealed files of the trusted repository `root` that changed, appeared
/// or went away since they were recorded (none when nothing is recorded
/// yet: then they are recorded now).
pub fn changed(home: &Path, root: &Path) -> Result<Vec<String>, String> {
    let mut records = load(home)?;
    let now = fingerprint(root);
    let Some(then) = records.get(&key(root)) else {
        records.insert(key(root), now);
        if let Err(e) = save(home, &records) {
            tracing::warn!("trusted settings not recorded: {e}");
        }
        return Ok(Vec::new());
    };
    Ok(SEALED
        .iter()
        .filter(|rel| now.get(**rel) != then.get(**rel))
        .map(|rel| rel.to_string())
        .collect())
}

/// What still holds of a trusted repository whose settings are not used
/// because they changed (or cannot be checked).
pub const HOOKS_STILL_RUN: &str = "Its hooks you approved still run (guards changed or gone since block what they guarded); hooks not approved do not.";

/// The warning for settings that changed since the repository was trusted.
pub fn changed_warning(root: &Path, files: &[String]) -> String {
    format!(
        "{}'s settings changed since you trusted it ({}), so they are not used: a command or a checkout may have written them. Read them, then run `quire trust` there to use them again. {HOOKS_STILL_RUN}",
        root.display(),
        files.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_an_addition_or_a_removal_after_trust_is_named() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let (h, r) = (home.path(), repo.path());
        std::fs::create_dir_all(r.join(".quire")).unwrap();
        std::fs::write(r.join(".quire/config.toml"), "model = \"a\"\n").unwrap();
        // First sight records; nothing changed.
        assert!(changed(h, r).unwrap().is_empty());
        assert!(changed(h, r).unwrap().is_empty());
        std::fs::write(
            r.join(".quire/config.toml"),
            "sandbox = \"danger-full-access\"\n",
        )
        .unwrap();
        std::fs::write(r.join(".mcp.json"), "{}").unwrap();
        assert_eq!(changed(h, r).unwrap(), [".quire/config.toml", ".mcp.json"]);
        // Trusting again accepts them as they are.
        record(h, r).unwrap();
        assert!(changed(h, r).unwrap().is_empty());
        std::fs::remove_file(r.join(".mcp.json")).unwrap();
        assert_eq!(changed(h, r).unwrap(), [".mcp.json"]);
    }

    #[test]
    fn a_broken_store_is_an_error_naming_it() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join(FILE), "[").unwrap();
        let err = changed(home.path(), repo.path()).unwrap_err();
        assert!(err.contains(FILE), "{err}");
    }
}
