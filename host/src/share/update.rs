//! `quire share update`: each locked entry fetched again at its ref (the
//! newest commit of a branch, where a tag points now, the current files of
//! a folder or MCP server) and compared with the lock BEFORE anything is
//! written. The caller shows the [`Pending::changes`] — new or changed
//! hooks, new MCP servers, grown grants, new agents and commands, changed
//! files — asks, and [`apply`]s only what was accepted; a declined update
//! leaves the installed files and `quire.lock` as they were.

use super::install::{AddOptions, Staged, commit, not_locked, stage};
use super::lock::Entry;
use super::{ShareContext, ShareError, check};

/// One entry's update, fetched but not installed.
pub struct Pending {
    /// The entry as locked now.
    pub old: Entry,
    /// The entry the update would lock.
    pub new: Entry,
    /// What changes, for the user to review (empty when nothing does).
    pub changes: Vec<String>,
    /// Said about the update whatever it changes: a marketplace that could
    /// not be read again.
    pub note: Option<String>,
    staged: Staged,
}

impl Pending {
    /// Whether the source still has exactly the locked files.
    pub fn is_current(&self) -> bool {
        super::digest::same(&self.old.files, &self.new.files)
            && self.old.manifest == self.new.manifest
    }
}

/// An entry as locked, with its pending update or why it could not be
/// fetched.
pub type Planned = (Entry, Result<Pending, String>);

/// Each entry (or the one named `name`) with its pending update, or why it
/// could not be fetched. Nothing is written under the lock's folder.
pub fn plan(
    ctx: &ShareContext,
    name: Option<&str>,
    force: bool,
) -> Result<Vec<Planned>, ShareError> {
    let lock = check::load(&ctx.root, ctx.layout)?;
    super::leftovers::sweep(ctx);
    let chosen: Vec<Entry> = lock
        .entries
        .into_iter()
        .filter(|e| name.is_none_or(|n| e.name == n))
        .collect();
    if let (Some(n), true) = (name, chosen.is_empty()) {
        return Err(ShareError::Invalid(not_locked(n)));
    }
    let mut out = Vec::new();
    for old in chosen {
        let opts = AddOptions {
            source: old.source.clone(),
            reference: old.reference.clone(),
            subdir: old.subdir.clone(),
            force,
            marketplace: old.marketplace.clone(),
            name: Some(old.name.clone()),
            manifest: old.manifest.clone(),
        };
        let pending = match check::local_source(&old, ctx.layout, ctx.allow_local) {
            Err(e) => Err(e.to_string()),
            Ok(()) => staged(ctx, &old, opts),
        };
        out.push((old, pending));
    }
    Ok(out)
}

/// `old` fetched again; a plugin whose manifest is (partly) its
/// marketplace entry takes the entry as its marketplace has it now.
fn staged(ctx: &ShareContext, old: &Entry, mut opts: AddOptions) -> Result<Pending, String> {
    let stage_it = |opts: &AddOptions| {
        stage(ctx, opts).map_err(|e| super::sync::gone(e, old, ctx.layout, true).to_string())
    };
    let first = stage_it(&opts)?;
    let (Some(locked), Some(market)) = (&old.manifest, &old.marketplace) else {
        return pending(old, first, None);
    };
    match current_entry(ctx, old, market, first.root()) {
        Ok(now) if now.as_ref() == Some(locked) => pending(old, first, None),
        Ok(now) => {
            drop(first);
            opts.manifest = now;
            pending(old, stage_it(&opts)?, None)
        }
        Err(why) => {
            // The lock's own entry is all there is: used only when it is
            // what the installed plugin was made from.
            let dir = super::lock::resolve(&ctx.root, &old.installed);
            if let Some(bad) = super::entry_manifest::disagreement(locked, &dir) {
                return Err(format!(
                    "{why}, and {} — not applied: a change only in quire.lock is not upstream's",
                    super::sync::tampered(old, &bad)
                ));
            }
            let note = format!("{why}; its marketplace entry is kept as locked");
            pending(old, first, Some(note))
        }
    }
}

/// `old`'s entry in marketplace `market` now (its manifest fields): read
/// from the checkout `fetched` when the plugin is a folder of it, else
/// from the added marketplace's copy; why neither can be read.
fn current_entry(
    ctx: &ShareContext,
    old: &Entry,
    market: &str,
    fetched: &std::path::Path,
) -> Result<Option<String>, String> {
    use crate::plugins::market::{EntrySource, read_catalog};
    let here = read_catalog(fetched).ok().filter(|c| c.name == market);
    let catalog = match here {
        Some(c) => c,
        None => read_catalog(&ctx.marketplaces.join(market)).map_err(|e| {
            format!(
                "its marketplace '{market}' cannot be read ({e}); `quire plugins marketplace add SOURCE` adds it"
            )
        })?,
    };
    let entry = catalog.plugins.into_iter().find(|e| {
        e.name == old.name
            && match &e.source {
                EntrySource::Path(rel) => old.subdir.as_deref().unwrap_or("") == rel,
                EntrySource::Git { subdir, .. } => *subdir == old.subdir,
            }
    });
    match entry {
        Some(e) => Ok(e.manifest),
        None => Err(format!(
            "its marketplace '{market}' ({}) no longer lists '{}' from this source",
            catalog.file.display(),
            old.name
        )),
    }
}

fn pending(old: &Entry, staged: Staged, note: Option<String>) -> Result<Pending, String> {
    let found = staged
        .items
        .iter()
        .find(|(e, _)| e.kind == old.kind && e.name == old.name)
        .or_else(|| staged.items.iter().find(|(e, _)| e.kind == old.kind));
    let Some((new, dir)) = found else {
        return Err(format!("the source no longer holds a {}", old.kind.label()));
    };
    let mut changes = super::bundle_entry::changes(old, new, dir);
    if old.manifest != new.manifest && super::digest::same(&old.files, &new.files) {
        changes.push(
            "quire.lock's marketplace entry replaced by the one its marketplace lists now".into(),
        );
    }
    Ok(Pending {
        old: old.clone(),
        new: new.clone(),
        changes,
        note,
        staged,
    })
}

/// Installs an accepted update and locks it.
pub fn apply(ctx: &ShareContext, p: &Pending) -> Result<Entry, ShareError> {
    commit(ctx, &p.staged, |e| {
        e.kind == p.new.kind && e.name == p.new.name
    })?
    .into_iter()
    .next()
    .ok_or_else(|| ShareError::Invalid(format!("{} was not installed", p.new.name)))
}
