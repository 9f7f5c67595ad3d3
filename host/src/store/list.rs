use std::path::Path;

use super::StoreError;
use super::copies::{Copy, named_for, set_apart};
use super::reader::LoadedSession;
use super::summary::{SessionSummary, Unreadable, summarize};

/// The sessions of a folder, and the `.jsonl` files in it that are not
/// readable sessions (empty, no meta line, cannot be opened, not a
/// regular file).
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// The most recently used first.
    pub sessions: Vec<SessionSummary>,
    /// By path.
    pub unreadable: Vec<Unreadable>,
    /// Files holding a session another file holds under its own name (a
    /// copy, a foreign file): not among `sessions`. By path.
    pub copies: Vec<Copy>,
}

/// Every session in `dir`, the most recently used first. Unreadable files are left out
/// ([`list_all`] names them).
pub fn list(dir: &Path) -> Result<Vec<SessionSummary>, StoreError> {
    Ok(list_all(dir)?.sessions)
}

/// Every session in `dir`, the most recently used first, and the files that are not.
pub fn list_all(dir: &Path) -> Result<Listing, StoreError> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Listing::default()),
        Err(source) => {
            return Err(StoreError::Io {
                action: "read",
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut listing = Listing::default();
    for path in rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
    {
        match summarize(&path) {
            Ok(s) => listing.sessions.push(s),
            Err(u) => listing.unreadable.push(u),
        }
    }
    (listing.sessions, listing.copies) = set_apart(std::mem::take(&mut listing.sessions));
    listing.sessions.sort_by(by_activity);
    listing.unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(listing)
}

/// The sessions `last` may mean among `sessions`, the most recently used
/// first: those a listing shows ([`super::listed`]: top-level, with at
/// least one message; a `/new` never used, or one whose only message was
/// taken back, is no conversation to go back to), ordered by their file's
/// last write (a resumed session that went on counts from then, not from
/// when it began), then by creation.
pub fn by_last_use(sessions: impl IntoIterator<Item = SessionSummary>) -> Vec<SessionSummary> {
    let mut used: Vec<SessionSummary> = sessions.into_iter().filter(super::listed).collect();
    used.sort_by(by_activity);
    used
}

/// The order of every listing (`sessions list`, the resume pickers) and
/// of `last`: the most recently used first — by the file's last write,
/// then by creation — so the conversation `--resume last` continues is
/// the first one listed.
fn by_activity(a: &SessionSummary, b: &SessionSummary) -> std::cmp::Ordering {
    b.modified
        .cmp(&a.modified)
        .then_with(|| b.created.cmp(&a.created))
        .then_with(|| b.id.cmp(&a.id))
}

/// The most recently used session started in `cwd` (`--resume last`: a
/// session of another directory is never continued here by accident).
/// See [`by_last_use`]. Whether it can be continued (another quire may
/// hold it) is for [`claim`] to say: `last` never means an older session
/// because the newest cannot go on.
pub fn last_in(dir: &Path, cwd: &Path) -> Result<SessionSummary, StoreError> {
    let here = cwd.display().to_string();
    by_last_use(list(dir)?.into_iter().filter(|s| s.cwd == here))
        .into_iter()
        .next()
        .ok_or_else(|| nothing_to_resume(dir, cwd))
}

/// Why `last` finds nothing to resume in `cwd`: a damaged session file
/// (its meta line, which says the directory, unreadable) may have been
/// this directory's last session, so the newest one is named; otherwise
/// there is none.
pub fn nothing_to_resume(dir: &Path, cwd: &Path) -> StoreError {
    let here = cwd.display().to_string();
    let modified = |u: &Unreadable| {
        std::fs::symlink_metadata(&u.path)
            .and_then(|m| m.modified())
            .ok()
    };
    let newest = list_all(dir)
        .ok()
        .and_then(|l| l.unreadable.into_iter().max_by_key(modified));
    match newest {
        Some(u) => StoreError::LastDamaged {
            cwd: here,
            path: u.path,
            reason: u.reason,
        },
        None => StoreError::NoneHere {
            others: list(dir)
                .map(|l| by_last_use(l.into_iter().filter(|s| s.cwd != here)).len())
                .unwrap_or(0),
            cwd: here,
            dir: dir.to_path_buf(),
        },
    }
}

/// Finds a session by `last` or by the start or the end of its id. Ids
/// are UUIDv7: their first 8 digits are the time and shared by every
/// session begun within about a minute, their last digits are random, so
/// the end of an id (8 digits, as `/agents` shows a subagent's) names one
/// session where its start may not.
pub fn find(dir: &Path, query: &str) -> Result<SessionSummary, StoreError> {
    let Listing {
        sessions: all,
        unreadable,
        ..
    } = list_all(dir)?;
    if query == "last" {
        // The last used top-level session (subagents' files are resumed
        // through their parent).
        return by_last_use(all)
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::NotFound(query.to_string()));
    }
    let matches: Vec<SessionSummary> = all
        .into_iter()
        .filter(|s| {
            !query.is_empty()
                && (s.id.starts_with(query) || (query.len() >= 4 && s.id.ends_with(query)))
        })
        .collect();
    match <[SessionSummary; 1]>::try_from(matches) {
        Ok([only]) => Ok(only),
        Err(matches) if matches.is_empty() => {
            Err(damaged(query, unreadable)
                .unwrap_or_else(|| StoreError::NotFound(query.to_string())))
        }
        Err(matches) => Err(several(query, matches)),
    }
}

/// Why `query` names no one session among `matches` (two or more): they
/// are several sessions, or several files of one session (none of them,
/// or more than one, named for its id: see `copies`), named by path.
fn several(query: &str, matches: Vec<SessionSummary>) -> StoreError {
    let mut ids: Vec<&str> = matches.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    if let [id] = ids.as_slice() {
        let mut paths: Vec<String> = matches
            .iter()
            .map(|s| s.path.display().to_string())
            .collect();
        paths.sort();
        let named = matches.iter().filter(|s| named_for(&s.path, id)).count();
        return StoreError::Duplicated {
            id: id.to_string(),
            paths: paths.join(", "),
            named,
        };
    }
    StoreError::Ambiguous {
        query: query.to_string(),
        candidates: ids.join(", "),
    }
}

/// The session `query` names to be continued in `cwd`: `last` as
/// [`last_in`], an id as [`find`]; a session started in another directory
/// is refused (its history speaks of that directory's files).
pub fn resumable(dir: &Path, cwd: &Path, query: &str) -> Result<SessionSummary, StoreError> {
    if query == "last" {
        return last_in(dir, cwd);
    }
    let found = find(dir, query)?;
    if found.cwd != cwd.display().to_string() {
        return Err(StoreError::OtherDirectory {
            gone: !Path::new(&found.cwd).is_dir(),
            id: found.id,
            cwd: found.cwd,
            here: cwd.display().to_string(),
        });
    }
    Ok(found)
}

/// [`resumable`], read, and for `last` claimed: the most recently used
/// session started in `cwd` ([`by_last_use`]) is locked before it is read,
/// so two quires resuming `last` at the same moment cannot both go on with
/// it. When it cannot be continued — another quire holds it, or its file
/// cannot be opened for writing — it is refused naming the session, its
/// file and why ([`StoreError::Busy`], [`StoreError::NotWritable`]): an
/// older session is never continued in its place, where a message meant
/// for the last conversation would land unseen.
///
/// `here` (`--here`, an id only): the session is continued in `cwd`
/// whatever folder it was started in — a project moved or renamed, its
/// old folder gone — with a warning naming both.
pub fn claim(dir: &Path, cwd: &Path, query: &str, here: bool) -> Result<LoadedSession, StoreError> {
    if here && query != "last" {
        let found = find(dir, query)?;
        let mut loaded = super::load(&found.path)?;
        let now = cwd.display().to_string();
        if found.cwd != now {
            loaded.warnings.push(format!(
                "session {} was started in {}; continuing it in {now} (--here): what its history says of files speaks of that folder",
                found.id, found.cwd
            ));
        }
        return Ok(loaded);
    }
    if query != "last" {
        return super::load(&resumable(dir, cwd, query)?.path);
    }
    let newest = last_in(dir, cwd)?;
    let file = super::lock::claim(&newest.path, &newest.id)?;
    let mut loaded = super::load(&newest.path)?;
    loaded.held = Some(std::sync::Arc::new(file));
    passed_over(dir, &newest, &mut loaded);
    Ok(loaded)
}

/// A damaged session file written after `chosen` (its meta line, which
/// says its directory, unreadable: it may have been this directory's
/// last session) is named in `loaded`'s warnings: `last` did not continue
/// it, and the user should know which conversation goes on.
fn passed_over(dir: &Path, chosen: &SessionSummary, loaded: &mut LoadedSession) {
    let modified = |p: &Path| std::fs::symlink_metadata(p).and_then(|m| m.modified()).ok();
    let Some(damaged) = list_all(dir).ok().and_then(|l| {
        l.unreadable
            .into_iter()
            .filter(|u| modified(&u.path) > chosen.modified)
            .max_by_key(|u| modified(&u.path))
    }) else {
        return;
    };
    loaded.warnings.push(format!(
        "the newest session file {} cannot be resumed ({}): continuing the last readable session here, {}; to continue another, pass its id (`quire resume` lists them)",
        damaged.path.display(),
        damaged.reason,
        chosen.id
    ));
}

/// A session file whose name carries an id starting with `query` but
/// that holds no readable session (`STAMP-ID.jsonl`, as the writer names
/// them).
fn damaged(query: &str, unreadable: Vec<Unreadable>) -> Option<StoreError> {
    if query.is_empty() {
        return None;
    }
    unreadable.into_iter().find_map(|u| {
        let stem = u.path.file_stem()?.to_str()?;
        let (_, id) = stem.split_once('-')?;
        id.starts_with(query).then(|| StoreError::Damaged {
            query: query.to_string(),
            path: u.path,
            reason: u.reason,
        })
    })
}
