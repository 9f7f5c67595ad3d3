//! Plugin bundles in `quire.lock`: detected in a source folder, and their
//! entry carrying what a reviewer approves besides the files — the hook
//! files with their sha256, the MCP servers and the WASM components'
//! grants — so `quire share update` can say what changed.

use std::path::Path;

use super::ShareError;
use super::lock::Entry;
use crate::plugins::bundle;

/// The bundle's name when `dir` holds a bundle manifest (`plugin.json`,
/// `.claude-plugin/plugin.json`, `.codex-plugin/plugin.json`).
pub fn bundle_name(dir: &Path) -> Result<Option<String>, ShareError> {
    let has_manifest = [
        "plugin.json",
        ".claude-plugin/plugin.json",
        ".codex-plugin/plugin.json",
    ]
    .iter()
    .any(|m| dir.join(m).is_file());
    if !has_manifest {
        return Ok(None);
    }
    let b = bundle::detect(dir).map_err(|e| ShareError::Invalid(e.to_string()))?;
    Ok(Some(b.name))
}

/// `entry` with the hooks, MCP servers and grants of the bundle in `dir`
/// (unchanged for anything that is not a bundle).
pub fn describe(mut entry: Entry, dir: &Path) -> Entry {
    if entry.kind != super::Kind::Bundle {
        return entry;
    }
    let Ok(b) = bundle::detect(dir) else {
        return entry;
    };
    let rel = |p: &Path| {
        p.strip_prefix(dir)
            .map(|r| r.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    for h in &b.hooks {
        if let Some(d) = entry.files.get(&rel(h)) {
            entry.hooks.insert(rel(h), d.clone());
        }
    }
    let mut warnings = Vec::new();
    for f in &b.mcp {
        if let Ok(servers) = crate::mcp::spec::read_mcp_json(&f.path, &mut warnings) {
            entry
                .mcp_servers
                .extend(servers.into_iter().map(|(n, _)| format!("{}_{n}", b.name)));
        }
    }
    for c in &b.components {
        if let Ok(m) =
            crate::plugins::manifest::load(&c.join(crate::plugins::manifest::MANIFEST_FILE))
        {
            for g in crate::plugins::bundle::validate::grant_lines(&m) {
                entry.grants.push(format!("{}: {g}", m.name));
            }
        }
    }
    entry
}

/// What an update adds that needs approval again: new or changed hooks,
/// new MCP servers, grown grants.
pub fn review_changes(old: &Entry, new: &Entry) -> Vec<String> {
    let mut out = Vec::new();
    for (file, digest) in &new.hooks {
        match old.hooks.get(file) {
            None => out.push(format!("new hook file {file}")),
            Some(d) if d != digest => out.push(format!("changed hook file {file}")),
            Some(_) => {}
        }
    }
    for s in new
        .mcp_servers
        .iter()
        .filter(|s| !old.mcp_servers.contains(s))
    {
        out.push(format!("new MCP server {s}"));
    }
    for g in new.grants.iter().filter(|g| !old.grants.contains(g)) {
        out.push(format!("new grant {g}"));
    }
    out
}

/// Everything an update changes, for the user to review before it is
/// installed: [`review_changes`], new or changed agents and commands of a
/// bundle (read from the fetched folder `dir`), and the files changed,
/// added and removed. Empty when the files are the same.
pub fn changes(old: &Entry, new: &Entry, dir: &Path) -> Vec<String> {
    if old.files == new.files {
        return Vec::new();
    }
    let mut out = review_changes(old, new);
    let d = super::digest::Drift::between(&old.files, &new.files);
    if new.kind == super::Kind::Bundle
        && let Ok(b) = bundle::detect(dir)
    {
        let touched = d.added.iter().map(|f| ("new", f));
        let touched = touched.chain(d.changed.iter().map(|f| ("changed", f)));
        for (how, rel) in touched {
            let path = dir.join(rel);
            let stem = Path::new(rel)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !rel.ends_with(".md") && !rel.ends_with(".toml") {
                continue;
            }
            if b.agents.iter().any(|a| path.starts_with(a)) {
                out.push(format!("{how} agent {}:{stem} ({rel})", b.name));
            } else if b.commands.iter().any(|c| path.starts_with(c)) {
                out.push(format!("{how} command /{}:{stem} ({rel})", b.name));
            }
        }
    }
    for (label, list) in [
        ("changed", &d.changed),
        ("added", &d.added),
        ("removed", &d.missing),
    ] {
        if !list.is_empty() {
            out.push(format!("files {label}: {}", list.join(", ")));
        }
    }
    out
}
