//! The skill of a Claude Code plugin whose `name` is not an Agent Skills
//! name (Anthropic's hookify: `name: Writing Hookify Rules` in
//! `skills/writing-rules/`): Claude Code accepts it, and quire calls the
//! skill by its handle ([`Skill::handle`]: `$hookify:writing-rules`), so
//! `plugins validate` says how to call it rather than failing the plugin.
//! `quire skills validate` still judges the same file by the spec.

use crate::skills::Skill;
use crate::skills::validate::Report;

/// When `r`, a skill of the Claude Code plugin `plugin`, has a name the
/// spec refuses but a handle one can type: its name problems taken out
/// of `r`, and the note saying how to call it. `None` (and `r` as it
/// was) otherwise, also when quire would not load the skill.
pub(super) fn loosen(plugin: &str, r: &mut Report) -> Option<String> {
    let file = r.file.clone()?;
    let (front, _, _) = crate::skills::validate::read_strict(&file).ok()?;
    let name = front.get("name")?.as_text()?.trim();
    let folder = r.dir.file_name()?.to_str()?;
    let wrong = crate::skills::names::name_problems(name, Some(folder));
    if name.is_empty() || wrong.is_empty() {
        return None;
    }
    let skill = crate::skills::parse::read_skill(crate::skills::parse::Origin {
        dir: &r.dir,
        file: &file,
        root: &r.dir,
        scope: crate::skills::Scope::Configured,
    })
    .ok()?;
    let handle = Skill {
        name: format!("{plugin}:{}", skill.name),
        ..skill
    }
    .handle();
    if !crate::skills::skill::typeable(&handle) {
        return None;
    }
    r.problems.retain(|p| !wrong.contains(p));
    Some(format!(
        "its name {name:?} is not an Agent Skills name (lowercase letters, digits and hyphens, its folder's name); Claude Code accepts it, and quire calls the skill as ${handle}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(dir: &std::path::Path, front: &str) -> Report {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join("SKILL.md"),
            format!("---\n{front}\ndescription: does things\n---\nbody\n"),
        )
        .unwrap();
        crate::skills::validate::validate_dir(dir, false)
    }

    #[test]
    fn a_name_in_words_becomes_a_note_with_the_handle() {
        let tmp = tempfile::tempdir().unwrap();
        let mut r = report(
            &tmp.path().join("writing-rules"),
            "name: Writing Hookify Rules\nversion: 0.1.0",
        );
        assert_eq!(r.problems.len(), 4, "{:?}", r.problems);
        let note = loosen("hookify", &mut r).unwrap();
        assert!(note.ends_with("quire calls the skill as $hookify:writing-rules"));
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        assert!(r.problems[0].starts_with("Unexpected fields"));
    }

    #[test]
    fn a_spec_name_or_an_untypeable_folder_is_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let mut r = report(&tmp.path().join("fine"), "name: fine");
        assert!(loosen("kit", &mut r).is_none());
        let mut r = report(&tmp.path().join("two words"), "name: Two Words");
        let before = r.problems.clone();
        assert!(loosen("kit", &mut r).is_none());
        assert_eq!(r.problems, before);
    }
}
