//! The skills a user may call as `/name`, and `/skills`' listing of them.

use std::sync::OnceLock;

use super::{Said, Tone};

/// A skill the user may invoke.
#[derive(Debug, Clone, PartialEq)]
pub struct UserSkill {
    /// What the user types after `/` or `$` (the skill's handle: its
    /// name, or its folder's when the name cannot be typed).
    pub call: String,
    /// The skill's name (what the active skills are known by).
    pub name: String,
    pub description: String,
}

/// Skills the user may invoke, set at start.
pub static SKILLS: OnceLock<Vec<UserSkill>> = OnceLock::new();

/// Whether `word` (without its `/`) calls a skill the user may call.
pub fn is_user_skill(word: &str) -> bool {
    SKILLS
        .get()
        .is_some_and(|s| s.iter().any(|u| u.call == word || u.name == word))
}

/// Skills the user may call as `/name`.
pub fn user_skills(setup: &crate::cli::setup::Setup) -> Vec<UserSkill> {
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
        .map(|s| UserSkill {
            call: s.handle(),
            name: s.name,
            description: s.description,
        })
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
        .map(|u| {
            let mark = if active.contains(&u.name) { "●" } else { " " };
            let shown = if u.call == u.name {
                u.call.clone()
            } else {
                format!("{} ({})", u.call, u.name)
            };
            crate::cli::summary::clip(&format!("  {mark} {shown} — {}", u.description), width)
        })
        .collect();
    Said::Lines(lines)
}
