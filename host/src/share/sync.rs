//! `quire share verify | sync`: how installed files differ from the lock,
//! and restoring them from each entry's source at its locked commit.

use std::path::Path;

use super::digest::{self, Digests, Drift};
use super::install::{install, source_text};
use super::lock::{Entry, Layout, resolve};
use super::source::{self, Source};
use super::{ShareContext, ShareError};
use super::{check, installed_record};

/// Each locked entry and how its installed files differ from the lock,
/// or how its installed folder is not of the entry's kind. A lock with an
/// entry outside its folder is refused ([`check::entry`]).
pub fn verify(root: &Path, layout: Layout) -> Result<Vec<(Entry, Drift)>, ShareError> {
    let lock = check::load(root, layout)?;
    lock.entries
        .into_iter()
        .map(|e| {
            let dir = resolve(root, &e.installed);
            // A folder that cannot be read as plain files is this entry's
            // drift, said with what removes it; the others are still checked.
            let (now, unreadable) = match dir.is_dir() {
                true => match digest::of_folder(&dir) {
                    Ok(now) => (now, None),
                    Err(err) => (
                        e.files.clone(),
                        Some(err.removal().unwrap_or_else(|| err.to_string())),
                    ),
                },
                false => (Digests::new(), None),
            };
            let mut drift = Drift::between(&e.files, &now);
            drift.unreadable = unreadable;
            drift.not_a_folder = !dir.is_dir() && std::fs::symlink_metadata(&dir).is_ok();
            if dir.is_dir() && !now.is_empty() {
                let place = format!("its folder {}", e.installed);
                drift.wrong_kind = check::kind_matches(&e, &dir, &place)
                    .err()
                    .map(|e| e.to_string());
                drift.manifest = e
                    .manifest
                    .as_deref()
                    .and_then(|m| super::entry_manifest::disagreement(m, &dir));
            }
            Ok((e, drift))
        })
        .collect()
}

/// What `sync` did with one entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Synced {
    /// Installed files already matched the lock.
    Unchanged,
    /// Installed again from the source, exactly as locked.
    Restored,
    /// Could not be restored: why.
    Failed(String),
}

/// Makes every installed skill and plugin match `quire.lock`: entries that
/// are missing files are fetched at the locked commit and installed again,
/// after checking the source's files against the lock's digests. Local
/// changes (changed or added files) are replaced only with `force`.
pub fn sync(ctx: &ShareContext, force: bool) -> Result<Vec<(Entry, Synced)>, ShareError> {
    super::leftovers::sweep(ctx);
    let mut out = Vec::new();
    for (entry, drift) in verify(&ctx.root, ctx.layout)? {
        let outcome = if drift.is_clean() {
            Synced::Unchanged
        } else if let Some(why) = &drift.manifest {
            Synced::Failed(tampered(&entry, why))
        } else if drift.not_a_folder && !force {
            Synced::Failed(format!(
                "{} is a file, not the {} folder; `quire share sync --force` replaces it with the locked files",
                entry.installed,
                entry.kind.label()
            ))
        } else if drift.is_local() && !force && !as_installed(ctx, &entry) {
            Synced::Failed(local_changes(ctx, &entry, &drift))
        } else {
            match restore(ctx, &entry) {
                Ok(()) => Synced::Restored,
                Err(e) => Synced::Failed(e.to_string()),
            }
        };
        out.push((entry, outcome));
    }
    Ok(out)
}

/// Why `sync` does not install `entry`, whose locked marketplace entry
/// disagrees with its installed plugin (`why`): the lock was edited.
pub(super) fn tampered(entry: &Entry, why: &str) -> String {
    let again = match &entry.marketplace {
        Some(m) => format!("`quire plugins install {}@{m}`", entry.name),
        None => format!("`quire share add {}`", entry.source),
    };
    format!(
        "{why}, so quire.lock was changed by hand or installed files were replaced; nothing installed from it. Check quire.lock's entry for {} (git diff quire.lock), then install it again with {again}",
        entry.name
    )
}

/// What installs `entry` again when its locked marketplace entry is not
/// what its plugin was (or would be) made from; `sync` never does.
pub fn reinstall(entry: &Entry) -> String {
    match &entry.marketplace {
        Some(m) => format!(
            "`quire share update {0}` reads its marketplace entry again, or `quire plugins install {0}@{m}` installs it again",
            entry.name
        ),
        None => format!("`quire share add {}` installs it again", entry.source),
    }
}

/// Whether `entry`'s folder holds exactly what quire last installed there
/// (from an older lock: a teammate's `share update`, pulled), so replacing
/// it discards no edit of the user's.
fn as_installed(ctx: &ShareContext, entry: &Entry) -> bool {
    let dir = resolve(&ctx.root, &entry.installed);
    match installed_record::load(&ctx.records, &dir) {
        Some(recorded) => digest::of_folder(&dir).is_ok_and(|now| digest::same(&recorded, &now)),
        None => false,
    }
}

/// Why `sync` leaves `entry` alone: the files the user changed. With a
/// record of what quire installed, those are the files that differ from
/// it (not the ones only the new lock changes, named apart); without one,
/// every file that differs from the lock (`drift`).
fn local_changes(ctx: &ShareContext, entry: &Entry, drift: &Drift) -> String {
    const FORCE: &str = "`quire share sync --force` replaces them with the locked files";
    let dir = resolve(&ctx.root, &entry.installed);
    let recorded = installed_record::load(&ctx.records, &dir);
    let now = digest::of_folder(&dir).ok();
    let (Some(recorded), Some(now)) = (recorded, now) else {
        return format!("local changes ({}); {FORCE}", drift.describe());
    };
    let edits = Drift::between(&recorded, &now);
    let update = Drift::between(&recorded, &entry.files);
    let also = match update.is_clean() {
        true => String::new(),
        false => format!("; the lock also updates: {}", update.files()),
    };
    format!("local changes ({}){also}; {FORCE}", edits.describe())
}

fn restore(ctx: &ShareContext, entry: &Entry) -> Result<(), ShareError> {
    check::local_source(entry, ctx.layout, ctx.allow_local)?;
    let src = Source::parse(&entry.source);
    let revision = entry.commit.as_deref().or(entry.reference.as_deref());
    let fetched =
        source::fetch(&src, revision, ctx).map_err(|e| gone(e, entry, ctx.layout, false))?;
    let content = match &entry.subdir {
        Some(s) => fetched.dir.join(check::subdir(s)?),
        None => fetched.dir.clone(),
    };
    super::source_links::refuse_links(&fetched.dir, &content, &entry.source)?;
    check::entry(entry, ctx.layout)?;
    // Its marketplace entry merged in again, as when it was installed.
    let (content, _overlay) = match &entry.manifest {
        Some(m) if content.is_dir() => {
            let (dir, guard) = super::entry_manifest::overlay(&content, m, &ctx.scratch)?;
            (dir, Some(guard))
        }
        _ => (content, None),
    };
    // What the source is comes before what it holds: a folder that is not
    // the entry's kind is refused without naming its files.
    check::kind_matches(
        entry,
        &content,
        &format!("its source {}", source_text(entry)),
    )?;
    let files = if content.is_dir() {
        super::source_files::of_source(entry.kind, &content)?
    } else {
        Digests::new()
    };
    let drift = Drift::between(&entry.files, &files);
    if entry.manifest.is_some() && only_manifest(&drift) {
        return Err(ShareError::Invalid(format!(
            "the marketplace entry recorded in quire.lock does not make the locked {} (quire.lock edited by hand?); nothing installed. Check quire.lock's entry for {} (git diff quire.lock, git log -p quire.lock), then {}",
            super::entry_manifest::FILE,
            entry.name,
            reinstall(entry)
        )));
    }
    if !drift.is_clean() {
        let at = entry
            .commit
            .as_deref()
            .map(|c| format!(" at {}", &c[..c.len().min(12)]))
            .unwrap_or_default();
        return Err(ShareError::Invalid(format!(
            "the source {}{at} no longer matches quire.lock ({}); run `quire share add` again to take its current version",
            entry.source,
            drift.describe()
        )));
    }
    check::links(&ctx.root, &entry.installed, ctx.layout)?;
    install(ctx, &content, &files, &resolve(&ctx.root, &entry.installed))
}

/// Whether the only file that differs is the plugin.json made from the
/// lock's marketplace entry: the entry, not the source, is what changed.
fn only_manifest(drift: &Drift) -> bool {
    drift.changed == [super::entry_manifest::FILE]
        && drift.missing.is_empty()
        && drift.added.is_empty()
}

/// A locked entry's commit or ref no longer in its source: what works
/// instead (there is no `--ref` for sync or update).
pub(super) fn gone(e: ShareError, entry: &Entry, layout: Layout, updating: bool) -> ShareError {
    let ShareError::NoRevision(what) = e else {
        return e;
    };
    let user = match layout {
        Layout::Project => "",
        Layout::User => " --user",
    };
    let path = entry
        .subdir
        .as_deref()
        .map(|s| format!(" --path {s}"))
        .unwrap_or_default();
    let newest = match &entry.reference {
        _ if updating => String::new(),
        Some(r) if entry.commit.as_deref() != Some(r.as_str()) => format!(
            "`quire share{user} update {}` takes the newest commit of {r}, or ",
            entry.name
        ),
        None => format!(
            "`quire share{user} update {}` takes the newest commit of the default branch, or ",
            entry.name
        ),
        Some(_) => String::new(),
    };
    ShareError::Invalid(format!(
        "{what}; {newest}`quire share{user} add {}{path} --ref BRANCH|TAG` locks a version that exists",
        entry.source
    ))
}
