//! `quire share add | remove`: a source staged (fetched and read), then
//! committed (copied into place and locked).

use std::path::{Path, PathBuf};

use super::digest::{self, Digests, Drift};
use super::found::{detect, plugin_name};
use super::lock::{Entry, Kind, Layout, LockFile, resolve};
use super::source::{self, Source};
use super::{ShareContext, ShareError};
use super::{check, installed_record};

/// What `add` installs.
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    /// A folder or a git URL.
    pub source: String,
    /// A branch, tag or commit (git).
    pub reference: Option<String>,
    /// A folder inside the source.
    pub subdir: Option<String>,
    /// Replace a folder of the same name that `quire share` did not
    /// install (or that has local changes).
    pub force: bool,
    /// The marketplace a plugin bundle comes from (recorded in the lock).
    pub marketplace: Option<String>,
    /// The name of a plugin without a manifest at the source itself (a
    /// marketplace entry's name); else it is named after its folder.
    pub name: Option<String>,
    /// A marketplace entry that is (part of) the plugin's manifest (JSON
    /// object text), merged into the copy installed
    /// ([`super::entry_manifest`]).
    pub manifest: Option<String>,
}

/// Installs the skill or plugin at the source (or each one directly
/// inside it) into `.quire/skills|plugins/NAME` under the repository root
/// and records it in its `quire.lock`.
pub fn add(ctx: &ShareContext, opts: &AddOptions) -> Result<Vec<Entry>, ShareError> {
    // The lock is rewritten with every entry it holds: one outside its
    // folder refuses the add before anything is fetched.
    let lock = LockFile::load(&ctx.root)?;
    check::before_writing(&lock, &ctx.root, ctx.layout, "added")?;
    let staged = stage(ctx, opts)?;
    if !opts.force {
        for (entry, dir) in &staged.items {
            too_big(entry, dir)?;
        }
    }
    for (entry, _) in &staged.items {
        let twin = lock.entries.iter().find(|e| {
            e.kind == entry.kind
                && e.name != entry.name
                && e.source == entry.source
                && e.subdir == entry.subdir
                // Marketplace entries sharing one folder (anthropics/skills'
                // `"source": "./"`) are plugins of their own.
                && e.manifest == entry.manifest
        });
        if let Some(twin) = twin {
            return Err(ShareError::Invalid(format!(
                "{} is already installed as {} {}; `quire share update {}` takes its newest version (or `quire share remove {}` first to add it under another name)",
                source_text(entry),
                twin.kind.label(),
                twin.name,
                twin.name,
                twin.name
            )));
        }
        replaced_by_entry(&lock, opts, entry)?;
        if let Some(other) = other_source(&lock, entry)
            && !opts.force
        {
            if same_folder(&ctx.root, other, entry) {
                return Err(ShareError::Invalid(format!(
                    "{} {} is already installed from {}, which is the folder {} names; `quire share update {}` takes its newest files (`quire share list` shows it)",
                    entry.kind.label(),
                    entry.name,
                    source_text(other),
                    source_text(entry),
                    entry.name
                )));
            }
            return Err(ShareError::Invalid(format!(
                "{} {} is already installed from {}, and {} is another {} of that name; `quire share remove {}` first (or pass --force) to replace it",
                entry.kind.label(),
                entry.name,
                source_text(other),
                source_text(entry),
                entry.kind.label(),
                entry.name
            )));
        }
    }
    commit(ctx, &staged, |_| true)
}

/// Refuses (without --force) a marketplace entry whose plugin is named
/// otherwise than the entry (its plugin.json's `name`) when a different
/// install of that plugin is there: entries `kit` and `kit-v1` (another
/// ref) both named `kit` would replace each other unnoticed.
fn replaced_by_entry(lock: &LockFile, opts: &AddOptions, entry: &Entry) -> Result<(), ShareError> {
    let (Some(market), Some(asked)) = (&opts.marketplace, &opts.name) else {
        return Ok(());
    };
    let Some(old) = lock.find(entry.kind, &entry.name) else {
        return Ok(());
    };
    let same = old.source == entry.source
        && old.subdir == entry.subdir
        && old.reference == entry.reference
        && old.manifest == entry.manifest;
    if opts.force || *asked == entry.name || same {
        return Ok(());
    }
    let at = old
        .reference
        .as_deref()
        .map(|r| format!(" at {r}"))
        .unwrap_or_default();
    Err(ShareError::Invalid(format!(
        "marketplace {market}'s entry {asked} is the plugin {name} (the name its plugin.json gives), and {name} is already installed from {}{at}, another install; installing {asked} would replace it: pass --force to replace it, or `quire plugins remove {name}` first",
        source_text(old),
        name = entry.name,
    )))
}

/// The largest file `add` takes without --force (50 MiB): a shared skill
/// is copied into every clone and hashed when sessions start.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// Refuses a staged entry holding a file over [`MAX_FILE_BYTES`].
fn too_big(entry: &Entry, dir: &Path) -> Result<(), ShareError> {
    for rel in entry.files.keys() {
        let len = std::fs::metadata(dir.join(rel)).map_or(0, |m| m.len());
        if len > MAX_FILE_BYTES {
            return Err(ShareError::Invalid(format!(
                "{} {}: {} is {} a shared file may have (it would be copied into every clone and hashed at every start); keep large data out of shared skills and plugins, or pass --force to add it anyway",
                entry.kind.label(),
                entry.name,
                crate::printable::quoted_name(rel),
                over_limit(len)
            )));
        }
    }
    Ok(())
}

/// "N MiB, more than the 50 MiB", or in bytes when whole MiB would read
/// as no more than the limit.
fn over_limit(len: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if len / MIB > MAX_FILE_BYTES / MIB {
        format!(
            "{} MiB, more than the {} MiB",
            len / MIB,
            MAX_FILE_BYTES / MIB
        )
    } else {
        format!(
            "{len} bytes, more than the {MAX_FILE_BYTES} bytes ({} MiB)",
            MAX_FILE_BYTES / MIB
        )
    }
}

/// Where `entry` comes from, as `quire share add` takes it: `SOURCE` or
/// `SOURCE --path SUBDIR`.
pub fn source_text(entry: &Entry) -> String {
    match &entry.subdir {
        Some(s) => format!("{} --path {s}", entry.source),
        None => entry.source.clone(),
    }
}

/// The locked entry of `entry`'s kind and name when it comes from another
/// source: installing `entry` would replace a different skill or plugin.
pub fn other_source<'a>(lock: &'a LockFile, entry: &Entry) -> Option<&'a Entry> {
    lock.find(entry.kind, &entry.name)
        .filter(|e| e.source != entry.source || e.subdir != entry.subdir)
}

/// Whether two entries' folder sources (a folder and the subfolder taken
/// from it) name the same folder, written differently (`../mk` with
/// `--path plugins/beta`, or `../mk/plugins/beta`).
fn same_folder(root: &Path, a: &Entry, b: &Entry) -> bool {
    let place = |e: &Entry| -> Option<PathBuf> {
        let Source::Path(p) = Source::parse(&e.source) else {
            return None;
        };
        let full = root.join(p).join(e.subdir.as_deref().unwrap_or(""));
        Some(std::fs::canonicalize(&full).unwrap_or(full))
    };
    matches!((place(a), place(b)), (Some(x), Some(y)) if x == y)
}

/// A source fetched and read, nothing installed yet: each skill or plugin
/// found, with the lock entry it would get.
pub struct Staged {
    /// Each entry with the folder its files come from.
    pub items: Vec<(Entry, PathBuf)>,
    /// Keeps a git checkout alive until the items are installed.
    fetched: source::Fetched,
    /// Keeps the copy with a marketplace entry's manifest merged in.
    _overlay: Option<super::leftovers::Scratch>,
}

impl Staged {
    /// The folder or checkout fetched (before any subfolder is taken).
    pub(super) fn root(&self) -> &Path {
        &self.fetched.dir
    }

    /// The git clone the items come from and the commit checked out
    /// (`None` for a folder or an MCP server, which have no history).
    pub fn checkout(&self) -> Option<(&Path, &str)> {
        let commit = self.fetched.commit.as_deref()?;
        Some((self.fetched.dir.as_path(), commit))
    }
}

/// Fetches the source and reads what it holds, without writing anything
/// under the repository (see [`commit`]).
pub fn stage(ctx: &ShareContext, opts: &AddOptions) -> Result<Staged, ShareError> {
    super::leftovers::sweep(ctx);
    let root = ctx.root.as_path();
    let src = Source::parse(&opts.source);
    src.refuse_secret("quire.lock")?;
    if !matches!(src, Source::Git(_)) && opts.reference.is_some() {
        return Err(ShareError::Invalid(
            "--ref is for git sources; a folder or an MCP server is taken as it is".into(),
        ));
    }
    let subdir = opts.subdir.as_deref().map(check::subdir).transpose()?;
    let fetched = source::fetch(&src, opts.reference.as_deref(), ctx)?;
    let content = match &subdir {
        Some(s) => fetched.dir.join(s),
        None => fetched.dir.clone(),
    };
    // Links first: nothing is read through one.
    super::source_links::refuse_links(&fetched.dir, &content, src.text())?;
    if !content.is_dir() {
        return Err(ShareError::Invalid(format!(
            "{} has no folder '{}'",
            src.text(),
            subdir.unwrap_or_default()
        )));
    }
    // A marketplace entry that is (part of) the plugin's manifest: a copy
    // with it merged in is what is read and installed.
    let (content, overlay) = match &opts.manifest {
        Some(m) => {
            let (dir, guard) = super::entry_manifest::overlay(&content, m, &ctx.scratch)?;
            (dir, Some(guard))
        }
        None => (content, None),
    };
    let mut found = detect(&content, opts.name.as_deref())?;
    // A git checkout's folder has a temporary name: a bundle at its root
    // without a manifest name is named after the repository instead.
    let checkout = fetched.dir.file_name().map(|n| n.to_string_lossy());
    if let (Some(repo), None) = (src.repo_name().and_then(plugin_name), &subdir) {
        for item in found.iter_mut().filter(|i| i.child.is_none()) {
            if checkout.as_deref() == Some(item.name.as_str()) {
                item.name = repo.clone();
            }
        }
    }
    let lock = LockFile::load(root)?;
    let mut items = Vec::new();
    for item in found {
        let installed = format!("{}/{}", item.kind.folder(ctx.layout), item.name);
        if !opts.force {
            check_replace(
                root,
                item.kind,
                lock.find(item.kind, &item.name),
                &installed,
            )?;
        }
        let files = super::source_files::of_source(item.kind, &item.dir)?;
        let inner = match (&subdir, &item.child) {
            (Some(s), Some(c)) => Some(format!("{s}/{c}")),
            (Some(s), None) => Some(s.clone()),
            (None, c) => c.clone(),
        };
        let entry = Entry {
            kind: item.kind,
            name: item.name,
            source: src.text().to_string(),
            reference: opts.reference.clone(),
            subdir: inner,
            // Found inside the folder asked for: `update` looks there for
            // what upstream adds ([`super::folder_news`]).
            folder: item.child.as_ref().map(|_| {
                subdir
                    .clone()
                    .unwrap_or_else(|| super::lock::TOP_FOLDER.to_string())
            }),
            commit: fetched.commit.clone(),
            installed,
            files,
            marketplace: opts.marketplace.clone(),
            hooks: Default::default(),
            mcp_servers: Vec::new(),
            grants: Vec::new(),
            manifest: opts
                .manifest
                .clone()
                .filter(|_| item.kind == Kind::Bundle && item.child.is_none()),
        };
        items.push((super::bundle_entry::describe(entry, &item.dir), item.dir));
    }
    Ok(Staged {
        items,
        fetched,
        _overlay: overlay,
    })
}

/// Installs the staged items `keep` accepts and records them in the lock;
/// the entries installed.
pub fn commit(
    ctx: &ShareContext,
    staged: &Staged,
    keep: impl Fn(&Entry) -> bool,
) -> Result<Vec<Entry>, ShareError> {
    let root = ctx.root.as_path();
    // Read again under the writers' lock: another `share add` may have
    // recorded an entry since this one staged.
    let (mut lock, _writing) = LockFile::load_for_writing(root)?;
    check::before_writing(&lock, root, ctx.layout, "installed")?;
    let mut added = Vec::new();
    for (entry, dir) in staged.items.iter().filter(|(e, _)| keep(e)) {
        let entry = with_folder(&lock, entry);
        check::links(root, &entry.installed, ctx.layout)?;
        install(ctx, dir, &entry.files, &resolve(root, &entry.installed))?;
        lock.put(entry.clone());
        added.push(entry);
    }
    lock.save(root)?;
    Ok(added)
}

/// `entry` keeping the `folder` its locked self was added with (same
/// source and subdir): an update, or adding one skill of a folder added
/// whole again, fetches only that skill's own folder, which holds no
/// folder of skills, and `update` still looks in the folder for what
/// upstream adds ([`super::folder_news`]).
fn with_folder(lock: &LockFile, entry: &Entry) -> Entry {
    let mut entry = entry.clone();
    if entry.folder.is_none()
        && let Some(old) = lock
            .find(entry.kind, &entry.name)
            .filter(|old| old.source == entry.source && old.subdir == entry.subdir)
    {
        entry.folder = old.folder.clone();
    }
    entry
}

pub(super) fn not_locked(name: &str) -> String {
    format!(
        "nothing named '{name}' is in {}; `quire share list` shows what is",
        super::lock::FILE
    )
}

/// Refuses to replace `installed` when it holds files quire would lose: a
/// folder `quire share` did not install, or one with local changes.
pub(super) fn check_replace(
    root: &Path,
    kind: Kind,
    locked: Option<&Entry>,
    installed: &str,
) -> Result<(), ShareError> {
    let dir = resolve(root, installed);
    if std::fs::symlink_metadata(&dir).is_err() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(ShareError::Invalid(not_a_folder(kind, installed)));
    }
    let Some(entry) = locked else {
        return Err(ShareError::Invalid(format!(
            "{installed} already exists and was not installed by `quire share`; move it away or pass --force to replace it"
        )));
    };
    let drift = Drift::between(&entry.files, &digest::of_folder(&dir)?);
    if drift.changed.is_empty() && drift.added.is_empty() {
        return Ok(());
    }
    Err(ShareError::Invalid(format!(
        "{installed} has local changes ({}); pass --force to discard them",
        drift.describe()
    )))
}

fn not_a_folder(kind: Kind, installed: &str) -> String {
    format!(
        "{installed} is a file, not the {} folder; move it away or pass --force to replace it",
        kind.label()
    )
}

/// Removes every installed skill or plugin named `name` and its lock
/// entry; the kinds removed. Local changes are kept (an error) unless
/// `force`.
pub fn remove(
    root: &Path,
    layout: Layout,
    name: &str,
    force: bool,
) -> Result<Vec<Kind>, ShareError> {
    let (mut lock, _writing) = LockFile::load_for_writing(root)?;
    // The whole lock, as verify and update check it: an entry outside
    // its folder anywhere in it means it may come from an untrusted
    // change, and nothing is removed or written.
    check::before_writing(&lock, root, layout, "removed")?;
    let gone: Vec<Entry> = lock
        .entries
        .iter()
        .filter(|e| e.name == name)
        .cloned()
        .collect();
    if gone.is_empty() {
        return Err(ShareError::Invalid(not_locked(name)));
    }
    if !force {
        for e in &gone {
            check_replace(root, e.kind, Some(e), &e.installed)?;
        }
    }
    for e in &gone {
        let dir = resolve(root, &e.installed);
        if std::fs::symlink_metadata(&dir).is_ok() {
            remove_any(&dir).map_err(|err| ShareError::Io {
                path: dir.clone(),
                message: err.to_string(),
            })?;
        }
    }
    lock.entries.retain(|e| e.name != name);
    lock.save(root)?;
    Ok(gone.iter().map(|e| e.kind).collect())
}

/// Copies the files listed in `files` from `from` to `to`, replacing what
/// is there; the new copy is assembled beside it and renamed into place,
/// and what was installed is recorded ([`installed_record`]).
pub(super) fn install(
    ctx: &ShareContext,
    from: &Path,
    files: &Digests,
    to: &Path,
) -> Result<(), ShareError> {
    install_files(from, files, to)?;
    installed_record::save(&ctx.records, to, files);
    Ok(())
}

fn install_files(from: &Path, files: &Digests, to: &Path) -> Result<(), ShareError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| ShareError::Io {
            path,
            message: e.to_string(),
        }
    };
    if to.is_dir() && std::fs::canonicalize(from).ok() == std::fs::canonicalize(to).ok() {
        return Ok(());
    }
    let parent = to.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let name = to
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tag = format!("{}-{}", std::process::id(), fastrand::u32(..));
    let tmp = parent.join(format!(".{name}.new-{tag}"));
    let old = parent.join(format!(".{name}.old-{tag}"));
    // Removed however this ends: an error, or Ctrl-C while copying.
    let staged = super::leftovers::Scratch::new(tmp.clone());
    let result = (|| {
        for rel in files.keys() {
            if super::leftovers::interrupted() {
                return Err(ShareError::Invalid("interrupted".into()));
            }
            let dst = tmp.join(rel);
            if let Some(d) = dst.parent() {
                std::fs::create_dir_all(d).map_err(io(d))?;
            }
            std::fs::copy(from.join(rel), &dst).map_err(io(&dst))?;
        }
        std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
        if std::fs::symlink_metadata(to).is_ok() {
            std::fs::rename(to, &old).map_err(io(to))?;
        }
        std::fs::rename(&tmp, to).map_err(io(to))
    })();
    drop(staged);
    let kept = std::fs::symlink_metadata(&old).is_ok();
    if result.is_err() && kept && std::fs::symlink_metadata(to).is_err() {
        let _ = std::fs::rename(&old, to);
    }
    if std::fs::symlink_metadata(&old).is_ok() {
        remove_any(&old).map_err(io(&old))?;
    }
    result
}

/// Removes a folder with what it holds, or a file or link itself.
fn remove_any(path: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(path)?.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_just_over_the_limit_is_told_in_bytes() {
        assert_eq!(
            super::over_limit(52_428_801),
            "52428801 bytes, more than the 52428800 bytes (50 MiB)"
        );
        assert_eq!(
            super::over_limit(60 * 1024 * 1024),
            "60 MiB, more than the 50 MiB"
        );
    }
}
