//! A bundle installed into a repository's `.agents/plugins/NAME` and
//! pinned in its `quire.lock` must still have the locked files; one that
//! drifted is not loaded (its hooks and MCP servers would run changed
//! code nobody approved).

use std::path::Path;

use crate::share::digest::{self, Drift};
use crate::share::{Kind, LockFile};

/// Why `bundle` may not be loaded, when its files differ from the lock of
/// the repository it is installed in.
pub fn drift(bundle: &super::Bundle) -> Option<String> {
    let root = lock_root(&bundle.root)?;
    let lock = LockFile::load(&root).ok()?;
    let entry = lock.find(Kind::Bundle, &bundle.name)?;
    let now = digest::of_folder(&bundle.root).unwrap_or_default();
    let d = Drift::between(&entry.files, &now);
    (!d.is_clean()).then(|| format!("its files differ from quire.lock ({})", d.describe()))
}

/// `<root>` of `<root>/.agents/plugins/NAME`.
fn lock_root(bundle_root: &Path) -> Option<std::path::PathBuf> {
    let plugins = bundle_root.parent()?;
    let agents = plugins.parent()?;
    (plugins.file_name()? == "plugins" && agents.file_name()? == ".agents")
        .then(|| agents.parent().map(Path::to_path_buf))
        .flatten()
}
