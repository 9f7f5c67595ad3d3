//! A marketplace entry as its plugin's manifest (Claude Code's `"strict":
//! false`, or an entry carrying parts of its own): the plugin's folder is
//! copied into a scratch folder with the entry merged into its
//! `.claude-plugin/plugin.json`, and that copy is what is installed and
//! locked — the same way on every install, update and sync, since the
//! lock keeps the entry (`Entry::manifest`).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::ShareError;
use super::leftovers::Scratch;

/// The manifest the entry is merged into, relative to the plugin folder.
pub const FILE: &str = ".claude-plugin/plugin.json";

/// Fields naming paths: the plugin's and the entry's are both loaded.
const PATH_FIELDS: [&str; 5] = ["commands", "agents", "skills", "hooks", "mcpServers"];

/// A copy of `content` under `scratch` whose `.claude-plugin/plugin.json`
/// is the entry `manifest` merged into the plugin's own (when it has one);
/// the copy is removed when the returned guard is dropped.
pub(super) fn overlay(
    content: &Path,
    manifest: &str,
    scratch: &Path,
) -> Result<(PathBuf, Scratch), ShareError> {
    let invalid = |m: String| ShareError::Invalid(m);
    let entry = match serde_json::from_str::<Value>(manifest) {
        Ok(Value::Object(m)) => m,
        _ => {
            return Err(invalid(
                "the marketplace entry recorded for this plugin is not a JSON object; install it again with `quire plugins install NAME`".into(),
            ));
        }
    };
    let own_file = content.join(FILE);
    let own = match std::fs::symlink_metadata(&own_file) {
        Err(_) => None,
        Ok(_) => match crate::file_kind::read_to_string(&own_file)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        {
            Some(Value::Object(m)) => Some(m),
            _ => {
                return Err(invalid(format!(
                    "{}: not a JSON object, so the marketplace entry cannot be merged into it; fix the plugin's manifest",
                    own_file.display()
                )));
            }
        },
    };
    let merged = merge(own, entry).map_err(|m| invalid(format!("{}: {m}", own_file.display())))?;
    let name = merged
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| crate::plugins::bundle::detect::is_plugin_name(n))
        .unwrap_or("plugin")
        .to_string();
    let top = scratch.join(format!(
        "entry-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let guard = Scratch::new(top.clone());
    let dir = top.join(name);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| ShareError::Io {
            path,
            message: e.to_string(),
        }
    };
    // Only plain files (a link or a special file is refused here).
    for rel in super::digest::of_folder(content)?.keys() {
        let dst = dir.join(rel);
        if let Some(d) = dst.parent() {
            std::fs::create_dir_all(d).map_err(io(d))?;
        }
        std::fs::copy(content.join(rel), &dst).map_err(io(&dst))?;
    }
    let file = dir.join(FILE);
    if let Some(d) = file.parent() {
        std::fs::create_dir_all(d).map_err(io(d))?;
    }
    let text =
        serde_json::to_string_pretty(&Value::Object(merged)).map_err(|e| invalid(e.to_string()))?;
    std::fs::write(&file, format!("{text}\n")).map_err(io(&file))?;
    Ok((dir, guard))
}

/// The plugin's manifest `own` with the marketplace `entry` merged in: a
/// field only one of them has is taken; paths both name are all loaded
/// (a list); both holding MCP servers or hooks inline are joined (the
/// plugin's server wins a name both use). Anything else both have keeps
/// the plugin's — except a path and an inline value of one part, which
/// cannot both be loaded: an error naming the part.
pub fn merge(
    own: Option<Map<String, Value>>,
    entry: Map<String, Value>,
) -> Result<Map<String, Value>, String> {
    let mut out = own.unwrap_or_default();
    for (key, theirs) in entry {
        let Some(mine) = out.get(&key) else {
            out.insert(key, theirs);
            continue;
        };
        if !PATH_FIELDS.contains(&key.as_str()) {
            continue;
        }
        let joined = match (paths(mine), paths(&theirs)) {
            (Some(mut a), Some(b)) => {
                for p in b {
                    if !a.contains(&p) {
                        a.push(p);
                    }
                }
                Value::Array(a)
            }
            (None, None) => match (inline(&key, mine), inline(&key, &theirs)) {
                (Some(mut a), Some(b)) => {
                    for (k, v) in b {
                        match (a.get_mut(&k), v) {
                            // Hooks of one event from both: all of them.
                            (Some(Value::Array(x)), Value::Array(y)) if key == "hooks" => {
                                x.extend(y)
                            }
                            (Some(_), _) => {}
                            (None, v) => {
                                a.insert(k, v);
                            }
                        }
                    }
                    Value::Object(a)
                }
                _ => continue,
            },
            _ => {
                return Err(format!(
                    "\"{key}\" is a path in one of the plugin's manifest and its marketplace entry and written inline in the other, so they cannot both be loaded; write both the same way"
                ));
            }
        };
        out.insert(key, joined);
    }
    Ok(out)
}

/// Why the locked marketplace entry `manifest` is not what the installed
/// plugin `dir`'s `.claude-plugin/plugin.json` was merged from (`None`
/// when it agrees): every field it names must be there, its paths among
/// the installed ones, its hooks and MCP servers as installed. A field of
/// the plugin's own manifest wins over the entry's (see [`merge`]), so
/// other fields are only required to be present.
pub fn disagreement(manifest: &str, dir: &Path) -> Option<String> {
    let Ok(Value::Object(entry)) = serde_json::from_str::<Value>(manifest) else {
        return Some("its recorded marketplace entry is not a JSON object".into());
    };
    let installed = crate::file_kind::read_to_string(&dir.join(FILE))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok());
    let Some(Value::Object(installed)) = installed else {
        return Some(format!(
            "its marketplace entry is recorded but {FILE} is not a JSON object"
        ));
    };
    let differs: Vec<&str> = entry
        .iter()
        .filter(|(key, theirs)| match installed.get(key.as_str()) {
            None => true,
            Some(mine) if PATH_FIELDS.contains(&key.as_str()) => !holds(key, mine, theirs),
            Some(_) => false,
        })
        .map(|(key, _)| key.as_str())
        .collect();
    match differs.is_empty() {
        true => None,
        false => Some(format!(
            "the marketplace entry recorded in quire.lock differs from the installed {FILE} in {}",
            differs.join(", ")
        )),
    }
}

/// Whether the installed part `mine` holds all of the entry's `theirs`.
fn holds(key: &str, mine: &Value, theirs: &Value) -> bool {
    if let (Some(a), Some(b)) = (paths(mine), paths(theirs)) {
        return b.iter().all(|p| a.contains(p));
    }
    let (Some(a), Some(b)) = (inline(key, mine), inline(key, theirs)) else {
        return false;
    };
    b.iter().all(|(k, v)| match (a.get(k), v) {
        (Some(Value::Array(x)), Value::Array(y)) if key == "hooks" => {
            y.iter().all(|g| x.contains(g))
        }
        (Some(x), y) => x == y,
        (None, _) => false,
    })
}

/// A path or a list of paths, as a list.
fn paths(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::String(_) => Some(vec![v.clone()]),
        Value::Array(a) => Some(a.clone()),
        _ => None,
    }
}

/// An inline part's map: MCP servers by name, hooks by event (unwrapped
/// from `{"hooks": {...}}` as hooks.json writes them).
fn inline(key: &str, v: &Value) -> Option<Map<String, Value>> {
    let m = v.as_object()?;
    match m.get("hooks") {
        Some(Value::Object(events)) if key == "hooks" => Some(events.clone()),
        _ => Some(m.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn paths_of_both_load_and_the_plugins_fields_win() {
        let own = obj(json!({"name": "kit", "commands": "./commands/", "description": "own"}));
        let entry = obj(
            json!({"name": "kit", "commands": ["./extra/a.md"], "description": "entry",
            "agents": "./a.md"}),
        );
        let m = merge(Some(own), entry).unwrap_or_default();
        assert_eq!(m["commands"], json!(["./commands/", "./extra/a.md"]));
        assert_eq!(m["description"], json!("own"));
        assert_eq!(m["agents"], json!("./a.md"));
    }

    #[test]
    fn inline_hooks_of_both_are_joined_and_a_path_against_inline_refused() {
        let own = obj(json!({"hooks": {"hooks": {"Stop": [{"hooks": []}]}}}));
        let entry = obj(json!({"hooks": {"Stop": [{"matcher": "x", "hooks": []}],
            "PreToolUse": []}}));
        let m = merge(Some(own), entry).unwrap_or_default();
        assert_eq!(m["hooks"]["Stop"].as_array().map(Vec::len), Some(2));
        assert!(m["hooks"].get("PreToolUse").is_some());
        let own = obj(json!({"mcpServers": "./.mcp.json"}));
        let entry = obj(json!({"mcpServers": {"db": {"command": "x"}}}));
        let err = merge(Some(own), entry).err().unwrap_or_default();
        assert!(err.contains("\"mcpServers\""), "{err}");
    }
}
