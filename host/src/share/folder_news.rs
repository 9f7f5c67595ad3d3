//! What upstream added to a folder that was added whole (`quire share add
//! SOURCE --path DIR`, recorded as each entry's `folder`): `share update`
//! names each skill or plugin that appeared there upstream since the
//! commit the lock holds (compared with git, so one the user removed is
//! not news), with the command that adds it. They are
//! not installed by the update: a new skill is new text in every session's
//! prompt (maybe with scripts) that nobody reviewed yet, an update's "yes"
//! (or `--yes` in CI) accepts changes to what was already chosen, and a
//! skill removed from the folder on purpose would come back with every
//! update.

use std::collections::BTreeSet;

use super::install::{AddOptions, Staged, stage};
use super::lock::{Entry, Kind, Layout, TOP_FOLDER};
use super::{ShareContext, ShareError, check, git};

/// One folder of a source and what it holds upstream that is not locked.
#[derive(Debug, Clone, PartialEq)]
pub struct FolderNews {
    /// The folder inside the source (`--path DIR`).
    pub folder: String,
    /// Each new skill or plugin: its kind, name and the command that adds it.
    pub found: Vec<(Kind, String, String)>,
}

/// A folder as `SOURCE --path DIR`, with what is new in it or why it
/// could not be read.
pub type Scanned = (String, Result<FolderNews, String>);

/// The folders the lock's entries were added with, each fetched at its
/// entry's ref: the skills and plugins that appeared in each since the
/// commits `before` locked (the lock's entries as they were before this
/// update), and that the lock does not name, or why a folder could not be
/// read (keyed by `SOURCE --path DIR`). What was in the folder at a locked
/// commit is no news: a skill removed from the lock on purpose stays
/// unmentioned. A folder without history (a local folder, an MCP server)
/// or whose locked commit is gone upstream is compared with the lock
/// only. Nothing is written under the lock's folder. Entries whose source
/// may not be fetched are left out (their update says why); a lock with
/// an entry outside its folder is refused ([`check::load`]).
pub fn scan(ctx: &ShareContext, before: &[Entry]) -> Result<Vec<Scanned>, ShareError> {
    let lock = check::load(&ctx.root, ctx.layout)?;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for e in &lock.entries {
        let Some(folder) = e.folder.clone() else {
            continue;
        };
        if !seen.insert((e.source.clone(), e.reference.clone(), folder.clone()))
            || check::local_source(e, ctx.layout, ctx.allow_local).is_err()
        {
            continue;
        }
        let opts = AddOptions {
            source: e.source.clone(),
            reference: e.reference.clone(),
            subdir: (folder != TOP_FOLDER).then(|| folder.clone()),
            // Only read: nothing installed, nothing replaced.
            force: true,
            marketplace: None,
            name: None,
            manifest: None,
        };
        let shown = match folder.as_str() {
            TOP_FOLDER => e.source.clone(),
            _ => format!("{} --path {folder}", e.source),
        };
        let news = stage(ctx, &opts)
            .map_err(|err| err.to_string())
            .map(|staged| {
                let was = there_before(&staged, e, &folder, before, &lock.entries);
                FolderNews {
                    found: staged
                        .items
                        .iter()
                        .map(|(new, _)| new)
                        .filter(|new| lock.find(new.kind, &new.name).is_none())
                        .filter(|new| {
                            let path = new.subdir.as_deref().unwrap_or(folder.as_str());
                            !was.contains(path)
                        })
                        .map(|new| {
                            let path = new.subdir.clone().unwrap_or_else(|| folder.clone());
                            let cmd =
                                add_command(ctx.layout, &e.source, e.reference.as_deref(), &path);
                            (new.kind, new.name.clone(), cmd)
                        })
                        .collect(),
                    folder,
                }
            });
        out.push((shown, news));
    }
    Ok(out)
}

/// The folders `folder` of `e`'s source held (`folder/child`) at each
/// commit locked for it before the update (`before`, else the lock as it
/// is now): read with git in the clone just fetched. A locked commit the
/// clone no longer has is skipped; empty when there is nothing to compare
/// with (no history), so only the lock says what is new.
fn there_before(
    staged: &Staged,
    e: &Entry,
    folder: &str,
    before: &[Entry],
    now: &[Entry],
) -> BTreeSet<String> {
    let Some((clone, _)) = staged.checkout() else {
        return BTreeSet::new();
    };
    let same = |o: &&Entry| {
        o.source == e.source && o.reference == e.reference && o.folder.as_deref() == Some(folder)
    };
    let mut group: Vec<&Entry> = before.iter().filter(same).collect();
    if group.is_empty() {
        group = now.iter().filter(same).collect();
    }
    let commits: BTreeSet<&str> = group.iter().filter_map(|o| o.commit.as_deref()).collect();
    let mut was = BTreeSet::new();
    for commit in commits {
        match git::folders_at(clone, commit, folder) {
            Ok(folders) => was.extend(folders),
            Err(err) => tracing::debug!(%commit, %folder, "locked commit not readable: {err}"),
        }
    }
    was
}

/// `quire share [--user] add SOURCE [--ref REF] --path PATH`.
fn add_command(layout: Layout, source: &str, reference: Option<&str>, path: &str) -> String {
    let user = match layout {
        Layout::Project => "",
        Layout::User => " --user",
    };
    let reference = reference.map(|r| format!(" --ref {r}")).unwrap_or_default();
    format!("quire share{user} add {source}{reference} --path {path}")
}
