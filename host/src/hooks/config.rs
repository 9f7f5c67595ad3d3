//! Hook configuration: `[hooks]` in config.toml (`claude_compat` and one
//! `[[hooks.EVENT]]` array per event), read per file so each hook knows
//! where it came from, plus Claude Code's settings.json files (see
//! [`super::claude`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex_automata::meta::Regex;
use serde::{Deserialize, Serialize};

use super::{HookError, HookEvent};

pub use super::load::{HookSources, LoadedHooks, load_hooks};

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
    for (name, defs) in &events {
        let event =
            HookEvent::parse(name).ok_or_else(|| serde::de::Error::custom(unknown_event(name)))?;
        for (n, def) in defs.iter().enumerate() {
            unusable(event, def).map_err(|why| {
                serde::de::Error::custom(format!(
                    "hook {} of [[hooks.{name}]] ({}) cannot be used: {why}; fix or remove it (a guard quire cannot read would leave the session unguarded)",
                    n + 1,
                    def.label()
                ))
            })?;
        }
    }
    Ok(events)
}

/// The event and the 1-based number of the entry that the error
/// [`known_events`] gives about an unusable hook names (`hook 3 of
/// [[hooks.PreToolUse]] ...`), for placing it at the entry's own line:
/// serde spans the whole `[hooks]` table.
pub fn unusable_entry(message: &str) -> Option<(&str, usize)> {
    let rest = message.strip_prefix("hook ")?;
    let (n, rest) = rest.split_once(" of [[hooks.")?;
    let (event, _) = rest.split_once("]]")?;
    Some((event, n.parse().ok()?))
}

/// Why `def` cannot run as a hook of `event`, if it cannot: no command,
/// a matcher that is not a regex, an `if` quire cannot read.
pub(super) fn unusable(event: HookEvent, def: &HookDef) -> Result<(), String> {
    def.check()?;
    compile_matcher(def.matcher.as_deref()).map_err(|e| {
        format!(
            "its matcher {:?} is not a valid regex: {e}",
            def.matcher.as_deref().unwrap_or("")
        )
    })?;
    super::if_rule::for_hook(event, def)?;
    Ok(())
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
    /// The environment variables an http hook's headers may use (`$VAR`,
    /// `${VAR}`); any other reference is sent empty, as Claude Code does
    /// with `allowedEnvVars` (see [`super::http_env`]).
    #[serde(
        default,
        alias = "allowedEnvVars",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub allowed_env_vars: Vec<String>,
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
    /// Claude Code's handler-level `async` (or `asyncRewake`): a command
    /// hook run in the background from its start ([`super::background`]).
    #[serde(default, rename = "async", skip_serializing_if = "is_false")]
    pub background: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl HookDef {
    pub fn timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.timeout_sec.unwrap_or(DEFAULT_TIMEOUT_SEC).max(1))
    }

    /// What the hook runs, in full, for lists and approvals: its command
    /// line, URL or WASM plugin, after its `name` when it has one (a name
    /// alone could hide what runs behind harmless words).
    pub fn runs(&self) -> String {
        let what = match self.kind {
            HookKind::Command => self.command.clone().unwrap_or_default(),
            HookKind::Http => format!(
                "POST {}{}",
                self.url.as_deref().unwrap_or(""),
                self.headers_shown()
            ),
            HookKind::Wasm => format!("WASM plugin {}", self.plugin.as_deref().unwrap_or("")),
        };
        match &self.name {
            Some(n) => format!("{n}: {what}"),
            None => what,
        }
    }

    /// An http hook's headers as consent screens show them (variables by
    /// name, and which ones it sends); empty for other hooks.
    pub fn headers_shown(&self) -> String {
        if self.kind != HookKind::Http {
            return String::new();
        }
        super::http_env::describe(&self.headers, &self.allowed_env_vars)
    }

    /// What events call the hook: its name, or its command cut to a line.
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

    pub(super) fn check(&self) -> Result<(), String> {
        self.check_as("timeout_sec")
    }

    /// [`HookDef::check`] naming the timeout the way the file writes it
    /// (`timeout` in Claude Code's settings, `timeout_sec` in config.toml).
    pub(super) fn check_as(&self, timeout_key: &str) -> Result<(), String> {
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
            _ if self.timeout_sec == Some(0) => Err(format!(
                "{} (the default is {DEFAULT_TIMEOUT_SEC})",
                crate::config::ranges::HOOK_TIMEOUT.message(timeout_key, "0")
            )),
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
    /// A guard approved for this repository that its files no longer hold
    /// (removed, or its matcher or command changed): it does not run, and
    /// what it matched stays blocked until `quire hooks trust` forgets it
    /// (see [`super::gone_guards`]).
    Gone,
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
    /// A Claude Code file's tool-event matcher as Claude Code reads it:
    /// against Claude's tool names (`B.*`, `Write` for added files only),
    /// see [`Hook::fits_tool`].
    pub claude_matcher: Option<Regex>,
    /// The file it was read from.
    pub source: PathBuf,
    pub scope: HookScope,
    /// Read from a Claude Code settings.json: its input names tools the
    /// way Claude Code does (`Bash`, `Read`, …).
    pub claude: bool,
    /// The folder of the plugin bundle it came from: `CLAUDE_PLUGIN_ROOT`
    /// and `PLUGIN_ROOT` in its environment.
    pub plugin_root: Option<PathBuf>,
    /// For a plugin folder whose path is not plain, the link to it under
    /// `$QUIRE_HOME` put in its place ([`super::root_alias`]).
    pub root_alias: Option<PathBuf>,
    /// The plugin's data folder (`plugins::bundle::mcp::data_dir`):
    /// `CLAUDE_PLUGIN_DATA` and `PLUGIN_DATA` in its environment, made
    /// before it runs.
    pub plugin_data: Option<PathBuf>,
    /// Its parsed `if`.
    pub condition: Option<super::if_rule::IfRule>,
    /// sha256 of the definition and where it is (see [`trust::hook_hash`]).
    pub hash: String,
    pub trust: TrustState,
    /// An approved repository or plugin command hook's files, checked
    /// again before each run.
    pub pinned: Option<super::trust::Pinned>,
    /// A guard not approved now whose earlier version was (same event,
    /// matcher and command; its files changed since): it does not run, and
    /// what it guards is blocked until it is approved again.
    pub approved_before: bool,
}

impl Hook {
    /// Why this plugin command hook does not run where its plugin now is
    /// (a character a shell could act on in the path put in for its
    /// folder, see `root_name`); `None` for a hook that may run.
    pub fn refused_root(&self) -> Option<String> {
        let root = self.plugin_root.as_ref()?;
        if self.def.kind != HookKind::Command {
            return None;
        }
        super::root_name::check(self.put_root()?, root).err()
    }

    /// The path put in for its plugin's folder, in its command and its
    /// environment: the folder, or its alias ([`super::root_alias`]).
    pub fn put_root(&self) -> Option<&Path> {
        self.root_alias.as_deref().or(self.plugin_root.as_deref())
    }

    /// Whether the hook fires for `target` (a tool name, a session start
    /// source, …); hooks without a matcher fire for everything.
    pub fn matches(&self, target: Option<&str>) -> bool {
        match (&self.matcher, target) {
            (None, _) => true,
            (Some(_), None) => true,
            (Some(re), Some(t)) => re.is_match(t),
        }
    }

    /// Whether the hook fires for a call of quire's tool `quire_name`
    /// that Claude Code would name one of `claude_names` (a patch's file:
    /// `Write` when added, `Edit` and `MultiEdit` when changed). A Claude
    /// Code matcher is matched as Claude Code does, against those names,
    /// so `Write` never fires for an edit; quire's own name written in
    /// such a file matches too.
    pub fn fits_tool(&self, quire_name: &str, claude_names: &[&str]) -> bool {
        let Some(claude) = &self.claude_matcher else {
            return self.matches(Some(quire_name));
        };
        let named = super::claude::TOOL_MAP
            .iter()
            .any(|(_, q)| *q == quire_name);
        claude.is_match(quire_name)
            || claude_names.iter().any(|n| claude.is_match(n))
            || (!named && self.matches(Some(quire_name)))
    }

    /// The short id shown by `quire hooks list` and taken by `trust`.
    pub fn id(&self) -> &str {
        &self.hash[..12.min(self.hash.len())]
    }
}

/// A matcher as an anchored regex; `None` for "everything".
pub fn compile_matcher(text: Option<&str>) -> Result<Option<Regex>, String> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty() && *t != "*") else {
        return Ok(None);
    };
    regex_memo(&format!("^(?:{text})$")).map(Some).map_err(|e| {
        // The syntax error's last line says what is wrong ("unclosed
        // group"); the build error itself only "error parsing pattern 0".
        e.syntax_error()
            .and_then(|s| {
                let text = s.to_string();
                text.lines()
                    .last()
                    .map(|l| l.trim_start_matches("error: ").to_string())
            })
            .unwrap_or_else(|| e.to_string())
    })
}

/// A Claude Code tool matcher as Claude Code reads it: a plain name or
/// list of names (`Edit|Write`) matches those names exactly, any other
/// regex anywhere in the name (`^B`, `Notebook`, `(?i)bash`); `None` for
/// everything (and for a regex that does not compile, which loading
/// already refused).
pub fn compile_claude_matcher(text: Option<&str>) -> Option<Regex> {
    let text = text.map(str::trim).filter(|t| !t.is_empty() && *t != "*")?;
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '|')
    {
        return compile_matcher(Some(text)).ok().flatten();
    }
    regex_memo(text).ok()
}

/// `Regex::new`, remembered per thread: a file of a thousand hooks with
/// one matcher compiles it once, not a thousand times (a `Regex` clone
/// shares the compiled program).
fn regex_memo(pattern: &str) -> Result<Regex, Box<regex_automata::meta::BuildError>> {
    thread_local! {
        static MEMO: std::cell::RefCell<std::collections::HashMap<String, Regex>> =
            Default::default();
    }
    if let Some(r) = MEMO.with(|m| m.borrow().get(pattern).cloned()) {
        return Ok(r);
    }
    let r = Regex::new(pattern).map_err(Box::new)?;
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        // Bounded: distinct matchers are few; a flood of them is not kept.
        if m.len() >= 4096 {
            m.clear();
        }
        m.insert(pattern.to_string(), r.clone());
    });
    Ok(r)
}

/// The text of a hooks file; `None` when it does not exist.
pub(super) fn read_optional(path: &Path) -> Result<Option<String>, HookError> {
    match crate::file_kind::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(HookError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The `[[hooks.EVENT]]` arrays of one config.toml.
pub(super) fn read_toml(path: &Path) -> Result<Vec<super::claude::EventHook>, HookError> {
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
        out.extend(
            defs.into_iter()
                .enumerate()
                .map(|(n, d)| (event, d, format!("hook {} of [[hooks.{key}]]", n + 1))),
        );
    }
    super::file_limits::check_count(path, out.len())?;
    Ok(out)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
