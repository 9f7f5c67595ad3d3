//! Guards approved before whose files changed since. A repository's or a
//! plugin's guard (PreToolUse, PermissionRequest, UserPromptSubmit) that
//! no longer matches its approval does not run; were it merely "new", what
//! it guards would go unguarded in every later session, and the model
//! could switch a guard off for good by editing its script once. So a
//! hook known to the approvals by its identity — where it is written, its
//! event, matcher and command, apart from the files it runs — keeps
//! guarding: what it guards is blocked until `quire hooks trust`
//! approves the new version.

use sha2::{Digest, Sha256};

use super::config::{Hook, HookKind, TrustState};
use super::trust::TrustStore;

/// The identity of `hook` apart from its files: its source file, event,
/// matcher and what it runs.
pub fn identity(hook: &Hook) -> String {
    let def = &hook.def;
    let runs = match def.kind {
        HookKind::Command => def.command.as_deref(),
        HookKind::Http => def.url.as_deref(),
        HookKind::Wasm => def.plugin.as_deref(),
    };
    let body = serde_json::json!({
        "source": hook.source.display().to_string(),
        "event": hook.event.as_str(),
        "matcher": def.matcher,
        "kind": def.kind,
        "runs": runs,
    });
    Sha256::digest(body.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `hook`, a guard that waits for approval, was approved before
/// (by identity; approvals recorded before identities were kept, by its
/// source, event and label).
pub fn applies(hook: &Hook, approved: &TrustStore) -> bool {
    if hook.trust != TrustState::NotApproved || !hook.event.guards() {
        return false;
    }
    let id = identity(hook);
    let source = hook.source.display().to_string();
    let label = hook.def.label();
    approved.trusted.values().any(|a| {
        if a.identity.is_empty() {
            a.source == source && a.event == hook.event.as_str() && a.hook == label
        } else {
            a.identity == id
        }
    })
}
