//! Reading and merging the config layers.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::Config;
use super::check::{self, Origin};
use super::codex_keys;
use super::seal;
use super::trust::{self, TrustLevel};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The reason is in the message (not a `source`, which printing the
    /// chain would repeat).
    #[error("cannot read {path}: {reason}")]
    Read {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error("{path} is not valid TOML: {message}")]
    Parse { path: String, message: String },
    #[error("invalid override '{0}': write it as key=value, for example -c model=gpt-5.1{hint}", hint = task_hint(.0))]
    Override(String),
    #[error("{0}")]
    Invalid(String),
}

/// Claude Code's `-c` is --continue: a value reading like a task says so.
fn task_hint(value: &str) -> &'static str {
    match !value.contains('=') && value.contains(char::is_whitespace) {
        true => {
            " (-c is --config here, as in Codex; to continue the last session: quire --resume last, or quire exec resume --last \"TASK\")"
        }
        false => "",
    }
}

/// Where to look and what to override.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `$QUIRE_HOME` (holds `config.toml`).
    pub home: PathBuf,
    /// The repository root, whose `.quire/config.toml` is read if present
    /// (and the repository is trusted).
    pub repo_root: Option<PathBuf>,
    /// The folder whose project settings need trust: the repository root,
    /// or the cwd outside a repository. `None` (library use) trusts.
    pub workspace: Option<PathBuf>,
    /// `-c key=value` overrides, applied last, in order.
    pub overrides: Vec<String>,
    /// The `--profile NAME` (`-p`) flag: the profile this run asks for,
    /// over `-c profile=…` and every other way.
    pub profile: Option<String>,
}

/// Environment variables that set top-level keys.
pub(super) const ENV_KEYS: &[(&str, &str)] = &[
    ("QUIRE_PROVIDER", "provider"),
    ("QUIRE_MODEL", "model"),
    ("QUIRE_SANDBOX", "sandbox"),
    ("QUIRE_APPROVAL", "approval"),
    ("QUIRE_MAX_TURNS", "max_turns"),
];

/// Loads every layer. Returns the config and warnings (unknown keys).
pub fn load(opts: &LoadOptions) -> Result<(Config, Vec<String>), ConfigError> {
    load_layers(opts, true)
}

/// [`load`] of a repository about to be trusted (`quire trust`): its
/// settings as they are now, whatever was sealed when it was trusted
/// before ([`seal`]), so that a value loading would refuse is refused
/// before trusting, not at every later run.
pub fn load_to_trust(opts: &LoadOptions) -> Result<(Config, Vec<String>), ConfigError> {
    load_layers(opts, false)
}

fn load_layers(opts: &LoadOptions, seals: bool) -> Result<(Config, Vec<String>), ConfigError> {
    let mut merged = Table::new();
    let mut warnings = Vec::new();
    let user_path = opts.home.join("config.toml");
    let (user, user_text) = read_table(&user_path)?;
    let origin = Origin::File {
        path: &user_path,
        text: &user_text,
    };
    let mut codex_names = codex_keys::codex_names(&user);
    let user = codex(user, &origin, &mut warnings)?;
    check::layer(&user, &user, &origin, &mut warnings)?;
    // Only the user's own file can trust a repository.
    let mut trusted = match &opts.workspace {
        None => true,
        Some(ws) => {
            let projects = user.get("projects").and_then(Value::as_table);
            trust::decide(projects, ws) == Some(TrustLevel::Trusted)
        }
    };
    // ...and only with the settings it had when the user trusted it.
    let mut sealed_changed = false;
    if trusted
        && seals
        && let Some(root) = opts.repo_root.as_deref().or(opts.workspace.as_deref())
    {
        let changed = seal::changed(&opts.home, root)
            .map(|files| (!files.is_empty()).then(|| seal::changed_warning(root, &files)))
            .unwrap_or_else(|e| {
                Some(format!(
                    "{e}; the repository's settings are not used. {}",
                    seal::HOOKS_STILL_RUN
                ))
            });
        if let Some(w) = changed {
            warnings.push(w);
            trusted = false;
            sealed_changed = true;
        }
    }
    merge(&mut merged, user);
    // Your servers a repository's replaced: a profile's settings for them
    // are not given to the repository's.
    let mut repo_servers: Vec<String> = Vec::new();
    if let Some(root) = &opts.repo_root
        && trusted
    {
        let path = root.join(".quire").join("config.toml");
        let (table, text) = read_table(&path)?;
        let origin = Origin::File {
            path: &path,
            text: &text,
        };
        codex_names.extend(codex_keys::codex_names(&table));
        let mut table = codex(table, &origin, &mut warnings)?;
        // A repository does not choose or define profiles: one it chose
        // would apply settings its trust listing never showed.
        for key in ["profile", "profiles"] {
            if table.remove(key).is_some() {
                warnings.push(format!(
                    "{}: `{key}` is read only from your own config.toml (~/.quire/config.toml), not a repository's; it is ignored",
                    origin.at(&[key.to_string()])
                ));
            }
        }
        let mut after = merged.clone();
        repo_servers = super::repo_servers::replaced(&mut after, &table, &origin, &mut warnings);
        merge(&mut after, table.clone());
        check::layer(&after, &table, &origin, &mut warnings)?;
        merged = after;
    }
    if let Some(ws) = opts
        .workspace
        .as_deref()
        .filter(|_| !trusted && !sealed_changed)
    {
        let found = trust::project_settings(ws);
        if !found.is_empty() {
            warnings.push(trust::ignored_warning(ws, &found));
        }
    }
    // What the files say, before the environment and `-c` (and the
    // flags, which are `-c`) have their say.
    let from_files = merged.clone();
    let mut later_keys: Vec<String> = Vec::new();
    let mut profile_applied = None;
    let mut model_given_by = None;
    if let Some((name, by)) = super::profile::chosen(&merged, opts, parse_value) {
        let own = super::profile::table(&merged, &name, &by, &opts.home)?;
        let origin = Origin::Profile {
            name: &name,
            path: &user_path,
            text: &user_text,
        };
        let mut own = codex(own, &origin, &mut warnings)?;
        super::repo_servers::unshared(
            &mut own,
            &repo_servers,
            &format!("profile '{name}'"),
            &mut warnings,
        );
        let mut after = merged.clone();
        merge(&mut after, own.clone());
        check::layer(&after, &own, &origin, &mut warnings)?;
        merged = after;
        // Chosen for this run (not by a file), its model is this run's.
        if !by.starts_with("profile in")
            && (own.contains_key("model") || own.contains_key("provider"))
        {
            model_given_by = Some(format!("--profile {name}"));
        }
        profile_applied = Some((name, own.keys().cloned().collect()));
    }
    let mut provider_from_env = None;
    for (var, key) in ENV_KEYS {
        if let Ok(v) = std::env::var(var)
            && !v.is_empty()
        {
            if matches!(*key, "model" | "provider") {
                model_given_by = Some(var.to_string());
            }
            if *key == "provider" {
                provider_from_env = Some(var.to_string());
            }
            later_keys.push(key.to_string());
            let mut one = Table::new();
            set_dotted(&mut one, key, parse_value(&v))
                .map_err(|_| ConfigError::Invalid(format!("{var}: cannot set {key}")))?;
            let one = codex(one, &Origin::Env(var), &mut warnings)?;
            let mut after = merged.clone();
            merge(&mut after, one.clone());
            check::layer(&after, &one, &Origin::Env(var), &mut warnings)?;
            merged = after;
        }
    }
    let mut model_emptied_by = None;
    let mut base_url_set_by = Default::default();
    for o in &opts.overrides {
        let (k, v) = o
            .split_once('=')
            .ok_or_else(|| ConfigError::Override(o.clone()))?;
        let k = k.trim();
        if k.is_empty() {
            return Err(ConfigError::Override(o.clone()));
        }
        let mut one = Table::new();
        set_dotted(&mut one, k, parse_value(v.trim()))
            .map_err(|_| ConfigError::Override(o.clone()))?;
        // Codex's name of a key is quire's, its value as translated.
        let origin = Origin::Override(o);
        let mut one = codex(one, &origin, &mut warnings)?;
        // `-c` may sit in your shell's aliases: written for your server.
        let said = warnings.len();
        super::repo_servers::unshared(
            &mut one,
            &repo_servers,
            &format!("-c {}", o.trim()),
            &mut warnings,
        );
        if warnings.len() > said {
            continue;
        }
        let k = codex_keys::quire_key(k);
        let k = k.as_str();
        later_keys.push(k.to_string());
        let Some(value) = get_dotted(&one, k) else {
            // A key quire leaves out (a Codex provider's `name`).
            continue;
        };
        let mut after = merged.clone();
        set_dotted(&mut after, k, value.clone()).map_err(|_| ConfigError::Override(o.clone()))?;
        check::layer(&after, &one, &origin, &mut warnings)?;
        merged = after;
        super::base_url_origin::record(k, &one, o, &mut base_url_set_by);
        if matches!(k, "model" | "provider") {
            model_given_by = Some(format!("-c {}", o.trim()));
        }
        if k == "provider" {
            provider_from_env = None;
        }
        if k == "model" {
            model_emptied_by = (one.get("model").and_then(Value::as_str) == Some(""))
                .then(|| format!("-c {}", o.trim()));
        }
    }
    // Unknown keys were reported per layer, where they were written.
    let mut config: Config = serde_ignored::deserialize(Value::Table(merged), |_| {})
        .map_err(|e| ConfigError::Invalid(format!("invalid configuration: {e}")))?;
    config.project_trusted = trusted;
    config.project_settings_changed = sealed_changed;
    config.model_emptied_by = model_emptied_by;
    config.model_given_by = model_given_by;
    config.base_url_set_by = base_url_set_by;
    config.provider_from_env = provider_from_env;
    config.profile_applied = profile_applied;
    codex_names.sort();
    codex_names.dedup();
    config.codex_names = codex_names;
    if config.hooks.claude_compat
        && let Some(ws) = opts.workspace.as_deref()
    {
        let root = opts.repo_root.as_deref().unwrap_or(ws);
        let mut claude = super::claude_settings::ClaudeSettings::read(
            super::other_tools::claude_dir().as_deref(),
            Some(root),
            trusted,
        );
        warnings.extend(claude.warnings.iter().cloned());
        // What they widen counts only while their text is as trusted.
        if trusted && seals {
            warnings.extend(super::claude_seal::mark_changed(
                &opts.home,
                root,
                &mut claude,
            ));
        }
        super::claude_mode::apply(
            &mut config,
            &claude,
            &from_files,
            &later_keys,
            &mut warnings,
        );
        config.claude = claude;
    }
    warnings.extend(super::header_dollar::warnings(&config));
    // Each layer was checked; this catches a default out of range.
    check::ranges(&config).map_err(|(_, message)| ConfigError::Invalid(message))?;
    Ok((config, warnings))
}

/// The layer `own` with Codex's names made quire's ([`codex_keys`]):
/// what that says, and a refusal, placed where it was written.
fn codex(
    own: Table,
    origin: &Origin<'_>,
    warnings: &mut Vec<String>,
) -> Result<Table, ConfigError> {
    // A key written where the name of its variable belongs: refused
    // before anything could show it.
    if let Some(path) = super::key_env::refused(&own) {
        return Err(ConfigError::Invalid(format!(
            "{}: {}",
            origin.at_hiding_value(&path),
            super::key_env::refusal(&own, &path)
        )));
    }
    if let Some((path, message)) = super::base_url_origin::variable_in(&own) {
        return Err(ConfigError::Invalid(format!(
            "{}: {message}",
            origin.at(&path)
        )));
    }
    let (table, said) = codex_keys::layer(own)
        .map_err(|s| ConfigError::Invalid(format!("{}: {}", origin.at(&s.path), s.message)))?;
    warnings.extend(
        said.into_iter()
            .map(|s| format!("{}: {}", origin.at(&s.path), s.message)),
    );
    Ok(table)
}

/// The value at the dotted `key` of `root`.
fn get_dotted<'a>(root: &'a Table, key: &str) -> Option<&'a Value> {
    let mut parts = key.split('.');
    let mut value = root.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}

/// The config key an environment variable sets.
pub(super) fn env_key(var: &str) -> Option<&'static str> {
    ENV_KEYS.iter().find(|(v, _)| *v == var).map(|(_, k)| *k)
}

/// The table in the file at `path` and its text; empty when there is no
/// file.
pub(super) fn read_table(path: &Path) -> Result<(Table, String), ConfigError> {
    let text = match crate::file_kind::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((Table::new(), String::new()));
        }
        Err(reason) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                reason,
            });
        }
    };
    let table: Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::Parse {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
    Ok((table, text))
}

/// Deep merge: tables merge key by key, anything else replaces.
fn merge(into: &mut Table, from: Table) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(Value::Table(a)), Value::Table(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// A `-c` value is TOML when it parses as one (numbers, booleans, arrays,
/// quoted strings), else a plain string.
fn parse_value(raw: &str) -> Value {
    let doc = format!("v = {raw}");
    match doc.parse::<Table>() {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| Value::String(raw.to_string())),
        Err(_) => Value::String(raw.to_string()),
    }
}

fn set_dotted(root: &mut Table, key: &str, value: Value) -> Result<(), ()> {
    let parts: Vec<&str> = key.split('.').collect();
    let mut table = root;
    for part in &parts[..parts.len() - 1] {
        let entry = table
            .entry(part.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        table = match entry {
            Value::Table(t) => t,
            _ => return Err(()),
        };
    }
    table.insert(parts[parts.len() - 1].to_string(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("config.toml"), text).unwrap();
    }

    /// Options for a session in the repository `repo`.
    fn in_repo(home: &Path, repo: &Path) -> LoadOptions {
        LoadOptions {
            home: home.into(),
            repo_root: Some(repo.into()),
            workspace: Some(repo.into()),
            overrides: Vec::new(),
            profile: None,
        }
    }

    #[test]
    fn layers_apply_in_order() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        write(
            home.path(),
            "model = \"a\"\nmax_turns = 7\n[providers.local]\nwire_api = \"chat\"\nbase_url = \"http://127.0.0.1:1/v1\"\n",
        );
        write(&repo.path().join(".quire"), "model = \"b\"\n");
        let (c, w) = load(&LoadOptions {
            home: home.path().into(),
            repo_root: Some(repo.path().into()),
            workspace: None,
            overrides: vec!["max_turns=9".into(), "provider=local".into()],
            profile: None,
        })
        .unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(c.model, "b");
        assert_eq!(c.max_turns, 9);
        let p = c.resolve_provider().unwrap();
        assert_eq!(p.base_url, "http://127.0.0.1:1/v1");
    }

    #[test]
    fn unknown_keys_warn_and_bad_values_name_the_key() {
        let home = tempfile::tempdir().unwrap();
        write(home.path(), "modle = \"x\"\n");
        let (_, w) = load(&LoadOptions {
            home: home.path().into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].ends_with(
                "config.toml:1: unknown config key 'modle' is ignored; did you mean 'model'?"
            ),
            "{w:?}"
        );
        let err = load(&LoadOptions {
            home: home.path().into(),
            overrides: vec!["sandbox=loose".into()],
            ..Default::default()
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("sandbox"), "{err}");
    }

    #[test]
    fn an_untrusted_repository_config_is_not_read_and_a_warning_says_why() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        write(home.path(), "model = \"a\"\n");
        write(&repo.path().join(".quire"), "model = \"b\"\n");
        let opts = in_repo(home.path(), repo.path());
        let (c, w) = load(&opts).unwrap();
        assert_eq!(c.model, "a");
        assert!(!c.project_trusted);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("not a trusted repository") && w[0].contains(".quire/config.toml"),
            "{w:?}"
        );
        // The repository's own config cannot trust it.
        let own = format!(
            "[projects.{:?}]\ntrust = \"trusted\"\n",
            repo.path().display().to_string()
        );
        write(
            &repo.path().join(".quire"),
            &format!("model = \"b\"\n{own}"),
        );
        let (c, _) = load(&opts).unwrap();
        assert_eq!(c.model, "a");
        write(home.path(), &format!("model = \"a\"\n{own}"));
        let (c, w) = load(&opts).unwrap();
        assert_eq!(c.model, "b");
        assert!(c.project_trusted);
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn changed_settings_are_not_used_but_the_hooks_keep_their_approvals() {
        let home = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let own = format!(
            "model = \"a\"\n[projects.{:?}]\ntrust = \"trusted\"\n",
            repo.path().display().to_string()
        );
        write(home.path(), &own);
        write(&repo.path().join(".quire"), "model = \"b\"\n");
        let opts = in_repo(home.path(), repo.path());
        let (c, _) = load(&opts).unwrap();
        assert!(c.project_trusted && c.project_hooks_trusted());
        std::fs::write(repo.path().join(".mcp.json"), "{} ").unwrap();
        let (c, w) = load(&opts).unwrap();
        assert_eq!(c.model, "a");
        assert!(!c.project_trusted && c.project_settings_changed);
        assert!(c.project_hooks_trusted());
        assert!(
            w.iter()
                .any(|w| w.contains(".mcp.json") && w.contains(seal::HOOKS_STILL_RUN)),
            "{w:?}"
        );
        // Not trusted at all: neither.
        write(home.path(), "model = \"a\"\n");
        let (c, _) = load(&opts).unwrap();
        assert!(!c.project_settings_changed && !c.project_hooks_trusted());
    }

    #[test]
    fn codex_names_in_overrides_set_quires_keys() {
        let home = tempfile::tempdir().unwrap();
        write(
            home.path(),
            "model_provider = \"x\"\n[model_providers.x]\nwire_api = \"chat\"\nbase_url = \"http://127.0.0.1:1/v1\"\n",
        );
        let (c, w) = load(&LoadOptions {
            home: home.path().into(),
            overrides: vec![
                "model_providers.x.env_key=X_KEY".into(),
                "model_providers.x.name=Shown".into(),
                "approval_policy=on-failure".into(),
            ],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.provider, "x");
        assert_eq!(c.providers["x"].api_key_env.as_deref(), Some("X_KEY"));
        assert_eq!(
            c.providers["x"].base_url.as_deref(),
            Some("http://127.0.0.1:1/v1")
        );
        assert_eq!(c.approval, crate::tools::ApprovalPolicy::OnRequest);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with(
                "-c approval_policy=on-failure: approval_policy \"on-failure\" (Codex)"
            ),
            "{w:?}"
        );
    }

    #[test]
    fn override_without_equals_is_rejected() {
        let home = tempfile::tempdir().unwrap();
        let err = load(&LoadOptions {
            home: home.path().into(),
            overrides: vec!["model".into()],
            ..Default::default()
        })
        .unwrap_err();
        assert!(matches!(err, ConfigError::Override(_)));
    }
}
