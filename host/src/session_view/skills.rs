//! The skills a user may call as `/name`, and `/skills`' listing of them.

use std::sync::OnceLock;

use super::{Said, Tone};

/// Skills the user may invoke (name, description), set at start.
pub static SKILLS: OnceLock<Vec<(String, String)>> = OnceLock::new();

/// Whether `name` (without its `/`) is a skill the user may call.
pub fn is_user_skill(name: &str) -> bool {
    SKILLS
        .get()
        .is_some_and(|s| s.iter().any(|(n, _)| n == name))
}

/// Skills the user may call as `/name`.
pub fn user_skills(setup: &crate::cli::setup::Setup) -> Vec<(String, String)> {
    use quire::skills::{DiscoverOptions, discover};
    if !setup.config.skills.enabled {
        return Vec::new();
    }
    let d = discover(
        &DiscoverOptions::new(
            setup.cwd.clone(),
            quire::agent::prompt::repo_root(&setup.cwd),
            setup.home.clone(),
            &setup.config.skills,
        )
        .trusting(setup.config.project_trusted),
    );
    d.skills
        .into_iter()
        .filter(|s| s.user_invocable)
        .map(|s| (s.name, s.description))
        .collect()
}

/// `/skills`: one line per skill, the active ones marked `●`, cut at
/// `width` columns with `…`.
pub fn listing(active: &[String], width: usize) -> Said {
    let all = SKILLS.get().map(Vec::as_slice).unwrap_or_default();
    if all.is_empty() {
        return Said::Note(Tone::Dim, "no skills found (see quire skills list)".into());
    }
    let width = width.max(20);
    let lines = all
        .iter()
        .map(|(n, d)| {
            let mark = if active.contains(n) { "●" } else { " " };
            crate::cli::summary::clip(&format!("  {mark} {n} — {d}"), width)
        })
        .collect();
    Said::Lines(lines)
}
