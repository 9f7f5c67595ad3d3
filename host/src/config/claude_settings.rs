//! Claude Code's settings files beside their hooks: `permissions` (`deny`,
//! `ask`, `allow`, `defaultMode`, `additionalDirectories`), `env`, the
//! switches of the project's `.mcp.json` servers and `disableAllHooks`,
//! read from the user's `settings.json` (`$CLAUDE_CONFIG_DIR`, else
//! `~/.claude`), the project's `.claude/settings.json` and
//! `.claude/settings.local.json` — whether the repository is trusted or
//! not: what restricts (deny, ask, `plan`, disabling) applies from any of
//! them, what widens only from the user's file or a trusted repository
//! (the callers decide, by [`Scope`]). The rules themselves are compiled
//! and matched in `tools::permissions`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Where a settings file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `~/.claude/settings.json`.
    User,
    /// `.claude/settings.json` of the project.
    Project,
    /// `.claude/settings.local.json` of the project.
    Local,
}

impl Scope {
    pub fn is_user(self) -> bool {
        self == Scope::User
    }
}

/// Claude Code's permission modes that change quire's settings
/// (`default` changes nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `plan`: the read-only sandbox.
    Plan,
    /// `acceptEdits`: edits in the workspace without asking (`approval =
    /// "on-request"` where it was `untrusted`).
    AcceptEdits,
    /// `dontAsk`: `approval = "never"`.
    DontAsk,
    /// `bypassPermissions`: `approval = "never"`, no sandbox.
    Bypass,
}

/// A permission rule's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuleKind {
    Deny,
    Ask,
    Allow,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Deny => "deny",
            RuleKind::Ask => "ask",
            RuleKind::Allow => "allow",
        }
    }
}

/// What quire reads of one settings file.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsFile {
    pub path: PathBuf,
    pub scope: Scope,
    /// The rules as written, each with its list.
    pub rules: Vec<(RuleKind, String)>,
    pub default_mode: Option<String>,
    pub additional_directories: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub disabled_mcpjson_servers: Vec<String>,
    pub enabled_mcpjson_servers: Option<Vec<String>>,
    pub enable_all_project_mcp_servers: Option<bool>,
    pub disable_all_hooks: bool,
    /// A repository's file whose text changed since the user trusted the
    /// repository (`config::claude_seal`): it only restricts.
    pub changed_since_trust: bool,
}

/// Every Claude Code settings file found, and what was wrong in them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaudeSettings {
    /// The user's first, then the project's, then the local one (later
    /// ones take precedence, as in Claude Code).
    pub files: Vec<SettingsFile>,
    /// The folder `./` and `/` rules are relative to.
    pub project_root: Option<PathBuf>,
    /// Whether the project's files may widen (`allow`, `env`,
    /// `acceptEdits`): the repository is trusted.
    pub project_trusted: bool,
    /// Files that could not be read, fields of the wrong type: named, not
    /// dropped silently.
    pub warnings: Vec<String>,
}

impl ClaudeSettings {
    /// Reads the user's file in `user_dir` and the project's in `root`.
    pub fn read(user_dir: Option<&Path>, root: Option<&Path>, project_trusted: bool) -> Self {
        let mut out = ClaudeSettings {
            project_root: root.map(Path::to_path_buf),
            project_trusted,
            ..Default::default()
        };
        let mut paths = Vec::new();
        if let Some(dir) = user_dir {
            paths.push((dir.join("settings.json"), Scope::User));
        }
        if let Some(root) = root {
            let dir = root.join(".claude");
            paths.push((dir.join("settings.json"), Scope::Project));
            paths.push((dir.join("settings.local.json"), Scope::Local));
        }
        for (path, scope) in paths {
            if let Some(file) = read_file(&path, scope, &mut out.warnings) {
                out.files.push(file);
            }
        }
        out
    }

    /// Whether the file may widen what runs: the user's, or a trusted
    /// repository's whose text is as trusted.
    pub fn may_widen(&self, file: &SettingsFile) -> bool {
        self.not_widening(file).is_none()
    }

    /// Why `file` may not widen (`None`: it may).
    pub fn not_widening(&self, file: &SettingsFile) -> Option<&'static str> {
        if file.scope.is_user() {
            None
        } else if !self.project_trusted {
            Some("the repository is not trusted (`quire trust`)")
        } else if file.changed_since_trust {
            Some(
                "the file changed since you trusted the repository (a command or a checkout may have written it); read it, then run `quire trust` there to use it",
            )
        } else {
            None
        }
    }

    /// `env` of the user's own file: for everything quire runs (hooks,
    /// MCP servers, commands in and out of the sandbox).
    pub fn user_env(&self) -> BTreeMap<String, String> {
        self.files
            .iter()
            .filter(|f| f.scope.is_user())
            .flat_map(|f| f.env.clone())
            .collect()
    }

    /// `env` of the repository's files, for the model's sandboxed
    /// commands only (a sandboxed command may write these files: hooks,
    /// MCP servers and commands run outside the sandbox never get it),
    /// from a trusted repository whose file is as trusted (later wins),
    /// without the variables that change which programs run or what they
    /// load ([`loader_note`]); each left out is said.
    pub fn repository_env(&self) -> (BTreeMap<String, String>, Vec<String>) {
        let mut env = BTreeMap::new();
        let mut notes = Vec::new();
        for file in self.files.iter().filter(|f| !f.scope.is_user()) {
            if file.env.is_empty() {
                continue;
            }
            if let Some(why) = self.not_widening(file) {
                notes.push(format!(
                    "{}: its `env` ({}) is not used: {why}",
                    file.path.display(),
                    names(file.env.keys())
                ));
                continue;
            }
            for (k, v) in &file.env {
                match super::widening::loader_note(k) {
                    Some(what) => notes.push(format!(
                        "{}: `env.{k}` is not used: a repository may not set it ({what}); set it in your own ~/.claude/settings.json if you mean it",
                        file.path.display()
                    )),
                    None => {
                        env.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (env, notes)
    }

    /// The `.mcp.json` servers not to start: named in
    /// `disabledMcpjsonServers` of any file (a restriction: no trust
    /// needed), or left out of an `enabledMcpjsonServers` list when one is
    /// written and `enableAllProjectMcpServers` is not true. With the
    /// file that said so.
    pub fn mcp_server_off(&self, name: &str) -> Option<String> {
        for file in &self.files {
            if file.disabled_mcpjson_servers.iter().any(|s| s == name) {
                return Some(format!("disabledMcpjsonServers in {}", file.path.display()));
            }
        }
        let all = self
            .files
            .iter()
            .rev()
            .find_map(|f| f.enable_all_project_mcp_servers);
        if all == Some(true) {
            return None;
        }
        let listed: Vec<&SettingsFile> = self
            .files
            .iter()
            .filter(|f| f.enabled_mcpjson_servers.is_some())
            .collect();
        let named = listed.iter().any(|f| {
            f.enabled_mcpjson_servers
                .iter()
                .flatten()
                .any(|s| s == name)
        });
        match listed.last() {
            Some(f) if !named => Some(format!(
                "it is not in enabledMcpjsonServers of {}",
                f.path.display()
            )),
            _ => None,
        }
    }

    /// The file whose `disableAllHooks` is true, for the user's hooks
    /// (only the user's own file switches them off) and for the
    /// repository's (any file).
    pub fn hooks_disabled(&self, user_hooks: bool) -> Option<&Path> {
        self.files
            .iter()
            .filter(|f| f.disable_all_hooks && (!user_hooks || f.scope.is_user()))
            .map(|f| f.path.as_path())
            .next()
    }

    /// The `defaultMode` that applies and the file that set it: the
    /// project's local file over the project's over the user's, as in
    /// Claude Code; one that may not apply from where it is written
    /// (`acceptEdits`, `dontAsk` from an untrusted repository,
    /// `bypassPermissions` from any repository) is said and skipped.
    pub fn default_mode(&self) -> (Option<(Mode, &Path)>, Vec<String>) {
        let mut notes = Vec::new();
        for file in self.files.iter().rev() {
            let Some(text) = file.default_mode.as_deref() else {
                continue;
            };
            let at = file.path.display();
            let mode = match text {
                "plan" => Mode::Plan,
                "default" => return (None, notes),
                "acceptEdits" => Mode::AcceptEdits,
                "dontAsk" => Mode::DontAsk,
                "bypassPermissions" => Mode::Bypass,
                other => {
                    notes.push(format!(
                        "{at}: `permissions.defaultMode` \"{other}\" is not one of Claude Code's modes (default, plan, acceptEdits, dontAsk, bypassPermissions); it is ignored"
                    ));
                    continue;
                }
            };
            let allowed = match mode {
                Mode::Plan => true,
                Mode::AcceptEdits | Mode::DontAsk => self.may_widen(file),
                Mode::Bypass => file.scope.is_user(),
            };
            if allowed {
                return (Some((mode, &file.path)), notes);
            }
            notes.push(if mode == Mode::Bypass {
                format!(
                    "{at}: `defaultMode: bypassPermissions` is not used: only your own ~/.claude/settings.json may turn approvals and the sandbox off"
                )
            } else {
                format!(
                    "{at}: `defaultMode: {text}` is not used: {}",
                    self.not_widening(file).unwrap_or_default()
                )
            });
        }
        (None, notes)
    }

    /// How many rules each file has, for `quire doctor`: `PATH: N deny, N
    /// ask, N allow` (the allow rules of an untrusted repository said as
    /// not used).
    pub fn summary(&self) -> Vec<String> {
        let mut out = Vec::new();
        for f in &self.files {
            let count = |k: RuleKind| f.rules.iter().filter(|(kind, _)| *kind == k).count();
            // What widens, when the file may not.
            let unused = match self.not_widening(f) {
                Some(_) if f.changed_since_trust => " (not used: changed since trusted)",
                Some(_) => " (not used: untrusted)",
                None => "",
            };
            let mut parts = Vec::new();
            for kind in [RuleKind::Deny, RuleKind::Ask, RuleKind::Allow] {
                let n = count(kind);
                if n > 0 {
                    let unused = if kind == RuleKind::Allow { unused } else { "" };
                    parts.push(format!("{n} {}{unused}", kind.as_str()));
                }
            }
            if let Some(m) = &f.default_mode {
                parts.push(format!("defaultMode {m}"));
            }
            if !f.additional_directories.is_empty() {
                parts.push(format!(
                    "additionalDirectories {}{unused}",
                    f.additional_directories.join(", ")
                ));
            }
            if !f.env.is_empty() {
                parts.push(format!("env {}", names(f.env.keys())));
            }
            if f.disable_all_hooks {
                parts.push("disableAllHooks".into());
            }
            if !f.disabled_mcpjson_servers.is_empty() {
                parts.push(format!(
                    "disabledMcpjsonServers {}",
                    f.disabled_mcpjson_servers.join(", ")
                ));
            }
            if !parts.is_empty() {
                out.push(format!("{}: {}", f.path.display(), parts.join(", ")));
            }
        }
        out
    }
}

/// What trusting the repository at `root` turns on of its Claude Code
/// settings, one line each, for `quire trust` ([`super::trust_review`]):
/// its allow rules, `env`, `additionalDirectories` and a widening
/// `defaultMode` (its deny and ask
/// rules apply trusted or not).
pub fn trust_lines(root: &Path) -> Vec<String> {
    let q = |t: &str| crate::printable::shown_command(t).into_owned();
    let settings = ClaudeSettings::read(None, Some(root), true);
    let mut out = Vec::new();
    for f in &settings.files {
        let name = f.path.strip_prefix(root).unwrap_or(&f.path).display();
        let allow: Vec<String> = f
            .rules
            .iter()
            .filter(|(k, _)| *k == RuleKind::Allow)
            .map(|(_, r)| q(r))
            .collect();
        if !allow.is_empty() {
            out.push(format!(
                "permissions.allow ({name}): {}: these calls run without asking (still in the sandbox)",
                allow.join(", ")
            ));
        }
        for (k, v) in &f.env {
            let what = match super::widening::loader_note(k) {
                Some(note) => format!("not used: a repository may not set it ({note})"),
                None => "the model's sandboxed commands get it (not hooks, MCP servers or commands run outside the sandbox)".into(),
            };
            out.push(format!("env.{} = \"{}\" ({name}): {what}", q(k), q(v)));
        }
        if !f.additional_directories.is_empty() {
            let dirs: Vec<String> = f.additional_directories.iter().map(|d| q(d)).collect();
            out.push(format!(
                "permissions.additionalDirectories ({name}): {}: commands and apply_patch may write there too",
                dirs.join(", ")
            ));
        }
        if let Some(m @ ("acceptEdits" | "dontAsk")) = f.default_mode.as_deref() {
            out.push(format!(
                "permissions.defaultMode = \"{m}\" ({name}): {}",
                if m == "dontAsk" {
                    "approval = \"never\": nothing is asked"
                } else {
                    "edits in the workspace run without asking"
                }
            ));
        }
    }
    out
}

fn names<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    keys.map(String::as_str).collect::<Vec<_>>().join(", ")
}

/// One file (`None` when it does not exist or is not JSON: the latter
/// said in `warnings`).
fn read_file(path: &Path, scope: Scope, warnings: &mut Vec<String>) -> Option<SettingsFile> {
    let text = match crate::file_kind::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            warnings.push(format!(
                "{}: cannot read it ({e}); its permissions and env are not used",
                path.display()
            ));
            return None;
        }
    };
    let json: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            warnings.push(format!(
                "{}: not valid JSON ({e}); its permissions and env are not used — fix the file",
                path.display()
            ));
            return None;
        }
    };
    let mut file = SettingsFile {
        path: path.to_path_buf(),
        scope,
        rules: Vec::new(),
        default_mode: None,
        additional_directories: Vec::new(),
        env: BTreeMap::new(),
        disabled_mcpjson_servers: Vec::new(),
        enabled_mcpjson_servers: None,
        enable_all_project_mcp_servers: None,
        disable_all_hooks: false,
        changed_since_trust: false,
    };
    let mut bad = |what: &str| {
        warnings.push(format!(
            "{}: {what}; it is ignored — Claude Code's settings reference has its form",
            path.display()
        ))
    };
    let perms = json.get("permissions");
    for kind in [RuleKind::Deny, RuleKind::Ask, RuleKind::Allow] {
        let key = kind.as_str();
        match perms.and_then(|p| p.get(key)) {
            None => {}
            Some(Value::Array(list)) => {
                for (i, rule) in list.iter().enumerate() {
                    match rule.as_str() {
                        Some(r) => file.rules.push((kind, r.to_string())),
                        None => bad(&format!("`permissions.{key}[{i}]` is not a string")),
                    }
                }
            }
            Some(_) => bad(&format!("`permissions.{key}` is not a list of strings")),
        }
    }
    match perms.and_then(|p| p.get("defaultMode")) {
        None => {}
        Some(Value::String(m)) => file.default_mode = Some(m.clone()),
        Some(_) => bad("`permissions.defaultMode` is not a string"),
    }
    if let Some(list) = perms.and_then(|p| p.get("additionalDirectories")) {
        match strings(list) {
            Some(dirs) => file.additional_directories = dirs,
            None => bad("`permissions.additionalDirectories` is not a list of strings"),
        }
    }
    match json.get("env") {
        None => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                match v {
                    Value::String(s) => {
                        file.env.insert(k.clone(), s.clone());
                    }
                    Value::Number(_) | Value::Bool(_) => {
                        file.env.insert(k.clone(), v.to_string());
                    }
                    _ => bad(&format!("`env.{k}` is not a string")),
                }
            }
        }
        Some(_) => bad("`env` is not an object"),
    }
    if let Some(list) = json.get("disabledMcpjsonServers") {
        match strings(list) {
            Some(s) => file.disabled_mcpjson_servers = s,
            None => bad("`disabledMcpjsonServers` is not a list of strings"),
        }
    }
    if let Some(list) = json.get("enabledMcpjsonServers") {
        match strings(list) {
            Some(s) => file.enabled_mcpjson_servers = Some(s),
            None => bad("`enabledMcpjsonServers` is not a list of strings"),
        }
    }
    match json.get("enableAllProjectMcpServers") {
        None => {}
        Some(Value::Bool(b)) => file.enable_all_project_mcp_servers = Some(*b),
        Some(_) => bad("`enableAllProjectMcpServers` is not true or false"),
    }
    match json.get("disableAllHooks") {
        None => {}
        Some(Value::Bool(b)) => file.disable_all_hooks = *b,
        Some(_) => bad("`disableAllHooks` is not true or false"),
    }
    Some(file)
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
#[path = "claude_settings_tests.rs"]
mod tests;
