//! Approval of repository hooks by hash. A repository's hooks run only in
//! a trusted repository (see [`crate::config::trust`]) and only once the
//! user approved each one: the hash covers the repository, the file, the
//! event and the whole definition, so a new or changed hook waits for
//! `quire hooks trust`. Approvals live in `$QUIRE_HOME/trusted_hooks.json`,
//! never in the repository.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{HookDef, HookError, HookEvent};

const FILE: &str = "trusted_hooks.json";

/// The hash a hook is approved by.
pub fn hook_hash(repo: Option<&Path>, source: &Path, event: HookEvent, def: &HookDef) -> String {
    let repo = repo
        .map(|r| crate::config::trust::canonical(r).display().to_string())
        .unwrap_or_default();
    let body = serde_json::json!({
        "repo": repo,
        "source": source.display().to_string(),
        "event": event.as_str(),
        "def": def,
    });
    let digest = Sha256::digest(body.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the user approved, to show it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approved {
    pub source: String,
    pub event: String,
    pub hook: String,
}

/// `$QUIRE_HOME/trusted_hooks.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TrustStore {
    #[serde(default)]
    pub trusted: BTreeMap<String, Approved>,
}

impl TrustStore {
    pub fn path(home: &Path) -> PathBuf {
        home.join(FILE)
    }

    pub fn load(home: &Path) -> Result<TrustStore, HookError> {
        let path = Self::path(home);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => return Err(HookError::Read { path, source }),
        };
        serde_json::from_str(&text).map_err(|e| HookError::Invalid {
            path: path.display().to_string(),
            message: format!(
                "{e}; fix or delete the file (approved hooks will be asked for again)"
            ),
        })
    }

    pub fn contains(&self, hash: &str) -> bool {
        self.trusted.contains_key(hash)
    }

    pub fn approve(&mut self, hook: &super::Hook) {
        self.trusted.insert(
            hook.hash.clone(),
            Approved {
                source: hook.source.display().to_string(),
                event: hook.event.as_str().to_string(),
                hook: hook.def.label(),
            },
        );
    }

    pub fn save(&self, home: &Path) -> Result<(), HookError> {
        let path = Self::path(home);
        let err = |message: String| HookError::Write {
            path: path.display().to_string(),
            message,
        };
        std::fs::create_dir_all(home).map_err(|e| err(e.to_string()))?;
        let text = serde_json::to_string_pretty(self).map_err(|e| err(e.to_string()))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(|e| err(e.to_string()))?;
        std::fs::rename(&tmp, &path).map_err(|e| err(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(cmd: &str) -> HookDef {
        HookDef {
            matcher: Some("shell".into()),
            kind: Default::default(),
            command: Some(cmd.into()),
            url: None,
            headers: Default::default(),
            timeout_sec: None,
            name: None,
        }
    }

    #[test]
    fn any_change_to_the_definition_or_place_changes_the_hash() {
        let repo = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let src = Path::new(".claude/settings.json");
        let base = hook_hash(Some(repo.path()), src, HookEvent::PreToolUse, &def("a.sh"));
        assert_eq!(
            base,
            hook_hash(Some(repo.path()), src, HookEvent::PreToolUse, &def("a.sh"))
        );
        assert_ne!(
            base,
            hook_hash(Some(repo.path()), src, HookEvent::PreToolUse, &def("b.sh"))
        );
        assert_ne!(
            base,
            hook_hash(Some(repo.path()), src, HookEvent::Stop, &def("a.sh"))
        );
        assert_ne!(
            base,
            hook_hash(Some(other.path()), src, HookEvent::PreToolUse, &def("a.sh"))
        );
        let mut longer = def("a.sh");
        longer.timeout_sec = Some(5);
        assert_ne!(
            base,
            hook_hash(Some(repo.path()), src, HookEvent::PreToolUse, &longer)
        );
    }

    #[test]
    fn the_store_round_trips_and_a_broken_file_is_named() {
        let home = tempfile::tempdir().unwrap();
        let mut store = TrustStore::load(home.path()).unwrap();
        store.trusted.insert(
            "abc".into(),
            Approved {
                source: "s".into(),
                event: "Stop".into(),
                hook: "h".into(),
            },
        );
        store.save(home.path()).unwrap();
        assert!(TrustStore::load(home.path()).unwrap().contains("abc"));
        std::fs::write(TrustStore::path(home.path()), "[").unwrap();
        let err = TrustStore::load(home.path()).unwrap_err().to_string();
        assert!(err.contains("trusted_hooks.json"), "{err}");
    }
}
