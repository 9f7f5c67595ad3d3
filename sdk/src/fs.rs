//! What a plugin may see of the file system.
//!
//! Files are read and written with `std::fs` as usual; the host only lets
//! a plugin reach the directories its `plugin.toml` grants
//! (`[permissions] fs`), read-only or read-write. [`granted_dirs`] says
//! which ones those are, by the path the plugin sees them at.

/// The directories this plugin was granted, as paths to use with
/// `std::fs`. Empty outside a plugin (on the host target).
pub fn granted_dirs() -> Vec<String> {
    #[cfg(target_arch = "wasm32")]
    {
        wasip2::filesystem::preopens::get_directories()
            .into_iter()
            .map(|(descriptor, path)| {
                drop(descriptor);
                path
            })
            // The host also opens a granted workspace as `.` (so relative
            // paths work): the same folder, already listed by its path.
            .filter(|path| path != ".")
            .collect()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        Vec::new()
    }
}
