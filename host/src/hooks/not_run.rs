//! What an approved hook that does not run (its files changed since the
//! approval, or it is gone from them) says: the warning, and for a guard
//! the reason what it guards is blocked.

use super::{Hook, HookEvent};

/// Why an approved hook whose files changed during the session does not
/// run, named as at the start of a session; for a guard, that what it
/// guards is blocked.
pub(super) fn changed_warning(hook: &Hook, changed: &[String]) -> String {
    format!(
        "{} does not run: {} changed since it was approved{}{}. {APPROVE}",
        named(hook),
        changed_files(changed),
        covers(hook),
        blocked(hook),
    )
}

/// What to do about a hook changed since its approval: what works, also
/// while the session runs ([`super::reapproved`]).
const APPROVE: &str = "Review it with `quire hooks list` and approve the new version with `quire hooks trust` (from another shell too: this session runs it from the next message or call on, no restart needed).";

/// For a plugin's hook, that its approval covers every file of the
/// plugin's folder (a skill or a command edited there too asks again).
fn covers(hook: &Hook) -> String {
    match &hook.plugin_root {
        Some(root) => format!(
            " (its approval covers every file of its plugin's folder {})",
            root.display()
        ),
        None => String::new(),
    }
}

/// The hook by id, event, label and file.
fn named(hook: &Hook) -> String {
    format!(
        "hook {} {} `{}` ({})",
        hook.id(),
        hook.event,
        hook.def.label(),
        hook.source.display()
    )
}

/// For a guard, that what it guards is blocked.
fn blocked(hook: &Hook) -> String {
    match hook.event.guards() {
        true => format!(", so {} is blocked", guarded(hook.event)),
        false => String::new(),
    }
}

/// The reason a guard that could not run gives for the block (to the
/// model for a tool call, to the user for a prompt).
pub(super) fn changed_block(hook: &Hook, changed: &[String]) -> String {
    let files = match changed.is_empty() {
        true => String::new(),
        false => format!(" ({})", changed_files(changed)),
    };
    if hook.event == HookEvent::UserPromptSubmit {
        // Shown to the user, who sends the message again.
        return format!(
            "the {} hook {} `{}` did not run because its files{files} changed since you approved it{}, and your message waits for it: it was not sent. Review the hook with `quire hooks list` and approve the new version with `quire hooks trust` (from another shell too), then send the message again: this session picks the approval up, no restart needed.",
            hook.event,
            hook.id(),
            hook.def.label(),
            covers(hook),
        );
    }
    format!(
        "blocked: the {} hook `{}` did not run because its files{files} changed since it was approved, and {} waits for it. The user can review it with `quire hooks list` and approve the new version with `quire hooks trust`.",
        hook.event,
        hook.def.label(),
        guarded(hook.event),
    )
}

/// The reason a guard approved for this repository and gone from its
/// files since gives for the block ([`super::gone_guards`]).
pub(super) fn gone_block(hook: &Hook) -> String {
    if hook.event == HookEvent::UserPromptSubmit {
        return format!(
            "the {} hook `{}` ({}) approved for this repository was removed, or its matcher or command changed, since you approved it, and your message waits for it: it was not sent. Accept the change with `quire hooks trust` (`quire hooks list` shows it; from another shell too), then send the message again: this session picks that up, no restart needed.",
            hook.event,
            hook.def.label(),
            hook.source.display(),
        );
    }
    format!(
        "blocked: the {} hook `{}` ({}) approved for this repository was removed, or its matcher or command changed, since it was approved, and {} waits for it. The user can accept the change with `quire hooks trust` (`quire hooks list` shows it).",
        hook.event,
        hook.def.label(),
        hook.source.display(),
        guarded(hook.event),
    )
}

/// Why a plugin's command hook does not run when the path put in for its
/// folder is one a shell could act on, or its alias cannot be made (`why`,
/// [`super::root_name`], [`super::root_alias`]); for a guard, that what it
/// guards is blocked.
pub(super) fn unsafe_root_warning(hook: &Hook, why: &str) -> String {
    format!("{} does not run{}: {why}", named(hook), blocked(hook))
}

/// The reason such a guard gives for the block.
pub(super) fn unsafe_root_block(hook: &Hook, why: &str) -> String {
    format!(
        "blocked: the {} hook `{}` did not run, and {} waits for it: {why}",
        hook.event,
        hook.def.label(),
        guarded(hook.event),
    )
}

fn guarded(event: HookEvent) -> &'static str {
    match event {
        HookEvent::UserPromptSubmit => "the prompt",
        HookEvent::PermissionRequest => "the request",
        _ => "the tool call",
    }
}

fn changed_files(changed: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut files = changed
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if changed.len() > SHOWN {
        files.push_str(&format!(" and {} more", changed.len() - SHOWN));
    }
    files
}
