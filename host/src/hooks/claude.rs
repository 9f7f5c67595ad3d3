//! Claude Code compatibility: the `hooks` section of its settings.json
//! files and the map between its tool names and quire's.
//!
//! | Claude Code            | quire        |
//! |------------------------|--------------|
//! | `Bash`                 | `shell`      |
//! | `Read`                 | `read_file`  |
//! | `Edit`, `Write`, `MultiEdit`, `NotebookEdit` | `apply_patch` |
//! | `Grep`                 | `grep`       |
//! | `Glob`, `LS`           | `list_dir`   |
//! | `TodoWrite`            | `update_plan` |
//! | `Task`, `Agent`        | `spawn_agent` |
//! | `Skill`                | `skill`      |
//! | `mcp__server__tool`    | the same     |
//! | `mcp__plugin_P_S__tool` (a plugin's server) | `mcp__P_S__tool` |
//!
//! A matcher naming a tool quire does not have (`WebFetch`, a typo) is
//! named in a warning: it would never fire ([`matcher_notes`]).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::config::read_optional;
use super::{HookDef, HookError, HookEvent, HookKind};
use crate::tools::approval::ApprovalPolicy;
use crate::tools::sandbox::SandboxMode;

/// Claude Code's tool names and the quire tool each one maps to.
pub const TOOL_MAP: &[(&str, &str)] = &[
    ("Bash", "shell"),
    ("Read", "read_file"),
    ("Edit", "apply_patch"),
    ("Write", "apply_patch"),
    ("MultiEdit", "apply_patch"),
    ("Grep", "grep"),
    ("Glob", "list_dir"),
    ("LS", "list_dir"),
    ("NotebookEdit", "apply_patch"),
    ("TodoWrite", "update_plan"),
    // Claude Code names its subagent tool `Agent` since 2.1.63 (hooks get
    // `"tool_name": "Agent"`); `Task`, its old name, still matches.
    ("Agent", "spawn_agent"),
    ("Task", "spawn_agent"),
    ("Skill", "skill"),
];

/// Claude Code's tools that quire has no equivalent of: a matcher naming
/// one never fires.
pub(crate) const CLAUDE_ONLY: &[&str] = &[
    "WebFetch",
    "WebSearch",
    "NotebookRead",
    "BashOutput",
    "KillShell",
    "KillBash",
    "ExitPlanMode",
    "EnterPlanMode",
    "SlashCommand",
    "AskUserQuestion",
    "ListMcpResourcesTool",
    "ReadMcpResourceTool",
];

/// quire's tool for Claude Code's tool `name`.
pub fn quire_name(claude_name: &str) -> Option<&'static str> {
    TOOL_MAP
        .iter()
        .find(|(c, _)| *c == claude_name)
        .map(|(_, q)| *q)
}

/// What is wrong with the tool names of a tool event's `matcher`, one
/// note per name that matches no tool quire can have: a Claude Code tool
/// without an equivalent, or a name that is neither quire's, Claude
/// Code's, an MCP tool (`mcp__…`) nor a plugin's (`PLUGIN__TOOL`). Only a
/// matcher that is a plain list of names (`Bash|WebFetch`) is judged; a
/// regex (`mcp__.*`, `Notebook.*`) is left alone. `claude`: the file is
/// Claude Code's (its names are mapped).
pub fn matcher_notes(matcher: &str, claude: bool) -> Vec<String> {
    let plain = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let matcher = matcher.trim();
    if matcher.is_empty() || matcher == "*" || !matcher.split('|').all(plain) {
        return Vec::new();
    }
    let known = crate::agents::definition::KNOWN_TOOLS;
    let mut notes = Vec::new();
    for name in matcher.split('|') {
        if let Some(note) = crate::mcp::claude_names::shape_note(name) {
            notes.push(format!("{note}, so it never matches"));
            continue;
        }
        if name.contains("__") || known.contains(&name) {
            continue;
        }
        if let Some(q) = quire_name(name) {
            if !claude {
                notes.push(format!(
                    "`{name}` is Claude Code's name; in quire's own hooks write `{q}`"
                ));
            }
            continue;
        }
        if CLAUDE_ONLY.contains(&name) {
            notes.push(format!(
                "`{name}` is a Claude Code tool quire does not have, so it never matches"
            ));
            continue;
        }
        let claude_names = TOOL_MAP.iter().map(|(c, _)| *c);
        let hint = if claude {
            crate::suggest::did_you_mean(name, known.iter().copied().chain(claude_names))
        } else {
            crate::suggest::did_you_mean(name, known.iter().copied())
        };
        notes.push(format!(
            "`{name}` is no tool quire has, so it never matches{hint}"
        ));
    }
    notes
}

/// Claude Code's permission mode closest to quire's approval policy and
/// sandbox: a read-only sandbox is `plan`; no sandbox with nothing asked
/// (`never`, `on-request`) is `bypassPermissions`; `never` in the
/// sandbox is `dontAsk` (nothing asked, escalations refused);
/// `on-request` in the sandbox is `acceptEdits` (edits and sandboxed
/// commands run without asking); `untrusted` is `default` (asks before
/// every edit and every command not known to be read-only).
pub fn permission_mode(approval: ApprovalPolicy, sandbox: SandboxMode) -> &'static str {
    match (approval, sandbox) {
        (_, SandboxMode::ReadOnly) => "plan",
        (ApprovalPolicy::Untrusted, _) => "default",
        (_, SandboxMode::DangerFullAccess) => "bypassPermissions",
        (ApprovalPolicy::Never, SandboxMode::WorkspaceWrite) => "dontAsk",
        (ApprovalPolicy::OnRequest, SandboxMode::WorkspaceWrite) => "acceptEdits",
    }
}

/// Claude Code's folder of user settings: `$CLAUDE_CONFIG_DIR`, else
/// `~/.claude`.
pub fn user_dir() -> Option<PathBuf> {
    crate::config::other_tools::claude_dir()
}

/// The name a Claude Code hook sees for quire's tool `name` (the first
/// Claude name that maps to it; other names unchanged).
pub fn claude_name(quire_name: &str) -> &str {
    TOOL_MAP
        .iter()
        .find(|(_, q)| *q == quire_name)
        .map(|(c, _)| *c)
        .unwrap_or(quire_name)
}

/// A Claude Code matcher with its tool names replaced by quire's: every
/// identifier that is a Claude tool name is swapped, the rest of the regex
/// is kept (`Edit|Write` → `apply_patch|apply_patch`); Claude's name of a
/// plugin's MCP tool matches quire's too (`mcp__plugin_p_s__.*` →
/// `(?:mcp__p_s__|mcp__plugin_p_s__).*`, `mcp::claude_names`).
pub fn map_matcher(matcher: &str) -> String {
    let mut out = String::with_capacity(matcher.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            match crate::mcp::claude_names::to_quire(word) {
                Some(q) => out.push_str(&format!("(?:{q}|{word})")),
                None => out.push_str(quire_name(word).unwrap_or(word.as_str())),
            }
            word.clear();
        }
    };
    for ch in matcher.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Read loosely: each group and handler is read on its own, so one that
/// is written wrong is skipped (and named), not every hook of the file.
#[derive(Deserialize)]
struct Settings {
    #[serde(default)]
    hooks: std::collections::BTreeMap<String, Vec<serde_json::Value>>,
    /// The other top-level keys ([`super::top_level`]).
    #[serde(flatten)]
    top: std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Group {
    #[serde(default)]
    matcher: Option<String>,
    #[serde(default)]
    hooks: Vec<serde_json::Value>,
    /// Keys Claude Code does not have at this level, named in a warning.
    #[serde(flatten)]
    unknown: std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Handler {
    #[serde(rename = "type", default = "command_type")]
    kind: String,
    #[serde(default)]
    command: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
    /// The variables `headers` may use; others are sent empty.
    #[serde(rename = "allowedEnvVars", default)]
    allowed_env_vars: Vec<String>,
    /// Seconds.
    #[serde(default)]
    timeout: Option<u64>,
    #[serde(rename = "if", default)]
    if_rule: Option<String>,
    /// `async` / `asyncRewake`: a command hook runs in the background
    /// ([`super::background`]).
    #[serde(rename = "async", default)]
    is_async: Option<bool>,
    #[serde(rename = "asyncRewake", default)]
    async_rewake: Option<bool>,
    /// Other keys: Claude Code's that quire does not use
    /// ([`HANDLER_KEYS_IGNORED`]) and unknown ones, named in a warning.
    #[serde(flatten)]
    other: std::collections::BTreeMap<String, serde_json::Value>,
}

/// A handler's keys (Claude Code's hooks reference) that quire reads.
const HANDLER_KEYS: &[&str] = &[
    "type",
    "command",
    "url",
    "headers",
    "allowedEnvVars",
    "timeout",
    "if",
    "async",
    "asyncRewake",
];
/// Claude Code's handler keys quire accepts without using them (display,
/// the `prompt` / `agent` types it skips anyway, and the message and
/// summary of an `asyncRewake` hook, which Anthropic's own plugins write
/// and which quire, running the hook synchronously, has no use for).
const HANDLER_KEYS_IGNORED: &[&str] = &[
    "statusMessage",
    "once",
    "shell",
    "prompt",
    "model",
    "rewakeMessage",
    "rewakeSummary",
];

/// The keys of Claude Code's `mcp_tool` handler (an MCP server's tool
/// called as the hook), which quire does not run.
const MCP_TOOL_KEYS: &[&str] = &["server", "tool", "input"];

/// The note for `key`, unknown at `at` (an entry or a handler) of a file,
/// with the closest of `known`.
fn unknown_key(key: &str, at: &str, known: &[&str]) -> String {
    format!(
        "the unknown key `{key}` of {at}{} (Claude Code has no such key there; it is ignored)",
        crate::suggest::did_you_mean(key, known.iter().copied())
    )
}

fn command_type() -> String {
    "command".into()
}

/// One hook with the event it runs on and where it is in its file, in
/// words (`hook 1 of entry 2 of the PreToolUse hooks`).
pub type EventHook = (HookEvent, HookDef, String);

/// The hooks of one settings.json (none when the file does not exist).
/// Events quire does not have and handler types it cannot run (`prompt`,
/// `agent`) are an error naming them when nothing else is left, so the
/// user knows they are ignored (see [`read_settings_skipping`], which
/// loading and `plugins validate` use).
#[cfg(test)]
pub fn read_settings(path: &Path) -> Result<Vec<EventHook>, HookError> {
    let (hooks, skipped) = read_settings_skipping(path)?;
    if !skipped.is_empty() && hooks.is_empty() {
        return Err(HookError::Invalid {
            path: path.display().to_string(),
            message: format!("skipped {}", skipped.join(", ")),
        });
    }
    Ok(hooks)
}

/// How an `async` HTTP handler or an `asyncRewake` one is described: a
/// note, not a part skipped (the hooks run).
const ASYNC_NOTE: &str = "(a note; they are not skipped)";

/// Whether `item`, one of what [`read_settings_skipping`] lists, is a note
/// about hooks that run all the same (`async`, `asyncRewake`) rather than
/// a part left out.
pub fn is_note(item: &str) -> bool {
    item.ends_with(ASYNC_NOTE)
}

/// The hooks of one settings.json, and what was skipped in it: each entry
/// of an event quire does not have (with the closest event's name) or of a
/// handler type it cannot run, events written outside `"hooks"`, in words.
pub fn read_settings_skipping(path: &Path) -> Result<(Vec<EventHook>, Vec<String>), HookError> {
    read_skipping(path, false)
}

/// The hooks of a plugin's hook file (`hooks/hooks.json`, one its
/// manifest names, or the manifest with its hooks inline), and what was
/// skipped in it: as [`read_settings_skipping`], and the top-level keys
/// such a file does not have.
pub fn read_plugin_hooks_skipping(path: &Path) -> Result<(Vec<EventHook>, Vec<String>), HookError> {
    read_skipping(path, true)
}

fn read_skipping(path: &Path, plugin: bool) -> Result<(Vec<EventHook>, Vec<String>), HookError> {
    super::file_limits::check_size(path)?;
    let Some(text) = read_optional(path)? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let invalid = |e: serde_json::Error| HookError::Invalid {
        path: path.display().to_string(),
        message: format!("not valid settings JSON: {e}"),
    };
    let settings: Settings = if super::manifest_hooks::is_plugin_manifest(path) {
        Settings {
            hooks: super::manifest_hooks::read(&text).map_err(invalid)?,
            top: Default::default(),
        }
    } else {
        serde_json::from_str(&text).map_err(invalid)?
    };
    super::file_limits::check_count(
        path,
        super::file_limits::handlers_in(settings.hooks.values()),
    )?;
    let mut out = Vec::new();
    let mut skipped = super::top_level::notes(&settings.top, plugin);
    for (name, groups) in settings.hooks {
        let Some(event) = HookEvent::parse(&name) else {
            let names = HookEvent::ALL.map(HookEvent::as_str);
            skipped.push(format!(
                "the {name} hooks (quire has no {name} event{})",
                crate::suggest::did_you_mean(&name, names.iter().copied())
            ));
            continue;
        };
        for (g, group) in groups.into_iter().enumerate() {
            let group: Group = match serde_json::from_value(group) {
                Ok(group) => group,
                Err(e) => {
                    skipped.push(format!("entry {} of the {name} hooks ({e})", g + 1));
                    continue;
                }
            };
            let entry = format!("entry {} of the {name} hooks", g + 1);
            for key in group.unknown.keys() {
                skipped.push(if key == "if" {
                    format!(
                        "the `if` of {entry}: Claude Code reads `if` on each handler (`\"hooks\": [{{\"type\": \"command\", \"if\": \"Bash(git push:*)\", …}}]`), not on the entry, so its hooks run for every call the matcher fits; move it into the handlers"
                    )
                } else {
                    unknown_key(key, &entry, &["matcher", "hooks"])
                });
            }
            for (n, h) in group.hooks.into_iter().enumerate() {
                let h: Handler = match serde_json::from_value(h) {
                    Ok(h) => h,
                    Err(e) => {
                        skipped.push(format!(
                            "hook {} of entry {} of the {name} hooks ({e})",
                            n + 1,
                            g + 1
                        ));
                        continue;
                    }
                };
                let at = format!("hook {} of {entry}", n + 1);
                for key in h.other.keys() {
                    // The keys of Claude Code's `mcp_tool` handler, which
                    // is skipped as a whole below.
                    let of_mcp_tool = h.kind == "mcp_tool" && MCP_TOOL_KEYS.contains(&key.as_str());
                    if !HANDLER_KEYS_IGNORED.contains(&key.as_str()) && !of_mcp_tool {
                        let known: Vec<&str> = HANDLER_KEYS
                            .iter()
                            .chain(HANDLER_KEYS_IGNORED)
                            .copied()
                            .collect();
                        skipped.push(unknown_key(key, &at, &known));
                    }
                }
                let kind = match h.kind.as_str() {
                    "command" => HookKind::Command,
                    "http" => HookKind::Http,
                    other => {
                        skipped.push(format!(
                            "a `{other}` hook of {name} (quire runs `command` and `http` hooks)"
                        ));
                        continue;
                    }
                };
                // Claude Code runs only command hooks in the background;
                // `asyncRewake` implies `async`.
                let background = h.is_async == Some(true) || h.async_rewake == Some(true);
                let note = match (kind, h.async_rewake == Some(true)) {
                    (HookKind::Http, _) if background => Some(format!(
                        "`async` of the {name} http hooks: they are not run in the background (Claude Code runs only command hooks so); quire waits for them {ASYNC_NOTE}"
                    )),
                    (HookKind::Command, true) => Some(format!(
                        "`asyncRewake` of the {name} hooks: they run in the background, but one exiting with code 2 does not wake the model; what they answer goes with the next message {ASYNC_NOTE}"
                    )),
                    _ => None,
                };
                if let Some(note) = note.filter(|n| !skipped.contains(n)) {
                    skipped.push(note);
                }
                out.push((
                    event,
                    HookDef {
                        matcher: group.matcher.clone(),
                        kind,
                        command: h.command,
                        url: h.url,
                        headers: h.headers,
                        allowed_env_vars: h.allowed_env_vars,
                        timeout_sec: h.timeout,
                        plugin: None,
                        name: None,
                        if_rule: h.if_rule,
                        background: background && kind == HookKind::Command,
                    },
                    at,
                ));
            }
        }
    }
    Ok((out, skipped))
}

#[cfg(test)]
#[path = "claude_tests.rs"]
mod tests;
