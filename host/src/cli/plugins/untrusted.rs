//! The bundles of an untrusted repository: never loaded, but `quire
//! plugins list` and `quire plugins bundles` show them as not loaded and
//! say how to trust the repository, rather than nothing.

use std::path::Path;

use quire::plugins::bundle::{self, InstalledBundle};

/// The state word of such a bundle (`--json` "state" too).
pub const STATE: &str = "untrusted";

/// The bundles in `.agents/plugins` of the repository of `cwd` when it is
/// not trusted (none when it is, or when plugins are off).
pub fn bundles(config: &quire::config::Config, cwd: &Path) -> Vec<InstalledBundle> {
    if config.project_trusted || !config.plugins.enabled {
        return Vec::new();
    }
    bundle::scan_at(Some(cwd), None).0
}

/// Why such a bundle is not loaded and what to do.
pub fn note(cwd: &Path) -> String {
    let root = quire::agent::prompt::repo_root(cwd).unwrap_or_else(|| cwd.to_path_buf());
    format!(
        "not loaded: {} is not a trusted repository; run `quire trust` there to load its plugins",
        root.display()
    )
}
