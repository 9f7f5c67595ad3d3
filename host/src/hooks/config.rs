//! Hook configuration: `[hooks]` in config.toml (`claude_compat` and one
//! `[[hooks.EVENT]]` array per event), read per file so each hook knows
//! where it came from, plus Claude Code's settings.json files (see
//! [`super::claude`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex_automata::meta::Regex;
use serde::{Deserialize, Serialize};

use super::{HookError, HookEvent, claude, trust};

/// The default timeout of one hook, in seconds.
pub const DEFAULT_TIMEOUT_SEC: u64 = 60;

/// `[hooks]` in config.toml, as merged by the config layers. The hooks
/// themselves are read again per file by [`load_hooks`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct HooksConfig {
    /// Also read the `hooks` of Claude Code's settings.json files.
    pub claude_compat: bool,
    /// `[[hooks.EVENT]]` arrays, by event name. An unknown event name is an
    /// error, not a warning: a misspelled guard must not leave the session
    /// running without it.
    #[serde(flatten, deserialize_with = "known_events")]
    pub events: BTreeMap<String, Vec<HookDef>>,
}

fn known_events<'de, D>(d: D) -> Result<BTreeMap<String, Vec<HookDef>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let events = BTreeMap::<String, Vec<HookDef>>::deserialize(d)?;
    match events.keys().find(|k| HookEvent::parse(k).is_none()) {
        Some(bad) => Err(serde::de::Error::custom(unknown_event(bad))),
        None => Ok(events),
    }
}

/// The error for `[[hooks.NAME]]` when NAME is not an event.
fn unknown_event(name: &str) -> String {
    let names = HookEvent::ALL.map(HookEvent::as_str);
    format!(
        "unknown hook event `hooks.{name}`{} (the events: {})",
        crate::suggest::did_you_mean(name, names.iter().copied()),
        names.join(", ")
    )
}

impl Default for HooksConfig {
    fn default() -> Self {
        HooksConfig {
            claude_compat: true,
            events: BTreeMap::new(),
        }
    }
}

/// How a hook runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HookKind {
    /// A command line run with `bash -c`.
    #[default]
    Command,
    /// A POST of the input JSON to `url`; the response body is the output.
    Http,
    /// The `hooks` export of a WASM plugin (declared in its plugin.toml,
    /// never in config.toml): see [`super::wasm`].
    Wasm,
}

/// One `[[hooks.EVENT]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookDef {
    /// A regex over tool names (tool events) or the event's kind
    /// (`SessionStart`: the source, …); empty or `*` matches everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matcher: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: HookKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_sec: Option<u64>,
    /// A `wasm` hook's plugin (set from its plugin.toml).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin: Option<String>,
    /// A name for events and `quire hooks list` (default: the command).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Claude Code's `if` (a permission rule such as `Bash(git push:*)`):
    /// the hook runs only for tool calls it matches (see [`super::if_rule`]).
    #[serde(default, rename = "if", skip_serializing_if = "Option::is_none")]
    pub if_rule: Option<String>,
}

impl HookDef {
    pub fn timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.timeout_sec.unwrap_or(DEFAULT_TIMEOUT_SEC).max(1))
    }

    /// What events and lists call the hook.
    pub fn label(&self) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        let text = match self.kind {
            HookKind::Command => self.command.as_deref().unwrap_or(""),
            HookKind::Http => self.url.as_deref().unwrap_or(""),
            HookKind::Wasm => self.plugin.as_deref().unwrap_or(""),
        };
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut end = one_line.len().min(60);
        while !one_line.is_char_boundary(end) {
            end -= 1;
        }
        if end < one_line.len() {
            format!("{}…", &one_line[..end])
        } else {
            one_line
        }
    }

    fn check(&self) -> Result<(), String> {
        match self.kind {
            HookKind::Command if self.command.as_deref().is_none_or(|c| c.trim().is_empty()) => {
                Err("a command hook needs `command` (the command line to run)".into())
            }
            HookKind::Http if self.url.as_deref().is_none_or(|u| u.trim().is_empty()) => {
                Err("an http hook needs `url`".into())
            }
            HookKind::Wasm => Err(
                "a wasm hook is declared by its plugin, in the plugin's plugin.toml (`[[hooks]]` with `event` and `matcher`), not here".into(),
            ),
            _ => Ok(()),
        }
    }
}

/// Who wrote a hook: the user (their own files) or the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HookScope {
    User,
    Project,
}

/// Whether a hook may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrustState {
    /// From the user's own files.
    User,
    /// A repository hook the user approved (by hash).
    Trusted,
    /// A repository hook that is new or changed since it was approved.
    NotApproved,
    /// The repository itself is not trusted.
    RepoNotTrusted,
}

impl TrustState {
    pub fn runs(self) -> bool {
        matches!(self, TrustState::User | TrustState::Trusted)
    }
}

/// One hook, ready to run.
#[derive(Debug, Clone)]
pub struct Hook {
    pub event: HookEvent,
    pub def: HookDef,
    /// The matcher as written (Claude tool names mapped to quire's).
    pub matcher: Option<Regex>,
    /// The file it was read from.
    pub source: PathBuf,
    pub scope: HookScope,
    /// Read from a Claude Code settings.json: its input names tools the
    /// way Claude Code does (`Bash`, `Read`, …).
    pub claude: bool,
    /// The folder of the plugin bundle it came from: `CLAUDE_PLUGIN_ROOT`
    /// and `PLUGIN_ROOT` in its environment.
    pub plugin_root: Option<PathBuf>,
    /// Its parsed `if`.
    pub condition: Option<super::if_rule::IfRule>,
    /// sha256 of the definition and where it is (see [`trust::hook_hash`]).
    pub hash: String,
    pub trust: TrustState,
}

impl Hook {
    /// Whether the hook fires for `target` (a tool name, a session start
    /// source, …); hooks without a matcher fire for everything.
    pub fn matches(&self, target: Option<&str>) -> bool {
        match (&self.matcher, target) {
            (None, _) => true,
            (Some(_), None) => true,
            (Some(re), Some(t)) => re.is_match(t),
        }
    }

    /// The short id shown by `quire hooks list` and taken by `trust`.
    pub fn id(&self) -> &str {
        &self.hash[..12.min(self.hash.len())]
    }
}

/// What [`load_hooks`] reads.
#[derive(Debug, Clone)]
pub struct HookSources {
    /// `$QUIRE_HOME`.
    pub home: PathBuf,
    /// Claude Code's user folder (`$CLAUDE_CONFIG_DIR`, else `~/.claude`).
    pub claude_home: Option<PathBuf>,
    /// The repository root.
    pub repo_root: Option<PathBuf>,
    pub project_trusted: bool,
    pub claude_compat: bool,
    /// Hook files of installed plugin bundles, with the bundle's folder
    /// (`${CLAUDE_PLUGIN_ROOT}` / `${PLUGIN_ROOT}` in their commands).
    /// They run only once approved by hash, like a repository's.
    pub plugin_files: Vec<(PathBuf, PathBuf)>,
    /// `[plugins]`: where the plugins whose `[[hooks]]` count are found.
    pub plugins: crate::plugins::PluginsConfig,
}

impl HookSources {
    pub fn new(config: &crate::config::Config, home: &Path, repo_root: Option<PathBuf>) -> Self {
        let cwd = std::env::current_dir().unwrap_or_else(|_| home.to_path_buf());
        let plugin_files = crate::plugins::bundle::hook_files_for(
            config,
            home,
            repo_root.as_deref().unwrap_or(&cwd),
        );
        HookSources {
            home: home.to_path_buf(),
            claude_home: claude::user_dir(),
            repo_root,
            project_trusted: config.project_trusted,
            claude_compat: config.hooks.claude_compat,
            plugin_files,
            plugins: config.plugins.clone(),
        }
    }
}

/// Every hook found, runnable or not, and what was wrong with the files.
#[derive(Debug, Default)]
pub struct LoadedHooks {
    pub hooks: Vec<Hook>,
    pub warnings: Vec<String>,
}

impl LoadedHooks {
    /// Repository hooks that do not run because they are not approved.
    pub fn not_approved(&self) -> impl Iterator<Item = &Hook> {
        self.hooks
            .iter()
            .filter(|h| h.trust == TrustState::NotApproved)
    }
}

/// Reads every hook source in order: the user's config.toml, Claude
/// Code's user settings, the repository's `.quire/config.toml`, its
/// `.claude/settings.json` and `.claude/settings.local.json`.
pub fn load_hooks(src: &HookSources) -> LoadedHooks {
    let mut out = LoadedHooks::default();
    let approved = match trust::TrustStore::load(&src.home) {
        Ok(s) => s,
        Err(e) => {
            out.warnings.push(e.to_string());
            trust::TrustStore::default()
        }
    };
    let mut files: Vec<(PathBuf, HookScope, bool)> =
        vec![(src.home.join("config.toml"), HookScope::User, false)];
    if src.claude_compat
        && let Some(dir) = &src.claude_home
    {
        files.push((dir.join("settings.json"), HookScope::User, true));
    }
    if let Some(root) = &src.repo_root {
        files.push((root.join(".quire/config.toml"), HookScope::Project, false));
        if src.claude_compat {
            files.push((root.join(".claude/settings.json"), HookScope::Project, true));
            files.push((
                root.join(".claude/settings.local.json"),
                HookScope::Project,
                true,
            ));
        }
    }
    let plugin_roots: Vec<(PathBuf, PathBuf)> = src.plugin_files.clone();
    for (path, _) in &plugin_roots {
        files.push((path.clone(), HookScope::Project, true));
    }
    for (path, scope, is_claude) in files {
        let plugin_root = plugin_roots
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, r)| r);
        let defs = if is_claude {
            claude::read_settings_skipping(&path)
        } else {
            read_toml(&path).map(|d| (d, Vec::new()))
        };
        let defs = match defs {
            Ok((d, skipped)) => {
                for s in skipped {
                    out.warnings
                        .push(format!("{}: skipped {s}", path.display()));
                }
                d
            }
            // An untrusted repository's files are not used, so not
            // reported on either (`quire hooks list` shows they exist).
            Err(e)
                if scope == HookScope::Project && plugin_root.is_none() && !src.project_trusted =>
            {
                tracing::debug!("untrusted repository's hooks not read: {e}");
                continue;
            }
            Err(e) => {
                out.warnings.push(format!("hooks not loaded: {e}"));
                continue;
            }
        };
        for (event, mut def) in defs {
            if let (Some(root), Some(c)) = (plugin_root, def.command.as_mut()) {
                let r = root.display().to_string();
                *c = c
                    .replace("${CLAUDE_PLUGIN_ROOT}", &r)
                    .replace("${PLUGIN_ROOT}", &r);
            }
            if let Err(msg) = def.check() {
                out.warnings.push(format!(
                    "{}: a {event} hook is skipped: {msg}",
                    path.display()
                ));
                continue;
            }
            let condition = match super::if_rule::for_hook(event, &def) {
                Ok(c) => c,
                Err(e) => {
                    out.warnings.push(format!(
                        "{}: a {event} hook is skipped: {e}",
                        path.display()
                    ));
                    continue;
                }
            };
            let matcher_text = def.matcher.as_deref().map(|m| {
                if is_claude && event.is_tool_event() {
                    claude::map_matcher(m)
                } else {
                    m.to_string()
                }
            });
            let matcher = match compile_matcher(matcher_text.as_deref()) {
                Ok(m) => m,
                Err(e) => {
                    out.warnings.push(format!(
                        "{}: a {event} hook is skipped: its matcher {:?} is not a valid regex: {e}",
                        path.display(),
                        def.matcher.as_deref().unwrap_or("")
                    ));
                    continue;
                }
            };
            let rel = match (&src.repo_root, scope) {
                (Some(root), HookScope::Project) => {
                    path.strip_prefix(root).unwrap_or(path.as_path())
                }
                _ => path.as_path(),
            };
            let hash = trust::hook_hash(src.repo_root.as_deref(), rel, event, &def);
            let trust = match scope {
                HookScope::User => TrustState::User,
                HookScope::Project if plugin_root.is_some() && approved.contains(&hash) => {
                    TrustState::Trusted
                }
                HookScope::Project if plugin_root.is_some() => TrustState::NotApproved,
                HookScope::Project if !src.project_trusted => TrustState::RepoNotTrusted,
                HookScope::Project if approved.contains(&hash) => TrustState::Trusted,
                HookScope::Project => TrustState::NotApproved,
            };
            out.hooks.push(Hook {
                event,
                def,
                matcher,
                source: path.clone(),
                scope,
                claude: is_claude,
                plugin_root: plugin_root.cloned(),
                condition,
                hash,
                trust,
            });
        }
    }
    let (wasm, warnings) = super::wasm::plugin_hooks(src, &approved);
    out.hooks.extend(wasm);
    out.warnings.extend(warnings);
    out
}

/// A matcher as an anchored regex; `None` for "everything".
pub fn compile_matcher(text: Option<&str>) -> Result<Option<Regex>, String> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty() && *t != "*") else {
        return Ok(None);
    };
    Regex::new(&format!("^(?:{text})$"))
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The text of a hooks file; `None` when it does not exist.
pub(super) fn read_optional(path: &Path) -> Result<Option<String>, HookError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(HookError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The `[[hooks.EVENT]]` arrays of one config.toml.
fn read_toml(path: &Path) -> Result<Vec<(HookEvent, HookDef)>, HookError> {
    let Some(text) = read_optional(path)? else {
        return Ok(Vec::new());
    };
    let invalid = |message: String| HookError::Invalid {
        path: path.display().to_string(),
        message,
    };
    let table: toml::Table = text.parse().map_err(|e| invalid(format!("{e}")))?;
    let Some(hooks) = table.get("hooks") else {
        return Ok(Vec::new());
    };
    let hooks = hooks
        .as_table()
        .ok_or_else(|| invalid("`hooks` must be a table".into()))?;
    let mut out = Vec::new();
    for (key, value) in hooks {
        if key == "claude_compat" {
            continue;
        }
        let event = HookEvent::parse(key).ok_or_else(|| invalid(unknown_event(key)))?;
        let defs: Vec<HookDef> = value
            .clone()
            .try_into()
            .map_err(|e| invalid(format!("[[hooks.{key}]]: {e}")))?;
        out.extend(defs.into_iter().map(|d| (event, d)));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
