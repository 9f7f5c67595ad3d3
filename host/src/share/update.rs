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
    staged: Staged,
}

impl Pending {
    /// Whether the source still has exactly the locked files.
    pub fn is_current(&self) -> bool {
        self.old.files == self.new.files
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
            Ok(()) => stage(ctx, &opts)
                .map_err(|e| super::sync::gone(e, &old, ctx.layout, true).to_string())
                .and_then(|staged| pending(&old, staged)),
        };
        out.push((old, pending));
    }
    Ok(out)
}

fn pending(old: &Entry, staged: Staged) -> Result<Pending, String> {
    let found = staged
        .items
        .iter()
        .find(|(e, _)| e.kind == old.kind && e.name == old.name)
        .or_else(|| staged.items.iter().find(|(e, _)| e.kind == old.kind));
    let Some((new, dir)) = found else {
        return Err(format!("the source no longer holds a {}", old.kind.label()));
    };
    let changes = super::bundle_entry::changes(old, new, dir);
    Ok(Pending {
        old: old.clone(),
        new: new.clone(),
        changes,
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
