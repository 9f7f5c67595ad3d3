//! What a resumed session continues with. Its model: the one it last
//! used (its last `/model`, else the one it started with), unless this
//! run named a model or provider itself (`-m`, `-p`, `-c model=…`,
//! `QUIRE_MODEL`, `QUIRE_PROVIDER`) or the session ran on another
//! provider. The config's model changing since (a new default) does not
//! silently move an old conversation to another model; the note says how
//! to switch. Its sandbox and approval policy are this run's, with a note
//! when they are not those the session began with (or was left with after
//! an `/approvals` change: the file records it).

use crate::config::{Config, ProviderConfig};
use crate::store::LoadedSession;

/// The model to continue `loaded` with and the note saying so, when it
/// is not `configured` (the model this run would otherwise use).
pub(crate) fn choose(
    config: &Config,
    provider: &ProviderConfig,
    configured: &str,
    loaded: &LoadedSession,
) -> Option<(String, String)> {
    let last = loaded.model.as_str();
    if config.model_given_by.is_some()
        || loaded.meta.provider != provider.name
        || last.is_empty()
        || last == configured
    {
        return None;
    }
    let note = format!(
        "continuing with model {last}, which this session last used (the config names {configured}; `/model {configured}` or `-m {configured}` switches)"
    );
    Some((last.to_string(), note))
}

/// A note when this run's sandbox or approval policy is not the one
/// `loaded` began with, or was left with after an `/approvals`: a
/// resumed session takes this run's settings (as Codex's does), and a
/// conversation begun read-only should not widen unseen.
pub(crate) fn settings_note(config: &Config, loaded: &LoadedSession) -> Option<String> {
    let (sandbox, approval) = (config.sandbox.to_string(), config.approval.to_string());
    let was = |recorded: &Option<String>, now: &str| {
        recorded
            .as_deref()
            .filter(|r| *r != now)
            .map(str::to_string)
    };
    // The settings it was left on: its last `/approvals`, else its header's.
    let (last_sandbox, last_approval, began_or_left) = match &loaded.settings {
        Some((s, a)) => (Some(s.clone()), Some(a.clone()), "was left with"),
        None => (
            loaded.meta.sandbox.clone(),
            loaded.meta.approval.clone(),
            "began with",
        ),
    };
    let (old_sandbox, old_approval) =
        (was(&last_sandbox, &sandbox), was(&last_approval, &approval));
    if old_sandbox.is_none() && old_approval.is_none() {
        return None;
    }
    let mut began = Vec::new();
    let mut now = Vec::new();
    let mut flags = Vec::new();
    if let Some(s) = old_sandbox {
        began.push(format!("sandbox {s}"));
        now.push(format!("sandbox {sandbox}"));
        flags.push(format!("--sandbox {s}"));
    }
    if let Some(a) = old_approval {
        began.push(format!("approval {a}"));
        now.push(format!("approval {approval}"));
        flags.push(format!("--approval {a}"));
    }
    Some(format!(
        "this session {began_or_left} {}; this run uses {} (pass {} to keep the session's)",
        began.join(" and "),
        now.join(" and "),
        flags.join(" ")
    ))
}
