//! Profiles, as Codex has them: named sets of settings in
//! `[profiles.NAME]` tables, one chosen by `--profile NAME` (`-p`),
//! `-c profile=NAME`, `QUIRE_PROFILE` or a file's `profile = "NAME"`, in
//! that order. The chosen table applies over the config files and under
//! `QUIRE_*` variables and `-c`.

use std::path::Path;

use toml::{Table, Value};

use super::{ConfigError, LoadOptions};

/// The profile this run asks for and what asked for it: the `--profile`
/// flag, else the last `-c profile=NAME`, else `QUIRE_PROFILE`, else the
/// files' `profile` (already merged into `merged`).
pub(super) fn chosen(
    merged: &Table,
    opts: &LoadOptions,
    parse: impl Fn(&str) -> Value,
) -> Option<(String, String)> {
    let named = |v: Value| v.as_str().map(str::to_string).filter(|n| !n.is_empty());
    let flag = opts
        .profile
        .clone()
        .filter(|n| !n.is_empty())
        .map(|n| (n.clone(), format!("--profile {n}")));
    if flag.is_some() {
        return flag;
    }
    opts.overrides
        .iter()
        .rev()
        .filter_map(|o| o.split_once('='))
        .find(|(k, _)| k.trim() == "profile")
        .and_then(|(_, v)| named(parse(v.trim())).map(|n| (n, format!("-c profile={}", v.trim()))))
        .or_else(|| {
            std::env::var("QUIRE_PROFILE")
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| (v, "QUIRE_PROFILE".to_string()))
        })
        .or_else(|| {
            merged
                .get("profile")
                .cloned()
                .and_then(named)
                .map(|n| (n, "profile in config.toml".to_string()))
        })
}

/// The settings of profile `name`, or an error naming the profiles there
/// are and where they are written.
/// `home` is `$QUIRE_HOME`, where the user's config.toml is.
pub(super) fn table(
    merged: &Table,
    name: &str,
    by: &str,
    home: &Path,
) -> Result<Table, ConfigError> {
    let profiles = merged.get("profiles").and_then(Value::as_table);
    match profiles.and_then(|p| p.get(name)) {
        Some(Value::Table(t)) => {
            if t.contains_key("profile") || t.contains_key("profiles") {
                return Err(ConfigError::Invalid(format!(
                    "[profiles.{name}] sets `profile` or `profiles`: a profile cannot choose or hold other profiles"
                )));
            }
            Ok(t.clone())
        }
        Some(_) => Err(ConfigError::Invalid(format!(
            "profiles.{name} is not a table: write it as [profiles.{name}] with the settings under it"
        ))),
        None => {
            let there: Vec<&str> = profiles
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let listed = if there.is_empty() {
                format!(
                    "there are none: add a [profiles.NAME] table to {}",
                    home.join("config.toml").display()
                )
            } else {
                format!("the profiles are {}", there.join(", "))
            };
            // Claude Code's `-p "task"` is its --print; here -p is Codex's.
            let task = match name.contains(char::is_whitespace) {
                true => {
                    ". -p is --profile in quire, as in Codex; to run one task and print its answer: quire exec \"TASK\""
                }
                false => "",
            };
            Err(ConfigError::Invalid(format!(
                "no profile '{name}' ({by}); {listed}{task}"
            )))
        }
    }
}
