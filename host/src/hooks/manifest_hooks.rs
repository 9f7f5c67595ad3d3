//! Hooks written inline in a plugin's manifest (`.claude-plugin/plugin.json`
//! or `.codex-plugin/plugin.json`): `"hooks": {"PreToolUse": [...]}`, or the
//! same wrapped as hooks/hooks.json writes it (`"hooks": {"hooks": {...}}`).
//! The manifest is then the plugin's hook file, read like hooks.json.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

/// Whether `path` is a plugin manifest (its hooks are inline).
pub(super) fn is_plugin_manifest(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "plugin.json")
}

/// The events map of the manifest `text` (empty when it has no `hooks`).
pub(super) fn read(text: &str) -> Result<BTreeMap<String, Vec<Value>>, serde_json::Error> {
    #[derive(Deserialize)]
    struct Manifest {
        #[serde(default)]
        hooks: Value,
    }
    let mut hooks = serde_json::from_str::<Manifest>(text)?.hooks;
    if let Some(inner @ Value::Object(_)) = hooks.get_mut("hooks") {
        hooks = inner.take();
    }
    if hooks.is_null() {
        return Ok(BTreeMap::new());
    }
    serde_json::from_value(hooks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_events_map_and_the_wrapped_form_read_the_same() {
        let bare = r#"{"name": "k", "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": []}]}}"#;
        let wrapped = r#"{"name": "k", "hooks": {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": []}]}}}"#;
        let a = read(bare).unwrap();
        assert_eq!(a.keys().collect::<Vec<_>>(), ["PreToolUse"]);
        assert_eq!(a, read(wrapped).unwrap());
        assert!(read(r#"{"name": "k"}"#).unwrap().is_empty());
        assert!(read(r#"{"hooks": {"PreToolUse": 3}}"#).is_err());
        assert!(is_plugin_manifest(Path::new(
            "/p/.claude-plugin/plugin.json"
        )));
        assert!(!is_plugin_manifest(Path::new("/p/hooks/hooks.json")));
    }
}
