//! `cargo` run as from a shell, for tests and benches that build a helper
//! binary: without the variables cargo sets for the running test or bench
//! (ring's build script watches CARGO_MANIFEST_DIR), the inner build would
//! rebuild half the dependencies, and the next cargo command again.

use std::process::Command;

/// A `cargo` command in the `host/` crate directory with the run's
/// cargo variables removed.
pub fn cargo() -> Command {
    let mut cargo = Command::new(env!("CARGO"));
    cargo.current_dir(env!("CARGO_MANIFEST_DIR"));
    for (key, _) in std::env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        let set_for_the_run = ["CARGO_PKG_", "CARGO_BIN_EXE_", "CARGO_MANIFEST_"]
            .iter()
            .any(|p| key.starts_with(p))
            || ["CARGO_CRATE_NAME", "CARGO_PRIMARY_PACKAGE", "OUT_DIR"].contains(&key);
        if set_for_the_run {
            cargo.env_remove(key);
        }
    }
    cargo
}
