//! Each server's last tool list on disk
//! (`$QUIRE_HOME/cache/mcp-tools/HASH.json`), keyed by a hash of the
//! server's configuration: with it a session knows a server's tools before
//! the server is up, so the first request need not wait for it and a
//! `lazy` server need not start until one of its tools is needed.
//!
//! The cache is a hint: a missing or unreadable file means "unknown"; the
//! list the server gives when it starts replaces it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::spec::ServerSpec;

/// Goes into every entry's file name: a new one when what an entry
/// holds changes.
const FORMAT: &str = "unfiltered-1";

/// The cache folder of one quire home.
#[derive(Debug, Clone)]
pub struct ToolCache {
    dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    server: String,
    tools: Vec<rmcp::model::Tool>,
    /// The server offered resources (so `mcp_resources` is there from
    /// the start, as it was when the server was up).
    #[serde(default)]
    resources: bool,
    /// What the server said about using its tools (`instructions` of its
    /// initialize result), so a session that starts before the server is
    /// up tells the model the same as one that waited for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    instructions: Option<String>,
}

/// What the cache knows of a server.
#[derive(Debug, Clone)]
pub struct Cached {
    pub tools: Vec<rmcp::model::Tool>,
    pub resources: bool,
    pub instructions: Option<String>,
}

impl ToolCache {
    pub fn new(dir: PathBuf) -> ToolCache {
        ToolCache { dir }
    }

    /// `$QUIRE_HOME/cache/mcp-tools`.
    pub fn in_home(home: &Path) -> ToolCache {
        ToolCache::new(home.join("cache").join("mcp-tools"))
    }

    /// The file for `spec`: a hash of everything that decides which tools
    /// the server lists (name, transport with command, arguments and
    /// environment). Values are hashed, never stored. The list kept is the
    /// server's whole list: `enabled_tools` / `disabled_tools` are applied
    /// to it when it is read, as to a fresh one, so editing them needs no
    /// new entry and a filter entry is checked against every tool.
    /// [`FORMAT`] keeps entries of older quire versions (which held the
    /// filtered list) from being read.
    pub fn path(&self, spec: &ServerSpec) -> PathBuf {
        let mut h = Sha256::new();
        h.update(format!("{FORMAT}\0{:?}\0{:?}", spec.name, spec.transport).as_bytes());
        let hex: String = h
            .finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect();
        self.dir.join(format!("{hex}.json"))
    }

    /// The tools `spec`'s server offered the last time it started, and
    /// whether it offered resources.
    pub fn load(&self, spec: &ServerSpec) -> Option<Cached> {
        let path = self.path(spec);
        let text = std::fs::read_to_string(&path).ok()?;
        match serde_json::from_str::<Entry>(&text) {
            Ok(e) if e.server == spec.name => Some(Cached {
                tools: e.tools,
                resources: e.resources,
                instructions: e.instructions,
            }),
            Ok(_) => None,
            Err(e) => {
                tracing::debug!(file = %path.display(), error = %e, "MCP tool cache unreadable; ignored");
                None
            }
        }
    }

    /// Keeps `cached` as what `spec`'s server offers (written to a
    /// temporary file, then renamed, so readers never see half a file).
    pub fn save(&self, spec: &ServerSpec, cached: Cached) {
        let path = self.path(spec);
        let entry = Entry {
            server: spec.name.clone(),
            tools: cached.tools,
            resources: cached.resources,
            instructions: cached.instructions,
        };
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&self.dir)?;
            let text = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
            let tmp = path.with_extension(format!("tmp{}", std::process::id()));
            std::fs::write(&tmp, text)?;
            std::fs::rename(&tmp, &path)
        };
        if let Err(e) = write() {
            tracing::warn!(file = %path.display(), error = %e, "MCP tool cache not written");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::{McpServerConfig, Source};

    fn spec(args: &[&str]) -> ServerSpec {
        let c = McpServerConfig::stdio("srv", args.iter().map(|s| s.to_string()).collect());
        ServerSpec::new("s", Source::Config, &c, Path::new("/w"))
    }

    #[test]
    fn a_list_comes_back_for_the_same_configuration_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ToolCache::new(dir.path().join("c"));
        assert!(cache.load(&spec(&["a"])).is_none());
        let tool = rmcp::model::Tool::new(
            "echo",
            "Echoes.",
            std::sync::Arc::new(serde_json::Map::new()),
        );
        cache.save(
            &spec(&["a"]),
            Cached {
                tools: vec![tool],
                resources: true,
                instructions: Some("Use echo sparingly.".into()),
            },
        );
        let back = cache.load(&spec(&["a"])).unwrap();
        assert_eq!(back.tools.len(), 1);
        assert_eq!(back.tools[0].name, "echo");
        assert!(back.resources);
        assert_eq!(back.instructions.as_deref(), Some("Use echo sparingly."));
        assert!(cache.load(&spec(&["b"])).is_none(), "other arguments");
        let mut filtered = spec(&["a"]);
        filtered.disabled_tools = vec!["echo".into()];
        assert!(
            cache.load(&filtered).is_some(),
            "the whole list is kept: filters are applied when it is read"
        );
        std::fs::write(cache.path(&spec(&["a"])), "{not json").unwrap();
        assert!(cache.load(&spec(&["a"])).is_none());
    }

    #[test]
    fn an_entry_written_before_instructions_were_cached_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ToolCache::new(dir.path().to_path_buf());
        let path = cache.path(&spec(&["a"]));
        std::fs::write(&path, r#"{"server":"s","tools":[],"resources":false}"#).unwrap();
        let back = cache.load(&spec(&["a"])).unwrap();
        assert!(back.instructions.is_none());
    }
}
