//! Learning from the session: when the model finds a skill (the `skill`
//! tool) or a tool (`tool_search`) that the selector did not offer for the
//! message, the message's terms are remembered for that item, and count
//! for it on later messages that share them.
//!
//! The store is one small JSON file per user
//! (`$QUIRE_HOME/cache/learned-selection.json`; deleting it forgets),
//! bounded ([`MAX_ITEMS`] items of at most [`MAX_TERMS`] terms) and
//! decaying (a term's weight halves every [`HALF_LIFE_DAYS`] days).
//! Several quire processes share it: each save re-reads the file and
//! merges (per item, the most recently updated wins) under a file lock,
//! so no process erases what another learned meanwhile.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::text;

/// Items remembered at most (the least recently updated go first).
pub const MAX_ITEMS: usize = 500;
/// Terms kept per item (the heaviest).
pub const MAX_TERMS: usize = 24;
/// A learned term's weight halves in this many days.
pub const HALF_LIFE_DAYS: f64 = 30.0;
/// The most one term's learned weight grows to.
pub const MAX_TERM_WEIGHT: f32 = 3.0;
/// What one learned term adds to a score, in units of the index's
/// [`super::Index::unit_score`] per unit of weight.
pub const LEARNED_UNIT: f32 = 0.5;
/// The file name in the cache folder.
pub const FILE: &str = "learned-selection.json";

/// Which kind of item a term was learned for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Skill,
    Tool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    kind: Kind,
    name: String,
    terms: BTreeMap<String, f32>,
    /// Seconds since the epoch.
    updated: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Store {
    version: u32,
    items: Vec<Entry>,
}

/// One term's learned part of an item's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnedTerm {
    pub term: String,
    /// The learned weight after decay.
    pub weight: f32,
}

/// See the module docs.
#[derive(Debug, Default)]
pub struct Learned {
    path: Option<PathBuf>,
    store: Mutex<Store>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Learned {
    /// A store that lives only as long as the value (tests, no home).
    pub fn in_memory() -> Learned {
        Learned::default()
    }

    /// The store in `file` (empty when it is missing or unreadable; the
    /// problem is logged, never fatal).
    pub fn open(file: PathBuf) -> Learned {
        let store = read_store(&file);
        Learned {
            path: Some(file),
            store: Mutex::new(store),
        }
    }

    /// The store beside the skills index cache folder, one per file in
    /// the process (skills and tools of a session share it, so neither
    /// overwrites what the other learned).
    pub fn beside(cache_dir: &Path) -> Arc<Learned> {
        static OPEN: Mutex<Vec<(PathBuf, Weak<Learned>)>> = Mutex::new(Vec::new());
        let Some(parent) = cache_dir.parent() else {
            return Arc::new(Learned::in_memory());
        };
        let file = parent.join(FILE);
        let mut open = OPEN.lock().unwrap_or_else(|e| e.into_inner());
        open.retain(|(_, w)| w.strong_count() > 0);
        if let Some(l) = open
            .iter()
            .find(|(p, _)| *p == file)
            .and_then(|(_, w)| w.upgrade())
        {
            return l;
        }
        let l = Arc::new(Learned::open(file.clone()));
        open.push((file, Arc::downgrade(&l)));
        l
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Remembers the terms of `message` for the item `name` and saves:
    /// the selector's own terms (stop words dropped, stemmed), without
    /// numbers (`42`, `2024`), which say nothing about what an item does.
    pub fn remember(&self, kind: Kind, name: &str, message: &str) {
        let mut terms: Vec<String> = text::terms(&text::bounded(message))
            .into_iter()
            .filter(|t| t.chars().any(char::is_alphabetic))
            .collect();
        terms.sort();
        terms.dedup();
        if terms.is_empty() {
            return;
        }
        let stamp = now();
        {
            let mut store = self.lock();
            let at = match store
                .items
                .iter()
                .position(|e| e.kind == kind && e.name == name)
            {
                Some(i) => i,
                None => {
                    store.items.push(Entry {
                        kind,
                        name: name.to_string(),
                        terms: BTreeMap::new(),
                        updated: stamp,
                    });
                    store.items.len() - 1
                }
            };
            let entry = &mut store.items[at];
            let factor = decay(entry.updated, stamp);
            for w in entry.terms.values_mut() {
                *w *= factor;
            }
            for t in terms {
                let w = entry.terms.entry(t).or_insert(0.0);
                *w = (*w + 1.0).min(MAX_TERM_WEIGHT);
            }
            if entry.terms.len() > MAX_TERMS {
                let mut by_weight: Vec<(String, f32)> =
                    std::mem::take(&mut entry.terms).into_iter().collect();
                by_weight.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                by_weight.truncate(MAX_TERMS);
                entry.terms = by_weight.into_iter().collect();
            }
            entry.updated = stamp;
            if store.items.len() > MAX_ITEMS {
                store.items.sort_by_key(|e| std::cmp::Reverse(e.updated));
                store.items.truncate(MAX_ITEMS);
            }
        }
        self.save();
    }

    /// Writes the store, merged with what other processes saved since it
    /// was read ([`merge`]), under a lock on a file beside it; the merged
    /// store is kept in memory too.
    fn save(&self) {
        let Some(path) = &self.path else { return };
        if let Some(parent) = path.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            tracing::warn!(file = %path.display(), error = %e, "learned selection terms not saved");
            return;
        }
        // Advisory: without the lock (a file system without locks) the
        // merge still keeps what was on disk a moment before.
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path.with_extension("json.lock"));
        if let Ok(f) = &lock
            && let Err(e) = f.lock()
        {
            tracing::debug!(error = %e, "learned selection store not locked");
        }
        let bytes = {
            let mut store = self.lock();
            merge(&mut store, read_store(path));
            match serde_json::to_vec(&*store) {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(error = %e, "learned selection terms not serialised");
                    return;
                }
            }
        };
        // A name of this process's own: two never write one temp file.
        static SAVES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = SAVES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = path.with_extension(format!("json.{}.{n}.tmp", std::process::id()));
        // Terms of the user's messages: only the user reads them.
        let written =
            crate::owner_only::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            tracing::warn!(file = %path.display(), error = %e, "learned selection terms not saved");
        }
        drop(lock);
    }

    /// For every item of `kind` with learned terms among `query` (terms and
    /// their query weights): its name and the matching terms with their
    /// decayed weights.
    pub fn matches(&self, kind: Kind, query: &[(String, f32)]) -> Vec<(String, Vec<LearnedTerm>)> {
        let stamp = now();
        let store = self.lock();
        store
            .items
            .iter()
            .filter(|e| e.kind == kind)
            .filter_map(|e| {
                let factor = decay(e.updated, stamp);
                let hits: Vec<LearnedTerm> = query
                    .iter()
                    .filter_map(|(t, qw)| {
                        e.terms.get(t).map(|w| LearnedTerm {
                            term: t.clone(),
                            weight: w * factor * qw,
                        })
                    })
                    .collect();
                (!hits.is_empty()).then(|| (e.name.clone(), hits))
            })
            .collect()
    }

    /// Whether anything was learned for `kind` (so scoring can skip it).
    pub fn has(&self, kind: Kind) -> bool {
        self.lock().items.iter().any(|e| e.kind == kind)
    }
}

/// The store in `file` (empty when it is missing or unreadable).
fn read_store(file: &Path) -> Store {
    match std::fs::read(file) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            tracing::warn!(file = %file.display(), error = %e, "learned selection terms unreadable; starting afresh");
            Store::default()
        }),
        Err(_) => Store::default(),
    }
}

/// Merges `disk` (the file as another process may have saved it) into
/// `store`: an item only one has is kept, one both have is taken from the
/// one updated last; then the store is bounded again.
fn merge(store: &mut Store, disk: Store) {
    for theirs in disk.items {
        match store
            .items
            .iter_mut()
            .find(|e| e.kind == theirs.kind && e.name == theirs.name)
        {
            Some(ours) if ours.updated < theirs.updated => *ours = theirs,
            Some(_) => {}
            None => store.items.push(theirs),
        }
    }
    if store.items.len() > MAX_ITEMS {
        store.items.sort_by_key(|e| std::cmp::Reverse(e.updated));
        store.items.truncate(MAX_ITEMS);
    }
}

/// The decay factor from `then` to `now` (seconds).
fn decay(then: u64, now: u64) -> f32 {
    let days = now.saturating_sub(then) as f64 / 86_400.0;
    0.5f64.powf(days / HALF_LIFE_DAYS) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_terms_bounded_and_saved() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cache").join(FILE);
        let l = Learned::open(file.clone());
        l.remember(
            Kind::Skill,
            "invoice-organizer",
            "sort the receipt pile for taxes, all 42 of them",
        );
        l.remember(Kind::Skill, "invoice-organizer", "receipts again");
        let q = vec![("receipt".to_string(), 1.0), ("tax".to_string(), 1.0)];
        let m = l.matches(Kind::Skill, &q);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].0, "invoice-organizer");
        let receipt = m[0].1.iter().find(|t| t.term == "receipt").unwrap();
        assert!(receipt.weight > 1.9 && receipt.weight <= 2.0, "{receipt:?}");
        assert!(l.matches(Kind::Tool, &q).is_empty());
        // Stop words and numbers are not learned.
        let noise = vec![("the".to_string(), 1.0), ("42".to_string(), 1.0)];
        assert!(l.matches(Kind::Skill, &noise).is_empty());
        // Saved and read back.
        let again = Learned::open(file);
        assert_eq!(again.matches(Kind::Skill, &q).len(), 1);
        let long: String = (0..60).map(|i| format!("word{i} ")).collect();
        again.remember(Kind::Tool, "mcp__x__y", &long);
        let all: Vec<(String, f32)> = (0..60).map(|i| (format!("word{i}"), 1.0)).collect();
        assert_eq!(again.matches(Kind::Tool, &all)[0].1.len(), MAX_TERMS);
    }

    #[test]
    fn two_processes_keep_each_others_terms() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE);
        // Both open the store before either learns (a session left open,
        // then `quire exec` in another terminal).
        let a = Learned::open(file.clone());
        let b = Learned::open(file.clone());
        b.remember(
            Kind::Skill,
            "linked-skill",
            "produce the quarterly gadget summary",
        );
        a.remember(Kind::Skill, "rocket-launch", "zebra crossing paperwork");
        let after = Learned::open(file.clone());
        let gadget = vec![("gadget".to_string(), 1.0)];
        let zebra = vec![("zebra".to_string(), 1.0)];
        assert_eq!(after.matches(Kind::Skill, &gadget)[0].0, "linked-skill");
        assert_eq!(after.matches(Kind::Skill, &zebra)[0].0, "rocket-launch");
        // The one that saved last sees the other's terms too.
        assert_eq!(a.matches(Kind::Skill, &gadget).len(), 1);
        // Per item, the newest wins.
        let mut store = Store::default();
        let entry = |updated, term: &str| Entry {
            kind: Kind::Skill,
            name: "x".into(),
            terms: [(term.to_string(), 1.0)].into_iter().collect(),
            updated,
        };
        store.items.push(entry(10, "old"));
        merge(
            &mut store,
            Store {
                version: 0,
                items: vec![entry(20, "new")],
            },
        );
        assert!(store.items[0].terms.contains_key("new"));
        // No temp file is left behind.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty());
    }

    #[test]
    fn weights_decay_with_age_and_bad_files_are_ignored() {
        assert!((decay(0, (HALF_LIFE_DAYS * 86_400.0) as u64) - 0.5).abs() < 1e-3);
        assert_eq!(decay(100, 100), 1.0);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE);
        std::fs::write(&file, "not json").unwrap();
        let l = Learned::open(file);
        assert!(!l.has(Kind::Skill));
    }
}
