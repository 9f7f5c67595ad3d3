//! Guards approved for this repository that its files no longer hold. A
//! repository's guard (PreToolUse, PermissionRequest, UserPromptSubmit;
//! also a repository plugin's) is written in files a sandboxed command
//! can write: `.claude/settings.json`, `.quire/config.toml`, a plugin's
//! hooks.json. Were its entry deleted, or its matcher or command changed
//! (which makes it a new hook, not run until approved), what it guarded
//! would run unguarded in this and every later session. So an approval
//! of a guard whose file is in this workspace, when no hook loaded now
//! has its identity ([`super::approved_before::identity`]), stands for
//! the guard: what its matcher (and `if`) matched is blocked until the
//! user accepts the change with `quire hooks trust`, which forgets the
//! approval ([`forget`]).
//!
//! A settings file gone altogether (another branch checked out) counts
//! the same: the approval says "this repository has this guard", and a
//! checkout run by the model cannot be told from one by the user.
//! Approvals recorded before matchers were kept block every call of
//! their event (their matcher is not known). Left out: an untrusted
//! repository (none of its hooks run), `.claude/settings*.json` when
//! `claude_compat` is off (the user's choice not to read them), hooks in
//! a nested repository, and the user's own files (`$QUIRE_HOME`,
//! Claude Code's user folder), which sandboxed commands cannot write.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::config::{Hook, HookDef, HookKind, HookScope, HookSources, TrustState};
use super::trust::{Approved, TrustStore};
use super::{HookEvent, approved_before, claude, if_rule};

/// The approvals in `approved` of this workspace's guards that no hook of
/// `loaded` answers to, each as a hook that blocks what it matched
/// ([`TrustState::Gone`]; its `hash` is the approval's key).
pub fn find(src: &HookSources, approved: &TrustStore, loaded: &[Hook]) -> Vec<Hook> {
    let Some(root) = src.repo_root.as_deref().filter(|_| src.project_trusted) else {
        return Vec::new();
    };
    let identities: BTreeSet<String> = loaded.iter().map(approved_before::identity).collect();
    let present = |a: &Approved| match a.identity.is_empty() {
        true => loaded.iter().any(|h| {
            h.source.display().to_string() == a.source
                && h.event.as_str() == a.event
                && h.def.label() == a.hook
        }),
        false => identities.contains(&a.identity),
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (hash, a) in &approved.trusted {
        let Some(event) = HookEvent::parse(&a.event).filter(|e| e.guards()) else {
            continue;
        };
        if !in_workspace(src, root, Path::new(&a.source)) || present(a) || !seen.insert(key(a)) {
            continue;
        }
        out.push(as_hook(hash, a, event));
    }
    out
}

/// Whether `source` is a hooks file of the repository at `root` that this
/// rule covers (see the module's notes).
fn in_workspace(src: &HookSources, root: &Path, source: &Path) -> bool {
    let users = [Some(src.home.as_path()), src.claude_home.as_deref()];
    if !source.starts_with(root) || users.into_iter().flatten().any(|u| source.starts_with(u)) {
        return false;
    }
    let settings = ["settings.json", "settings.local.json"];
    if !src.claude_compat
        && settings
            .iter()
            .any(|n| source == root.join(".claude").join(n))
    {
        return false;
    }
    // A nested repository's hooks are its own (loaded when quire runs
    // there). A hidden folder (`.claude`, `.quire`) is no project: a
    // `.git` the model made inside `.claude/` does not take its settings
    // out of this repository.
    let hidden = |dir: &Path| {
        dir.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
    };
    let nested = source
        .ancestors()
        .skip(1)
        .take_while(|dir| *dir != root)
        .any(|dir| !hidden(dir) && dir.join(".git").exists());
    !nested
}

/// What tells one approved guard from another: its identity, or for an
/// approval recorded before identities were kept, its file, event and
/// label.
fn key(a: &Approved) -> String {
    match a.identity.is_empty() {
        true => format!("{}\n{}\n{}", a.source, a.event, a.hook),
        false => a.identity.clone(),
    }
}

/// The approval `a` (kept under `hash`) as a hook that blocks what it
/// matched. A matcher or `if` that cannot be read any more blocks every
/// call of its event.
fn as_hook(hash: &str, a: &Approved, event: HookEvent) -> Hook {
    let def = HookDef {
        matcher: a.matcher.clone().filter(|m| !m.is_empty()),
        kind: HookKind::Command,
        command: None,
        url: None,
        headers: Default::default(),
        allowed_env_vars: Vec::new(),
        timeout_sec: None,
        plugin: None,
        name: Some(a.hook.clone()),
        if_rule: a.if_rule.clone(),
        background: false,
    };
    let text = def
        .matcher
        .as_deref()
        .map(|m| match a.claude && event.is_tool_event() {
            true => claude::map_matcher(m),
            false => m.to_string(),
        });
    let matcher = super::config::compile_matcher(text.as_deref()).unwrap_or(None);
    let claude_matcher = match a.claude && event.is_tool_event() {
        true => super::config::compile_claude_matcher(def.matcher.as_deref()),
        false => None,
    };
    let condition = if_rule::for_hook(event, &def).unwrap_or(None);
    Hook {
        event,
        def,
        matcher,
        claude_matcher,
        source: PathBuf::from(&a.source),
        scope: HookScope::Project,
        claude: a.claude,
        plugin_root: None,
        root_alias: None,
        plugin_data: None,
        condition,
        hash: hash.to_string(),
        trust: TrustState::Gone,
        pinned: None,
        approved_before: true,
    }
}

/// Forgets the approval behind `gone` (a hook [`find`] gave) and every
/// other of the same guard: the user accepts that it is removed or
/// changed, and what it guarded is no longer blocked. Returns how many
/// approvals were dropped.
pub fn forget(store: &mut TrustStore, gone: &Hook) -> usize {
    let Some(wanted) = store.trusted.get(&gone.hash).map(key) else {
        return 0;
    };
    let before = store.trusted.len();
    store.trusted.retain(|_, a| key(a) != wanted);
    before - store.trusted.len()
}

/// The warning at the start of a session naming the `gone` guards (none
/// when there are none).
pub fn warning(gone: &[Hook]) -> Option<String> {
    if gone.is_empty() {
        return None;
    }
    let named: Vec<String> = gone
        .iter()
        .map(|h| {
            format!(
                "{} {} [{}] `{}` ({})",
                h.id(),
                h.event,
                h.def.matcher.as_deref().unwrap_or("*"),
                h.def.label(),
                h.source.display()
            )
        })
        .collect();
    Some(format!(
        "{} guard hook(s) approved for this repository are gone from its files since (removed, or their matcher or command changed), so what they guarded stays blocked: {}. If you removed or changed them, accept it with `quire hooks trust`; `quire hooks list` shows them.",
        gone.len(),
        named.join("; ")
    ))
}

#[cfg(test)]
#[path = "gone_guards_tests.rs"]
mod tests;
