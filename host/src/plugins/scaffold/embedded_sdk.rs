//! The plugin SDK embedded in the binary (`host/build/sdk.rs`): written into
//! a new plugin crate as `quire-sdk/`, since the SDK is not on crates.io.

use std::borrow::Cow;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/sdk_files.rs"));
}

/// The SDK's folder inside the new crate.
pub(super) const FOLDER: &str = "quire-sdk";

/// `(path inside the new crate, contents)` of every file of the SDK.
pub(super) fn files() -> Vec<(String, Cow<'static, str>)> {
    let mut files: Vec<(String, Cow<'static, str>)> = generated::FILES
        .iter()
        .map(|(rel, text)| (format!("{FOLDER}/{rel}"), Cow::Borrowed(*text)))
        .collect();
    files.push((
        format!("{FOLDER}/Cargo.toml"),
        Cow::Borrowed(generated::CARGO_TOML),
    ));
    files
}

/// The dependency versions the SDK builds with.
pub(super) const LOCK: &str = generated::LOCK;
