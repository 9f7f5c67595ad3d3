//! Codex CLI's tables with a quire equivalent, read in every layer by
//! [`super::codex_keys`]:
//!
//! - `[sandbox_workspace_write]`: `network_access` is quire's `network`
//!   (both let sandboxed commands use the network, and only under
//!   `workspace-write`), `writable_roots` quire's `writable_roots`; the
//!   `exclude_*` switches quire's sandbox cannot honour are said.
//! - `[shell_environment_policy]` is quire's `[shell_environment]` (built
//!   the same way, step by step); `experimental_use_profile` and
//!   `filters`, which quire does not have, are said.
//! - Codex's keys in `[agents]` (a table quire has too): `max_threads` is
//!   `max_parallel`; `job_max_runtime_seconds` and the role tables
//!   (`[agents.NAME]`, quire's subagents are Markdown files) are said.

use toml::{Table, Value};

use super::codex_keys::{Said, word};

/// Codex's table of sandbox settings, and the key quire reads of it.
pub const SANDBOX_WRITE: &str = "sandbox_workspace_write";
/// Codex's name of `[shell_environment]`.
pub const SHELL_POLICY: &str = "shell_environment_policy";

/// Quire's key for Codex's dotted `key` (`sandbox_workspace_write` and
/// its `network_access` → `network`, `shell_environment_policy.set.X` →
/// `shell_environment.set.X`), or `None` when it is not one of these.
pub fn quire_key(key: &str) -> Option<String> {
    if key == SANDBOX_WRITE || key == format!("{SANDBOX_WRITE}.network_access") {
        return Some("network".into());
    }
    if key == format!("{SANDBOX_WRITE}.writable_roots") {
        return Some("writable_roots".into());
    }
    let rest = key.strip_prefix(SHELL_POLICY)?;
    (rest.is_empty() || rest.starts_with('.')).then(|| format!("shell_environment{rest}"))
}

/// Codex's name (as written: `key`) of what sets quire's `target`.
pub fn codex_name(key: &str, target: &str) -> String {
    match (key, target) {
        (SANDBOX_WRITE, "network") => format!("{SANDBOX_WRITE}.network_access"),
        (SANDBOX_WRITE, _) => format!("{SANDBOX_WRITE}.{target}"),
        _ => key.to_string(),
    }
}

type Entry = Option<(Vec<String>, Value)>;

/// `[sandbox_workspace_write]` at `path` (a top-level key) as quire's
/// `network` and `writable_roots`, for those it sets.
pub fn sandbox_workspace_write(
    path: &[String],
    value: Value,
    said: &mut Vec<Said>,
) -> Result<Vec<(Vec<String>, Value)>, Said> {
    let table = as_table(path, value, "network_access = true")?;
    let mut out = Vec::new();
    for (key, v) in table {
        let at = inner(path, &key);
        let name = at.join(".");
        match key.as_str() {
            "network_access" => out.push((
                vec!["network".to_string()],
                Value::Boolean(boolean(&at, v)?),
            )),
            "writable_roots" => {
                strings(&at, v.clone(), "folders, [\"/path\"]")?;
                out.push((vec!["writable_roots".to_string()], v));
            }
            "exclude_tmpdir_env_var" | "exclude_slash_tmp" => {
                if boolean(&at, v)? {
                    let what = match key.as_str() {
                        "exclude_slash_tmp" => "/tmp",
                        _ => "$TMPDIR",
                    };
                    said.push(Said {
                        message: format!(
                            "{name} = true (Codex) is not honoured: quire's sandbox always lets commands write {what} (each command gets a private temp folder there)"
                        ),
                        path: at,
                    });
                }
            }
            _ => said.push(unknown(
                at,
                "network_access, writable_roots, exclude_tmpdir_env_var, exclude_slash_tmp",
            )),
        }
    }
    Ok(out)
}

/// `[shell_environment_policy]` as quire's `[shell_environment]`.
pub fn shell_environment_policy(
    path: &[String],
    value: Value,
    said: &mut Vec<Said>,
) -> Result<Entry, Said> {
    let table = as_table(path, value, "inherit = \"core\"")?;
    let mut out = Table::new();
    for (key, v) in table {
        let at = inner(path, &key);
        let name = at.join(".");
        match key.as_str() {
            "inherit" => {
                out.insert(key, word(&at, v, &["all", "core", "none"])?);
            }
            "ignore_default_excludes" => {
                out.insert(key, Value::Boolean(boolean(&at, v)?));
            }
            "exclude" | "include_only" => {
                strings(&at, v.clone(), "names or patterns, [\"AWS_*\"]")?;
                out.insert(key, v);
            }
            "set" => {
                if !v.as_table().is_some_and(|t| t.values().all(Value::is_str)) {
                    return Err(Said {
                        message: format!(
                            "{name} must be a table of texts, {{ NAME = \"value\" }}, got {v}"
                        ),
                        path: at,
                    });
                }
                out.insert(key, v);
            }
            "experimental_use_profile" => {
                if boolean(&at, v)? {
                    said.push(Said {
                        message: format!(
                            "{name} = true (Codex) is not honoured: quire runs commands with bash -c, without your shell's profile; put what the commands need in [shell_environment] set"
                        ),
                        path: at,
                    });
                }
            }
            "filters" => said.push(Said {
                message: format!(
                    "{name} (Codex) is ignored: quire's [shell_environment] takes exclude and include_only lists of patterns (* and ?), write the patterns there"
                ),
                path: at,
            }),
            _ => said.push(unknown(
                at,
                "inherit, ignore_default_excludes, exclude, set, include_only",
            )),
        }
    }
    Ok(Some((
        vec!["shell_environment".to_string()],
        Value::Table(out),
    )))
}

/// Quire's `[agents]` keys.
const AGENTS_KEYS: [&str; 4] = ["enabled", "max_parallel", "max_depth", "max_tokens"];

/// `[agents]` with Codex's keys made quire's.
pub fn agents(path: &[String], value: Value, said: &mut Vec<Said>) -> Result<Entry, Said> {
    let Value::Table(table) = value else {
        return Ok(Some((path.to_vec(), value)));
    };
    if table.contains_key("max_threads") && table.contains_key("max_parallel") {
        return Err(Said {
            message: "agents.max_threads and agents.max_parallel are both set (max_threads is Codex's name for max_parallel): keep one".into(),
            path: inner(path, "max_threads"),
        });
    }
    let mut out = Table::new();
    for (key, v) in table {
        let at = inner(path, &key);
        let name = at.join(".");
        match key.as_str() {
            "max_threads" => {
                out.insert("max_parallel".into(), v);
            }
            "job_max_runtime_seconds" => said.push(Said {
                message: format!(
                    "{name} (Codex) is ignored: quire has no batch jobs of agents; a subagent's work is bounded by its max_tokens"
                ),
                path: at,
            }),
            k if !AGENTS_KEYS.contains(&k) && v.is_table() => said.push(Said {
                message: format!(
                    "[{name}] (Codex agent role) is ignored: quire's subagents are Markdown files in ~/.quire/agents or .quire/agents (README: \"Subagents\")"
                ),
                path: at,
            }),
            _ => {
                out.insert(key, v);
            }
        }
    }
    Ok(Some((path.to_vec(), Value::Table(out))))
}

fn inner(path: &[String], key: &str) -> Vec<String> {
    let mut at = path.to_vec();
    at.push(key.to_string());
    at
}

fn unknown(at: Vec<String>, known: &str) -> Said {
    let name = at.join(".");
    Said {
        message: format!(
            "{name} is not a key quire reads of Codex's [{}] ({known}); it is ignored",
            at[0]
        ),
        path: at,
    }
}

fn as_table(path: &[String], value: Value, example: &str) -> Result<Table, Said> {
    match value {
        Value::Table(t) => Ok(t),
        other => Err(Said {
            message: format!(
                "{} must be a table, [{}] with {example}, got {other}",
                path.join("."),
                path.join(".")
            ),
            path: path.to_vec(),
        }),
    }
}

fn boolean(at: &[String], v: Value) -> Result<bool, Said> {
    v.as_bool().ok_or_else(|| Said {
        message: format!("{} must be true or false, got {v}", at.join(".")),
        path: at.to_vec(),
    })
}

fn strings(at: &[String], v: Value, what: &str) -> Result<Vec<String>, Said> {
    let list = v.as_array().and_then(|a| {
        a.iter()
            .map(|s| s.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
    });
    list.ok_or_else(|| Said {
        message: format!("{} must be a list of {what}, got {v}", at.join(".")),
        path: at.to_vec(),
    })
}
