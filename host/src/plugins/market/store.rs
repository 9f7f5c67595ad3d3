//! Added marketplaces: `~/.quire/marketplaces/NAME/` holds a copy of the
//! marketplace (its catalog and the plugins it holds by path) and
//! `~/.quire/marketplaces.json` where each came from.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::catalog::{CatalogEntry, EntrySource, github_url, read_catalog};
use crate::share::{self, AddOptions, ShareContext};

const INDEX_FILE: &str = "marketplaces.json";

#[derive(Debug, thiserror::Error)]
pub enum MarketError {
    #[error("{0}")]
    Invalid(String),
    /// A marketplace of that name was added from another source.
    #[error(
        "a marketplace named '{name}' is already added from {existing}; {new} names itself '{name}' too. \
         Not replaced: run `quire plugins marketplace remove {name}` first, or add again with --replace"
    )]
    NameTaken {
        name: String,
        existing: String,
        new: String,
    },
    #[error(transparent)]
    Share(#[from] share::ShareError),
}

/// One added marketplace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddedMarketplace {
    pub name: String,
    /// A git URL or an absolute folder.
    pub source: String,
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

impl AddedMarketplace {
    pub fn is_git(&self) -> bool {
        matches!(share::Source::parse(&self.source), share::Source::Git(_))
    }
}

/// The folder of marketplace `name`'s copy.
pub fn market_dir(home: &Path, name: &str) -> PathBuf {
    home.join("marketplaces").join(name)
}

/// The added marketplaces.
pub fn list_marketplaces(home: &Path) -> Vec<AddedMarketplace> {
    std::fs::read_to_string(home.join(INDEX_FILE))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn save(home: &Path, list: &[AddedMarketplace]) -> Result<(), MarketError> {
    let text =
        serde_json::to_string_pretty(list).map_err(|e| MarketError::Invalid(e.to_string()))?;
    std::fs::write(home.join(INDEX_FILE), text).map_err(|e| {
        MarketError::Invalid(format!(
            "cannot write {}: {e}",
            home.join(INDEX_FILE).display()
        ))
    })
}

/// `github:OWNER/REPO` as a git URL; a relative folder made absolute.
pub fn source_text(source: &str, cwd: &Path) -> Result<String, MarketError> {
    if let Some(repo) = source.strip_prefix("github:") {
        return github_url(repo).map_err(MarketError::Invalid);
    }
    Ok(match share::Source::parse(source) {
        share::Source::Path(p) => std::fs::canonicalize(cwd.join(&p))
            .map_err(|e| {
                MarketError::Invalid(format!(
                    "{p}: {e}; name a marketplace folder, a git URL or github:OWNER/REPO"
                ))
            })?
            .display()
            .to_string(),
        _ => source.to_string(),
    })
}

/// Fetches the marketplace at `source` (`reference` for git), copies it
/// into `~/.quire/marketplaces/NAME` and records it. Adding the source of
/// an added marketplace again refreshes it; a marketplace of the same
/// name from another source is refused unless `replace`.
pub fn add_marketplace(
    home: &Path,
    cwd: &Path,
    source: &str,
    reference: Option<&str>,
    replace: bool,
) -> Result<(AddedMarketplace, super::Catalog), MarketError> {
    let text = source_text(source, cwd)?;
    let src = share::Source::parse(&text);
    if matches!(src, share::Source::Mcp { .. }) {
        return Err(MarketError::Invalid(
            "a marketplace is a folder, a git URL or github:OWNER/REPO".into(),
        ));
    }
    src.refuse_secret(INDEX_FILE)?;
    let scratch = home.join("tmp");
    std::fs::create_dir_all(&scratch)
        .map_err(|e| MarketError::Invalid(format!("{}: {e}", scratch.display())))?;
    let ctx = ShareContext {
        root: cwd.to_path_buf(),
        layout: share::Layout::User,
        scratch,
        mcp: Vec::new(),
        // The user named the marketplace.
        allow_local: true,
        records: home.join("state").join("share"),
        marketplaces: home.join("marketplaces"),
    };
    let fetched = share::source::fetch(&src, reference, &ctx)?;
    let catalog = read_catalog(&fetched.dir)?;
    let mut list = list_marketplaces(home);
    if !replace
        && let Some(old) = list
            .iter()
            .find(|m| m.name == catalog.name && m.source != text)
    {
        return Err(MarketError::NameTaken {
            name: old.name.clone(),
            existing: old.source.clone(),
            new: text,
        });
    }
    let dest = market_dir(home, &catalog.name);
    copy_tree(&fetched.dir, &dest)?;
    let added = AddedMarketplace {
        name: catalog.name.clone(),
        source: text,
        reference: reference.map(str::to_string),
        commit: fetched.commit.clone(),
    };
    list.retain(|m| m.name != added.name);
    list.push(added.clone());
    save(home, &list)?;
    let catalog = read_catalog(&dest)?;
    Ok((added, catalog))
}

/// Forgets marketplace `name` and deletes its copy; plugins installed
/// from it stay installed (their lock entries name their own sources).
pub fn remove_marketplace(home: &Path, name: &str) -> Result<AddedMarketplace, MarketError> {
    let mut list = list_marketplaces(home);
    let Some(pos) = list.iter().position(|m| m.name == name) else {
        let known: Vec<&str> = list.iter().map(|m| m.name.as_str()).collect();
        return Err(MarketError::Invalid(format!(
            "no marketplace is named '{name}' (added: {}); see `quire plugins marketplace list`",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    };
    let gone = list.remove(pos);
    let dir = market_dir(home, &gone.name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| MarketError::Invalid(format!("{}: {e}", dir.display())))?;
    }
    save(home, &list)?;
    Ok(gone)
}

/// Copies the plain files of `from` (not `.git`, no symbolic links) to
/// `to`, replacing it.
fn copy_tree(from: &Path, to: &Path) -> Result<(), MarketError> {
    let io = |p: &Path, e: std::io::Error| MarketError::Invalid(format!("{}: {e}", p.display()));
    if to.exists() {
        std::fs::remove_dir_all(to).map_err(|e| io(to, e))?;
    }
    let walk = walkdir::WalkDir::new(from)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git");
    for entry in walk.filter_map(Result::ok) {
        let Ok(rel) = entry.path().strip_prefix(from) else {
            continue;
        };
        let dst = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dst).map_err(|e| io(&dst, e))?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &dst).map_err(|e| io(&dst, e))?;
        }
    }
    Ok(())
}

/// The plugin `name` (`NAME` or `NAME@MARKETPLACE`) among the added
/// marketplaces.
pub fn find_plugin(
    home: &Path,
    spec: &str,
) -> Result<(AddedMarketplace, CatalogEntry), MarketError> {
    let (name, market) = match spec.split_once('@') {
        Some((n, m)) => (n, Some(m)),
        None => (spec, None),
    };
    let list = list_marketplaces(home);
    if list.is_empty() {
        return Err(MarketError::Invalid(
            "no marketplace is added; add one with `quire plugins marketplace add SOURCE`".into(),
        ));
    }
    let mut found = Vec::new();
    for m in list.iter().filter(|m| market.is_none_or(|x| x == m.name)) {
        if let Ok(cat) = read_catalog(&market_dir(home, &m.name))
            && let Some(e) = cat.plugins.into_iter().find(|e| e.name == name)
        {
            found.push((m.clone(), e));
        }
    }
    match found.len() {
        0 => Err(MarketError::Invalid(format!(
            "no plugin '{name}' in {}; `quire plugins search TEXT` finds plugins",
            market.map_or("the added marketplaces".to_string(), |m| format!(
                "marketplace '{m}'"
            ))
        ))),
        1 => Ok(found.remove(0)),
        _ => Err(MarketError::Invalid(format!(
            "'{name}' is in several marketplaces ({}); say which: {name}@MARKETPLACE",
            found
                .iter()
                .map(|(m, _)| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// What `quire share add` installs for `entry`: a path inside a git
/// marketplace is that repository at its ref with the path as subfolder.
pub fn install_options(market: &AddedMarketplace, entry: &CatalogEntry, force: bool) -> AddOptions {
    let (source, reference, subdir) = match &entry.source {
        EntrySource::Path(rel) => (
            market.source.clone(),
            market.reference.clone(),
            (!rel.is_empty()).then(|| rel.clone()),
        ),
        EntrySource::Git {
            url,
            reference,
            subdir,
        } => (url.clone(), reference.clone(), subdir.clone()),
    };
    AddOptions {
        source,
        reference,
        subdir,
        force,
        marketplace: Some(market.name.clone()),
        name: Some(entry.name.clone()),
        manifest: entry.manifest.clone(),
    }
}
