//! The loader a session's skill selection calls every turn: discovery with
//! parsed skills cached by file, size and mtime, so folders are re-checked
//! each turn (edits apply without a restart) while unchanged `SKILL.md`
//! files are not parsed again.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use super::discover::{
    DiscoverOptions, Discovery, all_roots, assemble, finish, parse_candidate, scan,
};
use super::parse::ParseError;
use super::select::Loader;
use super::{Scope, Skill};

type Key = (PathBuf, PathBuf, Scope);
type Entry = (u64, Option<SystemTime>, Result<Skill, ParseError>);

/// Discovery that re-parses only the files that changed since last time.
pub struct CachedDiscovery {
    opts: DiscoverOptions,
    cache: Mutex<HashMap<Key, Entry>>,
}

impl CachedDiscovery {
    pub fn new(opts: DiscoverOptions) -> Self {
        CachedDiscovery {
            opts,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The same result as [`super::discover`], with unchanged files taken
    /// from the cache.
    pub fn discover(&self) -> Discovery {
        let (roots, mut skipped) = all_roots(&self.opts);
        let (candidates, scan_skipped) = scan(&roots);
        skipped.extend(scan_skipped);
        let mut cache = match self.cache.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut fresh: HashMap<Key, Entry> = HashMap::with_capacity(candidates.len());
        let parsed = candidates
            .iter()
            .map(|c| {
                let root = roots.get(c.root);
                let key = (
                    c.file.clone(),
                    root.map(|r| r.path.clone()).unwrap_or_default(),
                    root.map(|r| r.scope).unwrap_or(Scope::Configured),
                );
                let meta = std::fs::metadata(&c.file).ok();
                let size = meta.as_ref().map(|m| m.len()).unwrap_or(0);
                let mtime = meta.as_ref().and_then(|m| m.modified().ok());
                let result = match cache.remove(&key) {
                    Some((s, m, r)) if s == size && m == mtime && mtime.is_some() => r,
                    _ => parse_candidate(c, &roots),
                };
                fresh.insert(key, (size, mtime, result.clone()));
                result
            })
            .collect();
        *cache = fresh;
        finish(&self.opts, assemble(roots, &candidates, parsed, skipped))
    }

    /// A selection [`Loader`] over this discovery.
    pub fn loader(self: Arc<Self>) -> Loader {
        Arc::new(move || self.discover().skills)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::{BundledSkills, discover};

    fn write(dir: &std::path::Path, name: &str, description: &str) {
        let d = dir.join(name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("SKILL.md"),
            format!("---\nname: {name}\ndescription: {description}\n---\n# {name}\n"),
        )
        .unwrap();
    }

    #[test]
    fn cached_discovery_matches_discovery_and_sees_edits() {
        let home = tempfile::tempdir().unwrap();
        let cwd = tempfile::tempdir().unwrap();
        let skills = home.path().join("skills");
        write(&skills, "alpha", "First skill.");
        write(&skills, "beta", "Second skill.");
        let mut opts = DiscoverOptions::new(
            cwd.path().into(),
            None,
            home.path().into(),
            &Default::default(),
        );
        opts.bundled = BundledSkills::None;
        let cached = CachedDiscovery::new(opts.clone());
        let names = |d: &Discovery| d.skills.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&cached.discover()), names(&discover(&opts)));
        assert_eq!(names(&cached.discover()), vec!["alpha", "beta"]);
        // An edit (new size) is seen on the next call.
        std::fs::write(
            skills.join("beta/SKILL.md"),
            "---\nname: beta\ndescription: Second skill, now longer.\n---\n",
        )
        .unwrap();
        let again = cached.discover();
        assert_eq!(again.skills[1].description, "Second skill, now longer.");
        write(&skills, "gamma", "Third.");
        assert_eq!(names(&cached.discover()).len(), 3);
    }
}
