//! The warning naming the repository and plugin hooks that wait for the
//! user's approval (and the changed guards that block until then).

use super::config::TrustState;

/// The hooks `loaded` that the user must approve before they run, as one
/// warning (none when all are approved). A plugin hook refused for its
/// folder's path is not among them: approved, it would still not run
/// (its own warning says why).
pub fn pending_warning(loaded: &super::LoadedHooks) -> Option<String> {
    let pending: Vec<String> = loaded
        .hooks
        .iter()
        .filter(|h| h.trust == TrustState::NotApproved && h.refused_root().is_none())
        .map(|h| {
            format!(
                "{} {} `{}`{} ({})",
                h.id(),
                h.event,
                h.def.label(),
                h.def.headers_shown(),
                h.source.display()
            )
        })
        .collect();
    let guards: Vec<String> = loaded
        .hooks
        .iter()
        .filter(|h| h.approved_before)
        .map(|h| format!("{} {} `{}`", h.id(), h.event, h.def.label()))
        .collect();
    let blocked = match guards.is_empty() {
        true => String::new(),
        false => format!(
            " Approved before and changed since, these guard what the model does, which is blocked until they are approved again: {}.",
            guards.join("; ")
        ),
    };
    (!pending.is_empty()).then(|| {
        format!(
            "{} repository or plugin hook(s) are new or changed and do not run until approved: {}.{blocked} Review them with `quire hooks list`, approve with `quire hooks trust`.",
            pending.len(),
            pending.join("; ")
        )
    })
}
