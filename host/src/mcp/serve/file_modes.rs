//! The mode of each file of a served skill, as git records it (`100755`
//! executable, `100644` any other), sent in the skill entry's `_meta`
//! (`skills/list`, `skills/get`) under [`META_KEY`], keyed by the file's
//! `skill://` URI: the skills extension's manifest has digests and sizes
//! only, and a script shared without its executable bit cannot be run as
//! its SKILL.md says. Written by `quire mcp serve`, read by `quire share
//! add mcp:…`; a file (or a server) with no mode is a plain file.

use std::collections::BTreeMap;
use std::path::Path;

use rmcp::model::MetaObject;
use serde_json::Value;

/// The `_meta` key of a skill entry holding its files' modes.
pub const META_KEY: &str = "quire/fileModes";
/// An executable file's mode.
pub const EXECUTABLE: &str = "100755";
/// Any other file's mode.
pub const REGULAR: &str = "100644";

/// The mode of the file at `path`: executable when its owner may run it
/// (git's rule), else regular (also when it cannot be read).
pub fn of_file(path: &Path) -> &'static str {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::metadata(path) {
        Ok(m) if m.permissions().mode() & 0o100 != 0 => EXECUTABLE,
        _ => REGULAR,
    }
}

/// The `_meta` of an entry whose files, by URI, have these modes.
pub fn meta(modes: BTreeMap<String, &'static str>) -> MetaObject {
    let modes = modes
        .into_iter()
        .map(|(uri, mode)| (uri, Value::String(mode.to_string())))
        .collect();
    let mut meta = MetaObject::new();
    meta.insert(META_KEY.to_string(), Value::Object(modes));
    meta
}

/// Whether the entry whose `_meta` is `meta` says the file at `uri` is
/// executable: only an explicit `100755` is.
pub fn executable(meta: Option<&MetaObject>, uri: &str) -> bool {
    meta.and_then(|m| m.get(META_KEY))
        .and_then(|modes| modes.get(uri))
        .and_then(Value::as_str)
        == Some(EXECUTABLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_file_listed_executable_is() {
        let m = meta(BTreeMap::from([
            ("skill://t/run.sh".to_string(), EXECUTABLE),
            ("skill://t/SKILL.md".to_string(), REGULAR),
        ]));
        assert!(executable(Some(&m), "skill://t/run.sh"));
        assert!(!executable(Some(&m), "skill://t/SKILL.md"));
        assert!(!executable(Some(&m), "skill://t/other"));
        assert!(!executable(None, "skill://t/run.sh"));
        let odd = MetaObject::from(
            serde_json::json!({ META_KEY: "100755" })
                .as_object()
                .cloned()
                .unwrap(),
        );
        assert!(!executable(Some(&odd), "skill://t/run.sh"));
    }
}
