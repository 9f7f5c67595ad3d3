//! A bundle pinned in a `quire.lock` must still have the locked files; one
//! that drifted is not loaded (its hooks, MCP servers, agents, commands and
//! WASM components would run changed code nobody approved) and its skills
//! are flagged, until it is synced or the change approved with `quire
//! share update`.
//!
//! A repository's bundles (`<repo>/.agents/plugins/NAME`) are pinned in
//! `<repo>/quire.lock`; the user's (`~/.agents/plugins/NAME`) in the user's
//! own lock, `$QUIRE_HOME/quire.lock` — or, from older versions, in
//! `~/quire.lock` until `quire share --user` or `quire plugins install
//! --scope user` moves them ([`crate::share::legacy`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::share::digest::{self, Drift};
use crate::share::{Kind, LockFile};
use crate::skills::Skill;

/// Why `bundle` may not be loaded, when its files differ from its lock.
pub fn drift(bundle: &super::Bundle) -> Option<String> {
    drift_at(&bundle.root)
}

/// [`drift`] of the bundle installed at `root` (`…/.agents/plugins/NAME`,
/// pinned under the folder's name).
pub fn drift_at(root: &Path) -> Option<String> {
    let name = root.file_name()?.to_string_lossy().into_owned();
    let entry = locks_of(root)
        .into_iter()
        .filter_map(|dir| LockFile::load(&dir).ok())
        .find_map(|lock| lock.find(Kind::Bundle, &name).cloned())?;
    // A folder that cannot be read as plain files (a named pipe in it)
    // says why, not that every file is missing, and what removes it.
    let now = match digest::of_folder(root) {
        Ok(now) => now,
        Err(e) => {
            return Some(match e.removal() {
                Some(removal) => format!("{NOT_PLAIN}{removal}"),
                None => format!("its files cannot be read to check them: {e}"),
            });
        }
    };
    let d = Drift::between(&entry.files, &now);
    (!d.is_clean()).then(|| format!("its files differ from quire.lock ({})", d.describe()))
}

/// How [`drift_at`] begins when the folder holds what is not a plain
/// file: `quire share sync` refuses such a folder, so it is removed first.
const NOT_PLAIN: &str = "its files cannot be checked against quire.lock: ";

/// What to run about plugin `name`, drifted for `why` ([`drift`]).
pub fn fix_hint(name: &str, why: &str) -> String {
    if why.starts_with(NOT_PLAIN) {
        return "then `quire share sync --force` restores any locked file that changed".into();
    }
    format!(
        "`quire share sync --force` restores it, `quire share update {name}` reviews and takes the new version"
    )
}

/// Flags the skills of drifted bundles: selection never activates them
/// on its own and `quire skills list` shows why.
pub fn flag_skills(skills: &mut [Skill]) {
    let mut seen: HashMap<PathBuf, Option<String>> = HashMap::new();
    for skill in skills.iter_mut().filter(|s| s.drift.is_none()) {
        let Some(root) = bundle_root_of(&skill.dir) else {
            continue;
        };
        let why = seen
            .entry(root.clone())
            .or_insert_with(|| drift_at(&root))
            .clone();
        if let (Some(why), Some(name)) = (why, root.file_name()) {
            let name = name.to_string_lossy();
            let hint = fix_hint(&name, &why);
            skill.drift = Some(format!("plugin {name}: {why}; {hint}"));
        }
    }
}

/// `…/.agents/plugins/NAME` holding `dir`.
fn bundle_root_of(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| {
            let plugins = d.parent();
            plugins
                .and_then(Path::file_name)
                .is_some_and(|n| n == "plugins")
                && plugins
                    .and_then(Path::parent)
                    .and_then(Path::file_name)
                    .is_some_and(|n| n == ".agents")
        })
        .map(Path::to_path_buf)
}

/// The folders whose `quire.lock` may pin the bundle at `root`: the
/// user's lock for `~/.agents/plugins/NAME` (then the old `~/quire.lock`),
/// else the repository's `<repo>/quire.lock`.
fn locks_of(root: &Path) -> Vec<PathBuf> {
    let Some(agents) = root.parent().and_then(Path::parent) else {
        return Vec::new();
    };
    let Some(base) = agents.parent() else {
        return Vec::new();
    };
    let user = super::user_plugins_dir();
    let is_user = user
        .as_deref()
        .is_some_and(|u| same(u, &agents.join("plugins")));
    if is_user {
        vec![crate::config::quire_home(), base.to_path_buf()]
    } else {
        vec![base.to_path_buf()]
    }
}

fn same(a: &Path, b: &Path) -> bool {
    a == b || std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok() && a.exists()
}
