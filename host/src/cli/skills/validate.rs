//! `quire skills validate PATH... [--strict]` and `quire skills to-prompt PATH...`.

use std::path::{Path, PathBuf};

use quire::skills::parse::{self, Origin};
use quire::skills::prompt_xml::{PromptEntry, to_prompt as xml};
use quire::skills::validate::{find_skill_md, parent_dir, skills_in, validate_path};
use quire::skills::{Scope, Skill};

use crate::cli::{EXIT_FAILED, EXIT_OK};

pub fn validate(paths: &[PathBuf], strict: bool) -> i32 {
    let mut total = 0;
    let mut failed = 0;
    for path in paths {
        for report in validate_path(path, strict) {
            total += 1;
            let at = report.location().display();
            for w in &report.load_warnings {
                elistln!("{at}: warning: quire loads this skill with a warning: {w}");
            }
            if report.is_valid() {
                listln!("ok: {}", report.dir.display());
                continue;
            }
            failed += 1;
            for p in &report.problems {
                elistln!("{at}: {p}");
            }
            // "Loads and works in quire" only when it does, as written.
            let loads = !report.not_loaded && report.load_warnings.is_empty();
            for note in field_notes(&report.unexpected_fields, loads) {
                elistln!("{at}: note: {note}");
            }
        }
    }
    if failed == 0 {
        return EXIT_OK;
    }
    eprintln!(
        "{failed} of {} failed validation{}",
        quire::plural::counted(total, "skill"),
        if strict { " (--strict)" } else { "" }
    );
    EXIT_FAILED
}

/// What to know of fields the spec refuses: a misspelt one's spelling,
/// and that quire and Claude Code read their own.
fn field_notes(unexpected: &[String], loads: bool) -> Vec<String> {
    use quire::skills::validate::{ALLOWED_FIELDS, CLAUDE_CODE_FIELDS};
    let known = |k: &str| ALLOWED_FIELDS.contains(&k) || CLAUDE_CODE_FIELDS.contains(&k);
    let mut notes = Vec::new();
    let mut extensions = Vec::new();
    for field in unexpected {
        if CLAUDE_CODE_FIELDS.contains(&field.as_str()) {
            extensions.push(field.as_str());
            continue;
        }
        let other = if field.contains('_') {
            field.replace('_', "-")
        } else {
            field.replace('-', "_")
        };
        let lower = other.to_ascii_lowercase();
        if known(&lower) {
            notes.push(format!("`{field}`: did you mean `{lower}`?"));
        }
    }
    if !extensions.is_empty() {
        let works = if loads {
            "the skill loads and works in quire and Claude Code"
        } else {
            "see above for what quire makes of this skill"
        };
        notes.push(format!(
            "{} {} Claude Code's, which quire reads too: {works}; only the Agent Skills spec (and its validator) leaves {} out",
            extensions.join(", "),
            if extensions.len() == 1 { "is" } else { "are" },
            if extensions.len() == 1 { "it" } else { "them" },
        ));
    }
    notes
}

pub fn to_prompt(paths: &[PathBuf]) -> i32 {
    let mut skills = Vec::new();
    for path in paths {
        // A folder of skills stands for each skill in it, as for validate.
        let (dirs, skipped) = skills_in(path);
        for (file, reason) in &skipped {
            eprintln!("warning: {}: {reason}; left out", file.display());
        }
        let one = [path.clone()];
        let each: &[PathBuf] = if dirs.is_empty() { &one } else { &dirs };
        for dir in each {
            match load(dir) {
                Ok(s) => skills.push(s),
                Err(e) => {
                    eprintln!("error: {}: {e}", dir.display());
                    return EXIT_FAILED;
                }
            }
        }
    }
    let entries: Vec<PromptEntry<'_>> = skills
        .iter()
        .map(|s| PromptEntry {
            name: &s.name,
            description: &s.description,
            location: &s.file,
        })
        .collect();
    say!("{}", xml(&entries));
    EXIT_OK
}

/// A skill folder or SKILL.md, parsed leniently, with absolute paths.
fn load(path: &Path) -> Result<Skill, String> {
    let is_file = path.is_file()
        && path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case("skill.md"));
    let dir = if is_file {
        parent_dir(path)
    } else {
        path.to_path_buf()
    };
    let dir = std::fs::canonicalize(dir).map_err(|e| format!("cannot open: {e}"))?;
    let file = find_skill_md(&dir)
        .ok_or("no SKILL.md in this folder, nor in a folder inside it; give a skill folder, its SKILL.md or a folder of skills")?;
    parse::read_skill(Origin {
        dir: &dir,
        file: &file,
        root: &dir,
        scope: Scope::Configured,
    })
    .map_err(|e| e.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_fields_and_claude_codes_own_are_explained() {
        let notes = field_notes(
            &[
                "allowed_tools".into(),
                "when_to_use".into(),
                "disable-model-invocation".into(),
                "colour".into(),
            ],
            true,
        );
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("did you mean `allowed-tools`"));
        assert!(notes[1].starts_with("when_to_use, disable-model-invocation are Claude Code's"));
    }
}
