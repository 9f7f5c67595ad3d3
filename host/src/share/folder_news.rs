//! What upstream added to a folder that was added whole (`quire share add
//! SOURCE --path DIR`, recorded as each entry's `folder`): `share update`
//! names each new skill or plugin with the command that adds it. They are
//! not installed by the update: a new skill is new text in every session's
//! prompt (maybe with scripts) that nobody reviewed yet, an update's "yes"
//! (or `--yes` in CI) accepts changes to what was already chosen, and a
//! skill removed from the folder on purpose would come back with every
//! update.

use std::collections::BTreeSet;

use super::install::{AddOptions, stage};
use super::lock::{Kind, Layout};
use super::{ShareContext, ShareError, check};

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
/// entry's ref: what each holds now that the lock does not name, or why
/// it could not be read (keyed by `SOURCE --path DIR`). Nothing is
/// written under the lock's folder. Entries whose source may not be
/// fetched are left out (their update says why); a lock with an entry
/// outside its folder is refused ([`check::load`]).
pub fn scan(ctx: &ShareContext) -> Result<Vec<Scanned>, ShareError> {
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
            subdir: Some(folder.clone()),
            // Only read: nothing installed, nothing replaced.
            force: true,
            marketplace: None,
            name: None,
        };
        let shown = format!("{} --path {folder}", e.source);
        let news = stage(ctx, &opts)
            .map_err(|err| err.to_string())
            .map(|staged| FolderNews {
                found: staged
                    .items
                    .iter()
                    .map(|(new, _)| new)
                    .filter(|new| lock.find(new.kind, &new.name).is_none())
                    .map(|new| {
                        let path = new.subdir.clone().unwrap_or_else(|| folder.clone());
                        let cmd = add_command(ctx.layout, &e.source, e.reference.as_deref(), &path);
                        (new.kind, new.name.clone(), cmd)
                    })
                    .collect(),
                folder,
            });
        out.push((shown, news));
    }
    Ok(out)
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
