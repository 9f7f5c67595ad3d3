//! Codex CLI's names for quire's settings, read in every layer (the
//! user's and a repository's config.toml, `QUIRE_*` variables, `-c`):
//! `sandbox_mode`, `approval_policy` and `model_provider` are `sandbox`,
//! `approval` and `provider`, and a `[model_providers.NAME]` table is a
//! `[providers.NAME]` one (`env_key` is `api_key_env`, `http_headers`
//! `headers`, `stream_idle_timeout_ms` `stream_idle_timeout_secs`). A
//! key of Codex's provider tables that quire cannot honour is refused by
//! name, and so is a layer that sets one key under both names. Codex's
//! approval `on-failure` is read as `on-request`, with a warning.
//! Codex's `[sandbox_workspace_write]` and `[shell_environment_policy]`
//! are read by [`super::codex_tables`]; Codex's keys quire does not use
//! are said one line each ([`super::codex_notes`]) and left out.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::{codex_notes, codex_tables};

/// Codex's top-level names and quire's.
pub const SYNONYMS: &[(&str, &str)] = &[
    ("sandbox_mode", "sandbox"),
    ("approval_policy", "approval"),
    ("model_provider", "provider"),
    ("model_reasoning_effort", "reasoning_effort"),
    ("model_reasoning_summary", "reasoning_summary"),
    ("model_verbosity", "verbosity"),
    ("hide_agent_reasoning", "hide_reasoning"),
    ("model_max_output_tokens", "max_output_tokens"),
];

/// Codex's table of providers, and quire's.
const CODEX_PROVIDERS: &str = "model_providers";
const PROVIDERS: &str = "providers";

/// The words `sandbox` and `approval` take (Codex's `on-failure` too).
const SANDBOX_WORDS: &[&str] = &["read-only", "workspace-write", "danger-full-access"];
const APPROVAL_WORDS: &[&str] = &["never", "on-request", "untrusted", "on-failure"];

/// Something said about a key: its path as written and the sentence.
#[derive(Debug, PartialEq)]
pub(super) struct Said {
    pub path: Vec<String>,
    pub message: String,
}

impl Said {
    fn new(path: &[String], message: String) -> Said {
        Said {
            path: path.to_vec(),
            message,
        }
    }
}

type Entry = Option<(Vec<String>, Value)>;

/// One layer's table with Codex's names made quire's, and the warnings
/// about it; a refusal (one key under both names, a provider key quire
/// cannot honour, a word neither knows) is the error.
pub(super) fn layer(own: Table) -> Result<(Table, Vec<Said>), Said> {
    let mut out = Table::new();
    let mut said = Vec::new();
    // Where each of quire's keys came from, as written.
    let mut written: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in own {
        let path = vec![key.clone()];
        let entries = if key == codex_tables::SANDBOX_WRITE {
            codex_tables::sandbox_workspace_write(&path, value, &mut said)?
        } else {
            entry(&path, value, &mut said)?.into_iter().collect()
        };
        for (to, value) in entries {
            put(&mut out, &mut written, &key, to.join("."), value)?;
        }
    }
    Ok((out, said))
}

/// Puts `value` at quire's `target` in `out`, set by `key` (as written);
/// one key set under both names is refused.
fn put(
    out: &mut Table,
    written: &mut BTreeMap<String, String>,
    key: &str,
    target: String,
    value: Value,
) -> Result<(), Said> {
    match (out.get_mut(&target), value) {
        (None, value) => {
            out.insert(target.clone(), value);
            written.insert(target, key.to_string());
        }
        (Some(Value::Table(have)), Value::Table(add)) if target == PROVIDERS => {
            for (name, provider) in add {
                if have.contains_key(&name) {
                    return Err(Said::new(
                        &[CODEX_PROVIDERS.to_string(), name.clone()],
                        format!(
                            "[model_providers.{name}] and [providers.{name}] both define the provider '{name}' ([model_providers.NAME] is Codex's name for [providers.NAME]): keep one"
                        ),
                    ));
                }
                have.insert(name, provider);
            }
        }
        (Some(_), _) => {
            let other = written.get(&target).cloned().unwrap_or_default();
            let codex = if is_codex(key) { key } else { other.as_str() };
            let codex = codex_tables::codex_name(codex, &target);
            return Err(Said::new(
                std::slice::from_ref(&codex),
                format!(
                    "{codex} and {target} are both set ({codex} is Codex's name for {target}): keep one"
                ),
            ));
        }
    }
    Ok(())
}

/// Quire's name of a dotted key written with Codex's
/// (`approval_policy` → `approval`, `model_providers.x.env_key` →
/// `providers.x.api_key_env`); other keys as they are.
pub fn quire_key(key: &str) -> String {
    if let Some(quire) = codex_tables::quire_key(key) {
        return quire;
    }
    let mut parts: Vec<String> = key.split('.').map(str::to_string).collect();
    if let Some(first) = parts.first_mut() {
        if first == CODEX_PROVIDERS {
            *first = PROVIDERS.to_string();
            if let Some(k) = parts.get_mut(2)
                && let Some(renamed) = provider_key_name(k)
            {
                *k = renamed.to_string();
            }
        } else if let Some(q) = synonym(first) {
            *first = q.to_string();
        }
    }
    parts.join(".")
}

/// The keys of `own` (one layer, as written) that quire reads under
/// Codex's names: `sandbox_mode`, `[model_providers]`,
/// `[sandbox_workspace_write]`, `trust_level` of `[projects."PATH"]`….
pub fn codex_names(own: &Table) -> Vec<String> {
    let mut names: Vec<String> = own.keys().filter(|k| is_codex(k)).cloned().collect();
    let trust_level = own
        .get("projects")
        .and_then(Value::as_table)
        .into_iter()
        .flat_map(|t| t.values())
        .any(|p| p.get("trust_level").is_some());
    if trust_level {
        names.push("[projects.\"PATH\"] trust_level".into());
    }
    if own
        .get("agents")
        .and_then(|a| a.get("max_threads"))
        .is_some()
    {
        names.push("agents.max_threads".into());
    }
    names
}

/// For `/status`: `sandbox (sandbox_mode)` for a key written with Codex's
/// name, else the key.
pub fn shown_key(key: &str) -> String {
    let quire = quire_key(key);
    if quire == key {
        quire
    } else {
        format!("{quire} ({key})")
    }
}

/// The `-c` overrides (as given, `KEY=VALUE`) that set one key under both
/// names: a sentence naming both, or `None`.
pub fn override_clash(overrides: &[String]) -> Option<String> {
    let keys: Vec<(&str, String)> = overrides
        .iter()
        .filter_map(|o| o.split_once('='))
        .map(|(k, _)| (k.trim(), quire_key(k.trim())))
        .collect();
    keys.iter().find_map(|(codex, target)| {
        if *codex == target.as_str() {
            return None;
        }
        let (quire, _) = keys.iter().find(|(k, _)| k == target)?;
        Some(format!(
            "-c {codex}=… and -c {quire}=… set the same key ({codex} is Codex's name for {quire}): keep one"
        ))
    })
}

fn synonym(key: &str) -> Option<&'static str> {
    SYNONYMS.iter().find(|(c, _)| *c == key).map(|(_, q)| *q)
}

fn is_codex(key: &str) -> bool {
    key == CODEX_PROVIDERS
        || key == codex_tables::SANDBOX_WRITE
        || key == codex_tables::SHELL_POLICY
        || synonym(key).is_some()
}

/// The key at `path` (as written) and its value, in quire's names;
/// `None` for a key quire leaves out.
fn entry(path: &[String], value: Value, said: &mut Vec<Said>) -> Result<Entry, Said> {
    let Some(first) = path.first() else {
        return Ok(Some((Vec::new(), value)));
    };
    if first == CODEX_PROVIDERS {
        return provider_entry(path, value);
    }
    if path.len() == 1 {
        match first.as_str() {
            codex_tables::SHELL_POLICY => {
                return codex_tables::shell_environment_policy(path, value, said);
            }
            "agents" => return codex_tables::agents(path, value, said),
            _ => {}
        }
        if let Some(note) = codex_notes::note(first) {
            said.push(Said::new(path, note));
            return Ok(None);
        }
    }
    let quire = synonym(first).unwrap_or(first);
    let mut to = path.to_vec();
    to[0] = quire.to_string();
    if is_codex(first)
        && path.len() == 1
        && let Some(words) = super::reasoning::words(quire)
    {
        return Ok(Some((to, word(path, value, words)?)));
    }
    let value = match (quire, path.len()) {
        ("sandbox", 1) if is_codex(first) => word(path, value, SANDBOX_WORDS)?,
        ("approval", 1) => {
            let value = if is_codex(first) {
                word(path, value, APPROVAL_WORDS)?
            } else {
                value
            };
            on_failure(path, value, said)
        }
        ("provider", 1) if is_codex(first) => text(path, value)?,
        _ => value,
    };
    Ok(Some((to, value)))
}

/// Codex's `on-failure` as quire's nearest policy, `on-request`, said.
fn on_failure(path: &[String], value: Value, said: &mut Vec<Said>) -> Value {
    if value.as_str() != Some("on-failure") {
        return value;
    }
    said.push(Said::new(
        path,
        on_failure_note(&format!("{} \"on-failure\"", path.join("."))),
    ));
    Value::String("on-request".into())
}

/// What reading Codex's `on-failure` (as `written`) as `on-request` means.
pub fn on_failure_note(written: &str) -> String {
    format!(
        "{written} (Codex) is read as \"on-request\", quire's nearest policy: commands run in the sandbox without asking, and running one outside it is asked about when the model requests it, not after a sandboxed command fails"
    )
}

/// `[model_providers...]` at any depth as `[providers...]`.
fn provider_entry(path: &[String], value: Value) -> Result<Entry, Said> {
    let mut to = path.to_vec();
    to[0] = PROVIDERS.to_string();
    match path.len() {
        // The whole table, or one provider's: each part in turn.
        1 | 2 => {
            let Value::Table(table) = value else {
                return Err(Said::new(
                    path,
                    format!(
                        "{} must be a table: [model_providers.NAME] with base_url, env_key, wire_api",
                        path.join(".")
                    ),
                ));
            };
            let mut out = Table::new();
            for (k, v) in table {
                let mut inner = path.to_vec();
                inner.push(k);
                if let Some((sub, v)) = provider_entry(&inner, v)?
                    && let Some(last) = sub.last()
                {
                    out.insert(last.clone(), v);
                }
            }
            Ok(Some((to, Value::Table(out))))
        }
        3 => {
            let key = path[2].as_str();
            let Some(renamed) = provider_key_name(key) else {
                return Err(refused(path));
            };
            if renamed.is_empty() {
                return Ok(None);
            }
            to[2] = renamed.to_string();
            let value = match key {
                "wire_api" => word(path, value, &["chat", "responses", "anthropic"])?,
                "http_headers" => headers(path, value)?,
                "stream_idle_timeout_ms" => seconds(path, value)?,
                _ => text(path, value)?,
            };
            Ok(Some((to, value)))
        }
        // `-c model_providers.x.http_headers.NAME=VALUE`.
        _ if path[2] == "http_headers" => {
            to[2] = "headers".into();
            Ok(Some((to, text(path, value)?)))
        }
        _ => Err(refused(&path[..3])),
    }
}

/// Quire's name of a key of Codex's `[model_providers.NAME]`; `""` for
/// one that only labels (left out); `None` for one quire cannot honour.
fn provider_key_name(key: &str) -> Option<&'static str> {
    Some(match key {
        "base_url" => "base_url",
        "wire_api" => "wire_api",
        "env_key" => "api_key_env",
        "http_headers" => "headers",
        "stream_idle_timeout_ms" => "stream_idle_timeout_secs",
        "name" | "env_key_instructions" => "",
        _ => return None,
    })
}

/// The refusal of a provider key quire cannot honour, and why.
fn refused(path: &[String]) -> Said {
    let name = &path[1];
    let key = &path[2];
    let why = match key.as_str() {
        "query_params" => {
            "quire cannot add query parameters (such as Azure's api-version) to a provider's requests"
                .to_string()
        }
        "env_http_headers" => format!(
            "write each as headers = {{ \"X-Name\" = \"${{VAR}}\" }} in [providers.{name}] (a provider's header values read ${{VAR}} from the environment)"
        ),
        "request_max_retries" | "stream_max_retries" => {
            "quire retries every provider alike: set max_retries in [retry]".to_string()
        }
        "requires_openai_auth" => {
            "quire has no ChatGPT sign-in: name the variable that holds an API key with env_key"
                .to_string()
        }
        "experimental_bearer_token" => {
            "put the token in an environment variable and name it with env_key".to_string()
        }
        _ => format!(
            "it is not one of Codex's provider keys quire reads (base_url, env_key, wire_api, http_headers, stream_idle_timeout_ms, name); quire's own keys go in [providers.{name}]"
        ),
    };
    Said::new(
        path,
        format!(
            "model_providers.{name}.{key} has no quire equivalent: {why}. Remove it, or write the provider as [providers.{name}] (README: \"Coming from Codex CLI\")"
        ),
    )
}

/// What a key set to `value` was given, as written.
fn got(value: &Value) -> String {
    value.to_string()
}

fn text(path: &[String], value: Value) -> Result<Value, Said> {
    match value {
        Value::String(_) => Ok(value),
        other => Err(Said::new(
            path,
            format!(
                "{} must be text in quotes, got {}",
                path.join("."),
                got(&other)
            ),
        )),
    }
}

/// `value` when it is one of `words`.
pub(super) fn word(path: &[String], value: Value, words: &[&str]) -> Result<Value, Said> {
    if value.as_str().is_some_and(|v| words.contains(&v)) {
        return Ok(value);
    }
    let hint = value
        .as_str()
        .map(|v| crate::suggest::did_you_mean(v, words.iter().copied()))
        .unwrap_or_default();
    Err(Said::new(
        path,
        format!(
            "{} must be one of {}, got {}{hint}",
            path.join("."),
            words.join(", "),
            got(&value)
        ),
    ))
}

/// `http_headers`: a table of texts.
fn headers(path: &[String], value: Value) -> Result<Value, Said> {
    let bad = || {
        Said::new(
            path,
            format!(
                "{} must be a table of texts, {{ \"X-Name\" = \"value\" }}",
                path.join(".")
            ),
        )
    };
    match &value {
        Value::Table(t) if t.values().all(Value::is_str) => Ok(value),
        _ => Err(bad()),
    }
}

/// `stream_idle_timeout_ms` in whole seconds, rounded up.
fn seconds(path: &[String], value: Value) -> Result<Value, Said> {
    match value.as_integer() {
        Some(ms) if ms >= 1 => Ok(Value::Integer((ms + 999) / 1000)),
        _ => Err(Said::new(
            path,
            format!(
                "{} must be a whole number of milliseconds, at least 1, got {}",
                path.join("."),
                got(&value)
            ),
        )),
    }
}

#[cfg(test)]
#[path = "codex_keys_tests.rs"]
mod tests;
