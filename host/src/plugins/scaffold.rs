//! `quire plugins new NAME`: a plugin crate using `quire-sdk`.
//!
//! Stub: the template itself is written with the SDK (another change);
//! this keeps the signature the CLI calls.

use std::path::{Path, PathBuf};

use super::PluginError;

/// Creates the plugin crate `parent_dir/name` and returns its folder.
pub fn new_plugin(parent_dir: &Path, name: &str) -> Result<PathBuf, PluginError> {
    super::manifest::check_name(name).map_err(PluginError::Other)?;
    let _ = parent_dir;
    Err(PluginError::Other(
        "`quire plugins new` is not available in this build yet".into(),
    ))
}
