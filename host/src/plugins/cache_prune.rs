//! Keeping the compiled-code cache bounded: code compiled by another quire
//! build (another engine) is dropped once it is a day old, left-over
//! temporary files once they are an hour old, and when the cache passes
//! its size limit the least recently used entries go first (a cache hit
//! refreshes an entry's modification time).

use std::path::Path;
use std::time::{Duration, SystemTime};

/// The size the cache is brought under.
pub const MAX_BYTES: u64 = 1024 * 1024 * 1024;
/// Age after which another engine's code is dropped.
pub const OTHER_ENGINE_AGE: Duration = Duration::from_secs(24 * 3600);
/// Age after which an unfinished temporary file is dropped.
pub const TMP_AGE: Duration = Duration::from_secs(3600);

/// Marks `entry` as just used.
pub fn touch(entry: &Path) {
    let now = std::fs::FileTimes::new().set_modified(SystemTime::now());
    if let Err(e) = std::fs::File::options()
        .append(true)
        .open(entry)
        .and_then(|f| f.set_times(now))
    {
        tracing::debug!(entry = %entry.display(), "cache entry not touched: {e}");
    }
}

/// Prunes `dir` (see the module docs). `engine_prefix` starts the names of
/// the current engine's entries; `keep` is never removed. Returns the
/// number of files removed. Errors are logged, never returned: a cache
/// that cannot be pruned still works.
pub fn prune(dir: &Path, engine_prefix: &str, keep: &Path, max_bytes: u64) -> usize {
    let Ok(read) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    let age = |m: &std::fs::Metadata| {
        m.modified()
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .unwrap_or_default()
    };
    let mut removed = 0;
    let mut live: Vec<(SystemTime, u64, std::path::PathBuf)> = Vec::new();
    for e in read.flatten() {
        let path = e.path();
        let Ok(meta) = e.metadata() else { continue };
        if !meta.is_file() || path == keep {
            if path == keep {
                live.push((now, meta.len(), path));
            }
            continue;
        }
        let name = e.file_name().to_string_lossy().into_owned();
        let stale = if name.ends_with(".cwasm") {
            !name.starts_with(engine_prefix) && age(&meta) > OTHER_ENGINE_AGE
        } else {
            name.contains(".tmp") && age(&meta) > TMP_AGE
        };
        if stale {
            removed += remove(&path);
        } else if name.ends_with(".cwasm") {
            live.push((meta.modified().unwrap_or(now), meta.len(), path));
        }
    }
    let mut total: u64 = live.iter().map(|l| l.1).sum();
    live.sort_by_key(|l| l.0);
    for (_, len, path) in live {
        if total <= max_bytes {
            break;
        }
        if path == keep {
            continue;
        }
        removed += remove(&path);
        total = total.saturating_sub(len);
    }
    removed
}

fn remove(path: &Path) -> usize {
    match std::fs::remove_file(path) {
        Ok(()) => {
            tracing::debug!(file = %path.display(), "pruned from the plugin cache");
            1
        }
        Err(e) => {
            tracing::debug!(file = %path.display(), "not pruned: {e}");
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &Path, name: &str, bytes: usize, age: Duration) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, vec![0u8; bytes]).unwrap();
        let t = std::fs::FileTimes::new().set_modified(SystemTime::now() - age);
        std::fs::File::options()
            .append(true)
            .open(&p)
            .unwrap()
            .set_times(t)
            .unwrap();
        p
    }

    #[test]
    fn old_engines_and_leftovers_go_and_the_least_recently_used_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let hour = Duration::from_secs(3600);
        let old_engine = file(d, "aaaa-1.cwasm", 10, 25 * hour);
        let young_other = file(d, "aaaa-2.cwasm", 10, hour);
        let tmp = file(d, "bbbb-3.tmp123", 10, 2 * hour);
        let fresh_tmp = file(d, "bbbb-4.tmp456", 10, Duration::ZERO);
        let lru = file(d, "bbbb-5.cwasm", 100, 5 * hour);
        let recent = file(d, "bbbb-6.cwasm", 100, hour);
        let keep = file(d, "bbbb-7.cwasm", 100, 9 * hour);
        touch(&recent);
        let removed = prune(d, "bbbb", &keep, 250);
        assert_eq!(removed, 3);
        assert!(!old_engine.exists() && !tmp.exists() && !lru.exists());
        for p in [&young_other, &fresh_tmp, &recent, &keep] {
            assert!(p.exists(), "{} was removed", p.display());
        }
        assert_eq!(prune(d, "bbbb", &keep, 250), 0);
        assert_eq!(prune(&d.join("missing"), "bbbb", &keep, 0), 0);
    }
}
