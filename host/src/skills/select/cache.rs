//! The on-disk index cache: `$QUIRE_HOME/cache/skills-index/<roots>.bin`,
//! one file per set of skill roots. Each entry is one `SKILL.md`, keyed by
//! its path, size and mtime (plus a hash of its indexed text), with its
//! tokenized terms, so a warm start only stats files and reads this file.
//! The [`KEEP_FILES`] most recently used files are kept (a file's mtime is
//! its last use); older ones are deleted when a new one is written, so a
//! repository of its own (another set of roots) does not add a copy for
//! ever.
//!
//! A compact binary format (little endian): the magic `QSKI`, a version,
//! the tokenizer's fingerprint ([`fingerprint`]), the term dictionary,
//! then the documents. Anything unreadable, of another version or made by
//! another tokenizer is treated as no cache: an upgraded quire indexes
//! again instead of scoring with terms its vocabulary no longer makes.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::index::Index;
use super::text::fnv;
use crate::skills::Skill;

const MAGIC: &[u8; 4] = b"QSKI";
/// Bump when the layout changes (changes of the vocabulary file, of the
/// selection code in `src/skills/select/`, of the stop words and of quire's
/// version are caught by [`fingerprint`]).
const VERSION: u32 = 4;

/// Cache files kept (one per set of skill roots in use lately).
pub const KEEP_FILES: usize = 8;

/// What the cached terms depend on: the vocabulary file and the selection
/// code (hashed at build time), the stop words and quire's version.
fn fingerprint() -> u64 {
    super::vocab::TEXT_HASH ^ super::text::terms_fingerprint() ^ fnv(env!("CARGO_PKG_VERSION"))
}

/// One cached document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CachedDoc {
    pub path: PathBuf,
    pub size: u64,
    pub mtime_ns: u64,
    pub hash: u64,
    pub len: f32,
    pub terms: Vec<(u32, f32)>,
}

/// A decoded cache file. Documents are in the order they were indexed;
/// [`CacheFile::take`] finds one by position first (discovery is
/// deterministic, so the order rarely changes), else by path.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CacheFile {
    pub terms: Vec<String>,
    pub docs: Vec<Option<CachedDoc>>,
    by_path: Option<HashMap<PathBuf, usize>>,
}

impl CacheFile {
    /// Takes out the document for `path`, expected at position `at`.
    pub fn take(&mut self, at: usize, path: &Path) -> Option<CachedDoc> {
        if let Some(Some(d)) = self.docs.get(at)
            && d.path.as_os_str() == path.as_os_str()
        {
            return self.docs[at].take();
        }
        if self.by_path.is_none() {
            let map = self
                .docs
                .iter()
                .enumerate()
                .filter_map(|(i, d)| d.as_ref().map(|d| (d.path.clone(), i)))
                .collect();
            self.by_path = Some(map);
        }
        let i = *self.by_path.as_ref()?.get(path)?;
        self.docs.get_mut(i)?.take()
    }
}

/// The folder of index caches under `home` (`$QUIRE_HOME`).
pub fn dir_in(home: &Path) -> PathBuf {
    home.join("cache").join("skills-index")
}

/// The cache file for the roots `skills` come from.
pub(crate) fn file_for(dir: &Path, skills: &[Skill]) -> PathBuf {
    let roots: BTreeSet<&Path> = skills.iter().map(|s| s.root.as_path()).collect();
    let joined: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
    dir.join(format!("{:016x}.bin", fnv(&joined.join("\n"))))
}

/// Reads a cache file; `None` when it is missing, of another version or
/// damaged.
pub(crate) fn load(path: &Path) -> Option<CacheFile> {
    let bytes = std::fs::read(path).ok()?;
    let decoded = decode(&bytes);
    if decoded.is_none() {
        tracing::warn!(file = %path.display(), "skills index cache unreadable; rebuilding");
    } else {
        // Used now: pruning keeps the files used last.
        let _ = std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()));
    }
    decoded
}

/// Deletes the cache files in `dir` beyond the [`KEEP_FILES`] used last
/// (never `keep`, the one just written).
fn prune(dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "bin") && p != keep)
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    for (_, old) in files.iter().skip(KEEP_FILES.saturating_sub(1)) {
        if let Err(e) = std::fs::remove_file(old) {
            tracing::debug!(file = %old.display(), error = %e, "old skills index cache not deleted");
        }
    }
}

/// Writes `index` to `path` atomically (a temp file, then rename).
pub(crate) fn save(path: &Path, index: &Index) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let bytes = encode(index);
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    if let Some(parent) = path.parent() {
        prune(parent, path);
    }
    Ok(())
}

fn encode(index: &Index) -> Vec<u8> {
    // Only terms some document uses, renumbered densely.
    let mut remap: Vec<Option<u32>> = vec![None; index.terms.len()];
    let mut used: Vec<&str> = Vec::new();
    for d in &index.docs {
        for &(id, _) in &d.terms {
            let slot = &mut remap[id as usize];
            if slot.is_none() {
                *slot = Some(used.len() as u32);
                used.push(&index.terms[id as usize]);
            }
        }
    }
    let mut out = Vec::with_capacity(64 + index.docs.len() * 512);
    out.extend_from_slice(MAGIC);
    put_u32(&mut out, VERSION);
    out.extend_from_slice(&fingerprint().to_le_bytes());
    put_u32(&mut out, used.len() as u32);
    for t in used {
        put_bytes(&mut out, t.as_bytes());
    }
    put_u32(&mut out, index.docs.len() as u32);
    for d in &index.docs {
        put_bytes(&mut out, &path_bytes(&d.key.path));
        out.extend_from_slice(&d.key.size.to_le_bytes());
        out.extend_from_slice(&d.key.mtime_ns.to_le_bytes());
        out.extend_from_slice(&d.key.hash.to_le_bytes());
        out.extend_from_slice(&d.len.to_le_bytes());
        put_u32(&mut out, d.terms.len() as u32);
        for &(id, tf) in &d.terms {
            put_u32(&mut out, remap[id as usize].unwrap_or(0));
            out.extend_from_slice(&tf.to_le_bytes());
        }
    }
    out
}

fn decode(bytes: &[u8]) -> Option<CacheFile> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != MAGIC || r.u32()? != VERSION || r.take(8)? != fingerprint().to_le_bytes() {
        return None;
    }
    let n_terms = r.u32()? as usize;
    let mut terms = Vec::with_capacity(n_terms.min(1 << 20));
    for _ in 0..n_terms {
        terms.push(String::from_utf8(r.bytes()?.to_vec()).ok()?);
    }
    let n_docs = r.u32()? as usize;
    let mut docs = Vec::with_capacity(n_docs.min(1 << 20));
    for _ in 0..n_docs {
        let path = bytes_path(r.bytes()?);
        let size = r.u64()?;
        let mtime_ns = r.u64()?;
        let hash = r.u64()?;
        let len = r.f32()?;
        let n = r.u32()? as usize;
        let mut dt = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            let id = r.u32()?;
            if id as usize >= terms.len() {
                return None;
            }
            dt.push((id, r.f32()?));
        }
        docs.push(Some(CachedDoc {
            path,
            size,
            mtime_ns,
            hash,
            len,
            terms: dt,
        }));
    }
    (r.at == bytes.len()).then_some(CacheFile {
        terms,
        docs,
        by_path: None,
    })
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u32(out, b.len() as u32);
    out.extend_from_slice(b);
}

#[cfg(unix)]
fn path_bytes(p: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    p.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(p: &Path) -> Vec<u8> {
    p.to_string_lossy().into_owned().into_bytes()
}

#[cfg(unix)]
fn bytes_path(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

#[cfg(not(unix))]
fn bytes_path(b: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(b).into_owned())
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn f32(&mut self) -> Option<f32> {
        Some(f32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::select::testing::{skill, write};

    #[test]
    fn a_warm_build_reuses_unchanged_files_only() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("skills");
        let cache = tmp.path().join("cache");
        let mut skills: Vec<Skill> = ["pdf-forms", "docker-compose", "release-notes"]
            .iter()
            .map(|n| write(&root, skill(n, &format!("Work with {n}."))).unwrap())
            .collect();
        let (cold, s1) = Index::build(&skills, Some(&cache));
        assert_eq!(
            (s1.from_cache, s1.tokenized, s1.cache_written),
            (0, 3, true)
        );

        let (warm, s2) = Index::build(&skills, Some(&cache));
        assert_eq!(
            (s2.from_cache, s2.tokenized, s2.cache_written),
            (3, 0, false)
        );
        let q = warm.query("debug my compose file", None);
        assert_eq!(warm.scores(&q), cold.scores(&q));

        // An edit changes the size: only that skill is tokenized again.
        skills[1].description = "Write, lint and debug docker compose stacks.".into();
        skills[1] = write(&root, skills[1].clone()).unwrap();
        let (edited, s3) = Index::build(&skills, Some(&cache));
        assert_eq!(
            (s3.from_cache, s3.tokenized, s3.cache_written),
            (2, 1, true)
        );
        let q = edited.query("lint the stack", None);
        assert!(edited.scores(&q)[1] > 0.0);

        // Another order (found by path) and one skill fewer: all reused.
        let reordered: Vec<Skill> = skills.iter().rev().skip(1).cloned().collect();
        let (r, s) = Index::build(&reordered, Some(&cache));
        assert_eq!((s.from_cache, s.tokenized, s.cache_written), (2, 0, true));
        assert_eq!(r.docs[0].key.path, reordered[0].file);
    }

    #[test]
    fn only_the_cache_files_used_last_are_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        // A set of roots per repository: one cache file each.
        let sets: Vec<Vec<Skill>> = (0..KEEP_FILES + 3)
            .map(|i| {
                let root = tmp.path().join(format!("repo{i}"));
                vec![write(&root, skill(&format!("s{i}"), "A skill.")).unwrap()]
            })
            .collect();
        let bins = || {
            std::fs::read_dir(&cache)
                .unwrap()
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "bin"))
                .count()
        };
        for (i, set) in sets.iter().enumerate() {
            Index::build(set, Some(&cache));
            // The first set is used again all along: it stays.
            let (_, s) = Index::build(&sets[0], Some(&cache));
            assert!(i == 0 || s.from_cache == 1, "set 0 pruned at {i}");
        }
        assert_eq!(bins(), KEEP_FILES);
        assert!(file_for(&cache, &sets[0]).exists());
        assert!(file_for(&cache, &sets[KEEP_FILES + 2]).exists());
        assert!(!file_for(&cache, &sets[1]).exists());
    }

    /// One skill indexed with a cache: the temporary folder, the skill,
    /// the cache folder and its file.
    fn one_cached_skill() -> (tempfile::TempDir, Vec<Skill>, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let skills = vec![write(tmp.path(), skill("pdf-forms", "PDF forms.")).unwrap()];
        let cache = tmp.path().join("cache");
        Index::build(&skills, Some(&cache));
        let file = file_for(&cache, &skills);
        (tmp, skills, cache, file)
    }

    #[test]
    fn a_damaged_cache_is_ignored() {
        let (_tmp, skills, cache, file) = one_cached_skill();
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&file, &bytes).unwrap();
        let (index, stats) = Index::build(&skills, Some(&cache));
        assert_eq!((stats.from_cache, stats.tokenized), (0, 1));
        assert_eq!(index.len(), 1);
        std::fs::write(&file, b"garbage").unwrap();
        assert!(load(&file).is_none());
    }

    #[test]
    fn a_cache_made_with_another_vocabulary_is_built_again() {
        let (_tmp, skills, cache, file) = one_cached_skill();
        let mut bytes = std::fs::read(&file).unwrap();
        assert!(load(&file).is_some());
        // The fingerprint follows the magic and the version.
        assert_eq!(bytes[8..16], fingerprint().to_le_bytes());
        bytes[8] ^= 0xff;
        std::fs::write(&file, &bytes).unwrap();
        assert!(load(&file).is_none());
        let (index, stats) = Index::build(&skills, Some(&cache));
        assert_eq!(
            (stats.from_cache, stats.tokenized, stats.cache_written),
            (0, 1, true)
        );
        assert!(index.scores(&index.query("fill a pdf form", None))[0] > 0.0);
        assert!(load(&file).is_some());
    }
}
