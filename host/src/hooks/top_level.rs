//! The top level of a Claude Code hook file. Events belong inside its
//! `"hooks"` object (`{"hooks": {"PreToolUse": […]}}`); written at the top
//! level they are read by no one (Claude Code refuses such a plugin hook
//! file), so they are named. A plugin's hook file (`hooks/hooks.json`, or
//! one its manifest names) has only `hooks` and `description`: another
//! key there is named too. A settings.json has many other keys, so only
//! its events out of place are.

use std::collections::BTreeMap;

use serde_json::Value;

use super::HookEvent;

/// The top-level keys of a plugin's hook file besides `hooks`.
const PLUGIN_FILE_KEYS: &[&str] = &["hooks", "description", "$schema"];

/// Whether the top-level `key` with `value` is an event: one quire has,
/// or a list of entries shaped as an event's (`[{"hooks": […]}]`), such
/// as one of Claude Code's events quire does not have.
fn is_event(key: &str, value: &Value) -> bool {
    HookEvent::parse(key).is_some()
        || value.as_array().is_some_and(|entries| {
            !entries.is_empty()
                && entries
                    .iter()
                    .all(|e| e.get("hooks").is_some_and(Value::is_array))
        })
}

/// What is wrong with the top-level keys `top` of a hook file (`hooks`
/// itself not among them), each in words to follow "skipped": the events
/// written there, then, in a plugin's hook file (`plugin`), the keys it
/// does not have.
pub(super) fn notes(top: &BTreeMap<String, Value>, plugin: bool) -> Vec<String> {
    let (events, others): (Vec<&String>, Vec<&String>) =
        top.keys().partition(|k| is_event(k, &top[k.as_str()]));
    let mut out = Vec::new();
    if let Some(first) = events.first() {
        let names = events
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let what = if plugin {
            "Claude Code refuses the file as it is"
        } else {
            "neither Claude Code nor quire reads them there"
        };
        out.push(format!(
            "the {names} hooks at the top level of the file: events belong inside \"hooks\" (`{{\"hooks\": {{\"{first}\": […]}}}}`); {what}, so they do not run until moved there"
        ));
    }
    if plugin {
        for key in others {
            if !PLUGIN_FILE_KEYS.contains(&key.as_str()) {
                out.push(format!(
                    "the unknown top-level key `{key}`{} (a plugin's hook file has `hooks` and `description`; it is ignored)",
                    crate::suggest::did_you_mean(key, PLUGIN_FILE_KEYS.iter().copied())
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(json: &str) -> BTreeMap<String, Value> {
        let mut map: BTreeMap<String, Value> = serde_json::from_str(json).unwrap();
        map.remove("hooks");
        map
    }

    #[test]
    fn events_at_the_top_level_are_named_in_one_note() {
        let t = top(
            r#"{"PreToolUse": [{"matcher": "*", "hooks": []}], "TeammateIdle": [{"hooks": []}],
                "Bogus": 3, "description": "d"}"#,
        );
        let notes = notes(&t, true);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].starts_with("the PreToolUse, TeammateIdle hooks at the top level of the file: events belong inside \"hooks\" (`{\"hooks\": {\"PreToolUse\": […]}}`); Claude Code refuses"),
            "{notes:?}"
        );
        assert!(
            notes[1].starts_with("the unknown top-level key `Bogus`"),
            "{notes:?}"
        );
    }

    #[test]
    fn a_settings_file_is_judged_by_its_events_only() {
        let t = top(r#"{"permissions": {}, "env": {}, "hooks": {}, "Stop": []}"#);
        let notes = notes(&t, false);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with("the Stop hooks at the top level"));
        assert!(notes[0].contains("neither Claude Code nor quire reads them"));
        assert!(super::notes(&top(r#"{"description": "x", "hooks": {}}"#), true).is_empty());
        let typo = super::notes(&top(r#"{"hook": {}}"#), true);
        assert!(typo[0].contains("did you mean 'hooks'"), "{typo:?}");
    }

    #[test]
    fn files_are_read_with_their_top_level_judged() {
        use crate::hooks::claude::{read_plugin_hooks_skipping, read_settings_skipping};
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("hooks.json");
        std::fs::write(
            &file,
            r#"{"permissions": {}, "Stop": [{"hooks": [{"command": "a.sh"}]}],
                "hooks": {"PreToolUse": [{"hooks": [{"command": "b.sh"}]}]}}"#,
        )
        .unwrap();
        let (hooks, skipped) = read_settings_skipping(&file).unwrap();
        assert_eq!(hooks.len(), 1);
        assert_eq!(skipped.len(), 1, "{skipped:?}");
        let (hooks, skipped) = read_plugin_hooks_skipping(&file).unwrap();
        assert_eq!(hooks.len(), 1);
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(skipped[1].contains("`permissions`"), "{skipped:?}");
    }
}
