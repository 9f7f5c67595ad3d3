//! What the user accepted: the permissions of each installed plugin and
//! the sha256 of its component, kept in `$QUIRE_HOME/plugins/consent.json`
//! (never in a repository, so a repo cannot grant itself anything). A
//! plugin whose manifest asks for more than was accepted, or whose
//! component is not the one accepted, is not loaded until the user
//! accepts again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::PluginError;
use super::manifest::{Manifest, Permissions};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentStatus {
    /// The plugin asks for no permissions.
    NotNeeded,
    /// Everything it asks for was accepted.
    Accepted,
    /// Never accepted.
    Missing,
    /// It asks for permissions beyond those accepted.
    Changed,
    /// Its component is not the code that was accepted (replaced, e.g. by
    /// a pull of the repository that holds it).
    CodeChanged,
    /// Accepted before quire recorded which component was accepted: the
    /// code behind the consent is unknown, so it is asked again.
    CodeUnknown,
}

impl ConsentStatus {
    pub fn allows_loading(&self) -> bool {
        matches!(self, ConsentStatus::NotNeeded | ConsentStatus::Accepted)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    name: String,
    permissions: Permissions,
    /// The sha256 of the component accepted (absent in records written
    /// before it was kept: those are asked again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    component_sha256: Option<String>,
    accepted_at: String,
    /// The folder `quire plugins add` copied it from (absent when it was
    /// accepted in place, or before quire kept it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    /// Keyed by the plugin's folder (canonical path).
    plugins: BTreeMap<String, Record>,
}

pub struct ConsentStore {
    path: PathBuf,
    file: File,
}

impl ConsentStore {
    pub fn path_in(home: &Path) -> PathBuf {
        home.join("plugins").join("consent.json")
    }

    /// Reads the store; a missing file is empty, an unreadable one is
    /// treated as empty (so everything is asked again) with a warning.
    pub fn open(home: &Path) -> ConsentStore {
        Self::open_at(Self::path_in(home))
    }

    fn open_at(path: PathBuf) -> ConsentStore {
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
                tracing::warn!(path = %path.display(), "consent file unreadable, ignoring it: {e}");
                File::default()
            }),
            Err(_) => File::default(),
        };
        ConsentStore { path, file }
    }

    /// Whether `manifest`'s plugin may load, its component as it is on
    /// disk now (the session loader checks the bytes it loads again with
    /// [`ConsentStore::accepted_sha256`]).
    pub fn status(&self, manifest: &Manifest) -> ConsentStatus {
        if manifest.permissions.is_empty() {
            return ConsentStatus::NotNeeded;
        }
        let Some(r) = self.file.plugins.get(&key(manifest.dir())) else {
            return ConsentStatus::Missing;
        };
        if r.name != manifest.name || !manifest.permissions.is_subset_of(&r.permissions) {
            return ConsentStatus::Changed;
        }
        match &r.component_sha256 {
            None => ConsentStatus::CodeUnknown,
            Some(h) if component_sha256(&manifest.component).as_ref() == Some(h) => {
                ConsentStatus::Accepted
            }
            Some(_) => ConsentStatus::CodeChanged,
        }
    }

    /// The sha256 of the component accepted for `manifest`'s plugin.
    pub fn accepted_sha256(&self, manifest: &Manifest) -> Option<&str> {
        self.file
            .plugins
            .get(&key(manifest.dir()))
            .and_then(|r| r.component_sha256.as_deref())
    }

    /// Records that the user accepted `manifest`'s permissions and its
    /// component as it is now.
    pub fn accept(&mut self, manifest: &Manifest) -> Result<(), PluginError> {
        let source = self
            .file
            .plugins
            .get(&key(manifest.dir()))
            .and_then(|r| r.source.clone());
        self.accept_with(manifest, source)
    }

    /// [`ConsentStore::accept`] for a plugin just copied from `source`.
    pub fn accept_copied(&mut self, manifest: &Manifest, source: &Path) -> Result<(), PluginError> {
        self.accept_with(manifest, Some(key(source)))
    }

    /// The folder the plugin in `dir` was copied from, when recorded.
    pub fn source_of(&self, dir: &Path) -> Option<PathBuf> {
        let r = self.file.plugins.get(&key(dir))?;
        r.source.as_ref().map(PathBuf::from)
    }

    fn accept_with(
        &mut self,
        manifest: &Manifest,
        source: Option<String>,
    ) -> Result<(), PluginError> {
        let bytes = super::cache::read_component(&manifest.component)?;
        let record = Record {
            name: manifest.name.clone(),
            permissions: manifest.permissions.clone(),
            component_sha256: Some(sha256_hex(&bytes)),
            accepted_at: chrono::Utc::now().to_rfc3339(),
            source,
        };
        let dir = key(manifest.dir());
        self.update(|file| {
            file.plugins.insert(dir, record);
            true
        })
    }

    /// Forgets the consent for the plugin in `dir`.
    pub fn forget(&mut self, dir: &Path) -> Result<(), PluginError> {
        let dir = key(dir);
        self.update(|file| file.plugins.remove(&dir).is_some())
    }

    /// Applies `change` to the file as it is on disk now and writes it back
    /// when `change` says it changed something, all under an exclusive
    /// lock (`consent.json.lock`): two quire processes accepting plugins at
    /// once both keep their records.
    fn update(&mut self, change: impl FnOnce(&mut File) -> bool) -> Result<(), PluginError> {
        let io = |source| PluginError::Io {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.path.with_extension("json.lock"))
            .map_err(io)?;
        lock.lock().map_err(io)?;
        self.file = Self::open_at(self.path.clone()).file;
        if !change(&mut self.file) {
            return Ok(());
        }
        let text = serde_json::to_string_pretty(&self.file)
            .map_err(|e| PluginError::Other(format!("cannot encode consent: {e}")))?;
        let tmp = self
            .path
            .with_extension(format!("json.{}.tmp", std::process::id()));
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, &self.path).map_err(io)
    }
}

/// The hex sha256 of `bytes`, as consent records a component.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    super::engine::hex(&Sha256::digest(bytes))
}

fn component_sha256(path: &Path) -> Option<String> {
    super::cache::read_component(path)
        .ok()
        .map(|b| sha256_hex(&b))
}

fn key(dir: &Path) -> String {
    std::fs::canonicalize(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .display()
        .to_string()
}

/// The warning for a plugin that is not loaded for lack of consent.
pub fn not_loaded_warning(manifest: &Manifest, status: &ConsentStatus) -> String {
    let why = match status {
        ConsentStatus::Changed => {
            "asks for permissions you have not accepted (its manifest changed)"
        }
        ConsentStatus::CodeChanged => {
            "its component is not the code you accepted (the .wasm file changed since)"
        }
        ConsentStatus::CodeUnknown => {
            "was accepted before quire recorded which component you accepted, so its code is unknown"
        }
        _ => "asks for permissions you have not accepted yet",
    };
    format!(
        "plugin '{}' was not loaded: {why}. Review it and accept again with `quire plugins add {}`",
        manifest.name,
        manifest.dir().display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugins::manifest;

    fn manifest_in(dir: &Path, net: &str) -> Manifest {
        std::fs::write(dir.join("p.wasm"), b"code").unwrap();
        let text = format!(
            "name = \"p\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"p.wasm\"\n[permissions]\nnet = [{net}]\n"
        );
        manifest::parse(&text, &dir.join("plugin.toml")).unwrap()
    }

    #[test]
    fn consent_is_asked_again_when_permissions_grow() {
        let home = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let m = manifest_in(dir.path(), "\"a.example\"");
        let mut store = ConsentStore::open(home.path());
        assert_eq!(store.status(&m), ConsentStatus::Missing);
        store.accept(&m).unwrap();
        let store = ConsentStore::open(home.path());
        assert_eq!(store.status(&m), ConsentStatus::Accepted);
        let more = manifest_in(dir.path(), "\"a.example\", \"b.example\"");
        assert_eq!(store.status(&more), ConsentStatus::Changed);
        let none = manifest_in(dir.path(), "");
        assert_eq!(store.status(&none), ConsentStatus::NotNeeded);
        let mut store = store;
        store.forget(dir.path()).unwrap();
        assert_eq!(store.status(&m), ConsentStatus::Missing);
    }

    #[test]
    fn consent_is_asked_again_when_the_component_changes() {
        let home = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let m = manifest_in(dir.path(), "\"a.example\"");
        let mut store = ConsentStore::open(home.path());
        store.accept(&m).unwrap();
        assert_eq!(store.status(&m), ConsentStatus::Accepted);
        std::fs::write(&m.component, b"other code").unwrap();
        assert_eq!(store.status(&m), ConsentStatus::CodeChanged);
        store.accept(&m).unwrap();
        assert_eq!(store.status(&m), ConsentStatus::Accepted);
        // A record from before hashes were kept: asked again.
        let path = ConsentStore::path_in(home.path());
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for r in v["plugins"].as_object_mut().unwrap().values_mut() {
            r.as_object_mut().unwrap().remove("component_sha256");
        }
        std::fs::write(&path, v.to_string()).unwrap();
        let store = ConsentStore::open(home.path());
        assert_eq!(store.status(&m), ConsentStatus::CodeUnknown);
        assert!(!store.status(&m).allows_loading());
    }
}
