//! `npx`, `pnpm`, `yarn` and `bunx` in a hook run a package's program
//! from the workspace's `node_modules/.bin` before any on `PATH` (quire
//! cleans `PATH`, not their own lookup), and a sandboxed command may
//! write `node_modules`. [`NodeBins::record`] keeps, at session start,
//! what `node_modules` and its `.bin` hold (each entry's target, size and
//! time); when a hook naming one of those runners is about to run and
//! they changed, [`NodeBins::warning`] says so, once a session.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Runners that look in the workspace's `node_modules` first.
const RUNNERS: &[&str] = &["npx", "pnpm", "pnpx", "yarn", "bunx", "bun", "npm"];

/// An entry: its link target (if a link), its size and change time.
type Stamp = (Option<PathBuf>, u64, i64, i64);

/// What the workspace's `node_modules` held when the session started.
#[derive(Debug)]
pub(crate) struct NodeBins {
    roots: Vec<PathBuf>,
    recorded: BTreeMap<PathBuf, Stamp>,
    warned: AtomicBool,
}

impl NodeBins {
    /// `node_modules` and its `.bin` in each of `roots` (the hooks' cwd
    /// and the repository root).
    pub(crate) fn record(roots: &[&Path]) -> NodeBins {
        let mut list: Vec<PathBuf> = roots.iter().map(|r| r.to_path_buf()).collect();
        list.dedup();
        NodeBins {
            recorded: snapshot(&list),
            roots: list,
            warned: AtomicBool::new(false),
        }
    }

    /// The warning for the hook `label` running `command`, when it names
    /// a runner and `node_modules` changed since the start (said once).
    pub(crate) fn warning(&self, label: &str, command: &str) -> Option<String> {
        if self.warned.load(Ordering::SeqCst) || !names_runner(command) {
            return None;
        }
        let now = snapshot(&self.roots);
        let mut changed: Vec<&PathBuf> = now
            .iter()
            .filter(|(p, s)| self.recorded.get(*p) != Some(s))
            .map(|(p, _)| p)
            .chain(self.recorded.keys().filter(|p| !now.contains_key(*p)))
            .collect();
        if changed.is_empty() || self.warned.swap(true, Ordering::SeqCst) {
            return None;
        }
        changed.sort();
        changed.dedup();
        let shown: Vec<String> = changed
            .iter()
            .take(5)
            .map(|p| {
                let root = self.roots.iter().find(|r| p.starts_with(r));
                root.and_then(|r| p.strip_prefix(r).ok())
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect();
        let more = match changed.len() > 5 {
            true => format!(" and {} more", changed.len() - 5),
            false => String::new(),
        };
        Some(format!(
            "node_modules in the workspace changed during this session ({}{more}), possibly by the model's commands: the hook `{label}` runs outside the sandbox, and npx, pnpm, yarn and bunx run a package's program from the workspace's node_modules before any on PATH. Check node_modules, or have the hook name the program by its full path",
            shown.join(", ")
        ))
    }
}

/// Whether `command` names a runner that looks in `node_modules`.
pub(crate) fn names_runner(command: &str) -> bool {
    command
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '`'))
        .map(|w| w.trim_matches(|c| matches!(c, '"' | '\'')))
        .any(|w| RUNNERS.contains(&w.rsplit('/').next().unwrap_or(w)))
}

/// Every root's `node_modules`, its `.bin` and each `.bin` entry.
fn snapshot(roots: &[PathBuf]) -> BTreeMap<PathBuf, Stamp> {
    let mut out = BTreeMap::new();
    for root in roots {
        let modules = root.join("node_modules");
        let bin = modules.join(".bin");
        for path in [&modules, &bin] {
            if let Some(s) = stamp(path) {
                out.insert(path.clone(), s);
            }
        }
        let Ok(list) = std::fs::read_dir(&bin) else {
            continue;
        };
        for item in list.flatten() {
            let path = item.path();
            if let Some(s) = stamp(&path) {
                out.insert(path, s);
            }
        }
    }
    out
}

/// `path`'s link target, and the size and times of what it names.
fn stamp(path: &Path) -> Option<Stamp> {
    let own = path.symlink_metadata().ok()?;
    let target = own
        .file_type()
        .is_symlink()
        .then(|| std::fs::read_link(path).ok())
        .flatten();
    let meta = path.metadata().unwrap_or(own);
    Some((target, meta.size(), meta.mtime(), meta.ctime()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runners_are_found_by_their_word() {
        assert!(names_runner("npx --no-install prettier --write ."));
        assert!(names_runner("cd x && /usr/bin/pnpm dlx y"));
        assert!(!names_runner("echo npxy; git status"));
    }
}
