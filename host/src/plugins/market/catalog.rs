//! One marketplace file: its name and plugin entries. A plugin source is a
//! relative path inside the marketplace, a git URL (with `ref`, and a
//! `path` inside it), or a GitHub repository. Paths are untrusted.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::store::MarketError;

/// Where marketplaces keep their catalog, in the order read.
pub const CATALOG_FILES: [&str; 3] = [
    ".claude-plugin/marketplace.json",
    ".agents/plugins/marketplace.json",
    "marketplace.json",
];

/// Where one plugin of a catalog comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntrySource {
    /// A folder inside the marketplace (checked to stay inside); empty
    /// for the marketplace's root itself (`"source": "./"`).
    Path(String),
    /// A git repository, a ref and a folder inside it.
    Git {
        url: String,
        reference: Option<String>,
        subdir: Option<String>,
    },
}

/// One plugin of a catalog.
#[derive(Debug, Clone)]
pub struct CatalogEntry {
    pub name: String,
    pub description: String,
    pub version: Option<String>,
    pub keywords: Vec<String>,
    pub source: EntrySource,
    /// The entry's manifest fields (JSON object text), when it is the
    /// plugin's manifest or adds to it: `"strict": false`, or parts
    /// (`commands`, `agents`, `skills`, `hooks`, `mcpServers`) of its own.
    pub manifest: Option<String>,
}

/// The parts an entry may carry for its plugin.
const PART_FIELDS: [&str; 5] = ["commands", "agents", "skills", "hooks", "mcpServers"];

/// Claude Code's marketplace entry as (part of) the plugin's manifest:
/// with `"strict": false` the entry is the manifest, the plugin folder
/// needing none; with parts of its own they add to the plugin's.
fn entry_manifest(v: &Value) -> Option<String> {
    let loose = v.get("strict").and_then(Value::as_bool) == Some(false);
    if !loose && !PART_FIELDS.iter().any(|k| v.get(*k).is_some()) {
        return None;
    }
    // Agent Plugins' metadata fields (name, version, author…) and the parts.
    let metadata = crate::plugins::bundle::detect::AGENT_PLUGINS_FIELDS
        .into_iter()
        .filter(|k| !k.starts_with('$') && *k != "extensions");
    // `lspServers` is kept (not run) so that `validate` can name it.
    let fields: serde_json::Map<String, Value> = metadata
        .chain(PART_FIELDS)
        .chain(["lspServers"])
        .filter_map(|k| v.get(k).map(|x| (k.to_string(), x.clone())))
        .collect();
    Some(Value::Object(fields).to_string())
}

/// A marketplace's catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub name: String,
    pub file: PathBuf,
    pub plugins: Vec<CatalogEntry>,
    /// Entries that could not be read, or repeat an earlier one's name.
    pub problems: Vec<String>,
}

/// Reads the catalog of the marketplace in `root`.
pub fn read_catalog(root: &Path) -> Result<Catalog, MarketError> {
    let Some(file) = CATALOG_FILES
        .iter()
        .map(|f| root.join(f))
        .find(|f| f.is_file())
    else {
        return Err(MarketError::Invalid(format!(
            "{} is not a marketplace: it has none of {}",
            root.display(),
            CATALOG_FILES.join(", ")
        )));
    };
    let bad = |m: String| MarketError::Invalid(format!("{}: {m}", file.display()));
    let text =
        crate::file_kind::read_to_string(&file).map_err(|e| bad(format!("cannot read it: {e}")))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| bad(format!("not valid JSON: {e}")))?;
    let name = v
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| crate::share::check::is_safe_name(n))
        .ok_or_else(|| {
            bad("\"name\" is missing or not a plain name (letters, digits, '-', '_', '.')".into())
        })?
        .to_string();
    let plugin_root = v
        .pointer("/metadata/pluginRoot")
        .and_then(Value::as_str)
        .map(|s| s.trim_start_matches("./").trim_end_matches('/').to_string());
    let Some(items) = v.get("plugins").and_then(Value::as_array) else {
        return Err(bad("\"plugins\" must be a list of plugins".into()));
    };
    let mut cat = Catalog {
        name,
        file: file.clone(),
        plugins: Vec::new(),
        problems: Vec::new(),
    };
    let mut first_at: Vec<(String, usize)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match entry(item, plugin_root.as_deref()) {
            // Two entries of one name: the first is the plugin installed
            // by that name, the other is named and left out.
            Ok(e) => match first_at.iter().find(|(n, _)| *n == e.name) {
                Some((_, j)) => cat.problems.push(format!(
                    "{}: plugins[{i}]: '{}' is listed again (first as plugins[{j}]); the first is used, so remove or rename this one",
                    file.display(),
                    e.name
                )),
                None => {
                    first_at.push((e.name.clone(), i));
                    cat.plugins.push(e);
                }
            },
            Err(m) => cat
                .problems
                .push(format!("{}: plugins[{i}]: {m}", file.display())),
        }
    }
    Ok(cat)
}

fn entry(v: &Value, plugin_root: Option<&str>) -> Result<CatalogEntry, String> {
    let name = v
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| crate::plugins::bundle::detect::is_plugin_name(n))
        .ok_or("\"name\" is missing or not a plugin name (lowercase letters, digits, '-')")?
        .to_string();
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let description = text("description")
        .or_else(|| {
            v.pointer("/interface/shortDescription")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_default();
    let mut keywords: Vec<String> = ["keywords", "tags"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    if let Some(c) = text("category") {
        keywords.push(c);
    }
    let source = source(v.get("source").ok_or("\"source\" is missing")?, plugin_root)?;
    Ok(CatalogEntry {
        name,
        description,
        version: text("version"),
        keywords,
        source,
        manifest: entry_manifest(v),
    })
}

fn source(v: &Value, plugin_root: Option<&str>) -> Result<EntrySource, String> {
    let rel = |p: &str| -> Result<EntrySource, String> {
        let p = p.trim();
        // `./` and `.` are the marketplace's own root (anthropics/skills
        // lists every plugin so): the empty path.
        if matches!(p, "." | "./") {
            return Ok(EntrySource::Path(String::new()));
        }
        let clean = p.trim_start_matches("./").trim_end_matches('/');
        let joined = match (plugin_root, p.starts_with("./")) {
            (Some(r), false) if !r.is_empty() => format!("{r}/{clean}"),
            _ => clean.to_string(),
        };
        if joined.is_empty() || !crate::share::check::is_inside(&joined) {
            return Err(format!(
                "the source \"{p}\" leaves the marketplace; use a path inside it such as ./plugins/NAME"
            ));
        }
        Ok(EntrySource::Path(joined))
    };
    match v {
        Value::String(s) => rel(s),
        Value::Object(m) => {
            let get = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
            // `sha` pins an exact commit (Claude Code writes it beside
            // the `ref` it came from): it wins over the branch or tag.
            let reference = get("sha").or_else(|| get("ref"));
            match get("source").as_deref() {
                Some("local") => rel(&get("path").ok_or("a local source needs \"path\"")?),
                Some("github") => {
                    let repo = get("repo").ok_or("a github source needs \"repo\": OWNER/REPO")?;
                    Ok(EntrySource::Git {
                        url: github_url(&repo)?,
                        reference,
                        subdir: get("path"),
                    })
                }
                Some("url" | "git" | "git-subdir") => Ok(EntrySource::Git {
                    url: get("url").ok_or("a git source needs \"url\"")?,
                    reference,
                    subdir: get("path"),
                }),
                Some(other) => Err(format!(
                    "source type \"{other}\" is not supported; use a relative path, \"github\" or \"url\""
                )),
                None => Err(
                    "an object source needs \"source\": \"github\", \"url\" or \"local\"".into(),
                ),
            }
        }
        _ => Err("\"source\" must be a path or an object".into()),
    }
}

/// `https://github.com/OWNER/REPO.git` for `OWNER/REPO`.
pub fn github_url(repo: &str) -> Result<String, String> {
    let parts: Vec<&str> = repo.split('/').collect();
    let ok = parts.len() == 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && crate::share::check::is_safe_name(p));
    if !ok {
        return Err(format!("\"{repo}\" is not OWNER/REPO"));
    }
    Ok(format!("https://github.com/{repo}.git"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(json: &str) -> Result<Catalog, MarketError> {
        let dir = tempfile::tempdir().map_err(|e| MarketError::Invalid(e.to_string()))?;
        std::fs::create_dir_all(dir.path().join(".agents/plugins"))
            .map_err(|e| MarketError::Invalid(e.to_string()))?;
        std::fs::write(dir.path().join(".agents/plugins/marketplace.json"), json)
            .map_err(|e| MarketError::Invalid(e.to_string()))?;
        read_catalog(dir.path())
    }

    #[test]
    fn codex_and_claude_sources_are_read_and_escapes_refused() {
        let c = catalog(
            r#"{"name": "m", "plugins": [
                {"name": "a", "source": {"source": "local", "path": "./plugins/a"}},
                {"name": "b", "source": {"source": "github", "repo": "acme/b", "ref": "v1"}},
                {"name": "c", "source": {"source": "url", "url": "https://git.example.com/c.git"}},
                {"name": "p", "source": {"source": "url", "url": "https://git.example.com/p.git",
                    "ref": "main", "sha": "7c8f3167a1b2c3d4e5f60718293a4b5c6d7e8f90"}},
                {"name": "d", "source": "../outside"},
                {"name": "e", "source": {"source": "github", "repo": "acme/../x"}}
            ]}"#,
        );
        let Ok(c) = c else { panic!("catalog not read") };
        let got: Vec<(&str, &EntrySource)> = c
            .plugins
            .iter()
            .map(|p| (p.name.as_str(), &p.source))
            .collect();
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0].1, &EntrySource::Path("plugins/a".into()));
        assert_eq!(
            got[1].1,
            &EntrySource::Git {
                url: "https://github.com/acme/b.git".into(),
                reference: Some("v1".into()),
                subdir: None
            }
        );
        // Both a branch and a commit: the commit is the pin.
        assert_eq!(
            got[3].1,
            &EntrySource::Git {
                url: "https://git.example.com/p.git".into(),
                reference: Some("7c8f3167a1b2c3d4e5f60718293a4b5c6d7e8f90".into()),
                subdir: None
            }
        );
        assert_eq!(c.problems.len(), 2, "{:?}", c.problems);
    }

    #[test]
    fn a_repeated_name_keeps_the_first_entry_and_says_so() {
        let c = catalog(
            r#"{"name": "m", "plugins": [
                {"name": "kit", "source": "./plugins/one", "description": "first"},
                {"name": "other", "source": "./plugins/other"},
                {"name": "kit", "source": "./plugins/two", "description": "second"}
            ]}"#,
        );
        let Ok(c) = c else { panic!("catalog not read") };
        let kits: Vec<&CatalogEntry> = c.plugins.iter().filter(|p| p.name == "kit").collect();
        assert_eq!(kits.len(), 1, "{:?}", c.plugins);
        assert_eq!(kits[0].description, "first");
        assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
        assert!(
            c.problems[0].contains(
                "plugins[2]: 'kit' is listed again (first as plugins[0]); the first is used"
            ),
            "{:?}",
            c.problems
        );
    }
}
