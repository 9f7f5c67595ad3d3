use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::{Record, StoreError};
use crate::protocol::Item;

/// One line of `quire sessions list`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SessionSummary {
    pub id: String,
    pub created: String,
    pub cwd: String,
    pub first_prompt: String,
    /// Messages the user sent.
    pub turns: usize,
    pub path: PathBuf,
    /// The parent session of a subagent's file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// The sessions of a folder, and the `.jsonl` files in it that are not
/// readable sessions (empty, no meta line, cannot be opened).
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// Newest first.
    pub sessions: Vec<SessionSummary>,
    pub unreadable: Vec<PathBuf>,
}

/// Every session in `dir`, newest first. Unreadable files are left out
/// ([`list_all`] names them).
pub fn list(dir: &Path) -> Result<Vec<SessionSummary>, StoreError> {
    Ok(list_all(dir)?.sessions)
}

/// Every session in `dir`, newest first, and the files that are not.
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
            Some(s) => listing.sessions.push(s),
            None => listing.unreadable.push(path),
        }
    }
    listing
        .sessions
        .sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
    listing.unreadable.sort();
    Ok(listing)
}

fn summarize(path: &Path) -> Option<SessionSummary> {
    let f = std::fs::File::open(path).ok()?;
    let mut meta = None;
    let mut first_prompt = None;
    let mut turns = 0;
    // Lines as bytes: one that is not UTF-8 is skipped, not the end.
    for line in BufReader::new(f).split(b'\n').map_while(Result::ok) {
        let Ok(line) = std::str::from_utf8(&line) else {
            continue;
        };
        // Only user messages and the header matter: skip the rest unparsed.
        if meta.is_some() && !line.contains("\"user\"") {
            continue;
        }
        match serde_json::from_str::<Record>(line.trim_end_matches('\r')) {
            Ok(Record::Meta(m)) => meta = Some(m),
            Ok(Record::Item {
                item: Item::User { text },
            }) => {
                turns += 1;
                first_prompt.get_or_insert(text);
            }
            _ => {}
        }
    }
    let first_prompt = first_prompt.unwrap_or_default();
    let meta = meta?;
    Some(SessionSummary {
        id: meta.id,
        created: meta.created,
        cwd: meta.cwd,
        first_prompt,
        turns,
        path: path.to_path_buf(),
        parent: meta.parent,
    })
}

/// The newest top-level session started in `cwd` that no other quire
/// holds open (`--resume last`: a session of another directory is never
/// continued here by accident). See [`newest_free`].
pub fn last_in(dir: &Path, cwd: &Path) -> Result<SessionSummary, StoreError> {
    let here = cwd.display().to_string();
    let mine = list(dir)?
        .into_iter()
        .filter(|s| s.parent.is_none() && s.cwd == here);
    newest_free(mine).ok_or_else(|| StoreError::NoneHere {
        cwd: here,
        dir: dir.to_path_buf(),
    })
}

/// What `last` means among `sessions` (newest first): the newest one no
/// other quire holds open; when every one is held, the newest, so that
/// resuming it is refused naming the process that holds it.
pub fn newest_free(sessions: impl IntoIterator<Item = SessionSummary>) -> Option<SessionSummary> {
    let mut newest = None;
    for s in sessions {
        if !super::lock::in_use(&s.path) {
            return Some(s);
        }
        newest.get_or_insert(s);
    }
    newest
}

/// Finds a session by `last` or by (a prefix of) its id.
pub fn find(dir: &Path, query: &str) -> Result<SessionSummary, StoreError> {
    let all = list(dir)?;
    if query == "last" {
        // The last top-level session (subagents' files are resumed
        // through their parent).
        return newest_free(all.into_iter().filter(|s| s.parent.is_none()))
            .ok_or_else(|| StoreError::NotFound(query.to_string()));
    }
    let matches: Vec<SessionSummary> = all
        .into_iter()
        .filter(|s| !query.is_empty() && s.id.starts_with(query))
        .collect();
    match <[SessionSummary; 1]>::try_from(matches) {
        Ok([only]) => Ok(only),
        Err(matches) if matches.is_empty() => Err(StoreError::NotFound(query.to_string())),
        Err(matches) => Err(StoreError::Ambiguous {
            query: query.to_string(),
            candidates: matches
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}
